"""The first view in a real browser: with scripts off the page reads as the command line's
numbers; with scripts on, the app takes over in place with the same numbers, without a single
callback on the way, and with a clean console."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import SCREENSHOTS, ConsoleWatch, new_context

from barometer.cli import main

pytestmark = pytest.mark.browser
PAGES = [
    ("/?indicator=trust_police&by=gender&country=XK&year=2024", "#result-table"),
    ("/trends?indicator=trust_police&country=AL,XK", "#trends-table"),
    ("/compare?indicator=trust_eu&year=2025", "#compare-table"),
]


def cli_percentages(*args: str) -> list[str]:
    import json

    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return [f"{row['percent']:.1f}%" for row in json.loads(result.output)["rows"]]


def test_with_scripts_off_the_page_shows_the_cli_numbers(browser, live_server):
    context = new_context(browser, java_script_enabled=False, viewport={"width": 1280,
                                                                         "height": 900})
    page = context.new_page()
    page.goto(live_server + PAGES[0][0])
    cells = page.locator("#first-view td").all_inner_texts()
    expected = cli_percentages("crosstab", "trust_police", "--by", "gender", "--country", "XK",
                               "--year", "2024")
    assert expected and all(any(c.startswith(e) for c in cells) for e in expected)
    assert page.locator("#first-view svg.static-chart").is_visible()
    assert "How much do you trust the police?" in page.inner_text("#first-view h1")
    page.screenshot(path=str(SCREENSHOTS / "first-view-no-script.png"), full_page=True)
    context.close()


FIRST_VIEW_WATCH = """
const firstViewCells = () => Array.from(document.querySelectorAll('#first-view td'),
                                        c => c.innerText);
new MutationObserver((_, observer) => {
  const heading = document.querySelector('#first-view h1');
  if (heading) {
    observer.disconnect();
    // the first frame with the question in it (the rest of the HTML may still be on its way):
    // where it stands, and what the table shows
    requestAnimationFrame(() => { const box = heading.getBoundingClientRect();
      window.__firstFrame = {top: box.top, left: box.left, cells: firstViewCells()}; });
  }
}).observe(document, {childList: true, subtree: true});
document.addEventListener('DOMContentLoaded', () => {
  // the whole first view, read before any of the app's scripts has run
  const box = document.querySelector('#first-view h1').getBoundingClientRect();
  window.__firstCells = firstViewCells();
  window.__wholeFirstView = {top: box.top, left: box.left};
});
"""


@pytest.mark.parametrize(("path", "table"), PAGES)
def test_the_app_takes_over_in_place_with_the_same_numbers(browser, live_server, path, table):
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    context.add_init_script(FIRST_VIEW_WATCH)
    page = context.new_page()
    console = ConsoleWatch(page)
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "_dash-update-component" in r.url
            else None)
    page.goto(live_server + path)
    page.wait_for_function("() => window.__firstCells && window.__firstFrame")
    first_cells, first_frame, whole = page.evaluate(
        "() => [window.__firstCells, window.__firstFrame, window.__wholeFirstView]")
    # what the first frame shows stays in its place as the rest of the first view arrives
    # (its last cell may be only partly read)
    assert "\t".join(first_cells).startswith("\t".join(first_frame["cells"]))
    assert (first_frame["top"], first_frame["left"]) == (whole["top"], whole["left"])
    page.wait_for_function("() => !document.getElementById('first-view')")
    app_cells = page.locator(f"#react-entry-point {table} td").all_inner_texts()
    assert app_cells == first_cells
    app_top = page.locator("#react-entry-point h1").bounding_box()["y"]
    assert abs(app_top - first_frame["top"]) < 12  # the question stays where it was
    # the static chart covers the app's chart box until Plotly has drawn there
    page.wait_for_selector(f"#react-entry-point {table.replace('table', 'graph')} .main-svg"
                           if table != "#result-table" else "#react-entry-point #graph .main-svg")
    page.wait_for_function("() => !document.querySelector('.first-chart-cover')")
    assert callbacks == []  # one round trip: the first render needed no callback
    assert console.errors == []
    context.close()


def test_the_controls_answer_after_the_take_over(browser, live_server):
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console = ConsoleWatch(page)
    page.goto(live_server + PAGES[0][0])
    page.wait_for_function("() => !document.getElementById('first-view')")
    page.locator("#country").get_by_text("Albania").click()
    page.wait_for_function(
        "() => document.querySelector('#result-table').innerText.includes('Albania')")
    assert "country=AL" in page.url.replace("%2C", ",")
    assert console.errors == []
    context.close()


AT_HAND_OVER = """
new MutationObserver((_, observer) => {
  if (document.getElementById('react-entry-point') && !document.getElementById('first-view')
      && document.readyState !== 'loading') {
    observer.disconnect();
    window.__atHandOver = {library: typeof (window.Plotly || {}).newPlot,
                           cover: !!document.querySelector('.first-chart-cover')};
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_the_chart_library_waits_until_the_controls_have_answered(browser, live_server):
    """The controls come first: the chart's library has not run when the app takes over (the
    static chart stands in); a change is answered, the stale static chart goes at once, and the
    library then draws the new view."""
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    context.add_init_script(AT_HAND_OVER)
    page = context.new_page()
    console = ConsoleWatch(page)
    page.goto(live_server + PAGES[0][0])
    page.wait_for_function("() => window.__atHandOver")
    assert page.evaluate("() => window.__atHandOver") == {"library": "undefined", "cover": True}
    page.locator("#country").get_by_text("Albania").click()
    page.wait_for_function(
        "() => document.querySelector('#result-table').innerText.includes('Albania')")
    assert page.locator(".first-chart-cover").count() == 0  # it showed Kosovo only
    page.wait_for_function("() => { const plot = document.querySelector('#graph .js-plotly-plot');"
                           " return plot && plot.layout && /Albania/.test(plot.layout.title.text); }")
    assert console.errors == []
    context.close()


def test_a_chart_download_asked_before_the_chart_library_has_run_still_arrives(browser,
                                                                              live_server):
    context = new_context(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_init_script(AT_HAND_OVER)
    page = context.new_page()
    page.goto(live_server + PAGES[0][0])
    page.wait_for_function("() => window.__atHandOver")
    with page.expect_download() as info:
        page.click("#download-svg")
    assert info.value.suggested_filename.endswith(".svg")
    context.close()


def test_on_a_phone_the_static_chart_moves_with_the_app_chart_as_the_controls_open(browser,
                                                                                   live_server):
    """Until Plotly has drawn, the static chart lies over the app's chart box: "Change the view"
    pushes that box down, and the static chart goes with it (it never covers the controls)."""
    context = new_context(browser, viewport={"width": 390, "height": 800})
    page = context.new_page()
    console = ConsoleWatch(page)
    page.route("**/plotly/**", lambda _route: None)  # the chart library never comes
    page.goto(live_server + PAGES[0][0])
    page.wait_for_function("() => !document.getElementById('first-view')")
    cover, chart = page.locator(".first-chart-cover"), page.locator("#react-entry-point "
                                                                    ".graph-slot")
    before = chart.bounding_box()
    assert cover.bounding_box() == before
    page.get_by_role("button", name="Change the view").click()
    page.wait_for_function("(top) => document.querySelector('#react-entry-point .graph-slot')"
                           ".getBoundingClientRect().top > top + 100", arg=before["y"])
    page.wait_for_timeout(100)  # a few frames
    moved = chart.bounding_box()
    assert abs(cover.bounding_box()["y"] - moved["y"]) < 1
    assert page.locator("#explore-controls").bounding_box()["y"] + 100 < moved["y"]
    assert console.errors == []
    context.close()


def test_the_result_keeps_its_place_before_the_controls_beside_it_have_arrived(browser,
                                                                               live_server):
    """No stylesheet holds up the first paint, so the browser may paint the result before it has
    read the controls' column, which comes after it in the HTML (and stands left of it): the
    result stands where it will be, with or without that column."""
    context = new_context(browser, java_script_enabled=False,
                          viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + PAGES[0][0])
    question = page.locator("#first-view h1")
    whole = question.bounding_box()
    page.evaluate("() => document.querySelector('#first-view aside').parentNode.remove()")
    assert question.bounding_box() == whole
    assert whole["x"] > 300  # beside the controls, which are on the left
    context.close()

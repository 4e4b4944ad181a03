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


@pytest.mark.parametrize(("path", "table"), PAGES)
def test_the_app_takes_over_in_place_with_the_same_numbers(browser, live_server, path, table):
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console = ConsoleWatch(page)
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "_dash-update-component" in r.url
            else None)
    page.goto(live_server + path, wait_until="domcontentloaded")
    first_cells = page.locator(f"#first-view #first-{table[1:]} td").all_inner_texts()
    first_box = page.locator("#first-view h1").bounding_box()
    assert first_cells
    page.wait_for_selector(f"#react-entry-point {table} td")
    page.wait_for_function("() => !document.getElementById('first-view')")
    app_cells = page.locator(f"#react-entry-point {table} td").all_inner_texts()
    assert app_cells == first_cells
    app_box = page.locator("#react-entry-point h1").bounding_box()
    assert abs(app_box["y"] - first_box["y"]) < 12  # the question stays where it was
    assert page.locator("#react-entry-point .js-plotly-plot .main-svg").count() >= 1
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

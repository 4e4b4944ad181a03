"""The first view's own stylesheet (`barometer.web.first_view_style`): it holds every Bootstrap rule
the first views use, so that they look exactly as they do under the whole of Bootstrap while no
stylesheet holds up their first paint; the page's stylesheets still apply, after it."""

from __future__ import annotations

import re

import pytest
from conftest import ConsoleWatch, new_context

from barometer.web.first_view_style import (
    APP_STYLE,
    BOOTSTRAP,
    FIRST_VIEW_BOOTSTRAP,
    LANGS,
    VIEWS,
    sample_first_views,
    style_text,
)

CLASS_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
INNERMOST_RULE = re.compile(r"([^{}]+)\{[^{}]*\}")
NOT_A_CLASS = re.compile(r"\.-?[_a-zA-Z][\w-]*|::?[\w-]+(\([^)]*\))?|[\s>+~]")
"""What a selector of classes is made of besides (its classes, pseudo-classes, combinators)."""
PERMALINK = "/?indicator=trust_police&by=gender&country=XK&year=2024"


def head_of(page_html: str) -> str:
    return page_html[:page_html.index("</head>")]


def selectors(css: str) -> set[str]:
    """The selectors of a stylesheet's innermost rules (within @media blocks too)."""
    return {selector.strip() for listed in INNERMOST_RULE.findall(css)
            for selector in listed.split(",")}


def test_the_subset_has_every_bootstrap_selector_of_classes_the_first_views_use(client):
    used = {}
    for address, view in sample_first_views(client).items():
        for attribute in re.findall(r'class="([^"]*)"', view):
            for name in attribute.split():
                used.setdefault(name, address)
    bootstrap = BOOTSTRAP.read_text(encoding="utf-8")
    subset = FIRST_VIEW_BOOTSTRAP.read_text(encoding="utf-8")
    # Bootstrap's selectors made of classes only (with pseudo-classes), all on some first view
    wanted = {selector for selector in selectors(bootstrap) if CLASS_SELECTOR.findall(selector)
              and not NOT_A_CLASS.sub("", selector)
              and all(name in used for name in CLASS_SELECTOR.findall(selector))}
    missing = sorted(wanted - selectors(subset))
    assert not missing, ("the first-view subset lacks Bootstrap rules that first views use (run "
                         f"`make first-view-css`): {missing[:10]}")
    assert {".row", ".table", ".navbar", ".btn-primary"} <= wanted
    assert len(subset) < len(bootstrap) / 5  # not all of Bootstrap again


def test_a_page_with_a_first_view_waits_for_no_stylesheet(client):
    head = head_of(client.get(PERMALINK).get_data(as_text=True))
    subset, app_style = style_text(FIRST_VIEW_BOOTSTRAP), style_text(APP_STYLE)
    assert "body{margin:0" in subset and ".first-view" in app_style
    # the order of the rules: Bootstrap's (the subset, then all of it once linked), the app's
    written = re.search(r'<style id="first-view-bootstrap" data-href="(/assets/00-bootstrap\.min'
                        r'\.css[^"]*)">(.*?)</style><noscript><link rel="stylesheet" href="\1">'
                        r"</noscript>\s*<style>(.*?)</style>", head, re.S)
    assert written and written.group(2) == subset and written.group(3) == app_style
    assert 'rel="stylesheet"' not in head.replace(written.group(0), "")


def test_without_a_first_view_the_stylesheets_stay_in_the_head(dataset, monkeypatch):
    from barometer.web.app import create_app

    monkeypatch.setenv("BAROMETER_SSR", "0")
    page = create_app(dataset).server.test_client().get(PERMALINK).get_data(as_text=True)
    head = head_of(page)
    assert "<style>" not in head and "first-view-bootstrap" not in page
    assert re.search(r'<link rel="stylesheet" href="/assets/00-bootstrap\.min\.css', head)


STYLES_WITH_AND_WITHOUT_BOOTSTRAP = """() => {
  // every property of every first-view element's computed style, with all of Bootstrap (its
  // <noscript> link, scripts being off) and with its stylesheet disabled (the subset alone)
  const elements = Array.from(document.querySelectorAll('#first-view, #first-view *'));
  const styleOf = (el) => {
    const style = getComputedStyle(el);
    // sorted: custom properties come in the order their rules declared them
    return Array.from(style, (name) => name + ':' + style.getPropertyValue(name)).sort();
  };
  const applied = Array.from(document.styleSheets).filter(
    (sheet) => sheet.href && sheet.href.includes('/00-bootstrap') && !sheet.media.length);
  const full = elements.map(styleOf);
  applied.forEach((sheet) => { sheet.disabled = true; });
  const subset = elements.map(styleOf);
  applied.forEach((sheet) => { sheet.disabled = false; });
  const differences = [];
  elements.forEach((el, i) => {
    if (full[i].join(';') !== subset[i].join(';')) {
      differences.push([el.id || el.tagName + '.' + el.getAttribute('class'),
                        full[i].filter((value) => !subset[i].includes(value)).slice(0, 4),
                        subset[i].filter((value) => !full[i].includes(value)).slice(0, 4)]);
    }
  });
  return {bootstrap: applied.length, elements: elements.length, differences: differences};
}"""
STYLE_SAMPLES = [f"{view}{'&' if '?' in view else '?'}lang={lang}"
                 for view, lang in zip(VIEWS[::2], LANGS * 3, strict=False)]
WIDTHS = (1280, 390)  # Bootstrap's grid and the app's rules differ between the two


@pytest.mark.browser
def test_the_first_views_look_the_same_under_the_subset_as_under_all_of_bootstrap(
        browser, live_server):
    """Every element of the first view has the same computed style (every property) under the
    subset alone as under the whole of Bootstrap, on a desktop and on a phone."""
    context = new_context(browser, java_script_enabled=False,
                          viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    for address in STYLE_SAMPLES:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(live_server + address, wait_until="load")
        # what `content-visibility: auto` keeps for later is laid out a frame or more after
        # the load, at a time of the browser's: here at once, alike with and without Bootstrap
        page.evaluate("""() => document.head.appendChild(document.createElement('style'))
          .textContent = '#first-view * { content-visibility: visible !important; }'""")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            compared = page.evaluate(STYLES_WITH_AND_WITHOUT_BOOTSTRAP)
            assert compared["bootstrap"] == 1 and compared["elements"] > 20, (address, compared)
            assert not compared["differences"], (address, width, compared["differences"][:3])
    context.close()


@pytest.mark.browser
def test_the_app_takes_over_once_bootstrap_is_linked_and_loaded(browser, live_server):
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    context.add_init_script("""
new MutationObserver((_, observer) => {
  if (document.getElementById('react-entry-point') && !document.getElementById('first-view')
      && document.readyState !== 'loading') {
    observer.disconnect();
    window.__stylesAtHandOver = Array.from(document.styleSheets, (sheet) =>
      [sheet.href ? new URL(sheet.href).pathname : sheet.ownerNode.id || 'inline',
       sheet.cssRules.length]);
  }
}).observe(document, {childList: true, subtree: true});""")
    page = context.new_page()
    console = ConsoleWatch(page)
    page.goto(live_server + PERMALINK)
    page.wait_for_function("() => window.__stylesAtHandOver")
    sheets = page.evaluate("() => window.__stylesAtHandOver")
    names = [name for name, _ in sheets]  # the components' own <style>s come first
    at = names.index("first-view-bootstrap")
    # all of Bootstrap, loaded, between the subset and the app's rules
    assert names[at:at + 3] == ["first-view-bootstrap", "/assets/00-bootstrap.min.css", "inline"]
    assert sheets[at + 1][1] > 1000 and sheets[at + 1][1] > 3 * sheets[at][1]
    assert console.errors == []
    context.close()


def test_the_stylesheets_are_found_under_a_path_prefix_too():
    from barometer.web.first_view_style import first_view_stylesheets

    css = ('<link rel="stylesheet" href="/wbsb/assets/00-bootstrap.min.css?m=1">\n'
           '<link rel="stylesheet" href="/wbsb/assets/style.css?m=2">')
    written = first_view_stylesheets(css)
    assert 'data-href="/wbsb/assets/00-bootstrap.min.css?m=1"' in written
    assert written.count("<style") == 2 and written.count('rel="stylesheet"') == 1  # <noscript>
    with pytest.raises(ValueError, match="00-bootstrap.min.css"):
        first_view_stylesheets('<link rel="stylesheet" href="/assets/other.css">')

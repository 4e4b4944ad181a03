"""In a real browser: every language changes the page's labels, the chart title and the table
headers, the switcher changes language, and the Albanian pages keep no English interface word.

Uses the `live_server` (the real app on a free port) and `browser` (Debian's headless Chromium)
fixtures of conftest.py. Expected words come from the catalogs and the codebook, not the page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import new_context
from test_i18n import catalog, unextractable_strings

from barometer.codebook import load_codebook
from barometer.i18n import gettext_for
from barometer.paths import PROJECT_ROOT

SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
LANGS = ("en", "sq", "sr-Latn", "sr-Cyrl")
NAV = ("Explore", "Trends", "Compare", "Tab book", "Codebook", "About")
PAGES = ("/", "/trends", "/compare", "/tabbook", "/codebook", "/about")
TIMEOUT = 45_000


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(PROJECT_ROOT / "data" / "codebook.yaml")


@pytest.fixture
def tab(browser):
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"page errors: {errors}"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def wait_for_explore(page) -> None:
    page.wait_for_selector("#graph .gtitle", timeout=TIMEOUT)
    page.wait_for_selector("table.result-table thead th", timeout=TIMEOUT)


def explore_words(page) -> dict:
    """What the Explore page shows: nav labels, chart title, table headers, the indicator."""
    return {
        "nav": page.locator("#nav-links a").all_inner_texts(),
        "title": page.locator("#graph .gtitle").first.text_content(),
        "headers": [re.sub(r"\s*\([A-Z]+\)$", "", h.strip())  # without the column letters
                    for h in page.locator("table.result-table").first
                    .locator("thead th").all_inner_texts()],
        "html_lang": page.evaluate("document.documentElement.lang"),
        "indicator": parse_qs(urlparse(page.url).query).get("indicator", [""])[0],
    }


def expected_words(codebook, lang: str, indicator: str) -> dict:
    _ = gettext_for(lang)
    return {
        "nav": [_(name) for name in NAV],
        "title": codebook.indicator(indicator).label(lang),
        "headers": [_("Answer")] + [codebook.country_name(c, lang) for c in codebook.countries],
        "html_lang": lang,
    }


def test_each_language_changes_labels_chart_title_and_table_headers(tab, live_server, codebook):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seen = {}
    for lang in LANGS:
        tab.goto(f"{live_server}/?lang={lang}")
        wait_for_explore(tab)
        seen[lang] = explore_words(tab)
        tab.screenshot(path=str(SCREENSHOTS / f"i18n-explore-{lang}.png"), full_page=True)

    for lang, words in seen.items():
        want = expected_words(codebook, lang, words["indicator"])
        assert words["nav"] == want["nav"], lang
        assert squash(words["title"]).startswith(squash(want["title"])), lang
        assert words["headers"] == want["headers"], lang
        assert words["html_lang"] == lang
    assert seen["sq"]["nav"][0] == "Eksploro"
    assert seen["sr-Latn"]["nav"][0] == "Istraži"
    assert seen["sr-Cyrl"]["nav"][0] == "Истражи"
    for a, b in [("en", "sq"), ("en", "sr-Latn"), ("en", "sr-Cyrl"), ("sq", "sr-Latn"),
                 ("sr-Latn", "sr-Cyrl")]:
        for key in ("nav", "title", "headers"):
            assert seen[a][key] != seen[b][key], f"{key} is the same in {a} and {b}"
        assert all(x != y for x, y in zip(seen[a]["nav"], seen[b]["nav"], strict=True)), (a, b)


def test_switcher_changes_language_and_keeps_the_question(tab, live_server, codebook):
    indicator = next(i.id for i in codebook.indicators if not i.demographic and i.type == "ordinal")
    tab.goto(f"{live_server}/?indicator={indicator}&lang=en")
    wait_for_explore(tab)
    english = explore_words(tab)
    tab.locator("#lang-switch a[lang='sq']").click()
    tab.wait_for_function(
        "() => document.querySelector('#nav-links a')?.innerText.trim() === 'Eksploro'",
        timeout=TIMEOUT)
    tab.wait_for_function(
        "t => document.querySelector('#graph .gtitle')?.textContent.replace(/\\s+/g, '')"
        ".startsWith(t)",
        arg=squash(codebook.indicator(indicator).label("sq")), timeout=TIMEOUT)
    wait_for_explore(tab)
    albanian = explore_words(tab)
    assert albanian["indicator"] == indicator
    assert parse_qs(urlparse(tab.url).query)["lang"] == ["sq"]
    want = {**expected_words(codebook, "sq", indicator), "indicator": indicator}
    assert squash(albanian.pop("title")).startswith(squash(want.pop("title")))
    assert albanian == {k: v for k, v in want.items()}
    assert albanian["headers"] != english["headers"]


def english_interface_texts() -> dict[str, re.Pattern]:
    """English interface texts whose Albanian differs, as whole-word patterns; texts with
    placeholders contribute their literal parts of four characters or more."""
    texts = {m.id for m in catalog("sq") if m.id and m.string and m.string != m.id}
    texts |= {text for _where, _problem, text in unextractable_strings() if text}
    patterns = {}
    for text in texts:
        for part in re.split(r"\{[^{}]*\}", text):
            part = part.strip(" .,:;()")
            if len(part) >= 4 and re.search(r"[A-Za-z]{2}", part):
                patterns[part] = re.compile(r"(?<![\w'])" + re.escape(part) + r"(?![\w'])")
    return patterns


def wait_for_page(page, path: str) -> None:
    if path in ("/", "/trends", "/compare"):
        page.wait_for_selector(".js-plotly-plot .gtitle", timeout=TIMEOUT)
        page.wait_for_selector("table.result-table thead th", timeout=TIMEOUT)
    elif path == "/codebook":
        page.wait_for_selector(".codebook-entry", timeout=TIMEOUT)
    elif path == "/tabbook":
        page.wait_for_selector("#tabbook-build", timeout=TIMEOUT)
    else:
        page.wait_for_selector(".about", timeout=TIMEOUT)


@pytest.mark.parametrize("path", PAGES)
def test_no_english_interface_word_on_albanian_page(tab, live_server, path):
    tab.goto(f"{live_server}{path}?lang=sq")
    wait_for_page(tab, path)
    tab.wait_for_timeout(300)  # let the last callback's text land
    visible = tab.evaluate("document.body.innerText") + "\n" + "\n".join(
        tab.locator("svg text").all_text_contents())
    visible = re.sub(r"https?://\S+", " ", visible)  # links carry parameter names (weighted=1)
    # Plotly's own toolbar (.modebar) speaks English whatever the page: not our catalog's words.
    attributes = tab.evaluate("""() => [...document.querySelectorAll('[title],[placeholder],[aria-label]')]
        .filter(e => !e.closest('.modebar'))
        .flatMap(e => ['title', 'placeholder', 'aria-label'].map(a => e.getAttribute(a) || ''))""")
    found = sorted({text for text, pattern in english_interface_texts().items()
                    if pattern.search(visible) or any(pattern.search(a) for a in attributes)})
    name = path.strip("/") or "explore"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"i18n-sq-{name}.png"), full_page=True)
    assert found == [], f"English left on the Albanian {path} page: {found}"

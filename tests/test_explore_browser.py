"""The explorer in a real browser: first screen, a crosstab chosen by hand equals the CLI's,
permalinks, back, CSV download, embed mode, and a phone-width viewport.

Each test ends (in the `page` fixture) by asserting the browser console logged no error.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import new_context

pytestmark = pytest.mark.browser

TABLE = "#result-table table"


def first_table(page) -> dict[tuple[str, str], str]:
    """(answer label, column label) -> percentage text of the first result table."""
    table = page.locator(TABLE).first
    headers = [re.sub(r"\s*\([A-Z]\)$", "", h.strip()) for h in
               table.locator("thead th").all_inner_texts()][1:]
    cells: dict[tuple[str, str], str] = {}
    for row in table.locator("tbody tr").all():
        label = row.locator("th").inner_text().strip()
        values = row.locator("td").all_inner_texts()
        for header, value in zip(headers, values, strict=True):
            cells[(label, header)] = value.split("\n")[0].strip().rstrip("†").strip()
    return cells


def cli_csv(*args: str) -> list[dict[str, str]]:
    out = subprocess.run([sys.executable, "-m", "barometer.cli", *args, "--format", "csv"],
                         capture_output=True, text=True, check=True)
    return list(csv.DictReader(io.StringIO(out.stdout)))


def wait_for_url(page, *fragments: str) -> None:
    page.wait_for_function(
        "frags => frags.every(f => window.location.search.includes(f))", arg=list(fragments))
    page.wait_for_load_state("networkidle")


def test_first_page_shows_a_chart_and_the_demo_banner(page, live_server):
    page.goto(live_server + "/")
    page.wait_for_selector("#graph .trace.bars")
    assert page.locator("#graph .trace.bars .point").count() >= 3  # the headline: a bar a country
    assert "synthetic demonstration data" in page.inner_text("#demo-banner").lower()
    assert page.locator(TABLE).count() >= 1
    assert "n =" in page.inner_text("#base-note")


def test_hand_made_crosstab_equals_the_cli(page, live_server):
    page.goto(live_server + "/")
    page.wait_for_selector(TABLE)
    page.click("#indicator")
    page.locator("input.dash-dropdown-search").first.fill("corruption police")
    page.locator(".dash-dropdown-option", has_text="Corruption: Police").first.click()
    wait_for_url(page, "indicator=corruption_police")
    page.click("#by")
    page.locator(".dash-dropdown-option", has_text="Gender").first.click()
    wait_for_url(page, "by=gender")
    page.locator("#country").get_by_text("Kosovo").click()
    wait_for_url(page, "country=XK")
    page.locator("#year-one").get_by_text("2024").click()  # picking a year switches to it
    wait_for_url(page, "country=XK&year=2024&")
    shown = first_table(page)
    rows = cli_csv("crosstab", "corruption_police", "--by", "gender", "--country", "XK",
                   "--year", "2024")
    assert rows, "the CLI returned no rows"
    for row in rows:
        expected = f"{float(row['percent']):.1f}%"
        assert shown[(row["category"], row["by"])] == expected, row


def test_permalink_restores_the_view_and_back_returns(page, live_server):
    link = (live_server + "/?indicator=trust_courts&by=settlement&country=AL,RS&year=2023"
            "&filter=gender:female&weighted=0&percent=column&missing=show&chart=horizontal&lang=en")
    page.goto(link)
    page.wait_for_selector(TABLE)
    assert page.locator("#country input:checked").count() == 2
    assert page.locator("#weighted").is_checked() is False
    assert page.locator("#missing").is_checked() is True
    assert page.locator(".filter-row").count() == 1
    assert "Gender: Female" in page.inner_text("#base-note")
    captions = page.locator(f"{TABLE} caption").all_inner_texts()
    assert captions == ["Albania 2023", "Serbia 2023"]
    before = first_table(page)
    page.locator("#chart-type").get_by_text("Stacked to 100%").click()
    wait_for_url(page, "chart=stacked")
    page.locator("#by").click()
    page.locator(".dash-dropdown-option", has_text="No breakdown").first.click()
    page.wait_for_function("() => !window.location.search.includes('by=')")
    page.go_back()
    wait_for_url(page, "by=settlement", "chart=stacked")
    page.wait_for_selector(f"{TABLE} caption:has-text('Albania 2023')")
    assert first_table(page) == before
    assert page.input_value("#permalink").endswith(page.evaluate("location.search"))


def test_csv_download_equals_the_table(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&by=gender&country=RS&year=2022")
    page.wait_for_selector(TABLE)
    shown = first_table(page)
    with page.expect_download() as info:
        page.click("#download-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("synthetic demonstration data" in line for line in header)
    assert any("How much" in line or "trust" in line.lower() for line in header)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0])[:11] == ["country", "year", "by", "category", "n", "weighted", "percent",
                                  "se", "ci_low", "ci_high", "flag"]
    for row in rows:
        assert shown[(row["category"], row["by"])] == f"{float(row['percent']):.1f}%"


def test_embed_mode_shows_only_the_chart(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&embed=1")
    page.wait_for_selector("#embed-graph .trace.bars")
    assert page.locator("nav").count() == 0
    assert page.locator("#indicator").count() == 0
    assert page.locator(TABLE).count() == 0
    caption = page.inner_text(".embed-caption")
    assert "synthetic demonstration data" in caption
    assert page.locator(".embed-caption a").get_attribute("href").startswith("/?indicator=trust_police")


def test_phone_width_has_no_horizontal_scroll(browser, live_server):
    context = new_context(browser, viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(live_server + "/?indicator=trust_police&by=gender")
        page.wait_for_selector(TABLE)
        page.screenshot(path="artifacts/screenshots/phone-375.png", full_page=True)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
        assert max(widths) <= 375, f"page scrolls horizontally: {widths}px wide"
        overflow = page.evaluate("getComputedStyle(document.body).overflowX")
        assert overflow != "hidden", "overflow must not be hidden to pass this test"
    finally:
        context.close()
    assert errors == []


def test_language_and_page_links_follow_the_current_view(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&lang=en")
    page.wait_for_selector(TABLE)
    page.click("#by")
    page.locator(".dash-dropdown-option", has_text="Gender").first.click()
    wait_for_url(page, "by=gender")
    page.locator(".lang-link", has_text="Shqip").click()
    page.wait_for_url(re.compile(r".*lang=sq.*"))
    page.wait_for_selector(TABLE)
    assert "by=gender" in page.url
    headers = page.locator(f"{TABLE} thead th").all_inner_texts()
    assert any("Mashkull" in h for h in headers), headers  # Albanian labels, same breakdown
    page.click("#indicator")
    page.locator("input.dash-dropdown-search").first.fill("gjykat")
    page.locator(".dash-dropdown-option", has_text="Besimi: Gjykatat").first.click()
    wait_for_url(page, "indicator=trust_courts")
    trends = page.locator("#nav-links a").nth(1)
    page.wait_for_function(
        "el => el.getAttribute('href').includes('indicator=trust_courts')", arg=trends.element_handle())
    trends.click()
    page.wait_for_selector("#trends-graph .scatterlayer")
    assert "indicator=trust_courts" in page.url and "lang=sq" in page.url


def test_a_broken_link_still_opens_and_says_what_was_dropped_in_the_visitors_language(
        page, live_server):
    page.goto(live_server + "/?indicator=nope&by=security_threats&lang=sq")
    page.wait_for_selector(TABLE)
    page.wait_for_selector("#notices .alert")
    notices = page.inner_text("#notices")
    assert "Lidhja kërkon indicator 'nope'" in notices  # the link asks for …
    assert "Në vend të saj shfaqet Besimi: Policia." in notices  # … showing … instead
    assert "by='security_threats'" in notices and "shumë përgjigje" in notices
    assert "indicator=trust_police" in page.url  # fell back to the first screen's question
    assert page.title().startswith("Eksploro")


UNNAMED_CONTROLS = """() => Array.from(document.querySelectorAll(
    'input, button, select, textarea, a[href], [tabindex]'))
  .filter(e => e.offsetParent !== null && e.tabIndex >= 0 && e.getAttribute('aria-hidden') !== 'true')
  .filter(e => !((e.labels && e.labels.length) || e.getAttribute('aria-label')
                 || e.getAttribute('aria-labelledby') || e.innerText.trim() || e.title))
  .map(e => e.outerHTML.slice(0, 120))"""


def test_every_control_is_named_and_reachable_by_keyboard(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&filter=gender:female")
    page.wait_for_selector(TABLE)
    assert page.evaluate(UNNAMED_CONTROLS) == []
    groups = page.locator("fieldset legend").all_inner_texts()
    assert {"Countries", "Year", "Percentages", "Chart", "Filters"} <= set(groups)
    reached = set()
    page.keyboard.press("Tab")
    for _ in range(90):
        reached.add(page.evaluate("document.activeElement.id"))
        page.keyboard.press("Tab")
    wanted = {"indicator", "by", "add-filter", "weighted", "missing", "download-csv", "permalink",
              "_dbcprivate_checklist_country_input_XK", "_dbcprivate_radioitems_chart-type_input_table"}
    assert wanted <= reached, wanted - reached
    # A keyboard-only change: focus the Kosovo box, press space, and the view follows.
    page.focus("#_dbcprivate_checklist_country_input_XK")
    page.keyboard.press("Space")
    wait_for_url(page, "country=XK")


def test_chart_svg_download_carries_title_note_and_caption(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&by=gender&country=XK&year=2024")
    page.wait_for_selector("#graph .trace.bars")
    with page.expect_download() as info:
        page.click("#download-svg")
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "Trust: Police" in svg
    assert "Base: respondents asked this question in Kosovo (2024)" in svg
    assert "synthetic demonstration data" in svg


def test_without_lang_the_browser_language_decides(browser, live_server):
    context = new_context(browser, locale="sr-Cyrl-RS", extra_http_headers={
        "Accept-Language": "sr-Cyrl-RS,sr;q=0.9,en;q=0.5"})
    page = context.new_page()
    try:
        page.goto(live_server + "/?indicator=trust_police")
        page.wait_for_selector(TABLE)
        assert page.locator("#nav-links a").first.inner_text() == "Истражи"
        assert page.evaluate("document.documentElement.lang") == "sr-Cyrl"
    finally:
        context.close()


def test_filters_are_added_and_removed_in_the_panel(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&country=XK&year=2024")
    page.wait_for_selector(TABLE)
    base_before = page.inner_text(f"{TABLE} tr.row-base td")
    for question, answer, fragment in (("Gender", "Female", "filter=gender:female"),
                                       ("Settlement", "Rural", "filter=settlement:rural")):
        page.click("#add-filter")
        row = page.locator(".filter-row").last
        row.locator(".filter-indicator").click()
        page.locator(".dash-dropdown-option", has_text=question).first.click()
        row.locator(".filter-values").click()
        page.locator(".dash-dropdown-option", has_text=answer).first.click()
        page.keyboard.press("Escape")
        wait_for_url(page, fragment)
    note = page.inner_text("#base-note")
    assert "Gender: Female" in note and "Settlement: Rural" in note
    assert int(page.inner_text(f"{TABLE} tr.row-base td").replace(",", "")) < int(
        base_before.replace(",", ""))
    page.locator(".filter-row").first.locator(".remove-filter").click()
    page.wait_for_function("() => !window.location.search.includes('filter=gender')")
    wait_for_url(page, "filter=settlement:rural")
    assert page.locator(".filter-row").count() == 1
    assert "Gender: Female" not in page.inner_text("#base-note")


def test_the_question_picker_speaks_albanian_too(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&lang=sq")
    page.wait_for_selector(TABLE)
    page.click("#indicator")
    search = page.locator("input.dash-dropdown-search").first
    assert search.get_attribute("placeholder") == "Kërko"
    search.fill("siguri")  # Albanian, without diacritics, finds the security questions
    assert page.locator(".dash-dropdown-option", has_text="Siguria në lagje").count() == 1
    search.fill("zzzqx")
    page.wait_for_selector("text=Nuk u gjet asgjë")
    page.keyboard.press("Escape")


def test_the_breakdown_picker_asks_the_server_in_any_language(page, live_server):
    page.goto(live_server + "/?indicator=trust_police&lang=sq")
    page.wait_for_selector(TABLE)
    page.click("#by")
    page.keyboard.type("obrazovanja")  # a word of the Serbian question, on the Albanian page
    page.locator(".dash-dropdown-option", has_text="Arsimi").first.click()
    wait_for_url(page, "by=education")
    page.click("#by-more")
    page.keyboard.type("Пол")  # the Serbian Cyrillic label of gender
    page.locator(".dash-dropdown-option", has_text="Gjinia").first.click()
    page.wait_for_function(
        "() => decodeURIComponent(location.search).includes('by=education,gender')")

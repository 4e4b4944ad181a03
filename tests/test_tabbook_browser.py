"""The Tab book page in a real browser: build a tab book as a background job, watch the
progress bar, download the XLSX and read it with openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.browser


def test_the_browser_builds_a_tab_book_and_downloads_an_xlsx(page, live_server):
    page.goto(live_server + "/tabbook?country=XK&year=2024&lang=en")
    page.wait_for_selector("#tabbook-build")
    assert "Tab book" in page.inner_text("nav")
    page.click("#tabbook-build")
    page.wait_for_selector("#tabbook-download-xlsx", timeout=120_000)
    assert page.locator("#tabbook-progress").get_attribute("value") == "100"
    with page.expect_download() as info:
        page.click("#tabbook-download-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert book.sheetnames[0] == "Contents" and len(book.sheetnames) > 1
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Question"
    assert any(row[1] == "Total" for row in rows)  # the banner's first column
    assert any(row[0] == "Kosovo 2024" for row in rows)

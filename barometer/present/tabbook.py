"""Tab books as files: an XLSX workbook (a contents sheet with links, then one sheet per
question laid out like the Explore table download, under the same header rows) and a CSV of
the tidy rows of every question."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import pandas as pd
import xlsxwriter

from barometer.codebook import Codebook
from barometer.i18n import gettext_for
from barometer.present.banners import banner_label, banner_tidy
from barometer.present.downloads import (
    header_lines,
    sections_of,
)
from barometer.present.labels import (
    country_label,
    filters_text,
    source_caption,
    synthetic_notice,
    year_span,
)
from barometer.stats.disclosure import TooFewRespondents
from barometer.stats.groups import view_codebook
from barometer.stats.tabbook import TabbookEntry

SHEET_NAME = re.compile(r"[\[\]:*?/\\']")


def problem_text(entry: TabbookEntry, lang: str) -> str:
    """Why a question has no sheet, in the reader's language."""
    _ = gettext_for(lang)
    if isinstance(entry.error, TooFewRespondents):
        return _("Fewer than {minimum} respondents in this choice: not shown.").format(
            minimum=entry.error.minimum)
    if entry.error is None:
        return _("Not asked in the countries and years chosen.")
    return _("Cannot be tabulated here: {reason}").format(reason=str(entry.error)[:200])


def sheet_names(indicators: Sequence[str]) -> list[str]:
    """Unique sheet names (Excel: at most 31 characters, no []:*?/\\')."""
    names: list[str] = []
    for indicator in indicators:
        base = SHEET_NAME.sub("_", indicator)[:31]
        name, n = base, 2
        while name.lower() in {x.lower() for x in names}:
            suffix = f"~{n}"
            name, n = base[:31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def choice_text(codebook: Codebook, query, lang: str) -> str:
    """The countries, years and filters of a tab book in words."""
    _ = gettext_for(lang)
    countries = query.countries or tuple(codebook.countries)
    parts = [", ".join(country_label(codebook, c, lang) for c in countries),
             year_span(query.years) if query.years else _("every wave")]
    if query.filters:
        parts.append(filters_text(view_codebook(codebook, query), query.filters, lang))
    return " · ".join(parts)


def request_lines(codebook: Codebook, entries: Sequence[TabbookEntry], lang: str,
                  data_version: str, choice: str) -> list[tuple[str, str]]:
    """The contents sheet's header: what the book holds, the choice, the version, the source
    (and the demonstration label)."""
    _ = gettext_for(lang)
    first = next((e.banner for e in entries if e.banner is not None), None)
    lines = [(_("Tab book"), codebook.dataset.title.get(lang)), (_("Choice"), choice)]
    if first is not None:
        lines.append((_("Broken down by"), banner_label(first, view_codebook(codebook,
                                                                             first.query), lang)))
        lines.append((_("Weighting"), _("weighted") if first.query.weighted
                      else _("unweighted")))
    lines += [(_("Data version"), data_version), ("", source_caption(codebook, lang, data_version))]
    if codebook.dataset.synthetic:
        lines.append(("", synthetic_notice(lang)))
    return lines


class _Sheet:
    """Rows written one after the other to an xlsxwriter worksheet."""

    def __init__(self, worksheet, styles: dict) -> None:
        self.ws, self.styles, self.row = worksheet, styles, 0

    def append(self, values: Sequence, style: str | None = None,
               first: str | None = None) -> None:
        """One row: `style` for every cell, `first` (default `style`) for the first one."""
        formats = self.styles
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            name = (first or style) if col == 0 else style
            cell_format = formats.get(name) if name else None
            if isinstance(value, str):
                self.ws.write_string(self.row, col, value, cell_format)
            else:
                self.ws.write_number(self.row, col, value, cell_format)
        self.row += 1

    def header(self, lines: list[tuple[str, str]]) -> None:
        """The header rows of a download: bold names, their values beside them."""
        for name, value in lines:
            self.append([name, value] if name else [value], first="bold" if name else None)
        self.row += 1
        self.ws.set_column(0, 0, 24)

    def screen_table(self, sections) -> None:
        """Each section as on the screen (as `downloads.write_screen_table` lays it out): a
        banner's breakdown names, the header with letters, a row of figures per answer with
        its interval and letters under it, the base row, the tests."""
        for section in sections:
            self.append([section.caption], first="caption")
            if any(c.group for c in section.columns):
                named = [c.group if i == 0 or c.group != section.columns[i - 1].group else ""
                         for i, c in enumerate(section.columns)]
                self.append(["", *named], style="group")
            self.append([section.corner] + [c.label + (f" ({c.letter})" if c.letter else "")
                                            for c in section.columns], style="head_right",
                        first="bold")
            for row in section.rows:
                label = {"base": "bold", "net": "italic"}.get(row.kind)
                self.append([row.label] + [c.text for c in row.cells], style="right",
                            first=label or "plain")
                details = [" ".join(part for part in (c.ci, c.sig) if part) for c in row.cells]
                if any(details):
                    self.append(["", *details], style="grey")
            if section.test:
                self.append([section.test])
            self.row += 1
        self.ws.set_column(1, 30, 16)


def _styles(book) -> dict:
    return {
        "plain": None,
        "bold": book.add_format({"bold": True}),
        "italic": book.add_format({"italic": True}),
        "caption": book.add_format({"bold": True, "font_size": 12}),
        "group": book.add_format({"bold": True, "italic": True}),
        "head_right": book.add_format({"bold": True, "align": "right"}),
        "right": book.add_format({"align": "right"}),
        "grey": book.add_format({"italic": True, "font_color": "#555555", "font_size": 9,
                                 "align": "right"}),
        "link": book.add_format({"font_color": "#0563C1", "underline": 1}),
    }


def tabbook_xlsx(entries: Sequence[TabbookEntry], codebook: Codebook, lang: str = "en",
                 data_version: str = "", choice: str = "") -> bytes:
    """The workbook: contents (question, base, link to its sheet, or why it has none), then a
    sheet per question with the header rows of a view's download and the banner table (written
    with xlsxwriter: a whole survey's book in seconds)."""
    _ = gettext_for(lang)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_urls": False})
    styles = _styles(book)
    contents_name = _("Contents")[:31]
    contents = _Sheet(book.add_worksheet(contents_name), styles)
    contents.header(request_lines(codebook, entries, lang, data_version, choice))
    contents.append([_("Sheet"), _("Question"), _("Base (n)")], style="bold")
    names = sheet_names([e.indicator for e in entries])
    for entry, name in zip(entries, names, strict=True):
        ind = codebook.indicator(entry.indicator)
        if entry.banner is None:
            contents.append([entry.indicator, ind.question.get(lang), problem_text(entry, lang)])
            continue
        result = entry.banner
        viewed = view_codebook(codebook, result.query)
        sheet = _Sheet(book.add_worksheet(name), styles)
        sheet.header(header_lines(result, viewed, lang, data_version))
        sheet.screen_table(sections_of(result, viewed, lang))
        sheet.ws.write_url(sheet.row + 1, 0, f"internal:'{contents_name}'!A1", styles["link"],
                           string="← " + _("Contents"))
        base = int(result.total.table.groupby(["country", "year"], sort=False)["base_n"]
                   .first().fillna(0).sum())
        contents.ws.write_url(contents.row, 0, f"internal:'{name}'!A1", styles["link"],
                              string=name)
        contents.append([None, ind.question.get(lang), base])
    contents.ws.set_column(0, 0, 28)
    contents.ws.set_column(1, 1, 80)
    book.close()
    return buffer.getvalue()


def tabbook_table(entries: Sequence[TabbookEntry], codebook: Codebook,
                  lang: str = "en") -> pd.DataFrame:
    """The tidy rows of every question: `indicator` and `question`, then a banner's columns."""
    frames = []
    for entry in entries:
        if entry.banner is None:
            continue
        frames.append(banner_tidy(entry.banner, codebook, lang).assign(
            indicator=entry.indicator, question=codebook.indicator(entry.indicator).label(lang)))
    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True)
    first = ["indicator", "question"]
    return table[first + [c for c in table.columns if c not in first]]


def tabbook_csv(entries: Sequence[TabbookEntry], codebook: Codebook, lang: str = "en",
                data_version: str = "", choice: str = "") -> bytes:
    """UTF-8 CSV: '#' header lines, then the tidy rows of every question."""
    out = io.StringIO()
    for name, value in request_lines(codebook, entries, lang, data_version, choice):
        out.write(f"# {name}: {value}\n" if name else f"# {value}\n")
    for entry in entries:
        if entry.banner is None:
            out.write(f"# {entry.indicator}: {problem_text(entry, lang)}\n")
    tabbook_table(entries, codebook, lang).to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)
    return out.getvalue().encode("utf-8")

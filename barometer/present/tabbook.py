"""Tab books as files: an XLSX workbook (a contents sheet with links, then one sheet per
question laid out like the Explore table download, under the same header rows) and a CSV of
the tidy rows of every question."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from barometer.codebook import Codebook
from barometer.i18n import gettext_for
from barometer.present.banners import banner_label, banner_tidy
from barometer.present.downloads import (
    header_lines,
    sections_of,
    write_header,
    write_screen_table,
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


def tabbook_xlsx(entries: Sequence[TabbookEntry], codebook: Codebook, lang: str = "en",
                 data_version: str = "", choice: str = "") -> bytes:
    """The workbook: contents (question, base, link to its sheet, or why it has none), then a
    sheet per question with the header rows of a view's download and the banner table."""
    _ = gettext_for(lang)
    book = Workbook()
    contents = book.active
    contents.title = _("Contents")[:31]
    write_header(contents, request_lines(codebook, entries, lang, data_version, choice))
    contents.append([_("Sheet"), _("Question"), _("Base (n)")])
    for cell in contents[contents.max_row]:
        cell.font = Font(bold=True)
    names = sheet_names([e.indicator for e in entries])
    link = Font(color="0563C1", underline="single")
    for entry, name in zip(entries, names, strict=True):
        ind = codebook.indicator(entry.indicator)
        if entry.banner is None:
            contents.append([entry.indicator, ind.question.get(lang), problem_text(entry, lang)])
            continue
        result = entry.banner
        viewed = view_codebook(codebook, result.query)
        sheet = book.create_sheet(name)
        write_header(sheet, header_lines(result, viewed, lang, data_version))
        write_screen_table(sheet, sections_of(result, viewed, lang))
        sheet.append([])
        back = sheet.cell(row=sheet.max_row + 1, column=1, value="← " + _("Contents"))
        back.hyperlink = f"#'{contents.title}'!A1"
        back.font = link
        base = int(result.total.table.drop_duplicates(["country", "year"])["base_n"].fillna(0)
                   .sum())
        contents.append([name, ind.question.get(lang), base])
        cell = contents.cell(row=contents.max_row, column=1)
        cell.hyperlink = f"#'{name}'!A1"
        cell.font = link
    contents.column_dimensions["A"].width = 28
    contents.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tabbook_table(entries: Sequence[TabbookEntry], codebook: Codebook,
                  lang: str = "en") -> pd.DataFrame:
    """The tidy rows of every question: `indicator` and `question`, then a banner's columns."""
    frames = []
    for entry in entries:
        if entry.banner is None:
            continue
        table = banner_tidy(entry.banner, codebook, lang)
        ind = codebook.indicator(entry.indicator)
        table.insert(0, "question", ind.label(lang))
        table.insert(0, "indicator", entry.indicator)
        frames.append(table)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


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

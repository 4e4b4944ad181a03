"""Downloads of a view: CSV and XLSX of the table, with header rows that say what it is.

The body of both is `barometer.present.export.tidy_table` (the same columns as
`barometer crosstab --format csv`); above it, header rows carry the question, the notes (base,
weighting, filters, what was not shown), the summary in words, the tests, the view's link and
citation, the data version and, for demonstration data, the words "synthetic demonstration
data". The CSV stays machine-readable (dot decimals); header lines start with '#'. The XLSX
adds a first sheet laid out like the table on the screen (answers by groups, intervals and
letters under each figure).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from barometer.codebook import Codebook
from barometer.i18n import gettext_for
from barometer.present.banners import banner_label, banner_sections, banner_tidy
from barometer.present.export import tidy_table
from barometer.present.labels import base_note, source_caption
from barometer.present.sentences import result_sentences
from barometer.present.tables import display_tables
from barometer.stats.banner import Banner
from barometer.stats.groups import view_codebook


@dataclass(frozen=True)
class ViewReference:
    """Where a download comes from: its view, link and citation (empty when unknown)."""

    view: str = "crosstab"
    link: str = ""
    citation: str = ""
    category: str | None = None


def header_lines(result, codebook: Codebook, lang: str, data_version: str,
                 ref: ViewReference = ViewReference()) -> list[tuple[str, str]]:
    """(name, value) pairs describing the table, in the language of the view; a value that
    names itself ("Source: …") has no name."""
    codebook = view_codebook(codebook, result.query)
    _ = gettext_for(lang)
    ind = codebook.indicator(result.query.indicator)
    lines = [(_("Question"), ind.question.get(lang)), (_("Indicator"), ind.id)]
    tests = [("", t) for t in getattr(result, "tests", pd.DataFrame()).itertuples()]
    if isinstance(result, Banner):
        lines.append((_("Broken down by"), banner_label(result, codebook, lang)))
        tests = [(codebook.indicator(by).label(lang) + ", ", t)
                 for by, part in zip(result.breakdowns, result.parts, strict=True)
                 for t in part.tests.itertuples()]
        result = result.total
    elif result.query.by:
        lines.append((_("Broken down by"), codebook.indicator(result.query.by).label(lang)))
    lines += [
        ("", base_note(result, codebook, lang)),
        (_("Weighting"), _("weighted") if result.query.weighted else _("unweighted")),
        (_("Percentages"), percent_base_name(result.query.percent, lang)),
    ]
    summary = result_sentences(result, codebook, lang, view=ref.view, category=ref.category)
    if summary:
        lines.append((_("In words"), " ".join(summary)))
    for prefix, test in tests:
        lines.append((_("Test"), f"{prefix}{test.country} {test.year}: {test.method} "
                                 f"{test.statistic:.2f}, df {test.df:.2f}, p {test.p_value:.4g}"))
    if ref.link:
        lines.append((_("Link"), ref.link))
    if ref.citation:
        lines.append(("", ref.citation))
    lines += [(_("Data version"), data_version), ("", source_caption(codebook, lang, data_version))]
    return lines


def percent_base_name(percent: str, lang: str) -> str:
    """The percentage base in words: 'of column (group)', 'of row (answer)', 'of total'."""
    _ = gettext_for(lang)
    return {"column": _("of column (group)"), "row": _("of row (answer)"),
            "total": _("of total")}.get(percent, percent)


def csv_bytes(result, codebook: Codebook, lang: str = "en", data_version: str = "",
              ref: ViewReference = ViewReference()) -> bytes:
    """UTF-8 CSV: '#' header lines, then the tidy table."""
    codebook = view_codebook(codebook, result.query)
    out = io.StringIO()
    for name, value in header_lines(result, codebook, lang, data_version, ref):
        out.write(f"# {name}: {value}\n" if name else f"# {value}\n")
    tidy_of(result, codebook, lang).to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(result, codebook: Codebook, lang: str = "en", data_version: str = "",
               ref: ViewReference = ViewReference()) -> bytes:
    """An XLSX workbook: a sheet laid out like the screen's table, then the tidy data, each
    under the header rows."""
    codebook = view_codebook(codebook, result.query)
    _ = gettext_for(lang)
    book = Workbook()
    screen = book.active
    screen.title = _("Table")[:31]
    write_header(screen, header_lines(result, codebook, lang, data_version, ref))
    write_screen_table(screen, sections_of(result, codebook, lang, ref.view))
    data = book.create_sheet(_("Data")[:31])
    write_header(data, header_lines(result, codebook, lang, data_version, ref))
    _write_tidy(data, tidy_of(result, codebook, lang))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tidy_of(result, codebook: Codebook, lang: str) -> pd.DataFrame:
    """The export table of a result or a banner."""
    if isinstance(result, Banner):
        return banner_tidy(result, codebook, lang)
    return tidy_table(result, codebook, lang)


def sections_of(result, codebook: Codebook, lang: str, view: str = "crosstab"):
    """The screen's table sections of a result or a banner."""
    if isinstance(result, Banner):
        return banner_sections(result, codebook, lang)
    return display_tables(result, codebook, lang, view=view)


def write_header(sheet, lines: list[tuple[str, str]]) -> None:
    for name, value in lines:
        sheet.append([name, value] if name else [value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=bool(name))
    sheet.append([])
    sheet.column_dimensions["A"].width = 24


def write_screen_table(sheet, sections) -> None:
    """Each section as on the screen: caption, header with letters, a row of figures per answer
    with its interval and letters in the row under it, the base row."""
    grey = Font(italic=True, color="555555", size=9)
    for section in sections:
        sheet.append([section.caption])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        if any(c.group for c in section.columns):  # a banner: each breakdown's name above
            named = [c.group if i == 0 or c.group != section.columns[i - 1].group else ""
                     for i, c in enumerate(section.columns)]
            sheet.append([""] + named)
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True, italic=True)
        sheet.append([section.corner] + [c.label + (f" ({c.letter})" if c.letter else "")
                                         for c in section.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="right")
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(horizontal="left")
        for row in section.rows:
            sheet.append([row.label] + [c.text for c in row.cells])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=row.kind == "base",
                                                                italic=row.kind == "net")
            for cell in sheet[sheet.max_row][1:]:
                cell.alignment = Alignment(horizontal="right")
            details = [" ".join(part for part in (c.ci, c.sig) if part) for c in row.cells]
            if any(details):
                sheet.append([""] + details)
                for cell in sheet[sheet.max_row][1:]:
                    cell.font = grey
                    cell.alignment = Alignment(horizontal="right")
        if section.test:
            sheet.append([section.test])
        sheet.append([])
    for column in "BCDEFGHIJKLM":
        sheet.column_dimensions[column].width = 16


def _write_tidy(sheet, table: pd.DataFrame) -> None:
    sheet.append(list(table.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    formats = {"weighted": "#,##0.0", "percent": "0.0", "se": "0.00", "ci_low": "0.0",
               "ci_high": "0.0", "n": "#,##0"}
    for values in table.itertuples(index=False):
        sheet.append([None if _is_nan(v) else v for v in values])
        row = sheet.max_row
        for j, column in enumerate(table.columns, start=1):
            if column in formats:
                sheet.cell(row=row, column=j).number_format = formats[column]


def _is_nan(value) -> bool:
    """NaN or pandas' NA (an empty cell in the workbook)."""
    return value is pd.NA or (isinstance(value, float) and value != value)

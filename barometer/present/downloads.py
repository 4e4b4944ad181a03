"""Downloads of a view: CSV and XLSX of the table, with header rows that say what it is.

The body of both is `barometer.present.export.tidy_table` (the same columns as
`barometer crosstab --format csv`); above it, header rows carry the question, base, weighting,
filters, data version and, for demonstration data, the words "synthetic demonstration data".
The CSV stays machine-readable (dot decimals); header lines start with '#'.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from barometer.codebook import Codebook
from barometer.i18n import gettext_for
from barometer.present.export import tidy_table
from barometer.present.labels import base_note, source_caption


def header_lines(result, codebook: Codebook, lang: str, data_version: str) -> list[tuple[str, str]]:
    """(name, value) pairs describing the table, in the language of the view."""
    _ = gettext_for(lang)
    ind = codebook.indicator(result.query.indicator)
    lines = [
        (_("Question"), ind.question.get(lang)),
        (_("Indicator"), ind.id),
    ]
    if result.query.by:
        lines.append((_("Broken down by"), codebook.indicator(result.query.by).label(lang)))
    lines += [
        (_("Base"), base_note(result, codebook, lang)),
        (_("Weighting"), _("weighted") if result.query.weighted else _("unweighted")),
        (_("Percentages"), percent_base_name(result.query.percent, lang)),
        (_("Data version"), data_version),
        (_("Source"), source_caption(codebook, lang, data_version)),
    ]
    return lines


def percent_base_name(percent: str, lang: str) -> str:
    """The percentage base in words: 'of column (group)', 'of row (answer)', 'of total'."""
    _ = gettext_for(lang)
    return {"column": _("of column (group)"), "row": _("of row (answer)"),
            "total": _("of total")}.get(percent, percent)


def csv_bytes(result, codebook: Codebook, lang: str = "en", data_version: str = "") -> bytes:
    """UTF-8 CSV: '#' header lines, then the tidy table."""
    out = io.StringIO()
    for name, value in header_lines(result, codebook, lang, data_version):
        out.write(f"# {name}: {value}\n")
    tidy_table(result, codebook, lang).to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(result, codebook: Codebook, lang: str = "en", data_version: str = "") -> bytes:
    """An XLSX workbook: header rows, a blank row, then the tidy table with number formats."""
    _ = gettext_for(lang)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Table")[:31]
    for name, value in header_lines(result, codebook, lang, data_version):
        sheet.append([name, value])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    table = tidy_table(result, codebook, lang)
    sheet.append(list(table.columns))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    formats = {"weighted": "#,##0.0", "percent": "0.0", "se": "0.00", "ci_low": "0.0",
               "ci_high": "0.0", "n": "#,##0"}
    for values in table.itertuples(index=False):
        sheet.append([None if _is_nan(v) else v for v in values])
        row = sheet.max_row
        for j, column in enumerate(table.columns, start=1):
            if column in formats:
                sheet.cell(row=row, column=j).number_format = formats[column]
    sheet.column_dimensions["A"].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _is_nan(value) -> bool:
    """NaN or pandas' NA (an empty cell in the workbook)."""
    return value is pd.NA or (isinstance(value, float) and value != value)

"""The crosstab as a display table: the accessible twin of the chart.

`display_tables` turns a `Result` into plain frozen dataclasses (sections of header cells and
rows of cells with text and flags) that the web layer renders as a semantic HTML `<table>` and
tests can read without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from barometer.codebook import Codebook
from barometer.i18n import format_number, format_percent, gettext_for
from barometer.present.labels import category_labels, country_label


@dataclass(frozen=True)
class Cell:
    text: str
    ci: str = ""
    sig: str = ""
    small: bool = False
    suppressed: bool = False
    title: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]
    kind: str = "category"  # category | net | missing | base


@dataclass(frozen=True)
class Column:
    label: str
    letter: str = ""


@dataclass(frozen=True)
class Section:
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    test: str = ""


def display_tables(result, codebook: Codebook, lang: str = "en") -> tuple[Section, ...]:
    """One section per country/year when broken down (columns = groups), else one per year
    (columns = countries)."""
    _ = gettext_for(lang)
    table: pd.DataFrame = result.table
    if table.empty:
        return ()
    query = result.query
    has_by = query.by is not None and table["by"].notna().any()
    numeric = result.kind == "numeric"
    labels = category_labels(codebook, query.indicator, lang)
    by_labels = category_labels(codebook, query.by, lang) if has_by else {}
    nets = {n.code for n in codebook.indicator(query.indicator).nets}
    missing_codes = {c.code for c in codebook.categories_of(query.indicator) if c.missing}
    tests = getattr(result, "tests", None)

    sections: list[Section] = []
    section_keys = ["country", "year"] if has_by else ["year"]
    column_key = "by" if has_by else "country"
    for key, part in table.groupby(section_keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        if has_by:
            caption = f"{country_label(codebook, key[0], lang)} {int(key[1])}"
        else:
            caption = str(int(key[-1]))
        columns_codes = list(dict.fromkeys(part[column_key].tolist()))
        columns = tuple(
            Column(
                label=by_labels.get(c, str(c)) if has_by else country_label(codebook, c, lang),
                letter=result.by_letters.get(c, "") if has_by else "",
            )
            for c in columns_codes
        )
        rows: list[Row] = []
        for category, cat_part in part.groupby("category", sort=False):
            cells = []
            indexed = {rec[column_key]: rec for rec in cat_part.to_dict("records")}
            for col in columns_codes:
                if col not in indexed:
                    cells.append(Cell(text="–", title=_("Not asked")))
                    continue
                r = indexed[col]
                cells.append(_cell(r, lang, numeric, result.thresholds.min_base))
            kind = "net" if category in nets else "missing" if category in missing_codes else "category"
            rows.append(Row(label=labels.get(category, str(category)), cells=tuple(cells), kind=kind))
        first = {rec[column_key]: rec for rec in part.drop_duplicates(column_key).to_dict("records")}
        base_cells = []
        for col in columns_codes:
            r = first[col]
            text = format_number(r["base_n"], lang)
            if query.weighted:
                title = _("Unweighted base {n}; weighted base {w}; effective base {e}").format(
                    n=format_number(r["base_n"], lang), w=format_number(r["base_weighted"], lang),
                    e=format_number(r["eff_base"], lang))
            else:
                title = _("Unweighted base {n}").format(n=format_number(r["base_n"], lang))
            base_cells.append(Cell(text=text, small=bool(r["small"]), suppressed=bool(r["suppressed"]),
                                   title=title))
        rows.append(Row(label=_("Base (n)"), cells=tuple(base_cells), kind="base"))
        sections.append(Section(caption=caption, columns=columns, rows=tuple(rows),
                                test=_test_text(tests, key, has_by, lang)))
    return tuple(sections)


def _cell(r: dict, lang: str, numeric: bool, min_base: int) -> Cell:
    _ = gettext_for(lang)
    if bool(r["suppressed"]):
        return Cell(text=_("suppressed"), suppressed=True,
                    title=_("Suppressed: base under {minimum}").format(minimum=min_base))
    fmt = (lambda v: format_number(v, lang, 1)) if numeric else (lambda v: format_percent(v, lang))
    ci = f"{fmt(r['ci_low'])}–{fmt(r['ci_high'])}"
    title = _("95% CI {low} to {high}").format(low=fmt(r["ci_low"]), high=fmt(r["ci_high"]))
    if bool(r["small"]):
        title += "; " + _("Small base: read with caution")
    return Cell(text=fmt(r["percent"]), ci=ci, sig=str(r.get("sig", "") or ""),
                small=bool(r["small"]), title=title)


def _test_text(tests, key: tuple, has_by: bool, lang: str) -> str:
    if not has_by or tests is None or len(tests) == 0:
        return ""
    _ = gettext_for(lang)
    match = tests[(tests["country"] == key[0]) & (tests["year"] == key[1])]
    if match.empty:
        return ""
    t = match.iloc[0]
    p = float(t["p_value"])
    p_text = "p < 0.001" if p < 0.001 else f"p = {format_number(p, lang, 3)}"
    return _("{method}: {statistic}, df = {df}, {p}").format(
        method=t["method"], statistic=format_number(float(t["statistic"]), lang, 1),
        df=format_number(float(t["df"]), lang, 1 if float(t["df"]) % 1 else 0), p=p_text)

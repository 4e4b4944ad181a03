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
    row_header: str = ""  # what the rows are, when not answers (a map's table: the regions)


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
    tests = _tests_by_group(getattr(result, "tests", None))

    sections: list[Section] = []
    section_keys = ("country", "year") if has_by else ("year",)
    column_key = "by" if has_by else "country"
    # One conversion to plain records; grouping ~100 small dicts beats pandas per-group calls.
    parts: dict[tuple, list[dict]] = {}
    for rec in table.to_dict("records"):
        parts.setdefault(tuple(rec[k] for k in section_keys), []).append(rec)
    for key, part in parts.items():
        if has_by:
            caption = f"{country_label(codebook, key[0], lang)} {int(key[1])}"
        else:
            caption = str(int(key[-1]))
        columns_codes = list(dict.fromkeys(rec[column_key] for rec in part))
        columns = tuple(
            Column(
                label=by_labels.get(c, str(c)) if has_by else country_label(codebook, c, lang),
                letter=result.by_letters.get(c, "") if has_by else "",
            )
            for c in columns_codes
        )
        rows: list[Row] = []
        by_category: dict[str, dict] = {}
        for rec in part:
            by_category.setdefault(rec["category"], {})[rec[column_key]] = rec
        for category, indexed in by_category.items():
            cells = []
            for col in columns_codes:
                if col not in indexed:
                    cells.append(Cell(text="–", title=_("Not asked")))
                    continue
                r = indexed[col]
                cells.append(_cell(r, lang, numeric, result.thresholds.min_base))
            kind = "net" if category in nets else "missing" if category in missing_codes else "category"
            rows.append(Row(label=labels.get(category, str(category)), cells=tuple(cells), kind=kind))
        first: dict = {}
        for rec in part:
            first.setdefault(rec[column_key], rec)
        base_cells = []
        for col in columns_codes:
            r = first[col]
            if bool(r["suppressed"]):
                base_cells.append(_hidden_base(r, lang, result.thresholds.min_base))
                continue
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
                                test=_test_text(tests.get(key) if has_by else None, lang)))
    return tuple(sections)


def hidden_reason(r: dict, lang: str, min_base: int) -> str:
    """Why a cell shows no figure, in words."""
    _ = gettext_for(lang)
    if bool(r.get("complementary")):
        return _("Not shown, so that a smaller group's figures cannot be worked out")
    return _("Not shown: fewer than {minimum} respondents").format(minimum=min_base)


def _hidden_base(r: dict, lang: str, min_base: int) -> Cell:
    _ = gettext_for(lang)
    text = "–" if bool(r.get("complementary")) else _("under {minimum}").format(minimum=min_base)
    return Cell(text=text, suppressed=True, title=hidden_reason(r, lang, min_base))


def _cell(r: dict, lang: str, numeric: bool, min_base: int) -> Cell:
    _ = gettext_for(lang)
    if bool(r["suppressed"]):
        return Cell(text=_("not shown"), suppressed=True, title=hidden_reason(r, lang, min_base))
    fmt = (lambda v: format_number(v, lang, 1)) if numeric else (lambda v: format_percent(v, lang))
    low, high = fmt(r["ci_low"]), fmt(r["ci_high"])
    ci = f"{low}–{high}"
    title = _("95% CI {low} to {high}").format(low=low, high=high)
    if bool(r["small"]):
        title += "; " + _("Small base: read with caution")
    return Cell(text=fmt(r["percent"]), ci=ci, sig=str(r.get("sig", "") or ""),
                small=bool(r["small"]), title=title)


def _tests_by_group(tests: pd.DataFrame | None) -> dict[tuple, dict]:
    """The table-level tests keyed by (country, year)."""
    if tests is None or len(tests) == 0:
        return {}
    return {(t["country"], t["year"]): t for t in tests.to_dict("records")}


def _test_text(t: dict | None, lang: str) -> str:
    if t is None:
        return ""
    _ = gettext_for(lang)
    p = float(t["p_value"])
    p_text = "p < 0.001" if p < 0.001 else f"p = {format_number(p, lang, 3)}"
    return _("{method}: {statistic}, df = {df}, {p}").format(
        method=t["method"], statistic=format_number(float(t["statistic"]), lang, 1),
        df=format_number(float(t["df"]), lang, 1 if float(t["df"]) % 1 else 0), p=p_text)

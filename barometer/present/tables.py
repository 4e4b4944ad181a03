"""The crosstab as a display table: the accessible twin of the chart.

`display_tables` turns a `Result` into plain frozen dataclasses (sections of header cells and
rows of cells with text and flags) that the web layer renders as a semantic HTML `<table>` and
tests can read without a browser.
"""

from __future__ import annotations

import math
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
    """A column header; `group` names the breakdown it belongs to in a banner."""

    label: str
    letter: str = ""
    group: str = ""


@dataclass(frozen=True)
class Section:
    """One table: its caption, column headers and rows; `groups_as_rows` when the breakdown's
    groups run down the rows (many groups) instead of across."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    test: str = ""
    groups_as_rows: bool = False
    corner: str = ""


MAX_COLUMNS = 7
"""A breakdown with more groups than this turns its groups into rows (the table then fits a
screen without scrolling sideways)."""


def display_tables(result, codebook: Codebook, lang: str = "en", *,
                   view: str = "crosstab") -> tuple[Section, ...]:
    """One section per country/year when broken down (columns = groups; rows = groups when
    there are more than `MAX_COLUMNS`), else one per year (columns = countries); a trend is one
    table of years (rows) by countries (columns)."""
    table: pd.DataFrame = result.table
    if table.empty:
        return ()
    if view == "trend":
        return (_trend_section(result, codebook, lang),)
    has_by = result.query.by is not None and table["by"].notna().any()
    section_keys = ("country", "year") if has_by else ("year",)
    # One conversion to plain records; grouping ~100 small dicts beats pandas per-group calls.
    parts: dict[tuple, list[dict]] = {}
    for rec in table.to_dict("records"):
        parts.setdefault(tuple(rec[k] for k in section_keys), []).append(rec)
    tests = _tests_by_group(getattr(result, "tests", None))
    build = _Sections(result, codebook, lang, has_by)
    return tuple(build.section(key, part, tests.get(key) if has_by else None)
                 for key, part in parts.items())


class _Sections:
    """Builds the sections of one result."""

    def __init__(self, result, codebook: Codebook, lang: str, has_by: bool) -> None:
        query = result.query
        self.result, self.codebook, self.lang, self.has_by = result, codebook, lang, has_by
        self._ = gettext_for(lang)
        self.numeric = result.kind == "numeric"
        self.labels = category_labels(codebook, query.indicator, lang)
        self.by_labels = category_labels(codebook, query.by, lang) if has_by else {}
        self.nets = {n.code for n in codebook.indicator(query.indicator).nets}
        self.missing = {c.code for c in codebook.categories_of(query.indicator) if c.missing}
        self.letters = result.by_letters if has_by else getattr(result, "country_letters", {})
        self.min_base = result.thresholds.min_base

    def group_label(self, code) -> str:
        if self.has_by:
            return self.by_labels.get(code, str(code))
        return country_label(self.codebook, code, self.lang)

    def kind(self, category) -> str:
        return "net" if category in self.nets else "missing" if category in self.missing \
            else "category"

    def section(self, key: tuple, part: list[dict], test: dict | None) -> Section:
        column_key = "by" if self.has_by else "country"
        caption = (f"{country_label(self.codebook, key[0], self.lang)} {int(key[1])}"
                   if self.has_by else str(int(key[-1])))
        groups = list(dict.fromkeys(rec[column_key] for rec in part))
        by_category: dict[str, dict] = {}
        for rec in part:
            by_category.setdefault(rec["category"], {})[rec[column_key]] = rec
        first: dict = {}
        for rec in part:
            first.setdefault(rec[column_key], rec)
        test_text = _test_text(test, self.lang)
        letters = {} if any(rec["suppressed"] for rec in part) else self.letters
        if len(groups) > MAX_COLUMNS:
            return self._groups_as_rows(caption, groups, by_category, first, test_text, letters)
        columns = tuple(Column(label=self.group_label(c), letter=letters.get(c, ""))
                        for c in groups)
        rows = [Row(label=self.labels.get(category, str(category)),
                    cells=tuple(self.cell(indexed.get(col)) for col in groups),
                    kind=self.kind(category))
                for category, indexed in by_category.items()]
        rows.append(Row(label=self._("Base (n)"),
                        cells=tuple(self.base(first[col]) for col in groups), kind="base"))
        return Section(caption=caption, columns=columns, rows=tuple(rows), test=test_text,
                       corner=self._("Answer"))

    def _groups_as_rows(self, caption, groups, by_category, first, test_text, letters) -> Section:
        categories = list(by_category)
        columns = tuple(Column(label=self.labels.get(c, str(c))) for c in categories) + (
            Column(label=self._("Base (n)")),)
        rows = []
        for group in groups:
            letter = letters.get(group, "")
            label = self.group_label(group) + (f" ({letter})" if letter else "")
            cells = tuple(self.cell(by_category[c].get(group)) for c in categories)
            rows.append(Row(label=label, cells=cells + (self.base(first[group]),)))
        corner = self.codebook.indicator(self.result.query.by).label(self.lang) if self.has_by \
            else self._("Country")
        return Section(caption=caption, columns=columns, rows=tuple(rows), test=test_text,
                       groups_as_rows=True, corner=corner)

    def cell(self, record: dict | None) -> Cell:
        if record is None:
            return Cell(text="–", title=self._("Not asked"))
        return _cell(record, self.lang, self.numeric, self.min_base)

    def base(self, r: dict) -> Cell:
        _ = self._
        if bool(r["suppressed"]):
            return _hidden_base(r, self.lang, self.min_base)
        text = format_number(r["base_n"], self.lang)
        if self.result.query.weighted:
            title = _("Unweighted base {n}; weighted base {w}; effective base {e}").format(
                n=text, w=format_number(r["base_weighted"], self.lang),
                e=format_number(r["base_n"] / r["deff"], self.lang))  # Kish's: the column's, not a cell's
        else:
            title = _("Unweighted base {n}").format(n=text)
        return Cell(text=text, small=bool(r["small"]), title=title)


def _trend_section(result, codebook: Codebook, lang: str) -> Section:
    """Years (rows) by countries (columns); a wave that differs significantly from the one
    before is marked ▲ or ▼."""
    _ = gettext_for(lang)
    table = result.table
    numeric = result.kind == "numeric"
    countries = list(dict.fromkeys(table["country"]))
    years = sorted(set(int(y) for y in table["year"]))
    indexed = {(r["country"], int(r["year"])): r for r in table.to_dict("records")}
    rows = []
    for year in years:
        cells = []
        for country in countries:
            record = indexed.get((country, year))
            if record is None:
                cells.append(Cell(text="–", title=_("Not asked")))
                continue
            cell = _cell(record, lang, numeric, result.thresholds.min_base)
            marks, notes = "", []
            for key, sig, up_mark, down_mark, higher, lower in (
                    ("change_prev", "sig_prev", "▲", "▼",
                     _("significantly higher than the wave before ({points} points)"),
                     _("significantly lower than the wave before ({points} points)")),
                    ("change_first", "sig_first", "△", "▽",
                     _("significantly higher than the first wave ({points} points)"),
                     _("significantly lower than the first wave ({points} points)"))):
                if bool(record.get(sig)):
                    up = float(record[key]) > 0
                    marks += up_mark if up else down_mark
                    notes.append((higher if up else lower).format(
                        points=format_number(record[key], lang, 1)))
            if marks:
                cell = Cell(text=cell.text, ci=cell.ci, small=cell.small,
                            suppressed=cell.suppressed, sig=marks,
                            title="; ".join([cell.title, *notes]))
            cells.append(cell)
        rows.append(Row(label=str(year), cells=tuple(cells)))
    code = table["category"].iloc[0]
    caption = category_labels(codebook, result.query.indicator, lang).get(code, str(code))
    columns = tuple(Column(label=country_label(codebook, c, lang)) for c in countries)
    return Section(caption=caption, columns=columns, rows=tuple(rows), corner=_("Year"),
                   test=_("▲ ▼ significantly higher or lower than the wave before; △ ▽ than the "
                          "first wave (p < 0.05, Holm-adjusted within each country)."))


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
    statistic = format_number(float(t["statistic"]), lang, 1 if float(t["statistic"]) >= 10 else 2)
    df = format_number(float(t["df"]), lang, 1 if float(t["df"]) % 1 else 0)
    ddf = float(t.get("ddf", float("nan")))
    if not math.isnan(ddf):  # an F reference: numerator and denominator degrees of freedom
        return _("{method}: {statistic}, df = {df} and {ddf}, {p}").format(
            method=t["method"], statistic=statistic, df=df,
            ddf=format_number(ddf, lang, 1 if ddf % 1 else 0), p=p_text)
    return _("{method}: {statistic}, df = {df}, {p}").format(
        method=t["method"], statistic=statistic, df=df, p=p_text)

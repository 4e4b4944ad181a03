"""A banner as display sections and as a tidy export: the Total column, then each breakdown's
groups under its name, letters as the statistics gave them (`barometer.stats.banner`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from barometer.codebook import Codebook
from barometer.i18n import gettext_for
from barometer.present.export import tidy_table
from barometer.present.labels import category_labels, country_label
from barometer.present.tables import Column, Row, Section, _Sections, _test_text
from barometer.stats.banner import TOTAL, Banner
from barometer.stats.groups import view_codebook


def banner_sections(result: Banner, codebook: Codebook, lang: str = "en") -> tuple[Section, ...]:
    """One section per country and year: answers as rows; the Total, then every breakdown's
    groups as columns (`Column.group` names the breakdown); the tests of each breakdown below."""
    _ = gettext_for(lang)
    codebook = view_codebook(codebook, result.query)
    total_cells = _Sections(result.total, codebook, lang, has_by=False)
    parts = [_Sections(part, codebook, lang, has_by=True) for part in result.parts]
    records: dict[tuple, dict] = {}
    order: dict[tuple, list] = {}
    for rec in records_of(result.total.table, SHOWN):
        key = (rec["country"], int(rec["year"]))
        records[(*key, TOTAL, None, rec["category"])] = rec
        order.setdefault(key, []).append(rec["category"])
    groups: dict[tuple, list[tuple[str, str]]] = {}
    first: dict[tuple, dict] = {}
    for by, part in zip(result.breakdowns, result.parts, strict=True):
        for rec in records_of(part.table, SHOWN):
            key = (rec["country"], int(rec["year"]))
            records[(*key, by, rec["by"], rec["category"])] = rec
            if (*key, by, rec["by"]) not in first:
                first[(*key, by, rec["by"])] = rec
                groups.setdefault(key, []).append((by, rec["by"]))
    tests = {}
    for by, part in zip(result.breakdowns, result.parts, strict=True):
        for t in records_of(part.tests):
            tests.setdefault((t["country"], int(t["year"])), []).append(
                f"{codebook.indicator(by).label(lang)}: {_test_text(t, lang)}")
    builders = dict(zip(result.breakdowns, parts, strict=True))
    sections = []
    for key, categories in order.items():
        columns = [(TOTAL, None)] + groups.get(key, [])
        headers = [Column(label=_("Total"))]
        for by, code in columns[1:]:
            headers.append(Column(label=builders[by].group_label(code),
                                  letter=_shown_letter(result, by, code, key),
                                  group=codebook.indicator(by).label(lang)))
        rows = []
        for category in categories:
            cells = [total_cells.cell(records.get((*key, TOTAL, None, category)))]
            cells += [builders[by].cell(records.get((*key, by, code, category)))
                      for by, code in columns[1:]]
            rows.append(Row(label=total_cells.labels.get(category, str(category)),
                            cells=tuple(cells), kind=total_cells.kind(category)))
        bases = [total_cells.base(records[(*key, TOTAL, None, categories[0])])]
        bases += [builders[by].base(first[(*key, by, code)]) for by, code in columns[1:]]
        rows.append(Row(label=_("Base (n)"), cells=tuple(bases), kind="base"))
        caption = f"{country_label(codebook, key[0], lang)} {key[1]}"
        sections.append(Section(caption=caption, columns=tuple(headers), rows=tuple(rows),
                                test="; ".join(tests.get(key, [])), corner=_("Answer")))
    return tuple(sections)


SHOWN = ("country", "year", "by", "category", "n", "percent", "ci_low", "ci_high", "base_n",
         "base_weighted", "deff", "small", "suppressed", "complementary", "sig")
"""The columns of a result's table that its display cells read."""


def records_of(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict]:
    """A frame's rows (only `columns`, when given) as dicts, column by column
    (`to_dict("records")` boxes every cell of extension arrays one by one: many times slower on
    a tab book's hundreds of tables)."""
    names = [str(c) for c in frame.columns if columns is None or c in columns]
    columns = [_plain_list(frame[c]) for c in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _plain_list(column: pd.Series) -> list:
    """A column as a list of Python values; Arrow-backed text through Arrow itself (pandas
    boxes such cells one at a time)."""
    to_arrow = getattr(column.array, "__arrow_array__", None)
    if to_arrow is not None and pd.api.types.is_string_dtype(column.dtype):
        return to_arrow().to_pylist()
    return column.to_numpy(dtype=object).tolist()


def _shown_letter(result: Banner, by: str, code: str, key: tuple) -> str:
    """A column's letter, unless its breakdown's table has a hidden column there (then none of
    its letters are shown, as in any table with a hidden column)."""
    part = result.parts[result.breakdowns.index(by)]
    hidden = {(c, y) for c, y, _g in part.protection.small + part.protection.complementary}
    return "" if key in hidden else result.letters.get((by, code), "")


def banner_tidy(result: Banner, codebook: Codebook, lang: str = "en") -> pd.DataFrame:
    """The export table of a banner: `breakdown` (the breakdown's id, empty for the Total) and
    `breakdown_label`, then the columns of `tidy_table` for each part."""
    _ = gettext_for(lang)
    codebook = view_codebook(codebook, result.query)
    frames = [tidy_table(result.total, codebook, lang).assign(breakdown=TOTAL,
                                                               breakdown_label=_("Total"))]
    for by, part in zip(result.breakdowns, result.parts, strict=True):
        frames.append(tidy_table(part, codebook, lang).assign(
            breakdown=by, breakdown_label=codebook.indicator(by).label(lang)))
    table = pd.concat(frames, ignore_index=True)
    first = ["breakdown", "breakdown_label"]
    return table[first + [c for c in table.columns if c not in first]]


def banner_label(result: Banner, codebook: Codebook, lang: str) -> str:
    """The breakdowns of a banner in words: 'Gender, Age group, Education'."""
    return ", ".join(codebook.indicator(by).label(lang) for by in result.breakdowns)


__all__ = ["banner_label", "banner_sections", "banner_tidy"]


def banner_figure(result: Banner, codebook: Codebook, lang: str = "en", *,
                  category: str | None = None, base_note: str = "", caption: str = "") -> dict:
    """Small multiples: the headline bars of the Total and of each breakdown, one panel under
    the other on a shared percent scale, each panel named."""
    from barometer.present.figures import headline_figure

    _ = gettext_for(lang)
    codebook = view_codebook(codebook, result.query)
    panels = [(_("Total"), result.total)] + [
        (codebook.indicator(by).label(lang), part)
        for by, part in zip(result.breakdowns, result.parts, strict=True)]
    figures = [headline_figure(part, codebook, lang, category=category, base_note=base_note,
                               caption=caption) for _name, part in panels]
    sizes = [max(1, len(f["data"][0]["y"])) for f in figures]
    gap = 0.06
    total = sum(sizes)
    span = 1.0 - gap * (len(panels) - 1)
    layout = dict(figures[0]["layout"])
    layout["title"] = dict(layout["title"], text=_title(result, codebook, lang, category))
    data, annotations, top = [], [], 1.0
    highest = max(f["layout"]["xaxis"].get("range", [0, 100])[1] or 100 for f in figures)
    for i, ((name, _part), figure, size) in enumerate(zip(panels, figures, sizes, strict=True),
                                                    start=1):
        height = span * size / total
        domain = [max(0.0, top - height), top]
        suffix = "" if i == 1 else str(i)
        trace = dict(figure["data"][0], xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        data.append(trace)
        layout[f"yaxis{suffix}"] = dict(figure["layout"]["yaxis"], domain=domain,
                                        anchor=f"x{suffix}")
        xaxis = dict(figure["layout"]["xaxis"], anchor=f"y{suffix}",
                     range=[0, highest] if figure["layout"]["xaxis"].get("range") else None)
        if i < len(panels):
            xaxis["title"] = dict(text="")
        layout[f"xaxis{suffix}"] = xaxis
        annotations.append(dict(text=f"<b>{name}</b>", showarrow=False, xref="paper",
                                yref="paper", x=0, y=domain[1], xanchor="left",
                                yanchor="bottom", font=dict(size=13)))
        top = domain[0] - gap
    layout["annotations"] = annotations
    layout["height"] = max(320, 150 + 34 * total + 40 * len(panels))
    return dict(data=data, layout=layout)


def _title(result: Banner, codebook: Codebook, lang: str, category: str | None) -> str:
    from barometer.present.figures import view_title
    from barometer.present.sentences import headline_category

    numeric = result.total.kind == "numeric"
    code = headline_category(codebook, result.query.indicator, category)
    answer = (codebook.indicator(result.query.indicator).label(lang) if numeric else
              category_labels(codebook, result.query.indicator, lang).get(code, code))
    _ = gettext_for(lang)
    title = view_title(result.total, codebook, lang, answer=answer)
    return title.replace("</sup>", " · " + _("by {breakdown}").format(
        breakdown=banner_label(result, codebook, lang).lower()) + "</sup>")

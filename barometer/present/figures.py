"""Plotly figures of statistics results: crosstab bars, trends, country comparisons.

Pure builders: a `Result` (from `barometer.stats`), the codebook and a language in, a Plotly
figure out as a plain dict (`{"data": [...], "layout": {...}}`, what `dcc.Graph` takes; building
dicts avoids graph_objects' per-property validation on every request). Title, base note and source caption are drawn inside the
figure, so a PNG or SVG download carries them. Colours are colour-blind safe: Okabe-Ito for
nominal categories and countries, a blue-orange diverging scale for ordinal answers, greys for
don't know / refused.
"""

from __future__ import annotations

import textwrap

import numpy as np
from plotly.colors import sample_colorscale

from barometer.codebook import Codebook
from barometer.i18n import format_number, format_percent, gettext_for
from barometer.present.labels import category_labels, country_label, group_label
from barometer.present.tables import hidden_reason

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000")  # fmt: skip
MISSING_GREYS = ("#9E9E9E", "#6E6E6E", "#BDBDBD")
DIVERGING = [[0.0, "#1F4E8C"], [0.25, "#6A9BD1"], [0.5, "#C9C9C9"], [0.75, "#F0A45D"],
             [1.0, "#B3480B"]]  # fmt: skip
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"


def category_colours(codebook: Codebook, indicator_id: str) -> dict[str, str]:
    """Colour per answer code in natural order: diverging for ordinal, qualitative otherwise."""
    ind = codebook.indicator(indicator_id)
    cats = codebook.categories_of(ind)
    substantive = [c.code for c in cats if not c.missing]
    missing = [c.code for c in cats if c.missing]
    if ind.type == "ordinal" and len(substantive) > 1:
        positions = np.linspace(0, 1, len(substantive))
        colours = sample_colorscale(DIVERGING, list(positions), colortype="rgb")
    else:
        colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(substantive))]
    palette = dict(zip(substantive, colours, strict=True))
    palette.update({c: MISSING_GREYS[i % len(MISSING_GREYS)] for i, c in enumerate(missing)})
    for i, net in enumerate(ind.nets):
        palette[net.code] = OKABE_ITO[(i + 3) % len(OKABE_ITO)]
    return palette


def crosstab_figure(
    result,
    codebook: Codebook,
    lang: str = "en",
    chart: str = "bars",
    *,
    base_note: str = "",
    caption: str = "",
) -> dict:
    """Bars of a crosstab or frequency result.

    Without a breakdown the answer categories run along the axis with a bar per country/year;
    with one, the breakdown groups run along the axis (under their country/year) with a bar per
    answer. `chart`: bars (grouped), stacked (100%), horizontal (grouped, horizontal).
    """
    _ = gettext_for(lang)
    table = result.table
    table = table[~table["is_net"]] if "is_net" in table else table
    records = table.to_dict("records")
    ind = codebook.indicator(result.query.indicator)
    labels = category_labels(codebook, ind.id, lang)
    many_countries = len({r["country"] for r in records}) > 1
    many_years = len({r["year"] for r in records}) > 1
    has_by = result.query.by is not None and any(r["by"] is not None for r in records)
    horizontal = chart == "horizontal"
    stacked = chart == "stacked"
    numeric = result.kind == "numeric"
    by_labels = category_labels(codebook, result.query.by, lang) if has_by else {}
    for r in records:
        r["_group"] = group_label(codebook, r["country"], int(r["year"]), lang,
                                  many_countries=many_countries, many_years=many_years)
        r["_by"] = by_labels.get(r["by"], str(r["by"])) if has_by else ""
        r["_cat"] = labels.get(r["category"], str(r["category"]))

    if numeric or (not has_by and not stacked):
        # One series per country/year group; categories (or "mean") along the axis.
        series_key = "_group"
        axis_keys = ["_by"] if numeric and has_by else (["_by"] if has_by else []) + ["_cat"]
        groups = dict.fromkeys(r["_group"] for r in records)
        colours = {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(groups)}
    else:
        series_key = "_cat"
        axis_keys = (["_group"] if (many_countries or many_years or not has_by) else []) + (
            ["_by"] if has_by else []
        )
        colours = {labels.get(c, c): col for c, col in category_colours(codebook, ind.id).items()}

    series: dict[str, list[dict]] = {}
    for r in records:
        series.setdefault(r[series_key], []).append(r)
    min_base = result.thresholds.min_base
    data = []
    for name, part in series.items():
        values = [None if r["suppressed"] else _number(r["percent"]) for r in part]
        bar = dict(
            type="bar",
            name=str(name),
            marker=dict(
                color=colours.get(name, OKABE_ITO[0]),
                pattern=dict(shape=["/" if r["small"] else "" for r in part], fillmode="overlay",
                             solidity=0.25),
                line=dict(width=0),
            ),
            text=[
                (_("not shown") if r.get("complementary")
                 else _("n<{minimum}").format(minimum=min_base)) if r["suppressed"]
                else (format_number(r["percent"], lang, 1) if numeric
                      else format_percent(r["percent"], lang, 0))
                for r in part
            ],
            textposition="inside" if stacked else "outside",
            insidetextanchor="middle",
            cliponaxis=False,
            hovertext=[_hover(r, lang, numeric, min_base) for r in part],
            hoverinfo="text",
        )
        if not stacked:
            bar["error_x" if horizontal else "error_y"] = dict(
                type="data",
                symmetric=False,
                array=[_difference(r["ci_high"], r["percent"]) for r in part],
                arrayminus=[_difference(r["percent"], r["ci_low"]) for r in part],
                color="#444",
                thickness=1,
                width=3,
            )
        axis = _axis_values(part, axis_keys)
        if horizontal:
            bar.update(x=values, y=axis, orientation="h")
        else:
            bar.update(x=axis, y=values)
        data.append(bar)

    value_axis = dict(title=dict(text=_("Mean") if numeric else _("Percent")), rangemode="tozero",
                      ticksuffix="" if numeric else "%", gridcolor="#e5e5e5", zeroline=True,
                      zerolinecolor="#999")
    if stacked:
        value_axis["range"] = [0, 100.5]
    if horizontal:
        axes = dict(xaxis=value_axis, yaxis=dict(autorange="reversed", automargin=True))
    else:
        axes = dict(yaxis=value_axis, xaxis=dict(automargin=True, tickangle=0))
    layout = _layout(ind.label(lang), base_note, caption, lang,
                     legend_title=_("Answer") if series_key == "_cat" else "")
    layout.update(axes, barmode="relative" if stacked else "group")
    return dict(data=data, layout=layout)


def trend_figure(result, codebook: Codebook, lang: str = "en", *, base_note: str = "",
                 caption: str = "", category_label: str = "") -> dict:
    """A line per country across waves, with its 95% confidence band."""
    _ = gettext_for(lang)
    numeric = result.kind == "numeric"
    per_country: dict[str, list[dict]] = {}
    for r in result.table.to_dict("records"):  # countries in codebook order, years ascending
        per_country.setdefault(r["country"], []).append(r)
    data = []
    for i, (country, part) in enumerate(per_country.items()):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        name = country_label(codebook, country, lang)
        years = [int(r["year"]) for r in part]
        data.append(dict(
            type="scatter", x=years + years[::-1],
            y=[_number(r["ci_high"]) for r in part] + [_number(r["ci_low"]) for r in part][::-1],
            mode="lines", fill="toself", fillcolor=_transparent(colour, 0.18), line=dict(width=0),
            hoverinfo="skip", showlegend=False, legendgroup=name, name=name,
        ))
        data.append(dict(
            type="scatter", x=years,
            y=[None if r["suppressed"] else _number(r["percent"]) for r in part],
            mode="lines+markers", name=name, legendgroup=name,
            line=dict(color=colour, width=2.5), marker=dict(size=8),
            hovertext=[_hover(r, lang, numeric, result.thresholds.min_base) for r in part],
            hoverinfo="text+name",
        ))
    ind = codebook.indicator(result.query.indicator)
    title = ind.label(lang) + (f" — {category_label}" if category_label else "")
    layout = _layout(title, base_note, caption, lang, legend_title=_("Country"))
    layout.update(
        xaxis=dict(dtick=1, title=dict(text=_("Year")), gridcolor="#eee"),
        yaxis=dict(title=dict(text=_("Mean") if numeric else _("Percent")),
                   ticksuffix="" if numeric else "%", rangemode="tozero", gridcolor="#e5e5e5"),
    )
    return dict(data=data, layout=layout)


def empty_figure(message: str) -> dict:
    """A blank figure carrying a message (no data for this choice)."""
    return dict(data=[], layout=dict(
        annotations=[dict(text=message, showarrow=False, x=0.5, y=0.5, xref="paper",
                          yref="paper", font=dict(size=16, color="#555"))],
        xaxis=dict(visible=False), yaxis=dict(visible=False), height=300,
        plot_bgcolor="white", paper_bgcolor="white", margin=dict(l=20, r=20, t=20, b=20),
    ))


# -- helpers ------------------------------------------------------------------------------------


def _axis_values(part: list[dict], keys: list[str]) -> list:
    if not keys:
        return [""] * len(part)
    if len(keys) == 1:
        return [r[keys[0]] for r in part]
    return [[r[k] for r in part] for k in keys]


def _number(value) -> float | None:
    """A JSON-safe number: NaN becomes None (a gap in the chart)."""
    return None if value is None or value != value else float(value)


def _difference(a, b) -> float | None:
    a, b = _number(a), _number(b)
    return None if a is None or b is None else a - b


def _hover(row: dict, lang: str, numeric: bool, min_base: int) -> str:
    _ = gettext_for(lang)
    if row["suppressed"]:
        return hidden_reason(row, lang, min_base)
    fmt = (lambda v: format_number(v, lang, 1)) if numeric else (lambda v: format_percent(v, lang))
    text = f"<b>{fmt(row['percent'])}</b><br>" + _("95% CI {low} to {high}").format(
        low=fmt(row["ci_low"]), high=fmt(row["ci_high"])
    )
    text += "<br>" + _("Base: n = {n}").format(n=format_number(row["base_n"], lang))
    if row["small"]:
        text += "<br>" + _("Small base: read with caution")
    return text


def _layout(title: str, base_note: str, caption: str, lang: str, legend_title: str = "") -> dict:
    """Title, fonts, legend, margins and the in-figure footer (base note and source caption)."""
    note_lines = textwrap.wrap(base_note, 110) if base_note else []
    footer = "<br>".join(note_lines + textwrap.wrap(caption, 110))
    bottom = 70 + 16 * footer.count("<br>") + (16 if footer else 0)
    layout = dict(
        title=dict(text="<br>".join(textwrap.wrap(title, 90)), x=0.01, xanchor="left",
                   font=dict(size=17)),
        font=dict(family=FONT, size=13, color="#222"),
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend=dict(title=dict(text=legend_title), orientation="h", yanchor="bottom", y=1.0,
                    x=0, xanchor="left"),
        margin=dict(l=60, r=20, t=90, b=bottom),
        hoverlabel=dict(bgcolor="white"),
        uniformtext=dict(minsize=9, mode="hide"),
        separators=_separators(lang),
    )
    if footer:
        layout["annotations"] = [dict(text=footer, showarrow=False, xref="paper", yref="paper",
                                      x=0, y=0, yshift=-(bottom - 8), xanchor="left",
                                      yanchor="bottom", align="left",
                                      font=dict(size=11, color="#555"))]
    return layout


def _separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for a language."""
    return ".," if lang == "en" else ",."


def _transparent(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"

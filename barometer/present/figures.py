"""Plotly figures of statistics results: crosstab bars, trends, country comparisons.

Pure builders: a `Result` (from `barometer.stats`), the codebook and a language in, a
`plotly.graph_objects.Figure` out. Title, base note and source caption are drawn inside the
figure, so a PNG or SVG download carries them. Colours are colour-blind safe: Okabe-Ito for
nominal categories and countries, a blue-orange diverging scale for ordinal answers, greys for
don't know / refused.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from barometer.codebook import Codebook
from barometer.i18n import format_number, format_percent, gettext_for
from barometer.present.labels import category_labels, country_label, group_label

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
) -> go.Figure:
    """Bars of a crosstab or frequency result.

    Without a breakdown the answer categories run along the axis with a bar per country/year;
    with one, the breakdown groups run along the axis (under their country/year) with a bar per
    answer. `chart`: bars (grouped), stacked (100%), horizontal (grouped, horizontal).
    """
    _ = gettext_for(lang)
    table = result.table
    table = table[~table["is_net"]] if "is_net" in table else table
    ind = codebook.indicator(result.query.indicator)
    labels = category_labels(codebook, ind.id, lang)
    many_countries = table["country"].nunique() > 1
    many_years = table["year"].nunique() > 1
    has_by = result.query.by is not None and table["by"].notna().any()
    horizontal = chart == "horizontal"
    stacked = chart == "stacked"
    numeric = result.kind == "numeric"

    def group_of(row) -> str:
        return group_label(codebook, row.country, int(row.year), lang,
                           many_countries=many_countries, many_years=many_years)

    by_labels = category_labels(codebook, result.query.by, lang) if has_by else {}
    table = table.assign(
        _group=[group_of(r) for r in table.itertuples()],
        _by=[by_labels.get(b, str(b)) if has_by else "" for b in table["by"]],
        _cat=[labels.get(c, str(c)) for c in table["category"]],
    )
    fig = go.Figure()
    if numeric or (not has_by and not stacked):
        # One series per country/year group; categories (or "mean") along the axis.
        series_key, axis_keys = "_group", (["_by"] if has_by else []) + ["_cat"]
        colours = {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(dict.fromkeys(table["_group"]))}
        if numeric and has_by:
            series_key, axis_keys = "_group", ["_by"]
    else:
        series_key = "_cat"
        axis_keys = (["_group"] if (many_countries or many_years or not has_by) else []) + (
            ["_by"] if has_by else []
        )
        colours = {labels.get(c, c): col for c, col in category_colours(codebook, ind.id).items()}

    for name, part in table.groupby(series_key, sort=False):
        axis = _axis_values(part, axis_keys)
        values = part["percent"].to_numpy(dtype=float)
        suppressed = part["suppressed"].to_numpy(dtype=bool)
        small = part["small"].to_numpy(dtype=bool)
        text = [
            _("n<{minimum}").format(minimum=result.thresholds.min_base) if s
            else (format_number(v, lang, 1) if numeric else format_percent(v, lang, 0))
            for v, s in zip(values, suppressed, strict=True)
        ]
        hover = [_hover(r, lang, numeric, result.thresholds.min_base) for r in part.itertuples()]
        bar = dict(
            name=str(name),
            marker=dict(
                color=colours.get(name, OKABE_ITO[0]),
                pattern=dict(shape=["/" if s else "" for s in small], fillmode="overlay",
                             solidity=0.25),
                line=dict(width=0),
            ),
            text=text,
            textposition="inside" if stacked else "outside",
            insidetextanchor="middle",
            cliponaxis=False,
            hovertext=hover,
            hoverinfo="text",
        )
        ys = np.where(suppressed, np.nan, values)
        if not stacked:
            errors = dict(
                type="data",
                symmetric=False,
                array=(part["ci_high"].to_numpy(dtype=float) - values),
                arrayminus=(values - part["ci_low"].to_numpy(dtype=float)),
                color="#444",
                thickness=1,
                width=3,
            )
            bar["error_x" if horizontal else "error_y"] = errors
        if horizontal:
            fig.add_trace(go.Bar(x=ys, y=axis, orientation="h", **bar))
        else:
            fig.add_trace(go.Bar(x=axis, y=ys, **bar))

    value_title = _("Mean") if numeric else _("Percent")
    fig.update_layout(barmode="relative" if stacked else "group")
    value_axis = dict(title=value_title, rangemode="tozero", ticksuffix="" if numeric else "%",
                      gridcolor="#e5e5e5", zeroline=True, zerolinecolor="#999")
    if stacked:
        value_axis["range"] = [0, 100.5]
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(autorange="reversed", automargin=True)
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(automargin=True, tickangle=0)
    _decorate(fig, ind.label(lang), base_note, caption, lang, legend_title=_legend_title(
        series_key, codebook, result, lang))
    fig.update_layout(separators=_separators(lang))
    return fig


def trend_figure(result, codebook: Codebook, lang: str = "en", *, base_note: str = "",
                 caption: str = "", category_label: str = "") -> go.Figure:
    """A line per country across waves, with its 95% confidence band."""
    _ = gettext_for(lang)
    table = result.table  # countries in codebook order, years ascending (the stats contract)
    fig = go.Figure()
    numeric = result.kind == "numeric"
    for i, (country, part) in enumerate(table.groupby("country", sort=False)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        name = country_label(codebook, country, lang)
        years = part["year"].astype(int).tolist()
        values = np.where(part["suppressed"], np.nan, part["percent"].astype(float))
        fig.add_trace(go.Scatter(
            x=years + years[::-1],
            y=list(part["ci_high"].astype(float)) + list(part["ci_low"].astype(float))[::-1],
            mode="lines", fill="toself", fillcolor=_transparent(colour, 0.18), line=dict(width=0),
            hoverinfo="skip", showlegend=False, legendgroup=name, name=name,
        ))
        fig.add_trace(go.Scatter(
            x=years, y=values, mode="lines+markers", name=name, legendgroup=name,
            line=dict(color=colour, width=2.5), marker=dict(size=8),
            hovertext=[_hover(r, lang, numeric, result.thresholds.min_base) for r in part.itertuples()],
            hoverinfo="text+name",
        ))
    ind = codebook.indicator(result.query.indicator)
    title = ind.label(lang) + (f" — {category_label}" if category_label else "")
    fig.update_xaxes(dtick=1, title=_("Year"), gridcolor="#eee")
    fig.update_yaxes(title=_("Mean") if numeric else _("Percent"), ticksuffix="" if numeric else "%",
                     rangemode="tozero", gridcolor="#e5e5e5")
    _decorate(fig, title, base_note, caption, lang, legend_title=_("Country"))
    fig.update_layout(separators=_separators(lang))
    return fig


def empty_figure(message: str) -> go.Figure:
    """A blank figure carrying a message (no data for this choice)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=16, color="#555"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=300, plot_bgcolor="white", paper_bgcolor="white",
                      margin=dict(l=20, r=20, t=20, b=20))
    return fig


# -- helpers ------------------------------------------------------------------------------------


def _axis_values(part: pd.DataFrame, keys: list[str]):
    if not keys:
        return [""] * len(part)
    if len(keys) == 1:
        return part[keys[0]].tolist()
    return [part[k].tolist() for k in keys]


def _hover(row, lang: str, numeric: bool, min_base: int) -> str:
    _ = gettext_for(lang)
    if row.suppressed:
        return _("Suppressed: base under {minimum}").format(minimum=min_base)
    fmt = (lambda v: format_number(v, lang, 1)) if numeric else (lambda v: format_percent(v, lang))
    text = f"<b>{fmt(row.percent)}</b><br>" + _("95% CI {low} to {high}").format(
        low=fmt(row.ci_low), high=fmt(row.ci_high)
    )
    text += "<br>" + _("Base: n = {n}").format(n=format_number(row.base_n, lang))
    if row.small:
        text += "<br>" + _("Small base: read with caution")
    return text


def _legend_title(series_key: str, codebook: Codebook, result, lang: str) -> str:
    _ = gettext_for(lang)
    return _("Answer") if series_key == "_cat" else ""


def _decorate(fig: go.Figure, title: str, base_note: str, caption: str, lang: str,
              legend_title: str = "") -> None:
    note_lines = textwrap.wrap(base_note, 110) if base_note else []
    footer = "<br>".join(note_lines + textwrap.wrap(caption, 110))
    bottom = 70 + 16 * footer.count("<br>") + (16 if footer else 0)
    fig.update_layout(
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
    )
    if footer:
        fig.add_annotation(text=footer, showarrow=False, xref="paper", yref="paper", x=0,
                           y=0, yshift=-(bottom - 8), xanchor="left", yanchor="bottom",
                           align="left", font=dict(size=11, color="#555"))


def _separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for a language."""
    return ".," if lang == "en" else ",."


def _transparent(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"

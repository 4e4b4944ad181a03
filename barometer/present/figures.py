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
from barometer.present.labels import category_labels, country_label, filters_text, group_label
from barometer.present.sentences import headline_category
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
    value_axis["automargin"] = True
    if horizontal:
        axes = dict(xaxis=value_axis, yaxis=dict(autorange="reversed", automargin=True))
    else:
        axes = dict(yaxis=value_axis, xaxis=dict(automargin=True, tickangle=0))
    layout = _layout(view_title(result, codebook, lang), base_note, caption, lang,
                     legend_title=_("Answer") if series_key == "_cat" else "")
    layout.update(axes, barmode="relative" if stacked else "group")
    return dict(data=data, layout=layout)


def headline_figure(result, codebook: Codebook, lang: str = "en", *, category: str | None = None,
                    sort: str = "none", base_note: str = "", caption: str = "") -> dict:
    """One answer (or net; default the first net), or the mean, per group as horizontal bars
    with 95% intervals: the number an article prints. Groups are the breakdown's (under their
    country and year), else the countries and years; `sort="value"` puts the highest first."""
    _ = gettext_for(lang)
    code = headline_category(codebook, result.query.indicator, category)
    numeric = result.kind == "numeric"
    records = [r for r in result.table.to_dict("records") if r["category"] == code]
    many_countries = len({r["country"] for r in records}) > 1
    many_years = len({r["year"] for r in records}) > 1
    has_by = result.query.by is not None
    by_labels = category_labels(codebook, result.query.by, lang) if has_by else {}
    for r in records:
        place = group_label(codebook, r["country"], int(r["year"]), lang,
                            many_countries=many_countries, many_years=many_years)
        r["_label"] = (f"{by_labels.get(r['by'], r['by'])} · {place}"
                       if has_by and (many_countries or many_years)
                       else by_labels.get(r["by"], r["by"]) if has_by else place)
    if sort == "value":
        records.sort(key=lambda r: -1.0 if r["suppressed"] or r["percent"] != r["percent"]
                     else -float(r["percent"]))
    min_base = result.thresholds.min_base
    colour = OKABE_ITO[0]
    bar = dict(
        type="bar", orientation="h",
        y=[r["_label"] for r in records],
        x=[0.0 if r["suppressed"] else _number(r["percent"]) for r in records],
        marker=dict(color=colour, line=dict(width=0),
                    pattern=dict(shape=["/" if r["small"] else "" for r in records],
                                 fillmode="overlay", solidity=0.25)),
        text=[(_("not shown") if r.get("complementary") else
               _("n<{minimum}").format(minimum=min_base)) if r["suppressed"]
              else (format_number(r["percent"], lang, 1) if numeric
                    else format_percent(r["percent"], lang, 0)) for r in records],
        textposition=["outside" if r["suppressed"] else "inside" for r in records],
        insidetextanchor="start", cliponaxis=False,
        textfont=dict(color="white", size=14),
        outsidetextfont=dict(color="#333", size=13),
        error_x=dict(type="data", symmetric=False, color="#222", thickness=1.5, width=4,
                     array=[_difference(r["ci_high"], r["percent"]) for r in records],
                     arrayminus=[_difference(r["percent"], r["ci_low"]) for r in records]),
        hovertext=[_hover(r, lang, numeric, min_base) for r in records], hoverinfo="text",
        showlegend=False,
    )
    answer = (codebook.indicator(result.query.indicator).label(lang) if numeric
              else category_labels(codebook, result.query.indicator, lang).get(code, code))
    layout = _layout(view_title(result, codebook, lang, answer=answer), base_note, caption, lang)
    highest = max([_number(r["ci_high"]) or 0.0 for r in records] + [0.0])
    layout.update(
        xaxis=dict(title=dict(text=_("Mean") if numeric else _("Percent")), rangemode="tozero",
                   ticksuffix="" if numeric else "%", gridcolor="#e5e5e5",
                   range=None if numeric else [0, min(100.0, highest * 1.15 + 5)]),
        yaxis=dict(autorange="reversed", automargin=True),
        height=max(260, 150 + 34 * len(records)),
    )
    return dict(data=[bar], layout=layout)


def view_title(result, codebook: Codebook, lang: str, *, answer: str = "") -> str:
    """The chart's title with what it shows: the question (and answer), then where, when, by
    what and among whom, so a chart read alone (or downloaded) says it all."""
    _ = gettext_for(lang)
    query = result.query
    table = result.table
    title = codebook.indicator(query.indicator).label(lang)
    if answer and answer != title:
        title += f": {answer}"
    countries = [country_label(codebook, c, lang) for c in dict.fromkeys(table["country"])]
    years = [str(y) for y in sorted(set(table["year"].tolist()))]
    context = [", ".join(countries), years[0] if len(years) == 1 else
               f"{years[0]}–{years[-1]}" if years else ""]
    if query.by:
        context.append(_("by {breakdown}").format(
            breakdown=codebook.indicator(query.by).label(lang).lower()))
    if query.filters:
        context.append(filters_text(codebook, query.filters, lang))
    return title + "<br><sup>" + " · ".join(c for c in context if c) + "</sup>"


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
        changed = [bool(r.get("sig_prev")) or bool(r.get("sig_first")) for r in part]
        data.append(dict(
            type="scatter", x=years,
            y=[None if r["suppressed"] else _number(r["percent"]) for r in part],
            mode="lines+markers", name=name, legendgroup=name,
            line=dict(color=colour, width=2.5),
            marker=dict(size=[13 if c else 8 for c in changed],
                        symbol=["diamond" if c else "circle" for c in changed],
                        line=dict(color="#222", width=[1.5 if c else 0 for c in changed])),
            hovertext=[_hover(r, lang, numeric, result.thresholds.min_base)
                       + _change_hover(r, lang, numeric) for r in part],
            hoverinfo="text+name",
        ))
    layout = _layout(view_title(result, codebook, lang, answer=category_label), base_note,
                     caption, lang, legend_title=_("Country"))
    layout.update(
        xaxis=dict(dtick=1, gridcolor="#eee"),
        yaxis=dict(title=dict(text=_("Mean") if numeric else _("Percent")), automargin=True,
                   ticksuffix="" if numeric else "%", rangemode="tozero", gridcolor="#e5e5e5"),
    )
    return dict(data=data, layout=layout)


def _change_hover(row: dict, lang: str, numeric: bool) -> str:
    """Hover lines saying whether a wave differs significantly from the one before and from the
    first."""
    _ = gettext_for(lang)
    unit = "" if numeric else " " + _("points")
    lines = []
    for key, sig, text in (("change_prev", "sig_prev", _("since the wave before")),
                           ("change_first", "sig_first", _("since the first wave"))):
        change = row.get(key)
        if change is None or change != change:
            continue
        verdict = _("significant") if row.get(sig) else _("not significant")
        lines.append(f"{format_number(change, lang, 1)}{unit} {text} ({verdict})")
    return "".join("<br>" + line for line in lines)


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
    """Title, fonts, legend (under the plot, where it never covers the title on a phone) and
    margins. The base note and the source caption are for downloads: the page shows them as
    text under the chart, so they travel in `layout.meta.export`, which the download script
    merges in (a PNG or SVG then says what it shows, where from, on what base)."""
    note_lines = textwrap.wrap(base_note, 110) if base_note else []
    footer = "<br>".join(note_lines + textwrap.wrap(caption, 110))
    bottom = 70 + 16 * footer.count("<br>") + (16 if footer else 0)
    layout = dict(
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=16)),
        font=dict(family=FONT, size=13, color="#222"),
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend=dict(title=dict(text=legend_title), orientation="h", yanchor="top", y=-0.1,
                    x=0, xanchor="left"),
        margin=dict(l=10, r=20, t=70, b=40),
        hoverlabel=dict(bgcolor="white"),
        uniformtext=dict(minsize=9, mode="hide"),
        separators=_separators(lang),
    )
    export = {"margin": dict(l=10, r=30, t=80, b=bottom + 40), "showlegend": True}
    if footer:
        export["annotations"] = [dict(text=footer, showarrow=False, xref="paper", yref="paper",
                                      x=0, y=0, yshift=-(bottom + 30), xanchor="left",
                                      yanchor="bottom", align="left",
                                      font=dict(size=11, color="#555"))]
    layout["meta"] = {"export": export}
    return layout


def _separators(lang: str) -> str:
    """Plotly's decimal and thousands separators for a language."""
    return ".," if lang == "en" else ",."


def _transparent(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"

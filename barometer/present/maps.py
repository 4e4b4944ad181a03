"""Maps of one answer by region: a choropleth from the same result as the table.

Pure builders. `map_model` takes, from a crosstab of an indicator by a breakdown that has a
boundary file (`barometer.geo`), the cells of one answer, net or mean per region and (country,
year), sorts them into colour classes with round breaks and words their hover texts.
`region_map_figure` draws the model as Plotly `scatter` polygons (`fill="toself"`) on an
equal-scaled cartesian plane: basic trace types only (no geo module, no tiles, no network).
`map_sections` is its accessible table (regions as rows); `barometer.present.map_svg` writes the
same model as a standalone SVG. One panel per year, every country of a year on one map.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from plotly.colors import sample_colorscale

from barometer.codebook import Codebook
from barometer.geo import Boundaries
from barometer.i18n import format_number, format_percent, gettext_for
from barometer.present.figures import _layout
from barometer.present.labels import category_labels, country_label
from barometer.present.tables import Cell, Column, Row, Section, hidden_reason
from barometer.stats.selection import POOLED

PALETTE = "YlGnBu"
"""ColorBrewer's yellow-green-blue sequential scale: colour-blind safe, light = low."""
PALETTE_SPAN = (0.12, 0.95)
HIDDEN_FILL = "#9E9E9E"
BORDER = "#FFFFFF"
HATCH = "#222222"
CLASSES = 5
EARTH_RADIUS_KM = 6371.0088
LABEL_MIN_AREA = 0.012
"""A region is labelled with its figure when it covers at least this share of its panel."""
MAX_NAMES = 3
TITLE_WIDTH = 38  # a map is narrow, and must read on a phone
NOTE_WIDTH = 62
MAP_HEIGHT = 480
"""Pixels of a row of map panels on the page (the figure adds its title and footnote)."""
ROW_HEIGHT = 300


@dataclass(frozen=True)
class RegionCell:
    """One region in one (country, year): its figure (None when hidden), interval, base and
    flags, the colour class (None when hidden) and the hover text."""

    code: str
    label: str
    country: str
    year: int
    value: float | None
    low: float | None
    high: float | None
    base_n: float | None
    small: bool
    suppressed: bool
    complementary: bool
    colour_class: int | None
    hover: str


@dataclass(frozen=True)
class ColourClass:
    low: float
    high: float
    colour: str
    label: str


@dataclass(frozen=True)
class MapPanel:
    year: int
    title: str
    cells: tuple[RegionCell, ...]


@dataclass(frozen=True)
class MapModel:
    """Everything a map shows, in words and numbers; figures are drawn from it."""

    indicator: str
    by: str
    category: str
    title: str
    numeric: bool
    panels: tuple[MapPanel, ...]
    classes: tuple[ColourClass, ...]
    small_label: str
    hidden_label: str
    min_base: int
    lang: str

    @property
    def cells(self) -> tuple[RegionCell, ...]:
        return tuple(cell for panel in self.panels for cell in panel.cells)

    def colour(self, cell: RegionCell) -> str:
        return HIDDEN_FILL if cell.colour_class is None else self.classes[cell.colour_class].colour


# -- the model -----------------------------------------------------------------------------------


def map_category(result, codebook: Codebook, category: str | None) -> str:
    """The answer a map colours: `category`, or the mean of a numeric indicator."""
    if result.kind == "numeric":
        return "mean"
    if category is None:
        raise ValueError(f"a map of {result.query.indicator} needs a category to colour")
    labels = category_labels(codebook, result.query.indicator, "en")
    if category not in labels:
        raise ValueError(f"{category!r} is no answer of {result.query.indicator}")
    return category


def map_model(result, codebook: Codebook, lang: str, category: str | None) -> MapModel:
    """The cells of `category` per region of a crosstab by a mapped breakdown (pooled groups left
    out: a region lies in one country), colour classes over every shown figure, hover texts."""
    _ = gettext_for(lang)
    query = result.query
    if query.by is None:
        raise ValueError("a map needs a breakdown by an indicator with a boundary file")
    category = map_category(result, codebook, category)
    numeric = result.kind == "numeric"
    table = result.table
    rows = [r for r in table.to_dict("records")
            if r["category"] == category and r["country"] != POOLED and r["by"] is not None]
    values = [float(r["percent"]) for r in rows if not r["suppressed"]]
    classes = colour_classes(values, numeric, lang)
    by_labels = category_labels(codebook, query.by, lang)
    answer = category_labels(codebook, query.indicator, lang).get(category, category)
    min_base = result.thresholds.min_base
    many_countries = len({r["country"] for r in rows}) > 1
    cells_by_year: dict[int, list[RegionCell]] = {}
    for r in rows:
        value = None if r["suppressed"] else float(r["percent"])
        cell = RegionCell(
            code=str(r["by"]), label=by_labels.get(r["by"], str(r["by"])),
            country=str(r["country"]), year=int(r["year"]), value=value,
            low=None if value is None else float(r["ci_low"]),
            high=None if value is None else float(r["ci_high"]),
            base_n=None if value is None else float(r["base_n"]),
            small=bool(r["small"]) and value is not None, suppressed=bool(r["suppressed"]),
            complementary=bool(r.get("complementary")),
            colour_class=None if value is None else class_of(value, classes), hover="")
        cells_by_year.setdefault(cell.year, []).append(cell)
    years = sorted(cells_by_year)
    panels = []
    for year in years:
        cells = tuple(_with_hover(c, codebook, lang, numeric, answer, min_base, many_countries)
                      for c in cells_by_year[year])
        panels.append(MapPanel(year, str(year) if len(years) > 1 else "", cells))
    ind = codebook.indicator(query.indicator)
    by = codebook.indicator(query.by)
    title = (_("{question} — {answer}, by {breakdown}").format(
        question=ind.label(lang), answer=answer, breakdown=by.label(lang).lower())
        if not numeric else _("{question} — mean, by {breakdown}").format(
            question=ind.label(lang), breakdown=by.label(lang).lower()))
    if len(years) == 1:
        countries = dict.fromkeys(c.country for c in panels[0].cells) if panels else {}
        place = ", ".join(country_label(codebook, c, lang) for c in countries)
        title += f" ({place} {years[0]})" if place else ""
    model_cells = [c for p in panels for c in p.cells]
    small = _names([c.label for c in model_cells if c.small])
    hidden = _names([c.label for c in model_cells if c.suppressed])
    return MapModel(
        indicator=query.indicator, by=query.by, category=category, title=title, numeric=numeric,
        panels=tuple(panels), classes=classes,
        small_label=_("Small base (n < {small}):").format(small=result.thresholds.small_base)
        + "<br>" + small if small else "",
        hidden_label=_("Not shown (n < {minimum}):").format(minimum=min_base)
        + "<br>" + hidden if hidden else "",
        min_base=min_base, lang=lang)


def _names(labels: Sequence[str]) -> str:
    unique = list(dict.fromkeys(labels))
    shown = "<br>".join(unique[:MAX_NAMES])
    return shown + (f" +{len(unique) - MAX_NAMES}" if len(unique) > MAX_NAMES else "")


def _with_hover(cell: RegionCell, codebook: Codebook, lang: str, numeric: bool, answer: str,
                min_base: int, many_countries: bool) -> RegionCell:
    _ = gettext_for(lang)
    place = country_label(codebook, cell.country, lang) + " " + str(cell.year)
    head = f"<b>{cell.label}</b>" + (f" ({place})" if many_countries else f" ({cell.year})")
    if cell.value is None:
        reason = hidden_reason({"complementary": cell.complementary}, lang, min_base)
        return replace(cell, hover=f"{head}<br>{reason}")
    fmt = value_formatter(numeric, lang)
    lines = [head, f"{answer}: <b>{fmt(cell.value)}</b>",
             _("95% CI {low} to {high}").format(low=fmt(cell.low), high=fmt(cell.high)),
             _("Base: n = {n}").format(n=format_number(cell.base_n, lang))]
    if cell.small:
        lines.append(_("Small base: read with caution"))
    return replace(cell, hover="<br>".join(lines))


def value_formatter(numeric: bool, lang: str):
    return (lambda v: format_number(v, lang, 1)) if numeric else (lambda v: format_percent(v, lang))


def class_breaks(values: Sequence[float], classes: int = CLASSES) -> tuple[float, ...]:
    """Round, equal-width class breaks spanning `values`: a step of 1, 2, 2.5 or 5 times a power
    of ten, the one giving the number of classes nearest `classes` (ties: more classes).
    Classes are [low, high), the last one closed."""
    if not values:
        return ()
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 2.5, high + 2.5
    raw = (high - low) / classes
    power = 10.0 ** math.floor(math.log10(raw))
    steps = [m * power * 10.0 ** e for e in (-1, 0, 1) for m in (1, 2, 2.5, 5)]

    def count(step: float) -> int:
        start = math.floor(low / step + 1e-9) * step
        return max(1, math.ceil((high - start) / step - 1e-9))

    step = min(steps, key=lambda st: (abs(count(st) - classes), -count(st)))
    start = math.floor(low / step + 1e-9) * step
    return tuple(round(start + i * step, 10) for i in range(count(step) + 1))


def colour_classes(values: Sequence[float], numeric: bool, lang: str) -> tuple[ColourClass, ...]:
    """The classes of `values`, light to dark, with labels such as '40–50%'."""
    breaks = class_breaks(values)
    n = len(breaks) - 1
    if n < 1:
        return ()
    positions = list(np.linspace(*PALETTE_SPAN, n)) if n > 1 else [0.6]
    colours = sample_colorscale(PALETTE, positions, colortype="rgb")
    digits = 0 if all(float(b).is_integer() for b in breaks) else 1

    def text(v: float) -> str:
        return format_number(v, lang, digits)

    suffix = "" if numeric else "%"
    return tuple(ColourClass(breaks[i], breaks[i + 1], colours[i],
                             f"{text(breaks[i])}–{text(breaks[i + 1])}{suffix}")
                 for i in range(n))


def class_of(value: float, classes: Sequence[ColourClass]) -> int:
    """The class holding `value` (classes are [low, high); the last one is closed)."""
    for i, cls in enumerate(classes):
        if value < cls.high:
            return i
    return len(classes) - 1


# -- geometry ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projected:
    """Shapes projected to kilometres on an equirectangular plane (standard parallel at the
    middle of the mapped area), snapped to a grid of `resolution` km."""

    rings: Mapping[str, tuple[np.ndarray, ...]]
    extent: tuple[float, float, float, float]
    resolution: float


def project(geo: Boundaries, codes: Iterable[str], *, pixels: float = 600.0) -> Projected:
    """The shapes of `codes` in km, snapped to a grid of about one pixel of a map `pixels` wide:
    shared borders snap to the same points on both sides, so neighbours keep meeting without
    gaps or overlaps."""
    codes = [c for c in codes if c in geo.shapes]
    lon_min, lat_min, lon_max, lat_max = geo.bounds(codes)
    lat0 = math.radians((lat_min + lat_max) / 2)
    k = EARTH_RADIUS_KM * math.pi / 180
    scale = np.array([k * math.cos(lat0), k])
    x0, y0 = np.array([lon_min, lat_min]) * scale
    x1, y1 = np.array([lon_max, lat_max]) * scale
    resolution = max(math.hypot(x1 - x0, y1 - y0) / pixels, 0.1)
    rings: dict[str, tuple[np.ndarray, ...]] = {}
    for code in codes:
        out = []
        for polygon in geo.shapes[code]:
            for ring in polygon:
                xy = np.round(ring * scale / resolution) * resolution
                keep = np.r_[True, (np.diff(xy, axis=0) != 0).any(axis=1)]
                xy = xy[keep]
                if len(np.unique(xy, axis=0)) >= 3:
                    out.append(xy)
        rings[code] = tuple(out)
    return Projected(rings, (x0, y0, x1, y1), resolution)


def label_point(rings: Sequence[np.ndarray]) -> tuple[float, float]:
    """A point inside the largest ring for a label: the middle of the widest stretch of the
    horizontal line through its centroid (a centroid may fall outside a concave region)."""
    ring = max(rings, key=lambda r: abs(_area(r)))
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area) if area else y.mean()
    crossings = []
    for (xa, ya), (xb, yb) in zip(ring[:-1], ring[1:], strict=True):
        if (ya <= cy < yb) or (yb <= cy < ya):
            crossings.append(xa + (cy - ya) * (xb - xa) / (yb - ya))
    crossings.sort()
    spans = [(crossings[i + 1] - crossings[i], (crossings[i] + crossings[i + 1]) / 2)
             for i in range(0, len(crossings) - 1, 2)]
    if not spans:
        return float(x.mean()), float(y.mean())
    return float(max(spans)[1]), float(cy)


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2)


def region_area(rings: Sequence[np.ndarray]) -> float:
    return sum(abs(_area(r)) for r in rings)


def _path(rings: Sequence[np.ndarray]) -> tuple[list, list]:
    """x and y lists of rings separated by None (Plotly fills each segment)."""
    xs: list = []
    ys: list = []
    for ring in rings:
        xs += np.round(ring[:, 0], 1).tolist() + [None]
        ys += np.round(ring[:, 1], 1).tolist() + [None]
    return xs, ys


# -- the Plotly figure ----------------------------------------------------------------------------


def region_map_figure(result, codebook: Codebook, lang: str, category: str | None,
                      geo: Boundaries, *, base_note: str = "", caption: str = "",
                      footnote: str = "", model: MapModel | None = None) -> dict:
    """A choropleth of `category` by region as a Plotly figure dict: a panel per year, a trace
    per region (hover: region, figure, interval, base), small bases hatched, hidden regions grey,
    a legend of the class breaks, and title, base note, footnote and caption inside the figure
    (so PNG and SVG downloads carry them)."""
    _ = gettext_for(lang)
    model = model or map_model(result, codebook, lang, category)
    panels = model.panels
    columns = min(len(panels), 3) if len(panels) != 4 else 2
    rows = max(1, math.ceil(len(panels) / max(columns, 1)))
    codes = list(dict.fromkeys(c.code for c in model.cells))
    projected = project(geo, codes, pixels=900 / max(columns, 1))
    x0, y0, x1, y1 = projected.extent
    pad = 0.04 * max(x1 - x0, y1 - y0)
    areas = {code: region_area(projected.rings[code]) for code in codes}
    panel_area = (x1 - x0) * (y1 - y0)
    data: list[dict] = []
    layout_axes: dict = {}
    annotations: list[dict] = []
    gap_x, gap_y = 0.03, 0.08 if any(p.title for p in panels) else 0.02
    for i, panel in enumerate(panels):
        suffix = "" if i == 0 else str(i + 1)
        col, row = i % columns, i // columns
        width = (1 - gap_x * (columns - 1)) / columns
        height = (1 - gap_y * (rows - 1)) / rows
        dx = [col * (width + gap_x), col * (width + gap_x) + width]
        top = 1 - row * (height + gap_y)
        dy = [top - height, top]
        axes = dict(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        layout_axes[f"xaxis{suffix}"] = dict(domain=dx, range=[x0 - pad, x1 + pad], visible=False,
                                             fixedrange=True, anchor=f"y{suffix}",
                                             constrain="domain", constraintoward="left")
        layout_axes[f"yaxis{suffix}"] = dict(domain=dy, range=[y0 - pad, y1 + pad], visible=False,
                                             fixedrange=True, anchor=f"x{suffix}",
                                             scaleanchor=f"x{suffix}", scaleratio=1)
        if panel.title:
            annotations.append(dict(text=f"<b>{panel.title}</b>", showarrow=False, xref="paper",
                                    yref="paper", x=(dx[0] + dx[1]) / 2, y=top, yanchor="bottom",
                                    xanchor="center", font=dict(size=14)))
        labels: list[tuple[float, float, str, str]] = []
        for cell in panel.cells:
            xs, ys = _path(projected.rings[cell.code])
            colour = model.colour(cell)
            trace = dict(type="scatter", x=xs, y=ys, mode="lines", fill="toself",
                         fillcolor=colour, line=dict(color=BORDER, width=0.8), hoveron="fills",
                         text=cell.hover, hoverinfo="text", name=cell.label, showlegend=False,
                         meta=dict(region=cell.code, country=cell.country, year=cell.year,
                                   value=cell.value, colour_class=cell.colour_class,
                                   small=cell.small, suppressed=cell.suppressed), **axes)
            if cell.small or cell.suppressed:
                trace["fillpattern"] = dict(shape="/" if cell.small else ".", fgcolor=HATCH,
                                            bgcolor=colour, solidity=0.25, size=7)
            data.append(trace)
            if cell.value is not None and areas[cell.code] >= LABEL_MIN_AREA * panel_area:
                lx, ly = label_point(projected.rings[cell.code])
                dark = cell.colour_class is not None and cell.colour_class >= len(model.classes) / 2
                labels.append((lx, ly, value_formatter(model.numeric, lang)(cell.value),
                               "#FFFFFF" if dark else "#111111"))
        if labels:
            data.append(dict(type="scatter", mode="text", x=[round(v[0], 1) for v in labels],
                             y=[round(v[1], 1) for v in labels], text=[v[2] for v in labels],
                             textfont=dict(color=[v[3] for v in labels], size=11),
                             hoverinfo="skip", showlegend=False, **axes))
    legend = _legend_traces(model)
    data += legend
    layout = _map_layout(model, lang, legend, annotations, rows, base_note=base_note,
                         caption=caption, footnote=footnote)
    layout.update(layout_axes)
    return dict(data=data, layout=layout)


def _map_layout(model: MapModel, lang: str, legend: list[dict], panel_titles: list[dict],
                rows: int, *, base_note: str, caption: str, footnote: str) -> dict:
    """The title (wrapped for a narrow map), the legend left of the map in a margin of its own
    (the map never hides under it, and the eye starts there), the designation footnote under
    the map; for downloads (`layout.meta.export`, merged in by the download script) the base
    note and the source caption under it too."""
    _ = gettext_for(lang)
    layout = _layout("", "", "", lang)
    title_lines = textwrap.wrap(model.title, TITLE_WIDTH)
    top = 46 + 22 * len(title_lines)
    left = _legend_width([t["name"] for t in legend] + [_("Percent")])
    notes = textwrap.wrap(footnote, NOTE_WIDTH) if footnote else []
    bottom = 16 + 16 * len(notes)
    layout.update(
        title=dict(text="<br>".join(title_lines), x=0.01, xanchor="left", font=dict(size=16)),
        margin=dict(l=left, r=10, t=top, b=bottom),
        legend=dict(orientation="v", x=0, xanchor="right", y=1, yanchor="top", itemclick=False,
                    itemdoubleclick=False, traceorder="normal", font=dict(size=12),
                    tracegroupgap=2,
                    title=dict(text=_("Percent") if not model.numeric else _("Mean"))),
        hovermode="closest", dragmode=False,
        height=MAP_HEIGHT + ROW_HEIGHT * (rows - 1) + top + bottom,
        annotations=panel_titles + ([_footer(notes, left, bottom)] if notes else []),
    )
    lines = [line for text in (footnote, base_note, caption) for line in textwrap.wrap(text, 110)]
    export_bottom = 30 + 16 * len(lines)
    layout["meta"] = dict(
        export=dict(margin=dict(l=left, r=30, t=top + 10, b=export_bottom), showlegend=True,
                    annotations=panel_titles + ([_footer(lines, left, export_bottom)]
                                                if lines else [])),
        kind="map", indicator=model.indicator, by=model.by, category=model.category,
        breaks=[c.low for c in model.classes] + [model.classes[-1].high] if model.classes else [],
        colours=[c.colour for c in model.classes])
    return layout


def _footer(lines: Sequence[str], left: int, bottom: int) -> dict:
    """Small grey lines in the bottom margin, from the figure's left edge."""
    return dict(text="<br>".join(lines), showarrow=False, xref="paper", yref="paper", x=0, y=0,
                xshift=-(left - 10), yshift=-(bottom - 8), xanchor="left", yanchor="bottom",
                align="left", font=dict(size=11, color="#555"))


def _legend_width(names: Sequence[str]) -> int:
    """About the pixels a legend of `names` takes (12 px text beside a 40 px swatch)."""
    longest = max((len(line) for name in names for line in name.split("<br>")), default=8)
    return int(min(max(48 + 6.6 * longest, 110), 260))


def _legend_traces(model: MapModel) -> list[dict]:
    """Legend entries without data: one swatch per class, then small and hidden regions."""
    entries = [(c.label, c.colour, None) for c in model.classes]
    if model.small_label:
        entries.append((model.small_label, "#FFFFFF", "/"))
    if model.hidden_label:
        entries.append((model.hidden_label, HIDDEN_FILL, "."))
    traces = []
    for name, colour, pattern in entries:
        trace = dict(type="scatter", x=[None], y=[None], mode="lines", fill="toself",
                     fillcolor=colour, line=dict(color="#777777", width=0.5), name=name,
                     hoverinfo="skip", showlegend=True)
        if pattern:
            trace["fillpattern"] = dict(shape=pattern, fgcolor=HATCH, bgcolor=colour,
                                        solidity=0.25, size=7)
        traces.append(trace)
    return traces


# -- the accessible table -----------------------------------------------------------------------


def map_sections(model: MapModel, codebook: Codebook) -> tuple[Section, ...]:
    """The map's figures as tables, regions as rows (figure, 95% interval, base), one per
    country and year: what a keyboard or a screen reader reads instead of the shapes."""
    lang = model.lang
    _ = gettext_for(lang)
    fmt = value_formatter(model.numeric, lang)
    answer = category_labels(codebook, model.indicator, lang).get(model.category, model.category)
    row_header = codebook.indicator(model.by).label(lang)
    columns = (Column(_("Mean") if model.numeric else _("Percent")), Column(_("95% CI")),
               Column(_("Base (n)")))
    sections = []
    for panel in model.panels:
        groups: dict[str, list[RegionCell]] = {}
        for cell in panel.cells:
            groups.setdefault(cell.country, []).append(cell)
        for country, cells in groups.items():
            rows = []
            for cell in cells:
                if cell.value is None:
                    reason = hidden_reason({"complementary": cell.complementary}, lang,
                                           model.min_base)
                    base = "–" if cell.complementary else _("under {minimum}").format(
                        minimum=model.min_base)
                    rows.append(Row(cell.label, (
                        Cell(_("not shown"), suppressed=True, title=reason),
                        Cell("–", suppressed=True, title=reason),
                        Cell(base, suppressed=True, title=reason))))
                    continue
                ci = f"{fmt(cell.low)}–{fmt(cell.high)}"
                title = _("Small base: read with caution") if cell.small else ""
                rows.append(Row(cell.label, (
                    Cell(fmt(cell.value), small=cell.small, title=title),
                    Cell(ci),
                    Cell(format_number(cell.base_n, lang), small=cell.small, title=title))))
            caption = _("{country} {year}: {answer}, by {breakdown}").format(
                country=country_label(codebook, country, lang), year=panel.year, answer=answer,
                breakdown=row_header.lower())
            sections.append(Section(caption, columns, tuple(rows), corner=row_header))
    return tuple(sections)

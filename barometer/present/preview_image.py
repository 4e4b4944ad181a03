"""Link-preview images: a 1200×630 PNG of a view's chart with its title, headline sentence, base
note and the demonstration-data label, drawn with matplotlib from the page's own Plotly figure
dict (bar and scatter traces, maps included: filled scatter polygons), so the picture shows the
page's numbers and nothing else. A hidden (suppressed) figure has no value in the figure dict,
so it is never drawn. matplotlib is imported on first use (it takes a while to import).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from dataclasses import dataclass

WIDTH, HEIGHT, DPI = 1200, 630, 100
FONT = "DejaVu Sans"  # ships with matplotlib; covers Albanian and both Serbian scripts
INK, GREY, LABEL_BG, LABEL_INK = "#222222", "#555555", "#FFF3CD", "#6B4E00"
HATCHES = {"/": "///", ".": "...", "x": "xxx", "\\": "\\\\\\", "-": "---", "|": "|||",
           "+": "+++"}
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class PreviewCard:
    """What a preview shows: the chart's figure dict and its words, in the reader's language."""

    figure: dict
    title: str = ""
    """The title when the figure has none (a view that shows no figure)."""
    headline: str = ""
    note: str = ""
    label: str = ""
    """The demonstration-data label ('' for real data)."""


def plain(text: str) -> str:
    """Plotly's HTML-ish text as plain text (line breaks kept)."""
    return _TAG.sub("", re.sub(r"<br\s*/?>", "\n", str(text or ""))).strip()


def title_parts(figure: dict) -> tuple[str, str]:
    """The figure's title and its second line (`<br><sup>where, when, by what</sup>`)."""
    title = (figure.get("layout", {}).get("title") or {})
    text = title.get("text", "") if isinstance(title, dict) else str(title)
    head, _, sub = text.partition("<br><sup>")
    return " ".join(plain(head).split()), " ".join(plain(sub).split())


def card_png(card: PreviewCard) -> bytes:
    """The preview of a view as PNG bytes."""
    return _png(card_figure(card))


def card_figure(card: PreviewCard):
    """The preview of a view as a matplotlib figure: title, chart, headline sentence, base
    note, label."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
    title, subtitle = title_parts(card.figure)
    top = _header(fig, title or card.title, subtitle, card.label)
    bottom = _footer(fig, card.headline, card.note)
    _draw_figure(fig, card.figure, (0.04, bottom + 0.03, 0.92, top - bottom - 0.06))
    return fig


def text_card_png(headline: str, label: str = "", title: str = "") -> bytes:
    """A plain text card (the headline sentence): what a preview falls back to when its chart
    cannot be drawn in time."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="white")
    top = _header(fig, title, "", label)
    fig.text(0.05, top - 0.06, "\n".join(textwrap.wrap(headline, 48)[:6]), ha="left", va="top",
             fontsize=30, color=INK, family=FONT, linespacing=1.3)
    return _png(fig)


def warm_up() -> None:
    """Import matplotlib and draw one text card: a server calls this before it forks its
    workers, so that no visitor's first preview pays the import (about a second)."""
    text_card_png("barometer")


def blank_png() -> bytes:
    """The last resort: a white 1200×630 PNG (when even the text card cannot be drawn)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (WIDTH, HEIGHT), "white").save(out, format="PNG")
    return out.getvalue()


# -- layout of the card ---------------------------------------------------------------------------


def _png(fig) -> bytes:
    """The figure as a PNG of 128 colours (a third of the bytes of full colour, the same to
    the eye: charts have few colours), kept in caches and sent to every link-preview robot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    out = io.BytesIO()
    image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
        out, format="PNG")
    return out.getvalue()


def _header(fig, title: str, subtitle: str, label: str) -> float:
    """Title (wrapped), subtitle and the label in the top right; returns where the chart may
    start (figure fraction from the bottom)."""
    y = 0.955
    if label:
        fig.text(0.97, y, label, ha="right", va="top", fontsize=13, color=LABEL_INK,
                 family=FONT, weight="bold",
                 bbox=dict(boxstyle="round,pad=0.4", facecolor=LABEL_BG, edgecolor="#E0C36A"))
        y -= 0.075
    lines = textwrap.wrap(title, 60)[:2]
    if lines:
        fig.text(0.04, y, "\n".join(lines), ha="left", va="top", fontsize=22, color=INK,
                 family=FONT, weight="bold", linespacing=1.15)
        y -= 0.062 * len(lines) + 0.01
    if subtitle:
        fig.text(0.04, y, textwrap.shorten(subtitle, 110), ha="left", va="top", fontsize=15,
                 color=GREY, family=FONT)
        y -= 0.05
    return y


def _footer(fig, headline: str, note: str) -> float:
    """Headline sentence and base note along the bottom; returns the top of what they take."""
    y = 0.025
    note_lines = textwrap.wrap(note, 165)
    if len(note_lines) > 3:
        note_lines = note_lines[:2] + [textwrap.shorten(" ".join(note_lines[2:]), 160)]
    if note_lines:
        fig.text(0.04, y, "\n".join(note_lines), ha="left", va="bottom", fontsize=9.5,
                 color=GREY, family=FONT, linespacing=1.25)
        y += 0.025 * len(note_lines) + 0.012
    head_lines = textwrap.wrap(headline, 100)[:2]
    if head_lines:
        fig.text(0.04, y, "\n".join(head_lines), ha="left", va="bottom", fontsize=15, color=INK,
                 family=FONT, linespacing=1.2)
        y += 0.036 * len(head_lines) + 0.01
    return y


# -- the Plotly figure dict, drawn -----------------------------------------------------------------


def _draw_figure(fig, figure: dict, rect: tuple[float, float, float, float]) -> None:
    """Every axis pair of the figure (maps: a panel per year) in `rect`, with its traces."""
    layout = figure.get("layout", {})
    data = figure.get("data", [])
    left, bottom, width, height = rect
    legend = [t for t in data if _legend_only(t)]
    drawn = [t for t in data if not _legend_only(t)]
    if not drawn:
        for note in layout.get("annotations", []):
            message = "\n".join(textwrap.wrap(plain(note.get("text", "")), 70)[:5])
            fig.text(left + width / 2, bottom + height / 2, message, ha="center", va="center",
                     fontsize=18, color=GREY, family=FONT)
        return
    entries = [t for t in drawn if t.get("showlegend", True) is not False and t.get("name")]
    has_legend = bool(legend) or len({t.get("name") for t in entries}) > 1
    if has_legend and legend:  # maps: the class breaks on the left
        left, width = left + 0.3, width - 0.3
    elif has_legend:  # the legend above the chart
        height -= 0.06
    axes = {}
    for trace in drawn:
        axes.setdefault((trace.get("xaxis", "x"), trace.get("yaxis", "y")), []).append(trace)
    plotted = {}
    for (xname, yname), traces in axes.items():
        xlayout = layout.get("xaxis" + xname[1:], {})
        ylayout = layout.get("yaxis" + yname[1:], {})
        dx, dy = xlayout.get("domain", [0, 1]), ylayout.get("domain", [0, 1])
        ax = fig.add_axes([left + dx[0] * width, bottom + dy[0] * height,
                           (dx[1] - dx[0]) * width, (dy[1] - dy[0]) * height])
        plotted[(xname, yname)] = ax
        bars = [t for t in traces if t.get("type") == "bar"]
        if bars:
            _draw_bars(ax, bars, layout)
        for trace in traces:
            labels_only = "text" in trace.get("mode", "") and "lines" not in trace.get("mode", "")
            if trace.get("type", "scatter") == "scatter" and not (labels_only and len(axes) > 2):
                _draw_scatter(ax, trace)  # (the figures of small map panels: too small to read)
        _style_axes(ax, xlayout, ylayout, bool(bars))
    for note in layout.get("annotations", []):  # panel titles of maps (paper coordinates)
        if note.get("xref") == "paper" and not note.get("yshift") and note.get("y", 0) > 0:
            fig.text(left + note["x"] * width, bottom + note["y"] * height + 0.005,
                     plain(note.get("text", "")), ha="center", va="bottom", fontsize=13,
                     weight="bold", color=INK, family=FONT)
    if len(plotted) == 1:
        _fit(fig, next(iter(plotted.values())), (left, bottom, width, height))
    if has_legend:
        _legend(fig, legend or entries, rect if legend else (left, bottom, width, height),
                side=bool(legend))


def _fit(fig, ax, rect: tuple[float, float, float, float]) -> None:
    """Shrink the axes so that it fits `rect` with its tick labels."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    inner = ax.get_position()
    outer = ax.get_tightbbox(renderer).transformed(fig.transFigure.inverted())
    left, bottom, width, height = rect
    x0 = left + (inner.x0 - outer.x0)
    y0 = bottom + (inner.y0 - outer.y0)
    x1 = left + width - (outer.x1 - inner.x1)
    y1 = bottom + height - (outer.y1 - inner.y1)
    if x1 - x0 > 0.2 and y1 - y0 > 0.15:
        ax.set_position([x0, y0, x1 - x0, y1 - y0])


def _legend_only(trace: dict) -> bool:
    xs = trace.get("x") or []
    return len(xs) == 1 and xs[0] is None


def _draw_bars(ax, bars: list[dict], layout: dict) -> None:
    """Grouped or stacked bars, vertical or horizontal, with their intervals and labels. A value
    of None (a hidden figure) draws nothing."""
    horizontal = bars[0].get("orientation") == "h"
    stacked = layout.get("barmode") in ("relative", "stack")
    categories: list[str] = []
    per_trace = []
    for trace in bars:
        cats = _category_labels(trace.get("y" if horizontal else "x") or [])
        values = trace.get("x" if horizontal else "y") or []
        per_trace.append((cats, values))
        categories += [c for c in cats if c not in categories]
    position = {c: i for i, c in enumerate(categories)}
    slots = 1 if stacked else len(bars)
    thickness = 0.8 / slots
    base = [0.0] * len(categories)
    for k, (trace, (cats, values)) in enumerate(zip(bars, per_trace, strict=True)):
        marker = trace.get("marker", {})
        colour = _colour(marker.get("color", "#0072B2"))
        hatches = (marker.get("pattern") or {}).get("shape") or []
        error = trace.get("error_x" if horizontal else "error_y") or {}
        texts = trace.get("text") or []
        for j, (cat, value) in enumerate(zip(cats, values, strict=False)):
            where = position[cat] + (0 if stacked else (k - (slots - 1) / 2) * thickness)
            text = texts[j] if j < len(texts) else ""
            if value is None:  # hidden or empty: no bar, its reason only ("n<30", "not shown")
                if text and k == 0 and not stacked:
                    _bar_text(ax, position[cat], 0.0, text, horizontal, "outside")
                continue
            start = base[position[cat]] if stacked else 0.0
            hatch = HATCHES.get(hatches[j]) if isinstance(hatches, list) and j < len(
                hatches) and hatches[j] else None
            draw = ax.barh if horizontal else ax.bar
            draw(where, value, thickness * 0.95, start, color=colour, hatch=hatch,
                 edgecolor="white" if hatch else colour, linewidth=0)
            if stacked:
                base[position[cat]] += value
            upper, lower = _at(error.get("array"), j), _at(error.get("arrayminus"), j)
            if upper is not None and lower is not None:
                interval = ([[lower], [upper]])
                if horizontal:
                    ax.errorbar(value, where, xerr=interval, color="#333333", capsize=3, lw=1)
                else:
                    ax.errorbar(where, value, yerr=interval, color="#333333", capsize=3, lw=1)
            if text and value > 0:
                tip = start + value + (upper or 0.0)
                _bar_text(ax, where, start + value / 2 if stacked else tip, text, horizontal,
                          "inside" if stacked else "outside")
    labels = [textwrap.shorten(c, 38) for c in categories]
    ticks = list(range(len(categories)))
    size = 13 if len(categories) <= 8 else 10 if len(categories) <= 14 else 8
    if horizontal:
        ax.set_yticks(ticks, labels, fontsize=size, family=FONT)
        ax.invert_yaxis()
    else:
        ax.set_xticks(ticks, ["\n".join(textwrap.wrap(c, 16)[:3]) for c in labels],
                      fontsize=size, family=FONT)


def _bar_text(ax, where: float, value: float, text: str, horizontal: bool, place: str) -> None:
    options = dict(fontsize=11, color=INK if place == "outside" else "white", family=FONT)
    if horizontal:
        ax.annotate(plain(text), (value, where), xytext=(4 if place == "outside" else 0, 0),
                    textcoords="offset points", va="center",
                    ha="left" if place == "outside" else "center", **options)
    else:
        ax.annotate(plain(text), (where, value), xytext=(0, 3 if place == "outside" else 0),
                    textcoords="offset points", ha="center",
                    va="bottom" if place == "outside" else "center", **options)


def _draw_scatter(ax, trace: dict) -> None:
    """Lines (with gaps at None), filled polygons (`fill="toself"`, rings split at None) and
    text labels."""
    xs = [_float(v) for v in trace.get("x") or []]
    ys = [_float(v) for v in trace.get("y") or []]
    mode = trace.get("mode", "lines+markers")
    line = trace.get("line") or {}
    if trace.get("fill") == "toself":
        from matplotlib.patches import Polygon

        pattern = trace.get("fillpattern") or {}
        for ring in _rings(xs, ys):
            ax.add_patch(Polygon(ring, closed=True, facecolor=_colour(trace.get("fillcolor")),
                                 edgecolor=_colour(line.get("color", "none")) if line.get(
                                     "width", 1) else "none",
                                 linewidth=line.get("width", 0.8) or 0,
                                 hatch=HATCHES.get(pattern.get("shape", ""))))
        return
    if "text" in mode and "lines" not in mode:
        font = trace.get("textfont") or {}
        colours = font.get("color")
        for i, (x, y, text) in enumerate(zip(xs, ys, trace.get("text") or [], strict=False)):
            if math.isnan(x) or math.isnan(y):
                continue
            colour = colours[i] if isinstance(colours, list) else colours or INK
            ax.text(x, y, plain(text), ha="center", va="center", fontsize=10, family=FONT,
                    color=_colour(colour))
        return
    colour = _colour(line.get("color", "#0072B2"))
    ax.plot(xs, ys, color=colour, linewidth=line.get("width", 2),
            marker="o" if "markers" in mode else None, markersize=6,
            label=trace.get("name") if trace.get("showlegend", True) else None)


def _style_axes(ax, xlayout: dict, ylayout: dict, bars: bool) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if xlayout.get("visible") is False and ylayout.get("visible") is False:  # a map panel
        ax.set_axis_off()
        if xlayout.get("range") and ylayout.get("range"):
            ax.set_xlim(*xlayout["range"])
            ax.set_ylim(*ylayout["range"])
        ax.set_aspect("equal", adjustable="box", anchor="C")
        return
    for axis, spec in ((ax.xaxis, xlayout), (ax.yaxis, ylayout)):
        suffix = spec.get("ticksuffix", "")
        if suffix:
            from matplotlib.ticker import FuncFormatter

            axis.set_major_formatter(FuncFormatter(lambda v, _pos, s=suffix: f"{v:g}{s}"))
        if spec.get("range"):
            (ax.set_xlim if axis is ax.xaxis else ax.set_ylim)(*spec["range"])
        if spec.get("dtick") == 1:
            from matplotlib.ticker import MaxNLocator

            axis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=12, colors=INK)
    ax.grid(True, axis="x" if ax.yaxis.get_inverted() else "y", color="#E5E5E5", zorder=0)
    ax.set_axisbelow(True)
    if not bars:
        ax.set_ylim(bottom=0)


def _legend(fig, traces: list[dict], rect, side: bool) -> None:
    from matplotlib.patches import Patch

    handles, seen = [], set()
    for trace in traces:
        name = plain(trace.get("name", ""))
        if not name or name in seen:
            continue
        seen.add(name)
        colour = (trace.get("marker") or {}).get("color") if trace.get("type") == "bar" else (
            trace.get("fillcolor") if trace.get("fill") == "toself" and _legend_only(trace)
            else (trace.get("line") or {}).get("color"))
        pattern = (trace.get("fillpattern") or {}).get("shape", "")
        handles.append(Patch(facecolor=_colour(colour or "#999999"), edgecolor="#777777",
                             hatch=HATCHES.get(pattern), label="\n".join(textwrap.wrap(name.replace("\n", " "), 34))))
    if not handles:
        return
    left, bottom, _width, height = rect
    if side:
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(left, bottom + height),
                   frameon=False, fontsize=11, prop={"family": FONT, "size": 11})
    else:
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(left, bottom + height),
                   ncol=min(len(handles), 6), frameon=False, prop={"family": FONT, "size": 11})


# -- values ---------------------------------------------------------------------------------------


def _category_labels(values: list) -> list[str]:
    """Axis labels; Plotly's two-level axes (`[[outer...], [inner...]]`) as 'inner · outer'."""
    if values and isinstance(values[0], list):
        outer, inner = values[0], values[-1]
        if len(set(outer)) <= 1:
            return [str(v) for v in inner]
        return [f"{i} · {o}" if i else str(o) for o, i in zip(outer, inner, strict=False)]
    return [plain(str(v)) for v in values]


def _rings(xs: list[float], ys: list[float]) -> list[list[tuple[float, float]]]:
    rings, ring = [], []
    for x, y in zip(xs, ys, strict=False):
        if math.isnan(x) or math.isnan(y):
            if len(ring) > 2:
                rings.append(ring)
            ring = []
        else:
            ring.append((x, y))
    if len(ring) > 2:
        rings.append(ring)
    return rings


def _at(values, index: int) -> float | None:
    if not isinstance(values, list) or index >= len(values) or values[index] is None:
        return None
    return float(values[index])


def _float(value) -> float:
    return math.nan if value is None else float(value)


def _colour(value):
    """A Plotly colour string as matplotlib takes it (`rgb(…)`/`rgba(…)` → a tuple)."""
    if not isinstance(value, str):
        return value if value is not None else "none"
    match = re.fullmatch(r"rgba?\(([^)]*)\)", value.strip())
    if not match:
        return value
    parts = [float(p) for p in match.group(1).split(",")]
    rgb = [p / 255 for p in parts[:3]]
    return (*rgb, parts[3] if len(parts) > 3 else 1.0)

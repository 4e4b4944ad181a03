"""A chart as static SVG, drawn on the server from the same Plotly figure the page draws: the
first view of a permalink shows it before any script has run (and with scripts off).

It reads the figure dicts of `barometer.present.figures` and `barometer.present.maps` (bars,
horizontal or vertical, grouped or stacked, with error bars and value labels; lines with
markers and interval bands; polygons on equal-scaled axes) and nothing else. The picture
stretches to the width of its box: horizontal positions are percentages of the width, the
shapes sit in a nested SVG scaled to the plot area (strokes not scaled), and text keeps its
size, so a phone and a desktop both get a readable chart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
TITLE_Y, SUBTITLE_Y = 20, 40
LINE = 18
INNER = 1000.0
"""The nested plot area's own coordinates run 0..1000 both ways."""


@dataclass(frozen=True)
class Frame:
    """The plot area: left and width in percent of the picture's width, top and height in px."""

    left: float
    width: float
    top: float
    height: float

    def x(self, fraction: float) -> str:
        return f"{self.left + self.width * fraction:.2f}%"

    def y(self, fraction: float) -> float:
        return self.top + self.height * fraction


def figure_svg(figure: dict, height: int, *, label: str = "") -> str:
    """The figure as an SVG element `height` px high and as wide as its box; `label` names it
    for screen readers (default: its title)."""
    layout = figure.get("layout") or {}
    traces = [t for t in figure.get("data") or [] if t.get("visible", True) is not False]
    title, subtitle = _title_lines(layout)
    parts: list[str] = []
    if title:
        parts.append(_text("1%", TITLE_Y, title, weight="bold", size=15))
    if subtitle:
        parts.append(_text("1%", SUBTITLE_Y, subtitle, size=12, fill="#555"))
    bars = [t for t in traces if t.get("type") == "bar"]
    scatters = [t for t in traces if t.get("type") == "scatter"]
    legend = _legend_entries(traces, layout)
    bottom = 34 + LINE * _legend_rows(legend)
    top = 62 if subtitle else 44
    if bars:
        parts.extend(_bars(bars, layout, top, height - bottom))
    elif scatters and _is_map(layout):
        parts.extend(_map(scatters, layout, top, height - bottom))
    elif scatters:
        parts.extend(_lines(scatters, layout, top, height - bottom))
    else:
        message = " ".join(_plain(a.get("text", "")) for a in layout.get("annotations") or [])
        parts.append(_text("50%", height / 2, message, anchor="middle", fill="#555", size=15))
    parts.extend(_legend(legend, height - bottom + 30))
    name = label or " ".join(p for p in (title, subtitle) if p)
    return (f'<svg class="static-chart" xmlns="http://www.w3.org/2000/svg" width="100%" '
            f'height="{height}" role="img" aria-label={quoteattr(name)} font-family="{FONT}" '
            f'font-size="12"><title>{escape(name)}</title>{"".join(parts)}</svg>')


# -- bars ---------------------------------------------------------------------------------------


def _bars(traces: list[dict], layout: dict, top: float, bottom: float) -> list[str]:
    horizontal = traces[0].get("orientation") == "h"
    stacked = layout.get("barmode") in ("relative", "stack")
    cat_key, val_key = ("y", "x") if horizontal else ("x", "y")
    categories = list(dict.fromkeys(_category(c) for t in traces for c in _cats(t, cat_key)))
    totals: dict[str, float] = {}
    highest = 0.0
    for trace in traces:
        for cat, value, high in _points(trace, cat_key, val_key):
            if stacked:
                totals[cat] = totals.get(cat, 0.0) + (value or 0.0)
                highest = max(highest, totals[cat])
            else:
                highest = max(highest, value or 0.0, high or 0.0)
    value_axis = layout.get("xaxis" if horizontal else "yaxis") or {}
    low, high = _range(value_axis, highest)
    suffix = value_axis.get("ticksuffix", "")
    longest = max((len(c) for c in categories), default=4)
    if horizontal:
        left = min(42.0, max(12.0, 1.0 * longest + 3))
        frame = Frame(left, 100 - left - 6, top, bottom - top)
    else:
        frame = Frame(7, 91, top, bottom - top - 16 * _label_lines(categories, len(categories)))
    out = [_grid(frame, low, high, suffix, horizontal)]
    slot = 1 / max(len(categories), 1)
    per = 1 if stacked else len(traces)
    width = slot * 0.8 / per
    shapes, labels = [], []
    base = {c: 0.0 for c in categories}
    for index, trace in enumerate(traces):
        colour = _colour(trace)
        texts = trace.get("text") or []
        for i, (cat, value, upper) in enumerate(_points(trace, cat_key, val_key)):
            if cat not in categories:
                continue
            start = categories.index(cat) * slot + slot * 0.1 + (0 if stacked else index * width)
            v0 = base[cat] if stacked else 0.0
            v1 = v0 + (value or 0.0)
            if stacked:
                base[cat] = v1
            a, b = _scale(v0, low, high), _scale(v1, low, high)
            rect = (a, start, b - a, width) if horizontal else (start, 1 - b, width, b - a)
            if value is not None:
                shapes.append(_rect(rect, colour, _small(trace, i)))
            lower = _error(trace, i, value, minus=True)
            if upper is not None and lower is not None and not stacked:
                e0, e1, mid = _scale(lower, low, high), _scale(upper, low, high), start + width / 2
                shapes.append(_segment((e0, mid), (e1, mid)) if horizontal
                              else _segment((mid, 1 - e0), (mid, 1 - e1)))
            text = _plain(texts[i]) if i < len(texts) and texts[i] else ""
            if text:
                labels.append(_value_label(frame, text, horizontal, stacked, a, b, start, width,
                                           value is None or upper is None and not stacked))
    out.append(_nested(frame, shapes))
    out.extend(labels)
    for i, cat in enumerate(categories):
        centre = i * slot + slot / 2
        if horizontal:
            out.append(_text(f"{frame.left - 1:.2f}%", frame.y(centre) + 4, cat, anchor="end"))
        else:
            for line_no, line in enumerate(_wrap(cat, max(6, int(90 / len(categories))))):
                out.append(_text(frame.x(centre), bottom + 14 + 14 * line_no - 16
                                 * (_label_lines(categories, len(categories)) - 1), line,
                                 anchor="middle", size=11))
    return out


def _value_label(frame: Frame, text: str, horizontal: bool, stacked: bool, a: float, b: float,
                 start: float, width: float, outside: bool) -> str:
    if horizontal:
        y = frame.y(start + width / 2) + 4
        if outside or b - a < 0.12:
            return _text(frame.x(max(a, b) + 0.01), y, text, fill="#333")
        return _text(frame.x(a + 0.01), y, text, fill="white", weight="bold")
    x = frame.x(start + width / 2)
    if stacked:
        if b - a < 0.05:
            return ""
        return _text(x, frame.y(1 - (a + b) / 2) + 4, text, anchor="middle", fill="white", size=11)
    return _text(x, frame.y(1 - b) - 4, text, anchor="middle", fill="#333", size=11)


# -- lines --------------------------------------------------------------------------------------


def _lines(traces: list[dict], layout: dict, top: float, bottom: float) -> list[str]:
    xs = [x for t in traces for x in t.get("x") or [] if isinstance(x, int | float)]
    ys = [y for t in traces for y in t.get("y") or [] if isinstance(y, int | float)]
    if not xs:
        return []
    x0, x1 = min(xs), max(xs)
    pad = max((x1 - x0) * 0.05, 0.5)
    x0, x1 = x0 - pad, x1 + pad
    axis = layout.get("yaxis") or {}
    low, high = _range(axis, max(ys, default=1.0))
    frame = Frame(7, 91, top, bottom - top - 18)
    out = [_grid(frame, low, high, axis.get("ticksuffix", ""), False)]
    shapes = []
    for trace in traces:
        points = [(None if x is None or y is None else
                   ((x - x0) / (x1 - x0), 1 - _scale(y, low, high)))
                  for x, y in zip(trace.get("x") or [], trace.get("y") or [], strict=False)]
        if trace.get("fill") == "toself":
            shapes.append(_polygon(points, trace.get("fillcolor", "#ddd")))
            continue
        colour = (trace.get("line") or {}).get("color", "#333")
        shapes.extend(_polyline(run, colour) for run in _runs(points))
        if "markers" in trace.get("mode", ""):
            shapes.extend(_dot(p, colour) for p in points if p)
    out.append(_nested(frame, shapes))
    for x in sorted(set(xs)):
        out.append(_text(frame.x((x - x0) / (x1 - x0)), bottom - 2, _number(x), anchor="middle"))
    return out


# -- maps ---------------------------------------------------------------------------------------


def _is_map(layout: dict) -> bool:
    return any(isinstance(v, dict) and v.get("scaleanchor") for k, v in layout.items()
               if k.startswith("yaxis"))


def _map(traces: list[dict], layout: dict, top: float, bottom: float) -> list[str]:
    panels: dict[str, list[dict]] = {}
    for trace in traces:
        if trace.get("fill") == "toself" and any(v is not None for v in trace.get("x") or []):
            panels.setdefault(trace.get("xaxis", "x")[1:], []).append(trace)
    out = []
    for suffix, shapes_of in panels.items():
        xaxis, yaxis = layout.get(f"xaxis{suffix}", {}), layout.get(f"yaxis{suffix}", {})
        (dx0, dx1), (dy0, dy1) = xaxis.get("domain", [0, 1]), yaxis.get("domain", [0, 1])
        (rx0, rx1), (ry0, ry1) = xaxis.get("range", [0, 1]), yaxis.get("range", [0, 1])
        frame = Frame(1 + 98 * dx0, 98 * (dx1 - dx0), top + (bottom - top) * (1 - dy1),
                      (bottom - top) * (dy1 - dy0))
        paths = []
        for trace in shapes_of:
            points = [None if x is None or y is None else (x - rx0, ry1 - y)
                      for x, y in zip(trace["x"], trace["y"], strict=False)]
            d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in run) + "Z"
                         for run in _runs(points))
            tip = _plain(trace.get("hovertext") or trace.get("text") or trace.get("name") or "")
            paths.append(f'<path d="{d}" fill="{trace.get("fillcolor", "#ccc")}" stroke="#fff" '
                         f'stroke-width="1" vector-effect="non-scaling-stroke">'
                         f'<title>{escape(tip)}</title></path>')
        out.append(f'<svg x="{frame.left:.2f}%" y="{frame.top:.1f}" width="{frame.width:.2f}%" '
                   f'height="{frame.height:.1f}" viewBox="0 0 {rx1 - rx0:.1f} {ry1 - ry0:.1f}" '
                   f'preserveAspectRatio="xMidYMid meet">{"".join(paths)}</svg>')
    return out


# -- pieces -------------------------------------------------------------------------------------


def _title_lines(layout: dict) -> tuple[str, str]:
    title = layout.get("title") or {}
    text = title.get("text", "") if isinstance(title, dict) else str(title)
    main, _, sub = text.partition("<br>")
    return _plain(main), _plain(sub)


def _plain(text) -> str:
    """Plotly's bits of HTML (<b>, <sup>, <br>) as plain text."""
    if isinstance(text, list):
        text = " ".join(str(t) for t in text)
    return re.sub(r"<[^>]+>", " ", str(text)).replace("  ", " ").strip()


def _category(value) -> str:
    return " · ".join(str(v) for v in value if v) if isinstance(value, list | tuple) else str(value)


def _cats(trace: dict, key: str) -> list[str]:
    values = trace.get(key) or []
    if values and isinstance(values[0], list):  # a two-level axis: [[outer...], [inner...]]
        return [_category(pair[::-1]) for pair in zip(*values, strict=False)]
    return [_category(v) for v in values]


def _points(trace: dict, cat_key: str, val_key: str) -> list[tuple[str, float | None, float | None]]:
    """(category, value, upper end of its interval) of each bar."""
    out = []
    for i, (cat, value) in enumerate(zip(_cats(trace, cat_key), trace.get(val_key) or [],
                                         strict=False)):
        number = float(value) if isinstance(value, int | float) else None
        out.append((cat, number, _error(trace, i, number, minus=False)))
    return out


def _error(trace: dict, i: int, value: float | None, *, minus: bool) -> float | None:
    error = trace.get("error_x") or trace.get("error_y") or {}
    values = error.get("arrayminus" if minus else "array") or []
    if value is None or i >= len(values) or values[i] is None:
        return None
    return value - values[i] if minus else value + values[i]


def _small(trace: dict, i: int) -> bool:
    shapes = ((trace.get("marker") or {}).get("pattern") or {}).get("shape") or []
    return isinstance(shapes, list) and i < len(shapes) and bool(shapes[i])


def _colour(trace: dict) -> str:
    colour = (trace.get("marker") or {}).get("color", "#0072B2")
    return colour if isinstance(colour, str) else "#0072B2"


def _range(axis: dict, highest: float) -> tuple[float, float]:
    given = axis.get("range")
    if given and None not in given:
        return float(given[0]), float(given[1])
    return 0.0, _nice_step(highest * 1.1 or 1.0) * math.ceil(highest * 1.1 / _nice_step(
        highest * 1.1 or 1.0) or 1)


def _nice_step(span: float) -> float:
    raw = span / 5
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _scale(value: float, low: float, high: float) -> float:
    return (value - low) / (high - low) if high > low else 0.0


def _grid(frame: Frame, low: float, high: float, suffix: str, horizontal: bool) -> str:
    step = _nice_step(high - low)
    ticks = [low + step * k for k in range(int((high - low) / step + 1e-9) + 1)]
    lines, labels = [], []
    for tick in ticks:
        f = _scale(tick, low, high)
        if horizontal:
            lines.append(_segment((f, 0), (f, 1), colour="#e5e5e5"))
            labels.append(_text(frame.x(f), frame.y(1) + 16, _number(tick) + suffix,
                                anchor="middle", fill="#555", size=11))
        else:
            lines.append(_segment((0, 1 - f), (1, 1 - f), colour="#e5e5e5"))
            labels.append(_text(f"{frame.left - 0.5:.2f}%", frame.y(1 - f) + 4,
                                _number(tick) + suffix, anchor="end", fill="#555", size=11))
    return _nested(frame, lines) + "".join(labels)


def _nested(frame: Frame, shapes: Sequence[str]) -> str:
    return (f'<svg x="{frame.left:.2f}%" y="{frame.top:.1f}" width="{frame.width:.2f}%" '
            f'height="{frame.height:.1f}" viewBox="0 0 {INNER:.0f} {INNER:.0f}" '
            f'preserveAspectRatio="none" overflow="visible">{"".join(shapes)}</svg>')


def _rect(box: tuple[float, float, float, float], colour: str, small: bool) -> str:
    x, y, w, h = (v * INNER for v in box)
    hatch = ' stroke="#fff" stroke-dasharray="4 3" stroke-width="2" vector-effect=' \
            '"non-scaling-stroke" fill-opacity="0.55"' if small else ""
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'fill="{colour}"{hatch}/>')


def _segment(a: tuple[float, float], b: tuple[float, float], colour: str = "#222") -> str:
    return (f'<line x1="{a[0] * INNER:.1f}" y1="{a[1] * INNER:.1f}" x2="{b[0] * INNER:.1f}" '
            f'y2="{b[1] * INNER:.1f}" stroke="{colour}" stroke-width="1.5" '
            'vector-effect="non-scaling-stroke"/>')


def _runs(points: list) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if p is None:
            runs.append([])
        else:
            runs[-1].append(p)
    return [r for r in runs if r]


def _polyline(run: list[tuple[float, float]], colour: str) -> str:
    points = " ".join(f"{x * INNER:.1f},{y * INNER:.1f}" for x, y in run)
    return (f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" '
            'vector-effect="non-scaling-stroke"/>')


def _polygon(points: list, fill: str) -> str:
    return "".join(f'<polygon points="{" ".join(f"{x * INNER:.1f},{y * INNER:.1f}" for x, y in run)}"'
                   f' fill="{fill}"/>' for run in _runs(points))


def _dot(point: tuple[float, float], colour: str) -> str:
    """A marker: a zero-length line with round caps keeps its circle shape in a stretched box."""
    x, y = point[0] * INNER, point[1] * INNER
    return (f'<path d="M{x:.1f},{y:.1f}h0" stroke="{colour}" stroke-width="8" '
            'stroke-linecap="round" vector-effect="non-scaling-stroke"/>')


def _legend_entries(traces: list[dict], layout: dict) -> list[tuple[str, str]]:
    if layout.get("showlegend") is False:
        return []
    entries = []
    for trace in traces:
        if trace.get("showlegend") is False or not trace.get("name"):
            continue
        colour = (trace.get("fillcolor") if trace.get("fill") == "toself" and
                  not any(v is not None for v in trace.get("x") or [])
                  else (trace.get("line") or {}).get("color") or _colour(trace))
        entries.append((_plain(trace["name"]), colour or "#888"))
    if len(entries) < 2 and not _is_map(layout):
        return []
    return list(dict.fromkeys(entries))


def _legend_rows(entries: list) -> int:
    return math.ceil(len(entries) / 4) if entries else 0


def _legend(entries: list[tuple[str, str]], y: float) -> list[str]:
    out = []
    for i, (name, colour) in enumerate(entries):
        row, col = divmod(i, 4)
        x = 1 + 25 * col
        out.append(f'<rect x="{x}%" y="{y + row * LINE - 10:.0f}" width="12" height="12" '
                   f'fill="{colour}"/>')
        out.append(_text(f"{x}%", y + row * LINE, name[:30], size=11).replace(
            "<text ", '<text dx="16" ', 1))
    return out


def _label_lines(categories: Sequence[str], count: int) -> int:
    return max((len(_wrap(c, max(6, int(90 / max(count, 1))))) for c in categories), default=1)


def _wrap(text: str, width: int) -> list[str]:
    words, lines = text.split(), [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines[:3]


def _number(value: float) -> str:
    return f"{value:g}"


def _text(x: str, y: float, text: str, *, anchor: str = "start", weight: str = "normal",
          size: int = 12, fill: str = "#222") -> str:
    if not text:
        return ""
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (f'<text x="{x}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{fill}"{bold}>{escape(text)}</text>')

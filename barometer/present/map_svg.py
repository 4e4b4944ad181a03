"""A map as a standalone SVG document, written in pure Python (no browser): the command line's
`barometer map`.

The same `MapModel` and projected shapes as the explorer's figure (`barometer.present.maps`):
a path per region (its hover text as the SVG `<title>` tooltip), small bases hatched, hidden
regions grey with dots, a legend of the class breaks, and title, base note, designation footnote
and source caption (with the demonstration-data label) in the picture.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from barometer.geo import Boundaries
from barometer.i18n import gettext_for
from barometer.present.figures import FONT
from barometer.present.maps import (
    BORDER,
    HATCH,
    HIDDEN_FILL,
    LABEL_MIN_AREA,
    MapModel,
    label_point,
    project,
    region_area,
    value_formatter,
)

WIDTH = 960
PANEL_HEIGHT = 560
MARGIN = 16
LINE = 16


def region_map_svg(model: MapModel, geo: Boundaries, *, base_note: str = "", caption: str = "",
                   footnote: str = "", width: int = WIDTH) -> str:
    """The map of `model` as SVG text: title, legend, one panel per year, footer."""
    _ = gettext_for(model.lang)
    title_lines = textwrap.wrap(model.title, 80) or [""]
    legend = _legend_entries(model)
    legend_width = max(120, min(280, 40 + 7 * max(len(line) for text, _c, _p in legend
                                                  for line in text.split("\n"))))
    panels = model.panels
    columns = min(len(panels), 3) if len(panels) != 4 else 2
    rows = max(1, math.ceil(len(panels) / max(columns, 1)))
    codes = list(dict.fromkeys(c.code for c in model.cells))
    projected = project(geo, codes, pixels=width / max(columns, 1))
    x0, y0, x1, y1 = projected.extent
    map_left = MARGIN + legend_width + MARGIN
    top = MARGIN + 24 * len(title_lines) + 8
    gap = 16
    panel_title = 22 if any(p.title for p in panels) else 0
    cell_width = (width - map_left - MARGIN - gap * (columns - 1)) / columns
    cell_height = (PANEL_HEIGHT if rows == 1 else 320)
    scale = min(cell_width / (x1 - x0), (cell_height - panel_title) / (y1 - y0))
    map_height = rows * cell_height + (rows - 1) * gap
    footer = textwrap.wrap(footnote, 130) + textwrap.wrap(base_note, 130) + textwrap.wrap(caption, 130)
    legend_height = 24 + sum(22 + 15 * text.count("\n") for text, _c, _k in legend)
    height = int(max(top + map_height, top + legend_height) + 16 + LINE * len(footer) + MARGIN)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT)} role="img" '
           f'aria-label={quoteattr(model.title)}>',
           f"<title>{escape(model.title)}</title>",
           _patterns(model),
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for i, line in enumerate(title_lines):
        out.append(f'<text x="{MARGIN}" y="{MARGIN + 18 + 24 * i}" font-size="18" '
                   f'fill="#222">{escape(line)}</text>')
    out.append(_legend_svg(legend, MARGIN, top, _("Mean") if model.numeric else _("Percent")))
    fmt = value_formatter(model.numeric, model.lang)
    panel_area = (x1 - x0) * (y1 - y0)
    for i, panel in enumerate(panels):
        col, row = i % columns, i // columns
        left = map_left + col * (cell_width + gap)
        upper = top + row * (cell_height + gap)
        if panel.title:
            out.append(f'<text x="{left + cell_width / 2:.1f}" y="{upper + 15}" font-size="14" '
                       f'font-weight="bold" text-anchor="middle">{escape(panel.title)}</text>')

        def to_svg(xy: np.ndarray, left=left, upper=upper) -> np.ndarray:
            return np.column_stack([left + (xy[:, 0] - x0) * scale,
                                    upper + panel_title + (y1 - xy[:, 1]) * scale])

        out.append(f'<g class="panel" data-year="{panel.year}">')
        labels = []
        for cell in panel.cells:
            rings = projected.rings[cell.code]
            d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in to_svg(r)) + " Z"
                         for r in rings)
            fill = _fill(model, cell)
            value = "" if cell.value is None else f' data-value="{cell.value:.4f}"'
            out.append(f'<path class="region" data-region={quoteattr(cell.code)}{value} '
                       f'data-class="{"" if cell.colour_class is None else cell.colour_class}" '
                       f'd="{d}" fill="{fill}" fill-rule="evenodd" stroke="{BORDER}" '
                       f'stroke-width="0.8"><title>{escape(_plain(cell.hover))}</title></path>')
            if cell.value is not None and region_area(rings) >= LABEL_MIN_AREA * panel_area:
                (lx, ly), = to_svg(np.array([label_point(rings)]))
                dark = cell.colour_class is not None and cell.colour_class >= len(model.classes) / 2
                labels.append(f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="11" '
                              f'text-anchor="middle" fill="{"#fff" if dark else "#111"}">'
                              f'{escape(fmt(cell.value))}</text>')
        out += labels
        out.append("</g>")
    y = height - MARGIN - LINE * len(footer) + 11
    for i, line in enumerate(footer):
        out.append(f'<text x="{MARGIN}" y="{y + LINE * i}" font-size="11" '
                   f'fill="#555">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _plain(text: str) -> str:
    """Hover HTML as plain text: line breaks kept, tags dropped."""
    return re.sub(r"<[^>]+>", "", text.replace("<br>", "\n"))


def _fill(model: MapModel, cell) -> str:
    if cell.suppressed:
        return "url(#hidden)"
    if cell.small:
        return f"url(#small-{cell.colour_class})"
    return model.colour(cell)


def _patterns(model: MapModel) -> str:
    """Hatching over each class colour (small bases) and dots over grey (hidden regions)."""
    defs = ["<defs>"]
    for i, cls in enumerate(model.classes):
        defs.append(f'<pattern id="small-{i}" width="7" height="7" patternUnits="userSpaceOnUse" '
                    f'patternTransform="rotate(45)"><rect width="7" height="7" fill="{cls.colour}"/>'
                    f'<line x1="0" y1="0" x2="0" y2="7" stroke="{HATCH}" stroke-width="1.5"/>'
                    "</pattern>")
    defs.append(f'<pattern id="hidden" width="7" height="7" patternUnits="userSpaceOnUse">'
                f'<rect width="7" height="7" fill="{HIDDEN_FILL}"/>'
                f'<circle cx="3.5" cy="3.5" r="1.2" fill="{HATCH}"/></pattern>')
    defs.append('<pattern id="small-legend" width="7" height="7" patternUnits="userSpaceOnUse" '
                'patternTransform="rotate(45)"><rect width="7" height="7" fill="#ffffff"/>'
                f'<line x1="0" y1="0" x2="0" y2="7" stroke="{HATCH}" stroke-width="1.5"/></pattern>')
    defs.append("</defs>")
    return "".join(defs)


def _legend_entries(model: MapModel) -> list[tuple[str, str, str]]:
    """(text with line breaks, fill, kind) per legend entry."""
    entries = [(c.label, c.colour, "class") for c in model.classes]
    if model.small_label:
        entries.append((model.small_label.replace("<br>", "\n"), "url(#small-legend)", "small"))
    if model.hidden_label:
        entries.append((model.hidden_label.replace("<br>", "\n"), "url(#hidden)", "hidden"))
    return entries


def _legend_svg(entries: Sequence[tuple[str, str, str]], left: int, top: int, title: str) -> str:
    parts = [f'<g class="legend"><text x="{left}" y="{top + 12}" font-size="13" '
             f'fill="#222">{escape(title)}</text>']
    y = top + 24
    for text, fill, kind in entries:
        parts.append(f'<rect class="legend-{kind}" x="{left}" y="{y}" width="26" height="14" '
                     f'fill="{fill}" stroke="#777" stroke-width="0.5"/>')
        for j, line in enumerate(text.split("\n")):
            parts.append(f'<text x="{left + 34}" y="{y + 11 + 15 * j}" font-size="12" '
                         f'fill="#222">{escape(line)}</text>')
        y += 22 + 15 * text.count("\n")
    parts.append("</g>")
    return "".join(parts)

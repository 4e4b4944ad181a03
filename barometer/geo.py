"""Boundary files: the shapes in which a categorical indicator's answers are drawn on a map.

A codebook links an indicator to a GeoJSON file (`geo: {file: geo/regions.geojson, key: code}`,
the path relative to the codebook's folder); each feature's `properties[key]` is one of the
indicator's category codes. `read_boundaries` reads and checks one file; `load_linked_boundaries`
reads every link of a codebook and checks it against the indicator's categories, raising
`GeoError` that names the codebook key, the file and the feature of each problem.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from barometer.codebook import Codebook, CodebookError

MAX_PROBLEMS = 12
Polygon = tuple[np.ndarray, ...]
"""An exterior ring then its holes, each a (k, 2) array of longitude, latitude."""


class GeoError(CodebookError):
    """A boundary file that cannot be used; the message names the file and the feature."""


@dataclass(frozen=True, eq=False)
class Boundaries:
    """One boundary file: its shapes by category code (in file order), its bytes (served as they
    are) and their SHA-256 (the strong ETag of the API)."""

    path: Path
    key: str
    shapes: Mapping[str, tuple[Polygon, ...]]
    content: bytes
    digest: str

    def bounds(self, codes) -> tuple[float, float, float, float]:
        """(lon_min, lat_min, lon_max, lat_max) of the shapes of `codes`."""
        points = np.vstack([ring for code in codes for polygon in self.shapes[code]
                            for ring in polygon])
        return (*points.min(axis=0), *points.max(axis=0))


def read_boundaries(path: str | Path, key: str = "code") -> Boundaries:
    """A GeoJSON FeatureCollection of Polygon/MultiPolygon features, each with `properties[key]`;
    raise `GeoError` naming the file, the line (bad JSON) or the feature of every problem."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise GeoError(f"{path}: cannot read the boundary file ({exc.strerror})") from None
    try:
        data = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise GeoError(f"{path}: not UTF-8 text (GeoJSON is UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise GeoError(f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON "
                       f"({exc.msg})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise GeoError(f"{path}: expected a GeoJSON FeatureCollection with a list of features")
    shapes: dict[str, list[Polygon]] = {}
    problems: list[str] = []
    for index, feature in enumerate(data["features"]):
        where = f"{path}, features[{index}]"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get(key) if isinstance(properties, dict) else None
        if not isinstance(code, str | int) or isinstance(code, bool) or code == "":
            problems.append(f"{where}: expected a property {key!r} holding a category code")
            continue
        where = f"{path}, features[{index}] ({key} {code!r})"
        try:
            polygons = _polygons(feature.get("geometry"))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        shapes.setdefault(str(code), []).extend(polygons)
    if not problems and not shapes:
        problems.append(f"{path}: the FeatureCollection has no features")
    if problems:
        raise GeoError(_joined(problems))
    return Boundaries(path, key, {code: tuple(p) for code, p in shapes.items()}, content,
                      hashlib.sha256(content).hexdigest())


def _polygons(geometry) -> list[Polygon]:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        kind = geometry.get("type") if isinstance(geometry, dict) else geometry
        raise ValueError(f"expected a Polygon or MultiPolygon geometry, got {kind!r}")
    coordinates = geometry.get("coordinates")
    parts = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(parts, list) or not parts:
        raise ValueError("expected coordinates: a list of polygons")
    return [tuple(_ring(ring) for ring in _list(rings, "polygon")) for rings in parts]


def _list(value, what: str) -> list:
    if not isinstance(value, list) or not value:
        raise ValueError(f"expected a {what} as a non-empty list")
    return value


def _ring(ring) -> np.ndarray:
    points = _list(ring, "ring of positions")
    try:
        xy = np.array([(float(p[0]), float(p[1])) for p in points], dtype=np.float64)
    except (TypeError, ValueError, IndexError):
        raise ValueError("expected every position as [longitude, latitude] numbers") from None
    if len(xy) < 4 or not np.array_equal(xy[0], xy[-1]):
        raise ValueError("expected closed rings of at least 4 positions (first = last)")
    if not np.isfinite(xy).all() or (np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any():
        raise ValueError("expected longitudes in [-180, 180] and latitudes in [-90, 90] (WGS84)")
    return xy


def load_linked_boundaries(codebook: Codebook, base_dir: str | Path,
                           codebook_name: str = "codebook") -> dict[str, Boundaries]:
    """Every linked indicator's boundaries, checked against its categories: a category without a
    shape, a shape without a category, an unreadable file each raise `GeoError` (all at once)."""
    found: dict[str, Boundaries] = {}
    problems: list[str] = []
    cache: dict[tuple[Path, str], Boundaries] = {}
    for ind in codebook.indicators:
        if ind.geo is None:
            continue
        where = f"{codebook_name}, indicators.{ind.id}.geo"
        path = (Path(base_dir) / ind.geo.file).resolve()
        try:
            if (path, ind.geo.key) not in cache:
                cache[(path, ind.geo.key)] = read_boundaries(path, ind.geo.key)
            boundaries = cache[(path, ind.geo.key)]
        except GeoError as exc:
            problems.append(f"{where}: {exc}")
            continue
        categories = codebook.categories_of(ind)
        codes = [c.code for c in categories]
        without_shape = [c.code for c in categories if not c.missing and c.code not in
                         boundaries.shapes]
        without_category = [code for code in boundaries.shapes if code not in codes]
        if without_shape:
            problems.append(f"{where}: {ind.geo.file} has no shape for the categories "
                            f"{without_shape} (features are matched on their {ind.geo.key!r})")
        if without_category:
            problems.append(f"{where}: {ind.geo.file} has shapes that are no category of "
                            f"{ind.id}: {without_category} (expected one of {codes})")
        if not (without_shape or without_category):
            found[ind.id] = boundaries
    if problems:
        raise GeoError(_joined(problems))
    return found


def _joined(problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS]
    more = len(problems) - len(shown)
    return "\n".join(shown + ([f"... and {more} more problem(s)"] if more else []))

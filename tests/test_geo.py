"""Boundary files: the codebook links an indicator to a GeoJSON file, and every category has a
shape and every shape a category; errors name the codebook key, the file and the feature. The
shipped regions cover every region of the demonstration codebook, and Kosovo and Serbia never
overlap."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from barometer.cli import main
from barometer.codebook import CodebookError, load_codebook, parse_codebook
from barometer.geo import GeoError, load_linked_boundaries, read_boundaries

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "geo" / "regions.geojson"

CODEBOOK = """
dataset: {id: demo, title: Demo}
countries: {AL: {name: Albania}}
topics: [{id: people, label: People}]
sources: [{id: AL-2024, country: AL, year: 2024, file: a.sav}]
indicators:
  - id: region
    topic: people
    type: single
    question: Region
    categories:
      - {code: north, label: North}
      - {code: south, label: South}
      - {code: dk, label: Don't know, missing: dk}
    geo: {file: shapes/regions.geojson, key: code}
"""


def square(x: float, y: float) -> list:
    return [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]


def feature(code, geometry=None) -> dict:
    return {"type": "Feature", "properties": {"code": code},
            "geometry": geometry or {"type": "Polygon", "coordinates": square(19, 41)}}


def write(folder: Path, features: list[dict] | str, codebook: str = CODEBOOK) -> Path:
    (folder / "shapes").mkdir(exist_ok=True)
    body = features if isinstance(features, str) else json.dumps(
        {"type": "FeatureCollection", "features": features}, indent=1)
    (folder / "shapes" / "regions.geojson").write_text(body, encoding="utf-8")
    path = folder / "codebook.yaml"
    path.write_text(codebook, encoding="utf-8")
    return path


def problems_of(folder: Path) -> str:
    path = folder / "codebook.yaml"
    with pytest.raises(GeoError) as info:
        load_linked_boundaries(load_codebook(path), folder, str(path))
    return str(info.value)


def test_a_complete_link_loads_every_shape(tmp_path):
    path = write(tmp_path, [feature("north"), feature("south")])
    found = load_linked_boundaries(load_codebook(path), tmp_path)
    assert list(found) == ["region"]
    assert list(found["region"].shapes) == ["north", "south"]
    assert found["region"].bounds(["north"]) == (19.0, 41.0, 20.0, 42.0)


def test_a_category_without_a_shape_is_named(tmp_path):
    write(tmp_path, [feature("north")])
    message = problems_of(tmp_path)
    assert "codebook.yaml, indicators.region.geo" in message
    assert "shapes/regions.geojson has no shape for the categories ['south']" in message
    assert "'dk'" not in message  # don't know is no place


def test_a_shape_without_a_category_is_named(tmp_path):
    write(tmp_path, [feature("north"), feature("south"), feature("east")])
    message = problems_of(tmp_path)
    assert "indicators.region.geo" in message
    assert "shapes that are no category of region: ['east']" in message


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ('{"type": "FeatureCollection",\n "features": [,]}', ["line 2", "not valid JSON"]),
        ('{"type": "Feature"}', ["expected a GeoJSON FeatureCollection"]),
        ([feature("north"), {"type": "Feature", "properties": {"name": "South"},
                             "geometry": {"type": "Polygon", "coordinates": square(19, 40)}}],
         ["features[1]", "expected a property 'code'"]),
        ([feature("north"), feature("south", {"type": "Point", "coordinates": [19, 41]})],
         ["features[1] (code 'south')", "Polygon or MultiPolygon", "'Point'"]),
        ([feature("north"), feature("south", {"type": "Polygon",
                                              "coordinates": [[[19, 41], [20, 41], [20, 42]]]})],
         ["features[1] (code 'south')", "closed rings"]),
        ([feature("north"), feature("south", {"type": "Polygon",
                                              "coordinates": [[[419, 41], [420, 41], [420, 42],
                                                               [419, 41]]]})],
         ["features[1]", "WGS84"]),
    ],
    ids=["bad json", "not a collection", "no key", "a point", "open ring", "not degrees"],
)
def test_a_bad_file_is_named_with_the_feature(tmp_path, body, fragments):
    write(tmp_path, body)
    message = problems_of(tmp_path)
    assert "indicators.region.geo" in message and "regions.geojson" in message
    for fragment in fragments:
        assert fragment in message, message


def test_a_missing_file_is_named(tmp_path):
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    message = problems_of(tmp_path)
    assert "shapes/regions.geojson: cannot read the boundary file" in message


def test_a_map_needs_a_categorical_indicator():
    text = CODEBOOK.replace("    type: single\n", "    type: numeric\n").replace(
        "    categories:\n      - {code: north, label: North}\n      - {code: south, label: South}\n"
        "      - {code: dk, label: Don't know, missing: dk}\n", "")
    with pytest.raises(CodebookError, match=r"indicators.region.*boundary file needs a single or "
                                            r"ordinal indicator"):
        parse_codebook(text, source_name="codebook.yaml")


def test_codebook_validate_and_ingest_report_a_missing_shape(tmp_path):
    """The shipped data with one region cut from the boundary file: both commands name it."""
    shutil.copytree(ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("cache"))
    geojson = tmp_path / "data" / "geo" / "regions.geojson"
    collection = json.loads(geojson.read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"]
                              if f["properties"]["code"] != "xk_peja"]
    geojson.write_text(json.dumps(collection), encoding="utf-8")
    codebook = tmp_path / "data" / "codebook.yaml"
    runner = CliRunner()
    for args in (["codebook", "validate", str(codebook)], ["ingest", "--codebook", str(codebook)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "indicators.region.geo" in result.output
        assert "has no shape for the categories ['xk_peja']" in result.output


# -- the shipped boundaries ---------------------------------------------------------------------


def test_the_shipped_file_has_a_shape_for_every_region_and_no_other():
    codebook = load_codebook(ROOT / "data" / "codebook.yaml")
    region = codebook.indicator("region")
    assert region.geo is not None and region.geo.file == "geo/regions.geojson"
    shapes = read_boundaries(SHIPPED).shapes
    assert sorted(shapes) == sorted(c.code for c in codebook.categories_of(region))
    assert len(shapes) == 23


def inside(points: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon test, vectorised over points (an independent check)."""
    x, y = points[:, 0][:, None], points[:, 1][:, None]
    xa, ya, xb, yb = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    straddles = (ya <= y) != (yb <= y)
    with np.errstate(divide="ignore", invalid="ignore"):
        cross_x = xa + (y - ya) * (xb - xa) / (yb - ya)
    return ((straddles & (x < cross_x)).sum(axis=1) % 2) == 1


def test_kosovo_and_serbia_never_overlap():
    """No vertex of a Kosovo district lies inside a Serbian region, nor the other way round
    (vertices on the shared border are vertices of both and are left out)."""
    shapes = read_boundaries(SHIPPED).shapes

    def rings(prefix: str) -> list[np.ndarray]:
        return [ring for code, polygons in shapes.items() if code.startswith(prefix)
                for polygon in polygons for ring in polygon]

    kosovo, serbia = rings("xk_"), rings("rs_")
    # the test itself finds a point inside: Belgrade's and Pristina's centres
    assert inside(np.array([[20.457, 44.817]]), shapes["rs_belgrade"][0][0]).all()
    assert inside(np.array([[21.164, 42.663]]), shapes["xk_prishtina"][0][0]).all()
    assert not inside(np.array([[21.164, 42.663]]), shapes["rs_belgrade"][0][0]).any()
    shared = {tuple(p) for r in kosovo for p in r} & {tuple(p) for r in serbia for p in r}
    assert len(shared) > 100  # they do share a border
    for mine, theirs in ((kosovo, serbia), (serbia, kosovo)):
        points = np.array([p for r in mine for p in r if tuple(p) not in shared])
        for ring in theirs:
            assert not inside(points, ring).any()

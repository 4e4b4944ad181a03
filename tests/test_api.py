"""The REST API: the same numbers as stats, the CLI and the downloads; labels, echo, suppression,
problem documents, caching. Runs against the shipped demonstration data."""

from __future__ import annotations

import hashlib
import io
import json
from urllib.parse import urlencode

import pandas as pd
import pytest

from barometer.ingest import load_dataset
from barometer.present.export import tidy_table
from barometer.stats import Query, crosstab
from barometer.web import api
from barometer.web.app import create_app

SUPPRESSED_REGION = {"indicator": "safe_neighbourhood", "by": "region", "country": "AL",
                     "year": "2025"}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def client(dataset):
    app = create_app(dataset)
    return app.server.test_client()


def get(client, path: str, **params):
    query = urlencode(params, doseq=True)
    return client.get(f"{path}?{query}" if query else path)


def csv_frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)


# -- numbers -------------------------------------------------------------------------------------


def test_crosstab_json_equals_stats(client, dataset):
    response = get(client, "/api/v1/crosstab", indicator="trust_police", by="gender",
                   country="AL,RS", year="2024,2025", weighted="1")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    doc = response.get_json()
    expected = crosstab(dataset, Query(indicator="trust_police", by="gender",
                                       countries=("AL", "RS"), years=(2024, 2025))).table
    assert len(doc["rows"]) == len(expected)
    for row, (_, cell) in zip(doc["rows"], expected.iterrows(), strict=True):
        assert (row["country"], row["year"], row["by"], row["category"]) == (
            cell["country"], cell["year"], cell["by"], cell["category"])
        for name in ("n", "weighted", "percent", "se", "ci_low", "ci_high", "base_n"):
            if pd.isna(cell[name]):
                assert row[name] is None
            else:
                assert row[name] == pytest.approx(float(cell[name]), rel=0, abs=0)


def test_unweighted_percent_matches_an_independent_count(client, dataset):
    """percent = answers / answered, counted with pandas (DK/refused out of the base)."""
    doc = get(client, "/api/v1/frequencies", indicator="safe_at_night", country="RS",
              year="2023", weighted="0").get_json()
    frame = dataset.frame
    sub = frame[(frame["country"] == "RS") & (frame["year"] == 2023)]["safe_at_night"]
    missing = {c.code for c in dataset.codebook.categories_of("safe_at_night") if c.missing}
    answered = sub[sub.notna() & ~sub.isin(missing)]
    counts = answered.value_counts()
    rows = {r["category"]: r for r in doc["rows"] if not r["is_net"] and not r["is_missing"]}
    assert set(rows) == {c for c in counts.index if counts[c] > 0} | {
        c for c in rows if rows[c]["n"] == 0}
    for code, row in rows.items():
        assert row["n"] == counts.get(code, 0)
        assert row["percent"] == pytest.approx(100 * counts.get(code, 0) / len(answered), abs=1e-9)
        assert row["base_n"] == len(answered)


def test_json_carries_echo_version_synthetic_labels_and_tests(client, dataset):
    doc = get(client, "/api/v1/crosstab", indicator="trust_police", by="gender", country="al",
              year="2025", lang="sq").get_json()
    assert doc["query"] == {"indicator": "trust_police", "by": "gender", "country": ["AL"],
                            "year": [2025], "filter": [], "combine": [], "bins": [], "weighted": True, "percent": "column",
                            "missing": "hide", "pool": "separate", "lang": "sq",
                            "category": "trust"}
    assert doc["data_version"] == dataset.version
    assert doc["synthetic"] is True
    cb = dataset.codebook
    assert doc["indicator"]["question"] == cb.indicator("trust_police").question.get("sq")
    labels = {c.code: c.label.get("sq") for c in cb.categories_of("trust_police")}
    labels.update({n.code: n.label.get("sq") for n in cb.indicator("trust_police").nets})
    for row in doc["rows"]:
        assert row["category_label"] == labels[row["category"]]
        assert row["country_label"] == cb.country_name("AL", "sq")
        assert row["by_label"] in {c.label.get("sq") for c in cb.categories_of("gender")}
    assert [(t["country"], t["year"]) for t in doc["tests"]] == [("AL", 2025)]
    assert 0 <= doc["tests"][0]["p_value"] <= 1


def test_csv_equals_tidy_table_and_download_body(client, dataset):
    params = dict(indicator="safe_neighbourhood", by="age_group", country="XK", year="2022",
                  filter="gender:female")
    response = get(client, "/api/v1/crosstab", format="csv", **params)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    result = crosstab(dataset, Query(indicator="safe_neighbourhood", by="age_group",
                                     countries=("XK",), years=(2022,),
                                     filters=(("gender", ("female",)),)))
    assert body == tidy_table(result, dataset.codebook, "en").to_csv(index=False)
    download = get(client, "/download/table.csv", **params).get_data(as_text=True)
    table_lines = [line for line in download.splitlines() if not line.startswith("#")]
    assert table_lines == body.splitlines()
    assert body.splitlines()[0].startswith("country,year,by,category,n,weighted,percent,se,"
                                           "ci_low,ci_high,flag")


def test_csv_equals_cli_output(client):
    from click.testing import CliRunner

    from barometer.cli import main

    api_body = get(client, "/api/v1/crosstab", indicator="trust_courts", by="settlement",
                   country="RS", year="2021", format="csv").get_data(as_text=True)
    result = CliRunner().invoke(main, ["crosstab", "trust_courts", "--by", "settlement",
                                       "--country", "RS", "--year", "2021", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == api_body.strip().splitlines()


def test_trend_defaults_to_first_net_across_all_waves(client, dataset):
    doc = get(client, "/api/v1/trend", indicator="trust_police", country="XK").get_json()
    net = dataset.codebook.indicator("trust_police").nets[0].code
    assert doc["query"]["category"] == net and doc["category"]["code"] == net
    assert sorted({r["year"] for r in doc["rows"]}) == sorted(int(y) for y in
                                                              dataset.frame["year"].unique())
    assert {r["category"] for r in doc["rows"]} == {net}


def test_indicators_lists_codebook_and_availability(client, dataset):
    doc = get(client, "/api/v1/indicators").get_json()
    cb = dataset.codebook
    assert [i["id"] for i in doc["indicators"]] == [i.id for i in cb.indicators]
    assert doc["years"] == sorted(int(y) for y in dataset.frame["year"].unique())
    by_id = {i["id"]: i for i in doc["indicators"]}
    frame = dataset.frame
    for ind_id in ("trust_police", "ai_fakes_concern", "relations_kosovo"):
        expected = sorted({(str(c), int(y)) for c, y, v in
                           zip(frame["country"], frame["year"], frame[ind_id].notna(),
                               strict=True) if v})
        got = [(a["country"], a["year"]) for a in by_id[ind_id]["availability"]]
        assert sorted(got) == expected
    mr = by_id["security_threats"]
    assert mr["type"] == "multiple" and mr["availability"]
    assert [c["code"] for c in by_id["trust_police"]["categories"]] == [
        c.code for c in cb.categories_of("trust_police")]


# -- disclosure control --------------------------------------------------------------------------


FIGURES = ("n", "weighted", "percent", "se", "ci_low", "ci_high", "base_n", "base_weighted",
           "eff_base")


def test_suppressed_cells_have_no_figures_in_json_and_csv(client, dataset):
    doc = get(client, "/api/v1/crosstab", **SUPPRESSED_REGION).get_json()
    min_base = dataset.codebook.dataset.thresholds.min_base
    truth = crosstab(dataset, Query("safe_neighbourhood", by="region", countries=("AL",),
                                    years=(2025,), disclosure=False)).table
    true_base = dict(zip(truth["by"], truth["base_n"], strict=False))
    suppressed = [r for r in doc["rows"] if r["suppressed"] and not r["complementary"]]
    withheld = [r for r in doc["rows"] if r["complementary"]]
    shown = [r for r in doc["rows"] if not r["suppressed"]]
    assert suppressed and withheld and shown, "the query should mix hidden and shown cells"
    for row in suppressed + withheld:
        assert all(row[name] is None for name in FIGURES), row
    assert all(true_base[r["by"]] < min_base for r in suppressed)
    # the group hidden to protect the small one is the smallest of the others
    others = {by: n for by, n in true_base.items() if n >= min_base}
    assert {r["by"] for r in withheld} == {min(others, key=others.get)}
    for row in shown:
        assert row["base_n"] >= min_base and row["percent"] is not None
    assert doc["tests"] == [] and all(r["sig"] == "" for r in doc["rows"])
    assert doc["protection"]["suppressed"] and doc["protection"]["withheld"]
    table = csv_frame(get(client, "/api/v1/crosstab", format="csv",
                          **SUPPRESSED_REGION).get_data(as_text=True))
    hidden = table[table["flag"].isin(["suppressed", "withheld"])]
    assert len(hidden) == len(suppressed) + len(withheld)
    assert (hidden[list(FIGURES)] == "").all().all()


def test_a_view_of_too_few_people_is_refused(client):
    tiny = get(client, "/api/v1/crosstab", indicator="trust_police", country="AL", year="2025",
               filter=["region:al_gjirokaster", "age_group:18-29", "gender:female"])
    assert tiny.status_code == 400
    problem = tiny.get_json()
    assert problem["type"].endswith("too-few-respondents") and problem["param"] == "filter"
    assert "fewer than 30" in problem["detail"]


def test_no_endpoint_returns_respondent_rows(client, dataset):
    """One row per (country, year, group, category) cell, never per respondent."""
    doc = get(client, "/api/v1/crosstab", indicator="trust_police", by="age_group",
              year="2021,2022,2023,2024,2025", weighted="0").get_json()
    keys = {(r["country"], r["year"], r["by"], r["category"]) for r in doc["rows"]}
    assert len(keys) == len(doc["rows"])
    cb = dataset.codebook
    n_cats = len(cb.categories_of("trust_police")) + len(cb.indicator("trust_police").nets)
    assert len(doc["rows"]) <= 3 * 5 * len(cb.categories_of("age_group")) * n_cats
    assert sum(r["n"] for r in doc["rows"] if not r["is_net"]) <= len(dataset)
    forbidden = {"weight", "psu", "strata", "source", "respondent_id", "id"}
    assert not forbidden & set(doc["rows"][0])


# -- problems ------------------------------------------------------------------------------------

BAD_REQUESTS = [
    # (path, params, param named in the problem)
    ("/api/v1/crosstab", {"indicator": "trust_polic"}, "indicator"),
    ("/api/v1/crosstab", {}, "indicator"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "by": "trust_police"}, "by"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "country": "FR"}, "country"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "year": "1999"}, "year"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "year": "twenty"}, "year"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "weighted": "maybe"}, "weighted"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "percent": "cell"}, "percent"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "filter": "gender"}, "filter"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "filter": "gender:x"}, "filter"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "format": "xml"}, "format"),
    ("/api/v1/crosstab", {"indicator": "trust_police", "limit": "10"}, "limit"),
    ("/api/v1/crosstab", {"indicator": ["trust_police", "trust_eu"]}, "indicator"),
    ("/api/v1/frequencies", {"indicator": "trust_police", "by": "gender"}, "by"),
    ("/api/v1/trend", {"indicator": "trust_police", "category": "nope"}, "category"),
    ("/api/v1/trend", {"indicator": "trust_police", "pool": "equal"}, "pool"),
    ("/api/v1/indicators", {"format": "csv"}, "format"),
    ("/api/v1/indicators", {"lang": "fr"}, "lang"),
]


@pytest.mark.parametrize(("path", "params", "param"), BAD_REQUESTS,
                         ids=[f"{p}-{n}" for p, _, n in BAD_REQUESTS])
def test_bad_parameters_answer_a_problem_naming_them(client, path, params, param):
    response = get(client, path, **params)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 400
    assert problem["type"] == "/api/v1/docs#problem-invalid-parameter"
    assert problem["title"] and problem["detail"]
    assert problem["param"] == param
    assert isinstance(problem["value"], str) and isinstance(problem["allowed"], list)
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_indicator_suggests_closest_first(client):
    problem = get(client, "/api/v1/crosstab", indicator="trust_polic").get_json()
    assert problem["value"] == "trust_polic"
    assert problem["allowed"][0] == "trust_police"


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/crosstab/extra", "/api/v2/crosstab",
                                  "/api"])
def test_unknown_api_paths_are_404_problems(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "/api/v1/docs#problem-not-found"


def test_wrong_method_is_405_problem(client):
    response = client.post("/api/v1/crosstab?indicator=trust_police")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"


# -- boundary files ------------------------------------------------------------------------------


def test_geo_serves_the_boundary_file_with_a_strong_etag_and_304(client, dataset):
    response = client.get("/api/v1/geo/region", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    body = response.get_data()
    assert body == dataset.boundaries["region"].path.read_bytes()
    etag = response.headers["ETag"]
    assert etag == f'"{hashlib.sha256(body).hexdigest()}"'  # strong: no W/
    assert json.loads(body)["type"] == "FeatureCollection"
    for sent, status in ((etag, 304), (f"W/{etag}", 304), ('"elsewhere", ' + etag, 304),
                         ('"elsewhere"', 200), ("*", 304)):
        again = client.get("/api/v1/geo/region",
                           headers={"If-None-Match": sent, "Accept-Encoding": "identity"})
        assert again.status_code == status, sent
        if status == 304:
            assert again.get_data() == b"" and again.headers["ETag"] == etag
    # compressed, the body has its own strong validator, and it is honoured too
    zipped = client.get("/api/v1/geo/region", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] == etag[:-1] + ':gzip"'
    assert len(zipped.get_data()) < len(body) / 2
    assert client.get("/api/v1/geo/region", headers={
        "Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize(("indicator", "words"), [("gender", "has no boundary file"),
                                                  ("nope", "is no indicator")])
def test_geo_of_an_indicator_without_shapes_is_a_404_problem(client, indicator, words):
    response = client.get(f"/api/v1/geo/{indicator}")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert words in problem["detail"] and problem["allowed"] == ["region"]
    assert client.post("/api/v1/geo/region").status_code == 405


# -- OpenAPI and docs ----------------------------------------------------------------------------


def test_compare_is_each_country_then_the_pooled_row_of_crosstab(client):
    """/compare = the separate countries' crosstab rows followed by the pooled crosstab's rows:
    one wave, the pooling rule stated."""
    asked = dict(indicator="trust_eu", country="AL,RS", year="2024", pool="population")
    doc = get(client, "/api/v1/compare", **asked).get_json()
    separate = get(client, "/api/v1/crosstab", **{**asked, "pool": "separate"}).get_json()
    pooled = get(client, "/api/v1/crosstab", **asked).get_json()
    assert doc["endpoint"] == "compare"
    assert doc["rows"] == separate["rows"] + pooled["rows"]
    assert [r["country"] for r in doc["rows"]][-1] == "pooled"
    assert {r["year"] for r in doc["rows"]} == {2024}
    assert "adult population" in doc["base_note"]
    assert doc["query"]["pool"] == "population" and doc["query"]["year"] == [2024]


@pytest.mark.parametrize(("params", "param"), [
    (dict(indicator="trust_eu", year="2024,2025"), "year"),
    (dict(indicator="trust_eu", by="gender"), "by"),
    (dict(indicator="trust_eu", pool="everything"), "pool"),
])
def test_compare_refuses_what_it_cannot_show_naming_the_parameter(client, params, param):
    response = get(client, "/api/v1/compare", **params)
    assert response.status_code == 400
    assert response.get_json()["param"] == param


def test_compare_defaults_to_the_latest_wave(client, dataset):
    from barometer.stats.query import data_years

    doc = get(client, "/api/v1/compare", indicator="trust_eu").get_json()
    assert {r["year"] for r in doc["rows"]} == {max(data_years(dataset))}


def test_openapi_document_describes_every_endpoint(client, dataset):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {f"/api/v1/{n}" for n in
                                 ("indicators", "crosstab", "frequencies", "trend", "compare",
                                  "geo/{indicator}")}
    geo = doc["paths"]["/api/v1/geo/{indicator}"]["get"]
    assert geo["parameters"][0]["schema"]["enum"] == ["region"]
    assert set(geo["responses"]) == {"200", "304", "404"}
    crosstab_params = {p["name"]: p for p in doc["paths"]["/api/v1/crosstab"]["get"]["parameters"]}
    from barometer.params import PARAMETER_TABLE

    assert set(crosstab_params) == {p.name for p in PARAMETER_TABLE.in_view("crosstab")} | {"format"}
    trend_params = {p["name"] for p in doc["paths"]["/api/v1/trend"]["get"]["parameters"]}
    assert "category" in trend_params and "pool" not in trend_params
    compare_params = {p["name"] for p in doc["paths"]["/api/v1/compare"]["get"]["parameters"]}
    assert {"pool", "year"} <= compare_params and "by" not in compare_params
    assert crosstab_params["indicator"]["schema"]["enum"] == [i.id for i in
                                                              dataset.codebook.indicators]


def test_docs_page_is_self_contained_html_from_the_document(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for path in ("/api/v1/indicators", "/api/v1/crosstab", "/api/v1/frequencies", "/api/v1/trend",
                 "/api/v1/compare"):
        assert path in page
    assert "problem-invalid-parameter" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page


# -- caching -------------------------------------------------------------------------------------


def test_results_are_served_from_cache_by_normalised_parameters(client, monkeypatch):
    params = dict(indicator="trust_eu", by="education", country="RS", year="2024")
    first = get(client, "/api/v1/crosstab", **params)
    assert first.status_code == 200

    def fail(*args, **kwargs):
        raise AssertionError("computed again instead of served from the cache")

    monkeypatch.setattr(api, "crosstab", fail)
    # the same query spelled differently (case, order, explicit defaults) is the same entry
    again = client.get("/api/v1/crosstab?year=2024&country=rs&by=education&indicator=trust_eu"
                       "&weighted=1&percent=column&missing=hide")
    assert again.status_code == 200
    assert again.get_data() == first.get_data()
    other = get(client, "/api/v1/crosstab", **{**params, "year": "2023"})
    assert other.status_code == 500  # not cached: the patched compute ran
    assert other.mimetype == "application/problem+json"
    assert "AssertionError" not in other.get_data(as_text=True)


def test_cache_key_changes_with_data_version():
    from barometer.params import PARAMETER_TABLE, ViewParams

    params = PARAMETER_TABLE.echo(ViewParams(indicator="trust_eu"), "crosstab")
    assert api.cache_key("v1", "crosstab", "json", params) != api.cache_key("v2", "crosstab",
                                                                            "json", params)
    assert api.cache_key("v1", "crosstab", "json", params) != api.cache_key("v1", "crosstab",
                                                                            "csv", params)


def test_json_is_strict_json(client):
    body = get(client, "/api/v1/crosstab", **SUPPRESSED_REGION).get_data(as_text=True)
    json.loads(body, parse_constant=lambda name: pytest.fail(f"non-JSON constant {name}"))


def test_combined_groups_over_the_api_are_the_sums_of_their_parts(client, dataset):
    """`combine` in a hand-typed query string (`60+`: a `+` there reads as a space) gives groups
    whose counts are the sums of the categories they combine; labels are the group names."""
    query = ("indicator=trust_police&by=age_group&country=XK&year=2024&format=csv"
             "&combine=age_group.young:18-29,30-44&combine=age_group.older:45-59,60+")
    grouped_rows = csv_frame(client.get(f"/api/v1/crosstab?{query}").get_data(as_text=True))
    plain = crosstab(dataset, Query("trust_police", by="age_group", countries=("XK",),
                                    years=(2024,))).table
    assert set(grouped_rows["by"]) == {"young", "older"}
    for group, members in (("young", ["18-29", "30-44"]), ("older", ["45-59", "60+"])):
        rows = grouped_rows[(grouped_rows["by"] == group)].set_index("category_code")
        parts = plain[plain["by"].isin(members)].groupby("category")
        assert rows["n"].astype(int).to_dict() == parts["n"].sum().astype(int).to_dict()
        assert rows["weighted"].astype(float).to_dict() == pytest.approx(parts["weighted"].sum().to_dict())
    bad = client.get("/api/v1/crosstab?indicator=trust_police&combine=age_group.x:18-29,99")
    assert bad.status_code == 400
    assert "99" in bad.get_json()["detail"] and "combine" in bad.get_json()["detail"]

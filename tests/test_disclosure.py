"""Disclosure control: a figure of fewer than the minimum base is neither shown nor derivable
from what is shown, on any surface. The attacker test plays the other side: over many views it
tries every derivation the rules name on the published numbers (the API's JSON), and fails if a
hidden value comes out equal to the truth (computed here with disclosure off)."""

from __future__ import annotations

import io
from itertools import combinations

import numpy as np
import pytest
from openpyxl import load_workbook

from barometer.present.downloads import csv_bytes, xlsx_bytes
from barometer.present.figures import crosstab_figure
from barometer.present.tables import display_tables
from barometer.stats import Query, QueryError, crosstab
from barometer.stats.disclosure import TooFewRespondents, hidden_columns

FIGURES = ("n", "weighted", "percent", "se", "ci_low", "ci_high", "base_n", "base_weighted",
           "eff_base")
REGION_VIEW = Query("trust_police", by="region", countries=("AL",), years=(2024,))


# -- the rules, on hand-made bases ------------------------------------------------------------


@pytest.mark.parametrize(
    ("bases", "population", "small", "complementary", "withheld"),
    [
        # one small column: the smallest other one is hidden with it
        ([[25, 40, 300]], [365], [[True, False, False]], [[False, True, False]], [False]),
        # two small columns protect each other
        ([[25, 12, 300]], [337], [[True, True, False]], [[False, False, False]], [False]),
        # empty columns are neither counted nor hidden (they are left out of tables)
        ([[0, 25, 60, 90]], [175], [[False, True, False, False]],
         [[False, False, True, False]], [False]),
        # a group whose whole population is under 30 is withheld, not shown as blanks
        ([[10, 15], [200, 300]], [25, 500], [[False, False], [False, False]],
         [[False, False], [False, False]], [True, False]),
        # a lonely small column with no other column to hide stays alone
        ([[25]], [60], [[True]], [[False]], [False]),
    ],
)
def test_hidden_columns(bases, population, small, complementary, withheld):
    columns = hidden_columns(np.array(bases, dtype=float), np.array(population, dtype=float), 30)
    assert columns.small.tolist() == small
    assert columns.complementary.tolist() == complementary
    assert columns.withheld.tolist() == withheld


def test_a_pooled_column_pooling_a_hidden_country_column_is_hidden():
    columns = hidden_columns(np.array([[400.0, 500.0, 600.0]]), np.array([1500.0]), 30,
                             pooled_from=np.array([[False, True, False]]))
    assert columns.small.tolist() == [[False, True, False]]
    assert columns.complementary.tolist() == [[True, False, False]]


# -- every surface ------------------------------------------------------------------------------


def test_a_hidden_group_publishes_no_figure_on_any_surface(dataset):
    result = crosstab(dataset, REGION_VIEW)
    truth = crosstab(dataset, Query(**{**REGION_VIEW.__dict__, "disclosure": False})).table
    hidden = result.table[result.table["suppressed"]]
    assert set(hidden["by"]) == {"al_gjirokaster", "al_kukes"}
    assert hidden[list(FIGURES)].isna().all().all()
    assert result.tests.empty and (result.table["sig"] == "").all()
    secret = truth[truth["by"].isin(hidden["by"])]
    # the page's table
    sections = display_tables(result, dataset.codebook, "en")
    assert sections[0].groups_as_rows  # twelve regions: one row each
    row = next(r for r in sections[0].rows if r.label.startswith("Gjirokastër"))
    texts = [cell.text for cell in row.cells]
    assert set(texts[:-1]) == {"not shown"} and texts[-1] == "under 30"
    # the chart: no bar, no figure in the hover
    figure = crosstab_figure(result, dataset.codebook, "en")
    for trace in figure["data"]:
        for x, y, hover in zip(trace["x"][1] if isinstance(trace["x"][0], list) else trace["x"],
                               trace["y"], trace["hovertext"], strict=True):
            if x in ("Gjirokastër", "Kukës"):
                assert y is None and "%" not in hover
    # the downloads
    csv_text = csv_bytes(result, dataset.codebook, "en", dataset.version).decode()
    rows = [line.split(",") for line in csv_text.splitlines() if not line.startswith("#")]
    header = rows[0]
    for row in rows[1:]:
        record = dict(zip(header, row, strict=False))
        if record["flag"] in ("suppressed", "withheld"):
            assert all(record[name] == "" for name in FIGURES), record
    book = load_workbook(io.BytesIO(xlsx_bytes(result, dataset.codebook, "en", dataset.version)))
    numbers = {round(v, 6) for r in book.active.iter_rows(values_only=True) for v in r
               if isinstance(v, float)}
    for value in secret["percent"].dropna():
        assert round(float(value), 6) not in numbers


def test_a_local_run_may_show_everything(dataset):
    full = crosstab(dataset, Query(**{**REGION_VIEW.__dict__, "disclosure": False}))
    assert not full.table["suppressed"].any() and full.table["percent"].notna().all()
    assert not full.protection.applied


def test_a_view_of_too_few_people_is_refused_and_partly_small_views_drop_groups(dataset):
    with pytest.raises(TooFewRespondents) as info:
        crosstab(dataset, Query("trust_police", countries=("AL",), years=(2025,),
                                filters=(("region", ("al_gjirokaster",)),)))
    assert isinstance(info.value, QueryError) and info.value.param == "filter"
    # Gjirokastër is small in some years and not in others: only the small ones are withheld
    result = crosstab(dataset, Query("trust_police", countries=("AL",),
                                     filters=(("region", ("al_gjirokaster",)),)))
    shown = set(result.table["year"])
    withheld = {y for _, y in result.protection.withheld}
    assert withheld and shown and not (withheld & shown)
    truth = crosstab(dataset, Query("trust_police", countries=("AL",), disclosure=False,
                                    filters=(("region", ("al_gjirokaster",)),))).table
    bases = truth.groupby("year")["base_n"].max()
    assert withheld == {int(y) for y, n in bases.items() if n < 30}


# -- the attacker ---------------------------------------------------------------------------------


def views(dataset) -> list[dict]:
    """Every breakdown x country x year for three kinds of question, and single filters."""
    codebook = dataset.codebook
    breakdowns = [i.id for i in codebook.indicators if i.demographic
                  and (i.type in ("single", "ordinal") or i.bins)]
    out = []
    for indicator in ("trust_police", "security_threats", "safe_neighbourhood"):
        for by in breakdowns:
            for country in codebook.countries:
                for year in (2021, 2022, 2023, 2024, 2025):
                    out.append({"indicator": indicator, "by": by, "country": country,
                                "year": str(year)})
    for filter_by in breakdowns:
        for category in codebook.categories_of(filter_by):
            for country in codebook.countries:
                out.append({"indicator": "trust_police", "by": "region", "country": country,
                            "year": "2024", "filter": f"{filter_by}:{category.code}"})
    return out


def published(client, view: dict) -> dict | None:
    response = client.get("/api/v1/crosstab", query_string=view)
    if response.status_code == 400 and "too-few-respondents" in response.get_json()["type"]:
        return None
    assert response.status_code == 200, (view, response.get_json())
    return response.get_json()


def truth_of(dataset, view: dict):
    filters = ()
    if "filter" in view:
        name, codes = view["filter"].split(":")
        filters = ((name, tuple(codes.split(","))),)
    return crosstab(dataset, Query(view["indicator"], by=view["by"], countries=(view["country"],),
                                   years=(int(view["year"]),), filters=filters,
                                   disclosure=False)).table


def test_no_hidden_figure_can_be_worked_out(dataset, client):
    tried = hidden_cells = recovered = 0
    leaks = []
    for view in views(dataset):
        doc = published(client, view)
        if doc is None:
            continue
        tried += 1
        rows = doc["rows"]
        hidden = [r for r in rows if r["suppressed"]]
        if not hidden:
            continue
        hidden_cells += len(hidden)
        truth = truth_of(dataset, view)
        true_n = {(r.by, r.category): int(r.n) for r in truth.itertuples()}
        true_base = {r.by: int(r.base_n) for r in truth.itertuples()}
        nets = {net.code: net.categories for net in dataset.codebook.indicator(
            view["indicator"]).nets} if doc["kind"] == "categorical" else {}
        for name, candidate, key in derivations(client, view, doc, nets):
            actual = true_base.get(key[0]) if key[1] is None else true_n.get(key)
            if candidate is not None and actual is not None and candidate == actual:
                recovered += 1
                leaks.append((view, name, key, candidate))
    print(f"\nattacker: {tried} views, {hidden_cells} hidden cells, {recovered} values recovered")
    assert tried > 300 and hidden_cells > 100
    assert leaks == [], leaks[:5]


def derivations(client, view: dict, doc: dict, nets: dict):
    """(name, derived value, (group, category or None for the base)) for every way the rules
    name of working a hidden figure out from published ones; `nets` maps a net to the answers it
    adds up (single-choice questions only)."""
    rows = doc["rows"]
    by_column: dict[str, list[dict]] = {}
    for r in rows:
        by_column.setdefault(r["by"], []).append(r)
    answers = [r for r in rows if not r["is_net"]]
    # 1. group base minus the other answers (a column whose base is published)
    for column, cells in by_column.items():
        base = cells[0]["base_n"]
        unknown = [c for c in cells if not c["is_net"] and c["n"] is None]
        if base is not None and len(unknown) == 1:
            known = sum(c["n"] for c in cells if not c["is_net"] and c["n"] is not None)
            yield "base minus answers", base - known, (column, unknown[0]["category"])
    # 2. a net minus its other parts
    for column, cells in by_column.items():
        for net, members in nets.items():
            net_cell = next((c for c in cells if c["category"] == net), None)
            if net_cell is None or net_cell["n"] is None:
                continue
            parts = [c for c in cells if not c["is_net"] and c["category"] in members]
            unknown = [c for c in parts if c["n"] is None]
            if len(unknown) == 1:
                known = sum(c["n"] for c in parts if c["n"] is not None)
                yield "net minus parts", net_cell["n"] - known, (column, unknown[0]["category"])
    # 3. the row total (the same view without the breakdown) minus the other groups
    totals = client.get("/api/v1/frequencies", query_string={
        k: v for k, v in view.items() if k != "by"}).get_json()
    if totals.get("rows"):
        total_n = {r["category"]: r["n"] for r in totals["rows"]}
        base_total = totals["rows"][0]["base_n"]
        for category in {r["category"] for r in answers}:
            cells = [r for r in answers if r["category"] == category]
            unknown = [c for c in cells if c["n"] is None]
            if len(unknown) == 1 and total_n.get(category) is not None:
                known = sum(c["n"] for c in cells if c["n"] is not None)
                yield "row total minus groups", total_n[category] - known, (unknown[0]["by"],
                                                                           category)
        hidden_bases = [c for c, cells in by_column.items() if cells[0]["base_n"] is None]
        if len(hidden_bases) == 1 and base_total is not None:
            known = sum(cells[0]["base_n"] for cells in by_column.values()
                        if cells[0]["base_n"] is not None)
            yield "base total minus groups", base_total - known, (hidden_bases[0], None)
    # 4. a pooled figure minus the other countries (unweighted counts add up)
    for others in combinations([c for c in ("AL", "XK", "RS") if c != view["country"]], 1):
        countries = (view["country"], *others)
        pooled = client.get("/api/v1/crosstab", query_string={
            **view, "country": ",".join(countries), "pool": "equal"}).get_json()
        separate = client.get("/api/v1/crosstab", query_string={
            **view, "country": ",".join(countries)}).get_json()
        if not pooled.get("rows") or not separate.get("rows"):
            continue
        pooled_n = {(r["by"], r["category"]): r["n"] for r in pooled["rows"]}
        mine = {(r["by"], r["category"]): r["n"] for r in separate["rows"]
                if r["country"] == view["country"]}
        theirs = {}
        for r in separate["rows"]:
            if r["country"] != view["country"]:
                theirs.setdefault((r["by"], r["category"]), []).append(r["n"])
        for key, n in mine.items():
            values = theirs.get(key, [])
            if n is None and pooled_n.get(key) is not None and None not in values:
                yield "pooled minus countries", pooled_n[key] - sum(values), key


def test_a_withheld_country_cannot_be_worked_out_from_a_pooled_figure(dataset, client):
    """Filtered to small regions, a country is withheld in the per-country view; the pooled
    figure (its count minus the other country's) must not give it away."""
    regions = {c.code for c in dataset.codebook.categories_of("region")}
    tried = withheld_seen = recovered = 0
    for al_region in sorted(r for r in regions if r.startswith("al_")):
        for year in (2021, 2022, 2023, 2024, 2025):
            view = {"indicator": "trust_police", "country": "AL,XK", "year": str(year),
                    "filter": f"region:{al_region},xk_prizren"}
            separate = client.get("/api/v1/crosstab", query_string=view).get_json()
            pooled = client.get("/api/v1/crosstab",
                                query_string={**view, "pool": "equal"}).get_json()
            if "rows" not in separate or "rows" not in pooled:
                continue
            tried += 1
            if not any(c == "AL" for c, _ in
                       {(w["country"], w["year"]) for w in
                        separate["protection"]["withheld_country_years"]}):
                continue
            withheld_seen += 1
            truth = crosstab(dataset, Query("trust_police", countries=("AL",), years=(year,),
                                            filters=(("region", (al_region, "xk_prizren")),),
                                            disclosure=False)).table
            true_n = dict(zip(truth["category"], truth["n"], strict=True))
            xk = {r["category"]: r["n"] for r in separate["rows"] if r["country"] == "XK"}
            for row in pooled["rows"]:
                if row["n"] is not None and xk.get(row["category"]) is not None:
                    recovered += row["n"] - xk[row["category"]] == true_n.get(row["category"])
    print(f"\npooled attacker: {tried} views, {withheld_seen} with a withheld country, "
          f"{recovered} values recovered")
    assert withheld_seen > 0 and recovered == 0

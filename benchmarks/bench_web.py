"""Server time of the Explore update callback, beside a naive implementation of the same work.

Posts the real `/_dash-update-component` request of Explore's main callback (through Flask's test
client, so network time is excluded) for many different (indicator, breakdown) views, each seen
for the first time (no result cache help), and reports the median. The naive baseline does the
same view with `pandas.crosstab` + `plotly.express` on the same frame, in the same run.
Last line: one JSON object.
"""

from __future__ import annotations

import itertools
import json
import statistics
import time

import pandas as pd
import plotly.express as px

from barometer.ingest import load_dataset
from barometer.web import ids
from barometer.web.app import create_app
from barometer.web.ids import EXPLORE_URL as PAGE_URL


def callback_payload(app, indicator: str, by: str, year: str) -> tuple[str, dict]:
    key = next(k for k in app.callback_map if k.startswith(f"..{PAGE_URL}.search"))
    spec = app.callback_map[key]
    values = {ids.INDICATOR: indicator, ids.COUNTRY: [], ids.YEAR: [year], ids.BY: by,
              ids.WEIGHTED: True, ids.PERCENT: "column", ids.MISSING: False, ids.CHART_TYPE: "bars"}
    inputs = []
    for item in spec["inputs"]:
        if isinstance(item["id"], str) and item["id"].startswith("{"):
            inputs.append([])  # pattern-matching filter rows: none
        elif item["id"] == PAGE_URL:
            inputs.append({"id": PAGE_URL, "property": "search", "value": "?"})
        else:
            inputs.append({"id": item["id"], "property": item["property"], "value": values[item["id"]]})
    state = [{"id": ids.LANG_STORE, "property": "data", "value": "en"}]
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]}
               for o in key.strip(".").split("...")]
    body = {"output": key, "outputs": outputs, "inputs": inputs, "state": state,
            "changedPropIds": [f"{ids.BY}.value"]}
    return key, body


def naive_view(frame: pd.DataFrame, indicator: str, by: str, year: int) -> None:
    part = frame[frame["year"] == year]
    table = pd.crosstab(part[indicator], [part["country"], part[by]], values=part["weight"],
                        aggfunc="sum", normalize="columns")
    long = table.stack(list(range(table.columns.nlevels))).rename("percent").reset_index()
    fig = px.bar(long, x=by, y="percent", color=indicator, facet_col="country", barmode="group")
    fig.to_plotly_json()
    table.to_html()


def main() -> None:
    dataset = load_dataset()
    app = create_app(dataset)
    client = app.server.test_client()
    client.get("/")
    codebook = dataset.codebook
    indicators = [i.id for i in codebook.indicators if not i.demographic and i.type in ("single", "ordinal")]
    breakdowns = [i.id for i in codebook.indicators if i.demographic and i.type in ("single", "ordinal")]
    years = sorted(int(y) for y in dataset.frame["year"].unique())
    combos = list(itertools.islice(itertools.product(indicators, breakdowns, years[-2:]), 120))

    ours, naive = [], []
    for indicator, by, year in combos:
        _key, body = callback_payload(app, indicator, by, str(year))
        start = time.perf_counter()
        response = client.post("/_dash-update-component", json=body)
        ours.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        start = time.perf_counter()
        naive_view(dataset.frame, indicator, by, year)
        naive.append((time.perf_counter() - start) * 1000)
    warm = []
    for indicator, by, year in combos[:30]:
        _key, body = callback_payload(app, indicator, by, str(year))
        start = time.perf_counter()
        client.post("/_dash-update-component", json=body)
        warm.append((time.perf_counter() - start) * 1000)
    figures = {
        "views": len(combos),
        "callback_cold_median_ms": round(statistics.median(ours), 2),
        "callback_cold_p95_ms": round(sorted(ours)[int(0.95 * len(ours))], 2),
        "callback_warm_median_ms": round(statistics.median(warm), 2),
        "naive_median_ms": round(statistics.median(naive), 2),
        "speedup_vs_naive": round(statistics.median(naive) / statistics.median(ours), 2),
    }
    print(f"Explore callback, {len(combos)} distinct views at demo size ({len(dataset):,} respondents)")
    print(f"  ours (cold)  median {figures['callback_cold_median_ms']} ms, p95 {figures['callback_cold_p95_ms']} ms")
    print(f"  ours (warm)  median {figures['callback_warm_median_ms']} ms")
    print(f"  naive        median {figures['naive_median_ms']} ms (pandas.crosstab + plotly.express)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

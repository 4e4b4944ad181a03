"""Threaded workers share the dataset's caches: one gunicorn worker with 8 threads, 16 clients,
a few hundred distinct views (enough to evict the bounded caches over and over) for 30 seconds.
No request may fail, and every answer must equal the same query answered alone."""

from __future__ import annotations

import random
import threading
import time
from itertools import product
from urllib.parse import urlencode

import httpx
import pytest
from conftest import barometer_serve

from barometer.ingest import load_dataset
from barometer.web.app import create_app

pytestmark = pytest.mark.slow
SECONDS = 30
CLIENTS = 16


def distinct_views(dataset, count: int = 300) -> list[str]:
    """Crosstabs (API JSON, and CSV downloads, which are computed on every request) over many
    indicators, breakdowns, countries, years and a filter."""
    codebook = dataset.codebook
    questions = [i.id for i in codebook.indicators if not i.demographic and i.type != "numeric"]
    breakdowns = ["gender", "age_group", "education", "settlement", "region", "ethnicity",
                  "employment", "income"]
    combos = list(product(questions, breakdowns, ("AL", "XK", "RS", "AL,RS"), (2023, 2025)))
    random.Random(7).shuffle(combos)
    views = []
    for i, (question, by, country, year) in enumerate(combos[:count]):
        query = {"indicator": question, "by": by, "country": country, "year": year}
        if i % 3 == 0:
            query["filter"] = "gender:female"
        path = "/api/v1/crosstab?" if i % 2 else "/download/table.csv?"
        views.append(path + urlencode(query, safe=",:"))
    return views


def test_threaded_worker_under_load_answers_every_view_as_alone():
    dataset = load_dataset()
    views = distinct_views(dataset)
    alone = create_app(dataset).server.test_client()
    expected: dict[str, bytes] = {}

    def answer_alone(base: str) -> None:
        """Every view answered once, by an app of its own (downloads name the server they came
        from in their link, so as if from the same address)."""
        for view in views:
            response = alone.get(view, base_url=base)
            assert response.status_code == 200, view
            expected[view] = response.get_data()

    counts = {"requests": 0, "errors": 0, "mismatches": 0}
    problems: list[str] = []
    lock = threading.Lock()

    def client(seed: int, base: str, stop: float) -> None:
        order = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60) as http:
            while time.monotonic() < stop:
                view = order.choice(views)
                try:
                    response = http.get(view)
                    status, body = response.status_code, response.content
                except httpx.HTTPError as exc:
                    status, body = 0, str(exc).encode()
                with lock:
                    counts["requests"] += 1
                    if status != 200:
                        counts["errors"] += 1
                        problems.append(f"{status} {view}")
                    elif body != expected[view]:
                        counts["mismatches"] += 1
                        problems.append(f"differs: {view}")

    with barometer_serve("--workers", "1", "--threads", "8") as base:
        answer_alone(base)
        stop = time.monotonic() + SECONDS
        threads = [threading.Thread(target=client, args=(i, base, stop)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(f"\nstress: {counts['requests']} requests over {len(views)} views in {SECONDS} s, "
          f"{CLIENTS} clients: {counts['errors']} errors, {counts['mismatches']} mismatches")
    assert counts["requests"] > len(views)
    assert problems == [], problems[:10]

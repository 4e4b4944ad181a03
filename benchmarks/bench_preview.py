"""Link-preview images over HTTP from `barometer serve`: the first preview of the worker
(matplotlib was imported by the master before it forked), a preview never drawn before (cold: the view computed and
drawn), the same preview again (cached) and a conditional request (304).

Targets (issue 11): cold ≤ 1 s, cached ≤ 20 ms (medians). Last line: JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import barometer_serve  # noqa: E402

INDICATORS = ("trust_police", "trust_courts", "trust_eu", "safe_neighbourhood",
              "corruption_police", "eu_referendum")
VIEWS = [f"/preview.png?indicator={ind}&by=gender&country={country}&year=2024"
         for ind in INDICATORS for country in ("AL", "XK")]
VIEWS += [f"/preview.png?indicator={ind}&page=trends" for ind in INDICATORS[:3]]
VIEWS += [f"/preview.png?indicator={ind}&page=compare" for ind in INDICATORS[:3]]
REPEATS = 10


def timed(client: httpx.Client, url: str, **headers) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    return time.perf_counter() - started, response


def main() -> None:
    with barometer_serve("--workers", "1", "--threads", "4") as base, \
            httpx.Client(base_url=base, timeout=60) as client:
        first, response = timed(client, "/preview.png?indicator=trust_police&lang=sq")
        assert response.status_code == 200, response.text[:200]
        cold, cached, revalidated, sizes, fallbacks = [], [], [], [], 0
        for url in VIEWS:
            seconds, response = timed(client, url + "&lang=en")
            assert response.status_code == 200 and response.headers["content-type"] == "image/png"
            fallbacks += response.headers["etag"].endswith('-fallback"')
            cold.append(seconds)
            sizes.append(len(response.content))
            time.sleep(0.05)  # the drawing thread stores the image right after answering
            for _ in range(REPEATS):
                seconds, again = timed(client, url + "&lang=en")
                cached.append(seconds)
                assert again.content == response.content or fallbacks
            seconds, conditional = timed(client, url + "&lang=en",
                                         **{"If-None-Match": response.headers["etag"]})
            assert conditional.status_code == 304
            revalidated.append(seconds)
    figures = {"first_in_process_s": round(first, 3),
               "cold_median_s": round(statistics.median(cold), 3),
               "cold_max_s": round(max(cold), 3),
               "cached_median_ms": round(1000 * statistics.median(cached), 2),
               "conditional_304_median_ms": round(1000 * statistics.median(revalidated), 2),
               "png_median_kb": round(statistics.median(sizes) / 1e3, 1),
               "views": len(VIEWS), "fallback_cards": fallbacks}
    print(f"first preview of the worker: {figures['first_in_process_s']} s")
    print(f"cold (never drawn) preview, median of {len(VIEWS)}: {figures['cold_median_s']} s "
          f"(max {figures['cold_max_s']} s; target <= 1 s)")
    print(f"cached preview, median of {len(cached)}: {figures['cached_median_ms']} ms "
          "(target <= 20 ms)")
    print(f"conditional request (304), median: {figures['conditional_304_median_ms']} ms")
    print(f"PNG size, median: {figures['png_median_kb']} KB; fallback cards: {fallbacks}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

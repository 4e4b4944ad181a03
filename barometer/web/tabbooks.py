"""Tab books on the web: the request a visitor makes, the key of its finished files, where the
files are kept, and the job that makes them (run by the Tab book page's background callback).

A request's key is a hash of what it asks (the parameter table's echo) and the data version, so
a second identical request finds the finished files and no job runs. Files are kept in Redis
when `BAROMETER_CACHE_URL` names one (every worker and machine sees them), else on disk under
the data cache; both forget them after `KEEP_SECONDS`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from barometer.paths import cache_dir
from barometer.present.tabbook import choice_text, tabbook_csv, tabbook_xlsx
from barometer.stats.groups import grouped
from barometer.stats.tabbook import tabbook, tabbook_questions

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}
KEY = re.compile(r"^[0-9a-f]{32}$")
KEEP_SECONDS = 24 * 3600
CACHE_URL_ENV = "BAROMETER_CACHE_URL"


@dataclass(frozen=True)
class TabbookRequest:
    """What a visitor asks for: a topic or questions, a banner, and the view parameters (a
    parsed query string: countries, years, filters, weighting, groups, language)."""

    topic: str | None
    indicators: tuple[str, ...]
    params: object  # ViewParams

    def key(self, table, data_version: str) -> str:
        """The files' key: the request as the parameter table echoes it, and the data."""
        echo = table.echo(self.params, "crosstab")
        echo.pop("indicator", None)
        echo.pop("category", None)
        text = json.dumps({"topic": self.topic, "indicators": list(self.indicators),
                           "query": echo, "data": data_version}, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class DiskStore:
    """Finished tab books as files under a folder (written whole, then renamed into place)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, key: str, fmt: str) -> bytes | None:
        path = self.folder / f"{key}.{fmt}"
        if not path.exists() or time.time() - path.stat().st_mtime > KEEP_SECONDS:
            return None
        return path.read_bytes()

    def put(self, key: str, fmt: str, body: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{key}.{fmt}.{os.getpid()}.part"
        partial.write_bytes(body)
        partial.replace(self.folder / f"{key}.{fmt}")


class RedisStore:
    """Finished tab books in Redis (shared by every worker and machine), kept `KEEP_SECONDS`."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)

    def get(self, key: str, fmt: str) -> bytes | None:
        return self.client.get(f"barometer:tabbook:{key}.{fmt}")

    def put(self, key: str, fmt: str, body: bytes) -> None:
        self.client.set(f"barometer:tabbook:{key}.{fmt}", body, ex=KEEP_SECONDS)


def file_store() -> DiskStore | RedisStore:
    url = os.environ.get(CACHE_URL_ENV, "").strip()
    return RedisStore(url) if url else DiskStore(cache_dir() / "tabbooks")


def finished(store, key: str) -> bool:
    return all(store.get(key, fmt) is not None for fmt in FORMATS)


def build_files(app_ctx, request: TabbookRequest, store,
                progress: Callable[[int, int], None] | None = None) -> str:
    """Compute the tab book and keep its XLSX and CSV under its key (unless they are kept
    already); returns the key. Raises QueryError for a request the data cannot answer."""
    key = request.key(app_ctx.params, app_ctx.dataset.version)
    if finished(store, key):
        if progress is not None:
            progress(1, 1)
        return key
    params = request.params
    banner = tuple(params.by.split(","))
    questions = tabbook_questions(app_ctx.codebook, topic=request.topic,
                                  indicators=request.indicators, breakdowns=banner)
    query = params.query(by=None, indicator=questions[0])
    dataset = grouped(app_ctx.dataset, query)
    entries = list(tabbook(dataset, query, questions, banner, progress))
    choice = choice_text(app_ctx.codebook, query, params.lang)
    version = app_ctx.dataset.version
    store.put(key, "xlsx", tabbook_xlsx(entries, dataset.codebook, params.lang, version, choice))
    store.put(key, "csv", tabbook_csv(entries, dataset.codebook, params.lang, version, choice))
    return key


def request_from(app_ctx, *, topic: str | None, indicators: Sequence[str] | None,
                 by: Sequence[str] | None, countries: Sequence[str] | None,
                 years: Sequence | None, weighted: bool, lang: str,
                 filters: Sequence[tuple[str, Sequence[str]]] = ()) -> TabbookRequest:
    """A request from the page's controls, read through the parameter table like a link (a bad
    value is dropped with a notice, as in a link)."""
    from barometer.stats.tabbook import tabbook_questions as questions_of

    banner = [b for b in (by or []) if b]
    first = questions_of(app_ctx.codebook, topic=topic or None,
                         indicators=tuple(indicators or ()), breakdowns=banner)[0]
    raw = {"indicator": [first], "by": [",".join(banner)] if banner else [],
           "country": [",".join(countries)] if countries else [],
           "year": [",".join(str(y) for y in years)] if years else [],
           "weighted": ["1" if weighted else "0"], "lang": [lang],
           "filter": [f"{name}:{','.join(codes)}" for name, codes in filters if name and codes]}
    params = app_ctx.params.parse(raw, app_ctx.codebook, app_ctx.years, view="crosstab")
    return TabbookRequest(topic or None, tuple(indicators or ()), params)


def download_name(request: TabbookRequest, fmt: str) -> str:
    """barometer-tabbook-trust-by-gender-age_group.xlsx"""
    what = request.topic or ("-".join(request.indicators[:3]) if request.indicators else "all")
    return f"barometer-tabbook-{what}-by-{request.params.by.replace(',', '-')}.{fmt}"[:120]

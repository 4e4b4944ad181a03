"""`load_dataset`: the harmonised dataset, cached as Parquet beside the codebook.

Layout of `<codebook folder>/cache/`:
- `current.json`: {"key", "dir"} pointing at the complete build in use;
- `v-<key>/dataset.parquet` and `v-<key>/meta.json` (key, version, file hashes, ingest report).

The key hashes the ingest format version, the codebook's bytes and every source file's bytes, so
any change rebuilds. A build is written to a temporary folder, renamed into place, and only then
is `current.json` replaced (os.replace): a failed or interrupted ingest leaves the old cache as it
was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from barometer.codebook import Codebook, load_codebook
from barometer.dataset import Dataset
from barometer.geo import Boundaries, load_linked_boundaries
from barometer.ingest.build import build_dataset
from barometer.ingest.errors import StrictIngestError
from barometer.ingest.hashing import INGEST_FORMAT_VERSION, sha256_file, source_hashes
from barometer.ingest.report import IngestReport

CACHE_FOLDER = "cache"
POINTER = "current.json"
TABLE = "dataset.parquet"
META = "meta.json"


def input_hashes(codebook_path: Path, codebook: Codebook) -> dict[str, Any]:
    """Content hashes of the codebook file and of every source file (None when unreadable)."""
    return {
        "ingest_format": INGEST_FORMAT_VERSION,
        "codebook": sha256_file(codebook_path),
        "sources": source_hashes(codebook, codebook_path.parent),
    }


def cache_key(hashes: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


def cache_location(codebook_path: Path) -> Path:
    return Path(codebook_path).resolve().parent / CACHE_FOLDER


def load_dataset(
    codebook_path: Path | None = None,
    *,
    strict: bool = False,
    rebuild: bool = False,
    progress: bool = False,
) -> Dataset:
    """The dataset of `codebook_path` (default: `barometer.paths.default_codebook()`), from the
    cache when the codebook and every source are unchanged, else rebuilt and cached.

    `Dataset.version` is a short content hash; `Dataset.info` holds the ingest report
    (`info["report"]`), `info["from_cache"]`, `info["cache"]` and `info["build_seconds"]`.
    """
    if codebook_path is None:
        from barometer.paths import default_codebook

        codebook_path = default_codebook()
    codebook_path = Path(codebook_path).resolve()
    codebook = load_codebook(codebook_path)
    boundaries = load_linked_boundaries(codebook, codebook_path.parent, str(codebook_path))
    hashes = input_hashes(codebook_path, codebook)
    key = cache_key(hashes)
    folder = cache_location(codebook_path)
    if not rebuild:
        cached = _read_cache(folder, key, codebook, boundaries)
        if cached is not None:
            report = IngestReport.from_dict(cached.info["report"])
            if strict and report.errors:
                raise StrictIngestError(report.errors)
            return cached
    started = time.perf_counter()
    dataset, report = build_dataset(codebook, codebook_path.parent, strict=strict, progress=progress,
                                    boundaries=boundaries)
    seconds = time.perf_counter() - started
    meta = {
        "key": key,
        "version": dataset.version,
        "inputs": hashes,
        "codebook_path": str(codebook_path),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 3),
        "rows": len(dataset.frame),
        "report": report.to_dict(),
    }
    _write_cache(folder, key, dataset.frame, meta)
    return _dataset(codebook, dataset.frame, meta, folder, from_cache=False, boundaries=boundaries)


def _dataset(codebook: Codebook, frame: pd.DataFrame, meta: dict[str, Any], folder: Path, *,
             from_cache: bool, boundaries: Mapping[str, Boundaries]) -> Dataset:
    info = {
        "report": meta["report"],
        "version": meta["version"],
        "built_at": meta["built_at"],
        "build_seconds": meta["build_seconds"],
        "cache": str(folder),
        "from_cache": from_cache,
        "ingest_format": INGEST_FORMAT_VERSION,
    }
    return Dataset(codebook=codebook, frame=frame, version=meta["version"], info=info,
                   boundaries=boundaries)


def _read_cache(folder: Path, key: str, codebook: Codebook,
                boundaries: Mapping[str, Boundaries]) -> Dataset | None:
    try:
        pointer = json.loads((folder / POINTER).read_text(encoding="utf-8"))
        if pointer.get("key") != key:
            return None
        build = folder / pointer["dir"]
        meta = json.loads((build / META).read_text(encoding="utf-8"))
        if meta.get("key") != key:
            return None
        frame = pd.read_parquet(build / TABLE)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no cache, or an unusable one: rebuild
    frame = _restore_categories(codebook, frame)
    if frame is None:
        return None
    return _dataset(codebook, frame, meta, folder, from_cache=True, boundaries=boundaries)


def _restore_categories(codebook: Codebook, frame: pd.DataFrame) -> pd.DataFrame | None:
    """Re-impose codebook category order (Parquet keeps it, but a stale table must not pass)."""
    expected = {"country": list(codebook.countries), "source": [s.id for s in codebook.sources]}
    for ind in codebook.indicators:
        if ind.type in ("single", "ordinal"):
            expected[ind.id] = [c.code for c in codebook.categories_of(ind)]
    for name, cats in expected.items():
        column = frame.get(name)
        if column is None or not isinstance(column.dtype, pd.CategoricalDtype):
            return None
        if list(column.cat.categories) != cats:
            return None
    return frame


def _write_cache(folder: Path, key: str, frame: pd.DataFrame, meta: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"v-{key[:16]}"
    final = folder / name
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=folder))
    try:
        frame.to_parquet(tmp / TABLE, index=False)
        (tmp / META).write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer_tmp = folder / f".{POINTER}.{os.getpid()}.tmp"
    pointer_tmp.write_text(json.dumps({"key": key, "dir": name}), encoding="utf-8")
    os.replace(pointer_tmp, folder / POINTER)
    for old in folder.glob("v-*"):
        if old.name != name:
            with contextlib.suppress(OSError):
                shutil.rmtree(old)

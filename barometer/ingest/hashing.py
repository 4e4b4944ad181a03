"""Content hashes: of files (cache keys) and of a codebook plus its sources (dataset versions)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from barometer.codebook import Codebook

INGEST_FORMAT_VERSION = 2
"""Bump when the harmonised table's layout or meaning changes: old caches then rebuild."""


def sha256_file(path: Path) -> str | None:
    """Hex SHA-256 of a file's bytes, None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def source_hashes(codebook: Codebook, base_dir: Path) -> dict[str, dict[str, str | None]]:
    return {
        s.id: {"file": s.file, "sha256": sha256_file(Path(base_dir) / s.file)} for s in codebook.sources
    }


def dataset_version(codebook: Codebook, files: dict[str, dict[str, str | None]]) -> str:
    """A short hash of what the data are made of: ingest format, codebook content, source bytes."""
    payload = json.dumps(
        [INGEST_FORMAT_VERSION, codebook.model_dump(mode="json", by_alias=True), files],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:12]

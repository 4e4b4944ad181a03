"""Cheap checks of a codebook against its files (metadata only), for `codebook validate`."""

from __future__ import annotations

from pathlib import Path

from barometer.codebook import Codebook
from barometer.ingest.build import resolve_columns, used_variables
from barometer.ingest.errors import IngestError
from barometer.ingest.readers import read_survey


def check_sources(codebook: Codebook, base_dir: Path) -> list[str]:
    """One message per source whose file cannot be read or lacks a variable the codebook uses."""
    problems = []
    for source in codebook.sources:
        path = Path(base_dir) / source.file
        try:
            _, meta = read_survey(path, encoding=source.encoding, metadata_only=True)
            resolve_columns(meta, used_variables(codebook, source), path)
        except IngestError as exc:
            problems.append(str(exc))
    return problems

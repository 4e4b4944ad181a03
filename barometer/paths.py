"""Where the project's data live; `BAROMETER_DATA_DIR` moves them (tests, deployments)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder holding `codebook.yaml`, `raw/` and `cache/`."""
    return Path(os.environ.get("BAROMETER_DATA_DIR", PROJECT_ROOT / "data")).resolve()


def default_codebook() -> Path:
    return data_dir() / "codebook.yaml"


def cache_dir() -> Path:
    return data_dir() / "cache"

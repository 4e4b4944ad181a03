"""One source while it is harmonised: what was read, the arrays filled so far and the problems
found, handed to every step (indicators, row checks) as one object instead of long argument lists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from barometer.codebook import Codebook, Source
from barometer.ingest.errors import IngestError
from barometer.ingest.readers import FileMeta


@dataclass
class Harmonised:
    """One source's columns as plain arrays, before rows are filtered and sources stacked.
    Mutable: each step fills its own arrays, and row checks narrow `keep`."""

    n: int
    keep: np.ndarray
    source_code: np.ndarray
    country: np.ndarray
    year: np.ndarray
    weight: np.ndarray
    strata: np.ndarray
    psu: np.ndarray
    fpc: np.ndarray
    repweights: np.ndarray | None = None
    """(n, R) replicate weights, NaN beyond a design's R; None when the source has none."""
    categorical: dict[str, np.ndarray] = field(default_factory=dict)
    numeric: dict[str, np.ndarray] = field(default_factory=dict)
    options: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class SourceContext:
    """Everything a harmonising step needs about one source. Mutable on purpose: the steps fill
    `harmonised` and append to `errors` (whole-source problems first, then rejected rows) and
    `warnings`, which become the source's `FileReport`."""

    codebook: Codebook
    source: Source
    path: Path
    meta: FileMeta
    frame: pd.DataFrame
    columns: Mapping[str, str]
    """Codebook variable -> the file's column (they may differ in case)."""
    harmonised: Harmonised
    errors: list[IngestError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def column(self, variable: str) -> pd.Series:
        """The file's column for a variable the codebook names."""
        return self.frame[self.columns[variable]]

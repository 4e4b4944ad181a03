"""Survey files in: read (pyreadstat), harmonise through the codebook, validate, cache.

Public API: `build_dataset` (no cache), `load_dataset` (cached), `draft_codebook` and
`write_codebook` (a codebook from files' own metadata), the `IngestError` family, `IngestReport`.
"""

from barometer.ingest.build import build_dataset
from barometer.ingest.cache import cache_location, load_dataset
from barometer.ingest.draft import codebook_yaml, draft_codebook, write_codebook
from barometer.ingest.errors import (
    BadCountryYearError,
    BadWeightError,
    DuplicateIdError,
    IngestError,
    MissingVariableError,
    NothingLoadedError,
    StrictIngestError,
    UnmappedCodeError,
    UnreadableFileError,
)
from barometer.ingest.hashing import INGEST_FORMAT_VERSION
from barometer.ingest.report import FileReport, IngestReport

__all__ = [
    "INGEST_FORMAT_VERSION",
    "BadCountryYearError",
    "BadWeightError",
    "DuplicateIdError",
    "FileReport",
    "IngestError",
    "IngestReport",
    "MissingVariableError",
    "NothingLoadedError",
    "StrictIngestError",
    "UnmappedCodeError",
    "UnreadableFileError",
    "build_dataset",
    "cache_location",
    "codebook_yaml",
    "draft_codebook",
    "load_dataset",
    "write_codebook",
]

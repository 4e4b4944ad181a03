"""Ingest errors: each names the file, the variable and what was wrong, so a researcher can fix it."""

from __future__ import annotations


class IngestError(Exception):
    """A survey source (or the whole ingest) could not be used as the codebook describes."""


class UnreadableFileError(IngestError):
    """The file is missing, truncated, or not a format the readers understand."""


class MissingVariableError(IngestError):
    """The codebook names a variable the file does not have."""


class UnmappedCodeError(IngestError):
    """The file holds codes the codebook does not map to a category."""


class DuplicateIdError(IngestError):
    """Respondent ids repeat within one source."""


class BadWeightError(IngestError):
    """Weights that are missing or not positive."""


class BadDesignError(IngestError):
    """Sample-design variables (strata, PSU, fpc, replicate weights) that cannot hold as declared."""


class BadCountryYearError(IngestError):
    """A per-respondent country or year variable holds values the codebook cannot place."""


class NothingLoadedError(IngestError):
    """No source could be loaded at all."""


class StrictIngestError(IngestError):
    """`strict` ingest found problems; the message lists every one."""

    def __init__(self, problems: list[str], errors: list[IngestError] | None = None) -> None:
        self.problems = list(problems)
        self.errors = list(errors or ())
        super().__init__(f"{len(problems)} problem(s) in strict mode: " + "; ".join(problems))

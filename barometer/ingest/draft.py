"""Draft a codebook from survey files' own metadata, so any file can be explored unchanged.

Variable labels become question text, value labels of the codes chosen categories; declared
user-missing values and codes whose label reads "don't know" / "refused" (in several languages)
become DK/RA categories; non-answers ("not applicable", "legal skip", "interviewer error", "break
off", "missing", ...) become missing codes, never categories, so no statistic counts them; labelled
codes nobody chose are left out. Weight, country, year, respondent id, strata, PSU and
replicate-weight variables are guessed from their names (and labels) and checked against the data.
Every guess is returned as a note, and written as comments at the top of the YAML.

Files without a country variable get the placeholder country `ALL` ("All respondents"); without a
year variable or a year in the file name, the year the file was written (from its metadata) stands
in, else 1900. Both are noted: edit the draft to set the real ones.

The steps live beside this module: `roles` guesses roles, `variables` drafts each variable, `merge`
joins the files, `naming` makes ids and codes; `barometer.codebook_yaml` writes the YAML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from barometer.codebook import Codebook
from barometer.codebook_yaml import codebook_yaml, write_codebook
from barometer.ingest.errors import IngestError
from barometer.ingest.merge import FileDraft, merge_items, merge_sources
from barometer.ingest.naming import snake_id, source_id
from barometer.ingest.readers import WarningNote, read_survey
from barometer.ingest.roles import PLACEHOLDER_COUNTRY, PLACEHOLDER_YEAR, guess_roles
from barometer.ingest.variables import draft_items, draft_variable, is_date_variable


def draft_codebook(paths: Sequence[Path], *, encoding: str | None = None) -> tuple[Codebook, list[str]]:
    """A codebook for `paths` drafted from their metadata, and notes on what was guessed (those
    that need attention are `WarningNote`s).

    `encoding` (for every file) overrides what the files declare; without it a file whose text is
    not valid in its own encoding is read in a fallback one. Either way the encoding used is
    recorded on the source, so ingest reads the file the same way. Source files are recorded as
    absolute paths; `codebook_yaml(..., relative_to=)` rewrites them relative to the YAML.
    """
    paths = [Path(p).resolve() for p in paths]
    if not paths:
        raise IngestError("no files given to draft a codebook from")
    source_ids: set[str] = set()
    drafts = [_draft_file(path, source_id(path, source_ids), encoding) for path in paths]
    notes = [note for draft in drafts for note in draft.notes]
    countries, sources = merge_sources(drafts, notes)
    raw = _codebook_data(drafts, countries, sources, merge_items(drafts))
    try:
        return Codebook.model_validate(raw), notes
    except ValidationError as exc:  # a bug here, not in the files: say what it was
        raise IngestError(f"drafting a codebook for {', '.join(map(str, paths))} failed: {exc}") from None


def _draft_file(path: Path, source: str, encoding: str | None) -> FileDraft:
    """Read one file and guess its roles and items; notes in the order they were found."""
    frame, meta = read_survey(path, encoding=encoding)
    notes = list(meta.notes)
    roles = guess_roles(frame, meta, path, notes)
    items = draft_items(frame, meta, roles.role_variables, notes, path.name)
    return FileDraft(
        path, source, meta, items, roles.source_fields, roles.countries, roles.year, meta.chosen_encoding, notes
    )


_ROLE_NAMES = {"weight": "weight", "respondent_id": "respondent id", "country_variable": "country",
               "year_variable": "year", "strata": "strata", "psu": "PSU"}


def why_not_drafted(codebook: Codebook, variable: str) -> str | None:
    """Why a variable of a drafted codebook's files is not an indicator (a role, a date, free text,
    no answers), or None when no file has it: an ad hoc question about it can say so."""
    wanted = variable.casefold()
    for source in codebook.sources:
        name = Path(source.file).name
        for role, said in _ROLE_NAMES.items():
            if str(getattr(source, role) or "").casefold() == wanted:
                return f"it is the {said} variable of {name}"
        for design in source.designs():
            for design_variable, said in design.variables():
                if design_variable.casefold() == wanted:
                    return f"it is the {said} variable of {name}"
            if design.type == "replicate" and isinstance(design.repweights, str) \
                    and re.fullmatch(design.repweights, variable):
                return f"it is a replicate weight of {name}"
        _, meta = read_survey(Path(source.file), encoding=source.encoding, metadata_only=True)
        column = next((c for c in meta.columns if c.casefold() == wanted), None)
        if column is None:
            continue
        if is_date_variable(meta, column):
            return (f"{column} in {name} is a date variable ({meta.formats.get(column)}); dates are "
                    f"not analysed, only answers and numbers")
        frame, meta = read_survey(Path(source.file), columns=[column], encoding=source.encoding)
        _, why = draft_variable(frame[column], meta)
        if why == "free-text":
            return f"{column} in {name} holds free text, which is not analysed"
        if why == "empty":
            return f"{column} in {name} has no answers"
    return None


def _codebook_data(
    drafts: list[FileDraft], countries: dict[str, Any], sources: list[dict[str, Any]],
    indicators: list[dict[str, Any]],
) -> dict[str, Any]:
    """The codebook as plain data, its dataset named after the first file."""
    topics = [{"id": "questions", "label": {"en": "Questions"}}]
    if any(ind.get("demographic") for ind in indicators):
        topics.append({"id": "demographics", "label": {"en": "Demographics"}})
    first = drafts[0]
    title = first.meta.file_label or ", ".join(d.path.name for d in drafts)
    return {
        "dataset": {
            "id": snake_id(first.path.stem, set(), "survey"),
            "title": {"en": f"{title} (draft codebook)"},
            "source_note": {"en": "Codebook drafted by `barometer codebook init` from the files' own "
                            "metadata; check the guesses listed at the top of the YAML."},
        },
        "countries": countries,
        "topics": topics,
        "sources": sources,
        "indicators": indicators,
    }


__all__ = [
    "PLACEHOLDER_COUNTRY",
    "PLACEHOLDER_YEAR",
    "WarningNote",
    "codebook_yaml",
    "draft_codebook",
    "snake_id",
    "write_codebook",
]

"""Merge per-file drafts into one codebook's countries, sources and indicators: the same variable
in several files becomes one indicator whose categories are merged by source code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from barometer.ingest.codes import codebook_key
from barometer.ingest.naming import category_code, country_code, snake_id, snake_words
from barometer.ingest.readers import FileMeta
from barometer.ingest.roles import PLACEHOLDER_COUNTRY
from barometer.ingest.variables import DraftItem

_DEMOGRAPHIC = re.compile(
    r"(^|_)(sex|gender|age|agegr\w*|educ\w*|income|region|urban\w*|rural|urbrur|settlement|religion|"
    r"marital|employ\w*|occupation|ethnic\w*|hhsize|household)(_|$)"
)
_MISSING_RANK = {None: 0, "dk": 1, "refused": 2}
"""Substantive categories first, then don't know, then refused."""


@dataclass(frozen=True)
class FileDraft:
    """What drafting found in one file, ready to merge."""

    path: Path
    source_id: str
    meta: FileMeta
    items: list[DraftItem]
    roles: dict[str, Any]
    countries: list[tuple[Any, str]]  # (value, name) when the file has a country variable
    year: int
    encoding: str | None
    notes: list[str]


# -- countries and sources -------------------------------------------------------------------------


class _Countries:
    """The codebook's countries as they are found: one code per country name (any case)."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}
        self._taken: set[str] = set()
        self._by_name: dict[str, str] = {}

    def named(self, name: str) -> str:
        """The code of the country called `name`, added on first sight."""
        if name.casefold() not in self._by_name:
            code = country_code(name, self._taken)
            self._by_name[name.casefold()] = code
            self.entries[code] = {"name": {"en": name}}
        return self._by_name[name.casefold()]

    def placeholder(self) -> str:
        """The "All respondents" country of files without a country variable."""
        if PLACEHOLDER_COUNTRY not in self.entries:
            self.entries[PLACEHOLDER_COUNTRY] = {"name": {"en": "All respondents"}}
            self._taken.add(PLACEHOLDER_COUNTRY)
        return PLACEHOLDER_COUNTRY

    def of_source(self, source_id: str) -> str:
        """A country of its own for a source, named after it."""
        code = country_code(source_id.upper(), self._taken)
        self.entries[code] = {"name": {"en": source_id}}
        return code


def merge_sources(drafts: list[FileDraft], notes: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The codebook's countries and sources; a file whose country and year repeat another's gets
    a country of its own (and a note), since (country, year) must be unique."""
    countries = _Countries()
    sources: list[dict[str, Any]] = []
    for draft in drafts:
        named = [countries.named(name) for _, name in draft.countries]
        country = named[0] if named else countries.placeholder()
        source = {"id": draft.source_id, "country": country, "year": draft.year, "file": str(draft.path)}
        source.update(draft.roles)
        if draft.encoding:
            source["encoding"] = draft.encoding
        sources.append(source)
    seen: set[tuple[str, int]] = set()
    for source in sources:
        if (source["country"], source["year"]) in seen:
            source["country"] = countries.of_source(source["id"])
            notes.append(
                f"{Path(source['file']).name}: same country and year as another file; given its own "
                f"country code {source['country']}"
            )
        seen.add((source["country"], source["year"]))
    return countries.entries, sources


# -- indicators ------------------------------------------------------------------------------------


class _Indicator:
    """One indicator being merged: its codebook entry and the category codes given out so far."""

    def __init__(self, item: DraftItem, ids: set[str]) -> None:
        ident = snake_id(item.variable, ids, "item")
        demographic = bool(_DEMOGRAPHIC.search(ident)) or bool(_DEMOGRAPHIC.search(snake_words(item.question)))
        self.entry: dict[str, Any] = {
            "id": ident,
            "topic": "demographics" if demographic else "questions",
            "type": {"numeric": "numeric", "multiple": "multiple"}.get(
                item.kind, "ordinal" if item.ordinal else "single"),
            "question": {"en": item.question},
            "demographic": demographic,
            "categories": [],
            "sources": {},
        }
        self._codes_taken: set[str] = set()
        self._code_of_value: dict[Any, str] = {}

    def add(self, source_id: str, item: DraftItem) -> None:
        """The item's source map, adding the categories it brings."""
        if item.kind == "multiple":
            smap = {"variables": self._options(item), "selected": item.selected}
        elif item.kind == "numeric":
            smap = {"variable": item.variable}
        else:
            smap = {"variable": item.variable, "codes": self._codes(item)}
        if item.missing_codes:
            smap["missing_codes"] = list(item.missing_codes)
        self.entry["sources"][source_id] = smap

    def _options(self, item: DraftItem) -> dict[str, str]:
        categories = self.entry["categories"]
        variables = {}
        for var, (code, label) in item.options.items():
            if code not in {c["code"] for c in categories}:
                categories.append({"code": code, "label": {"en": label}})
                self._codes_taken.add(code)
            variables[code] = var
        return variables

    def _codes(self, item: DraftItem) -> dict[Any, str]:
        codes = {}
        for value, label in item.labels.items():
            key = codebook_key(value)
            code = self._code_of_value.get(key)
            if code is None:
                code = category_code(value, self._codes_taken)
                self._code_of_value[key] = code
                category = {"code": code, "label": {"en": label}}
                if value in item.missing_kind:
                    category["missing"] = item.missing_kind[value]
                self.entry["categories"].append(category)
            codes[key] = code
        return codes

    def finished(self) -> dict[str, Any]:
        """The codebook entry: categories in rank order (none for a numeric indicator)."""
        entry = self.entry
        if entry["type"] == "numeric":
            entry["categories"] = []
        else:
            entry["categories"] = sorted(entry["categories"], key=lambda c: _MISSING_RANK[c.get("missing")])
        return entry


def merge_items(drafts: list[FileDraft]) -> list[dict[str, Any]]:
    """One indicator per (variable name, kind) across files, categories merged by code."""
    merged: dict[tuple[str, str], _Indicator] = {}
    ids: set[str] = set()
    for draft in drafts:
        for item in draft.items:
            key = (item.variable.lower(), item.kind)
            if key not in merged:
                merged[key] = _Indicator(item, ids)
            merged[key].add(draft.source_id, item)
    return [indicator.finished() for indicator in merged.values()]

"""The codebook: the one place where survey sources are reconciled into canonical indicators.

This module is the pydantic schema of a frozen `Codebook`. `load_codebook(path)` (from
`barometer.codebook_yaml`, re-exported here) reads `codebook.yaml` and validates it against the
schema; errors become `CodebookError`s that name the YAML line and key and say what was expected,
so a researcher editing the file by hand can fix it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Reading and writing the YAML live in `codebook_yaml`; these names stay importable from here.
from barometer.codebook_yaml import CodebookError as CodebookError
from barometer.codebook_yaml import load_codebook as load_codebook
from barometer.codebook_yaml import parse_codebook as parse_codebook

LANGUAGES: tuple[str, ...] = ("en", "sq", "sr-Latn", "sr-Cyrl")
"""Languages the app speaks. Codebook texts need `en`; `sr-Cyrl`/`sr-Latn` derive from each other."""

SNAKE_ID = r"^[a-z][a-z0-9_]*$"
CATEGORY_CODE = r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$"

IndicatorType = Literal["single", "ordinal", "multiple", "numeric"]
MissingKind = Literal["dk", "refused"]
LonelyPsu = Literal["adjust", "average", "remove", "certainty", "fail"]
ReplicateMethod = Literal["brr", "jk1", "jkn", "bootstrap", "sdr"]
RESERVED_IDS: tuple[str, ...] = ("country", "year", "weight", "source", "strata", "psu", "fpc", "repw")
"""Indicator ids that would clash with the harmonised table's own columns (`barometer.dataset`)."""
LONELY_PSU_RULES: tuple[str, ...] = ("adjust", "average", "remove", "certainty", "fail")
REPLICATE_METHODS: tuple[str, ...] = ("brr", "jk1", "jkn", "bootstrap", "sdr")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in several languages. English is required; the others fall back to it."""

    en: str
    sq: str | None = None
    sr_latn: str | None = Field(default=None, alias="sr-Latn")
    sr_cyrl: str | None = Field(default=None, alias="sr-Cyrl")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        return {"en": value} if isinstance(value, str) else value

    def get(self, lang: str = "en") -> str:
        """The text in `lang`, deriving one Serbian script from the other, else English."""
        from barometer.translit import cyrillic_to_latin, latin_to_cyrillic

        if lang == "sq" and self.sq:
            return self.sq
        if lang in ("sr-Latn", "sr"):
            if self.sr_latn:
                return self.sr_latn
            if self.sr_cyrl:
                return cyrillic_to_latin(self.sr_cyrl)
        if lang == "sr-Cyrl":
            if self.sr_cyrl:
                return self.sr_cyrl
            if self.sr_latn:
                return latin_to_cyrillic(self.sr_latn)
        return self.en

    def all_texts(self) -> list[str]:
        """Every language's text, for search."""
        return [self.get(lang) for lang in LANGUAGES]


class Category(_Frozen):
    """One canonical answer category. `missing` marks don't know / refused."""

    code: str = Field(pattern=CATEGORY_CODE)
    label: Text
    missing: MissingKind | None = None


class Net(_Frozen):
    """A combination of categories reported as an extra row, e.g. trust: full + some."""

    code: str = Field(pattern=CATEGORY_CODE)
    label: Text
    categories: tuple[str, ...] = Field(min_length=1)


class Bin(_Frozen):
    """A closed interval [low, high] of a numeric indicator, with its category code."""

    code: str = Field(pattern=CATEGORY_CODE)
    label: Text
    low: float
    high: float


class SourceMap(_Frozen):
    """How one source (country, year) carries an indicator.

    single/ordinal: `variable` and `codes` (source code -> canonical category code, or the name of a
    shared entry under `codemaps`). multiple: `variables` (option code -> 0/1 source variable) and
    optionally `selected` (the source code meaning "chosen", default 1) and `missing_codes`.
    numeric: `variable`, optionally `missing_codes`. A derived indicator (one with `derive_from`)
    may still have a source map where a file carries it directly (e.g. age already in bands).
    """

    variable: str | None = None
    variables: dict[str, str] | None = None
    codes: dict[int | float | str, str] | str | None = None
    selected: int | float | str = 1
    missing_codes: tuple[int | float | str, ...] = ()


class GeoLink(_Frozen):
    """A boundary file that draws an indicator's categories on a map: `file` (GeoJSON) relative to
    the codebook's folder, `key` the feature property holding each shape's category code."""

    file: str = Field(min_length=1)
    key: str = Field(default="code", min_length=1)


class Indicator(_Frozen):
    id: str = Field(pattern=SNAKE_ID)
    topic: str
    type: IndicatorType
    question: Text
    short: Text | None = None
    demographic: bool = False
    keywords: Text | None = None
    categories: tuple[Category, ...] | str = ()
    nets: tuple[Net, ...] = ()
    bins: tuple[Bin, ...] = ()
    derive_from: str | None = None
    unit: Text | None = None
    geo: GeoLink | None = None
    sources: dict[str, SourceMap] = Field(default_factory=dict)

    @field_validator("categories", mode="before")
    @classmethod
    def _scale_name_or_list(cls, value: Any) -> Any:
        return value if isinstance(value, str) else tuple(value or ())

    @model_validator(mode="after")
    def _geo_on_a_breakdown(self) -> Indicator:
        if self.geo is not None and self.type not in ("single", "ordinal"):
            raise ValueError(f"geo: a boundary file needs a single or ordinal indicator (its "
                             f"categories are the shapes); {self.id} is {self.type}")
        return self

    def label(self, lang: str = "en") -> str:
        """A short label for charts and pickers (the question text when none is given)."""
        return (self.short or self.question).get(lang)


_TAYLOR_KEYS = ("psu", "strata", "fpc")
_REPLICATE_KEYS = ("repweights", "method", "scale", "rscales", "mse", "rho")


class SampleDesign(_Frozen):
    """How a sample was drawn, for design-based standard errors (R's `svydesign`/`svrepdesign`,
    Stata's `svyset`).

    `type: taylor` (the default): `psu` (first-stage clusters; none = each respondent is its own),
    `strata`, `fpc` (per respondent: the stratum's population count of PSUs, or the sampling
    fraction when every value is at most 1), `nest` (PSU codes are read within their stratum, as
    `svydesign(nest=TRUE)`; false = codes must be unique across strata), `lonely_psu` (a stratum
    with one PSU: `adjust` centres it at the grand mean, R's conservative choice; `average`,
    `remove`, `certainty`, `fail` as R's `survey.lonely.psu`).

    `type: replicate`: `repweights` (a regular expression the whole variable name matches, file
    order, or a list of names; replicate weights include the sampling weight, as R's
    `combined.weights=TRUE`), `method`, `scale`, `rscales`, `mse` and Fay's `rho` (brr only) as
    `svrepdesign`: variance = scale · Σ_r rscales_r (θ_r − θ̄)², θ̄ the replicates' mean (`mse:
    true`: the full-sample estimate)."""

    type: Literal["taylor", "replicate"] = "taylor"
    psu: str | None = None
    strata: str | None = None
    fpc: str | None = None
    nest: bool = True
    lonely_psu: LonelyPsu = "adjust"
    repweights: str | tuple[str, ...] | None = None
    method: ReplicateMethod | None = None
    scale: float | None = Field(default=None, gt=0)
    rscales: float | tuple[float, ...] | None = None
    mse: bool = False
    rho: float | None = Field(default=None, ge=0, lt=1)

    @model_validator(mode="after")
    def _keys_of_its_type(self) -> SampleDesign:
        defaults = {name: field.default for name, field in type(self).model_fields.items()}
        given = [k for k in (*_TAYLOR_KEYS, *_REPLICATE_KEYS, "nest", "lonely_psu")
                 if getattr(self, k) != defaults[k]]
        if self.type == "taylor":
            wrong = [k for k in _REPLICATE_KEYS if k in given]
            if wrong:
                raise ValueError(f"{', '.join(wrong)}: only a replicate design (type: replicate) "
                                 f"takes {'this key' if len(wrong) == 1 else 'these keys'}")
            return self
        wrong = [k for k in (*_TAYLOR_KEYS, "nest", "lonely_psu") if k in given]
        if wrong:
            raise ValueError(f"{', '.join(wrong)}: only a strata/PSU design (type: taylor) takes "
                             f"{'this key' if len(wrong) == 1 else 'these keys'}, not type: replicate")
        if not self.repweights:
            raise ValueError("a replicate design needs repweights (a pattern or a list of variables)")
        if self.method is None:
            raise ValueError(f"a replicate design needs a method, one of {list(REPLICATE_METHODS)}")
        if self.method in ("brr", "sdr") and self.scale is not None:
            raise ValueError(f"method {self.method} fixes the scale (brr: 1/R, sdr: 4/R); remove scale")
        if self.method == "sdr" and self.rscales is not None:
            raise ValueError("method sdr fixes rscales to 1; remove rscales")
        if self.method == "jkn" and self.rscales is None:
            raise ValueError("method jkn needs rscales ((n_h - 1)/n_h of each replicate's stratum)")
        if self.rho is not None and self.method != "brr":
            raise ValueError("rho (Fay's method) applies to method brr only")
        rscales = self.rscales if isinstance(self.rscales, tuple) else (self.rscales or 0.0,)
        if any(r < 0 for r in rscales):
            raise ValueError("rscales must not be negative")
        return self

    def variables(self) -> list[tuple[str, str]]:
        """(variable, role) of the named design variables (a repweights pattern is not a name)."""
        if self.type == "replicate":
            return [(v, "replicate weight") for v in self.repweights] if isinstance(self.repweights, tuple) else []
        return [(v, role) for v, role in ((self.strata, "strata"), (self.psu, "psu"), (self.fpc, "fpc")) if v]


class Source(_Frozen):
    """One delivery file: a country's survey in one year (or several, with `country_variable` /
    `year_variable`). Its sample design is `design`, with `design_by_country` overriding it for
    some countries of a multi-country file; the flat `strata` and `psu` are a shorthand for
    `design: {strata: …, psu: …}`."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    country: str
    year: int = Field(ge=1900, le=2200)
    file: str
    weight: str | None = None
    respondent_id: str | None = None
    strata: str | None = None
    psu: str | None = None
    design: SampleDesign | None = None
    design_by_country: dict[str, SampleDesign] = Field(default_factory=dict)
    country_variable: str | None = None
    year_variable: str | None = None
    encoding: str | None = None

    @model_validator(mode="after")
    def _one_design_declaration(self) -> Source:
        if self.design is not None and (self.strata or self.psu):
            raise ValueError("strata/psu are a shorthand for design: {strata, psu}; give them in "
                             "design or as the shorthand, not both")
        return self

    @property
    def sample_design(self) -> SampleDesign | None:
        """The source's design (the shorthand made explicit); None = weights only."""
        if self.design is not None:
            return self.design
        if self.strata or self.psu:
            return SampleDesign(strata=self.strata, psu=self.psu)
        return None

    def design_for(self, country: str) -> SampleDesign | None:
        """The design of the source's respondents in `country`."""
        return self.design_by_country.get(country, self.sample_design)

    def designs(self) -> list[SampleDesign]:
        """Every design the source declares (the source's and the per-country ones)."""
        own = self.sample_design
        return ([own] if own is not None else []) + list(self.design_by_country.values())


class Country(_Frozen):
    name: Text
    adult_population: int | None = Field(default=None, gt=0)


class Topic(_Frozen):
    id: str = Field(pattern=SNAKE_ID)
    label: Text


class Thresholds(_Frozen):
    small_base: int = Field(default=50, ge=1)
    min_base: int = Field(default=30, ge=0)

    @model_validator(mode="after")
    def _min_below_small(self) -> Thresholds:
        if self.min_base > self.small_base:
            raise ValueError("min_base must not exceed small_base")
        return self


class DatasetInfo(_Frozen):
    id: str = Field(pattern=SNAKE_ID)
    title: Text
    version: str = "unversioned"
    synthetic: bool = False
    citation: Text | None = None
    source_note: Text | None = None
    designation_footnote: Text | None = None
    """Shown under every map when set (e.g. the EU's footnote on the designation of Kosovo)."""
    thresholds: Thresholds = Thresholds()


class Codebook(_Frozen):
    """The whole codebook: dataset facts, shared scales and code maps, sources and indicators."""

    dataset: DatasetInfo
    countries: dict[str, Country]
    topics: tuple[Topic, ...]
    scales: dict[str, tuple[Category, ...]] = Field(default_factory=dict)
    codemaps: dict[str, dict[int | float | str, str]] = Field(default_factory=dict)
    sources: tuple[Source, ...]
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _cross_references(self) -> Codebook:
        problems: list[str] = []
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                problems.append(f"sources: source {source.id!r} is listed twice")
            seen.add(source.id)
            if source.country not in self.countries:
                problems.append(
                    f"sources.{source.id}.country: {source.country!r} is not one of the countries "
                    f"{sorted(self.countries)}"
                )
            for code in source.design_by_country:
                if code not in self.countries:
                    problems.append(f"sources.{source.id}.design_by_country.{code}: not one of the "
                                    f"countries {sorted(self.countries)}")
                elif code != source.country and not source.country_variable:
                    problems.append(f"sources.{source.id}.design_by_country.{code}: the source has "
                                    f"no country_variable, so all its respondents are in {source.country}")
        pairs = [(s.country, s.year) for s in self.sources]
        for pair in {p for p in pairs if pairs.count(p) > 1}:
            problems.append(f"sources: country {pair[0]} year {pair[1]} has more than one source")
        topic_ids = {t.id for t in self.topics}
        indicator_ids: set[str] = set()
        for ind in self.indicators:
            where = f"indicators.{ind.id}"
            if ind.id in indicator_ids:
                problems.append(f"{where}: indicator id is used twice")
            if ind.id in RESERVED_IDS:
                problems.append(f"{where}: {ind.id!r} names a column of the harmonised table; "
                                f"choose another id")
            indicator_ids.add(ind.id)
            if ind.topic not in topic_ids:
                problems.append(f"{where}.topic: {ind.topic!r} is not one of {sorted(topic_ids)}")
            if isinstance(ind.categories, str) and ind.categories not in self.scales:
                problems.append(f"{where}.categories: no scale named {ind.categories!r}")
                continue
            cats = self.categories_of(ind)
            codes = [c.code for c in cats]
            if ind.type in ("single", "ordinal", "multiple") and not cats and not ind.bins:
                problems.append(f"{where}.categories: a {ind.type} indicator needs categories")
            if len(set(codes)) != len(codes):
                problems.append(f"{where}.categories: category codes repeat")
            for net in ind.nets:
                unknown = [c for c in net.categories if c not in codes]
                if unknown:
                    problems.append(f"{where}.nets.{net.code}: unknown categories {unknown}")
            for sid, smap in ind.sources.items():
                if sid not in seen:
                    problems.append(f"{where}.sources.{sid}: no source with that id")
                    continue
                problems.extend(self._check_source_map(ind, sid, smap, codes))
        for ind in self.indicators:
            if ind.derive_from and ind.derive_from not in indicator_ids:
                problems.append(f"indicators.{ind.id}.derive_from: no indicator {ind.derive_from!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _check_source_map(
        self, ind: Indicator, sid: str, smap: SourceMap, codes: list[str]
    ) -> list[str]:
        where = f"indicators.{ind.id}.sources.{sid}"
        if ind.type == "multiple":
            if not smap.variables:
                return [f"{where}.variables: a multiple-response indicator needs option variables"]
            unknown = [o for o in smap.variables if o not in codes]
            return [f"{where}.variables: unknown options {unknown}"] if unknown else []
        if not smap.variable:
            return [f"{where}.variable: expected the source variable name"]
        if ind.type == "numeric":
            return []
        if isinstance(smap.codes, str) and smap.codes not in self.codemaps:
            return [f"{where}.codes: no codemap named {smap.codes!r}"]
        mapping = self.codemap(smap)
        targets = codes or [b.code for b in ind.bins]
        unknown = sorted({v for v in mapping.values() if v not in targets})
        if unknown:
            return [f"{where}.codes: maps to unknown categories {unknown} (expected {targets})"]
        if not mapping:
            return [f"{where}.codes: expected a map from source codes to categories"]
        return []

    # -- look-ups -------------------------------------------------------------------------------

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the codebook's content: the key of anything derived from it alone."""
        return hashlib.sha256(self.model_dump_json().encode("utf-8")).hexdigest()

    @cached_property
    def by_id(self) -> Mapping[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    @cached_property
    def sources_by_id(self) -> Mapping[str, Source]:
        return {s.id: s for s in self.sources}

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self.by_id[indicator_id]
        except KeyError:
            raise KeyError(f"unknown indicator {indicator_id!r}") from None

    def categories_of(self, ind: Indicator | str) -> tuple[Category, ...]:
        """An indicator's categories in codebook order (a numeric one's bins as categories)."""
        ind = self.indicator(ind) if isinstance(ind, str) else ind
        if isinstance(ind.categories, str):
            return self.scales.get(ind.categories, ())
        if not ind.categories and ind.bins:
            return tuple(Category(code=b.code, label=b.label) for b in ind.bins)
        return ind.categories

    def codemap(self, smap: SourceMap) -> dict[int | float | str, str]:
        """The source-code -> category map of a source map (resolving a named codemap)."""
        if isinstance(smap.codes, str):
            return dict(self.codemaps[smap.codes])
        return dict(smap.codes or {})

    def country_name(self, code: str, lang: str = "en") -> str:
        country = self.countries.get(code)
        return country.name.get(lang) if country else code

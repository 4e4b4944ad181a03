"""The sample design behind a query's standard errors: which respondents form which strata,
PSUs and replicate blocks, per country-year group, as R's `survey` package would see one design
per group (`svydesign(ids=~psu, strata=~strata, fpc=~fpc, weights=~w, nest=TRUE)`, or
`svydesign(ids=~1, weights=~w)` for a weighted file without a declared design, or `svrepdesign`).

Every respondent's design comes from their source and country (`Source.design_for`):
- a replicate design: the group's respondents of that source form a replicate block;
- strata/PSUs: PSUs nest in strata, strata in source, country and year (pooled countries keep
  their own strata); no PSU variable = each respondent is a PSU; no strata = one stratum;
- no design but a weight: each respondent is a PSU in one stratum per source, country and year
  (the with-replacement linearisation of the weights);
- no design and no weight: the group is a simple random sample (unless pooling weights it).
Lonely strata (one PSU in the group) follow the design's `lonely_psu` rule (see `linear`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from barometer.codebook import LONELY_PSU_RULES, SampleDesign
from barometer.dataset import REPLICATE_PREFIX, Dataset, replicate_column
from barometer.stats.result import DesignUse, GroupDesign
from barometer.stats.selection import Selection, country_year

SRS, ELEMENT, PSU, REPLICATE = 0, 1, 2, 3
"""Row kinds: simple random sample, its own PSU (weights only or strata without PSUs), in a
PSU, in a replicate block."""
ADJUST, AVERAGE = LONELY_PSU_RULES.index("adjust"), LONELY_PSU_RULES.index("average")


@dataclass(frozen=True)
class ReplicateSpec:
    """A replicate design's variance constants, R's `svrepdesign` defaults filled in:
    var = scale · Σ_r rscales_r (θ_r − θ̄)², θ̄ the mean of the replicates (mse: the estimate)."""

    method: str
    columns: tuple[str, ...]
    scale: float
    rscales: tuple[float, ...]
    mse: bool

    @classmethod
    def of(cls, design: SampleDesign, replicates: int) -> ReplicateSpec:
        r = replicates
        given = design.rscales
        rscales = tuple(given) if isinstance(given, tuple) else (float(given if given is not None else 1.0),) * r
        if len(rscales) == 1:
            rscales = rscales * r
        method = str(design.method)
        if method == "brr":
            rho = design.rho or 0.0
            scale = 1.0 / (r * (1.0 - rho) ** 2)
        elif method == "sdr":
            scale, rscales = 4.0 / r, (1.0,) * r
        elif method == "jk1":
            scale = design.scale if design.scale is not None else (r - 1.0) / r
        elif method == "bootstrap":
            scale = design.scale if design.scale is not None else 1.0 / (r - 1.0)
        else:  # jkn
            scale = design.scale if design.scale is not None else 1.0
        return cls(method, tuple(replicate_column(i) for i in range(r)), float(scale),
                   tuple(float(x) for x in rscales), bool(design.mse))


@dataclass(frozen=True)
class RowDesigns:
    """The dataset's sampling structure. Per respondent: `stratum` (int32, an id unique per
    country-year, source and stratum code; respondents without a stratum code share their
    source's, per country-year) and `psu` (int32, unique per stratum and PSU code; -1 when the
    respondent is their own PSU). Per stratum id: `stratum_cy` (country-year code), `stratum_source`,
    `stratum_rows`, `stratum_kind` (SRS, ELEMENT, PSU, REPLICATE), `stratum_rule` (index into
    LONELY_PSU_RULES), `stratum_popsize` (population of PSUs, inf = no fpc), `stratum_spec` (index
    into `specs`, -1), `stratum_declared` (the source declares a design for the country). Per PSU
    id: `psu_stratum`."""

    stratum: np.ndarray
    psu: np.ndarray
    stratum_cy: np.ndarray
    stratum_source: np.ndarray
    stratum_rows: np.ndarray
    stratum_kind: np.ndarray
    stratum_rule: np.ndarray
    stratum_popsize: np.ndarray
    stratum_spec: np.ndarray
    stratum_declared: np.ndarray
    psu_stratum: np.ndarray
    specs: tuple[ReplicateSpec, ...]


def row_designs(dataset: Dataset) -> RowDesigns:
    """The respondents' designs (cached on the dataset)."""
    return dataset.cached(("stats:row_designs",), lambda: _row_designs(dataset))


def _origin_tables(dataset: Dataset, src: np.ndarray, cc: np.ndarray):
    """Per (source, country): kind, lonely rule, replicate spec, declared; and the specs."""
    frame, cb = dataset.frame, dataset.codebook
    sources = list(frame["source"].cat.categories) if "source" in frame else []
    countries = list(frame["country"].cat.categories)
    kinds = np.zeros((max(len(sources), 1), len(countries)), dtype=np.int8)
    rules = np.zeros_like(kinds)
    spec_of = np.full(kinds.shape, -1, dtype=np.int16)
    declared = np.zeros(kinds.shape, dtype=bool)
    specs: list[ReplicateSpec] = []
    replicate_counts = _replicate_counts(frame, src, cc, kinds.shape)
    for si, sid in enumerate(sources or [None]):
        source = cb.sources_by_id.get(sid) if sid is not None else None
        for ci, country in enumerate(countries):
            design = source.design_for(country) if source is not None else None
            weighted = source is None or source.weight is not None
            if design is None:
                kinds[si, ci] = ELEMENT if weighted else SRS
                continue
            declared[si, ci] = True
            if design.type == "replicate":
                kinds[si, ci] = REPLICATE
                count = int(replicate_counts[si, ci])
                if count >= 2:
                    spec_of[si, ci] = len(specs)
                    specs.append(ReplicateSpec.of(design, count))
                else:  # no replicate weights in the data (nobody of that source/country here)
                    kinds[si, ci] = ELEMENT
                continue
            kinds[si, ci] = PSU if design.psu else ELEMENT
            rules[si, ci] = LONELY_PSU_RULES.index(design.lonely_psu)
    return kinds, rules, spec_of, declared, tuple(specs)


def _row_designs(dataset: Dataset) -> RowDesigns:
    frame = dataset.frame
    n = len(frame)
    src = dataset.column_codes("source").astype(np.int64) if "source" in frame else np.zeros(n, np.int64)
    cc = dataset.column_codes("country").astype(np.intp)
    kinds, rules, spec_of, declared, specs = _origin_tables(dataset, src, cc)
    cy, _ = country_year(dataset)
    labels, label_count = _codes(frame, "strata", n)
    # strata nest in (country-year, source): one integer key per respondent, factorised by hash
    key = (cy.astype(np.int64) * (int(src.max(initial=0)) + 1) + src) * (label_count + 1) + (labels + 1)
    stratum, _ = pd.factorize(key)
    stratum = stratum.astype(np.int32)
    first = _first_rows(stratum)
    s_src, s_cy = src[first], cy[first]
    s_cc = cc[first]
    s_kind = kinds[s_src, s_cc]
    psu_labels, psu_count = _codes(frame, "psu", n)
    psu = np.full(n, -1, dtype=np.int32)
    in_stratum_of_psus = s_kind[stratum] == PSU
    own = in_stratum_of_psus & (psu_labels < 0)  # no PSU code (ingest rejects these): its own PSU
    if own.any():
        psu_labels = psu_labels.copy()
        psu_labels[own] = psu_count + np.arange(int(own.sum()))
        psu_count += int(own.sum())
    in_psu = in_stratum_of_psus & (psu_labels >= 0)
    if in_psu.any():
        codes, _ = pd.factorize(stratum[in_psu].astype(np.int64) * (psu_count + 1) + psu_labels[in_psu])
        psu[in_psu] = codes
    psu_stratum = np.zeros(int(psu.max(initial=-1)) + 1, dtype=np.int32)
    if len(psu_stratum):
        psu_stratum[psu[in_psu]] = stratum[in_psu]
    rows = np.bincount(stratum, minlength=len(first)).astype(np.float64)
    # a stratum whose respondents have no PSU code (a design without psu) is one of own-PSU respondents
    with_psu = np.bincount(stratum[in_psu], minlength=len(first)) > 0
    s_kind = np.where((s_kind == PSU) & ~with_psu, ELEMENT, s_kind).astype(np.int8)
    popsize = frame["fpc"].to_numpy(dtype=np.float64, na_value=np.nan)[first] if "fpc" in frame else np.full(len(first), np.nan)
    return RowDesigns(
        stratum=stratum, psu=psu, stratum_cy=s_cy.astype(np.intp), stratum_source=s_src.astype(np.intp),
        stratum_rows=rows, stratum_kind=s_kind, stratum_rule=rules[s_src, s_cc],
        stratum_popsize=np.where(np.isnan(popsize), np.inf, popsize), stratum_spec=spec_of[s_src, s_cc],
        stratum_declared=declared[s_src, s_cc], psu_stratum=psu_stratum, specs=specs)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The first row of each code 0, 1, … of codes numbered in order of first appearance."""
    if not len(codes):
        return np.zeros(0, dtype=np.intp)
    running = np.maximum.accumulate(codes)
    new = np.r_[True, codes[1:] > running[:-1]]
    return np.flatnonzero(new)


def _codes(frame: pd.DataFrame, name: str, n: int) -> tuple[np.ndarray, int]:
    """Integer codes (-1 missing) of a stratum or PSU column, and how many codes there are."""
    if name not in frame:
        return np.full(n, -1, dtype=np.int64), 0
    codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
    return codes.astype(np.int64), len(uniques)


def _replicate_counts(frame: pd.DataFrame, src: np.ndarray, cc: np.ndarray, shape) -> np.ndarray:
    """Replicate weights present per (source, country): the most non-missing per respondent."""
    columns = [c for c in frame.columns if str(c).startswith(REPLICATE_PREFIX)]
    counts = np.zeros(shape, dtype=np.int64)
    if not columns:
        return counts
    present = np.zeros(len(frame), dtype=np.int64)
    for c in columns:
        present += ~np.isnan(frame[c].to_numpy(dtype=np.float64, na_value=np.nan))
    np.maximum.at(counts, (src, cc), present)
    return counts


@dataclass(frozen=True)
class QueryDesign:
    """The designs of one query's country-year groups.

    Strata (`S` of them: first those of PSUs, then those of respondents who are their own PSU)
    nest in groups; units (PSUs) are numbered sorted by (group, stratum, PSU), so each stratum's
    units are one block. `factor` is each stratum's multiplier of Σ(U − Ū)² — (1 − f_h) m_h/(m_h − 1),
    or for a lonely stratum (1 − f_h) under `adjust` (not centred: Ū is the grand mean, 0 for a
    linearised estimate) and 0 otherwise; `average` strata are rescaled per estimate
    (`barometer.stats.variance`). Replicate blocks are the respondents of one source in one
    group. The per-row look-ups (`unit_of_row`, `element_of_row`, `block_of_row`) are gathered
    from per-stratum and per-PSU tables when first used."""

    groups: int
    srs: np.ndarray
    unit_stratum: np.ndarray
    units: int
    stratum_group: np.ndarray
    stratum_size: np.ndarray
    stratum_factor: np.ndarray
    stratum_lonely: np.ndarray
    stratum_average: np.ndarray
    stratum_fpc: np.ndarray
    psu_strata: int
    block_group: np.ndarray
    block_spec: np.ndarray
    specs: tuple[ReplicateSpec, ...]
    declared: np.ndarray
    lonely_rule: tuple[str | None, ...]
    rows: RowDesigns
    unit_of_psu: np.ndarray
    """Per PSU id + 1: its unit (-1 outside the query's PSU strata; entry 0 for psu -1)."""
    element_of_stratum: np.ndarray
    block_of_stratum: np.ndarray

    @property
    def strata(self) -> int:
        return len(self.stratum_group)

    @property
    def blocks(self) -> int:
        return len(self.block_group)

    @cached_property
    def unit_group(self) -> np.ndarray:
        return self.stratum_group[self.unit_stratum]

    @cached_property
    def unit_of_row(self) -> np.ndarray:
        """Per frame row: its unit, -1 outside the query's PSUs."""
        return self.unit_of_psu.take(self.rows.psu.astype(np.intp) + 1)

    @cached_property
    def element_of_row(self) -> np.ndarray:
        """Per frame row: its stratum among the element strata (0-based), -1 otherwise."""
        return self.element_of_stratum.take(self.rows.stratum)

    @cached_property
    def block_of_row(self) -> np.ndarray:
        """Per frame row: its replicate block, -1 otherwise."""
        return self.block_of_stratum.take(self.rows.stratum)

    def cell_major_offset(self, n: int) -> np.ndarray:
        """Per frame row, c such that a cell index i = g·n + k of the row's group maps to the
        cell-major PSU index k·units + u = i·units + c (u its PSU); rows in no PSU, and rows
        whose i is the discard value G·n, land at n·units or beyond. The last few n are kept."""
        cache = self.__dict__.setdefault("_offsets", {})
        if n not in cache:
            if len(cache) > 3:
                cache.clear()
            m = self.units
            lut = np.full(len(self.unit_of_psu), n * m, dtype=np.intp)
            inside = self.unit_of_psu >= 0
            units = self.unit_of_psu[inside]
            lut[inside] = units - self.unit_group[units] * n * m
            cache[n] = lut.take(self.rows.psu.astype(np.intp) + 1)
        return cache[n]

    @cached_property
    def elements_are_groups(self) -> bool:
        """Each group's own-PSU respondents form one stratum and the group has nothing else, so
        per-group cell sums are the strata's sums."""
        eg = self.stratum_group[self.psu_strata :]
        return (len(np.unique(eg)) == len(eg) and not np.isin(self.unit_group, eg).any()
                and not np.isin(self.block_group, eg).any())


def query_design(dataset: Dataset, sel: Selection, weighted: bool) -> QueryDesign:
    """The design of the query's groups (cached per grouping)."""
    key = ("stats:query_design", sel.group_lut.tobytes(), len(sel.keys), bool(sel.pooled), weighted)
    return dataset.cached(key, lambda: _query_design(dataset, sel, weighted), max_entries=8)


def _query_design(dataset: Dataset, sel: Selection, weighted: bool) -> QueryDesign:
    rd = row_designs(dataset)
    g = len(sel.keys)
    group = sel.group_lut.take(rd.stratum_cy)  # per stratum id, -1 outside the query
    inside = group >= 0
    kind = rd.stratum_kind.copy()
    srs = np.ones(g, dtype=bool)
    if weighted:
        # a group is a simple random sample only when none of its respondents is weighted or
        # designed and pooling does not weight it either
        weighted_strata = np.bincount(group[inside], weights=kind[inside] != SRS, minlength=g)
        srs = (weighted_strata == 0) & (not sel.pooled)
        kind[kind == SRS] = ELEMENT
    live = inside & ~np.append(srs, True)[np.where(inside, group, g)]
    declared = np.bincount(group[live], weights=rd.stratum_declared[live], minlength=g) > 0

    # PSU units: the PSUs of the live PSU strata, sorted by (group, stratum, PSU)
    psu_live = live[rd.psu_stratum] & (kind[rd.psu_stratum] == PSU)
    psu_ids = np.flatnonzero(psu_live)
    p_stratum = rd.psu_stratum[psu_ids]
    order = np.lexsort((psu_ids, p_stratum, group[p_stratum]))
    psu_ids, p_stratum = psu_ids[order], p_stratum[order]
    new_stratum = np.r_[True, p_stratum[1:] != p_stratum[:-1]] if len(p_stratum) else np.zeros(0, bool)
    unit_stratum = np.cumsum(new_stratum) - 1
    psu_strata_ids = p_stratum[new_stratum]
    psu_strata = len(psu_strata_ids)
    unit_of_psu = np.full(len(rd.psu_stratum) + 1, -1, dtype=np.intp)
    unit_of_psu[psu_ids + 1] = np.arange(len(psu_ids))
    # element strata: the live ELEMENT strata, ordered by group
    elem_ids = np.flatnonzero(live & (kind == ELEMENT))
    elem_ids = elem_ids[np.argsort(group[elem_ids], kind="stable")]
    element_of_stratum = np.full(len(kind), -1, dtype=np.intp)
    element_of_stratum[elem_ids] = np.arange(len(elem_ids))
    strata_ids = np.concatenate([psu_strata_ids, elem_ids]).astype(np.intp)
    stratum_group = group[strata_ids].astype(np.intp)
    stratum_size = np.concatenate([np.bincount(unit_stratum, minlength=psu_strata),
                                   rd.stratum_rows[elem_ids]]).astype(np.float64)
    population = rd.stratum_popsize[strata_ids]
    rule = rd.stratum_rule[strata_ids]
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = np.where(np.isinf(population), 1.0, (population - stratum_size) / population)
        lonely = stratum_size == 1
        factor = np.where(lonely, np.where(rule == ADJUST, keep, 0.0),
                          keep * stratum_size / (stratum_size - 1.0))
    factor = np.where(keep < 1e-7, 0.0, factor)
    average = lonely & (rule == AVERAGE)

    # replicate blocks: one per (group, source)
    rep_ids = np.flatnonzero(live & (kind == REPLICATE))
    block_of_stratum = np.full(len(kind), -1, dtype=np.intp)
    block_group = np.zeros(0, dtype=np.intp)
    block_spec = np.zeros(0, dtype=np.intp)
    if len(rep_ids):
        pairs = group[rep_ids].astype(np.int64) * (int(rd.stratum_source.max()) + 1) + rd.stratum_source[rep_ids]
        uniq, first, codes = np.unique(pairs, return_index=True, return_inverse=True)
        block_of_stratum[rep_ids] = codes
        block_group = group[rep_ids[first]].astype(np.intp)
        block_spec = rd.stratum_spec[rep_ids[first]].astype(np.intp)
    rules_used: list[str | None] = []
    for gi in range(g):
        mine = (stratum_group == gi) & lonely
        used = sorted({LONELY_PSU_RULES[r] for r in rule[mine]})
        rules_used.append(", ".join(used) if used else None)
    return QueryDesign(
        groups=g, srs=srs, unit_stratum=unit_stratum.astype(np.intp), units=len(psu_ids),
        stratum_group=stratum_group, stratum_size=stratum_size, stratum_factor=factor,
        stratum_lonely=lonely, stratum_average=average, stratum_fpc=~np.isinf(population),
        psu_strata=psu_strata, block_group=block_group, block_spec=block_spec, specs=rd.specs,
        declared=declared, lonely_rule=tuple(rules_used), rows=rd, unit_of_psu=unit_of_psu,
        element_of_stratum=element_of_stratum, block_of_stratum=block_of_stratum)


def design_facts(qd: QueryDesign | None, keys) -> DesignUse | None:
    """The facts of a query's design for its `Result` (None for an unweighted table)."""
    if qd is None:
        return None
    per_group: list[GroupDesign] = []
    groups = qd.groups
    strata = np.bincount(qd.stratum_group, minlength=groups)
    psus = (np.bincount(qd.unit_group, minlength=groups)
            + np.bincount(qd.stratum_group[qd.psu_strata :], weights=qd.stratum_size[qd.psu_strata :],
                          minlength=groups))
    lonely = np.bincount(qd.stratum_group, weights=qd.stratum_lonely, minlength=groups)
    fpc = np.bincount(qd.stratum_group, weights=qd.stratum_fpc, minlength=groups) > 0
    for gi, (country, year) in enumerate(keys):
        blocks = np.flatnonzero(qd.block_group == gi)
        specs = [qd.specs[qd.block_spec[b]] for b in blocks]
        if qd.srs[gi]:
            method = "srs"
        elif specs and strata[gi]:
            method = "mixed"
        elif specs:
            method = "replicate"
        else:
            method = "design" if qd.declared[gi] else "weights"
        per_group.append(GroupDesign(
            country=country, year=int(year), method=method, strata=int(strata[gi]), psus=int(psus[gi]),
            lonely_strata=int(lonely[gi]), lonely_rule=qd.lonely_rule[gi],
            replicates=sum(len(s.columns) for s in specs),
            replicate_method=specs[0].method if specs else None, fpc=bool(fpc[gi])))
    declared = [d for d in per_group if d.method in ("design", "replicate", "mixed")]
    return DesignUse(
        strata=sum(d.strata for d in declared if d.method != "replicate"),
        psus=sum(d.psus for d in declared if d.method != "replicate"),
        groups=tuple((d.country, d.year) for d in declared),
        partial=len(declared) < len(per_group),
        per_group=tuple(per_group))


def variance_kind(facts: DesignUse | None) -> str:
    """The Result's `variance`: srs, taylor, replicate or mixed."""
    methods = {d.method for d in facts.per_group} - {"srs"} if facts is not None else set()
    if not methods:
        return "srs"
    if methods <= {"replicate"}:
        return "replicate"
    if "replicate" in methods or "mixed" in methods:
        return "mixed"
    return "taylor"

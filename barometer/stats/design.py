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
    """Per respondent: `kind` (SRS, ELEMENT, PSU, REPLICATE), `stratum` (an id unique per source,
    country, year and stratum code), `psu` (an id unique per stratum and PSU code, -1 when the
    respondent is their own PSU), `popsize` (the stratum's population of PSUs, inf = no fpc),
    `rule` (index into LONELY_PSU_RULES), `spec` (index into `specs`, -1) and `declared` (the
    source declares a design for the respondent's country)."""

    kind: np.ndarray
    stratum: np.ndarray
    psu: np.ndarray
    popsize: np.ndarray
    rule: np.ndarray
    spec: np.ndarray
    specs: tuple[ReplicateSpec, ...]
    declared: np.ndarray


def row_designs(dataset: Dataset) -> RowDesigns:
    """The respondents' designs (cached on the dataset)."""
    return dataset.cached(("stats:row_designs",), lambda: _row_designs(dataset))


def _row_designs(dataset: Dataset) -> RowDesigns:
    frame, cb = dataset.frame, dataset.codebook
    n = len(frame)
    sources = list(frame["source"].cat.categories) if "source" in frame else []
    countries = list(frame["country"].cat.categories)
    src = dataset.column_codes("source").astype(np.intp) if "source" in frame else np.zeros(n, np.intp)
    cc = dataset.column_codes("country").astype(np.intp)
    by_id = cb.sources_by_id
    # one entry per (source, country): kind, rule, replicate spec, declared
    kinds = np.zeros((max(len(sources), 1), len(countries)), dtype=np.int8)
    rules = np.zeros_like(kinds)
    spec_of = np.full(kinds.shape, -1, dtype=np.int16)
    declared = np.zeros(kinds.shape, dtype=bool)
    specs: list[ReplicateSpec] = []
    replicate_counts = _replicate_counts(frame, src, cc, kinds.shape)
    for si, sid in enumerate(sources or [None]):
        source = by_id.get(sid) if sid is not None else None
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
    kind = kinds[src, cc]
    cy, _ = country_year(dataset)
    stratum_codes = _codes(frame, "strata", n)
    psu_codes = _codes(frame, "psu", n)
    # strata nest in (country-year, source); PSUs nest in strata
    stratum = pd.factorize(pd.MultiIndex.from_arrays([cy, src, stratum_codes]))[0].astype(np.int64)
    psu = np.where((kind == PSU) & (psu_codes >= 0),
                   pd.factorize(pd.MultiIndex.from_arrays([stratum, psu_codes]))[0], -1).astype(np.int64)
    kind = np.where((kind == PSU) & (psu < 0), ELEMENT, kind).astype(np.int8)
    popsize = frame["fpc"].to_numpy(dtype=np.float64, na_value=np.nan) if "fpc" in frame else np.full(n, np.nan)
    popsize = np.where(np.isnan(popsize), np.inf, popsize)
    return RowDesigns(kind, stratum, psu, popsize, rules[src, cc], spec_of[src, cc], tuple(specs),
                      declared[src, cc])


def _codes(frame: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in frame:
        return np.full(n, -1, dtype=np.int64)
    return pd.factorize(frame[name], use_na_sentinel=True)[0].astype(np.int64)


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
    linearised estimate) and 0 otherwise; `average` strata are rescaled per estimate (see
    `linear`). Replicate blocks are the respondents of one source in one group."""

    groups: int
    srs: np.ndarray
    unit_of_row: np.ndarray
    unit_stratum: np.ndarray
    units: int
    element_of_row: np.ndarray
    stratum_group: np.ndarray
    stratum_size: np.ndarray
    stratum_factor: np.ndarray
    stratum_lonely: np.ndarray
    stratum_average: np.ndarray
    stratum_fpc: np.ndarray
    psu_strata: int
    block_of_row: np.ndarray
    block_group: np.ndarray
    block_spec: np.ndarray
    specs: tuple[ReplicateSpec, ...]
    declared: np.ndarray
    lonely_rule: tuple[str | None, ...]

    @property
    def strata(self) -> int:
        return len(self.stratum_group)

    @property
    def blocks(self) -> int:
        return len(self.block_group)

    @cached_property
    def unit_group(self) -> np.ndarray:
        return self.stratum_group[self.unit_stratum]

    def cell_major_offset(self, n: int) -> np.ndarray:
        """Per frame row, c such that a cell index i = g·n + k of the row's group maps to the
        cell-major PSU index k·units + u = i·units + c (u its PSU); rows in no PSU, and rows
        whose i is the discard value G·n, land at n·units or beyond. The last few n are kept."""
        cache = self.__dict__.setdefault("_offsets", {})
        if n not in cache:
            if len(cache) > 3:
                cache.clear()
            m = self.units
            offset = np.full(len(self.unit_of_row), n * m, dtype=np.intp)
            inside = self.unit_of_row >= 0
            units = self.unit_of_row[inside]
            offset[inside] = units - self.unit_group[units] * n * m
            cache[n] = offset
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
    cy, _ = country_year(dataset)
    g = len(sel.keys)
    group_of_row = sel.group_lut.take(cy)
    n = len(group_of_row)
    inside = group_of_row >= 0
    kind = rd.kind.copy()
    srs = np.ones(g, dtype=bool)
    if weighted:
        # a group is a simple random sample only when none of its respondents is weighted or
        # designed and pooling does not weight it either
        weighted_rows = np.bincount(group_of_row[inside], weights=(kind[inside] != SRS), minlength=g)
        srs = (weighted_rows == 0) & (not sel.pooled)
        kind[kind == SRS] = ELEMENT
    row_srs = np.append(srs, True)[np.where(inside, group_of_row, g)]
    live = inside & ~row_srs
    declared = np.bincount(group_of_row[live], weights=rd.declared[live], minlength=g) > 0

    # strata of the live rows: PSU strata first, then element strata
    psu_rows = np.flatnonzero(live & (kind == PSU))
    elem_rows = np.flatnonzero(live & (kind == ELEMENT))
    unit_of_row = np.full(n, -1, dtype=np.intp)
    element_of_row = np.full(n, -1, dtype=np.intp)
    parts = []
    # PSU units sorted by (group, stratum, psu)
    gk, sk, pk = group_of_row[psu_rows], rd.stratum[psu_rows], rd.psu[psu_rows]
    order = np.lexsort((pk, sk, gk))
    gs, ss, ps = gk[order], sk[order], pk[order]
    new_stratum = np.ones(len(order), dtype=bool)
    new_stratum[1:] = (gs[1:] != gs[:-1]) | (ss[1:] != ss[:-1])
    new_unit = new_stratum.copy()
    new_unit[1:] |= ps[1:] != ps[:-1]
    unit_sorted = np.cumsum(new_unit) - 1
    unit_of_row[psu_rows[order]] = unit_sorted
    first_units = np.flatnonzero(new_unit)
    stratum_of_unit = (np.cumsum(new_stratum) - 1)[first_units]
    psu_strata = int(new_stratum.sum())
    first_rows_of_strata = psu_rows[order][new_stratum]
    parts.append((gs[new_stratum], np.bincount(stratum_of_unit, minlength=psu_strata), first_rows_of_strata))
    # element strata, one per (group, stratum id)
    if len(elem_rows):
        codes, first = _factorize_pairs(group_of_row[elem_rows], rd.stratum[elem_rows])
        element_of_row[elem_rows] = codes
        sizes = np.bincount(codes, minlength=len(first))
        parts.append((group_of_row[elem_rows[first]], sizes, elem_rows[first]))
    stratum_group = np.concatenate([p[0] for p in parts]).astype(np.intp)
    stratum_size = np.concatenate([p[1] for p in parts]).astype(np.float64)
    first_rows = np.concatenate([p[2] for p in parts]).astype(np.intp)
    population = rd.popsize[first_rows]
    rule = rd.rule[first_rows]
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = np.where(np.isinf(population), 1.0, (population - stratum_size) / population)
        lonely = stratum_size == 1
        factor = np.where(lonely, np.where(rule == ADJUST, keep, 0.0),
                          keep * stratum_size / (stratum_size - 1.0))
    factor = np.where(keep < 1e-7, 0.0, factor)
    average = lonely & (rule == AVERAGE)

    # replicate blocks: one per (group, source)
    rep_rows = np.flatnonzero(live & (kind == REPLICATE))
    block_of_row = np.full(n, -1, dtype=np.intp)
    block_group = np.zeros(0, dtype=np.intp)
    block_spec = np.zeros(0, dtype=np.intp)
    if len(rep_rows):
        src = dataset.column_codes("source").astype(np.int64)
        codes, first = _factorize_pairs(group_of_row[rep_rows], src[rep_rows])
        block_of_row[rep_rows] = codes
        block_group = group_of_row[rep_rows[first]].astype(np.intp)
        block_spec = rd.spec[rep_rows[first]].astype(np.intp)
    rules_used: list[str | None] = []
    for gi in range(g):
        mine = stratum_group == gi
        used = sorted({LONELY_PSU_RULES[r] for r in rule[mine & lonely]})
        rules_used.append(", ".join(used) if used else None)
    return QueryDesign(
        groups=g, srs=srs, unit_of_row=unit_of_row, unit_stratum=stratum_of_unit.astype(np.intp),
        units=len(first_units), element_of_row=element_of_row, stratum_group=stratum_group,
        stratum_size=stratum_size, stratum_factor=factor, stratum_lonely=lonely,
        stratum_average=average, stratum_fpc=~np.isinf(population), psu_strata=psu_strata, block_of_row=block_of_row,
        block_group=block_group, block_spec=block_spec, specs=rd.specs, declared=declared,
        lonely_rule=tuple(rules_used))


def _factorize_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0.. of the (a, b) pairs in sorted order, and the first row of each code."""
    key = a.astype(np.int64) * (int(b.max()) + 1 if len(b) else 1) + b.astype(np.int64)
    _, first, codes = np.unique(key, return_index=True, return_inverse=True)
    return codes.astype(np.intp), first


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

"""Sums over the design's sampling units that the variance of ratio estimates needs
(`barometer.stats.variance.Linearised`): per PSU, per stratum of respondents who are their own
PSU, and per replicate of each replicate block. Everything is a `np.bincount` over the rows of a
table's cells; the estimates are linear maps of cell totals (`a_num`, `a_den`: cells × estimates).

A "family" is what a table counts: respondents in (breakdown × answer) cells, or for
multiple-response items the choices and the answering respondents separately. Each entry has a
frame row, a within-group cell and a weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from barometer.dataset import Dataset
from barometer.stats.design import QueryDesign
from barometer.stats.variance import Linearised, design_variance, psu_gram


@dataclass(frozen=True)
class Family:
    """Entries counted in cells: frame `rows`, `group` per entry, within-group `cell`, `weights`."""

    rows: np.ndarray
    group: np.ndarray
    cell: np.ndarray
    weights: np.ndarray
    ncell: int


def unit_sums(qd: QueryDesign, fam: Family, values: np.ndarray | None = None) -> np.ndarray:
    """(units, ncell): Σ weight·value per PSU and cell."""
    units = qd.unit_of_row[fam.rows]
    inside = units >= 0
    w = fam.weights if values is None else fam.weights * values
    flat = units[inside] * fam.ncell + fam.cell[inside]
    return np.bincount(flat, weights=w[inside], minlength=qd.units * fam.ncell).reshape(qd.units, fam.ncell)


def element_sums(qd: QueryDesign, fam: Family, values: np.ndarray | None) -> np.ndarray:
    """(element strata, ncell): Σ values per stratum of own-PSU respondents and cell (None: counts)."""
    strata = qd.strata - qd.psu_strata
    elem = qd.element_of_row[fam.rows]
    inside = elem >= 0
    flat = elem[inside] * fam.ncell + fam.cell[inside]
    w = None if values is None else values[inside]
    return np.bincount(flat, weights=w, minlength=strata * fam.ncell).reshape(strata, fam.ncell).astype(np.float64)


def replicate_sums(dataset: Dataset, qd: QueryDesign, block: int, fam: Family,
                   values: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(full, replicates): the block's Σ weight·value per cell with the full weights (ncell,) and
    with each replicate's weights (R, ncell); pooling rescales replicate weights as it does weights."""
    spec = qd.specs[qd.block_spec[block]]
    mine = qd.block_of_row[fam.rows] == block
    rows, cells = fam.rows[mine], fam.cell[mine]
    w = fam.weights[mine] if values is None else fam.weights[mine] * values[mine]
    full = np.bincount(cells, weights=w, minlength=fam.ncell)
    scale = w / dataset.array("weight")[rows]  # pooling factor (and the value)
    reps = np.column_stack([dataset.frame[c].to_numpy(dtype=np.float64)[rows] for c in spec.columns])
    out = np.zeros((len(spec.columns), fam.ncell))
    if len(rows):
        order = np.argsort(cells, kind="stable")
        sorted_cells = cells[order]
        starts = np.flatnonzero(np.r_[True, sorted_cells[1:] != sorted_cells[:-1]])
        out[:, sorted_cells[starts]] = np.add.reduceat((reps * scale[:, None])[order], starts, axis=0).T
    return full, out


def replicate_patterns(dataset: Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(pattern id per row, -1 without replicate weights; the patterns (P, R)): each respondent's
    replicate weights divided by their weight, rows with the same pattern sharing an id (cached)."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        from barometer.dataset import REPLICATE_PREFIX

        columns = [c for c in dataset.frame.columns if str(c).startswith(REPLICATE_PREFIX)]
        n = len(dataset.frame)
        if not columns:
            return np.full(n, -1, dtype=np.int64), np.zeros((0, 0))
        reps = dataset.frame[columns].to_numpy(dtype=np.float64, na_value=np.nan)
        has = ~np.isnan(reps).all(axis=1)
        ratio = np.nan_to_num(reps / dataset.array("weight")[:, None])
        probe = np.random.default_rng(20240901).standard_normal(len(columns))
        key = np.round(ratio @ probe, 9)
        ids = np.full(n, -1, dtype=np.int64)
        _, first, inverse = np.unique(key[has], return_index=True, return_inverse=True)
        ids[has] = inverse
        return ids, ratio[np.flatnonzero(has)[first]]

    return dataset.cached(("stats:replicate_patterns",), build)


def replicate_df(dataset: Dataset, qd: QueryDesign, fam: Family, a_den: np.ndarray) -> np.ndarray:
    """(G, estimates) degrees of freedom of the replicate blocks of each group among each
    estimate's domain: the rank of the domain's replicate weights − 1, as R's degf() of the
    domain's subset design (qr rank). A pooled group's replicate weights are its blocks'
    side by side, each block's respondents keeping their full weight in the others' columns."""
    ids, patterns = replicate_patterns(dataset)
    out = np.zeros((qd.groups, a_den.shape[1]))
    block_of = qd.block_of_row[fam.rows]
    domains = (a_den.T > 0).astype(np.int64)  # (estimates, cells)
    for g in np.unique(qd.block_group):
        blocks = np.flatnonzero(qd.block_group == g)
        widths = [len(qd.specs[qd.block_spec[k]].columns) for k in blocks]
        offsets = np.concatenate([[0], np.cumsum(widths)])
        rows, owners = [], []
        for j, k in enumerate(blocks):
            mine = block_of == k
            uniq, local = np.unique(ids[fam.rows[mine]], return_inverse=True)
            seen = np.zeros((fam.ncell, len(uniq)), dtype=np.int64)
            seen[fam.cell[mine], local] = 1
            rows.append((domains @ seen) > 0)  # (estimates, patterns of block k)
            block_rows = np.ones((len(uniq), offsets[-1]))
            block_rows[:, offsets[j] : offsets[j + 1]] = patterns[uniq][:, : widths[j]]
            owners.append(block_rows)
        stacked = np.vstack(owners) if owners else np.zeros((0, 0))
        present = np.hstack(rows) if rows else np.zeros((a_den.shape[1], 0), dtype=bool)
        cache: dict[bytes, float] = {}
        for c, row in enumerate(present):
            key = row.tobytes()
            if key not in cache:
                chosen = stacked[row]
                rank = np.linalg.matrix_rank(chosen, tol=1e-7 * max(np.abs(chosen).max(), 1.0)) if len(chosen) else 0
                cache[key] = max(float(rank) - 1.0, 0.0)
            out[g, c] = cache[key]
    return out


class FamilySums:
    """A family's sums over the design's sampling units, each computed once and only when
    needed: per PSU (Σw per cell, and their design covariance `gram`), per stratum of own-PSU
    respondents (Σw, Σw², count), per replicate of each block. `make_family` builds the entries
    lazily; `row_cells` (cell index per frame row, its discard value, the weights) lets the PSU
    sums skip it; when every group is one stratum of own-PSU respondents, the per-group cell sums
    `group_sums` (Σw, Σw², n) are the strata's."""

    def __init__(self, dataset: Dataset, qd: QueryDesign, make_family, group_sums: tuple, ncell: int,
                 row_cells: tuple | None = None):
        self.dataset, self.qd, self._make, self.group_sums, self.ncell = dataset, qd, make_family, group_sums, ncell
        self.row_cells = row_cells
        self._cache: dict = {}

    def _get(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @property
    def family(self) -> Family:
        return self._get("family", self._make)

    @property
    def units(self) -> np.ndarray:
        """(units, ncell) Σw per PSU."""
        def build():
            qd, n = self.qd, self.ncell
            if not qd.units:
                return np.zeros((0, n))
            if self.row_cells is None:
                return unit_sums(qd, self.family)
            idx, _, weights = self.row_cells
            dump = qd.units * n
            bins = np.multiply(idx, qd.units)
            np.add(bins, qd.cell_major_offset(n), out=bins)
            np.minimum(bins, dump, out=bins)
            # cell-major: each cell's PSU totals are contiguous (fast strata sums); a (units, n) view
            return np.bincount(bins, weights=weights, minlength=dump + 1)[:dump].reshape(n, qd.units).T
        return self._get("units", build)

    def gram(self, other: FamilySums | None = None) -> np.ndarray:
        """(G, n, n) design covariance of the PSUs' cell totals (`psu_gram`), of this family's
        cells followed by `other`'s when given."""
        if other is None or other is self:
            return self._get("gram", lambda: psu_gram(self.qd, self.units))
        return self._get(("gram", id(other)), lambda: psu_gram(self.qd, np.hstack([self.units, other.units])))

    @property
    def elements(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(Σw, Σw², count), each (element strata, ncell)."""
        def build():
            qd = self.qd
            if qd.strata == qd.psu_strata:
                empty = np.zeros((0, self.ncell))
                return empty, empty, empty
            if qd.elements_are_groups:
                eg = qd.stratum_group[qd.psu_strata :]
                return tuple(a[eg] for a in self.group_sums)
            fam = self.family
            return (element_sums(qd, fam, fam.weights), element_sums(qd, fam, fam.weights * fam.weights),
                    element_sums(qd, fam, None))
        return self._get("elements", build)

    def replicates(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        return self._get(("replicates", block), lambda: replicate_sums(self.dataset, self.qd, block, self.family))

    def replicate_df(self, a_den: np.ndarray) -> np.ndarray:
        """(G, estimates) replicate degrees of freedom of each estimate's domain (`replicate_df`)."""
        return replicate_df(self.dataset, self.qd, self.family, a_den)


def ratio_linearised(qd: QueryDesign, num: FamilySums, den: FamilySums, a_num: np.ndarray, a_den: np.ndarray,
                     p: np.ndarray, den_total: np.ndarray) -> Linearised:
    """The `Linearised` sums of proportions p = num/den (G, C), `den_total` their weighted bases:
    a respondent counted in a numerator is in its denominator. A PSU's linearised value is
    U = (S_num·a_num − p S_den·a_den) / D."""
    g, c = p.shape
    safe = np.where(den_total > 0, den_total, 1.0)
    pz = np.nan_to_num(p)
    patterns, domain = np.unique(a_den.T, axis=0, return_inverse=True)
    if qd.units:
        if num is den:
            q = num.gram()
            lmap = (a_num[None] - a_den[None] * pz[:, None, :]) / safe[:, None, :]
        else:
            q = num.gram(den)
            lmap = np.concatenate([np.broadcast_to(a_num[None] / safe[:, None, :], (g, *a_num.shape)),
                                   -a_den[None] * pz[:, None, :] / safe[:, None, :]], axis=1)
        cell_major = den.units.T  # contiguous (cells, units)
        present = np.stack([cell_major[pattern > 0].sum(axis=0) > 0 for pattern in patterns], axis=1)
    else:
        q, lmap, present = np.zeros((g, 1, 1)), np.zeros((g, 1, c)), np.zeros((0, len(patterns)), dtype=bool)
    # own-PSU respondents: Σu = (A_num − p A_den)/D, Σu² = (B_num (1−p)² + (B_den − B_num) p²)/D²
    eg = qd.stratum_group[qd.psu_strata :]
    w_num, w2_num, _ = num.elements
    w_den, w2_den, n_den = den.elements
    a1n, a2n = w_num @ a_num, w2_num @ a_num
    a1d, a2d, rows = w_den @ a_den, w2_den @ a_den, n_den @ a_den
    pe, de = pz[eg], safe[eg]
    elem_su = (a1n - pe * a1d) / de
    elem_su2 = (a2n * (1.0 - pe) ** 2 + (a2d - a2n) * pe * pe) / (de * de)
    lin = Linearised(q, lmap, present, domain.reshape(-1), elem_su, elem_su2, rows, full=p)
    if qd.blocks:
        num_total = p * safe
        for k in range(qd.blocks):
            gk = qd.block_group[k]
            full_n, reps_n = num.replicates(k)
            full_d, reps_d = den.replicates(k)
            with np.errstate(divide="ignore", invalid="ignore"):
                top = num_total[gk] - full_n @ a_num + reps_n @ a_num
                bottom = den_total[gk] - full_d @ a_den + reps_d @ a_den
                lin.thetas.append(np.where(bottom > 0, top / bottom, np.nan))
        lin.replicate_df = den.replicate_df(a_den)
    return lin


def family_df(qd: QueryDesign, sums: FamilySums) -> np.ndarray:
    """(G,) the design's degrees of freedom among all the family's respondents together."""
    present = sums.units.sum(axis=1, keepdims=True) > 0
    rows = sums.elements[2].sum(axis=1, keepdims=True)
    zeros = np.zeros((len(rows), 1))
    g = qd.groups
    lin = Linearised(np.zeros((g, 1, 1)), np.zeros((g, 1, 1)), present, np.zeros(1, dtype=np.intp), zeros, zeros,
                     rows, full=np.zeros((g, 1)))
    if qd.blocks:
        lin.replicate_df = sums.replicate_df(np.ones((sums.ncell, 1)))
    return design_variance(qd, lin)[1][:, 0]

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
from barometer.stats.variance import Linearised, design_variance


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


def replicate_ranks(dataset: Dataset, qd: QueryDesign, block: int, fam: Family, a_den: np.ndarray) -> np.ndarray:
    """(estimates,) rank of the replicate weights of each estimate's domain in the block, as R's
    degf() of the domain's subset design computes it (qr rank)."""
    spec = qd.specs[qd.block_spec[block]]
    ids, patterns = replicate_patterns(dataset)
    mine = qd.block_of_row[fam.rows] == block
    pid = ids[fam.rows[mine]]
    cells = fam.cell[mine]
    uniq, pid_local = np.unique(pid, return_inverse=True)
    seen = np.zeros((fam.ncell, len(uniq)), dtype=bool)
    seen[cells, pid_local] = True
    present = (a_den.T > 0).astype(np.int64) @ seen.astype(np.int64) > 0  # (estimates, P)
    sub = patterns[uniq][:, : len(spec.columns)]
    ranks = np.zeros(a_den.shape[1])
    cache: dict[bytes, int] = {}
    for c, row in enumerate(present):
        key = row.tobytes()
        if key not in cache:
            chosen = sub[row]
            cache[key] = int(np.linalg.matrix_rank(chosen, tol=1e-7 * max(np.abs(chosen).max(), 1.0))) if len(chosen) else 0
        ranks[c] = cache[key]
    return ranks


def ratio_linearised(dataset: Dataset, qd: QueryDesign, num: Family, den: Family,
                     a_num: np.ndarray, a_den: np.ndarray, p: np.ndarray, den_total: np.ndarray,
                     group_sums=None) -> Linearised:
    """The `Linearised` sums of proportions p = num/den (G, C): the numerator's entries are a
    subset of the denominator's (a respondent counted in a numerator is in its denominator).
    `group_sums` (Σw, Σw², counts) per (group, cell) of both families may stand in for the
    element strata's sums when each group is one element stratum."""
    g, c = p.shape
    safe = np.where(den_total > 0, den_total, 1.0)
    pz = np.nan_to_num(p)
    # PSUs: U = (S_num − p S_den) / D
    unit_u = np.zeros((qd.units, c))
    unit_present = np.zeros((qd.units, c), dtype=bool)
    if qd.units:
        ug = qd.unit_group
        s_num = unit_sums(qd, num) @ a_num
        s_den = unit_sums(qd, den) @ a_den
        unit_u = (s_num - pz[ug] * s_den) / safe[ug]
        unit_present = s_den > 0
    # own-PSU respondents: Σu = (A_num − p A_den)/D, Σu² = (B_num (1−p)² + (B_den − B_num) p²)/D²
    strata = qd.strata - qd.psu_strata
    eg = qd.stratum_group[qd.psu_strata :]
    if strata and group_sums is not None:
        (w_num, w2_num, _), (w_den, w2_den, n_den) = group_sums
        a1n, a2n = w_num[eg] @ a_num, w2_num[eg] @ a_num
        a1d, a2d, rows = w_den[eg] @ a_den, w2_den[eg] @ a_den, n_den[eg] @ a_den
    elif strata:
        a1n = element_sums(qd, num, num.weights) @ a_num
        a2n = element_sums(qd, num, num.weights * num.weights) @ a_num
        a1d = element_sums(qd, den, den.weights) @ a_den
        a2d = element_sums(qd, den, den.weights * den.weights) @ a_den
        rows = element_sums(qd, den, None) @ a_den
    else:
        a1n = a2n = a1d = a2d = rows = np.zeros((0, c))
    pe, de = pz[eg], safe[eg]
    elem_su = (a1n - pe * a1d) / de
    elem_su2 = (a2n * (1.0 - pe) ** 2 + (a2d - a2n) * pe * pe) / (de * de)
    lin = Linearised(unit_u, unit_present, elem_su, elem_su2, rows, full=p)
    if qd.blocks:
        num_total, den_total_g = p * safe, den_total
        ranks = np.zeros((qd.blocks, c))
        for k in range(qd.blocks):
            gk = qd.block_group[k]
            full_n, reps_n = replicate_sums(dataset, qd, k, num)
            full_d, reps_d = replicate_sums(dataset, qd, k, den)
            with np.errstate(divide="ignore", invalid="ignore"):
                top = num_total[gk] - full_n @ a_num + reps_n @ a_num
                bottom = den_total_g[gk] - full_d @ a_den + reps_d @ a_den
                lin.thetas.append(np.where(bottom > 0, top / bottom, np.nan))
            ranks[k] = replicate_ranks(dataset, qd, k, den, a_den)
        lin.block_rank = ranks
    return lin


def family_df(dataset: Dataset, qd: QueryDesign, family: Family) -> np.ndarray:
    """(G,) the design's degrees of freedom among all the family's respondents together."""
    present = unit_sums(qd, family).sum(axis=1, keepdims=True) > 0
    rows = element_sums(qd, family, None).sum(axis=1, keepdims=True)
    zeros = np.zeros((len(rows), 1))
    lin = Linearised(np.zeros((qd.units, 1)), present, zeros, zeros, rows, full=np.zeros((qd.groups, 1)))
    if qd.blocks:
        lin.block_rank = np.array([replicate_ranks(dataset, qd, k, family, np.ones((family.ncell, 1)))
                                   for k in range(qd.blocks)])
    return design_variance(qd, lin)[1][:, 0]

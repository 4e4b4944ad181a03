"""The seeded answer model: demographics, latent factors, answers, weights; vectorised with numpy.

Respondents get latent traits (`spec.FACTORS`) from a country-and-wave mean (drawn from the seed,
so country differences and wave-to-wave drift are invented), demographic gradients, a
sampling-point effect and individual noise; a few items add invented regional differences
(`spec.REGION_EFFECTS`). Ordinal and yes/no answers cut a latent response into
categories; nominal answers take the highest utility (Gumbel noise: a multinomial logit); multiple
responses take the top one to three options. Answers are category indexes, `DK` and `REFUSED` are
negative sentinels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from barometer.demo.spec import (
    AGE_BAND_TARGETS,
    AGE_BANDS,
    COUNTRIES,
    COVARIATES,
    ETHNICITIES,
    FACTORS,
    FEMALE_TARGET_SHARE,
    ITEMS,
    REGION_EFFECTS,
    REGIONS,
    RESPONDENTS_PER_FILE,
    SCALES,
    YEARS,
    Item,
)

DK = -1
REFUSED = -2
WEIGHT_RANGE = (0.3, 3.0)
PSU_SIZE = 10

# Effect of each covariate (columns, `COVARIATES` order) on each factor (rows, `FACTORS` order).
FACTOR_GRADIENTS = np.array(
    [
        # female age10 higher primary rural
        [0.00, 0.08, -0.10, 0.05, 0.15],  # trust
        [0.30, 0.05, -0.10, 0.10, -0.15],  # insecurity
        [-0.05, -0.12, 0.35, -0.20, -0.15],  # west
        [-0.15, 0.15, -0.35, 0.30, 0.35],  # tradition
    ]
)


@dataclass(frozen=True)
class World:
    """Invented country and wave parameters, drawn once from the seed."""

    factor_means: np.ndarray  # (country, year, factor)
    item_shifts: np.ndarray  # (country, year, item, category): added to latent / utilities

    @classmethod
    def draw(cls, seed: int) -> World:
        rng = np.random.default_rng([seed, 0])
        n_c, n_y, n_f, n_i = len(COUNTRIES), len(YEARS), len(FACTORS), len(ITEMS)
        country = rng.normal(0.0, 0.35, (n_c, 1, n_f))
        drift = np.cumsum(rng.normal(0.0, 0.10, (n_c, n_y, n_f)), axis=1)
        drift -= drift[:, :1]
        k_max = max(len(SCALES[item.scale].categories) for item in ITEMS)
        item_country = rng.normal(0.0, 0.30, (n_c, 1, n_i, k_max))
        item_drift = np.cumsum(rng.normal(0.0, 0.06, (n_c, n_y, n_i, k_max)), axis=1)
        item_drift -= item_drift[:, :1]
        return cls(country + drift, item_country + item_drift)


@dataclass(frozen=True)
class Wave:
    """One country's respondents in one year: demographics (category indexes), answers, design."""

    country: str
    year: int
    female: np.ndarray
    age: np.ndarray
    age_band: np.ndarray
    education: np.ndarray  # 0 primary, 1 secondary, 2 higher
    rural: np.ndarray
    region: np.ndarray  # index into spec.REGIONS[country]
    ethnicity: np.ndarray  # index into spec.ETHNICITIES[country]
    employment: np.ndarray
    income: np.ndarray  # index, or DK / REFUSED
    stratum: np.ndarray
    psu: np.ndarray
    weight: np.ndarray
    answers: dict[str, np.ndarray]  # item id -> category index or DK / REFUSED
    chosen: dict[str, np.ndarray]  # multiple-response item id -> (n, options) bool

    def __len__(self) -> int:
        return len(self.age)


def draw_wave(world: World, seed: int, country: str, year: int, n: int = RESPONDENTS_PER_FILE) -> Wave:
    """Draw one delivery's respondents; the same (seed, country, year) always gives the same wave."""
    c, y = COUNTRIES.index(country), YEARS.index(year)
    rng = np.random.default_rng([seed, c + 1, year])
    demo = _draw_demographics(rng, country, n)
    x = _covariates(demo)
    stratum, psu = _sampling_points(rng, demo["region"], demo["rural"])
    psu_effect = rng.normal(0.0, 0.25, (psu.max() + 1, len(FACTORS)))[psu]
    factors = world.factor_means[c, y] + x @ FACTOR_GRADIENTS.T + psu_effect
    factors = factors + rng.normal(0.0, 1.0, factors.shape)
    answers: dict[str, np.ndarray] = {}
    chosen: dict[str, np.ndarray] = {}
    for i, item in enumerate(ITEMS):
        shifts = world.item_shifts[c, y, i]
        if item.type == "multiple":
            chosen[item.id] = _draw_multiple(rng, item, factors, x, shifts)
            answers[item.id] = np.zeros(n, dtype=np.int16)
        elif item.utilities:
            answers[item.id] = _draw_nominal(rng, item, factors, x, shifts)
        else:
            shift = shifts[0] + _region_shift(item, country, demo["region"])
            answers[item.id] = _draw_ordinal(rng, item, factors, x, shift)
        answers[item.id] = _with_nonresponse(rng, answers[item.id], item.dk, demo)
    income = _with_nonresponse(rng, demo.pop("income"), 0.05, demo, refused=0.06)
    weight = _poststratification_weights(rng, country, demo)
    return Wave(country, year, income=income, stratum=stratum, psu=psu, weight=weight,
                answers=answers, chosen=chosen, **demo)  # fmt: skip


def _region_shift(item: Item, country: str, region: np.ndarray) -> np.ndarray | float:
    """Each respondent's regional shift of an item's latent answer (`spec.REGION_EFFECTS`)."""
    effects = REGION_EFFECTS.get(item.id)
    if not effects:
        return 0.0
    return np.array([effects.get(r.code, 0.0) for r in REGIONS[country]])[region]


def _draw_demographics(rng: np.random.Generator, country: str, n: int) -> dict[str, np.ndarray]:
    regions = REGIONS[country]
    shares = np.array([r.share for r in regions])
    region = rng.choice(len(regions), size=n, p=shares / shares.sum())
    # The fieldwork over-represents towns, women and older people a little: weights correct it.
    urban_p = np.minimum(np.array([r.urban for r in regions])[region] + 0.08, 0.95)
    rural = rng.random(n) >= urban_p
    female = rng.random(n) < 0.56
    age = np.clip(np.round(18 + 72 * rng.beta(1.2, 1.6, n)), 18, 95).astype(np.int16)
    age_band = np.searchsorted([b[2] for b in AGE_BANDS], age).astype(np.int16)
    age10 = (age - 45) / 10
    education = _gumbel_choice(
        rng, np.column_stack([0.2 + 0.4 * age10 + 0.5 * rural, np.full(n, 0.9), -0.25 * age10 - 0.6 * rural])
    )
    ethnicity = _draw_ethnicity(rng, country, region)
    young, old = age < 25, age >= 62
    employment = _gumbel_choice(
        rng,
        np.column_stack([
            0.8 + 0.6 * (education == 2) - 0.3 * female - 2.5 * old,
            -0.6 + 0.3 * rural - 1.5 * old,
            0.0 + 0.4 * (education == 0) - 1.5 * old,
            -4.0 + 5.5 * young + 1.5 * (age < 30),
            -5.0 + 7.0 * old,
            -2.5 + 2.0 * female,
        ]),
    )
    latent_income = (
        0.8 * (education == 2) - 0.6 * (education == 0) + 0.7 * (employment <= 1)
        - 0.5 * (employment == 2) - 0.3 * rural + rng.normal(0.0, 1.0, n)
    )  # fmt: skip
    income = np.searchsorted([-0.3, 0.8, 1.8], latent_income).astype(np.int16)
    return {
        "female": female, "age": age, "age_band": age_band, "education": education.astype(np.int16),
        "rural": rural, "region": region.astype(np.int16), "ethnicity": ethnicity,
        "employment": employment.astype(np.int16), "income": income,
    }  # fmt: skip


def _draw_ethnicity(rng: np.random.Generator, country: str, region: np.ndarray) -> np.ndarray:
    groups = ETHNICITIES[country]
    base = np.array([share for _, share in groups])
    codes = [code for code, _ in groups]
    region_codes = [r.code for r in REGIONS[country]]
    # Minorities cluster in some regions (invented concentrations).
    clusters = {"xk_mitrovica": "serb", "rs_vojvodina": "hungarian", "rs_south_east": "albanian"}
    out = np.empty(len(region), dtype=np.int16)
    for r, rcode in enumerate(region_codes):
        p = base.copy()
        if clusters.get(rcode) in codes:
            p[codes.index(clusters[rcode])] *= 6
        mask = region == r
        out[mask] = rng.choice(len(codes), size=int(mask.sum()), p=p / p.sum())
    return out


def _covariates(demo: dict[str, np.ndarray]) -> np.ndarray:
    columns = {
        "female": demo["female"].astype(float),
        "age10": (demo["age"] - 45) / 10,
        "higher_edu": (demo["education"] == 2).astype(float),
        "primary_edu": (demo["education"] == 0).astype(float),
        "rural": demo["rural"].astype(float),
    }
    return np.column_stack([columns[name] for name in COVARIATES])


def _sampling_points(
    rng: np.random.Generator, region: np.ndarray, rural: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Strata (region x settlement; a small stratum merges into its region) and sampling
    points of about `PSU_SIZE` respondents, at least two per stratum."""
    stratum = region.astype(np.int32) * 10 + 10 + rural.astype(np.int32) + 1
    codes, inverse, counts = np.unique(stratum, return_inverse=True, return_counts=True)
    small = counts[inverse] < 2 * PSU_SIZE
    stratum = np.where(small, region.astype(np.int32) * 10 + 10, stratum)
    order = np.lexsort((rng.random(len(stratum)), stratum))
    sorted_strata = stratum[order]
    _, first, counts = np.unique(sorted_strata, return_index=True, return_counts=True)
    group = np.repeat(np.arange(len(first)), counts)
    position = np.arange(len(order)) - first[group]
    n_points = np.maximum(2, np.round(counts / PSU_SIZE).astype(int))[group]
    point = position * n_points // counts[group]
    _, psu_sorted = np.unique(group * 1000 + point, return_inverse=True)
    psu = np.empty(len(order), dtype=np.int32)
    psu[order] = psu_sorted
    return stratum.astype(np.int32), psu


def _gumbel_choice(rng: np.random.Generator, utilities: np.ndarray) -> np.ndarray:
    return np.argmax(utilities + rng.gumbel(size=utilities.shape), axis=1)


def _linear(factors: np.ndarray, x: np.ndarray, loadings: dict, effects: dict) -> np.ndarray:
    load = np.array([loadings.get(f, 0.0) for f in FACTORS])
    eff = np.array([effects.get(v, 0.0) for v in COVARIATES])
    return factors @ load + x @ eff


def _draw_ordinal(rng, item: Item, factors, x, shift: np.ndarray | float) -> np.ndarray:
    k = len(SCALES[item.scale].categories)
    cuts = np.array([0.0]) if k == 2 else np.linspace(1.4, -1.4, k - 1)
    latent = item.intercept + shift + _linear(factors, x, item.loadings, item.effects)
    latent = latent + rng.normal(0.0, 1.0, len(latent))
    return (latent[:, None] < cuts[None, :]).sum(axis=1).astype(np.int16)


def _utilities(item: Item, factors, x, shifts) -> np.ndarray:
    return np.column_stack([
        u.intercept + shifts[j] + _linear(factors, x, u.loadings, u.effects)
        for j, u in enumerate(item.utilities)
    ])  # fmt: skip


def _draw_nominal(rng, item: Item, factors, x, shifts) -> np.ndarray:
    return _gumbel_choice(rng, _utilities(item, factors, x, shifts)).astype(np.int16)


def _draw_multiple(rng, item: Item, factors, x, shifts) -> np.ndarray:
    utilities = _utilities(item, factors, x, shifts)
    utilities = utilities + rng.gumbel(size=utilities.shape)
    n_chosen = rng.choice(np.arange(1, item.choices + 1), size=len(utilities), p=_choice_counts(item.choices))
    ranks = np.argsort(np.argsort(-utilities, axis=1), axis=1)
    return ranks < n_chosen[:, None]


def _choice_counts(choices: int) -> np.ndarray:
    p = np.arange(1, choices + 1, dtype=float) ** 1.5
    return p / p.sum()


def _with_nonresponse(rng, answers: np.ndarray, dk: float, demo: dict, refused: float = 0.01) -> np.ndarray:
    """Replace some answers by DK (more often among the less educated and the old) and refusals."""
    p_dk = dk * (1 + 0.5 * (demo["education"] == 0) + 0.3 * (demo["age"] >= 60) - 0.3 * (demo["education"] == 2))
    u = rng.random(len(answers))
    out = answers.copy()
    out[u < p_dk] = DK
    out[(u >= p_dk) & (u < p_dk + refused)] = REFUSED
    return out


def _poststratification_weights(rng, country: str, demo: dict) -> np.ndarray:
    """Cell weights gender x age band x settlement against target shares, with noise, normalised
    to mean 1 and trimmed to `WEIGHT_RANGE`."""
    regions = REGIONS[country]
    urban_target = sum(r.share * r.urban for r in regions) / sum(r.share for r in regions)
    cell = demo["female"].astype(int) * 8 + demo["age_band"] * 2 + demo["rural"].astype(int)
    target = (
        np.where(demo["female"], FEMALE_TARGET_SHARE, 1 - FEMALE_TARGET_SHARE)
        * np.asarray(AGE_BAND_TARGETS)[demo["age_band"]]
        * np.where(demo["rural"], 1 - urban_target, urban_target)
    )
    sample_share = np.bincount(cell, minlength=16)[cell] / len(cell)
    weight = target / sample_share * rng.lognormal(0.0, 0.25, len(cell))
    for _ in range(50):
        weight = np.clip(weight / weight.mean(), *WEIGHT_RANGE)
    return weight / weight.mean()

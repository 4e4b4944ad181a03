"""Every figure against R's `survey` package itself (Debian's r-cran-survey, read with haven).

For each case the test writes survey files with pyreadstat, loads them through ingest and the
codebook like any delivery, computes tables with `barometer.stats`, and has Rscript compute the
same from the files with svydesign / svrepdesign, svymean on each domain's subset (as svyby
does), degf(), confint() and svychisq(). Proportions' intervals: the Korn-Graubard effective n of
svyciprop(method = "beta") in R's Wilson interval (prop.test without continuity correction).
Percentages, standard errors, interval ends and the Rao-Scott statistic, df, ddf and p must agree
to 1e-9; the largest differences are written to artifacts/r_differences/<case>.json.

Cases: the demo's 2025 files (strata and PSUs; sampling zeros in Kosovo's safety by ethnicity;
numeric and multiple-response items; row and total percentages; a filter; three countries pooled),
a multi-country, multi-wave file with strata and PSUs beside a weighted file without a design and
an unweighted one, replicate weights (JK1, bootstrap with mse), lonely-PSU strata under each of
R's rules (with fpc as counts and as fractions), and a table with sampling zeros and an empty
margin. Without Rscript (and the survey and haven packages) the tests skip, except under CI=true
where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from barometer.codebook import Codebook, Thresholds
from barometer.dataset import Dataset
from barometer.ingest import build_dataset, load_dataset
from barometer.stats import Query, crosstab
from barometer.stats.selection import POOLED

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "r_differences"
TOLERANCE = 1e-9
STATS = ("percent", "se", "ci_low", "ci_high", "statistic", "df", "ddf", "p")


def require_r() -> str:
    """The Rscript executable with survey and haven, else skip (fail under CI=true)."""
    rscript = shutil.which("Rscript")
    ok = rscript is not None and subprocess.run(
        [rscript, "-e", "suppressMessages({library(survey); library(haven)})"],
        capture_output=True, timeout=120).returncode == 0
    if ok:
        return rscript
    message = ("Rscript with the survey and haven packages is missing: install them with "
               "`apt-get install -y r-base-core r-cran-survey r-cran-haven`")
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


R_PRELUDE = r"""
suppressMessages({library(survey); library(haven)})
out <- list()
add <- function(case, country, year, by, category, stat, value) {
  out[[length(out) + 1]] <<- data.frame(case = case, country = country, year = year, by = by,
    category = category, stat = stat, value = as.numeric(value))
}
recode <- function(x, map) {
  x <- as.numeric(zap_labels(x))
  codes <- rep(NA_character_, length(x))
  for (k in names(map)) codes[!is.na(x) & x %in% map[[k]]] <- k
  codes
}
numeric_of <- function(x, missing = c()) {
  x <- as.numeric(zap_labels(x))
  x[x %in% missing] <- NA
  x
}
kg_wilson <- function(p, v, n, df) {
  if (!(v > 0)) return(c(NA, NA))
  # the effective n of svyciprop(method = "beta") (Korn & Graubard), in R's Wilson interval
  n.eff <- p * (1 - p) / v * (qt(0.025, n - 1) / qt(0.025, df))^2
  suppressWarnings(as.numeric(prop.test(p * n.eff, n.eff, correct = FALSE)$conf.int))
}
emit_share <- function(case, country, year, by, code, sub, y) {
  sub <- update(sub, .y = y)
  m <- svymean(~.y, sub)
  p <- unname(coef(m)[1]); v <- unname(vcov(m)[1, 1])
  ci <- kg_wilson(p, v, nrow(sub), degf(sub))
  add(case, country, year, by, code, "percent", 100 * p)
  add(case, country, year, by, code, "se", 100 * sqrt(v))
  add(case, country, year, by, code, "ci_low", 100 * ci[1])
  add(case, country, year, by, code, "ci_high", 100 * ci[2])
}
emit_test <- function(case, country, year, base, statistic = "F") {
  t <- svychisq(~.b + .q, base, statistic = statistic)
  add(case, country, year, "", "", "statistic", t$statistic)
  add(case, country, year, "", "", "df", t$parameter[1])
  if (statistic == "F") add(case, country, year, "", "", "ddf", t$parameter[2])
  add(case, country, year, "", "", "p", t$p.value)
}
column_shares <- function(case, country, year, des, groups, test = TRUE) {
  base <- subset(des, !is.na(.q) & !is.na(.b))
  for (b in sort(unique(base$variables$.b))) {
    sub <- subset(base, .b == b)
    for (code in names(groups)) emit_share(case, country, year, b, code, sub, as.numeric(sub$variables$.q %in% groups[[code]]))
  }
  if (test) emit_test(case, country, year, base)
}
row_shares <- function(case, country, year, des, groups) {
  base <- subset(des, !is.na(.q) & !is.na(.b))
  levels <- sort(unique(base$variables$.b))
  for (code in names(groups)) {
    members <- groups[[code]]
    sub <- subset(base, .q %in% members)
    for (b in levels) emit_share(case, country, year, b, code, sub, as.numeric(sub$variables$.b == b))
  }
}
total_shares <- function(case, country, year, des, groups) {
  base <- subset(des, !is.na(.q) & !is.na(.b))
  for (b in sort(unique(base$variables$.b))) for (code in names(groups))
    emit_share(case, country, year, b, code, base, as.numeric(base$variables$.b == b & base$variables$.q %in% groups[[code]]))
}
option_shares <- function(case, country, year, des, options) {
  base <- subset(des, .answered & !is.na(.b))
  for (b in sort(unique(base$variables$.b))) {
    sub <- subset(base, .b == b)
    for (code in options) emit_share(case, country, year, b, code, sub, as.numeric(sub$variables[[paste0(".o_", code)]] == 1))
  }
}
column_means <- function(case, country, year, des) {
  base <- subset(des, !is.na(.x) & !is.na(.b))
  for (b in sort(unique(base$variables$.b))) {
    sub <- subset(base, .b == b)
    m <- svymean(~.x, sub)
    ci <- confint(m, df = degf(sub))
    add(case, country, year, b, "mean", "percent", coef(m)[1])
    add(case, country, year, b, "mean", "se", SE(m)[1])
    add(case, country, year, b, "mean", "ci_low", ci[1, 1])
    add(case, country, year, b, "mean", "ci_high", ci[1, 2])
  }
}
srs_shares <- function(case, country, year, d, groups) {
  d <- d[!is.na(d$.q) & !is.na(d$.b), ]
  for (b in sort(unique(d$.b))) {
    q <- d$.q[d$.b == b]
    n <- length(q)
    for (code in names(groups)) {
      x <- sum(q %in% groups[[code]])
      p <- x / n
      ci <- as.numeric(prop.test(x, n, correct = FALSE)$conf.int)
      add(case, country, year, b, code, "percent", 100 * p)
      add(case, country, year, b, code, "se", 100 * sqrt(p * (1 - p) / n))
      add(case, country, year, b, code, "ci_low", 100 * ci[1])
      add(case, country, year, b, code, "ci_high", 100 * ci[2])
    }
  }
  t <- suppressWarnings(chisq.test(table(d$.b, d$.q), correct = FALSE))
  add(case, country, year, "", "", "statistic", t$statistic)
  add(case, country, year, "", "", "df", t$parameter)
  add(case, country, year, "", "", "p", t$p.value)
}
"""


def r_list(mapping: dict[str, list]) -> str:
    """A named R list of vectors: list(`a` = c(1, 2), ...)."""
    def vector(values):
        return "c(" + ", ".join(f'"{v}"' if isinstance(v, str) else repr(float(v)) for v in values) + ")"
    return "list(" + ", ".join(f"`{k}` = {vector(v)}" for k, v in mapping.items()) + ")"


def r_string(text: str) -> str:
    return '"' + str(text).replace("\\", "/") + '"'


@dataclass
class Case:
    """One comparison: our results as long rows, and the R code computing the same."""

    name: str
    r_code: list[str] = field(default_factory=list)
    ours: list[dict] = field(default_factory=list)

    def add_result(self, result) -> None:
        """Our figures of a Result in the long shape R writes."""
        for row in result.table.itertuples(index=False):
            by = "" if row.by is None else str(row.by)
            for stat in ("percent", "se", "ci_low", "ci_high"):
                self.ours.append({"case": self.name, "country": row.country, "year": int(row.year), "by": by,
                                  "category": str(row.category), "stat": stat, "value": float(getattr(row, stat))})
        for row in result.tests.itertuples(index=False):
            values = {"statistic": row.statistic, "df": row.df, "ddf": row.ddf, "p": row.p_value}
            for stat, value in values.items():
                self.ours.append({"case": self.name, "country": row.country, "year": int(row.year), "by": "",
                                  "category": "", "stat": stat, "value": float(value)})


def compare_with_r(case: Case, tmp_path: Path) -> dict[str, float]:
    """Run the case's R code; every figure R gives must match ours to TOLERANCE. Returns the
    largest absolute difference per statistic (also written to artifacts/)."""
    rscript = require_r()
    script = tmp_path / f"{case.name}.R"
    csv = tmp_path / f"{case.name}.csv"
    script.write_text(R_PRELUDE + "\n".join(case.r_code)
                      + f'\nwrite.csv(do.call(rbind, out), {r_string(csv)}, row.names = FALSE)\n', encoding="utf-8")
    run = subprocess.run([rscript, "--vanilla", str(script)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    theirs = pd.read_csv(csv, keep_default_na=False, na_values=["NA"], dtype={"by": str, "category": str,
                                                                               "country": str})
    ours = pd.DataFrame(case.ours)
    keys = ["case", "country", "year", "by", "category", "stat"]
    assert not theirs.duplicated(keys).any()
    merged = theirs.merge(ours, on=keys, how="left", suffixes=("_r", "_ours"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"figures R has and we lack:\n{missing[keys].head(20)}"
    compared = merged[merged["value_r"].notna()]
    assert len(compared) > 0
    diff = (compared["value_r"] - compared["value_ours"]).abs()
    assert not compared["value_ours"].isna().any(), compared[compared["value_ours"].isna()][keys].head(20)
    largest = {stat: float(diff[compared["stat"] == stat].max()) for stat in STATS if (compared["stat"] == stat).any()}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{case.name}.json").write_text(json.dumps({"compared": int(len(compared)), "largest": largest},
                                                            indent=1), encoding="utf-8")
    worst = compared.assign(diff=diff).sort_values("diff", ascending=False).head(10)
    assert diff.max() <= TOLERANCE, f"differences from R above {TOLERANCE}:\n{worst}"
    return largest


def without_suppression(dataset: Dataset) -> Dataset:
    """The same data with every base shown (R computes all of them)."""
    info = dataset.codebook.dataset.model_copy(update={"thresholds": Thresholds(min_base=0, small_base=1)})
    return Dataset(dataset.codebook.model_copy(update={"dataset": info}), dataset.frame, dataset.version)


# -- the demo's 2025 files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    return without_suppression(load_dataset())


def demo_read(codebook: Codebook, source_id: str, indicator: str, by: str | None = None) -> str:
    """R code reading one demo delivery into `d` with .q (answer codes), .b, .w, .stratum, .psu."""
    source = codebook.sources_by_id[source_id]
    path = ROOT / "data" / source.file
    lines = [f"d <- read_sav({r_string(path)})"]
    ind = codebook.indicator(indicator)
    smap = ind.sources[source_id]
    if ind.type == "numeric":
        lines.append(f"d$.x <- numeric_of(d${smap.variable}, {r_vector(smap.missing_codes)})")
    elif ind.type == "multiple":
        for option, var in (smap.variables or {}).items():
            lines.append(f"d$.o_{option} <- as.numeric(numeric_of(d${var}, {r_vector(smap.missing_codes)}) == {smap.selected})")
            lines.append(f"d$.o_{option}[is.na(d$.o_{option})] <- 0")
        lines.append(f"d$.answered <- {' | '.join(f'!is.na(numeric_of(d${v}, {r_vector(smap.missing_codes)}))' for v in (smap.variables or {}).values())}")
    else:
        lines.append(f"d$.q <- recode(d${smap.variable}, {r_list(substantive(codebook, indicator, smap))})")
    if by is not None:
        bmap = codebook.indicator(by).sources[source_id]
        lines.append(f"d$.b <- recode(d${bmap.variable}, {r_list(substantive(codebook, by, bmap))})")
    else:
        lines.append('d$.b <- ""')
    lines.append(f"d$.w <- as.numeric(d${source.weight}); d$.stratum <- as.numeric(d${source.strata}); "
                 f"d$.psu <- as.numeric(d${source.psu}); d$.country <- {r_string(source.country)}")
    return "\n".join(lines)


def r_vector(values) -> str:
    return "c(" + ", ".join(repr(float(v)) for v in values) + ")"


def substantive(codebook: Codebook, indicator: str, smap) -> dict[str, list]:
    """Category code -> the source codes meaning it, for the categories counted in bases."""
    counted = {c.code for c in codebook.categories_of(indicator) if c.missing is None}
    out: dict[str, list] = {}
    for value, code in codebook.codemap(smap).items():
        if code in counted:
            out.setdefault(code, []).append(value)
    return out


def answer_groups(codebook: Codebook, indicator: str) -> dict[str, list[str]]:
    """Each kept answer code and each net -> the answer codes it counts (R compares codes)."""
    ind = codebook.indicator(indicator)
    groups = {c.code: [c.code] for c in codebook.categories_of(ind) if c.missing is None}
    groups.update({n.code: list(n.categories) for n in ind.nets})
    return groups


DESIGN_2025 = "des <- svydesign(ids = ~.psu, strata = ~.stratum, weights = ~.w, data = d, nest = TRUE)"


def test_demo_2025_against_r(demo, tmp_path):
    cb = demo.codebook
    case = Case("demo_2025")
    case.r_code.append('options(survey.lonely.psu = "adjust")')
    safety = answer_groups(cb, "safe_neighbourhood")
    # Kosovo: safety by ethnicity has sampling zeros (issue 14); its test is checked against R's
    # svychisq with the rest of the case (the demo data's invented regional differences moved
    # the p-value of the example, 0.43, so it is not pinned here)
    result = crosstab(demo, Query("safe_neighbourhood", by="ethnicity", countries=("XK",), years=(2025,)))
    counts = result.table[~result.table["is_net"]].pivot(index="category", columns="by", values="n")
    assert (counts == 0).any().any() and (counts > 0).any().all()  # empty cells, no empty group
    assert len(result.tests) == 1
    case.add_result(result)
    case.r_code += ["local({", demo_read(cb, "XK_2025", "safe_neighbourhood", "ethnicity"), DESIGN_2025,
                    f'column_shares("demo_2025", "XK", 2025, des, {r_list(safety)})', "})"]
    # every 2025 file: safety by gender, column, row and total percentages
    for source_id, country in (("AL_2025", "AL"), ("RS_2025", "RS"), ("XK_2025", "XK")):
        for percent, fn in (("column", "column_shares"), ("row", "row_shares"), ("total", "total_shares")):
            sub = Case(f"demo_2025_{percent}")
            result = crosstab(demo, Query("safe_neighbourhood", by="gender", countries=(country,), years=(2025,),
                                          percent=percent))
            sub.add_result(result)
            if percent != "column":
                sub.ours = [r for r in sub.ours if r["stat"] not in ("statistic", "df", "ddf", "p")]
            case.ours += [dict(r, case=f"demo_2025_{percent}") for r in sub.ours]
            case.r_code += ["local({", demo_read(cb, source_id, "safe_neighbourhood", "gender"), DESIGN_2025,
                            f'{fn}("demo_2025_{percent}", "{country}", 2025, des, {r_list(safety)})', "})"]
    # a numeric mean, a multiple-response item and a filter
    for source_id, country in (("AL_2025", "AL"), ("RS_2025", "RS")):
        case.add_result(crosstab(demo, Query("age", by="gender", countries=(country,), years=(2025,))))
        case.r_code += ["local({", demo_read(cb, source_id, "age", "gender"), DESIGN_2025,
                        f'column_means("demo_2025", "{country}", 2025, des)', "})"]
        threats = [c.code for c in cb.categories_of("security_threats")]
        case.add_result(crosstab(demo, Query("security_threats", by="gender", countries=(country,), years=(2025,))))
        case.r_code += ["local({", demo_read(cb, source_id, "security_threats", "gender"), DESIGN_2025,
                        f'option_shares("demo_2025", "{country}", 2025, des, c({", ".join(map(r_string, threats))}))',
                        "})"]
    women = Case("demo_2025_filter")
    women.add_result(crosstab(demo, Query("safe_neighbourhood", by="settlement", countries=("RS",), years=(2025,),
                                          filters=(("gender", ("female",)),))))
    case.ours += women.ours
    case.r_code += ["local({", demo_read(cb, "RS_2025", "safe_neighbourhood", "settlement"),
                    f'd$.b[recode(d${cb.indicator("gender").sources["RS_2025"].variable}, '
                    f'{r_list(substantive(cb, "gender", cb.indicator("gender").sources["RS_2025"]))}) != "female"] <- NA',
                    DESIGN_2025, f'column_shares("demo_2025_filter", "RS", 2025, des, {r_list(safety)})', "})"]
    # the three countries pooled, each counting equally: strata nested in country
    pooled = crosstab(demo, Query("safe_neighbourhood", by="gender", countries=("AL", "XK", "RS"), years=(2025,),
                                  pool="equal"))
    pool_case = Case("demo_2025_pooled")
    pool_case.add_result(pooled)
    case.ours += pool_case.ours
    parts = []
    for i, source_id in enumerate(("AL_2025", "XK_2025", "RS_2025")):
        parts += [demo_read(cb, source_id, "safe_neighbourhood", "gender"),
                  f"d{i} <- d[, c('.q', '.b', '.w', '.stratum', '.psu', '.country')]"]
    case.r_code += ["local({", *parts, "d <- rbind(d0, d1, d2)",
                    "W <- tapply(d$.w, d$.country, sum)",
                    "d$.pw <- d$.w * nrow(d) / 3 / W[d$.country]",
                    "des <- svydesign(ids = ~.psu, strata = ~interaction(.country, .stratum), weights = ~.pw, "
                    "data = d, nest = TRUE)",
                    f'column_shares("demo_2025_pooled", "{POOLED}", 2025, des, {r_list(safety)})', "})"]
    compare_with_r(case, tmp_path)


# -- generated deliveries ------------------------------------------------------------------------------

ANSWERS = {"yes": [1], "rather_yes": [2], "rather_no": [3], "no": [4]}
GROUPS = {"g1": [1], "g2": [2], "g3": [3]}
CATEGORIES = [{"code": c, "label": c} for c in ANSWERS] + [{"code": "dk", "label": "Don't know", "missing": "dk"}]
NETS = [{"code": "agree", "label": "Agree", "categories": ["yes", "rather_yes"]}]
ANSWER_GROUPS = {**{c: [c] for c in ANSWERS}, "agree": ["yes", "rather_yes"]}


def clustered(rng: np.random.Generator, psus_per_stratum, per_psu: int = 8) -> pd.DataFrame:
    """Respondents in PSUs in strata (PSU codes restart in each stratum), answers leaning on a PSU
    effect and the breakdown group, weights varying by stratum and person; about 4% don't know
    (8) and 3% without a group."""
    rows = []
    for s, count in enumerate(psus_per_stratum, start=1):
        for p in range(1, count + 1):
            size = int(rng.integers(max(per_psu - 3, 2), per_psu + 4))
            effect = rng.normal(0.0, 0.7)
            group = rng.integers(1, 4, size)
            score = effect + 0.4 * (group - 2) + rng.normal(0.0, 1.0, size)
            answer = np.digitize(score, [-0.8, 0.0, 0.8]) + 1
            answer = np.where(rng.random(size) < 0.04, 8, answer)
            rows.append(pd.DataFrame({
                "stratum": float(s), "psu": float(p), "q": answer.astype(float),
                "e": np.where(rng.random(size) < 0.03, np.nan, group.astype(float)),
                "x": np.round(40 + 8 * effect + rng.normal(0, 12, size), 1),
                "w": rng.gamma(4.0, 0.25, size) * (1.0 + 0.3 * s),
            }))
    frame = pd.concat(rows, ignore_index=True)
    frame["w"] = frame["w"] / frame["w"].mean()
    return frame


def indicators(sources: dict[str, dict[str, str]]) -> list[dict]:
    """q (4 answers + don't know, a net), e (three groups) and x (numeric) in every source."""
    return [
        {"id": "q", "topic": "t", "type": "ordinal", "question": "Q", "categories": CATEGORIES, "nets": NETS,
         "sources": {s: {"variable": v.get("q", "q"), "codes": {1: "yes", 2: "rather_yes", 3: "rather_no", 4: "no", 8: "dk"}}
                     for s, v in sources.items()}},
        {"id": "e", "topic": "t", "type": "single", "question": "E",
         "categories": [{"code": g, "label": g} for g in GROUPS],
         "sources": {s: {"variable": "e", "codes": {1: "g1", 2: "g2", 3: "g3"}} for s in sources}},
        {"id": "x", "topic": "t", "type": "numeric", "question": "X", "sources": {s: {"variable": "x"} for s in sources}},
    ]


def codebook_of(sources: list[dict], countries=("AL", "XK", "RS", "ME")) -> Codebook:
    return Codebook.model_validate({
        "dataset": {"id": "r_check", "title": "R check", "synthetic": True,
                    "thresholds": {"min_base": 0, "small_base": 1}},
        "countries": {c: {"name": {"en": c}, "adult_population": 1000} for c in countries},
        "topics": [{"id": "t", "label": "T"}],
        "sources": sources,
        "indicators": indicators({s["id"]: {} for s in sources}),
    })


def read_generated(path: Path, extra: str = "") -> str:
    reader = "read_dta" if path.suffix == ".dta" else "read_sav"
    return "\n".join([
        f"d <- {reader}({r_string(path)})",
        f"d$.q <- recode(d$q, {r_list(ANSWERS)}); d$.b <- recode(d$e, {r_list(GROUPS)}); d$.x <- numeric_of(d$x)",
        extra,
    ])


def check_groups(case: Case, dataset: Dataset, keys, data_code, design_code, lonely="adjust"):
    """Our crosstab of q by e and mean of x by e per (country, year) in `keys`, and the R code
    computing them from `data_code` (R reading d for one group; a function of the country and
    year, or the code itself) and `design_code` (making des)."""
    for country, year in keys:
        query = Query("q", by="e", countries=(country,), years=(year,))
        case.add_result(crosstab(dataset, query))
        case.add_result(crosstab(dataset, Query("x", by="e", countries=(country,), years=(year,))))
        reading = data_code(country, year) if callable(data_code) else data_code
        case.r_code += ["local({", f'options(survey.lonely.psu = "{lonely}")', reading, design_code,
                        f'column_shares("{case.name}", "{country}", {year}, des, {r_list(ANSWER_GROUPS)})',
                        f'column_means("{case.name}", "{country}", {year}, des)', "})"]


def test_multi_country_multi_wave_file_against_r(tmp_path):
    """One file, three countries and two waves (strata codes reused across countries, PSU codes
    restarting within strata): every country-year uses the design (issue 14, defect 1); beside it
    a weighted file without a design (ids = ~1) and an unweighted one (Pearson, Wilson on n)."""
    rng = np.random.default_rng(14)
    parts = []
    for c, country in enumerate((1, 2, 3)):
        for year in (2023, 2024):
            part = clustered(rng, [3, 4, 2, 5][: 2 + c + (year == 2024)])
            part["country"], part["year"] = float(country), float(year)
            parts.append(part)
    multi = pd.concat(parts, ignore_index=True)
    pyreadstat.write_sav(multi, tmp_path / "multi.sav",
                         variable_value_labels={"country": {1: "AL", 2: "XK", 3: "RS"}})
    plain = clustered(rng, [12], per_psu=30)
    pyreadstat.write_dta(plain, tmp_path / "weights_only.dta")
    unweighted = clustered(rng, [10], per_psu=25).drop(columns="w")
    pyreadstat.write_sav(unweighted, tmp_path / "unweighted.sav")
    codebook = codebook_of([
        {"id": "multi", "country": "AL", "year": 2023, "file": "multi.sav", "weight": "w",
         "country_variable": "country", "year_variable": "year", "design": {"strata": "stratum", "psu": "psu"}},
        {"id": "plain", "country": "ME", "year": 2023, "file": "weights_only.dta", "weight": "w"},
        {"id": "unweighted", "country": "ME", "year": 2024, "file": "unweighted.sav"},
    ])
    dataset, report = build_dataset(codebook, tmp_path)
    assert not report.errors
    case = Case("multi_country")
    keys = [(c, y) for c in ("AL", "XK", "RS") for y in (2023, 2024)]
    result = crosstab(dataset, Query("q", by="e", countries=("AL", "XK", "RS")))
    assert {d.method for d in result.design.per_group} == {"design"}

    def multi_rows(country, year):
        code = {"AL": 1, "XK": 2, "RS": 3}[country]
        return read_generated(tmp_path / "multi.sav", f"d <- d[d$country == {code} & d$year == {year}, ]")

    check_groups(case, dataset, keys, multi_rows,
                 "des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)")
    check_groups(case, dataset, [("ME", 2023)], read_generated(tmp_path / "weights_only.dta"),
                 "des <- svydesign(ids = ~1, weights = ~w, data = d)")
    srs = crosstab(dataset, Query("q", by="e", countries=("ME",), years=(2024,)))
    assert srs.tests.iloc[0].method == "Pearson chi-square" and not srs.query.weighted
    case.add_result(srs)
    case.r_code += ["local({", read_generated(tmp_path / "unweighted.sav"),
                    f'srs_shares("{case.name}", "ME", 2024, d, {r_list(ANSWER_GROUPS)})', "})"]
    # the three countries pooled per wave, each counting equally: strata nested in country
    pooled = crosstab(dataset, Query("q", by="e", countries=("AL", "XK", "RS"), pool="equal"))
    case.add_result(pooled)
    for year in (2023, 2024):
        case.r_code += ["local({", read_generated(tmp_path / "multi.sav", f"d <- d[d$year == {year}, ]"),
                        "W <- tapply(d$w, d$country, sum); d$pw <- d$w * nrow(d) / 3 / W[as.character(d$country)]",
                        "des <- svydesign(ids = ~psu, strata = ~interaction(country, stratum), weights = ~pw, "
                        "data = d, nest = TRUE)",
                        f'column_shares("{case.name}", "{POOLED}", {year}, des, {r_list(ANSWER_GROUPS)})', "})"]
    compare_with_r(case, tmp_path)


def jk1_weights(frame: pd.DataFrame) -> pd.DataFrame:
    """Delete-one-PSU jackknife (unstratified): replicate r drops PSU r, the others × R/(R−1)."""
    psus = np.sort(frame["psu"].unique())
    r = len(psus)
    reps = {f"repwt{i + 1}": np.where(frame["psu"] == p, 0.0, frame["w"] * r / (r - 1)) for i, p in enumerate(psus)}
    return pd.concat([frame, pd.DataFrame(reps)], axis=1)


def bootstrap_weights(frame: pd.DataFrame, rng: np.random.Generator, replicates: int) -> pd.DataFrame:
    """Rescaled bootstrap of PSUs within strata: multiplicities of n_h - 1 draws × n_h/(n_h - 1)."""
    reps = {}
    for r in range(replicates):
        factor = np.zeros(len(frame))
        for _, rows in frame.groupby("stratum").groups.items():
            psus = np.sort(frame.loc[rows, "psu"].unique())
            draws = rng.choice(psus, len(psus) - 1)
            counts = {p: (draws == p).sum() * len(psus) / (len(psus) - 1) for p in psus}
            factor[rows] = frame.loc[rows, "psu"].map(counts).to_numpy()
        reps[f"rw_{r + 1}"] = frame["w"].to_numpy() * factor
    return pd.concat([frame, pd.DataFrame(reps)], axis=1)


def test_replicate_weights_against_r(tmp_path):
    rng = np.random.default_rng(15)
    jk = jk1_weights(clustered(rng, [30], per_psu=10))
    pyreadstat.write_sav(jk, tmp_path / "jk1.sav")
    boot = clustered(rng, [6, 7, 5], per_psu=9)
    boot["psu"] = boot["stratum"] * 100 + boot["psu"]
    boot = bootstrap_weights(boot, rng, 60)
    pyreadstat.write_dta(boot, tmp_path / "boot.dta")
    boot2 = clustered(rng, [8, 8], per_psu=7)
    boot2["psu"] = boot2["stratum"] * 100 + boot2["psu"]
    boot2 = bootstrap_weights(boot2, rng, 40)
    pyreadstat.write_sav(boot2, tmp_path / "boot2.sav")
    codebook = codebook_of([
        {"id": "jk", "country": "AL", "year": 2024, "file": "jk1.sav", "weight": "w",
         "design": {"type": "replicate", "repweights": "repwt[0-9]+", "method": "jk1"}},
        {"id": "boot", "country": "XK", "year": 2024, "file": "boot.dta", "weight": "w",
         "design": {"type": "replicate", "repweights": "rw_[0-9]+", "method": "bootstrap", "mse": True}},
        {"id": "boot2", "country": "RS", "year": 2024, "file": "boot2.sav", "weight": "w",
         "design": {"type": "replicate", "repweights": "rw_[0-9]+", "method": "bootstrap", "mse": True}},
    ])
    dataset, report = build_dataset(codebook, tmp_path)
    assert not report.errors
    assert sum(c.startswith("repw__") for c in dataset.frame.columns) == 60
    case = Case("replicate")
    # XK and RS pooled (each counting equally): each country's replicates vary its own weights
    # only; R: one svrepdesign with block-diagonal replicate weights, rscales carrying each
    # bootstrap's scale 1/(R - 1), centred at the estimate (mse)
    case.add_result(crosstab(dataset, Query("q", by="e", countries=("XK", "RS"), pool="equal")))
    case.r_code += ["local({",
                    read_generated(tmp_path / "boot.dta", "a <- d; a$country <- 'XK'"),
                    read_generated(tmp_path / "boot2.sav", "b <- d; b$country <- 'RS'"),
                    "ra <- as.matrix(a[, paste0('rw_', 1:60)]); rb <- as.matrix(b[, paste0('rw_', 1:40)])",
                    "cols <- c('.q', '.b', '.x', 'w', 'country')",
                    "d <- rbind(as.data.frame(a[, cols]), as.data.frame(b[, cols]))",
                    "W <- tapply(d$w, d$country, sum); f <- as.numeric(nrow(d) / 2 / W[d$country])",
                    "reps <- rbind(cbind(ra, matrix(a$w, nrow(a), 40)), cbind(matrix(b$w, nrow(b), 60), rb)) * f",
                    "d$pw <- d$w * f",
                    "des <- svrepdesign(data = d, repweights = reps, weights = ~pw, type = 'other', scale = 1, "
                    "rscales = c(rep(1 / 59, 60), rep(1 / 39, 40)), mse = TRUE, combined.weights = TRUE)",
                    f'column_shares("replicate", "{POOLED}", 2024, des, {r_list(ANSWER_GROUPS)})', "})"]
    check_groups(case, dataset, [("AL", 2024)], read_generated(tmp_path / "jk1.sav"),
                 'des <- svrepdesign(data = d, repweights = "repwt[0-9]+", weights = ~w, type = "JK1", '
                 'combined.weights = TRUE)')
    check_groups(case, dataset, [("XK", 2024)], read_generated(tmp_path / "boot.dta"),
                 'des <- svrepdesign(data = d, repweights = "rw_[0-9]+", weights = ~w, type = "bootstrap", '
                 'combined.weights = TRUE, mse = TRUE)')
    compare_with_r(case, tmp_path)


@pytest.mark.parametrize("rule", ["adjust", "average", "remove", "certainty"])
def test_lonely_psus_against_r(tmp_path, rule):
    """Strata with a single PSU under each of R's rules; fpc as population counts (remove) and as
    sampling fractions (average)."""
    rng = np.random.default_rng({"adjust": 1, "average": 2, "remove": 3, "certainty": 4}[rule])
    frame = clustered(rng, [1, 3, 1, 4, 2, 1, 3], per_psu=9)
    design = {"strata": "stratum", "psu": "psu", "lonely_psu": rule}
    fpc = ""
    if rule == "remove":
        frame["fpc"] = frame["stratum"].map({1: 5, 2: 12, 3: 4, 4: 9, 5: 2, 6: 7, 7: 30}).astype(float)
    elif rule == "average":
        frame["fpc"] = frame["stratum"].map({1: 0.5, 2: 0.25, 3: 0.2, 4: 0.4, 5: 0.1, 6: 1.0 / 3, 7: 0.3})
    if "fpc" in frame:
        design["fpc"], fpc = "fpc", ", fpc = ~fpc"
    pyreadstat.write_sav(frame, tmp_path / "lonely.sav")
    codebook = codebook_of([{"id": "lonely", "country": "AL", "year": 2024, "file": "lonely.sav", "weight": "w",
                             "design": design}])
    dataset, report = build_dataset(codebook, tmp_path)
    assert not report.errors
    case = Case(f"lonely_{rule}")
    result = crosstab(dataset, Query("q", by="e"))
    facts = result.design.per_group[0]
    assert (facts.lonely_strata, facts.lonely_rule, facts.fpc) == (3, rule, "fpc" in frame)
    check_groups(case, dataset, [("AL", 2024)], read_generated(tmp_path / "lonely.sav"),
                 f"des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE{fpc})",
                 lonely=rule)
    compare_with_r(case, tmp_path)


def test_sampling_zeros_against_r(tmp_path):
    """Empty cells (R's svychisq takes 1/p̂ as 0 there) and a group whose respondents all said
    don't know (an empty margin: not part of the table)."""
    rng = np.random.default_rng(16)
    frame = clustered(rng, [5, 6, 4], per_psu=10)
    frame.loc[frame["e"] == 3, "q"] = frame.loc[frame["e"] == 3, "q"].where(lambda q: q != 4, 1)  # g3 never says no
    frame.loc[(frame["e"] == 2) & (frame["q"] == 3), "q"] = 2  # g2 never says rather no
    extra = frame.sample(12, random_state=1).assign(e=4.0, q=8.0)  # a fourth group: only don't know
    frame = pd.concat([frame, extra], ignore_index=True)
    pyreadstat.write_sav(frame, tmp_path / "zeros.sav")
    codebook = codebook_of([{"id": "zeros", "country": "RS", "year": 2025, "file": "zeros.sav", "weight": "w",
                             "design": {"strata": "stratum", "psu": "psu"}}])
    raw = codebook.model_dump(by_alias=True, exclude_none=True)
    raw["indicators"][1]["categories"] = [*raw["indicators"][1]["categories"], {"code": "g4", "label": "g4"}]
    raw["indicators"][1]["sources"]["zeros"]["codes"][4] = "g4"
    codebook = Codebook.model_validate(raw)
    dataset, report = build_dataset(codebook, tmp_path)
    assert not report.errors
    case = Case("sampling_zeros")
    result = crosstab(dataset, Query("q", by="e"))
    table = result.table[~result.table["is_net"]]
    assert (table["n"] == 0).sum() >= 2
    case.add_result(result)
    case.r_code += ["local({", read_generated(tmp_path / "zeros.sav", f"d$.b <- recode(d$e, {r_list({**GROUPS, 'g4': [4]})})"),
                    "des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)",
                    f'column_shares("{case.name}", "RS", 2025, des, {r_list(ANSWER_GROUPS)})', "})"]
    compare_with_r(case, tmp_path)

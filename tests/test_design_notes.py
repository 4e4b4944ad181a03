"""The facts a Result carries about its design, and the notes that word them: which waves use
which design, lonely strata and the rule applied, groups without weights, in every language."""

from __future__ import annotations

import numpy as np
import pytest
from stats_support import make_codebook, make_frame

from barometer.codebook import Codebook
from barometer.dataset import Dataset
from barometer.i18n import gettext_for
from barometer.present.labels import base_note, result_notes, variance_note
from barometer.stats import Query, crosstab, trend


def dataset_with(designs: dict[str, dict | None], weights: dict[str, bool] | None = None) -> Dataset:
    """The stats_support data; `designs` gives sources a design (others none), `weights` takes
    the weight variable away from some."""
    base = make_codebook(design=True)
    frame = make_frame(base, n_per_source=150, seed=11, design=True)
    raw = base.model_dump(by_alias=True, exclude_none=True)
    for source in raw["sources"]:
        source.pop("strata", None)
        source.pop("psu", None)
        if designs.get(source["id"]):
            source["design"] = designs[source["id"]]
        if weights is not None and not weights.get(source["id"], True):
            source.pop("weight")
    codebook = Codebook.model_validate(raw)
    frame.loc[~frame["source"].isin([k for k, v in designs.items() if v]), ["strata", "psu"]] = None
    return Dataset(codebook, frame)


def test_trend_says_which_waves_use_which_design():
    data = dataset_with({"XK2025": {"strata": "stratum", "psu": "psu"}})
    result = trend(data, Query("trust_police", countries=("XK",)), "trust")
    methods = {d.year: d.method for d in result.design.per_group}
    assert methods == {2024: "weights", 2025: "design"}
    assert result.design.groups == (("XK", 2025),) and result.design.partial
    note = variance_note(result, data.codebook, "en")
    assert "of the sample design (XK 2025)." in note
    assert "No sample design declared for XK 2024: standard errors by linearisation of the weights" in note
    assert "Korn-Graubard" in note


def test_lonely_strata_are_counted_and_the_rule_named():
    data = dataset_with({"XK2025": {"strata": "stratum", "psu": "psu", "lonely_psu": "average"}})
    frame = data.frame.copy()
    lonely = (frame["source"] == "XK2025") & (frame["strata"] == "XK2025:s0")
    frame.loc[lonely, "psu"] = "XK2025:s0p0"  # stratum s0 now has one PSU
    data = Dataset(data.codebook, frame)
    result = crosstab(data, Query("trust_police", by="gender", countries=("XK",), years=(2025,)))
    facts = result.design.per_group[0]
    assert (facts.lonely_strata, facts.lonely_rule, facts.strata) == (1, "average", 3)
    assert result.design.lonely_strata == 1
    note = variance_note(result, data.codebook, "en")
    assert "1 strata had a single PSU (XK 2025): each gets the average variance of the other strata" in note
    # every surface that shows intervals shows the base note: it says it too
    assert "1 strata had a single PSU (XK 2025)" in base_note(result, data.codebook, "en")
    sq = variance_note(result, data.codebook, "sq")
    assert sq != note and gettext_for("sq")("{count} strata had a single PSU ({groups}): {rule}.").format(
        count=1, groups="XK 2025", rule="x")[:20] in sq


def test_groups_without_weights_are_unweighted_in_a_weighted_table():
    data = dataset_with({}, weights={"AL2025": False})
    result = crosstab(data, Query("trust_police", by="gender", years=(2025,)))
    methods = {d.country: d.method for d in result.design.per_group}
    assert methods == {"XK": "weights", "AL": "srs", "RS": "weights"}
    tests = result.tests.set_index("country")
    assert tests.loc["AL", "method"] == "Pearson chi-square" and np.isnan(tests.loc["AL", "ddf"])
    assert tests.loc["XK", "method"] == "Rao-Scott F" and tests.loc["XK", "ddf"] > 0
    notes = " ".join(result_notes(result, data.codebook, "en"))
    assert "Unweighted for AL 2025: no weight variable." in notes


@pytest.mark.parametrize("lang", ["en", "sq", "sr-Latn", "sr-Cyrl"])
def test_notes_in_every_language(lang):
    data = dataset_with({"RS2025": {"strata": "stratum", "psu": "psu", "lonely_psu": "remove"}})
    result = crosstab(data, Query("trust_police", by="gender", years=(2025,)))
    note = variance_note(result, data.codebook, lang)
    assert "RS 2025" in note
    if lang != "en":
        assert "Standard errors" not in note and "linearisation" not in note

"""Tests where people compare: between countries (letters) and between waves (changes), against
an independent computation (scipy's normal distribution, statsmodels' Holm correction), and
the results in words in every language."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from barometer.i18n import format_percent, gettext_for
from barometer.ingest import load_dataset
from barometer.present.sentences import result_sentences
from barometer.stats import Query, crosstab, trend


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def independent_letters(table, countries):
    """Per row: the countries each is significantly above, by hand."""
    letters = {c: chr(ord("A") + i) for i, c in enumerate(countries)}
    out = {}
    for (_year, _category), rows in table.groupby(["year", "category"]):
        cells = {r.country: r for r in rows.itertuples()}
        pairs = [(a, b) for a, b in combinations(countries, 2) if a in cells and b in cells]
        z = [(cells[a].percent - cells[b].percent) / np.hypot(cells[a].se, cells[b].se)
             for a, b in pairs]
        p = [2 * norm.sf(abs(v)) for v in z]
        reject = multipletests(p, alpha=0.05, method="holm")[0] if p else []
        found = {c: "" for c in cells}
        for (a, b), z_ab, r in zip(pairs, z, reject, strict=True):
            if r:
                high, low = (a, b) if z_ab > 0 else (b, a)
                found[high] += letters[low]
        for c, text in found.items():
            out[(_year, _category, c)] = "".join(sorted(text))
    return out


@pytest.mark.parametrize("indicator", ["trust_police", "safe_neighbourhood", "trust_eu"])
def test_letters_between_countries_equal_an_independent_z_test(dataset, indicator):
    result = crosstab(dataset, Query(indicator, years=(2023, 2025)))
    countries = list(dict.fromkeys(result.table["country"]))
    expected = independent_letters(result.table, countries)
    got = {(r.year, r.category, r.country): r.sig for r in result.table.itertuples()}
    assert got == expected
    assert any(got.values()), "the demo data should show some differences"
    assert result.country_letters == {c: chr(ord("A") + i) for i, c in enumerate(countries)}


def test_changes_between_waves_equal_an_independent_z_test(dataset):
    result = trend(dataset, Query("trust_police"), "trust")
    for _country, rows in result.table.groupby("country"):
        rows = rows.sort_values("year")
        p, se = rows["percent"].to_numpy(), rows["se"].to_numpy()
        previous = [2 * norm.sf(abs(p[i] - p[i - 1]) / np.hypot(se[i], se[i - 1]))
                    for i in range(1, len(p))]
        first = [2 * norm.sf(abs(p[i] - p[0]) / np.hypot(se[i], se[0])) for i in range(1, len(p))]
        assert rows["change_prev"].to_numpy()[1:] == pytest.approx(np.diff(p))
        assert rows["change_first"].to_numpy()[1:] == pytest.approx(p[1:] - p[0])
        assert list(rows["sig_prev"].to_numpy()[1:]) == list(
            multipletests(previous, method="holm")[0])
        assert list(rows["sig_first"].to_numpy()[1:]) == list(
            multipletests(first, method="holm")[0])
        assert not rows["sig_prev"].iloc[0] and np.isnan(rows["change_prev"].iloc[0])
    assert result.table["sig_prev"].any() or result.table["sig_first"].any()


@pytest.mark.parametrize("lang", ["en", "sq", "sr-Latn", "sr-Cyrl"])
def test_results_in_words_in_every_language(dataset, lang):
    codebook = dataset.codebook
    _ = gettext_for(lang)
    by_gender = crosstab(dataset, Query("trust_police", by="gender", countries=("XK",),
                                        years=(2024,)))
    words = result_sentences(by_gender, codebook, lang)
    net = by_gender.table[(by_gender.table["category"] == "trust")]
    for value in net["percent"]:
        assert format_percent(value, lang, 0) in words[0]
    assert codebook.country_name("XK", lang) in words[0]
    p = by_gender.tests["p_value"].iloc[0]
    verdict = (_("The difference is statistically significant.") if p < 0.05
               else _("The difference is not statistically significant."))
    assert verdict in words[0]
    assert words[-1] == _("These are synthetic demonstration data, not survey findings.")
    countries = result_sentences(crosstab(dataset, Query("trust_police", years=(2024,))),
                                 codebook, lang)
    assert all(codebook.country_name(c, lang) in countries[0] for c in codebook.countries)
    over_time = result_sentences(trend(dataset, Query("trust_police", countries=("AL",))),
                                 codebook, lang, view="trend")
    assert "2021" in over_time[0] and "2025" in over_time[0]
    if lang != "en":
        assert "significant" not in " ".join(words + countries + over_time)


def test_the_api_document_carries_the_words(dataset):
    from barometer.web.app import create_app

    client = create_app(dataset).server.test_client()
    doc = client.get("/api/v1/crosstab?indicator=trust_police&by=gender&country=XK&year=2024"
                     "&lang=sq").get_json()
    result = crosstab(dataset, Query("trust_police", by="gender", countries=("XK",),
                                     years=(2024,)))
    assert doc["summary"] == result_sentences(result, dataset.codebook, "sq")

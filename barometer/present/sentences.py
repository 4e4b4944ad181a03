"""Results in words: one or two plain sentences under every result, in the reader's language,
built from the numbers and the tests of a `Result` (the same sentences in the API and the link
preview). They name one answer (or net) — the view's `category`, else the first net, else the
first answer — say where and when, and whether a difference is statistically significant.
"""

from __future__ import annotations

import pandas as pd
from babel.lists import format_list

from barometer.codebook import Codebook
from barometer.i18n import babel_locale, format_number, format_percent, gettext_for
from barometer.present.labels import category_labels, country_label
from barometer.stats.query import default_category
from barometer.stats.selection import POOLED

MAX_NAMED = 4
"""At most this many groups are named one by one; more are summed up as a range."""


def headline_category(codebook: Codebook, indicator: str, category: str | None = None) -> str | None:
    """The answer a sentence (and a headline chart) is about."""
    ind = codebook.indicator(indicator)
    if ind.type == "numeric":
        return "mean"
    codes = {c.code for c in codebook.categories_of(ind)} | {n.code for n in ind.nets}
    return category if category in codes else default_category(codebook, indicator)


def result_sentences(result, codebook: Codebook, lang: str, *, view: str = "crosstab",
                     category: str | None = None) -> list[str]:
    """The plain-language summary of a result (empty when nothing can be said)."""
    query = result.query
    code = headline_category(codebook, query.indicator, category)
    table: pd.DataFrame = result.table
    rows = table[table["category"] == code]
    if rows.empty:
        return []
    answer = (codebook.indicator(query.indicator).label(lang) if result.kind == "numeric"
              else category_labels(codebook, query.indicator, lang).get(code, code))
    words = _Words(codebook, lang, result.kind == "numeric", answer)
    if view == "trend":
        sentences = words.trend(rows)
    elif query.by is not None:
        sentences = words.breakdown(rows, result)
    else:
        sentences = words.countries(rows, result)
    if codebook.dataset.synthetic:
        _ = gettext_for(lang)
        sentences.append(_("These are synthetic demonstration data, not survey findings."))
    return sentences


class _Words:
    """Sentence builders for one result's headline answer."""

    def __init__(self, codebook: Codebook, lang: str, numeric: bool, answer: str) -> None:
        self.codebook, self.lang, self.numeric, self.answer = codebook, lang, numeric, answer
        self._ = gettext_for(lang)

    def value(self, row) -> str:
        if row["suppressed"] or pd.isna(row["percent"]):
            return self._("not shown")
        if self.numeric:
            return format_number(row["percent"], self.lang, 1)
        return format_percent(row["percent"], self.lang, 0)

    def place(self, country: str) -> str:
        return country_label(self.codebook, country, self.lang)

    def listed(self, items: list[str]) -> str:
        """'A, B and C' in the reader's language."""
        return format_list(items, locale=babel_locale(self.lang)) if items else ""

    def breakdown(self, rows: pd.DataFrame, result) -> list[str]:
        """Per country-year: the groups' values and whether they differ."""
        _ = self._
        by_labels = category_labels(self.codebook, result.query.by, self.lang)
        tests = {(t.country, int(t.year)): t.p_value for t in result.tests.itertuples()}
        out = []
        for (country, year), part in list(rows.groupby(["country", "year"], sort=False))[:3]:
            shown = part[~part["suppressed"]]
            if shown.empty:
                continue
            named = [(by_labels.get(r["by"], r["by"]), self.value(r)) for _, r in shown.iterrows()]
            if len(named) <= MAX_NAMED:
                groups = ", ".join(f"{label} {value}" for label, value in named)
                text = _("In {place} in {year}, “{answer}”: {groups}.").format(
                    place=self.place(country), year=year, answer=self.answer, groups=groups)
            else:
                low = shown.loc[shown["percent"].idxmin()]
                high = shown.loc[shown["percent"].idxmax()]
                text = _("In {place} in {year}, “{answer}” ranges from {low} ({low_group}) to "
                         "{high} ({high_group}).").format(
                    place=self.place(country), year=year, answer=self.answer,
                    low=self.value(low), low_group=by_labels.get(low["by"], low["by"]),
                    high=self.value(high), high_group=by_labels.get(high["by"], high["by"]))
            p = tests.get((country, int(year)))
            if p is not None and not pd.isna(p):
                if len(shown) == 2:
                    text += " " + (_("The difference is statistically significant.") if p < 0.05
                                   else _("The difference is not statistically significant."))
                else:
                    text += " " + (_("The groups differ significantly.") if p < 0.05 else
                                   _("The differences between the groups are not statistically "
                                     "significant."))
            out.append(text)
        return out

    def countries(self, rows: pd.DataFrame, result) -> list[str]:
        """Per year: each country's value; with several countries, which differ."""
        _ = self._
        out = []
        letters = result.country_letters
        by_letter = {letter: country for country, letter in letters.items()}
        for year, part in list(rows.groupby("year", sort=False))[:3]:
            part = part[part["country"] != POOLED] if (part["country"] != POOLED).any() else part
            if len(part) == 1:
                row = part.iloc[0]
                if row["suppressed"] or pd.isna(row["percent"]):
                    continue
                fmt = (lambda v: format_number(v, self.lang, 1)) if self.numeric else \
                    (lambda v: format_percent(v, self.lang, 0))
                out.append(_("In {place} in {year}, “{answer}”: {value} (95% CI {low} to "
                             "{high}).").format(place=self.place(row["country"]), year=year,
                                                answer=self.answer, value=self.value(row),
                                                low=fmt(row["ci_low"]), high=fmt(row["ci_high"])))
                continue
            values = ", ".join(f"{self.place(r['country'])} {self.value(r)}"
                               for _i, r in part.iterrows())
            text = _("In {year}, “{answer}”: {values}.").format(year=year, answer=self.answer,
                                                               values=values)
            higher = [(self.place(r["country"]),
                       [self.place(by_letter[letter]) for letter in str(r["sig"] or "")])
                      for _i, r in part.iterrows() if r["sig"]]
            if higher:
                text += " " + " ".join(
                    _("{country} is significantly higher than {others}.").format(
                        country=country, others=self.listed(others)) for country, others in higher)
            elif letters:
                text += " " + _("The differences between the countries are not statistically "
                                "significant.")
            out.append(text)
        return out

    def trend(self, rows: pd.DataFrame) -> list[str]:
        """Per country: the first and the last wave, and whether the change is significant."""
        _ = self._
        out = []
        for country, part in list(rows.groupby("country", sort=False))[:3]:
            part = part[~part["suppressed"] & part["percent"].notna()].sort_values("year")
            if len(part) < 2:
                continue
            first, last = part.iloc[0], part.iloc[-1]
            text = _("In {place}, “{answer}” went from {first} in {first_year} to {last} in "
                     "{last_year}.").format(place=self.place(country), answer=self.answer,
                                            first=self.value(first), first_year=first["year"],
                                            last=self.value(last), last_year=last["year"])
            change = format_number(last["change_first"], self.lang, 1)
            text += " " + (_("The change ({points} points) is statistically significant.").format(
                points=change) if last["sig_first"] else
                _("The change ({points} points) is not statistically significant.").format(
                    points=change))
            out.append(text)
        return out

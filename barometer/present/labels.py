"""Words around the numbers: category and group labels, base notes, captions, citations.

Pure functions of a `Result`, the codebook and a language, shared by charts, tables, exports and
the page, so every place describes a figure the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from barometer.codebook import Codebook
from barometer.i18n import format_number, gettext_for
from barometer.stats.selection import POOLED


def category_labels(codebook: Codebook, indicator_id: str, lang: str) -> dict[str, str]:
    """Answer (and net) code -> label of an indicator, in codebook order."""
    ind = codebook.indicator(indicator_id)
    labels = {c.code: c.label.get(lang) for c in codebook.categories_of(ind)}
    labels.update({n.code: n.label.get(lang) for n in ind.nets})
    if ind.type == "numeric":
        _ = gettext_for(lang)
        labels.setdefault("mean", _("Mean"))
    return labels


def country_label(codebook: Codebook, code: str, lang: str) -> str:
    if code == POOLED:
        _ = gettext_for(lang)
        return _("Pooled")
    return codebook.country_name(code, lang)


def group_label(codebook: Codebook, country: str, year: int, lang: str, *, many_countries: bool,
                many_years: bool) -> str:
    """How a (country, year) group is named where several are shown together."""
    parts = []
    if many_countries or not many_years:
        parts.append(country_label(codebook, country, lang))
    if many_years:
        parts.append(str(year))
    return " ".join(parts)


def year_span(years) -> str:
    """'2021–2025' for consecutive waves, else '2021, 2023'."""
    years = sorted(int(y) for y in years)
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def filters_text(codebook: Codebook, filters: Sequence[tuple[str, Sequence[str]]], lang: str) -> str:
    """'Gender: Female; Age group: 18-29' (empty when no filter is in force)."""
    parts = []
    for indicator_id, codes in filters:
        labels = category_labels(codebook, indicator_id, lang)
        names = ", ".join(labels.get(c, c) for c in codes)
        parts.append(f"{codebook.indicator(indicator_id).label(lang)}: {names}")
    return "; ".join(parts)


def base_note(result, codebook: Codebook, lang: str) -> str:
    """Who was asked, the unweighted base, weighting, filters and the treatment of DK/refused."""
    _ = gettext_for(lang)
    query = result.query
    table: pd.DataFrame = result.table
    pooled = (table["country"] == POOLED).to_numpy()
    # A pooled row's base is the countries' bases together: count people once.
    counted = table[~pooled] if (~pooled).any() else table
    groups = counted.drop_duplicates(["country", "year", "by"])
    base_n = int(groups["base_n"].sum(skipna=True)) if not groups.empty else 0
    hidden = bool(groups["suppressed"].any()) if not groups.empty else False
    countries = ", ".join(
        country_label(codebook, c, lang) for c in dict.fromkeys(counted["country"].tolist())
    )
    years = ", ".join(str(y) for y in sorted(set(table["year"].tolist())))
    sentence = (_("Base: respondents asked this question in {countries} ({years}), n = {n} in "
                  "the groups shown.") if hidden else
                _("Base: respondents asked this question in {countries} ({years}), n = {n}."))
    pieces = [
        sentence.format(countries=countries or "–", years=years or "–",
                        n=format_number(base_n, lang)),
        _("Weighted.") if query.weighted else _("Unweighted."),
    ]
    if not query.include_missing:
        pieces.append(_("Don't know and refused are excluded from the base."))
    if query.pool != "separate" and pooled.any():
        pieces.append(pooling_rule(query.pool, lang))
    if query.filters:
        pieces.append(_("Filters: {filters}.").format(filters=filters_text(codebook, query.filters, lang)))
    thresholds = result.thresholds
    pieces.append(
        _("Bases under {small} are marked small; under {minimum} the figures are suppressed.").format(
            small=thresholds.small_base, minimum=thresholds.min_base
        )
    )
    pieces += protection_notes(result, codebook, lang)
    lonely = lonely_note(result, codebook, lang)  # on every surface that shows intervals
    if lonely:
        pieces.append(lonely)
    return " ".join(pieces)


def protection_notes(result, codebook: Codebook, lang: str) -> list[str]:
    """What disclosure control hid in this result, in words (empty when nothing)."""
    _ = gettext_for(lang)
    facts = result.protection
    notes = []
    if facts.withheld:
        groups = ", ".join(f"{country_label(codebook, c, lang)} {y}" for c, y in facts.withheld)
        notes.append(_("{groups}: fewer than {minimum} respondents match this choice; not "
                       "shown.").format(groups=groups, minimum=facts.min_base))
    if facts.complementary:
        notes.append(_("{count} more group(s) are not shown so that the figures of a group under "
                       "{minimum} cannot be worked out from the others.").format(
            count=len(facts.complementary), minimum=facts.min_base))
    if facts.tests_dropped:
        notes.append(_("No significance test or letters where a group is not shown."))
    return notes


def disclosure_rules(lang: str, min_base: int) -> list[str]:
    """The disclosure-control rules in words, with what they do not protect against (the About
    page and the API documentation)."""
    _ = gettext_for(lang)
    return [
        _("No figure describes fewer than {minimum} respondents. A group (a column of a table) "
          "with fewer than {minimum} respondents shows no count, percentage, interval or base: "
          "its base reads \"under {minimum}\".").format(minimum=min_base),
        _("No hidden figure can be worked out from the published ones: when a table hides just "
          "one group, the smallest other group is hidden too (or the row totals, published "
          "without the breakdown, would give it away), and a pooled figure is hidden when a "
          "country it pools is hidden."),
        _("A country and year in which fewer than {minimum} respondents match the chosen "
          "filters is not shown at all; a view with nothing else to show is refused.").format(
            minimum=min_base),
        _("Tables that hide a group carry no significance test and no letters."),
        _("What this does not protect against: comparing views with different filters or "
          "breakdowns can narrow a small group down; statistical offices add random noise to "
          "published cells against that, which this service does not. The minimum population "
          "of a view is what limits it."),
    ]


def pooling_rule(pool: str, lang: str) -> str:
    _ = gettext_for(lang)
    if pool == "equal":
        return _("Pooled: each country counts equally.")
    if pool == "population":
        return _("Pooled: countries weighted by adult population.")
    return ""


def source_caption(codebook: Codebook, lang: str, data_version: str = "") -> str:
    """'Source: … · synthetic demonstration data' caption for charts and exports."""
    _ = gettext_for(lang)
    info = codebook.dataset
    text = _("Source: {title}").format(title=info.title.get(lang))
    if data_version:
        text += " " + _("(data version {version})").format(version=data_version)
    if info.synthetic:
        text += " · " + synthetic_notice(lang)
    return text


def citation(codebook: Codebook, data_version: str, lang: str, url: str,
             accessed: date | None = None) -> str:
    """How to cite a view: the dataset's citation (else its title), the data version, the access
    date and the view's link; demonstration data say so."""
    _ = gettext_for(lang)
    info = codebook.dataset
    cite = info.citation.get(lang) if info.citation else info.title.get(lang)
    text = _("Cite as: {citation}, data version {version}, accessed {date}, {url}").format(
        citation=cite.rstrip(". "), version=data_version,
        date=(accessed or date.today()).isoformat(), url=url)
    if info.synthetic:
        text += " (" + synthetic_notice(lang) + ")"
    return text


def synthetic_notice(lang: str) -> str:
    return gettext_for(lang)("synthetic demonstration data")


def result_notes(result, codebook: Codebook, lang: str) -> tuple[str, ...]:
    """How weights, pooling and variance were handled, in words, from the result's facts."""
    _ = gettext_for(lang)
    query = result.query
    notes = []
    if result.pooled:
        countries = ", ".join(country_label(codebook, c, lang) for c in result.pooled)
        if not query.weighted:
            notes.append(_("Pooled {countries} unweighted: every respondent counts once, so "
                           "countries weigh by their sample sizes.").format(countries=countries))
        elif query.pool == "population":
            notes.append(_("Pooled {countries}: each country's weights rescaled to its share of "
                           "the adult population, per year.").format(countries=countries))
        else:
            notes.append(_("Pooled {countries}: each country's weights rescaled to an equal "
                           "share of the pooled total, per year.").format(countries=countries))
    notes.append(_("Weighted by the survey weights.") if query.weighted else _("Unweighted counts."))
    notes.append(variance_note(result, codebook, lang))
    return tuple(notes)


def _group_names(codebook: Codebook, groups, lang: str) -> str:
    return ", ".join(f"{country_label(codebook, d.country, lang)} {d.year}" for d in groups)


def variance_note(result, codebook: Codebook, lang: str) -> str:
    """Where the standard errors, intervals and tests come from, per group's design, with the
    strata that had a single PSU and what was done about them."""
    _ = gettext_for(lang)
    design = result.design
    if design is None:
        return _("Standard errors as for a simple random sample; intervals Wilson.")
    groups = design.per_group
    declared = [d for d in groups if d.method in ("design", "mixed")]
    weights_only = [d for d in groups if d.method == "weights"]
    replicated = [d for d in groups if d.method in ("replicate", "mixed")]
    unweighted = [d for d in groups if d.method == "srs"]
    several = len({d.method for d in groups}) > 1
    parts = []
    if declared:
        text = _("Standard errors by Taylor linearisation over {strata} strata and {psus} PSUs of "
                 "the sample design").format(strata=format_number(sum(d.strata for d in declared), lang),
                                            psus=format_number(sum(d.psus for d in declared), lang))
        parts.append(text + (f" ({_group_names(codebook, declared, lang)})." if several else "."))
    if replicated:
        count = max(d.replicates for d in replicated)
        method = ", ".join(sorted({str(d.replicate_method) for d in replicated}))
        text = _("Standard errors from {count} replicate weights ({method})").format(
            count=format_number(count, lang), method=method)
        parts.append(text + (f" ({_group_names(codebook, replicated, lang)})." if several else "."))
    if weights_only:
        if several:
            parts.append(_("No sample design declared for {groups}: standard errors by linearisation "
                           "of the weights, each respondent a PSU.").format(
                groups=_group_names(codebook, weights_only, lang)))
        else:
            parts.append(_("No sample design declared: standard errors by linearisation of the "
                           "weights, each respondent a PSU."))
    if unweighted:
        parts.append(_("Unweighted for {groups}: no weight variable.").format(
            groups=_group_names(codebook, unweighted, lang)))
    lonely = lonely_note(result, codebook, lang)
    if lonely:
        parts.append(lonely)
    if any(d.fpc for d in groups):
        parts.append(_("With the finite population correction."))
    if len(unweighted) < len(groups):
        parts.append(_("Intervals: Wilson on the design-effective base, adjusted for the design's "
                       "degrees of freedom (Korn-Graubard); tests use the same degrees of freedom."))
    return " ".join(parts)


def lonely_note(result, codebook: Codebook, lang: str) -> str:
    """How many strata had a single PSU, where, and what was done about them ("" when none)."""
    design = result.design
    lonely = [d for d in design.per_group if d.lonely_strata] if design is not None else []
    if not lonely:
        return ""
    _ = gettext_for(lang)
    rules = sorted({rule.strip() for d in lonely for rule in str(d.lonely_rule or "adjust").split(",")})
    return _("{count} strata had a single PSU ({groups}): {rule}.").format(
        count=format_number(sum(d.lonely_strata for d in lonely), lang),
        groups=_group_names(codebook, lonely, lang),
        rule="; ".join(lonely_rule_text(rule, lang) for rule in rules))


def lonely_rule_text(rule: str, lang: str) -> str:
    """What a lonely-PSU rule does, in words (R's `survey.lonely.psu` names)."""
    _ = gettext_for(lang)
    texts = {
        "adjust": _("each is centred at the grand mean, a conservative choice (R's adjust)"),
        "average": _("each gets the average variance of the other strata (R's average)"),
        "remove": _("they add no variance (R's remove)"),
        "certainty": _("they are certainty units and add no variance (R's certainty)"),
    }
    return texts.get(rule, rule)


def choices_line(codebook: Codebook, params, view: str = "crosstab") -> str:
    """The current choices in one line (the phone's summary above the result): question, where,
    when, by what, filters."""
    _ = gettext_for(params.lang)
    lang = params.lang
    parts = [codebook.indicator(params.indicator).label(lang)]
    countries = params.countries or tuple(codebook.countries)
    parts.append(", ".join(country_label(codebook, c, lang) for c in countries))
    if params.years:
        parts.append(year_span(params.years))
    elif view == "trend":
        parts.append(_("every wave"))
    if getattr(params, "by", None) and view == "crosstab":
        parts.append(_("by {breakdown}").format(breakdown=", ".join(
            codebook.indicator(by).label(lang).lower() for by in params.by.split(","))))
    if params.filters:
        parts.append(filters_text(codebook, params.filters, lang))
    return " · ".join(parts)


def download_name(params, view: str = "crosstab") -> str:
    """A file name that says what a download shows: barometer-trust_police-by-gender-XK-2024."""
    parts = ["barometer", params.indicator]
    if getattr(params, "by", None) and view == "crosstab":
        parts += ["by", params.by.replace(",", "-")]
    if view == "trend":
        parts.append("trend")
    parts.append("-".join(params.countries) if params.countries else "all")
    if params.years:
        parts.append(f"{params.years[0]}-{params.years[-1]}" if len(params.years) > 1
                     else str(params.years[0]))
    parts += [f"{name}-{'-'.join(codes)}" for name, codes in params.filters]
    return "-".join(parts).replace(" ", "")[:120]

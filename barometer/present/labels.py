"""Words around the numbers: category and group labels, base notes, captions, citations.

Pure functions of a `Result`, the codebook and a language, shared by charts, tables, exports and
the page, so every place describes a figure the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from barometer.codebook import Codebook
from barometer.i18n import format_number, gettext_for

POOLED = "pooled"


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
    base_n = int(groups["base_n"].sum()) if not groups.empty else 0
    countries = ", ".join(
        country_label(codebook, c, lang) for c in dict.fromkeys(counted["country"].tolist())
    )
    years = ", ".join(str(y) for y in sorted(set(table["year"].tolist())))
    pieces = [
        _("Base: respondents asked this question in {countries} ({years}), n = {n}.").format(
            countries=countries or "–", years=years or "–", n=format_number(base_n, lang)
        ),
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
    return " ".join(pieces)


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


def synthetic_notice(lang: str) -> str:
    return gettext_for(lang)("synthetic demonstration data")

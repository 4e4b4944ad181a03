"""The method in words and formulas, in the reader's language: the About page lays it out and
the assistant's `barometer://methods` resource gives it as plain text, so both say the same."""

from __future__ import annotations

from dataclasses import dataclass

from barometer.codebook import Codebook
from barometer.i18n import N_, format_number, gettext_for, translate
from barometer.present.labels import disclosure_rules, synthetic_notice

FORMULAS: tuple[tuple[str, str], ...] = (
    # (what, formula): formulas are the same in every language; only the words are translated.
    # They are what barometer.stats computes (tests/test_stats_r.py checks it against R's survey).
    (N_("weighted share"), "p = Σ wᵢyᵢ / Σ wᵢ"),
    (N_("Taylor linearisation (strata h, PSUs i, finite population correction f_h)"),
     "var(p) = Σ_h (1 − f_h) m_h/(m_h − 1) Σ_i (z_hi − z̄_h)²,  z_hi = Σ_{j∈PSU i} wⱼ(yⱼ − p) / Σ w"),
    (N_("without a declared design: each respondent a PSU"),
     "var(p) = n/(n − 1) Σ_i z_i²,  z_i = wᵢ(yᵢ − p) / Σ w"),
    (N_("stratum with a single PSU (R's adjust; average, remove and certainty as in R)"),
     "adjust: (1 − f_h) z_h1²"),
    (N_("replicate weights (scale and rscales of the method; p̄ the replicates' mean)"),
     "var(p) = scale · Σ_r rscale_r (p_r − p̄)²"),
    (N_("standard error"), "se = √var(p);  unweighted: √( p (1 − p) / n )"),
    (N_("design-effective base"), "n_eff = p (1 − p) / se²"),
    (N_("design effect of the weights (Kish)"), "deff = n Σ wᵢ² / (Σ wᵢ)²"),
    (N_("degrees of freedom (among the estimate's respondents; replicate weights: their rank − 1)"),
     "df = PSUs − strata"),
    (N_("95% CI (Wilson score on the effective base, Korn-Graubard degrees of freedom adjustment)"),
     "( p + z²/2n* ± z √( p(1−p)/n* + z²/4n*² ) ) / (1 + z²/n*),  n* = n_eff (t_{n−1} / t_df)²,  z = 1.96"),
    (N_("Rao-Scott test (second order, F reference, as R's svychisq)"),
     "F = X² / tr Δ,  ndf = (tr Δ)² / tr Δ²,  ddf = ndf · df"),
    (N_("column letters (Holm-adjusted within each row, p < 0.05; t on the design's degrees of freedom)"),
     "t = (p₁ − p₂) / √(v₁ + v₂);  unweighted: z = (p₁ − p₂) / √( p̄(1 − p̄)(1/n₁ + 1/n₂) )"),
)


@dataclass(frozen=True)
class MethodSection:
    """One part of the method: `key` places it on a page, `heading` and `text` say it."""

    key: str
    heading: str
    text: str


def formulas(lang: str) -> tuple[tuple[str, str], ...]:
    """(what, formula) pairs behind every figure, the words in `lang`."""
    return tuple((translate(what, lang), formula) for what, formula in FORMULAS)


def method_sections(codebook: Codebook, interviews: int, files: int,
                    lang: str) -> tuple[MethodSection, ...]:
    """The sample, the weights, the margins of error and the small-base rule, in `lang`."""
    _ = gettext_for(lang)
    t = codebook.dataset.thresholds
    return (
        MethodSection("sample", _("The sample"), _(
            "{n} interviews from {files} survey files: each country and year is a separate "
            "sample of adults, interviewed face to face.").format(
            n=format_number(interviews, lang), files=files)),
        MethodSection("weights", _("Weights"), _(
            "Each file carries a design weight that makes the sample match the population by "
            "region, settlement, gender and age. Weighted figures use it; the unweighted base n "
            "is always the real number of people asked.")),
        MethodSection("margins", _("Margins of error"), _(
            "Each percentage comes with a 95% CI (confidence interval): if the survey were repeated "
            "many times, 95 of 100 such intervals would contain the true value. Weighting and "
            "clustering widen it: the standard errors follow the sample design (strata and "
            "sampling points, or replicate weights) where the file declares one, and the "
            "weights alone otherwise, as R's survey package computes them. Letters in a table "
            "mark groups that differ significantly (p < 0.05, corrected for multiple "
            "comparisons); the test of independence (Rao-Scott corrected when weighted) says "
            "whether the answer depends on the breakdown at all.")),
        MethodSection("small_bases", _("Small bases"), _(
            "Figures from fewer than {small} respondents are marked as a small base; under "
            "{minimum} they are not shown at all.").format(small=t.small_base,
                                                           minimum=t.min_base)),
    )


def methods_text(codebook: Codebook, data_version: str, interviews: int, files: int,
                 lang: str) -> str:
    """The whole method as plain text (Markdown headings), for readers without the page."""
    _ = gettext_for(lang)
    info = codebook.dataset
    lines = [f"# {_('About these data')}", "", info.title.get(lang)]
    for section in method_sections(codebook, interviews, files, lang):
        lines += ["", f"## {section.heading}", "", section.text]
        if section.key == "margins":
            lines += ["", f"## {_('Formulas')}", ""]
            lines += [f"- {what}: {formula}" for what, formula in formulas(lang)]
    lines += ["", f"## {_('Protecting respondents')}", ""]
    lines += [f"- {rule}" for rule in disclosure_rules(lang, info.thresholds.min_base)]
    version = synthetic_notice(lang) if info.synthetic else info.version
    lines += ["", f"## {_('Data version')}", "", f"{data_version} · {version}"]
    return "\n".join(lines) + "\n"

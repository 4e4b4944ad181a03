"""The method in words and formulas, in the reader's language: the About page lays it out and
the assistant's `barometer://methods` resource gives it as plain text, so both say the same."""

from __future__ import annotations

from dataclasses import dataclass

from barometer.codebook import Codebook
from barometer.i18n import N_, format_number, gettext_for, translate
from barometer.present.labels import disclosure_rules, synthetic_notice

FORMULAS: tuple[tuple[str, str], ...] = (
    # (what, formula): formulas are the same in every language; only the words are translated
    (N_("weighted share"), "p = Σ wᵢyᵢ / Σ wᵢ"),
    (N_("effective base (Kish)"), "n_eff = (Σ wᵢ)² / Σ wᵢ²"),
    (N_("standard error"), "se = √( p (1 − p) / n_eff )"),
    (N_("95% CI (Wilson score on the effective base)"),
     "( p + z²/2n ± z √( p(1−p)/n + z²/4n² ) ) / (1 + z²/n),  n = n_eff,  z = 1.96"),
    (N_("Taylor linearisation (strata h, PSUs i)"),
     "var(p) = Σ_h  m_h/(m_h − 1) Σ_i (z_hi − z̄_h)²,  z_hi = Σ_{j∈PSU i} wⱼ(yⱼ − p) / Σ w"),
    (N_("Rao-Scott chi-square (second order)"), "X²_RS = X² · tr Δ / tr Δ²,  df = (tr Δ)² / tr Δ²"),
    (N_("column letters (two-proportion z-test, Holm-adjusted within each row, p < 0.05)"),
     "z = (p₁ − p₂) / √(v₁ + v₂)"),
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
            "many times, 95 of 100 such intervals would contain the true value. Weighting "
            "widens it: we use the effective base (Kish), or Taylor linearisation where the "
            "file names strata and sampling points. Letters in a table mark groups that "
            "differ significantly (p < 0.05, corrected for multiple comparisons); the "
            "chi-square test (Rao-Scott corrected when weighted) says whether the answer "
            "depends on the breakdown at all.")),
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

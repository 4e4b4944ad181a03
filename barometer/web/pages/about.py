"""About: the method in plain words, the data version, how to cite, the API."""

from __future__ import annotations

from dash import dcc, html

from barometer.i18n import format_number, gettext_for
from barometer.params import ViewParams
from barometer.present.labels import disclosure_rules
from barometer.web.context import AppContext

FORMULAS = (
    # (what, formula): formulas are the same in every language; only the words are translated
    ("weighted share", "p = Σ wᵢyᵢ / Σ wᵢ"),
    ("effective base (Kish)", "n_eff = (Σ wᵢ)² / Σ wᵢ²"),
    ("standard error", "se = √( p (1 − p) / n_eff )"),
    ("95% CI (Wilson)", "( p + z²/2n ± z √( p(1−p)/n + z²/4n² ) ) / (1 + z²/n),  n = n_eff,  z = 1.96"),
    ("Taylor linearisation", "var(p) = Σ_h  m_h/(m_h − 1) Σ_i (z_hi − z̄_h)²,  z_hi = Σ_{j∈PSU i} wⱼ(yⱼ − p) / Σ w"),
    ("Rao-Scott (second order)", "X²_RS = X² · tr Δ / tr Δ²,  df = (tr Δ)² / tr Δ²"),
    ("column letters", "z = (p₁ − p₂) / √(v₁ + v₂)"),
)


def method_formulas(lang: str) -> html.Details:
    """The formulas behind every figure, for researchers (the statistics modules' docstrings
    give the same, with references)."""
    _ = gettext_for(lang)
    words = {
        "weighted share": _("weighted share"),
        "effective base (Kish)": _("effective base (Kish)"),
        "standard error": _("standard error"),
        "95% CI (Wilson)": _("95% CI (Wilson score on the effective base)"),
        "Taylor linearisation": _("Taylor linearisation (strata h, PSUs i)"),
        "Rao-Scott (second order)": _("Rao-Scott chi-square (second order)"),
        "column letters": _("column letters (two-proportion z-test, Holm-adjusted within each "
                            "row, p < 0.05)"),
    }
    rows = [html.Tr([html.Th(words[what], scope="row"), html.Td(html.Code(formula))])
            for what, formula in FORMULAS]
    return html.Details([
        html.Summary(_("Formulas")),
        html.Table(html.Tbody(rows), className="table table-sm formulas"),
    ], className="mt-2")


def layout(app_ctx: AppContext, params: ViewParams) -> html.Div:
    _ = gettext_for(params.lang)
    info = app_ctx.codebook.dataset
    t = info.thresholds
    sources = app_ctx.codebook.sources
    n = len(app_ctx.dataset)
    return html.Div([
        html.H1(_("About these data"), className="h3"),
        html.P(info.title.get(params.lang)),
        html.H2(_("The sample"), className="h5 mt-3"),
        html.P(_("{n} interviews from {files} survey files: each country and year is a separate "
                 "sample of adults, interviewed face to face.").format(n=format_number(n, params.lang), files=len(sources))),
        html.H2(_("Weights"), className="h5 mt-3"),
        html.P(_("Each file carries a design weight that makes the sample match the population by "
                 "region, settlement, gender and age. Weighted figures use it; the unweighted base n "
                 "is always the real number of people asked.")),
        html.H2(_("Margins of error"), className="h5 mt-3"),
        html.P(_("Each percentage comes with a 95% CI (confidence interval): if the survey were repeated "
                 "many times, 95 of 100 such intervals would contain the true value. Weighting "
                 "widens it: we use the effective base (Kish), or Taylor linearisation where the "
                 "file names strata and sampling points. Letters in a table mark groups that "
                 "differ significantly (p < 0.05, corrected for multiple comparisons); the "
                 "chi-square test (Rao-Scott corrected when weighted) says whether the answer "
                 "depends on the breakdown at all.")),
        method_formulas(params.lang),
        html.H2(_("Small bases"), className="h5 mt-3"),
        html.P(_("Figures from fewer than {small} respondents are marked as a small base; under "
                 "{minimum} they are not shown at all.").format(small=t.small_base, minimum=t.min_base)),
        html.H2(_("Protecting respondents"), className="h5 mt-3", id="disclosure"),
        html.Ul([html.Li(rule) for rule in disclosure_rules(params.lang, t.min_base)]),
        html.H2(_("Data version"), className="h5 mt-3"),
        html.P([html.Code(app_ctx.dataset.version), " · ",
                _("synthetic demonstration data") if info.synthetic else info.version]),
        html.H2(_("How to cite"), className="h5 mt-3"),
        html.P(_("Every Explore view shows a citation with its permanent link under the chart; the "
                 "link restores exactly that view.")),
        html.H2(_("Data for developers"), className="h5 mt-3"),
        html.P([_("The same figures are available as JSON or CSV from the API: "),
                html.A("/api/v1/docs", href="/api/v1/docs"), "."]),
        dcc.Link("← " + _("Back to Explore"), href=f"/?lang={params.lang}"),
    ], className="about")

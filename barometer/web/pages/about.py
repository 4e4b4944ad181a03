"""About: the method in plain words, the data version, how to cite, the API."""

from __future__ import annotations

from dash import dcc, html

from barometer.i18n import format_number, gettext_for
from barometer.params import ViewParams
from barometer.web.context import AppContext

FORMULAS = (
    # (what, formula): formulas are the same in every language; only the words are translated
    ("weighted share", "p = Σ wᵢyᵢ / Σ wᵢ"),
    ("Taylor linearisation", "var(p) = Σ_h (1 − f_h) m_h/(m_h − 1) Σ_i (z_hi − z̄_h)²,  "
                             "z_hi = Σ_{j∈PSU i} wⱼ(yⱼ − p) / Σ w"),
    ("weights only", "var(p) = n/(n − 1) Σ_i z_i²,  z_i = wᵢ(yᵢ − p) / Σ w"),
    ("lonely PSU", "adjust: (1 − f_h) z_h1²"),
    ("replicate weights", "var(p) = scale · Σ_r rscale_r (p_r − p̄)²"),
    ("standard error", "se = √var(p);  unweighted: √( p (1 − p) / n )"),
    ("effective base", "n_eff = p (1 − p) / se²"),
    ("design effect (Kish)", "deff = n Σ wᵢ² / (Σ wᵢ)²"),
    ("degrees of freedom", "df = PSUs − strata"),
    ("95% CI (Wilson)", "( p + z²/2n* ± z √( p(1−p)/n* + z²/4n*² ) ) / (1 + z²/n*),  "
                        "n* = n_eff (t_{n−1} / t_df)²,  z = 1.96"),
    ("Rao-Scott (second order)", "F = X² / tr Δ,  ndf = (tr Δ)² / tr Δ²,  ddf = ndf · df"),
    ("column letters", "t = (p₁ − p₂) / √(v₁ + v₂);  unweighted: z = (p₁ − p₂) / √( p̄(1 − p̄)(1/n₁ + 1/n₂) )"),
)


def method_formulas(lang: str) -> html.Details:
    """The formulas behind every figure, for researchers (the statistics modules' docstrings
    give the same, with references; tests/test_stats_r.py checks them against R's survey)."""
    _ = gettext_for(lang)
    words = {
        "weighted share": _("weighted share"),
        "Taylor linearisation": _("Taylor linearisation (strata h, PSUs i, finite population correction f_h)"),
        "weights only": _("without a declared design: each respondent a PSU"),
        "lonely PSU": _("stratum with a single PSU (R's adjust; average, remove and certainty as in R)"),
        "replicate weights": _("replicate weights (scale and rscales of the method; p̄ the replicates' mean)"),
        "standard error": _("standard error"),
        "effective base": _("design-effective base"),
        "design effect (Kish)": _("design effect of the weights (Kish)"),
        "degrees of freedom": _("degrees of freedom (among the estimate's respondents; replicate "
                                "weights: their rank − 1)"),
        "95% CI (Wilson)": _("95% CI (Wilson score on the effective base, Korn-Graubard degrees of "
                             "freedom adjustment)"),
        "Rao-Scott (second order)": _("Rao-Scott test (second order, F reference, as R's svychisq)"),
        "column letters": _("column letters (Holm-adjusted within each row, p < 0.05; t on the design's "
                            "degrees of freedom)"),
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
                 "many times, 95 of 100 such intervals would contain the true value. Weighting and "
                 "clustering widen it: the standard errors follow the sample design (strata and "
                 "sampling points, or replicate weights) where the file declares one, and the "
                 "weights alone otherwise, as R's survey package computes them. Letters in a table "
                 "mark groups that differ significantly (p < 0.05, corrected for multiple "
                 "comparisons); the test of independence (Rao-Scott corrected when weighted) says "
                 "whether the answer depends on the breakdown at all.")),
        method_formulas(params.lang),
        html.H2(_("Small bases"), className="h5 mt-3"),
        html.P(_("Figures from fewer than {small} respondents are marked as a small base; under "
                 "{minimum} they are not shown at all.").format(small=t.small_base, minimum=t.min_base)),
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

"""About: the method in plain words, the data version, how to cite, the API."""

from __future__ import annotations

from dash import dcc, html

from barometer.i18n import gettext_for
from barometer.params import ViewParams
from barometer.present.labels import disclosure_rules
from barometer.present.methods import formulas, method_sections
from barometer.web.context import AppContext
from barometer.web.panel import PageLocation


def method_formulas(lang: str) -> html.Details:
    """The formulas behind every figure, for researchers (the statistics modules' docstrings
    give the same, with references)."""
    _ = gettext_for(lang)
    rows = [html.Tr([html.Th(what, scope="row"), html.Td(html.Code(formula))])
            for what, formula in formulas(lang)]
    return html.Details([
        html.Summary(_("Formulas")),
        html.Table(html.Tbody(rows), className="table table-sm formulas"),
    ], className="mt-2")


def method_parts(app_ctx: AppContext, lang: str) -> list:
    """The method's sections (`barometer.present.methods`), the formulas after the margins."""
    parts: list = []
    for section in method_sections(app_ctx.codebook, len(app_ctx.dataset),
                                   len(app_ctx.codebook.sources), lang):
        parts += [html.H2(section.heading, className="h5 mt-3"), html.P(section.text)]
        if section.key == "margins":
            parts.append(method_formulas(lang))
    return parts


def layout(app_ctx: AppContext, params: ViewParams, _location: PageLocation | None = None
           ) -> html.Div:
    _ = gettext_for(params.lang)
    info = app_ctx.codebook.dataset
    return html.Div([
        html.H1(_("About these data"), className="h3"),
        html.P(info.title.get(params.lang)),
        *method_parts(app_ctx, params.lang),
        html.H2(_("Protecting respondents"), className="h5 mt-3", id="disclosure"),
        html.Ul([html.Li(rule)
                 for rule in disclosure_rules(params.lang, info.thresholds.min_base)]),
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

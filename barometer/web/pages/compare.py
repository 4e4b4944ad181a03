"""Compare: one indicator across the countries side by side, optionally pooled."""

from __future__ import annotations

from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update

from barometer.i18n import gettext_for
from barometer.web import ids
from barometer.web.components import indicator_options, labelled, results_tables
from barometer.web.context import AppContext
from barometer.web.params import ViewParams, encode_params, parse_params

PAGE_URL = "compare-url"


def layout(app_ctx: AppContext, params: ViewParams) -> html.Div:
    _ = gettext_for(params.lang)
    lang = params.lang
    year = str((params.years or app_ctx.years)[-1])
    controls = [
        labelled(_("Question"), dcc.Dropdown(id=ids.COMPARE_INDICATOR, options=indicator_options(
            app_ctx.codebook, lang), value=params.indicator, clearable=False, optionHeight=50,
            search_order="original"), ids.COMPARE_INDICATOR),
        labelled(_("Year"), dbc.RadioItems(
            id=ids.COMPARE_YEAR, options=[{"label": str(y), "value": str(y)} for y in app_ctx.years],
            value=year, inline=True), ids.COMPARE_YEAR),
        labelled(_("Pooled figure"), dbc.RadioItems(
            id=ids.COMPARE_POOL, options=[
                {"label": _("None"), "value": "separate"},
                {"label": _("Each country counts equally"), "value": "equal"},
                {"label": _("By adult population"), "value": "population"}],
            value=params.pool), ids.COMPARE_POOL),
        dbc.Switch(id=ids.COMPARE_WEIGHTED, label=_("Weighted"), value=params.weighted),
    ]
    return html.Div([
        dcc.Location(id=PAGE_URL, refresh=False),
        dbc.Row([
            dbc.Col(html.Aside(controls, className="controls"), md=4, lg=3),
            dbc.Col(html.Section([
                html.H1(id=ids.COMPARE_INDICATOR_QUESTION, className="question h4"),
                html.Div(id=ids.COMPARE_NOTICES, role="status"),
                dcc.Loading(html.Div([
                    dcc.Graph(id=ids.COMPARE_GRAPH, style={"height": "480px"},
                              config={"displaylogo": False, "locale": lang}),
                    html.Div(id=ids.COMPARE_TABLE, className="result-tables"),
                    html.P(id=ids.COMPARE_BASE_NOTE, className="base-note"),
                ]), delay_show=150),
            ]), md=8, lg=9),
        ]),
    ])


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(PAGE_URL, "search"),
        Output(ids.COMPARE_INDICATOR_QUESTION, "children"),
        Output(ids.COMPARE_GRAPH, "figure"),
        Output(ids.COMPARE_TABLE, "children"),
        Output(ids.COMPARE_BASE_NOTE, "children"),
        Output(ids.COMPARE_NOTICES, "children"),
        Input(PAGE_URL, "search"),
        Input(ids.COMPARE_INDICATOR, "value"),
        Input(ids.COMPARE_YEAR, "value"),
        Input(ids.COMPARE_POOL, "value"),
        Input(ids.COMPARE_WEIGHTED, "value"),
        State(ids.LANG_STORE, "data"),
    )
    def update_compare(search, indicator, year, pool, weighted, lang):
        if ctx.triggered_id in (None, PAGE_URL):
            params = replace(parse_params(search or "", app_ctx.codebook, app_ctx.years), lang=lang)
        else:
            params = parse_params({
                "indicator": [indicator or ""], "year": [year or ""], "pool": [pool or "separate"],
                "weighted": ["1" if weighted else "0"], "lang": [lang]},
                app_ctx.codebook, app_ctx.years)
        view = app_ctx.views.compare(params)
        new_search = encode_params(view.params, include=("indicator", "year", "pool", "weighted",
                                                         "lang"))
        return (
            new_search if new_search != search else no_update,
            view.question,
            view.figure,
            results_tables(view.sections, view.params.lang),
            view.note,
            [dbc.Alert(n, color="warning", className="py-1 small") for n in view.notices],
        )

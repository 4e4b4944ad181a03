"""Compare: one indicator across the countries side by side, optionally pooled."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update

from barometer.i18n import gettext_for
from barometer.web import ids
from barometer.web.components import (
    dropdown,
    indicator_options,
    labelled,
    page_with_results,
    result_outputs,
    result_values,
)
from barometer.web.context import AppContext
from barometer.web.params import ViewParams, encode_params

PAGE_URL = "compare-url"


def layout(app_ctx: AppContext, params: ViewParams) -> html.Div:
    _ = gettext_for(params.lang)
    lang = params.lang
    year = str((params.years or app_ctx.years)[-1])
    controls = [
        labelled(_("Question"), dropdown(lang, id=ids.COMPARE_INDICATOR, options=indicator_options(
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
    return page_with_results(PAGE_URL, controls, ids.COMPARE, lang, graph_height="480px")


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(PAGE_URL, "search"),
        *result_outputs(ids.COMPARE),
        Input(PAGE_URL, "search"),
        Input(ids.COMPARE_INDICATOR, "value"),
        Input(ids.COMPARE_YEAR, "value"),
        Input(ids.COMPARE_POOL, "value"),
        Input(ids.COMPARE_WEIGHTED, "value"),
        State(ids.LANG_STORE, "data"),
    )
    def update_compare(search, indicator, year, pool, weighted, lang):
        controls = None
        if ctx.triggered_id not in (None, PAGE_URL):
            controls = {"indicator": indicator or "", "year": year or "",
                        "pool": pool or "separate", "weighted": "1" if weighted else "0"}
        params = app_ctx.view_params(search, lang, controls)
        view = app_ctx.views.compare(params)
        new_search = encode_params(view.params, include=("indicator", "year", "pool", "weighted",
                                                         "lang"))
        return (
            new_search if new_search != search else no_update,
            *result_values(view),
        )

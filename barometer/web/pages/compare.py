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
from barometer.web.sync import Controls, last_of, select, switch

VIEW = "compare"
CONTROLS = Controls((
    select("indicator", ids.COMPARE_INDICATOR),
    last_of("year", ids.COMPARE_YEAR),
    select("pool", ids.COMPARE_POOL),
    switch("weighted", ids.COMPARE_WEIGHTED, "1", "0", True),
))


def layout(app_ctx: AppContext, params) -> html.Div:
    _ = gettext_for(params.lang)
    lang = params.lang
    values = dict(zip(CONTROLS.ids, CONTROLS.values(params), strict=True))
    controls = [
        labelled(_("Question"), dropdown(lang, id=ids.COMPARE_INDICATOR, options=indicator_options(
            app_ctx.codebook, lang), value=values[ids.COMPARE_INDICATOR], clearable=False,
            optionHeight=50, search_order="original"), ids.COMPARE_INDICATOR),
        labelled(_("Year"), dbc.RadioItems(
            id=ids.COMPARE_YEAR, options=[{"label": str(y), "value": str(y)} for y in app_ctx.years],
            value=values[ids.COMPARE_YEAR] or str(app_ctx.years[-1]), inline=True),
            ids.COMPARE_YEAR),
        labelled(_("Pooled figure"), dbc.RadioItems(
            id=ids.COMPARE_POOL, options=[
                {"label": _("None"), "value": "separate"},
                {"label": _("Each country counts equally"), "value": "equal"},
                {"label": _("By adult population"), "value": "population"}],
            value=values[ids.COMPARE_POOL]), ids.COMPARE_POOL),
        dbc.Switch(id=ids.COMPARE_WEIGHTED, label=_("Weighted"), value=values[ids.COMPARE_WEIGHTED]),
    ]
    return page_with_results(ids.COMPARE_URL, controls, ids.COMPARE, lang, graph_height="480px")


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.COMPARE_URL, "search"),
        *result_outputs(ids.COMPARE),
        Input(ids.COMPARE_URL, "search"),
        [Input(i, "value") for i in CONTROLS.ids],
        State(ids.LANG_STORE, "data"),
    )
    def update_compare(search, *args):
        *values, lang = args
        from_url = ctx.triggered_id in (None, ids.COMPARE_URL)
        params = app_ctx.view_params(search, lang, None if from_url else CONTROLS.query(values),
                                     VIEW)
        view = app_ctx.views.compare(params)
        new_search = app_ctx.params.encode(view.params, VIEW)
        return (new_search if new_search != search else no_update, *result_values(view))

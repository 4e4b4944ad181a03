"""Trends: one indicator's chosen category across waves, a line per country with CI bands."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update

from barometer.i18n import gettext_for
from barometer.present.labels import category_labels
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
from barometer.web.sync import Controls, checklist, select, switch

VIEW = "trend"
CONTROLS = Controls((
    select("indicator", ids.TRENDS_INDICATOR),
    select("category", ids.TRENDS_CATEGORY),
    checklist("country", ids.TRENDS_COUNTRY),
    switch("weighted", ids.TRENDS_WEIGHTED, "1", "0", True),
))


def category_options(app_ctx: AppContext, indicator: str, lang: str) -> list[dict]:
    labels = category_labels(app_ctx.codebook, indicator, lang)
    missing = {c.code for c in app_ctx.codebook.categories_of(indicator) if c.missing}
    return [{"label": label, "value": code} for code, label in labels.items() if code not in missing]


def layout(app_ctx: AppContext, params) -> html.Div:
    _ = gettext_for(params.lang)
    lang = params.lang
    values = dict(zip(CONTROLS.ids, CONTROLS.values(params), strict=True))
    controls = [
        labelled(_("Question"), dropdown(lang, id=ids.TRENDS_INDICATOR, options=indicator_options(
            app_ctx.codebook, lang), value=values[ids.TRENDS_INDICATOR], clearable=False,
            optionHeight=50, search_order="original"), ids.TRENDS_INDICATOR),
        labelled(_("Answer to follow"), dropdown(lang,
            id=ids.TRENDS_CATEGORY, options=category_options(app_ctx, params.indicator, lang),
            value=values[ids.TRENDS_CATEGORY], clearable=False), ids.TRENDS_CATEGORY),
        labelled(_("Countries"), dbc.Checklist(
            id=ids.TRENDS_COUNTRY, options=[{"label": app_ctx.codebook.country_name(c, lang),
                                             "value": c} for c in app_ctx.codebook.countries],
            value=values[ids.TRENDS_COUNTRY], inline=True), ids.TRENDS_COUNTRY),
        dbc.Switch(id=ids.TRENDS_WEIGHTED, label=_("Weighted"), value=values[ids.TRENDS_WEIGHTED]),
    ]
    return page_with_results(ids.TRENDS_URL, controls, ids.TRENDS, lang)


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.TRENDS_URL, "search"),
        Output(ids.TRENDS_CATEGORY, "options"),
        Output(ids.TRENDS_CATEGORY, "value"),
        *result_outputs(ids.TRENDS),
        Input(ids.TRENDS_URL, "search"),
        [Input(i, "value") for i in CONTROLS.ids],
        State(ids.LANG_STORE, "data"),
    )
    def update_trends(search, *args):
        *values, lang = args
        controls = None
        if ctx.triggered_id not in (None, ids.TRENDS_URL):
            controls = CONTROLS.query(values)
            if ctx.triggered_id == ids.TRENDS_INDICATOR:
                controls["category"] = []  # a new question starts from its own default answer
        params = app_ctx.view_params(search, lang, controls, VIEW)
        view = app_ctx.views.trends(params)
        new_search = app_ctx.params.encode(view.params, VIEW)
        return (
            new_search if new_search != search else no_update,
            category_options(app_ctx, view.params.indicator, view.params.lang),
            view.params.category,
            *result_values(view),
        )

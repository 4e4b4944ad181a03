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
from barometer.web.params import ViewParams, encode_params
from barometer.web.views import default_trend_category

PAGE_URL = "trends-url"


def category_options(app_ctx: AppContext, indicator: str, lang: str) -> list[dict]:
    labels = category_labels(app_ctx.codebook, indicator, lang)
    missing = {c.code for c in app_ctx.codebook.categories_of(indicator) if c.missing}
    return [{"label": label, "value": code} for code, label in labels.items() if code not in missing]


def layout(app_ctx: AppContext, params: ViewParams) -> html.Div:
    _ = gettext_for(params.lang)
    lang = params.lang
    category = params.category or default_trend_category(app_ctx.codebook, params.indicator)
    controls = [
        labelled(_("Question"), dropdown(lang, id=ids.TRENDS_INDICATOR, options=indicator_options(
            app_ctx.codebook, lang), value=params.indicator, clearable=False, optionHeight=50,
            search_order="original"), ids.TRENDS_INDICATOR),
        labelled(_("Answer to follow"), dropdown(lang,
            id=ids.TRENDS_CATEGORY, options=category_options(app_ctx, params.indicator, lang),
            value=category, clearable=False), ids.TRENDS_CATEGORY),
        labelled(_("Countries"), dbc.Checklist(
            id=ids.TRENDS_COUNTRY, options=[{"label": app_ctx.codebook.country_name(c, lang), "value": c}
                                     for c in app_ctx.codebook.countries],
            value=list(params.countries), inline=True), ids.TRENDS_COUNTRY),
        dbc.Switch(id=ids.TRENDS_WEIGHTED, label=_("Weighted"), value=params.weighted),
    ]
    return page_with_results(PAGE_URL, controls, ids.TRENDS, lang)


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(PAGE_URL, "search"),
        Output(ids.TRENDS_CATEGORY, "options"),
        Output(ids.TRENDS_CATEGORY, "value"),
        *result_outputs(ids.TRENDS),
        Input(PAGE_URL, "search"),
        Input(ids.TRENDS_INDICATOR, "value"),
        Input(ids.TRENDS_CATEGORY, "value"),
        Input(ids.TRENDS_COUNTRY, "value"),
        Input(ids.TRENDS_WEIGHTED, "value"),
        State(ids.LANG_STORE, "data"),
    )
    def update_trends(search, indicator, category, countries, weighted, lang):
        controls = None
        if ctx.triggered_id not in (None, PAGE_URL):
            controls = {"indicator": indicator or "",
                        # a new question starts from its own default answer
                        "category": "" if ctx.triggered_id == ids.TRENDS_INDICATOR else category or "",
                        "country": ",".join(countries or []), "weighted": "1" if weighted else "0"}
        params = app_ctx.view_params(search, lang, controls)
        view = app_ctx.views.trends(params)
        new_search = encode_params(view.params, include=("indicator", "category", "country",
                                                         "weighted", "lang"))
        return (
            new_search if new_search != search else no_update,
            category_options(app_ctx, view.params.indicator, view.params.lang),
            view.params.category,
            *result_values(view),
        )

"""Trends: one indicator's chosen answer across waves, a line per country with CI bands, and
one table of years by countries marking significant changes."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update

from barometer.i18n import gettext_for
from barometer.web import ids
from barometer.web.components import (
    category_options,
    dropdown,
    indicator_options,
    labelled,
    register_question_search,
)
from barometer.web.context import AppContext
from barometer.web.panel import (
    PageLocation,
    page_layout,
    panel_outputs,
    panel_update,
    register_panel,
    request_base_url,
)
from barometer.web.sync import Controls, checklist, select, switch
from barometer.web.views import View

VIEW = "trend"
CONTROLS = Controls((
    select("indicator", ids.TRENDS_INDICATOR),
    select("category", ids.TRENDS_CATEGORY),
    checklist("country", ids.TRENDS_COUNTRY),
    switch("weighted", ids.TRENDS_WEIGHTED, "1", "0", True),
))


def page_view(app_ctx: AppContext, params) -> View:
    """What this page shows for `params` (also read by the page's link preview)."""
    return app_ctx.views.trends(params)


def layout(app_ctx: AppContext, params, location: PageLocation | None = None) -> html.Div:
    """The page for `params`, its result already in place (see `panel.page_layout`)."""
    _ = gettext_for(params.lang)
    view = page_view(app_ctx, params)
    params = view.params
    panel = panel_update(app_ctx, view, VIEW, app_ctx.params.encode(params, VIEW),
                         request_base_url(), page_path="/trends")
    lang = params.lang
    values = dict(zip(CONTROLS.ids, CONTROLS.values(params), strict=True))
    controls = [
        labelled(_("Question"), dropdown(lang, id=ids.TRENDS_INDICATOR, options=indicator_options(
            app_ctx.codebook, lang, searched_on_server=True), value=values[ids.TRENDS_INDICATOR], clearable=False,
            optionHeight=50, search_order="original"), ids.TRENDS_INDICATOR),
        labelled(_("Answer to follow"), dropdown(lang,
            id=ids.TRENDS_CATEGORY, options=category_options(app_ctx.codebook, params.indicator,
                                                             lang),
            value=values[ids.TRENDS_CATEGORY], clearable=False), ids.TRENDS_CATEGORY),
        labelled(_("Countries"), dbc.Checklist(
            id=ids.TRENDS_COUNTRY, options=[{"label": app_ctx.codebook.country_name(c, lang),
                                             "value": c} for c in app_ctx.codebook.countries],
            value=values[ids.TRENDS_COUNTRY], inline=True), ids.TRENDS_COUNTRY,
            _("None ticked: all countries.")),
        dbc.Switch(id=ids.TRENDS_WEIGHTED, label=_("Weighted"), value=values[ids.TRENDS_WEIGHTED]),
    ]
    return page_layout(ids.TRENDS_URL, ids.TRENDS, controls, lang, panel=panel, location=location)


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.TRENDS_URL, "search"),
        Output(ids.TRENDS_CATEGORY, "options"),
        Output(ids.TRENDS_CATEGORY, "value"),
        *panel_outputs(ids.TRENDS),
        Input(ids.TRENDS_URL, "search"),
        [Input(i, "value") for i in CONTROLS.ids],
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,  # the page's first render already shows its URL's view
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
            category_options(app_ctx.codebook, view.params.indicator, view.params.lang),
            view.params.category,
            *panel_update(app_ctx, view, VIEW, new_search, request_base_url(),
                          page_path="/trends").outputs(),
        )

    register_question_search(app, app_ctx.codebook, ids.TRENDS_INDICATOR)
    register_panel(app, ids.TRENDS, ids.TRENDS_URL)

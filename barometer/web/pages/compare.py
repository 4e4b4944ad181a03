"""Compare: one indicator across the countries side by side in one wave, with letters of
significant differences between countries, optionally combined into one figure."""

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
from barometer.web.sync import Controls, checklist, last_of, select, switch
from barometer.web.views import View

VIEW = "compare"
CONTROLS = Controls((
    select("indicator", ids.COMPARE_INDICATOR),
    checklist("country", ids.COMPARE_COUNTRY),
    last_of("year", ids.COMPARE_YEAR),
    select("pool", ids.COMPARE_POOL),
    select("chart", ids.COMPARE_CHART),
    select("category", ids.COMPARE_CATEGORY),
    switch("weighted", ids.COMPARE_WEIGHTED, "1", "0", True),
))


def page_view(app_ctx: AppContext, params) -> View:
    """What this page shows for `params` (also read by the page's link preview)."""
    return app_ctx.views.compare(params)


def layout(app_ctx: AppContext, params, location: PageLocation | None = None) -> html.Div:
    """The page for `params`, its result already in place (see `panel.page_layout`)."""
    _ = gettext_for(params.lang)
    view = page_view(app_ctx, params)
    params = view.params
    panel = panel_update(app_ctx, view, VIEW, app_ctx.params.encode(params, VIEW),
                         request_base_url(), page_path="/compare")
    lang, codebook = params.lang, app_ctx.codebook
    values = dict(zip(CONTROLS.ids, CONTROLS.values(params), strict=True))
    controls = [
        labelled(_("Question"), dropdown(lang, id=ids.COMPARE_INDICATOR, options=indicator_options(
            codebook, lang, searched_on_server=True), value=values[ids.COMPARE_INDICATOR], clearable=False,
            optionHeight=50, search_order="original"), ids.COMPARE_INDICATOR),
        labelled(_("Countries"), dbc.Checklist(
            id=ids.COMPARE_COUNTRY, options=[{"label": codebook.country_name(c, lang), "value": c}
                                             for c in codebook.countries],
            value=values[ids.COMPARE_COUNTRY], inline=True), ids.COMPARE_COUNTRY,
            _("None ticked: all countries.")),
        labelled(_("Year"), dbc.RadioItems(
            id=ids.COMPARE_YEAR, options=[{"label": str(y), "value": str(y)} for y in app_ctx.years],
            value=values[ids.COMPARE_YEAR] or str(app_ctx.years[-1]), inline=True),
            ids.COMPARE_YEAR),
        labelled(_("Chart"), dbc.RadioItems(
            id=ids.COMPARE_CHART, options=[{"label": _("One answer"), "value": "headline"},
                                           {"label": _("Stacked to 100%"), "value": "stacked"},
                                           {"label": _("Map"), "value": "map"}],
            value=values[ids.COMPARE_CHART]
            if values[ids.COMPARE_CHART] in ("headline", "stacked", "map") else "headline",
            inline=True), ids.COMPARE_CHART),
        labelled(_("Answer shown"), dropdown(lang,
            id=ids.COMPARE_CATEGORY, options=category_options(codebook, params.indicator, lang),
            value=values[ids.COMPARE_CATEGORY], clearable=False), ids.COMPARE_CATEGORY),
        labelled(_("Combine the countries"), dbc.RadioItems(
            id=ids.COMPARE_POOL, options=[
                {"label": _("No: each country on its own"), "value": "separate"},
                {"label": _("Yes: each country counts equally"), "value": "equal"},
                {"label": _("Yes: weighted by adult population"), "value": "population"}],
            value=values[ids.COMPARE_POOL]), ids.COMPARE_POOL),
        dbc.Switch(id=ids.COMPARE_WEIGHTED, label=_("Weighted"), value=values[ids.COMPARE_WEIGHTED]),
    ]
    return page_layout(ids.COMPARE_URL, ids.COMPARE, controls, lang, graph_height="480px",
                       panel=panel, location=location)


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.COMPARE_URL, "search"),
        Output(ids.COMPARE_CATEGORY, "options"),
        Output(ids.COMPARE_CATEGORY, "value"),
        *panel_outputs(ids.COMPARE),
        Input(ids.COMPARE_URL, "search"),
        [Input(i, "value") for i in CONTROLS.ids],
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,  # the page's first render already shows its URL's view
    )
    def update_compare(search, *args):
        *values, lang = args
        controls = None
        if ctx.triggered_id not in (None, ids.COMPARE_URL):
            controls = CONTROLS.query(values)
            if ctx.triggered_id == ids.COMPARE_INDICATOR:
                controls["category"] = []
        params = app_ctx.view_params(search, lang, controls, VIEW)
        view = app_ctx.views.compare(params)
        new_search = app_ctx.params.encode(view.params, VIEW)
        return (
            new_search if new_search != search else no_update,
            category_options(app_ctx.codebook, view.params.indicator, view.params.lang),
            view.params.category,
            *panel_update(app_ctx, view, VIEW, new_search, request_base_url(),
                          page_path="/compare").outputs(),
        )

    register_question_search(app, app_ctx.codebook, ids.COMPARE_INDICATOR)
    register_panel(app, ids.COMPARE, ids.COMPARE_URL)

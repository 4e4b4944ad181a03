"""Explore: pick an indicator, filter, break down, and read the chart and its table.

The callback is thin: `explore_update` (pure, tested without a browser) turns the URL or the
controls into every output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update

from barometer.i18n import gettext_for
from barometer.web import ids
from barometer.web.components import (
    breakdown_options,
    dropdown,
    graph_config,
    indicator_options,
    labelled,
    notice_alerts,
    results_tables,
)
from barometer.web.context import AppContext
from barometer.web.sync import Controls, checklist, select, switch

VIEW = "crosstab"
# A map's footer (base note, designation footnote, source) takes room; the minimum holds on
# phones too, where the stylesheet sets charts' height.
MAP_STYLE = {"height": "720px", "minHeight": "600px"}
CONTROLS = Controls((
    select("indicator", ids.INDICATOR),
    checklist("country", ids.COUNTRY),
    checklist("year", ids.YEAR),
    select("by", ids.BY),
    switch("weighted", ids.WEIGHTED, "1", "0", True),
    select("percent", ids.PERCENT),
    switch("missing", ids.MISSING, "show", "hide", "show"),
    select("chart", ids.CHART_TYPE),
))


def request_base_url() -> str:
    """The site's own address as the visitor reached it (for citations)."""
    return flask.request.host_url.rstrip("/") if flask.has_request_context() else ""


def filter_query(filter_indicators: Sequence, filter_values: Sequence) -> dict[str, list[str]]:
    """The filter rows' choices in URL vocabulary (rows without an indicator or answers are
    left out)."""
    return {"filter": [f"{ind}:{','.join(vals)}" for ind, vals in
                       zip(filter_indicators, filter_values, strict=False) if ind and vals]}


def filter_row(app_ctx: AppContext, index: int, lang: str, indicator: str | None = None,
               values: tuple[str, ...] = ()) -> html.Div:
    """One 'indicator is one of …' condition with a remove button (pattern-matching ids)."""
    _ = gettext_for(lang)
    codebook = app_ctx.codebook
    options = [o for o in indicator_options(codebook, lang, include_demographics=True,
                                            types=("single", "ordinal", "numeric"))
               if o.get("disabled") or codebook.indicator(o["value"]).type != "numeric"
               or codebook.indicator(o["value"]).bins]
    ind_id = {"type": ids.FILTER_INDICATOR, "index": index}
    val_id = {"type": ids.FILTER_VALUES, "index": index}
    return html.Div(
        [
            html.Label(_("Filter: question and answers to keep"),
                       className="visually-hidden"),
            dropdown(lang, id=ind_id, options=demographics_first(app_ctx, options, lang),
                         value=indicator, placeholder=_("Filter by…"), className="filter-indicator"),
            dropdown(lang, id=val_id, options=value_options(app_ctx, indicator, lang), value=list(values),
                         multi=True, placeholder=_("is one of…"), className="filter-values"),
            html.Button("×", id={"type": ids.REMOVE_FILTER, "index": index},
                        className="btn btn-link remove-filter", title=_("Remove this filter"),
                        **{"aria-label": _("Remove this filter")}),
        ],
        className="filter-row",
        id={"type": ids.FILTER_ROW, "index": index},
    )


def demographics_first(app_ctx: AppContext, options: list[dict], lang: str) -> list[dict]:
    _ = gettext_for(lang)
    demo = [o for o in options if not o.get("disabled") and app_ctx.codebook.indicator(o["value"]).demographic]
    rest = [o for o in options if o.get("disabled") or not app_ctx.codebook.indicator(o["value"]).demographic]
    heading = {"label": "— " + _("Demographics") + " —", "value": "group:demo", "disabled": True}
    return [heading, *demo, *rest]


def value_options(app_ctx: AppContext, indicator: str | None, lang: str) -> list[dict]:
    if not indicator or indicator not in app_ctx.codebook.by_id:
        return []
    return [{"label": c.label.get(lang), "value": c.code}
            for c in app_ctx.codebook.categories_of(indicator)]


def layout(app_ctx: AppContext, params) -> html.Div:
    _ = gettext_for(params.lang)
    codebook, lang = app_ctx.codebook, params.lang
    values = dict(zip(CONTROLS.ids, CONTROLS.values(params), strict=True))
    controls = [
        labelled(_("Question"), dropdown(lang,
            id=ids.INDICATOR, options=indicator_options(codebook, lang), value=values[ids.INDICATOR],
            clearable=False, optionHeight=50, maxHeight=420, search_order="original",
            placeholder=_("Search questions…")), ids.INDICATOR,
            _("Type words of the question, in any language.")),
        labelled(_("Countries"), dbc.Checklist(
            id=ids.COUNTRY, options=[{"label": codebook.country_name(c, lang), "value": c}
                                     for c in codebook.countries],
            value=values[ids.COUNTRY], inline=True), ids.COUNTRY, _("None ticked: all countries.")),
        labelled(_("Years"), dbc.Checklist(
            id=ids.YEAR, options=[{"label": str(y), "value": str(y)} for y in app_ctx.years],
            value=values[ids.YEAR], inline=True), ids.YEAR),
        labelled(_("Break down by"), dropdown(lang,
            id=ids.BY, options=breakdown_options(codebook, lang, params.indicator),
            value=values[ids.BY], clearable=False, maxHeight=380), ids.BY),
        html.Fieldset([
            html.Legend(_("Filters"), className="form-label fw-semibold fs-6 mb-1"),
            html.Div([filter_row(app_ctx, i, lang, ind, codes)
                      for i, (ind, codes) in enumerate(params.filters)], id=ids.FILTER_ROWS),
            dbc.Button("+ " + _("Add a filter"), id=ids.ADD_FILTER, color="secondary",
                       outline=True, size="sm", n_clicks=0),
        ], className="mb-3"),
        html.Div([
            dbc.Switch(id=ids.WEIGHTED, label=_("Weighted"), value=values[ids.WEIGHTED]),
            dbc.Switch(id=ids.MISSING, label=_("Show don't know / refused"), value=values[ids.MISSING]),
        ], className="mb-2"),
        labelled(_("Percentages"), dbc.RadioItems(
            id=ids.PERCENT, options=[{"label": _("of column (group)"), "value": "column"},
                                     {"label": _("of row (answer)"), "value": "row"},
                                     {"label": _("of total"), "value": "total"}],
            value=values[ids.PERCENT], inline=True), ids.PERCENT),
        labelled(_("Chart"), dbc.RadioItems(
            id=ids.CHART_TYPE, options=[{"label": _("Grouped bars"), "value": "bars"},
                                        {"label": _("Stacked to 100%"), "value": "stacked"},
                                        {"label": _("Horizontal bars"), "value": "horizontal"},
                                        {"label": _("Map"), "value": "map"},
                                        {"label": _("Table only"), "value": "table"}],
            value=values[ids.CHART_TYPE], inline=True), ids.CHART_TYPE),
    ]
    results = [
        html.H1(id=ids.INDICATOR_QUESTION, className="question h4"),
        html.Div(id=ids.NOTICES, role="status"),
        dcc.Loading(
            html.Div([
                dcc.Graph(id=ids.GRAPH, config=graph_config(params.lang, params.indicator), className="result-graph",
                          responsive=True, style={"height": "560px"}),
                html.Div(id=ids.TABLE, className="result-tables",
                         **{"aria-live": "polite"}),
                html.P(id=ids.BASE_NOTE, className="base-note"),
            ]),
            id=ids.LOADING, type="default", delay_show=150,
        ),
        share_bar(params),
    ]
    return html.Div(
        [
            dcc.Location(id=ids.EXPLORE_URL, refresh="callback-nav"),
            dbc.Row([
                dbc.Col(html.Aside(controls, className="controls", **{"aria-label": _("Controls")}),
                        md=4, lg=3),
                dbc.Col(html.Section(results, **{"aria-label": _("Results")}), md=8, lg=9),
            ]),
        ]
    )


def share_bar(params) -> html.Div:
    _ = gettext_for(params.lang)
    return html.Div(
        [
            html.Div([
                dbc.Label(_("Link to this view"), html_for=ids.PERMALINK, className="fw-semibold"),
                dbc.InputGroup([
                    dbc.Input(id=ids.PERMALINK, readonly=True, type="url"),
                    dbc.Button([dcc.Clipboard(target_id=ids.PERMALINK, id=ids.COPY_LINK,
                                              className="d-inline"), " ", _("Copy link")],
                               color="primary", outline=True, className="copy-button"),
                ], size="sm"),
            ], className="mb-2"),
            html.Div([
                html.Span(_("Download") + ": ", className="fw-semibold"),
                html.A(_("Table (CSV)"), id=ids.DOWNLOAD_CSV, href="#", download="", className="me-3"),
                html.A(_("Table (XLSX)"), id=ids.DOWNLOAD_XLSX, href="#", download="", className="me-3"),
                html.A(_("Chart (SVG)"), id=ids.DOWNLOAD_SVG, href="#", className="me-3",
                       **{"data-format": "svg"}),
                html.A(_("Chart (PNG)"), id=ids.DOWNLOAD_PNG, href="#", **{"data-format": "png"}),
            ], className="mb-2"),
            html.P(id=ids.CITATION, className="citation small"),
        ],
        className="share-bar",
    )


@dataclass(frozen=True)
class ExploreUpdate:
    """Every output of Explore's callback, in the order `outputs()` returns them."""

    search: Any
    controls: tuple
    by_options: list
    filter_rows: Any
    question: str
    figure: dict
    graph_style: dict
    tables: list
    note: str
    notices: list
    csv_href: str
    xlsx_href: str
    citation: str

    def outputs(self) -> tuple:
        values = [getattr(self, f.name) for f in fields(self)]
        return (values[0], *values[1], *values[2:])


def explore_update(app_ctx: AppContext, *, from_url: bool, search: str | None,
                   control_values: Sequence, filter_indicators: Sequence, filter_values: Sequence,
                   lang: str | None, base_url: str = "") -> ExploreUpdate:
    """What Explore shows: from its URL (first load, back, forward, a shared link) or from its
    controls, read through the parameter table like a link."""
    controls = None if from_url else {**CONTROLS.query(control_values),
                                      **filter_query(filter_indicators, filter_values)}
    params = app_ctx.view_params(search, lang, controls, VIEW)
    new_search = app_ctx.params.encode(params, VIEW)
    view = app_ctx.views.explore(params)
    values = CONTROLS.values(params)
    control_out = list(values) if from_url else [no_update] * len(values)
    by_given = None if from_url else CONTROLS.value_of("by", control_values)
    if by_given and by_given != (params.by or ""):  # a breakdown equal to the question is dropped
        control_out[CONTROLS.ids.index(ids.BY)] = params.by or ""
    shown_filters = tuple((ind, tuple(vals or ())) for ind, vals in
                          zip(filter_indicators, filter_values, strict=False) if ind and vals)
    # Rebuilding the rows re-fires the callback from their new inputs: only when they differ.
    rows = ([filter_row(app_ctx, i, params.lang, ind, codes)
             for i, (ind, codes) in enumerate(params.filters)]
            if from_url and shown_filters != params.filters else no_update)
    return ExploreUpdate(
        search=new_search if new_search != search else no_update,
        controls=tuple(control_out),
        by_options=breakdown_options(app_ctx.codebook, params.lang, params.indicator),
        filter_rows=rows,
        question=view.question,
        figure=view.figure,
        graph_style={"display": "none"} if params.chart == "table" and view.ok
        else MAP_STYLE if params.chart == "map" and view.ok else {"height": "560px"},
        tables=results_tables(view.sections, params.lang),
        note=view.note,
        notices=notice_alerts(view.notices),
        csv_href="/download/table.csv" + new_search,
        xlsx_href="/download/table.xlsx" + new_search,
        citation=app_ctx.citation(params, base_url + "/" + new_search),
    )


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.EXPLORE_URL, "search"),
        [Output(i, "value") for i in CONTROLS.ids],
        Output(ids.BY, "options"),
        Output(ids.FILTER_ROWS, "children", allow_duplicate=True),
        Output(ids.INDICATOR_QUESTION, "children"),
        Output(ids.GRAPH, "figure"),
        Output(ids.GRAPH, "style"),
        Output(ids.TABLE, "children"),
        Output(ids.BASE_NOTE, "children"),
        Output(ids.NOTICES, "children"),
        Output(ids.DOWNLOAD_CSV, "href"),
        Output(ids.DOWNLOAD_XLSX, "href"),
        Output(ids.CITATION, "children"),
        Input(ids.EXPLORE_URL, "search"),
        [Input(i, "value") for i in CONTROLS.ids],
        Input({"type": ids.FILTER_INDICATOR, "index": ALL}, "value"),
        Input({"type": ids.FILTER_VALUES, "index": ALL}, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def update_explore(search, *args):
        *control_values, filter_indicators, filter_values, lang = args
        return explore_update(
            app_ctx, from_url=ctx.triggered_id in (None, ids.EXPLORE_URL), search=search,
            control_values=control_values, filter_indicators=filter_indicators,
            filter_values=filter_values, lang=lang, base_url=request_base_url()).outputs()

    app.clientside_callback(
        """function(search) {
            return window.location.origin + window.location.pathname + (search || "");
        }""",
        Output(ids.PERMALINK, "value"),
        Input(ids.EXPLORE_URL, "search"),
    )

    @app.callback(
        Output(ids.FILTER_ROWS, "children", allow_duplicate=True),
        Input(ids.ADD_FILTER, "n_clicks"),
        Input({"type": ids.REMOVE_FILTER, "index": ALL}, "n_clicks"),
        State(ids.FILTER_ROWS, "children"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def edit_filter_rows(_add_clicks, remove_clicks, rows, lang):
        rows = rows or []
        trigger = ctx.triggered_id
        if trigger == ids.ADD_FILTER:
            used = [r["props"]["id"]["index"] for r in rows]
            return rows + [filter_row(app_ctx, max(used, default=-1) + 1, lang)]
        if isinstance(trigger, dict) and trigger.get("type") == ids.REMOVE_FILTER:
            if not any(remove_clicks):
                return no_update
            return [r for r in rows
                    if r["props"]["id"]["index"] != trigger["index"]]
        return no_update

    @app.callback(
        Output({"type": ids.FILTER_VALUES, "index": MATCH}, "options"),
        Input({"type": ids.FILTER_INDICATOR, "index": MATCH}, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def filter_value_options(indicator, lang):
        return value_options(app_ctx, indicator, lang)

"""Tab book: many questions by one banner in one workbook, built as a background job.

The page's controls name a topic (or questions), a banner, countries, years and weighting; the
button starts a Dash background callback (`job_manager`: DiskcacheManager, a local job store
that the workers of one machine share) that reports progress question by question and ends with
download links. A second identical request finds the finished files (`barometer.web.tabbooks`)
and no job computes anything. The callback is thin: `tabbook_outcome` does the work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import dash_bootstrap_components as dbc
import flask
from dash import DiskcacheManager, Input, Output, State, html

from barometer.i18n import gettext_for
from barometer.paths import cache_dir
from barometer.stats import QueryError
from barometer.web import ids
from barometer.web.components import dropdown, indicator_options, labelled
from barometer.web.context import AppContext
from barometer.web.pages.explore import more_breakdown_options, value_options
from barometer.web.panel import PageLocation
from barometer.web.tabbooks import (
    FORMATS,
    KEY,
    build_files,
    download_name,
    file_store,
    request_from,
)

DEFAULT_BANNER = ("gender", "age_group")
ROUTE = "/tabbook/download"


def job_manager() -> DiskcacheManager:
    """The background callbacks' job store: a disk cache under the data cache (the workers of
    one machine share it). Several machines would need Dash's CeleryManager and a Celery
    worker; see the README."""
    import diskcache

    return DiskcacheManager(diskcache.Cache(str(cache_dir() / "jobs")))


def layout(app_ctx: AppContext, params, _location: PageLocation | None = None) -> html.Div:
    _ = gettext_for(params.lang)
    codebook, lang = app_ctx.codebook, params.lang
    banner = [b for b in (params.by.split(",") if params.by else DEFAULT_BANNER)
              if b in codebook.by_id]
    topics = [{"label": t.label.get(lang), "value": t.id} for t in codebook.topics
              if any(i.topic == t.id and not i.demographic for i in codebook.indicators)]
    years = [str(y) for y in (params.years or app_ctx.years[-1:])]
    controls = [
        labelled(_("Topic"), dropdown(lang, id=ids.TABBOOK_TOPIC, options=topics,
                                      value=topics[0]["value"] if topics else None,
                                      placeholder=_("Every topic")), ids.TABBOOK_TOPIC),
        labelled(_("Or these questions"), dropdown(
            lang, id=ids.TABBOOK_QUESTIONS, options=indicator_options(codebook, lang),
            value=[], multi=True, placeholder=_("Search questions…"), optionHeight=50),
            ids.TABBOOK_QUESTIONS, _("Questions chosen here replace the topic.")),
        labelled(_("Banner: break down by"), dropdown(
            lang, id=ids.TABBOOK_BY, options=more_breakdown_options(codebook, lang, ""),
            value=banner, multi=True), ids.TABBOOK_BY,
            _("A Total column, then each breakdown's groups side by side.")),
        labelled(_("Countries"), dbc.Checklist(
            id=ids.TABBOOK_COUNTRY, options=[{"label": codebook.country_name(c, lang), "value": c}
                                             for c in codebook.countries],
            value=list(params.countries), inline=True), ids.TABBOOK_COUNTRY,
            _("None ticked: all countries.")),
        labelled(_("Years"), dbc.Checklist(
            id=ids.TABBOOK_YEAR, options=[{"label": str(y), "value": str(y)}
                                          for y in app_ctx.years],
            value=years, inline=True), ids.TABBOOK_YEAR),
        html.Fieldset([
            html.Legend(_("Filters"), className="form-label fw-semibold fs-6 mb-1"),
            html.Label(_("Filter: question and answers to keep"), htmlFor=ids.TABBOOK_FILTER,
                       className="visually-hidden"),
            dropdown(lang, id=ids.TABBOOK_FILTER, options=filter_options(app_ctx, lang),
                     value=params.filters[0][0] if params.filters else None,
                     placeholder=_("Filter by…")),
            html.Label(_("is one of…"), htmlFor=ids.TABBOOK_FILTER_VALUES,
                       className="visually-hidden"),
            dropdown(lang, id=ids.TABBOOK_FILTER_VALUES, multi=True,
                     options=value_options(app_ctx, params.filters[0][0] if params.filters
                                           else None, lang),
                     value=list(params.filters[0][1]) if params.filters else [],
                     placeholder=_("is one of…")),
        ], className="mb-3"),
        dbc.Switch(id=ids.TABBOOK_WEIGHTED, label=_("Weighted"), value=params.weighted),
    ]
    return html.Div([
        html.H1(_("Tab book"), className="h4"),
        html.P(_("Every question of a topic by one banner, in one workbook: a sheet per "
                 "question laid out like the Explore table (bases, intervals, letters, small "
                 "and suppressed marks), a contents sheet with links, and a CSV of every "
                 "figure.")),
        dbc.Row([
            dbc.Col(html.Div(controls, className="controls"), md=5, lg=4),
            dbc.Col([
                dbc.Button(_("Build the tab book"), id=ids.TABBOOK_BUILD, color="primary",
                           n_clicks=0),
                html.Div([
                    html.Label(_("Progress"), htmlFor=ids.TABBOOK_PROGRESS, className="me-2"),
                    html.Progress(id=ids.TABBOOK_PROGRESS, value="0", max="100",
                                  style={"width": "60%", "height": "1.2rem"}),
                    html.Span(id=ids.TABBOOK_PROGRESS_TEXT, className="ms-2"),
                ], className="my-3"),
                html.Div(id=ids.TABBOOK_RESULT, role="status", **{"aria-live": "polite"}),
            ], md=7, lg=8),
        ]),
    ])


def filter_options(app_ctx: AppContext, lang: str) -> list[dict]:
    """Questions a tab book can be filtered by: single, ordinal, banded numeric."""
    codebook = app_ctx.codebook
    return [{"label": i.label(lang), "value": i.id} for i in codebook.indicators
            if i.type in ("single", "ordinal") or (i.type == "numeric" and i.bins)]


def tabbook_outcome(app_ctx: AppContext, *, topic: str | None, questions: Sequence[str] | None,
                    by: Sequence[str] | None, countries: Sequence[str] | None,
                    years: Sequence | None, weighted: bool, lang: str,
                    filters: Sequence[tuple[str, Sequence[str]]] = (), store=None,
                    progress: Callable[[int, int], None] | None = None) -> list:
    """The result area after a build: download links, or what is wrong, in the reader's
    language (the files are made unless they are kept already)."""
    _ = gettext_for(lang)
    if not [b for b in (by or []) if b]:
        return [dbc.Alert(_("Choose at least one breakdown for the banner."), color="warning")]
    store = file_store() if store is None else store
    try:
        request = request_from(app_ctx, topic=topic, indicators=questions, by=by,
                               countries=countries, years=years, weighted=weighted, lang=lang,
                               filters=filters)
        key = build_files(app_ctx, request, store, progress)
    except QueryError as exc:
        return [dbc.Alert(_("This tab book cannot be made: {reason}").format(reason=str(exc)),
                          color="warning")]
    links = [html.A(label, href=f"{ROUTE}/{key}.{fmt}?name={download_name(request, fmt)}",
                    download=download_name(request, fmt), className="btn btn-outline-primary me-2",
                    id=f"tabbook-download-{fmt}")
             for fmt, label in (("xlsx", _("Download XLSX")), ("csv", _("Download CSV")))]
    notice = [html.P(notices, className="text-muted") for notices in request.params.notices]
    return [html.P(_("The tab book is ready."), className="fw-semibold"), *links, *notice]


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.TABBOOK_RESULT, "children"),
        Input(ids.TABBOOK_BUILD, "n_clicks"),
        State(ids.TABBOOK_TOPIC, "value"),
        State(ids.TABBOOK_QUESTIONS, "value"),
        State(ids.TABBOOK_BY, "value"),
        State(ids.TABBOOK_COUNTRY, "value"),
        State(ids.TABBOOK_YEAR, "value"),
        State(ids.TABBOOK_WEIGHTED, "value"),
        State(ids.TABBOOK_FILTER, "value"),
        State(ids.TABBOOK_FILTER_VALUES, "value"),
        State(ids.LANG_STORE, "data"),
        background=True,
        manager=job_manager(),
        progress=[Output(ids.TABBOOK_PROGRESS, "value"),
                  Output(ids.TABBOOK_PROGRESS_TEXT, "children")],
        running=[(Output(ids.TABBOOK_BUILD, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def build_tabbook(set_progress, _clicks, topic, questions, by, countries, years, weighted,
                      filter_by, filter_values, lang):
        def progress(done: int, total: int) -> None:
            set_progress((str(round(100 * done / total)), f"{done}/{total}"))

        return tabbook_outcome(app_ctx, topic=topic, questions=questions, by=by,
                               countries=countries, years=years, weighted=bool(weighted),
                               lang=lang or "en", progress=progress,
                               filters=[(filter_by, filter_values)] if filter_by and filter_values
                               else [])

    @app.callback(
        Output(ids.TABBOOK_FILTER_VALUES, "options"),
        Input(ids.TABBOOK_FILTER, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def filter_values_of(indicator, lang):
        return value_options(app_ctx, indicator, lang or "en")

    def download(key: str, fmt: str):
        if fmt not in FORMATS or not KEY.match(key):
            flask.abort(404)
        body = file_store().get(key, fmt)
        if body is None:
            flask.abort(404)
        name = "".join(c for c in flask.request.args.get("name", "") if c.isalnum() or c in "-_.")
        name = name if name.endswith(f".{fmt}") else f"barometer-tabbook.{fmt}"
        return flask.Response(body, mimetype=FORMATS[fmt], headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, max-age=3600"})

    app.server.add_url_rule(f"{ROUTE}/<key>.<fmt>", "tabbook_download", download)

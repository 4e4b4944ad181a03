"""The Dash application: shell, routing between pages, downloads and embed mode.

`create_app(dataset)` builds the app over a harmonised dataset (by default the shipped data,
ingested or read from the cache). Gunicorn serves `app:server` (see app.py at the top level).
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs

import dash
import dash_bootstrap_components as dbc
import flask
from dash import ALL, Input, Output, State, dcc, html

from barometer.dataset import Dataset
from barometer.i18n import choose_lang, gettext_for
from barometer.present.downloads import csv_bytes, xlsx_bytes
from barometer.present.labels import source_caption
from barometer.stats import QueryError, crosstab
from barometer.web import ids
from barometer.web.components import demo_banner, graph_config, navbar, page_title
from barometer.web.context import AppContext
from barometer.web.pages import about, codebook_page, compare, explore, trends
from barometer.web.params import ViewParams, encode_params, parse_params
from barometer.web.serving import configure_server
from barometer.web.views import query_problem

PAGE_MODULES = {"/": explore, "/trends": trends, "/compare": compare, "/codebook": codebook_page,
                "/about": about}
ASSETS = __file__.rsplit("/barometer/", 1)[0] + "/assets"


def create_app(dataset: Dataset | None = None, *, name: str = "barometer") -> dash.Dash:
    if dataset is None:
        from barometer.ingest import load_dataset

        dataset = load_dataset()
    app_ctx = AppContext.for_dataset(dataset)
    app = dash.Dash(
        name,
        title=dataset.codebook.dataset.title.en,
        assets_folder=ASSETS,
        suppress_callback_exceptions=True,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                   {"name": "description",
                    "content": "Explore survey results: weighted crosstabs, trends, comparisons."}],
    )
    app.layout = html.Div([
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.LANG_STORE),
        dcc.Store(id=ids.TITLE_STORE),
        html.Div(id=ids.SHELL),
    ])
    register_routing(app, app_ctx)
    for module in PAGE_MODULES.values():
        if hasattr(module, "register"):
            module.register(app, app_ctx)
    register_downloads(app.server, app_ctx)
    app.server.config["BAROMETER_CONTEXT"] = app_ctx
    # -- server extensions (API, security headers, compression, caching): see barometer.web.api
    configure_server(app)
    return app


def request_lang(search: str) -> str:
    """`lang` from the URL, else the browser's Accept-Language, else English."""
    requested = parse_qs((search or "").lstrip("?")).get("lang", [None])[-1]
    header = flask.request.headers.get("Accept-Language") if flask.has_request_context() else None
    return choose_lang(requested, header)


def register_routing(app: dash.Dash, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.SHELL, "children"),
        Output(ids.LANG_STORE, "data"),
        Output(ids.TITLE_STORE, "data"),
        Input(ids.URL, "pathname"),
        State(ids.URL, "search"),
    )
    def render_shell(pathname, search):
        lang = request_lang(search)
        params = replace(parse_params(search or "", app_ctx.codebook, app_ctx.years), lang=lang)
        _ = gettext_for(lang)
        path = pathname if pathname in PAGE_MODULES else None
        site = app_ctx.codebook.dataset.title.get(lang)
        if "1" in parse_qs((search or "").lstrip("?")).get("embed", []):
            return embed_layout(app_ctx, params), lang, site
        banner = demo_banner(app_ctx.codebook, lang)
        if path is None:
            page = html.Div([html.H1(_("Page not found"), className="h3"),
                             dcc.Link(_("Back to Explore"), href="/")])
            title = _("Page not found") + " · " + site
        else:
            page = PAGE_MODULES[path].layout(app_ctx, params)
            title = page_title(path, lang) + " · " + site
        return html.Div([
            html.A(_("Skip to content"), href="#main", className="skip-link"),
            navbar(app_ctx.codebook, path or "", search or "", lang),
            banner,
            html.Main(dbc.Container(page, fluid=True), id="main", lang=lang),
            html.Footer(dbc.Container(source_caption(app_ctx.codebook, lang, app_ctx.dataset.version),
                                      fluid=True), className="site-footer"),
        ], className=f"page page-{(path or '/').strip('/') or 'explore'}", lang=lang), lang, title

    # A page's own Location pushes its state with refresh="callback-nav", which updates this
    # shell's URL too: keep the page links (carrying the question, countries and language) and
    # the language links (carrying the whole view) in step with what the visitor now sees.
    app.clientside_callback(
        """function(search, navIds, langIds) {
            var current = new URLSearchParams(search || "");
            var carried = new URLSearchParams();
            ["indicator", "country", "lang"].forEach(function (key) {
                if (current.get(key)) { carried.set(key, current.get(key)); }
            });
            var tail = carried.toString() ? "?" + carried.toString() : "";
            var nav = navIds.map(function (id) { return id.page + tail; });
            var langs = langIds.map(function (id) {
                var params = new URLSearchParams(search || "");
                params.set("lang", id.lang);
                return window.location.pathname + "?" + params.toString();
            });
            return [nav, langs];
        }""",
        Output({"type": ids.NAV_LINK, "page": ALL}, "href"),
        Output({"type": ids.LANG_LINK, "lang": ALL}, "href"),
        Input(ids.URL, "search"),
        State({"type": ids.NAV_LINK, "page": ALL}, "id"),
        State({"type": ids.LANG_LINK, "lang": ALL}, "id"),
        prevent_initial_call=True,
    )

    app.clientside_callback(
        """function(title, lang) {
            if (lang) { document.documentElement.lang = lang; }
            if (title) { document.title = title; }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.SHELL, "className"),
        Input(ids.TITLE_STORE, "data"),
        State(ids.LANG_STORE, "data"),
    )


def embed_layout(app_ctx: AppContext, params: ViewParams) -> html.Div:
    """Just the chart, its caption and a link to the full view, for an iframe."""
    _ = gettext_for(params.lang)
    view = app_ctx.views.explore(replace(params, chart="bars" if params.chart == "table" else params.chart))
    full = "/" + encode_params(params)
    return html.Div([
        dcc.Graph(id="embed-graph", figure=view.figure,
                  config=graph_config(params.lang, params.indicator),
                  style={"height": "92vh"}),
        html.P([source_caption(app_ctx.codebook, params.lang, app_ctx.dataset.version), " · ",
                html.A(_("Open the full view"), href=full, target="_blank", rel="noopener")],
               className="embed-caption small"),
    ], className="embed")


def register_downloads(server: flask.Flask, app_ctx: AppContext) -> None:
    """CSV and XLSX of the view named by the query string (same parameters as the page)."""

    def result_for_request():
        params = parse_params(flask.request.query_string.decode("utf-8", "replace"),
                              app_ctx.codebook, app_ctx.years)
        return params, crosstab(app_ctx.dataset, params.query())

    @server.route("/download/table.<fmt>")
    def download_table(fmt: str):
        if fmt not in ("csv", "xlsx"):
            flask.abort(404)
        try:
            params, result = result_for_request()
        except QueryError as exc:
            lang = request_lang(flask.request.query_string.decode("utf-8", "replace"))
            return flask.Response(query_problem(exc, lang), status=400,
                                  mimetype="text/plain; charset=utf-8")
        version = app_ctx.dataset.version
        if fmt == "csv":
            body, mimetype = csv_bytes(result, app_ctx.codebook, params.lang, version), "text/csv"
        else:
            body = xlsx_bytes(result, app_ctx.codebook, params.lang, version)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"barometer-{params.indicator}{'-by-' + params.by if params.by else ''}.{fmt}"
        return flask.Response(body, mimetype=mimetype,
                              headers={"Content-Disposition": f'attachment; filename="{name}"'})


__all__ = ["create_app", "page_title"]

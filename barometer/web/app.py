"""The Dash application: the shell and its routing, page callbacks, downloads and embed mode.

`create_app(dataset)` builds the app over a harmonised dataset (by default the shipped data,
ingested or read from the cache). Gunicorn serves `app:server` (see app.py at the top level).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import lru_cache
from html import escape
from urllib.parse import parse_qs, urlsplit

import dash
import flask
from dash import ALL, Input, Output, State, dcc, html

from barometer.dataset import Dataset
from barometer.i18n import choose_lang, gettext_for
from barometer.params import PARAMETER_TABLE, ParamTable
from barometer.present.downloads import ViewReference, csv_bytes, xlsx_bytes
from barometer.present.labels import download_name, synthetic_notice
from barometer.stats import QueryError
from barometer.web import ids
from barometer.web.context import AppContext
from barometer.web.first_view import (
    SETTING,
    LinkPreview,
    first_view_html,
    plain_title,
    preview_tags,
    scripts_after_first_paint,
    without_unused_scripts,
)
from barometer.web.first_view_style import first_view_stylesheets
from barometer.web.panel import page_location, request_base_url
from barometer.web.preview_route import preview_address
from barometer.web.registry import PAGES, page_at
from barometer.web.serving import configure_server
from barometer.web.shell import shell_layout
from barometer.web.views import query_problem

log = logging.getLogger(__name__)
ASSETS = __file__.rsplit("/barometer/", 1)[0] + "/assets"


def create_app(dataset: Dataset | None = None, *, name: str = "barometer",
               params: ParamTable = PARAMETER_TABLE) -> dash.Dash:
    """The explorer over `dataset`, its view parameters declared by `params`."""
    if dataset is None:
        from barometer.ingest import load_dataset

        dataset = load_dataset()
    app_ctx = AppContext.for_dataset(dataset, params)
    app = dash.Dash(
        name,
        title=dataset.codebook.dataset.title.en,
        assets_folder=ASSETS,
        suppress_callback_exceptions=True,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    render = kept_first_render(app_ctx)
    app.layout = lambda: render(*page_address())[0]
    install_first_view(app, app_ctx, render)
    register_routing(app, app_ctx)
    for page in PAGES:
        if hasattr(page.module, "register"):
            page.module.register(app, app_ctx)
    register_downloads(app.server, app_ctx)
    app.server.config["BAROMETER_CONTEXT"] = app_ctx
    configure_server(app)  # API, security headers, compression, caching: see barometer.web.serving
    register_resources(app)
    return app


def register_resources(app: dash.Dash) -> None:
    """Register every component library's scripts and stylesheets now, once, in the process that
    builds the app (gunicorn's master, before it forks). Dash otherwise does it in the first
    request of each worker, and a script request that reaches a thread before that registration
    has finished answers 500 ("… is not a registered library"): a blank page after every
    deploy or worker recycle."""
    with app.server.app_context():
        app._setup_server()  # noqa: SLF001 - Dash's own first-request set-up, run ahead of time


def page_address() -> tuple[str, str]:
    """(path, query string) of the page being rendered: the request's own for the HTML, the
    page's address (the Referer header, sent to the same origin in full) for `_dash-layout`."""
    if not flask.has_request_context():
        return "/", ""
    request = flask.request
    if request.path.startswith("/_dash-"):
        address = urlsplit(request.referrer or "/")
        return address.path or "/", "?" + address.query if address.query else ""
    query = request.query_string.decode("utf-8", "replace")
    return request.path, "?" + query if query else ""


def first_render(app_ctx: AppContext, pathname: str, search: str) -> tuple[html.Div, str]:
    """(the whole first render of a page, its window title): the shell's URL and language, and
    the page in its frame with its result already in place, so no callback has to run before
    the first number shows (`render_shell` answers later navigation between pages)."""
    lang = request_lang(search)
    frame, title = shell_layout(app_ctx, pathname, search, lang)
    return html.Div([
        dcc.Location(id=ids.URL, refresh=False,
                     **page_location(request_base_url(), pathname, search)),
        dcc.Store(id=ids.LANG_STORE, data=lang),
        dcc.Store(id=ids.TITLE_STORE, data=title),
        html.Div(frame, id=ids.SHELL),
    ]), title


PAGES_KEPT = 128
"""How many pages' first renders and HTML each worker keeps in memory (about 300 KB a page, with
the views they show): the crowd behind one shared link is answered without rendering it again
(19 ms a page here; 1.8 ms kept, 5.6 ms for its `_dash-layout`)."""


def page_key(path: str, search: str) -> tuple[str, ...] | None:
    """All a page's first render depends on: the address it was asked at, its language and the
    day (its citation says when it was accessed); None for a page made for one visitor (the tab
    book's job token) or for no page at all."""
    page = page_at(path)
    if page is None or not page.shared:
        return None
    return (request_base_url(), path, search, request_lang(search), date.today().isoformat())


def kept_first_render(app_ctx: AppContext) -> Callable[[str, str], tuple[html.Div, str]]:
    """`first_render` of the app, kept by `page_key` (the HTML and the `_dash-layout` of a page
    share it)."""
    @lru_cache(maxsize=PAGES_KEPT)
    def kept(key: tuple[str, ...]) -> tuple[html.Div, str]:
        return first_render(app_ctx, key[1], key[2])

    def render(path: str, search: str) -> tuple[html.Div, str]:
        key = page_key(path, search)
        return first_render(app_ctx, path, search) if key is None else kept(key)

    return render


def install_first_view(app: dash.Dash, app_ctx: AppContext,
                       render: Callable[[str, str], tuple[html.Div, str]]) -> None:
    """Every page's HTML carries its first view (`barometer.web.first_view`) in the mount point,
    and its title, description and link-preview tags; `BAROMETER_SSR=0` leaves the mount point
    to Dash's "Loading..." (the page benchmark's baseline). The first view and the tags are kept
    by `page_key`; the rest of the page is Dash's, made for each load (its config carries a
    token of the load)."""
    plain = app.interpolate_index
    server_rendered = os.environ.get(SETTING, "1") != "0"

    def page_parts(path: str, search: str) -> tuple[str, str, str | None]:
        """(title, preview tags, first view HTML) of a page; no first view where it is switched
        off or cannot be written (the mount point then keeps Dash's "Loading...")."""
        layout, title = render(path, search)
        tags = preview_tags(link_preview(app_ctx, path, search, request_lang(search)))
        if not server_rendered:
            return title, tags, None
        try:
            return title, tags, first_view_html(layout)
        except Exception:  # the app still renders the page; the HTML never breaks for this
            log.exception("no first view for %s%s", path, search)
            return title, tags, None

    kept_parts = lru_cache(maxsize=PAGES_KEPT)(lambda key: page_parts(key[1], key[2]))

    def interpolate_index(**parts: str) -> str:
        path, search = page_address()
        key = page_key(path, search)
        title, tags, first = page_parts(path, search) if key is None else kept_parts(key)
        parts["title"] = escape(title)
        parts["metas"] = parts.get("metas", "") + tags
        parts["scripts"] = without_unused_scripts(parts["scripts"])
        if first is not None:
            parts["scripts"], parts["renderer"] = scripts_after_first_paint(parts["scripts"])
            parts["css"] = first_view_stylesheets(parts["css"])
            parts["app_entry"] = f'<div id="react-entry-point">{first}</div>'
        lang = request_lang(search)
        return plain(**parts).replace("<html>", f'<html lang="{lang}">', 1)

    app.interpolate_index = interpolate_index


def link_preview(app_ctx: AppContext, path: str, search: str, lang: str) -> LinkPreview:
    """A page's link preview: for a page of results its chart's title and its result in words,
    with the picture of the same view (`/preview.png` with the page's query)."""
    _ = gettext_for(lang)
    page = page_at(path) or PAGES[0]
    params = replace(app_ctx.params.parse(search, app_ctx.codebook, app_ctx.years,
                                          view=page.view), lang=lang)
    site = app_ctx.codebook.dataset.title.get(lang)
    base = request_base_url()
    view = page.module.page_view(app_ctx, params) if hasattr(page.module, "page_view") else None
    if view is not None and view.ok:
        title = f"{plain_title(view.figure)} · {site}"
        description = " ".join(view.summary)
    else:
        title = f"{page.name(lang)} · {site}"
        description = _("Explore survey results: weighted crosstabs, trends, comparisons.")
    if app_ctx.codebook.dataset.synthetic and synthetic_notice(lang) not in description.lower():
        description += " · " + synthetic_notice(lang)
    return LinkPreview(title=title, description=description, url=base + page.path + search,
                       image=base + preview_address(page.path, search, lang),
                       site=site, lang=lang)


def request_lang(search: str) -> str:
    """`lang` from the URL, else the browser's Accept-Language, else English."""
    requested = parse_qs((search or "").lstrip("?")).get("lang", [None])[-1]
    header = flask.request.headers.get("Accept-Language") if flask.has_request_context() else None
    return choose_lang(requested, header)


NAV_LINKS_FOLLOW_THE_VIEW = """function(search, navIds, langIds) {
    var carriedByPage = %s;
    var current = new URLSearchParams(search || "");
    var nav = navIds.map(function (id) {
        var carried = new URLSearchParams();
        (carriedByPage[id.page] || []).forEach(function (key) {
            if (current.get(key)) { carried.set(key, current.get(key)); }
        });
        return id.page + (carried.toString() ? "?" + carried.toString() : "");
    });
    var langs = langIds.map(function (id) {
        var params = new URLSearchParams(search || "");
        params.set("lang", id.lang);
        return window.location.pathname + "?" + params.toString();
    });
    return [nav, langs];
}"""


def register_routing(app: dash.Dash, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.SHELL, "children"),
        Output(ids.LANG_STORE, "data"),
        Output(ids.TITLE_STORE, "data"),
        Input(ids.URL, "pathname"),
        State(ids.URL, "search"),
        prevent_initial_call=True,  # the first render is `first_render`'s
    )
    def render_shell(pathname, search):
        lang = request_lang(search)
        frame, title = shell_layout(app_ctx, pathname, search, lang)
        return frame, lang, title

    # A page's own Location pushes its state with refresh="callback-nav", which updates this
    # shell's URL too: keep the page links (carrying the registry's keys) and the language links
    # (carrying the whole view) in step with what the visitor now sees.
    carried = json.dumps({page.path: list(page.carried) for page in PAGES})
    app.clientside_callback(
        NAV_LINKS_FOLLOW_THE_VIEW % carried,
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


DOWNLOAD_VIEWS = {"table": ("crosstab", "/"), "trend": ("trend", "/trends"),
                  "compare": ("compare", "/compare")}
"""Download name -> (the view it computes, the page its link opens)."""


def register_downloads(server: flask.Flask, app_ctx: AppContext) -> None:
    """CSV and XLSX of the view named by the query string (same parameters as the page):
    `/download/table.*` (Explore), `/download/trend.*` (Trends), `/download/compare.*`."""

    @server.route("/download/<name>.<fmt>")
    def download(name: str, fmt: str):
        if fmt not in ("csv", "xlsx") or name not in DOWNLOAD_VIEWS:
            flask.abort(404)
        view, page = DOWNLOAD_VIEWS[name]
        search = flask.request.query_string.decode("utf-8", "replace")
        params = app_ctx.params.parse(search, app_ctx.codebook, app_ctx.years, view=view)
        try:
            result = app_ctx.views.result(view, params)
        except QueryError as exc:
            return flask.Response(query_problem(exc, params.lang), status=400,
                                  mimetype="text/plain; charset=utf-8")
        params = app_ctx.views.normalised(view, params)
        link = flask.request.host_url.rstrip("/") + page + app_ctx.params.encode(params, view)
        ref = ViewReference(view=view, link=link, citation=app_ctx.citation(params, link),
                            category=params.category)
        version = app_ctx.dataset.version
        if fmt == "csv":
            body = csv_bytes(result, app_ctx.codebook, params.lang, version, ref)
            mimetype = "text/csv"
        else:
            body = xlsx_bytes(result, app_ctx.codebook, params.lang, version, ref)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        filename = f"{download_name(params, view)}.{fmt}"
        return flask.Response(body, mimetype=mimetype,
                              headers={"Content-Disposition": f'attachment; filename="{filename}"'})


__all__ = ["create_app"]

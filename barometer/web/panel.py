"""The frame every page of results shares: on a phone the result comes first (question, the
result in words, chart, table) under a one-line summary of the choices and a "Change the view"
button; on a wider screen the controls sit on the left. Under every result: the link to the
view, downloads (CSV, XLSX, SVG, PNG) and the citation.

`page_layout` lays it out; `PanelUpdate` is what a page's callback returns for it (built by
`panel_update` from a `View`), in the order of `panel_outputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, TypedDict

import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, dcc, html

from barometer.i18n import gettext_for
from barometer.present.labels import choices_line, download_name
from barometer.web import ids
from barometer.web.components import graph_config, notice_alerts, results_tables

DOWNLOAD_ROUTES = {"crosstab": "/download/table", "trend": "/download/trend",
                   "compare": "/download/compare"}
"""Where a view's table downloads live (`/download/table` is Explore's, kept for old links)."""


def request_base_url() -> str:
    """The site's own address as the visitor reached it (for links and citations)."""
    return flask.request.host_url.rstrip("/") if flask.has_request_context() else ""


def page_layout(location_id: str, rid: ids.ResultIds, controls: list, lang: str,
                graph_height: str = "520px", *, panel: PanelUpdate | None = None,
                location: PageLocation | None = None) -> html.Div:
    """The page's own URL, the phone's choices bar, the controls and the result panel, filled
    with `panel` (the view of the page's URL) so the first render needs no callback."""
    _ = gettext_for(lang)
    return html.Div([
        dcc.Location(id=location_id, refresh="callback-nav", **(location or {})),
        dcc.Store(id=rid.canonical, data=panel.search if panel else None),
        html.Div([
            html.P(panel.choices if panel else None, id=rid.choices, className="choices-line"),
            html.Button(_("Change the view"), id=rid.toggle, n_clicks=0,
                        className="btn btn-primary btn-sm choices-toggle",
                        **{"aria-expanded": "false", "aria-controls": rid.controls}),
        ], className="choices-bar"),
        dbc.Row([  # the result first in the page, so that it is among the first bytes drawn
            dbc.Col(html.Section(result_panel(rid, lang, graph_height, panel,
                                              (location or {}).get("href")),
                                 **{"aria-label": _("Results")}), md=8, lg=9),
            dbc.Col(html.Aside(controls, id=rid.controls, className="controls collapsed",
                               **{"aria-label": _("Controls")}), md=4, lg=3,
                    className="order-first"),
        ], className="page-row"),
    ])


def result_panel(rid: ids.ResultIds, lang: str, graph_height: str,
                 panel: PanelUpdate | None = None, link: str | None = None) -> list:
    shown = panel or PanelUpdate.empty(graph_height)
    return [
        html.H1(shown.question, id=rid.question, className="question h4"),
        html.Div(shown.summary, id=rid.summary, className="summary", **{"aria-live": "polite"}),
        html.Div(shown.notices, id=rid.notices, role="status"),
        dcc.Loading(html.Div([
            graph_slot(dcc.Graph(id=rid.graph, config=graph_config(lang),
                                 className="result-graph", responsive=True,
                                 style=shown.graph_style, figure=shown.figure)),
            html.Div(shown.tables, id=rid.table, className="result-tables"),
            html.P(shown.note, id=rid.note, className="base-note"),
        ]), delay_show=150),
        share_bar(rid, lang, panel, link),
    ]


def graph_slot(graph: dcc.Graph) -> html.Div:
    """The chart's place, as high as the chart from the first render on: the chart's script
    loads after the rest of the app, and the table under it must not move up meanwhile."""
    style = graph.style or {}
    height = "0px" if style.get("display") == "none" else style.get("height", "0px")
    return html.Div(graph, className="graph-slot", style={"--graph-height": height})


def share_bar(rid: ids.ResultIds, lang: str, panel: PanelUpdate | None = None,
              link: str | None = None) -> html.Div:
    """The view's link (with Copy and a "Copied" confirmation), downloads and citation."""
    _ = gettext_for(lang)
    return html.Div(
        [
            html.Div([
                dbc.Label(_("Link to this view"), html_for=rid.permalink, className="fw-semibold"),
                dbc.InputGroup([
                    dbc.Input(id=rid.permalink, readonly=True, type="url", value=link),
                    dbc.Button(_("Copy link"), id=rid.copy, n_clicks=0, color="primary",
                               outline=True, className="copy-button"),
                ], size="sm"),
                html.Span(_("Copied"), id=rid.copied, className="copied small", role="status",
                          style={"display": "none"}),
            ], className="mb-2"),
            html.Div([
                html.Span(_("Download") + ": ", className="fw-semibold"),
                html.A(_("Table (CSV)"), id=rid.csv, href=panel.csv_href if panel else "#",
                       download="", className="me-3"),
                html.A(_("Table (XLSX)"), id=rid.xlsx, href=panel.xlsx_href if panel else "#",
                       download="", className="me-3"),
                html.A(_("Chart (SVG)"), id=rid.svg, href="#", className="me-3",
                       **{"data-format": "svg", "data-graph": rid.graph,
                          "data-filename": panel.svg_name if panel else ""}),
                html.A(_("Chart (PNG)"), id=rid.png, href="#",
                       **{"data-format": "png", "data-graph": rid.graph,
                          "data-filename": panel.png_name if panel else ""}),
            ], className="mb-2 downloads"),
            html.P(panel.citation if panel else None, id=rid.citation, className="citation small"),
        ],
        className="share-bar",
    )


@dataclass(frozen=True)
class PanelUpdate:
    """Every output of a result panel, in the order of `panel_outputs`."""

    question: str
    summary: list
    notices: list
    figure: dict
    graph_style: dict
    tables: list
    note: str
    csv_href: str
    xlsx_href: str
    svg_name: str
    png_name: str
    citation: str
    choices: str
    search: str = field(default="", compare=False)
    """The view's own query string (not an output: written into the address bar on arrival)."""

    def outputs(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "search")

    @classmethod
    def empty(cls, graph_height: str) -> PanelUpdate:
        return cls(question="", summary=[], notices=[], figure={}, graph_style={"height": graph_height},
                   tables=[], note="", csv_href="#", xlsx_href="#", svg_name="", png_name="",
                   citation="", choices="")


class PageLocation(TypedDict, total=False):
    """A page's `dcc.Location` props as the browser's address bar holds them on arrival: with
    all four given, the component has nothing to report when it mounts, and no callback fires."""

    pathname: str
    search: str
    hash: str
    href: str


def page_location(base_url: str, path: str, search: str) -> PageLocation:
    """The Location props of a page first rendered for `path` + `search`."""
    return PageLocation(pathname=path, search=search, hash="", href=base_url + path + search)


def panel_outputs(rid: ids.ResultIds) -> list[Output]:
    """The callback outputs of a result panel, in `PanelUpdate`'s order."""
    return [Output(rid.question, "children"), Output(rid.summary, "children"),
            Output(rid.notices, "children"), Output(rid.graph, "figure"),
            Output(rid.graph, "style"), Output(rid.table, "children"),
            Output(rid.note, "children"), Output(rid.csv, "href"), Output(rid.xlsx, "href"),
            Output(rid.svg, "data-filename"), Output(rid.png, "data-filename"),
            Output(rid.citation, "children"), Output(rid.choices, "children")]


def panel_update(app_ctx, view, page_view: str, search: str, base_url: str = "", *,
                 page_path: str = "/", graph_height: int = 520) -> PanelUpdate:
    """A view's parts for its panel; `search` is the view's own query string."""
    params = view.params
    lang = params.lang
    chart = getattr(params, "chart", "")
    height = view.figure.get("layout", {}).get("height") or graph_height
    if chart == "table" and view.ok:
        style: dict[str, Any] = {"display": "none"}
    else:
        style = {"height": f"{max(int(height), 260)}px"}
    route = DOWNLOAD_ROUTES[page_view]
    name = download_name(params, page_view)
    return PanelUpdate(
        question=view.question,
        summary=[html.P(sentence) for sentence in view.summary],
        notices=notice_alerts(view.notices),
        figure=view.figure,
        graph_style=style,
        tables=results_tables(view.sections, lang),
        note=view.note,
        csv_href=f"{route}.csv{search}",
        xlsx_href=f"{route}.xlsx{search}",
        svg_name=name,
        png_name=name,
        citation=app_ctx.citation(params, base_url + page_path + search),
        choices=choices_line(app_ctx.codebook, params, page_view),
        search=search,
    )


def register_panel(app, rid: ids.ResultIds, location_id: str) -> None:
    """The panel's browser-side behaviour: the permalink follows the URL, Copy says "Copied",
    and the phone's "Change the view" button shows and hides the controls."""
    app.clientside_callback(
        """function(search, canonical) {
            // On arrival the address bar takes the view's own query string (what the page
            // shows, every choice spelled out); later the page's URL follows the controls.
            var context = window.dash_clientside.callback_context;
            var moved = (context.triggered || []).some(function (t) {
                return t.prop_id.slice(-7) === ".search"; });
            if (!moved && canonical && canonical !== window.location.search) {
                window.history.replaceState(window.history.state, "",
                    window.location.pathname + canonical + window.location.hash);
            }
            return window.location.origin + window.location.pathname +
                (moved ? (search || "") : window.location.search);
        }""",
        Output(rid.permalink, "value"),
        Input(location_id, "search"),
        Input(rid.canonical, "data"),
    )
    app.clientside_callback(
        """function(clicks, link, fieldId) {
            if (!clicks) { return {"display": "none"}; }
            var field = document.getElementById(fieldId);
            if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(link || "").catch(function () {});
            } else if (field) {
                field.select();
                document.execCommand("copy");
            }
            return {"display": "inline", "marginLeft": ".5rem"};
        }""",
        Output(rid.copied, "style"),
        Input(rid.copy, "n_clicks"),
        State(rid.permalink, "value"),
        State(rid.permalink, "id"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        """function(clicks) {
            var open = (clicks || 0) % 2 === 1;
            return [open ? "controls" : "controls collapsed", open ? "true" : "false"];
        }""",
        Output(rid.controls, "className"),
        Output(rid.toggle, "aria-expanded"),
        Input(rid.toggle, "n_clicks"),
    )


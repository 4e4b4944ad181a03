"""The frame around every page: skip link, navbar (page links and language switch, from the
page registry), the demonstration-data banner, the page itself and the footer; and the embed
view. Pure layout functions of the dataset, the URL and the language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import parse_qs, urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from barometer.codebook import Codebook
from barometer.i18n import LANGUAGE_NAMES, gettext_for
from barometer.params import encode_params
from barometer.present.labels import source_caption, synthetic_notice
from barometer.web import ids
from barometer.web.components import graph_config, results_tables
from barometer.web.context import AppContext
from barometer.web.panel import graph_slot, page_location, request_base_url
from barometer.web.registry import PAGES, page_at


def carried_query(search: str, keys: Sequence[str]) -> str:
    """The query string keeping only `keys` of the current one ('' when none is set)."""
    query = parse_qs((search or "").lstrip("?"))
    kept = [(k, query[k][-1]) for k in keys if query.get(k)]
    return "?" + urlencode(kept, safe=",:") if kept else ""


def with_lang(search: str, lang: str) -> str:
    """The current query string in another language."""
    query = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    query["lang"] = [lang]
    return "?" + urlencode(query, doseq=True, safe=",:")


def navbar(codebook: Codebook, pathname: str, search: str, lang: str) -> dbc.Navbar:
    """Brand, page links (carrying the registry's keys) and the language switcher."""
    _ = gettext_for(lang)
    links = [
        dbc.NavItem(dbc.NavLink(page.name(lang), href=page.path + carried_query(search, page.carried),
                                active=pathname == page.path,
                                id={"type": ids.NAV_LINK, "page": page.path}))
        for page in PAGES
    ]
    switcher = html.Nav(
        [
            html.Span(_("Language") + ":", className="visually-hidden"),
            *[
                html.A(LANGUAGE_NAMES[code], href=pathname + with_lang(search, code),
                       id={"type": ids.LANG_LINK, "lang": code},
                       lang=code, className="lang-link" + (" active" if code == lang else ""),
                       **{"aria-current": "true" if code == lang else "false"})
                for code in LANGUAGE_NAMES
            ],
        ],
        className="lang-switch",
        id=ids.LANG_SWITCH,
        **{"aria-label": _("Language")},
    )
    home = PAGES[0]
    return dbc.Navbar(
        dbc.Container(
            [
                dcc.Link(codebook.dataset.title.get(lang),
                         href=home.path + carried_query(search, home.carried),
                         className="navbar-brand"),
                dbc.Nav(links, navbar=True, id=ids.NAV_LINKS, className="flex-row flex-wrap"),
                switcher,
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        expand=True,
        className="mb-2",
    )


def demo_banner(codebook: Codebook, lang: str) -> html.Div | None:
    """A plain statement, on every page, that the figures are synthetic demonstration data."""
    if not codebook.dataset.synthetic:
        return None
    _ = gettext_for(lang)
    return html.Div(
        [
            html.Strong(synthetic_notice(lang).capitalize() + ". "),
            _("These figures come from a random model built to test this explorer; they are not "
              "survey findings and must not be quoted as such."),
        ],
        id=ids.BANNER,
        className="demo-banner",
        role="note",
    )


def shell_layout(app_ctx: AppContext, pathname: str | None, search: str | None,
                 lang: str) -> tuple[html.Div, str]:
    """(the page in its frame, the window title) for a URL; `?embed=1` gives the embed view."""
    _ = gettext_for(lang)
    search = search or ""
    page = page_at(pathname)
    view = page.view if page else "crosstab"
    params = replace(app_ctx.params.parse(search, app_ctx.codebook, app_ctx.years, view=view),
                     lang=lang)
    site = app_ctx.codebook.dataset.title.get(lang)
    if "1" in parse_qs(search.lstrip("?")).get("embed", []):
        return embed_layout(app_ctx, params), site
    if page is None:
        content = html.Div([html.H1(_("Page not found"), className="h3"),
                            dcc.Link(_("Back to Explore"), href="/")])
        title = _("Page not found") + " · " + site
    else:
        location = page_location(request_base_url(), page.path, search)
        content = page.module.layout(app_ctx, params, location)
        title = page.name(lang) + " · " + site
    path = page.path if page else ""
    frame = html.Div([
        html.A(_("Skip to content"), href="#main", className="skip-link"),
        navbar(app_ctx.codebook, path, search, lang),
        demo_banner(app_ctx.codebook, lang),
        html.Main(dbc.Container(content, fluid=True), id=ids.MAIN, lang=lang),
        html.Footer(dbc.Container(source_caption(app_ctx.codebook, lang, app_ctx.dataset.version),
                                  fluid=True), className="site-footer"),
    ], className=f"page page-{path.strip('/') or 'explore'}", lang=lang)
    return frame, title


def embed_layout(app_ctx: AppContext, params) -> html.Div:
    """Just the chart, its caption and a link to the full view, for an iframe."""
    _ = gettext_for(params.lang)
    view = app_ctx.views.explore(replace(params, chart="bars" if params.chart == "table"
                                         else params.chart))
    full = "/" + encode_params(params, "crosstab")
    label = (html.P(synthetic_notice(params.lang).capitalize(), className="embed-label")
             if app_ctx.codebook.dataset.synthetic else None)
    # A map has no keyboard access to its shapes: its table (regions as rows) comes with it.
    mapped = params.chart == "map" and view.ok and view.sections
    return html.Div([
        label,
        html.P(" ".join(view.notices), className="embed-notice small") if view.notices else None,
        graph_slot(dcc.Graph(id=ids.EMBED_GRAPH, figure=view.figure,
                             config=graph_config(params.lang, params.indicator),
                             style={"height": "92vh"})),
        html.Details([html.Summary(_("Table")), *results_tables(view.sections, params.lang)],
                     className="embed-table") if mapped else None,
        html.P([source_caption(app_ctx.codebook, params.lang, app_ctx.dataset.version), " · ",
                html.A(_("Open the full view"), href=full, target="_blank", rel="noopener")],
               className="embed-caption small"),
    ], className="embed")

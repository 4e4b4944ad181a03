"""Codebook: every indicator, searchable, with its categories, sources and availability grid."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from barometer.codebook import Codebook, Indicator
from barometer.i18n import gettext_for
from barometer.params import ViewParams
from barometer.textsearch import matches
from barometer.web import ids
from barometer.web.components import searchable_texts
from barometer.web.context import AppContext


def indicator_card(app_ctx: AppContext, ind: Indicator, lang: str) -> html.Article:
    _ = gettext_for(lang)
    codebook = app_ctx.codebook
    sources = {s.id: s for s in codebook.sources}
    countries = list(codebook.countries)
    years = app_ctx.years
    asked = {(sources[sid].country, sources[sid].year): smap for sid, smap in ind.sources.items()
             if sid in sources}
    derived = ind.derive_from is not None
    grid = html.Table([
        html.Caption(_("Availability")),
        html.Thead(html.Tr([html.Th(_("Country"), scope="col")]
                           + [html.Th(str(y), scope="col") for y in years])),
        html.Tbody([
            html.Tr([html.Th(codebook.country_name(c, lang), scope="row")] + [
                html.Td(_cell_text(asked.get((c, y)), derived),
                        className="asked" if (c, y) in asked or derived else "not-asked",
                        title=_("Asked") if (c, y) in asked else
                        (_("Derived") if derived else _("Not asked")))
                for y in years])
            for c in countries
        ]),
    ], className="availability table table-sm")
    categories = codebook.categories_of(ind)
    return html.Article([
        html.H2(ind.label(lang), className="h5"),
        html.P(ind.question.get(lang), className="mb-1"),
        html.P([html.Code(ind.id), " · ", type_names(lang)[ind.type], " · ",
                next((t.label.get(lang) for t in codebook.topics if t.id == ind.topic), ind.topic)],
               className="text-muted small"),
        html.Ul([html.Li(c.label.get(lang) + (" " + _("(missing)") if c.missing else ""))
                 for c in categories], className="categories small") if categories else None,
        grid,
        dcc.Link(_("Explore this question") + " →", href=f"/?indicator={ind.id}&lang={lang}"),
    ], className="codebook-entry", id=f"ind-{ind.id}")


def type_names(lang: str) -> dict[str, str]:
    _ = gettext_for(lang)
    return {"single": _("single choice"), "ordinal": _("ordered scale"),
            "multiple": _("multiple response"), "numeric": _("number")}


def _cell_text(smap, derived: bool) -> str:
    if smap is None:
        return "·" if derived else "—"
    return smap.variable or ", ".join((smap.variables or {}).values())


def matching_indicators(codebook: Codebook, query: str) -> list[Indicator]:
    """Indicators whose question, short label, id or answer labels, in any language, contain
    every word of `query` (ignoring case, diacritics and script)."""
    return [ind for ind in codebook.indicators
            if matches(query, searchable_texts(codebook, ind, with_categories=True))]


def filtered_cards(app_ctx: AppContext, query: str, lang: str) -> list:
    _ = gettext_for(lang)
    found = matching_indicators(app_ctx.codebook, query or "")
    header = html.P(_("{n} of {total} indicators").format(n=len(found),
                    total=len(app_ctx.codebook.indicators)), className="text-muted", role="status")
    return [header] + [indicator_card(app_ctx, ind, lang) for ind in found]


def layout(app_ctx: AppContext, params: ViewParams) -> html.Div:
    _ = gettext_for(params.lang)
    return html.Div([
        html.H1(_("Codebook"), className="h3"),
        dbc.Label(_("Search questions, answers and ids, in any language"), html_for=ids.CODEBOOK_SEARCH),
        dbc.Input(id=ids.CODEBOOK_SEARCH, type="search", debounce=0.3, className="mb-3",
                  placeholder=_("e.g. police, korupcija, siguri")),
        html.Div(filtered_cards(app_ctx, "", params.lang), id=ids.CODEBOOK_LIST),
    ])


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.CODEBOOK_LIST, "children"),
        Input(ids.CODEBOOK_SEARCH, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def search_codebook(query, lang):
        return filtered_cards(app_ctx, query or "", lang)

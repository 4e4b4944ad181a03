"""Codebook: every indicator, by topic (a table of contents and a topic filter), searchable in any
language, each entry one line until opened: question, categories, where it was asked."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from barometer.codebook import Codebook, Indicator
from barometer.i18n import gettext_for
from barometer.params import ViewParams
from barometer.textsearch import codebook_index
from barometer.web import ids
from barometer.web.context import AppContext
from barometer.web.panel import PageLocation


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
    return html.Details([
        html.Summary([html.Span(ind.label(lang), className="entry-label"), " ",
                      html.Span(ind.question.get(lang), className="entry-question")]),
        html.P([html.Code(ind.id), " · ", type_names(lang)[ind.type], " · ",
                next((t.label.get(lang) for t in codebook.topics if t.id == ind.topic), ind.topic)],
               className="text-muted small"),
        html.Ul([html.Li(c.label.get(lang) + (" " + _("(missing)") if c.missing else ""))
                 for c in categories], className="categories small") if categories else None,
        html.Div(grid, className="table-responsive"),
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


def matching_indicators(codebook: Codebook, query: str, topic: str = "") -> list[Indicator]:
    """Indicators of `topic` (all when empty) holding every word of `query` (any language, any
    order, as a prefix; question, label, topic and answers), best matches first; without a
    query, in codebook order."""
    members = [i for i in codebook.indicators if not topic or i.topic == topic]
    if not (query or "").strip():
        return members
    wanted = {i.id for i in members}
    hits = codebook_index(codebook).search(query, partial=False)
    return [codebook.indicator(h.key) for h in hits if h.key in wanted]


def filtered_cards(app_ctx: AppContext, query: str, lang: str, topic: str = "") -> list:
    """The matching entries under their topics' headings (a flat ranked list when searching)."""
    _ = gettext_for(lang)
    codebook = app_ctx.codebook
    found = matching_indicators(codebook, query or "", topic or "")
    header = html.P(_("{n} of {total} indicators").format(n=len(found),
                    total=len(codebook.indicators)), className="text-muted", role="status")
    if (query or "").strip():
        return [header] + [indicator_card(app_ctx, ind, lang) for ind in found]
    out = [header]
    for t in codebook.topics:
        members = [ind for ind in found if ind.topic == t.id]
        if members:
            out.append(html.H2(t.label.get(lang), className="h5 topic-heading", id=f"topic-{t.id}"))
            out += [indicator_card(app_ctx, ind, lang) for ind in members]
    return out


def layout(app_ctx: AppContext, params: ViewParams, _location: PageLocation | None = None
           ) -> html.Div:
    _ = gettext_for(params.lang)
    codebook, lang = app_ctx.codebook, params.lang
    contents = html.Nav([
        html.H2(_("Topics"), className="h6"),
        html.Ul([html.Li(html.A(t.label.get(lang), href=f"#topic-{t.id}"))
                 for t in codebook.topics], className="topic-list"),
    ], className="codebook-contents", **{"aria-label": _("Topics")})
    return html.Div([
        html.H1(_("Codebook"), className="h3"),
        dbc.Row([
            dbc.Col([
                dbc.Label(_("Search questions, answers and ids, in any language"),
                          html_for=ids.CODEBOOK_SEARCH),
                dbc.Input(id=ids.CODEBOOK_SEARCH, type="search", debounce=0.3, className="mb-2",
                          placeholder=_("e.g. police, korupcija, siguri")),
            ], md=8),
            dbc.Col([
                dbc.Label(_("Topic"), html_for=ids.CODEBOOK_TOPIC),
                dbc.Select(id=ids.CODEBOOK_TOPIC, value="all", className="mb-2", options=[
                    {"label": _("All topics"), "value": "all"},
                    *[{"label": t.label.get(lang), "value": t.id} for t in codebook.topics]]),
            ], md=4),
        ]),
        contents,
        html.Div(filtered_cards(app_ctx, "", lang), id=ids.CODEBOOK_LIST),
    ], className="codebook-page")


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.CODEBOOK_LIST, "children"),
        Input(ids.CODEBOOK_SEARCH, "value"),
        Input(ids.CODEBOOK_TOPIC, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,
    )
    def search_codebook(query, topic, lang):
        return filtered_cards(app_ctx, query or "", lang, "" if topic == "all" else topic or "")

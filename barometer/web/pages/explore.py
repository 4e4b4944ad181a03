"""Explore: pick an indicator, filter, break down, and read the chart and its table.

The callback is thin: `explore_update` (pure, tested without a browser) turns the URL or the
controls into every output. Picking a year switches to it; comparing years is an explicit
choice ("Compare years").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, ctx, html, no_update

from barometer.i18n import gettext_for
from barometer.params import PARAMETER_TABLE
from barometer.params.values import breakdowns
from barometer.web import ids
from barometer.web.components import (
    breakdown_options,
    category_options,
    dropdown,
    indicator_options,
    labelled,
    register_picker_search,
    register_question_search,
)
from barometer.web.context import AppContext
from barometer.web.panel import (
    PageLocation,
    PanelUpdate,
    page_layout,
    panel_outputs,
    panel_update,
    register_panel,
    request_base_url,
)
from barometer.web.sync import Controls, checklist, first_of, select, switch
from barometer.web.views import View

VIEW = "crosstab"
CONTROLS = Controls((
    select("indicator", ids.INDICATOR),
    checklist("country", ids.COUNTRY),
    first_of("by", ids.BY),
    switch("weighted", ids.WEIGHTED, "1", "0", True),
    select("percent", ids.PERCENT),
    switch("missing", ids.MISSING, "show", "hide", "show"),
    select("chart", ids.CHART_TYPE),
    switch("sort", ids.SORT, "value", "none", "value"),
    select("category", ids.CATEGORY),
))
YEAR_CONTROLS = (ids.YEAR_ONE, ids.COMPARE_YEARS, ids.YEAR)


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


def year_values(params, years: Sequence[int]) -> tuple[str, bool, list[str]]:
    """(the one year, comparing?, the years compared) the year controls show for a view."""
    chosen = [str(y) for y in (params.years or years[-1:])]
    return chosen[-1], len(chosen) > 1, chosen


def years_query(year_one: str | None, comparing: bool, year_list: Sequence | None,
                previous: Sequence[int]) -> dict[str, list[str]]:
    """The year controls in URL vocabulary: one year, or the years ticked when comparing (a
    year newly ticked while not comparing replaces the others)."""
    if comparing:
        chosen = [str(y) for y in (year_list or [])] or [str(y) for y in previous]
        return {"year": [",".join(chosen)]}
    return {"year": [str(year_one)] if year_one else []}


def year_picker(app_ctx: AppContext, params, lang: str) -> html.Div:
    _ = gettext_for(lang)
    one, comparing, many = year_values(params, app_ctx.years)
    options = [{"label": str(y), "value": str(y)} for y in app_ctx.years]
    return html.Fieldset([
        html.Legend(_("Year"), className="form-label fw-semibold fs-6 mb-1"),
        html.Div(dbc.RadioItems(id=ids.YEAR_ONE, options=options, value=one, inline=True),
                 className="year-one"),
        html.Div(dbc.Checklist(id=ids.YEAR, options=options, value=many, inline=True),
                 className="year-many"),
        dbc.Switch(id=ids.COMPARE_YEARS, label=_("Compare years"), value=comparing),
    ], id="year-picker", className="mb-3 year-picker" + (" comparing" if comparing else ""))


def page_view(app_ctx: AppContext, params) -> View:
    """What this page shows for `params` (also read by the page's link preview)."""
    return app_ctx.views.explore(params)


def layout(app_ctx: AppContext, params, location: PageLocation | None = None) -> html.Div:
    """The page for `params`, its result already in place (see `panel.page_layout`)."""
    _ = gettext_for(params.lang)
    view = page_view(app_ctx, params)
    params = view.params
    codebook, lang = app_ctx.codebook, params.lang
    search = app_ctx.params.encode(params, VIEW)
    panel = panel_update(app_ctx, view, VIEW, search, request_base_url(), page_path="/")
    values = dict(zip(CONTROLS.ids, CONTROLS.values(params), strict=True))
    controls = [
        labelled(_("Question"), dropdown(lang,
            id=ids.INDICATOR, options=indicator_options(codebook, lang, searched_on_server=True),
            value=values[ids.INDICATOR],
            clearable=False, optionHeight=50, maxHeight=420, search_order="original",
            placeholder=_("Search questions…")), ids.INDICATOR,
            _("Type words of the question, in any language.")),
        labelled(_("Countries"), dbc.Checklist(
            id=ids.COUNTRY, options=[{"label": codebook.country_name(c, lang), "value": c}
                                     for c in codebook.countries],
            value=values[ids.COUNTRY], inline=True), ids.COUNTRY, _("None ticked: all countries.")),
        year_picker(app_ctx, params, lang),
        labelled(_("Break down by"), dropdown(lang,
            id=ids.BY, options=breakdown_options(codebook, lang, params.indicator,
                                                 searched_on_server=True),
            value=values[ids.BY], clearable=False, maxHeight=380, search_order="original"),
            ids.BY),
        labelled(_("Side by side with"), dropdown(lang,
            id=ids.BY_MORE, options=more_breakdown_options(codebook, lang, params.indicator,
                                                          searched_on_server=True),
            value=list(breakdowns(params.by)[1:]), multi=True, maxHeight=380,
            search_order="original",
            placeholder=_("More breakdowns…")), ids.BY_MORE,
            _("A banner: a Total column, then each breakdown's groups.")),
        html.Fieldset([
            html.Legend(_("Filters"), className="form-label fw-semibold fs-6 mb-1"),
            html.Div([filter_row(app_ctx, i, lang, ind, codes)
                      for i, (ind, codes) in enumerate(params.filters)], id=ids.FILTER_ROWS),
            dbc.Button("+ " + _("Add a filter"), id=ids.ADD_FILTER, color="secondary",
                       outline=True, size="sm", n_clicks=0),
        ], className="mb-3"),
        combine_fieldset(app_ctx, params),
        labelled(_("Chart"), dbc.RadioItems(
            id=ids.CHART_TYPE, options=chart_options(lang), value=values[ids.CHART_TYPE],
            inline=True), ids.CHART_TYPE),
        labelled(_("Answer shown"), dropdown(lang,
            id=ids.CATEGORY, options=category_options(app_ctx.views.codebook_for(params),
                                                      params.indicator, lang),
            value=values[ids.CATEGORY], clearable=False), ids.CATEGORY,
            _("The answer the headline chart and the summary show.")),
        html.Div([
            dbc.Switch(id=ids.SORT, label=_("Sort by value"), value=values[ids.SORT]),
            dbc.Switch(id=ids.WEIGHTED, label=_("Weighted"), value=values[ids.WEIGHTED]),
            dbc.Switch(id=ids.MISSING, label=_("Show don't know / refused"), value=values[ids.MISSING]),
        ], className="mb-2"),
        labelled(_("Percentages"), dbc.RadioItems(
            id=ids.PERCENT, options=[{"label": _("of column (group)"), "value": "column"},
                                     {"label": _("of row (answer)"), "value": "row"},
                                     {"label": _("of total"), "value": "total"}],
            value=values[ids.PERCENT], inline=True), ids.PERCENT),
    ]
    return page_layout(ids.EXPLORE_URL, ids.EXPLORE, controls, lang, graph_height="560px",
                       panel=panel, location=location)


def combine_fieldset(app_ctx: AppContext, params) -> html.Details:
    """Combine answers into groups of one's own (`combine=`): the question's or the
    breakdown's categories, an optional name, and the groups made so far."""
    _ = gettext_for(params.lang)
    lang = params.lang
    return html.Details([
        html.Summary(_("Combine answers"), className="fw-semibold"),
        dbc.RadioItems(id=ids.COMBINE_TARGET, inline=True, value="indicator", options=[
            {"label": _("of the question"), "value": "indicator"},
            {"label": _("of the breakdown"), "value": "by"}]),
        html.Label(_("Answers to combine"), htmlFor=ids.COMBINE_CODES, className="visually-hidden"),
        dropdown(lang, id=ids.COMBINE_CODES, multi=True, value=[],
                 options=combine_options(app_ctx, params, "indicator"),
                 placeholder=_("Answers to combine…")),
        html.Label(_("Name of the group"), htmlFor=ids.COMBINE_NAME, className="visually-hidden"),
        dbc.Input(id=ids.COMBINE_NAME, placeholder=_("Name of the group (optional)"),
                  maxLength=40, className="my-1"),
        html.Button(_("Combine"), id=ids.COMBINE_ADD, n_clicks=0, title=_("Combine"),
                    className="btn btn-secondary btn-sm me-2"),
        html.Button(_("Undo the groups"), id=ids.COMBINE_CLEAR, n_clicks=0,
                    title=_("Undo the groups"), className="btn btn-link btn-sm"),
        html.Ul(combine_list(app_ctx, params), id=ids.COMBINE_LIST, className="small mt-1"),
    ], className="mb-3")


def combine_options(app_ctx: AppContext, params, target: str | None) -> list[dict]:
    """The categories a new group can take: those of the question or of the first breakdown,
    as they stand (bands and groups already made included)."""
    indicator = params.indicator if target != "by" else (breakdowns(params.by) or ("",))[0]
    codebook = app_ctx.views.codebook_for(params)
    if not indicator or indicator not in codebook.by_id:
        return []
    ind = codebook.indicator(indicator)
    if ind.type not in ("single", "ordinal") and not (ind.type == "numeric" and ind.bins):
        return []
    return [{"label": c.label.get(params.lang), "value": c.code}
            for c in codebook.categories_of(ind)]


def combine_list(app_ctx: AppContext, params) -> list:
    """The groups in force, in words: 'Age group: young = 18–29 + 30–44'."""
    codebook = app_ctx.views.codebook_for(params)
    items = []
    for indicator, group, members in params.combine:
        labels = {c.code: c.label.get(params.lang) for c in app_ctx.codebook.categories_of(
            indicator)} if indicator in app_ctx.codebook.by_id else {}
        name = group or "+".join(members)
        items.append(html.Li(f"{codebook.indicator(indicator).label(params.lang)}: {name} = "
                             + " + ".join(labels.get(m, m) for m in members)))
    return items


def combine_query(previous, trigger: Any, target: str | None, codes: Sequence | None,
                  name: str | None) -> dict[str, list[str]]:
    """The groups and bands of the view in URL vocabulary: those of the URL so far, plus a
    new group when "Combine" was pressed, or none after "Undo the groups"."""
    kind = PARAMETER_TABLE.by_name["combine"].kind
    combine = [kind.encode(v)[0] for v in previous.combine]
    bins = [PARAMETER_TABLE.by_name["bins"].kind.encode(v)[0] for v in previous.bins]
    if trigger == ids.COMBINE_CLEAR:
        combine = []
    elif trigger == ids.COMBINE_ADD and codes:
        indicator = previous.indicator if target != "by" else \
            (breakdowns(previous.by) or ("",))[0]
        label = (name or "").strip().replace(",", " ").replace(":", " ")
        if indicator:
            combine.append(f"{indicator}{'.' + label if label else ''}:"
                           + ",".join(str(c) for c in codes))
    return {"combine": combine, "bins": bins}


def more_breakdown_options(codebook, lang: str, indicator: str, *,
                           searched_on_server: bool = False) -> list[dict]:
    """The breakdowns that can stand beside the first one (no headings, no 'none')."""
    return [o for o in breakdown_options(codebook, lang, indicator,
                                         searched_on_server=searched_on_server)
            if o["value"] and not o.get("disabled")]


def with_more(controls: dict[str, list[str]], more: Sequence | None) -> dict[str, list[str]]:
    """The first breakdown and the ones beside it as one `by` value (`gender,age_group`)."""
    first = [v for v in controls.get("by", []) if v]
    if not first or not more:
        return controls
    chosen = list(dict.fromkeys([first[0], *[str(m) for m in more if m]]))
    return {**controls, "by": [",".join(chosen)]}


def chart_options(lang: str) -> list[dict]:
    _ = gettext_for(lang)
    return [{"label": _("One answer"), "value": "headline"},
            {"label": _("Grouped bars"), "value": "bars"},
            {"label": _("Stacked to 100%"), "value": "stacked"},
            {"label": _("Horizontal bars"), "value": "horizontal"},
            {"label": _("Map"), "value": "map"},
            {"label": _("Table only"), "value": "table"}]


@dataclass(frozen=True)
class ExploreUpdate:
    """Every output of Explore's callback, in the order `outputs()` returns them."""

    search: Any
    controls: tuple
    more: Any
    combine: tuple
    years: tuple
    year_picker_class: str
    by_options: list
    category_options: list
    filter_rows: Any
    panel: PanelUpdate

    def outputs(self) -> tuple:
        return (self.search, *self.controls, self.more, *self.combine, *self.years, self.year_picker_class, self.by_options,
                self.category_options, self.filter_rows, *self.panel.outputs())


def explore_update(app_ctx: AppContext, *, trigger: Any, search: str | None,
                   control_values: Sequence, year_values_: Sequence = (None, False, None),
                   more: Sequence | None = None,
                   combine: Sequence = (None, None, None),
                   filter_indicators: Sequence = (), filter_values: Sequence = (),
                   lang: str | None = None, base_url: str = "") -> ExploreUpdate:
    """What Explore shows: from its URL (first load, back, forward, a shared link: `trigger` is
    None or the page's URL) or from its controls, read through the parameter table like a link."""
    from_url = trigger in (None, ids.EXPLORE_URL)
    controls = None
    if not from_url:
        before = app_ctx.view_params(search, lang, None, VIEW)
        controls = {**with_more(CONTROLS.query(control_values), more),
                    **filter_query(filter_indicators, filter_values),
                    **years_query(*year_values_, before.years),
                    **combine_query(before, trigger, *combine)}
        if trigger == ids.INDICATOR:
            controls["category"] = []  # a new question starts from its own default answer
    params = app_ctx.view_params(search, lang, controls, VIEW)
    # a control's choice leaves the lists of the other pickers as they were (unless the question
    # changed): sending them again would make each picker index its options anew
    same_question = (not from_url and before.indicator == params.indicator
                     and before.lang == params.lang)
    new_search = app_ctx.params.encode(params, VIEW)
    view = app_ctx.views.explore(params)
    values = CONTROLS.values(params)
    control_out = list(values) if from_url else [no_update] * len(values)
    if not from_url:
        for index, (given, wanted) in enumerate(zip(control_values, values, strict=True)):
            if given != wanted and CONTROLS.ids[index] in (ids.BY, ids.CATEGORY):
                control_out[index] = wanted  # dropped (a breakdown equal to the question) or reset
    one, comparing, many = year_values(params, app_ctx.years)
    shown_filters = tuple((ind, tuple(vals or ())) for ind, vals in
                          zip(filter_indicators, filter_values, strict=False) if ind and vals)
    # Rebuilding the rows re-fires the callback from their new inputs: only when they differ.
    rows = ([filter_row(app_ctx, i, params.lang, ind, codes)
             for i, (ind, codes) in enumerate(params.filters)]
            if from_url and shown_filters != params.filters else no_update)
    wanted_more = list(breakdowns(params.by)[1:])
    made = trigger in (ids.COMBINE_ADD, ids.COMBINE_CLEAR)
    combine_out = (combine_options(app_ctx, params, combine[0]),
                   combine_list(app_ctx, params),
                   [] if made else no_update, "" if made else no_update)
    return ExploreUpdate(
        search=new_search if new_search != search else no_update,
        controls=tuple(control_out),
        more=wanted_more if from_url or list(more or []) != wanted_more else no_update,
        combine=combine_out,
        years=tuple(no_update if not from_url and wanted == given else wanted
                    for wanted, given in zip((one, comparing, many), year_values_, strict=True)),
        year_picker_class="mb-3 year-picker" + (" comparing" if comparing else ""),
        by_options=no_update if same_question else breakdown_options(
            app_ctx.codebook, params.lang, params.indicator, searched_on_server=True),
        category_options=no_update if same_question else category_options(
            app_ctx.views.codebook_for(params), params.indicator, params.lang),
        filter_rows=rows,
        panel=panel_update(app_ctx, view, VIEW, new_search, base_url, page_path="/"),
    )


def register(app, app_ctx: AppContext) -> None:
    @app.callback(
        Output(ids.EXPLORE_URL, "search"),
        [Output(i, "value") for i in CONTROLS.ids],
        Output(ids.BY_MORE, "value"),
        Output(ids.COMBINE_CODES, "options"),
        Output(ids.COMBINE_LIST, "children"),
        Output(ids.COMBINE_CODES, "value"),
        Output(ids.COMBINE_NAME, "value"),
        [Output(i, "value") for i in YEAR_CONTROLS],
        Output("year-picker", "className"),
        Output(ids.BY, "options"),
        Output(ids.CATEGORY, "options"),
        Output(ids.FILTER_ROWS, "children", allow_duplicate=True),
        *panel_outputs(ids.EXPLORE),
        Input(ids.EXPLORE_URL, "search"),
        [Input(i, "value") for i in CONTROLS.ids],
        Input(ids.BY_MORE, "value"),
        [Input(i, "value") for i in YEAR_CONTROLS],
        Input({"type": ids.FILTER_INDICATOR, "index": ALL}, "value"),
        Input({"type": ids.FILTER_VALUES, "index": ALL}, "value"),
        Input(ids.COMBINE_ADD, "n_clicks"),
        Input(ids.COMBINE_CLEAR, "n_clicks"),
        Input(ids.COMBINE_TARGET, "value"),
        State(ids.COMBINE_CODES, "value"),
        State(ids.COMBINE_NAME, "value"),
        State(ids.LANG_STORE, "data"),
        prevent_initial_call=True,  # the page's first render already shows its URL's view
    )
    def update_explore(search, *args):
        (*control_values, more, year_one, comparing, year_list, filter_indicators, filter_values,
         _add, _clear, target, codes, name, lang) = args
        return explore_update(
            app_ctx, trigger=ctx.triggered_id, search=search, control_values=control_values,
            more=more, combine=(target, codes, name),
            year_values_=(year_one, comparing, year_list), filter_indicators=filter_indicators,
            filter_values=filter_values, lang=lang, base_url=request_base_url()).outputs()

    register_question_search(app, app_ctx.codebook, ids.INDICATOR)
    codebook = app_ctx.codebook

    def offered_breakdowns(lang: str, indicator: str | None) -> list[dict]:
        return breakdown_options(codebook, lang, indicator or "", searched_on_server=True)

    def offered_more(lang: str, indicator: str | None) -> list[dict]:
        return more_breakdown_options(codebook, lang, indicator or "", searched_on_server=True)

    register_picker_search(app, codebook, ids.BY, offered_breakdowns, State(ids.INDICATOR, "value"))
    register_picker_search(app, codebook, ids.BY_MORE, offered_more, State(ids.INDICATOR, "value"))
    register_panel(app, ids.EXPLORE, ids.EXPLORE_URL)

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

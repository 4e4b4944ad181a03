"""Small layout builders shared by pages: control groups, pickers, chart toolbar, result panels
and tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from barometer.codebook import Codebook
from barometer.i18n import gettext_for
from barometer.present.tables import Section
from barometer.textsearch import codebook_index, search_blob
from barometer.web import ids


def labelled(label: str, control, control_id: str, help_text: str = "") -> html.Div:
    """A form group that names its control for screen readers: a fieldset with a legend around
    a group of checkboxes or radio buttons; otherwise a label bound to the control, inside a
    group named by that label (Dash's dropdown names itself after its current value)."""
    hint = [dbc.FormText(help_text, id=f"{control_id}-help")] if help_text else []
    if isinstance(control, dbc.Checklist | dbc.RadioItems):
        return html.Fieldset(
            [html.Legend(label, className="form-label fw-semibold fs-6 mb-1"), control, *hint],
            className="mb-3")
    label_id = f"{control_id}-label"
    return html.Div(
        [dbc.Label(label, html_for=control_id, id=label_id, className="form-label fw-semibold mb-1"),
         control, *hint],
        className="mb-3", role="group", **{"aria-labelledby": label_id})


def indicator_options(codebook: Codebook, lang: str, *, include_demographics: bool = False,
                      exclude: Sequence[str] = (), types: Sequence[str] | None = None,
                      searched_on_server: bool = False) -> list[dict]:
    """Dropdown options grouped by topic; see `_indicator_options` (cached: options are pure).
    `searched_on_server`: for a picker that asks the server as the visitor types
    (`register_picker_search`), the options carry no search text of their own."""
    key = (codebook.fingerprint, lang, include_demographics, tuple(exclude),
           tuple(types or ()) or None, searched_on_server)
    if key not in _OPTIONS_CACHE:
        options = _indicator_options(codebook, lang, include_demographics, exclude, types)
        _OPTIONS_CACHE[key] = ([without_search(o) for o in options] if searched_on_server
                               else options)
    return _OPTIONS_CACHE[key]


def without_search(option: dict) -> dict:
    """An option less its client-side search text (Dash's dropdown indexes every part of every
    word of its options when it first draws: the costliest step of a page's start)."""
    return {key: value for key, value in option.items() if key != "search"}


_OPTIONS_CACHE: dict[tuple, list[dict]] = {}


def _indicator_options(codebook: Codebook, lang: str, include_demographics: bool,
                       exclude: Sequence[str], types: Sequence[str] | None) -> list[dict]:
    """Dropdown options grouped by topic (topic headings as disabled options); each option is
    found by its short label in every language, folded for case and diacritics, or its id
    (`picker_texts`)."""
    options: list[dict] = []
    for topic in codebook.topics:
        members = [
            i for i in codebook.indicators
            if i.topic == topic.id and i.id not in exclude
            and (include_demographics or not i.demographic)
            and (types is None or i.type in types)
        ]
        if not members:
            continue
        options.append({"label": "— " + topic.label.get(lang) + " —", "value": f"topic:{topic.id}",
                        "disabled": True})
        for ind in members:
            options.append({"label": ind.label(lang), "value": ind.id,
                            "search": search_blob(picker_texts(ind))})
    return options


def searched_options(codebook: Codebook, query: str, offered: list[dict],
                     value: str | Sequence[str] | None) -> list[dict]:
    """What a picker lists for what the visitor typed: those of its `offered` options the
    codebook's ranked search finds (`textsearch.indicator_index`: question, labels, keywords and
    answers in every language; every word, any order, as a prefix; question and label hits
    first), in that order. Each carries the query in its `search` text, so the picker's own
    filter keeps it; the current choices stay listed so their labels still show. Nothing typed:
    all of `offered`."""
    if not (query or "").strip():
        return offered
    by_value = {o["value"]: o for o in offered if not o.get("disabled")}
    index = codebook_index(codebook)
    hits = index.search(query, partial=False) or index.search(query)
    found = [{**by_value[hit.key], "search": query + " " + search_blob([hit.key])}
             for hit in hits if hit.key in by_value]
    listed = {o["value"] for o in found}
    chosen = [value] if isinstance(value, str) else list(value or [])
    return found + [by_value[v] for v in chosen if v in by_value and v not in listed]


def question_search(codebook: Codebook, query: str, lang: str, value: str | None, *,
                    include_demographics: bool = False) -> list[dict]:
    """A question picker's options for what the visitor typed (`searched_options`)."""
    return searched_options(codebook, query, indicator_options(
        codebook, lang, include_demographics=include_demographics, searched_on_server=True),
        value)


def picker_texts(ind) -> list[str]:
    """What a picker's own filter looks at, as the visitor types: the short label in every
    language, and the id. (The question pickers also search the whole question text, on the
    server: `question_search`. Kept short, as Dash's dropdown indexes every part of every word
    of its options when it first draws.)"""
    return (ind.short or ind.question).all_texts() + [ind.id]


def breakdown_options(codebook: Codebook, lang: str, indicator_id: str, *,
                      searched_on_server: bool = False) -> list[dict]:
    """Demographics first, then every other breakable question (`searched_on_server`: see
    `indicator_options`)."""
    _ = gettext_for(lang)
    options = [{"label": _("No breakdown"), "value": ""}]
    demographics = [i for i in codebook.indicators if i.demographic and i.id != indicator_id
                    and (i.type != "numeric" or i.bins)]
    options.append({"label": "— " + _("Demographics") + " —", "value": "group:demo", "disabled": True})
    options += [{"label": i.label(lang), "value": i.id, "search": search_blob(picker_texts(i))}
                for i in demographics]
    options += indicator_options(codebook, lang, exclude=(indicator_id,),
                                 types=("single", "ordinal"))
    return [without_search(o) for o in options] if searched_on_server else options


def category_options(codebook: Codebook, indicator: str, lang: str) -> list[dict]:
    """The answers (nets first, then the substantive answers) one chart or trend can follow."""
    from barometer.present.labels import category_labels

    ind = codebook.indicator(indicator)
    labels = category_labels(codebook, indicator, lang)
    if ind.type == "numeric":
        return [{"label": labels["mean"], "value": "mean"}]
    missing = {c.code for c in codebook.categories_of(ind) if c.missing}
    nets = [n.code for n in ind.nets]
    answers = [c.code for c in codebook.categories_of(ind) if c.code not in missing]
    return [{"label": labels[code], "value": code} for code in nets + answers]


def dropdown(lang: str, **props) -> dcc.Dropdown:
    """A dropdown whose own words (search box, select all, nothing found) are in `lang`."""
    _ = gettext_for(lang)
    labels = {"search": _("Search"), "select_all": _("Select all"),
              "deselect_all": _("Deselect all"), "selected_count": _("{num_selected} selected"),
              "clear_search": _("Clear search"), "clear_selection": _("Clear selection"),
              "no_options_found": _("Nothing found")}
    return dcc.Dropdown(labels=labels, **props)


def graph_config(lang: str, name: str = "chart") -> dict:
    """Chart toolbar in the visitor's language: PNG download at print size, zoom and reset; no
    Plotly logo. Plotly ships no Albanian or Serbian toolbar words, so they come from our
    catalogs."""
    _ = gettext_for(lang)
    words = {
        "Download plot as a PNG": _("Download the chart as PNG"),
        "Download plot": _("Download the chart"),
        "Zoom": _("Zoom"),
        "Pan": _("Pan"),
        "Zoom in": _("Zoom in"),
        "Zoom out": _("Zoom out"),
        "Autoscale": _("Autoscale"),
        "Reset axes": _("Reset axes"),
        "Double-click to zoom back out": _("Double-click to zoom back out"),
        "Double-click on legend to isolate one trace": _("Double-click on the legend to show one series only"),
        "Toggle Spike Lines": _("Toggle spike lines"),
        "Show closest data on hover": _("Show closest data on hover"),
        "Compare data on hover": _("Compare data on hover"),
    }
    return {
        # No toolbar: its buttons sit in the tab order (one focused off screen) and the page
        # offers its own PNG/SVG downloads, with the view's name and notes.
        "displayModeBar": False,
        "displaylogo": False,
        "showSendToCloud": False,  # it would upload the chart to a third party
        "showEditInChartStudio": False,
        "toImageButtonOptions": {"format": "png", "filename": f"barometer-{name}", "scale": 2,
                                 "width": 1100, "height": 650},
        "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
        "locale": lang,
        "locales": {lang: {"dictionary": words}},
    }


def notice_alerts(notices: Sequence[str]) -> list:
    """Warnings about the view (a dropped URL value, an empty selection) as small alerts."""
    return [dbc.Alert(n, color="warning", className="py-1 small mb-2") for n in notices]


def banner_header(section: Section) -> html.Tr:
    """A banner's first header row: each breakdown's name over its columns."""
    spans: list[list] = []
    for column in section.columns:
        if spans and spans[-1][0] == column.group:
            spans[-1][1] += 1
        else:
            spans.append([column.group, 1])
    return html.Tr([html.Td("")] + [
        html.Th(name, colSpan=count, scope="colgroup", className="banner-group") if name
        else html.Td("", colSpan=count) for name, count in spans])


def results_tables(sections: Sequence[Section], lang: str) -> list:
    """Semantic HTML tables: caption, column headers with significance letters, row headers."""
    _ = gettext_for(lang)
    out = []
    for section in sections:
        header = html.Tr(
            [html.Th(section.corner or _("Answer"), scope="col")]
            + [html.Th([c.label, html.Span(f" ({c.letter})", className="sig-letter") if c.letter else None],
                       scope="col") for c in section.columns]
        )
        head = html.Thead([banner_header(section), header] if any(
            c.group for c in section.columns) else header)
        body = []
        for row in section.rows:
            cells = []
            for cell in row.cells:
                classes = " ".join(k for k, on in (("small-base", cell.small),
                                                    ("suppressed", cell.suppressed)) if on)
                content = [cell.text]
                if cell.small and row.kind != "base":
                    content.append(html.Span("†", className="flag", title=_("Small base")))
                if cell.sig:
                    title = (_("Significantly higher than column(s) {letters}").format(
                        letters=", ".join(cell.sig)) if cell.sig.isalpha() else cell.title)
                    content.append(html.Sup(cell.sig, className="sig", title=title))
                if cell.ci:
                    content.append(html.Div(cell.ci, className="ci"))
                cells.append(html.Td(content, className=classes or None, title=cell.title or None))
            body.append(html.Tr([html.Th(row.label, scope="row")] + cells, className=f"row-{row.kind}"))
        out.append(html.Div(
            [
                dbc.Table([html.Caption(section.caption), head, html.Tbody(body)], bordered=False,
                          hover=True, size="sm", className="result-table"),
                html.P(section.test, className="test-note") if section.test else None,
            ],
            className="table-responsive",
        ))
    lettered = any(c.letter for s in sections for c in s.columns) or any(
        r.label.endswith(")") for s in sections if s.groups_as_rows for r in s.rows)
    if sections:
        legend = (_("Cells show the percentage and its 95% CI (confidence interval). Letters mark "
                    "a column significantly higher than the lettered column (p < 0.05, corrected "
                    "for multiple comparisons). † small base: read with caution.") if lettered
                  else _("Cells show the percentage and its 95% CI (confidence interval). † small "
                         "base: read with caution."))
        out.append(html.P(legend, className="table-legend"))
    return out


def register_question_search(app, codebook: Codebook, dropdown_id: str) -> None:
    """The question picker `dropdown_id` searches the codebook on the server as the visitor
    types (`question_search`)."""
    register_picker_search(app, codebook, dropdown_id, lambda lang: indicator_options(
        codebook, lang, searched_on_server=True))


def register_picker_search(app, codebook: Codebook, dropdown_id: str,
                           offered: Callable[..., list[dict]], *states) -> None:
    """The picker `dropdown_id` searches the codebook on the server as the visitor types
    (`searched_options`): `offered(lang, *values of states)` is what it lists with nothing
    typed."""
    from dash import Input, Output, State

    @app.callback(
        Output(dropdown_id, "options", allow_duplicate=True),
        Input(dropdown_id, "search_value"),
        State(dropdown_id, "value"),
        State(ids.LANG_STORE, "data"),
        *states,
        prevent_initial_call=True,
    )
    def search_picker(query, value, lang, *state_values):
        return searched_options(codebook, query or "", offered(lang or "en", *state_values),
                                value)

"""What each page shows for a set of URL parameters: pure, cached, testable without a browser.

A callback turns its inputs into `ViewParams`, asks a view here, and returns its parts. The
numbers come from `barometer.stats`, figures and tables from `barometer.present`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import plotly.graph_objects as go

from barometer.dataset import Dataset
from barometer.i18n import gettext_for
from barometer.present.figures import crosstab_figure, empty_figure, trend_figure
from barometer.present.labels import base_note, category_labels, pooling_rule, source_caption
from barometer.present.tables import Section, display_tables
from barometer.stats import QueryError, crosstab, trend
from barometer.web.params import ViewParams, encode_params


@dataclass(frozen=True)
class View:
    """One page's content: a figure, its table sections, the base note and any notices."""

    params: ViewParams
    figure: go.Figure
    sections: tuple[Section, ...] = ()
    note: str = ""
    notices: tuple[str, ...] = ()
    question: str = ""
    ok: bool = True


class Views:
    """Views over one dataset, cached by parameters (results are small; the cache is bounded)."""

    def __init__(self, dataset: Dataset, cache_size: int = 512) -> None:
        self.dataset = dataset
        self.codebook = dataset.codebook
        self.years = tuple(sorted(int(y) for y in dataset.frame["year"].unique()))
        self.explore = lru_cache(maxsize=cache_size)(self._explore)
        self.trends = lru_cache(maxsize=cache_size)(self._trends)
        self.compare = lru_cache(maxsize=cache_size)(self._compare)

    @property
    def caption_version(self) -> str:
        return self.dataset.version

    def caption(self, lang: str) -> str:
        return source_caption(self.codebook, lang, self.dataset.version)

    def _explore(self, params: ViewParams) -> View:
        question = self.codebook.indicator(params.indicator).question.get(params.lang)
        try:
            result = crosstab(self.dataset, params.query())
        except QueryError as exc:
            return self._failed(params, str(exc), question)
        if result.table.empty:
            return self._failed(params, gettext_for(params.lang)("No respondents match this choice."),
                                question)
        note = base_note(result, self.codebook, params.lang)
        figure = (
            empty_figure("")
            if params.chart == "table"
            else crosstab_figure(result, self.codebook, params.lang, params.chart, base_note=note,
                                 caption=self.caption(params.lang))
        )
        return View(params, figure, display_tables(result, self.codebook, params.lang), note,
                    params.notices, question)

    def _trends(self, params: ViewParams) -> View:
        _ = gettext_for(params.lang)
        ind = self.codebook.indicator(params.indicator)
        question = ind.question.get(params.lang)
        category = params.category or default_trend_category(self.codebook, params.indicator)
        params = replace(params, category=category, years=())
        try:
            result = trend(self.dataset, params.query(by=None, pool="separate"), category)
        except QueryError as exc:
            return self._failed(params, str(exc), question)
        if result.table.empty:
            return self._failed(params, _("No respondents match this choice."), question)
        note = base_note(result, self.codebook, params.lang)
        label = category_labels(self.codebook, params.indicator, params.lang).get(category or "", "")
        figure = trend_figure(result, self.codebook, params.lang, base_note=note,
                              caption=self.caption(params.lang), category_label=label)
        return View(params, figure, display_tables(result, self.codebook, params.lang), note,
                    params.notices, question)

    def _compare(self, params: ViewParams) -> View:
        """Every chosen country side by side (and pooled, when asked) in one wave."""
        question = self.codebook.indicator(params.indicator).question.get(params.lang)
        params = replace(params, by=None, years=params.years[-1:] or self.years[-1:])
        try:
            separate = crosstab(self.dataset, params.query(pool="separate"))
            result = separate
            if params.pool != "separate":
                pooled = crosstab(self.dataset, params.query())
                result = replace(separate, table=_concat(separate.table, pooled.table))
        except QueryError as exc:
            return self._failed(params, str(exc), question)
        if result.table.empty:
            return self._failed(params, gettext_for(params.lang)("No respondents match this choice."),
                                question)
        note = base_note(separate, self.codebook, params.lang)
        if params.pool != "separate":
            note += " " + pooling_rule(params.pool, params.lang)
        figure = crosstab_figure(result, self.codebook, params.lang, "stacked", base_note=note,
                                 caption=self.caption(params.lang))
        return View(params, figure, display_tables(result, self.codebook, params.lang), note,
                    params.notices, question)

    def _failed(self, params: ViewParams, message: str, question: str) -> View:
        return View(params, empty_figure(message), (), "", params.notices + (message,), question,
                    ok=False)

    def link(self, page: str, params: ViewParams) -> str:
        return page + encode_params(params)


def default_trend_category(codebook, indicator_id: str) -> str | None:
    """The first net (e.g. trust: full + some), else the first substantive category."""
    ind = codebook.indicator(indicator_id)
    if ind.type == "numeric":
        return None
    if ind.nets:
        return ind.nets[0].code
    cats = [c for c in codebook.categories_of(ind) if not c.missing]
    return cats[0].code if cats else None


def _concat(a, b):
    import pandas as pd

    return pd.concat([a, b], ignore_index=True)

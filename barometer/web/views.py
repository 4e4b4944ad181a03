"""What each page shows for a set of URL parameters: pure, cached, testable without a browser.

A callback turns its inputs into `ViewParams`, asks a view here, and returns its parts. The
numbers come from `barometer.stats`, figures and tables from `barometer.present`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from barometer.dataset import Dataset
from barometer.i18n import gettext_for
from barometer.params import ViewParams
from barometer.present.figures import crosstab_figure, empty_figure, trend_figure
from barometer.present.labels import base_note, category_labels, source_caption
from barometer.present.maps import map_model, map_sections, region_map_figure
from barometer.present.tables import Section, display_tables
from barometer.stats import QueryError, crosstab, trend
from barometer.stats.disclosure import TooFewRespondents
from barometer.stats.query import data_years, default_category


@dataclass(frozen=True)
class View:
    """One page's content: a figure, its table sections, the base note and any notices."""

    params: ViewParams
    figure: dict
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
        self.years = data_years(dataset)
        self.explore = lru_cache(maxsize=cache_size)(self._explore)
        self.trends = lru_cache(maxsize=cache_size)(self._trends)
        self.compare = lru_cache(maxsize=cache_size)(self._compare)

    def caption(self, lang: str) -> str:
        return source_caption(self.codebook, lang, self.dataset.version)

    def mapped_breakdowns(self, indicator: str = "") -> tuple[str, ...]:
        """Indicators whose answers have shapes (a boundary file), in codebook order."""
        return tuple(i.id for i in self.codebook.indicators
                     if i.id in self.dataset.boundaries and i.id != indicator)

    def _explore(self, params: ViewParams) -> View:
        if params.chart == "map":
            if params.by in self.dataset.boundaries:
                return self._map(params, params.by)
            bars = self.explore(replace(params, chart="bars"))
            return replace(bars, params=params,
                           notices=bars.notices + (self._no_map_notice(params),))

        def draw(result, note: str) -> dict:
            if params.chart == "table":
                return empty_figure("")
            return crosstab_figure(result, self.codebook, params.lang, params.chart,
                                   base_note=note, caption=self.caption(params.lang))

        return self._build(params, lambda: crosstab(self.dataset, params.query()), draw)

    def _trends(self, params: ViewParams) -> View:
        category = params.category or default_category(self.codebook, params.indicator)
        chart = "map" if params.chart == "map" else None  # else the trend's own lines
        params = replace(params, category=category, by=None, chart=chart)
        if chart == "map":
            mapped = self.mapped_breakdowns(params.indicator)
            if mapped:
                return self._map(params, mapped[0])  # a map per wave
            params = replace(params, chart=None, notices=params.notices + (
                self._no_map_notice(params),))
        label = category_labels(self.codebook, params.indicator, params.lang).get(category or "", "")

        def draw(result, note: str) -> dict:
            return trend_figure(result, self.codebook, params.lang, base_note=note,
                                caption=self.caption(params.lang), category_label=label)

        return self._build(
            params, lambda: trend(self.dataset, params.query(pool="separate"), category), draw)

    def _compare(self, params: ViewParams) -> View:
        """Every chosen country side by side (and pooled, when asked) in one wave."""
        params = replace(params, by=None, years=params.years[-1:] or self.years[-1:])
        if params.chart == "map":
            mapped = self.mapped_breakdowns(params.indicator)
            if mapped:
                return self._map(params, mapped[0])  # every country on one map
            params = replace(params, notices=params.notices + (self._no_map_notice(params),))
        chart = params.chart if params.chart in ("bars", "stacked", "horizontal") else "stacked"

        def compute():
            separate = crosstab(self.dataset, params.query(pool="separate"))
            if params.pool == "separate":
                return separate
            pooled = crosstab(self.dataset, params.query())
            return replace(pooled, table=pd.concat([separate.table, pooled.table],
                                                   ignore_index=True))

        def draw(result, note: str) -> dict:
            return crosstab_figure(result, self.codebook, params.lang, chart, base_note=note,
                                   caption=self.caption(params.lang))

        return self._build(params, compute, draw)

    def _map(self, params: ViewParams, by: str) -> View:
        """A map of the view's answer (`category`) by the regions of `by`, a panel per year, and
        its table (regions as rows), from a crosstab by `by` per country (regions are never
        pooled)."""
        lang = params.lang
        boundaries = self.dataset.boundaries[by]
        footnote_text = self.codebook.dataset.designation_footnote
        footnote = footnote_text.get(lang) if footnote_text else ""

        def compute():
            return crosstab(self.dataset, params.query(by=by, pool="separate"))

        def present(result, note: str):
            model = map_model(result, self.codebook, lang, params.category)
            if not model.cells:
                return None, ()
            figure = region_map_figure(result, self.codebook, lang, params.category, boundaries,
                                       base_note=note, caption=self.caption(lang),
                                       footnote=footnote, model=model)
            return figure, map_sections(model, self.codebook)

        return self._build(params, compute, None, present=present)

    def _no_map_notice(self, params: ViewParams) -> str:
        """Why a map was asked for and bars are shown."""
        _ = gettext_for(params.lang)
        mapped = self.mapped_breakdowns(params.indicator)
        if not mapped:
            return _("No question of this dataset has a map (its codebook links no boundary "
                     "file), so the chart shows bars.")
        names = ", ".join(f"“{self.codebook.indicator(i).label(params.lang)}”" for i in mapped)
        return _("A map needs a breakdown that has shapes: choose {names} under “Break down by”. "
                 "The chart shows bars meanwhile.").format(names=names)

    def _build(self, params: ViewParams, compute: Callable, draw: Callable | None, *,
               present: Callable | None = None) -> View:
        """Compute a result, then its base note, figure and tables (`draw` gives the figure,
        or `present` the figure and tables; no figure means nothing to show); a query the data
        cannot answer becomes a view with the reason as its notice."""
        question = self.codebook.indicator(params.indicator).question.get(params.lang)
        try:
            result = compute()
        except QueryError as exc:
            return self._failed(params, query_problem(exc, params.lang), question)
        if result.table.empty:
            _ = gettext_for(params.lang)
            return self._failed(params, _("No respondents match this choice."), question)
        note = base_note(result, self.codebook, params.lang)
        if present is None:
            figure, sections = draw(result, note), display_tables(result, self.codebook,
                                                                   params.lang)
        else:
            figure, sections = present(result, note)
        if figure is None:
            _ = gettext_for(params.lang)
            return self._failed(params, _("Nothing to map: no region has a figure for this "
                                          "answer in this choice."), question)
        return View(params, figure, sections, note, params.notices, question)

    def _failed(self, params: ViewParams, message: str, question: str) -> View:
        return View(params, empty_figure(message), (), "", params.notices + (message,), question,
                    ok=False)


def query_problem(exc: QueryError, lang: str) -> str:
    """What a visitor reads when the data cannot answer a query, in their language (the
    statistics layer's own message is for developers and stays in English)."""
    _ = gettext_for(lang)
    if isinstance(exc, TooFewRespondents):
        return _("Fewer than {minimum} respondents match this choice in every country and year "
                 "shown, so no figure is shown (to protect the people who answered). Widen the "
                 "filters, or choose more countries or years.").format(minimum=exc.minimum)
    text = _("This view cannot be shown: {param} = {value} is not available here.").format(
        param=exc.param, value=str(exc.value)[:80])
    allowed = [str(a) for a in exc.allowed[:8]]
    if allowed:
        text += " " + _("Available: {names}").format(names=", ".join(allowed))
    return text

"""What each page shows for a set of URL parameters: pure, cached, testable without a browser.

A callback turns its inputs into `ViewParams`, asks a view here, and returns its parts. The
numbers come from `barometer.stats`, figures and tables from `barometer.present`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from barometer.dataset import Dataset
from barometer.i18n import gettext_for
from barometer.params import ViewParams
from barometer.params.values import breakdowns
from barometer.present.banners import banner_figure, banner_sections
from barometer.present.figures import crosstab_figure, empty_figure, headline_figure, trend_figure
from barometer.present.labels import (
    base_note,
    category_labels,
    country_label,
    source_caption,
    year_span,
)
from barometer.present.maps import map_model, map_sections, region_map_figure
from barometer.present.sentences import result_sentences
from barometer.present.tables import Section, display_tables
from barometer.stats import QueryError, compare, crosstab, trend
from barometer.stats.availability import availability
from barometer.stats.banner import banner
from barometer.stats.disclosure import TooFewRespondents
from barometer.stats.groups import grouped
from barometer.stats.query import data_years, default_category


@dataclass(frozen=True)
class View:
    """One page's content: a figure, its table sections, the base note, the result in words
    and any notices."""

    params: ViewParams
    figure: dict
    sections: tuple[Section, ...] = ()
    note: str = ""
    notices: tuple[str, ...] = ()
    question: str = ""
    ok: bool = True
    summary: tuple[str, ...] = ()


def _cached_by_params_and_notices(build: Callable[[ViewParams], View], size: int
                                  ) -> Callable[[ViewParams], View]:
    """`build`, cached. Parameters compare equal whatever notices their link gave ("The link asks
    for …"), but a view shows them: they are part of the key."""
    cached = lru_cache(maxsize=size)(lambda params, _notices: build(params))
    return lambda params: cached(params, params.notices)


class Views:
    """Views over one dataset, cached by parameters (results are small; the cache is bounded)."""

    def __init__(self, dataset: Dataset, cache_size: int = 512) -> None:
        self.dataset = dataset
        self.codebook = dataset.codebook
        self.years = data_years(dataset)
        self.explore = _cached_by_params_and_notices(self._explore, cache_size)
        self.trends = _cached_by_params_and_notices(self._trends, cache_size)
        self.compare = _cached_by_params_and_notices(self._compare, cache_size)

    def codebook_for(self, params: ViewParams):
        """The codebook a view reads its result with: the groups of `combine` and `bins` are
        categories there."""
        if not params.combine and not params.bins:
            return self.codebook
        return grouped(self.dataset, params.query()).codebook

    def caption(self, lang: str) -> str:
        return source_caption(self.codebook, lang, self.dataset.version)

    def normalised(self, view: str, params: ViewParams) -> ViewParams:
        """What a page shows of its parameters: Trends has no breakdown and follows one answer
        (as lines, or a map per wave); Compare shows one wave without a breakdown."""
        if view == "trend":
            category = params.category or default_category(self.codebook_for(params), params.indicator)
            chart = "map" if params.chart == "map" else None
            return replace(params, category=category, by=None, chart=chart)
        if view == "compare":
            return replace(params, by=None, years=params.years[-1:] or self.years[-1:])
        return params

    def mapped_breakdowns(self, indicator: str = "") -> tuple[str, ...]:
        """Indicators whose answers have shapes (a boundary file), in codebook order."""
        return tuple(i.id for i in self.codebook.indicators
                     if i.id in self.dataset.boundaries and i.id != indicator)

    def map_breakdown(self, view: str, params: ViewParams) -> str | None:
        """The breakdown a map draws: Explore's own when it has shapes; on Compare and Trends
        the first one that has (they have no breakdown of their own); None: no map."""
        if params.chart != "map":
            return None
        if view == "crosstab":
            return params.by if params.by in self.dataset.boundaries else None
        mapped = self.mapped_breakdowns(params.indicator)
        return mapped[0] if mapped else None

    def result(self, view: str, params: ViewParams):
        """The statistics result a page (and its downloads) show."""
        params = self.normalised(view, params)
        if view == "trend":
            return trend(self.dataset, params.query(pool="separate"), params.category)
        if view == "compare":
            return compare(self.dataset, params.query())
        if len(breakdowns(params.by)) > 1:
            return banner(self.dataset, params.query(by=None), breakdowns(params.by))
        return crosstab(self.dataset, params.query())

    def _explore(self, params: ViewParams) -> View:
        if params.chart == "map":
            if self.map_breakdown("crosstab", params):
                return self._map("crosstab", params)
            shown = self.explore(replace(params, chart="headline"))
            return replace(shown, params=params,
                           notices=shown.notices + (self._no_map_notice(params),))

        if len(breakdowns(params.by)) > 1:
            return self._banner(params)

        def draw(result, note: str) -> dict:
            return self._figure(result, params, params.chart, note)

        return self._build(params, lambda: self.result("crosstab", params), draw)

    def _banner(self, params: ViewParams) -> View:
        """Several breakdowns side by side: the banner table and a chart per breakdown."""
        codebook = self.codebook_for(params)
        question = codebook.indicator(params.indicator).question.get(params.lang)
        try:
            result = self.result("crosstab", params)
        except QueryError as exc:
            return self._failed(params, query_problem(exc, params.lang), question)
        if result.total.table.empty:
            return self._failed(params, self.nothing_there(params), question)
        note = base_note(result.total, codebook, params.lang)
        figure = (empty_figure("") if params.chart == "table" else
                  banner_figure(result, codebook, params.lang, category=params.category,
                                base_note=note, caption=self.caption(params.lang)))
        return View(params, figure, banner_sections(result, codebook, params.lang), note,
                    params.notices, question)

    def _figure(self, result, params: ViewParams, chart: str, note: str) -> dict:
        """The figure of a crosstab-like result for the chart type asked for."""
        caption = self.caption(params.lang)
        if chart == "table":
            return empty_figure("")
        if chart == "headline":
            return headline_figure(result, self.codebook_for(params), params.lang, category=params.category,
                                   sort=params.sort, base_note=note, caption=caption)
        return crosstab_figure(result, self.codebook_for(params), params.lang, chart, base_note=note,
                               caption=caption)

    def _trends(self, params: ViewParams) -> View:
        params = self.normalised("trend", params)
        if params.chart == "map":
            if self.map_breakdown("trend", params):
                return self._map("trend", params)  # a map per wave
            params = replace(params, chart=None,
                             notices=params.notices + (self._no_map_notice(params),))
        label = category_labels(self.codebook_for(params), params.indicator, params.lang).get(
            params.category or "", "")

        def draw(result, note: str) -> dict:
            return trend_figure(result, self.codebook_for(params), params.lang, base_note=note,
                                caption=self.caption(params.lang), category_label=label)

        return self._build(params, lambda: self.result("trend", params), draw, view="trend")

    def _compare(self, params: ViewParams) -> View:
        """Every chosen country side by side (and pooled, when asked) in one wave."""
        params = self.normalised("compare", params)
        if params.chart == "map":
            if self.map_breakdown("compare", params):
                return self._map("compare", params)  # every country on one map
            params = replace(params, notices=params.notices + (self._no_map_notice(params),))

        def draw(result, note: str) -> dict:
            chart = params.chart if params.chart in ("headline", "stacked") else "stacked"
            return self._figure(result, params, chart, note)

        return self._build(params, lambda: self.result("compare", params), draw, view="compare")

    def _map(self, view: str, params: ViewParams) -> View:
        """A map of the view's answer (`category`) by the regions of its mapped breakdown, a
        panel per year, with its table (regions as rows): from the same crosstab by region as
        the command line's."""
        lang = params.lang
        boundaries = self.dataset.boundaries[self.map_breakdown(view, params)]
        footnote_text = self.codebook.dataset.designation_footnote
        footnote = footnote_text.get(lang) if footnote_text else ""

        def present(result, note: str):
            model = map_model(result, self.codebook_for(params), lang, params.category)
            if not model.cells:
                return None, ()
            figure = region_map_figure(result, self.codebook_for(params), lang, params.category, boundaries,
                                       base_note=note, caption=self.caption(lang),
                                       footnote=footnote, model=model)
            return figure, map_sections(model, self.codebook_for(params))

        # a region lies in one country: regions are never pooled
        by = self.map_breakdown(view, params)
        return self._build(params, lambda: crosstab(self.dataset, params.query(
            by=by, pool="separate")), None, present=present)

    def _no_map_notice(self, params: ViewParams) -> str:
        """Why a map was asked for and another chart is shown."""
        _ = gettext_for(params.lang)
        mapped = self.mapped_breakdowns(params.indicator)
        if not mapped:
            return _("No question of this dataset has a map (its codebook links no boundary "
                     "file), so the chart shows bars.")
        names = ", ".join(f"“{self.codebook.indicator(i).label(params.lang)}”" for i in mapped)
        return _("A map needs a breakdown that has shapes: choose {names} under “Break down by”. "
                 "The chart shows bars meanwhile.").format(names=names)

    def _build(self, params: ViewParams, compute: Callable, draw: Callable | None,
               view: str = "crosstab", *, present: Callable | None = None) -> View:
        """Compute a result, then its base note, figure, tables and sentences (`draw` gives the
        figure, or `present` the figure and tables, None when there is nothing to draw); a
        query the data cannot answer becomes a view with the reason as its notice."""
        question = self.codebook.indicator(params.indicator).question.get(params.lang)
        try:
            result = compute()
        except QueryError as exc:
            return self._failed(params, query_problem(exc, params.lang), question)
        if result.table.empty:
            return self._failed(params, self.nothing_there(params), question)
        note = base_note(result, self.codebook_for(params), params.lang)
        summary = result_sentences(result, self.codebook_for(params), params.lang, view=view,
                                   category=params.category)
        if present is None:
            figure = draw(result, note)
            sections = display_tables(result, self.codebook_for(params), params.lang, view=view)
        else:
            figure, sections = present(result, note)
        if figure is None:
            _ = gettext_for(params.lang)
            return self._failed(params, _("Nothing to map: no region has a figure for this "
                                          "answer in this choice."), question)
        return View(params, figure, sections, note, params.notices, question,
                    summary=tuple(summary))

    def nothing_there(self, params: ViewParams) -> str:
        """Why a view is empty: where and when the question was asked, if not here."""
        _ = gettext_for(params.lang)
        asked = availability(self.dataset).get(params.indicator, ())
        if not asked:
            return _("This question has no answers in these data.")
        where = {}
        for country, year in asked:
            where.setdefault(country, []).append(year)
        places = "; ".join(f"{country_label(self.codebook, c, params.lang)} "
                           f"{year_span(years)}" for c, years in where.items())
        return _("No respondents match this choice. This question was asked in: {places}.").format(
            places=places)

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

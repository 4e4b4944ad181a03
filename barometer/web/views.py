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
from barometer.present.figures import crosstab_figure, empty_figure, trend_figure
from barometer.present.labels import base_note, category_labels, source_caption
from barometer.present.tables import Section, display_tables
from barometer.stats import QueryError, compare, crosstab, trend
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

    def _explore(self, params: ViewParams) -> View:
        def draw(result, note: str) -> dict:
            if params.chart == "table":
                return empty_figure("")
            return crosstab_figure(result, self.codebook, params.lang, params.chart,
                                   base_note=note, caption=self.caption(params.lang))

        return self._build(params, lambda: crosstab(self.dataset, params.query()), draw)

    def _trends(self, params: ViewParams) -> View:
        category = params.category or default_category(self.codebook, params.indicator)
        params = replace(params, category=category, by=None)
        label = category_labels(self.codebook, params.indicator, params.lang).get(category or "", "")

        def draw(result, note: str) -> dict:
            return trend_figure(result, self.codebook, params.lang, base_note=note,
                                caption=self.caption(params.lang), category_label=label)

        return self._build(
            params, lambda: trend(self.dataset, params.query(pool="separate"), category), draw)

    def _compare(self, params: ViewParams) -> View:
        """Every chosen country side by side (and pooled, when asked) in one wave: the last year
        of the link (a page forgives several; the API refuses them)."""
        params = replace(params, by=None, years=params.years[-1:] or self.years[-1:])

        def draw(result, note: str) -> dict:
            return crosstab_figure(result, self.codebook, params.lang, "stacked", base_note=note,
                                   caption=self.caption(params.lang))

        return self._build(params, lambda: compare(self.dataset, params.query()), draw)

    def _build(self, params: ViewParams, compute: Callable, draw: Callable) -> View:
        """Compute a result, then its base note, figure and tables; a query the data cannot
        answer becomes a view with the reason as its notice."""
        question = self.codebook.indicator(params.indicator).question.get(params.lang)
        try:
            result = compute()
        except QueryError as exc:
            return self._failed(params, query_problem(exc, params.lang), question)
        if result.table.empty:
            _ = gettext_for(params.lang)
            return self._failed(params, _("No respondents match this choice."), question)
        note = base_note(result, self.codebook, params.lang)
        return View(params, draw(result, note), display_tables(result, self.codebook, params.lang),
                    note, params.notices, question)

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

"""Tab books: many questions by one banner, the figures of a report in one go.

Which questions (`tabbook_questions`: a topic's or a list, substantive ones, never a breakdown
of the banner itself), and each question's banner (`tabbook`), computed one after the other
with a progress report; a question the data cannot answer in this choice is kept with the
reason, so the contents say why it has no sheet rather than leaving it out silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from barometer.codebook import Codebook
from barometer.dataset import Dataset
from barometer.stats.banner import Banner, banner
from barometer.stats.query import Query, QueryError

MAX_QUESTIONS = 400


@dataclass(frozen=True)
class TabbookEntry:
    """One question of a tab book: its banner, or why it has none (`error`; None with no
    banner: nobody in this choice was asked it)."""

    indicator: str
    banner: Banner | None
    error: QueryError | None = None


def tabbook_questions(codebook: Codebook, *, topic: str | None = None,
                      indicators: Sequence[str] = (),
                      breakdowns: Sequence[str] = ()) -> tuple[str, ...]:
    """The questions of a tab book in codebook order: those named, else every substantive
    (not demographic) question of `topic` (of the codebook without one), leaving out the
    banner's own breakdowns. Raises QueryError naming `topic` or `indicator`."""
    if indicators:
        unknown = [i for i in indicators if i not in codebook.by_id]
        if unknown:
            raise QueryError("indicator", unknown[0], [i.id for i in codebook.indicators])
        wanted = set(indicators)
        chosen = [i.id for i in codebook.indicators if i.id in wanted]
    else:
        topics = [t.id for t in codebook.topics]
        if topic is not None and topic not in topics:
            raise QueryError("topic", topic, topics)
        chosen = [i.id for i in codebook.indicators if not i.demographic
                  and (topic is None or i.topic == topic)]
    chosen = [i for i in chosen if i not in breakdowns]
    if not chosen:
        raise QueryError("topic" if topic else "indicator", topic or ",".join(indicators),
                         reason="no question to tabulate (a breakdown is not tabulated by itself)")
    return tuple(chosen[:MAX_QUESTIONS])


def tabbook(dataset: Dataset, query: Query, indicators: Sequence[str],
            breakdowns: Sequence[str],
            progress: Callable[[int, int], None] | None = None) -> Iterator[TabbookEntry]:
    """Each question of `indicators` by the banner `breakdowns`, with `query`'s countries,
    years, filters, weighting and groups; `progress(done, total)` after each question."""
    total = len(indicators)
    for done, indicator in enumerate(indicators, start=1):
        try:
            entry = TabbookEntry(indicator, banner(dataset, replace(query, indicator=indicator),
                                                   breakdowns))
            if entry.banner.total.table.empty:
                entry = TabbookEntry(indicator, None)
        except QueryError as exc:
            entry = TabbookEntry(indicator, None, exc)
        if progress is not None:
            progress(done, total)
        yield entry

"""What every page and callback shares: the dataset, its codebook, the parameter table, cached
views, citations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from barometer.codebook import Codebook
from barometer.dataset import Dataset
from barometer.params import PARAMETER_TABLE, ParamTable
from barometer.present.labels import citation
from barometer.web.views import Views


@dataclass(frozen=True)
class AppContext:
    dataset: Dataset
    views: Views
    params: ParamTable = field(default=PARAMETER_TABLE)

    @classmethod
    def for_dataset(cls, dataset: Dataset, params: ParamTable = PARAMETER_TABLE) -> AppContext:
        return cls(dataset=dataset, views=Views(dataset), params=params)

    @property
    def codebook(self) -> Codebook:
        return self.dataset.codebook

    @property
    def years(self) -> tuple[int, ...]:
        return self.views.years

    def view_params(self, search: str | None, lang: str | None,
                    controls: Mapping[str, Sequence[str]] | None = None, view: str = "crosstab"):
        """What a page shows: its URL's view when `controls` is None (first load, back, forward,
        a shared link), else its controls' values read through the same parser as a URL. The
        language is the page's, whatever the URL says."""
        query = search or "" if controls is None else {k: list(v) for k, v in controls.items()}
        params = self.params.parse(query, self.codebook, self.years, view=view)
        return replace(params, lang=lang or params.lang)

    def citation(self, params, url: str) -> str:
        """How to cite the current view (`barometer.present.labels.citation`)."""
        return citation(self.codebook, self.dataset.version, params.lang, url)

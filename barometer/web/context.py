"""What every page and callback shares: the dataset, its codebook, cached views, citations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from barometer.codebook import Codebook
from barometer.dataset import Dataset
from barometer.i18n import gettext_for
from barometer.web.params import ViewParams
from barometer.web.views import Views


@dataclass(frozen=True)
class AppContext:
    dataset: Dataset
    views: Views

    @classmethod
    def for_dataset(cls, dataset: Dataset) -> AppContext:
        return cls(dataset=dataset, views=Views(dataset))

    @property
    def codebook(self) -> Codebook:
        return self.dataset.codebook

    @property
    def years(self) -> tuple[int, ...]:
        return self.views.years

    def citation(self, params: ViewParams, url: str) -> str:
        """How to cite the current view: title, data version, access date and the link."""
        _ = gettext_for(params.lang)
        info = self.codebook.dataset
        cite = info.citation.get(params.lang) if info.citation else info.title.get(params.lang)
        text = _("Cite as: {citation}, data version {version}, accessed {date}, {url}").format(
            citation=cite, version=self.dataset.version, date=date.today().isoformat(),
            url=url)
        if info.synthetic:
            text += " (" + _("synthetic demonstration data") + ")"
        return text

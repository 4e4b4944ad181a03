"""The pages of the explorer, in one place: the navbar, the routing, the page titles and the
links between pages (with the URL keys they carry over) all read this registry."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from barometer.i18n import N_, translate

CARRIED = ("indicator", "country", "lang")
"""URL keys a link to another page carries from the current view."""


@dataclass(frozen=True)
class Page:
    """One page: its path, title (English, translated where shown), the module with its
    `layout(app_ctx, params)` (and `register(app, app_ctx)` for its callbacks), the parameter
    table's view its URL speaks, the keys links to it carry over, and whether a shared cache
    may keep its HTML (not a page that starts background jobs: each load of it has its own
    signed token binding the jobs to it)."""

    path: str
    title: str
    module_name: str
    view: str = "crosstab"
    carried: tuple[str, ...] = CARRIED
    shared: bool = True

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(self.module_name)

    def name(self, lang: str) -> str:
        return translate(self.title, lang)


PAGES: tuple[Page, ...] = (
    Page("/", N_("Explore"), "barometer.web.pages.explore", "crosstab"),
    Page("/trends", N_("Trends"), "barometer.web.pages.trends", "trend"),
    Page("/compare", N_("Compare"), "barometer.web.pages.compare", "compare"),
    Page("/tabbook", N_("Tab book"), "barometer.web.pages.tabbook", "crosstab",
         ("country", "year", "lang"), shared=False),
    Page("/codebook", N_("Codebook"), "barometer.web.pages.codebook_page"),
    Page("/about", N_("About"), "barometer.web.pages.about"),
)
BY_PATH = {page.path: page for page in PAGES}


def page_at(path: str | None) -> Page | None:
    """The page at `path`, or None (not found)."""
    return BY_PATH.get(path or "")

"""Component ids, in one place: layouts and callbacks (and browser tests) import them from here."""

from __future__ import annotations

from dataclasses import dataclass, fields

URL = "url"
LANG_STORE = "lang-store"
TITLE_STORE = "title-store"
SHELL = "shell"
MAIN = "main"  # the skip link's target
NAV_LINKS = "nav-links"
BANNER = "demo-banner"
LANG_SWITCH = "lang-switch"
NAV_LINK = "nav"  # pattern-matching: {"type": NAV_LINK, "page": path}
LANG_LINK = "lang-link"  # pattern-matching: {"type": LANG_LINK, "lang": code}

# Each page's own URL (its dcc.Location pushes the view's query string)
EXPLORE_URL = "explore-url"
TRENDS_URL = "trends-url"
COMPARE_URL = "compare-url"

# Explore
INDICATOR = "indicator"
COUNTRY = "country"
YEAR = "year"  # checklist, when comparing years
YEAR_ONE = "year-one"  # radio: one year
COMPARE_YEARS = "compare-years"
BY = "by"
BY_MORE = "by-more"  # more breakdowns side by side (a banner)
COMBINE_TARGET = "combine-target"  # combine answers of the question or of the breakdown
COMBINE_CODES = "combine-codes"
COMBINE_NAME = "combine-name"
COMBINE_ADD = "combine-add"
COMBINE_CLEAR = "combine-clear"
COMBINE_LIST = "combine-list"
WEIGHTED = "weighted"
PERCENT = "percent"
MISSING = "missing"
CHART_TYPE = "chart-type"
SORT = "sort"
CATEGORY = "category"
FILTER_ROWS = "filter-rows"
ADD_FILTER = "add-filter"
FILTER_INDICATOR = "filter-indicator"  # pattern-matching type: {"type": ..., "index": n}
FILTER_VALUES = "filter-values"
FILTER_ROW = "filter-row"
REMOVE_FILTER = "remove-filter"
LOADING = "loading"

# Embed
EMBED_GRAPH = "embed-graph"


@dataclass(frozen=True)
class ResultIds:
    """Ids of a page's result panel (question, summary, notices, chart, tables, base note), its
    share bar (link, downloads, citation) and, for phones, the one-line summary of the choices
    with the button that shows the controls."""

    question: str
    summary: str
    notices: str
    graph: str
    table: str
    note: str
    permalink: str
    copy: str
    copied: str
    csv: str
    xlsx: str
    svg: str
    png: str
    citation: str
    controls: str
    toggle: str
    choices: str
    canonical: str
    """A store holding the view's own query string, written into the address bar on arrival."""

    @classmethod
    def for_page(cls, page: str) -> ResultIds:
        names = [f.name for f in fields(cls)]
        return cls(*(f"{page}-{name}" for name in names))


EXPLORE = ResultIds(question="indicator-question", summary="summary", notices="notices",
                    graph="graph", table="result-table", note="base-note", permalink="permalink",
                    copy="copy-link", copied="copied", csv="download-csv", xlsx="download-xlsx",
                    svg="download-svg", png="download-png", citation="citation",
                    controls="explore-controls", toggle="explore-toggle",
                    choices="explore-choices", canonical="explore-canonical")
# legacy names of Explore's panel, used by tests and the download script
GRAPH, TABLE, BASE_NOTE, NOTICES = EXPLORE.graph, EXPLORE.table, EXPLORE.note, EXPLORE.notices
INDICATOR_QUESTION, PERMALINK, COPY_LINK = EXPLORE.question, EXPLORE.permalink, EXPLORE.copy
DOWNLOAD_CSV, DOWNLOAD_XLSX, CITATION = EXPLORE.csv, EXPLORE.xlsx, EXPLORE.citation
DOWNLOAD_SVG, DOWNLOAD_PNG = EXPLORE.svg, EXPLORE.png

# Trends and Compare: their own ids, so one page's callbacks never wait on another's components
TRENDS = ResultIds.for_page("trends")
TRENDS_INDICATOR = "trends-indicator"
TRENDS_CATEGORY = "trends-category"
TRENDS_COUNTRY = "trends-country"
TRENDS_WEIGHTED = "trends-weighted"

COMPARE = ResultIds.for_page("compare")
COMPARE_INDICATOR = "compare-indicator"
COMPARE_COUNTRY = "compare-country"
COMPARE_YEAR = "compare-year"
COMPARE_POOL = "compare-pool"
COMPARE_WEIGHTED = "compare-weighted"
COMPARE_CHART = "compare-chart"
COMPARE_CATEGORY = "compare-category"

# Codebook
CODEBOOK_SEARCH = "codebook-search"
CODEBOOK_LIST = "codebook-list"
CODEBOOK_TOPIC = "codebook-topic"

# Tab book
TABBOOK_TOPIC = "tabbook-topic"
TABBOOK_QUESTIONS = "tabbook-questions"
TABBOOK_BY = "tabbook-by"
TABBOOK_COUNTRY = "tabbook-country"
TABBOOK_YEAR = "tabbook-year"
TABBOOK_WEIGHTED = "tabbook-weighted"
TABBOOK_FILTER = "tabbook-filter"  # the question a filter keeps answers of
TABBOOK_FILTER_VALUES = "tabbook-filter-values"
TABBOOK_BUILD = "tabbook-build"
TABBOOK_PROGRESS = "tabbook-progress"
TABBOOK_PROGRESS_TEXT = "tabbook-progress-text"
TABBOOK_RESULT = "tabbook-result"

"""Component ids, in one place: layouts and callbacks (and browser tests) import them from here."""

from dataclasses import dataclass

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
INDICATOR_QUESTION = "indicator-question"
COUNTRY = "country"
YEAR = "year"
BY = "by"
WEIGHTED = "weighted"
PERCENT = "percent"
MISSING = "missing"
CHART_TYPE = "chart-type"
FILTER_ROWS = "filter-rows"
ADD_FILTER = "add-filter"
FILTER_INDICATOR = "filter-indicator"  # pattern-matching type: {"type": ..., "index": n}
FILTER_VALUES = "filter-values"
FILTER_ROW = "filter-row"
REMOVE_FILTER = "remove-filter"
GRAPH = "graph"
TABLE = "result-table"
BASE_NOTE = "base-note"
NOTICES = "notices"
PERMALINK = "permalink"
COPY_LINK = "copy-link"
DOWNLOAD_CSV = "download-csv"
DOWNLOAD_XLSX = "download-xlsx"
CITATION = "citation"
LOADING = "loading"
DOWNLOAD_SVG = "download-svg"
DOWNLOAD_PNG = "download-png"

# Embed
EMBED_GRAPH = "embed-graph"

# Trends and Compare: their own ids, so one page's callbacks never wait on another's components


@dataclass(frozen=True)
class ResultIds:
    """Ids of a page's result panel: question heading, notices, chart, tables, base note."""

    question: str
    notices: str
    graph: str
    table: str
    note: str

    @classmethod
    def for_page(cls, page: str) -> "ResultIds":
        return cls(*(f"{page}-{part}" for part in ("question", "notices", "graph", "table", "note")))


TRENDS = ResultIds.for_page("trends")
TRENDS_INDICATOR = "trends-indicator"
TRENDS_CATEGORY = "trends-category"
TRENDS_COUNTRY = "trends-country"
TRENDS_WEIGHTED = "trends-weighted"

COMPARE = ResultIds.for_page("compare")
COMPARE_INDICATOR = "compare-indicator"
COMPARE_YEAR = "compare-year"
COMPARE_POOL = "compare-pool"
COMPARE_WEIGHTED = "compare-weighted"

# Codebook
CODEBOOK_SEARCH = "codebook-search"
CODEBOOK_LIST = "codebook-list"

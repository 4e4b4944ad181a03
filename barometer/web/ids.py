"""Component ids, in one place: layouts and callbacks (and browser tests) import them from here."""

URL = "url"
LANG_STORE = "lang-store"
SHELL = "shell"
PAGE = "page"
NAV_LINKS = "nav-links"
BANNER = "demo-banner"
LANG_SWITCH = "lang-switch"

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

# Trends and Compare
TREND_CATEGORY = "trend-category"
POOL = "pool"

# Codebook
CODEBOOK_SEARCH = "codebook-search"
CODEBOOK_LIST = "codebook-list"

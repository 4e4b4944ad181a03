"""Survey statistics: weighted frequencies, crosstabs and trends with standard errors,
confidence intervals, chi-square tests and column-proportion letters. Pure functions of a
`Dataset` and a `Query`; see `tables`, `variance` and `significance` for the formulas."""

from barometer.stats.compare import compare, compare_wave
from barometer.stats.query import Query, QueryError, validate_query
from barometer.stats.result import TABLE_COLUMNS, TEST_COLUMNS, Result
from barometer.stats.tables import crosstab, frequencies, trend

__all__ = [
    "TABLE_COLUMNS",
    "TEST_COLUMNS",
    "Query",
    "QueryError",
    "Result",
    "compare",
    "compare_wave",
    "crosstab",
    "frequencies",
    "trend",
    "validate_query",
]

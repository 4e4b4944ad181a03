"""View parameters, declared once in a table (`barometer.params.table`) from which the URL
parser and encoder, the API's normalisation, the OpenAPI parameters, the command-line options
and the defaults all derive. Below the web layer: the command line uses it too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from barometer.codebook import Codebook
from barometer.params.table import (
    CHART_TYPES,
    MAX_FILTERS,
    MISSING_MODES,
    PARAMETER_TABLE,
    PARAMETERS,
    VIEWS,
    CliAlias,
    DataDefault,
    Param,
    ParamTable,
    ViewParams,
)
from barometer.params.values import MAX_VALUE_LENGTH, ParamError


def parse_params(query: Mapping[str, Sequence[str]] | str, codebook: Codebook,
                 years: Sequence[int], *, view: str = "crosstab", strict: bool = False):
    """`PARAMETER_TABLE.parse`: a query string as the `ViewParams` of `view`."""
    return PARAMETER_TABLE.parse(query, codebook, years, view=view, strict=strict)


def encode_params(params, view: str | None = None) -> str:
    """`PARAMETER_TABLE.encode`: the query string of `params` (every parameter of `view`)."""
    return PARAMETER_TABLE.encode(params, view)


def default_params(codebook: Codebook, years: Sequence[int], view: str = "crosstab"):
    """What a bare URL shows."""
    return PARAMETER_TABLE.defaults(codebook, years, view)


__all__ = [
    "CHART_TYPES",
    "MAX_FILTERS",
    "MAX_VALUE_LENGTH",
    "MISSING_MODES",
    "PARAMETERS",
    "PARAMETER_TABLE",
    "VIEWS",
    "CliAlias",
    "DataDefault",
    "Param",
    "ParamError",
    "ParamTable",
    "ViewParams",
    "default_params",
    "encode_params",
    "parse_params",
]

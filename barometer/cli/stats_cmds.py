"""`barometer crosstab`, `frequencies` and `trend`: the statistics on the command line.

Bad names (indicator, category, country, year, filter) give a one-line error naming them and
the closest valid names, exit status 2. Data that cannot be loaded: exit status 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pandas as pd

from barometer.codebook import CodebookError

FORMATS = ("table", "csv", "json")


class UsageProblem(Exception):
    """A bad command-line value (exit status 2)."""


def _fail(message: str, status: int) -> None:
    click.echo(f"error: {' '.join(str(message).split())}", err=True)
    sys.exit(status)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def parse_years(value: str | None) -> tuple[int, ...]:
    years = []
    for item in _split(value):
        try:
            years.append(int(item))
        except ValueError:
            raise UsageProblem(f"--year expects years like 2024,2025, got {item!r}") from None
    return tuple(years)


def parse_filters(values: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`gender=female,male` -> (("gender", ("female", "male")),); repeated names are ANDed."""
    filters = []
    for item in values:
        name, sep, codes = item.partition("=")
        if not sep or not name.strip() or not _split(codes):
            raise UsageProblem(f"--filter expects INDICATOR=CODE[,CODE...], got {item!r}")
        filters.append((name.strip(), _split(codes)))
    return tuple(filters)


def _common_options(fn: Callable) -> Callable:
    options = [
        click.option("--country", help="Country codes, comma-separated (default: all)."),
        click.option("--year", help="Survey years, comma-separated (default: all)."),
        click.option("--filter", "filters", multiple=True, help="INDICATOR=CODE[,CODE...]; repeat to AND."),
        click.option("--unweighted", is_flag=True, help="Count respondents, ignoring the weights."),
        click.option("--percent", type=click.Choice(["column", "row", "total"]), default="column",
                     show_default=True, help="Percentage base."),
        click.option("--include-missing", is_flag=True, help="Show don't know / refused as categories."),
        click.option("--pool", type=click.Choice(["separate", "equal", "population"]), default="separate",
                     show_default=True, help="Several countries: separate, or pooled equally / by population."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True),
        click.option("--lang", default="en", show_default=True, help="Language of labels (en, sq, sr-Latn, sr-Cyrl)."),
        click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, help="Codebook YAML (default: data/codebook.yaml)."),
        click.option("--data", "data_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Ad hoc: a survey file (.sav/.zsav/.dta/.csv) read with its own metadata, no codebook."),
        click.option("--weight", "weight_var", default=None, help="Ad hoc (--data): the weight variable."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


# -- loading ----------------------------------------------------------------------------------------


def _load(codebook_path: Path | None, data_files: tuple[Path, ...], weight_var: str | None):
    """(dataset, ad_hoc info) from the codebook, or from files drafted in memory."""
    from barometer.ingest import IngestError, build_dataset, draft_codebook, load_dataset

    try:
        if not data_files:
            return load_dataset(codebook_path), None
        codebook, notes = draft_codebook(list(data_files))
        raw = codebook.model_dump(by_alias=True, exclude_none=True)
        for source in raw["sources"]:
            source.pop("weight", None)
            if weight_var:
                source["weight"] = weight_var
        from barometer.codebook import Codebook

        codebook = Codebook.model_validate(raw)
        dataset, _ = build_dataset(codebook, Path.cwd())
        return dataset, {"notes": notes}
    except (IngestError, CodebookError, OSError) as exc:
        _fail(str(exc), 1)


def _ad_hoc_indicator(dataset, name: str | None, param: str) -> str | None:
    """A file's variable name -> the drafted indicator id (ids are snake_case of the names)."""
    if name is None:
        return None
    cb = dataset.codebook
    if name in cb.by_id:
        return name
    for ind in cb.indicators:
        for smap in ind.sources.values():
            if smap.variable == name or (smap.variables and name in smap.variables.values()):
                return ind.id
    lowered = name.lower()
    for ind in cb.indicators:
        if ind.id == lowered:
            return ind.id
    return name  # validate_query names the closest valid ones


# -- output -----------------------------------------------------------------------------------------


def _tidy(result, dataset, lang: str, ad_hoc) -> pd.DataFrame:
    from barometer.present.export import tidy_table

    table = tidy_table(result, dataset.codebook, lang)
    if ad_hoc is not None:
        notes = " ".join(ad_hoc["notes"])
        table["country"] = table["country"].astype(object)
        table["year"] = table["year"].astype(object)
        if (table["country"] == "ALL").all():
            table["country"] = ""
        if "no year in the file" in notes:
            table["year"] = ""
    return table


def _emit(result, dataset, fmt: str, lang: str, ad_hoc) -> None:
    table = _tidy(result, dataset, lang, ad_hoc)
    if fmt == "csv":
        click.echo(table.to_csv(index=False), nl=False)
        return
    if fmt == "json":
        payload = {
            "query": {
                "indicator": result.query.indicator,
                "by": result.query.by,
                "countries": list(result.query.countries),
                "years": list(result.query.years),
                "filters": {k: list(v) for k, v in result.query.filters},
                "weighted": result.query.weighted,
                "percent": result.query.percent,
                "include_missing": result.query.include_missing,
                "pool": result.query.pool,
            },
            "kind": result.kind,
            "variance": result.variance,
            "notes": list(result.notes),
            "by_letters": result.by_letters,
            "table": json.loads(table.to_json(orient="records")),
            "tests": json.loads(result.tests.to_json(orient="records")),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    shown = table[["country", "year", "by", "category", "n", "percent", "ci_low", "ci_high", "flag"]].copy()
    if result.query.by is None:
        shown = shown.drop(columns="by")
    if "sig" in table and result.by_letters:
        shown["sig"] = table["sig"]
    label = "mean" if result.kind == "numeric" else "%"
    shown = shown.rename(columns={"percent": label})
    click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    if result.by_letters:
        letters = ", ".join(f"{letter}={code}" for code, letter in result.by_letters.items())
        click.echo(f"\nColumn letters: {letters} (higher than the lettered column, Holm-adjusted, 5%)")
    for row in result.tests.itertuples(index=False):
        click.echo(f"{row.country} {row.year}: {row.method} {row.statistic:.2f}, df {row.df:.2f}, p {row.p_value:.4f}")
    for note in result.notes:
        click.echo(note)
    if dataset.synthetic:
        click.echo("Synthetic demonstration data: not real survey findings.")


def _run(kind: str, indicator: str, by: str | None, category: str | None, options: dict) -> None:
    from barometer.stats import Query, QueryError, crosstab, frequencies, trend

    try:
        countries = _split(options["country"])
        years = parse_years(options["year"])
        filters = parse_filters(options["filters"])
    except UsageProblem as exc:
        _fail(str(exc), 2)
    dataset, ad_hoc = _load(options["codebook_path"], options["data_files"], options["weight_var"])
    if ad_hoc is not None:
        indicator = _ad_hoc_indicator(dataset, indicator, "indicator")
        by = _ad_hoc_indicator(dataset, by, "by")
        filters = tuple((_ad_hoc_indicator(dataset, k, "filter"), v) for k, v in filters)
    query = Query(
        indicator=indicator,
        by=by,
        countries=countries,
        years=years,
        filters=filters,
        weighted=not options["unweighted"],
        percent=options["percent"],
        include_missing=options["include_missing"],
        pool=options["pool"],
    )
    try:
        if kind == "trend":
            result = trend(dataset, query, category)
        elif kind == "frequencies":
            result = frequencies(dataset, query)
        else:
            result = crosstab(dataset, query)
    except QueryError as exc:
        _fail(str(exc), 2)
    _emit(result, dataset, options["fmt"], options["lang"], ad_hoc)


@click.command()
@click.argument("indicator")
@click.option("--by", default=None, help="Breakdown indicator (numeric ones by their bins).")
@_common_options
def crosstab(indicator: str, by: str | None, **options) -> None:
    """Weighted percentages of INDICATOR by a breakdown, per country and year, with margins of
    error, significance letters and a chi-square test."""
    _run("crosstab", indicator, by, None, options)


@click.command()
@click.argument("indicator")
@_common_options
def frequencies(indicator: str, **options) -> None:
    """Weighted distribution of INDICATOR per country and year."""
    _run("frequencies", indicator, None, None, options)


@click.command()
@click.argument("indicator")
@click.option("--category", default=None, help="Answer or net code to follow (numeric: the mean).")
@click.option("--by", default=None, help="Breakdown indicator.")
@_common_options
def trend(indicator: str, category: str | None, by: str | None, **options) -> None:
    """One category (or the mean) of INDICATOR across countries and survey years."""
    _run("trend", indicator, by, category, options)

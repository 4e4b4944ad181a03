"""`barometer crosstab`, `frequencies` and `trend`: the statistics on the command line.

The options are the parameter table's (`barometer.params`): the same names, syntax, defaults and
checks as the explorer's URLs and the API (`--filter gender:female`; the older `gender=female`
still works, with a note). `--format json` prints the API's document. Bad names (indicator,
category, country, year, filter) give a one-line error naming them and the closest valid names,
exit status 2. Data that cannot be loaded: exit status 1. Ad hoc mode (`--data FILE`) drafts a
codebook in memory; its sample design is guessed (strata, PSU, replicate weights) or given with
`--strata`, `--psu`, `--fpc`, `--lonely-psu`, `--repweights` and `--rep-method`: command-line
options of ad hoc mode, not view parameters.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click
import pandas as pd

from barometer.codebook import LONELY_PSU_RULES, REPLICATE_METHODS, CodebookError
from barometer.params import PARAMETER_TABLE, Param, ParamTable

FORMATS = ("table", "csv", "json")


def _fail(message: str, status: int) -> None:
    click.echo(f"error: {' '.join(str(message).split())}", err=True)
    sys.exit(status)


def _python_name(name: str) -> str:
    return name.replace("-", "_")


def view_options(view: str, table: ParamTable = PARAMETER_TABLE) -> Callable:
    """Click arguments and options for the parameters of `view`, from the parameter table."""

    def decorate(fn: Callable) -> Callable:
        shown = sorted((p for p in table.in_view(view) if not p.presentation),
                       key=lambda p: p.name == "lang")  # the language last, as in links
        for param in reversed(shown):
            for alias in reversed(param.cli_aliases):
                fn = click.option(alias.flag, _python_name(alias.flag.lstrip("-")), is_flag=True,
                                  help=_plain(alias.help))(fn)
            fn = _option(param, view)(fn)
        return fn

    return decorate


def _plain(text: str) -> str:
    """Help text for a terminal: `code` spans without their backticks."""
    return text.replace("`", "")


def _option(param: Param, view: str) -> Callable:
    if param.cli_positional:
        return click.argument(param.name)
    default = param.describe_default(view)
    return click.option(f"--{param.name}", _python_name(param.name), default=None,
                        multiple=param.repeats > 1, metavar=param.kind.metavar,
                        help=_plain(param.help) + (f"  [default: {default}]" if default else ""))


def _common_options(fn: Callable) -> Callable:
    options = [
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                     help="table: for reading; csv: the tidy table; json: the API's document."),
        click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, help="Codebook YAML (default: data/codebook.yaml)."),
        click.option("--data", "data_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                     help="Ad hoc: a survey file (.sav/.zsav/.dta/.csv) read with its own metadata, no codebook."),
        click.option("--weight", "weight_var", default=None, help="Ad hoc (--data): the weight variable."),
        click.option("--strata", "strata_var", default=None, metavar="VARIABLE",
                     help="Ad hoc: the strata variable (default: guessed from names such as strata, stratum, "
                          "shtresa; none = no strata)."),
        click.option("--psu", "psu_var", default=None, metavar="VARIABLE",
                     help="Ad hoc: the PSU (cluster) variable (default: guessed: psu, cluster, ea, ...; none = "
                          "each respondent is a PSU)."),
        click.option("--fpc", "fpc_var", default=None, metavar="VARIABLE",
                     help="Ad hoc: finite population correction: the stratum's population of PSUs, or the "
                          "sampling fraction."),
        click.option("--lonely-psu", "lonely_psu", type=click.Choice(LONELY_PSU_RULES), default=None,
                     help="Ad hoc: a stratum with one PSU (default: adjust, as R's survey.lonely.psu)."),
        click.option("--repweights", "repweights", default=None, metavar="PATTERN|A,B,...",
                     help="Ad hoc: replicate weights: a regular expression their whole names match, or a "
                          "comma-separated list."),
        click.option("--rep-method", "rep_method", type=click.Choice(REPLICATE_METHODS), default=None,
                     help="Ad hoc: how the replicate weights were made (with --repweights)."),
        click.option("--encoding", "encoding", default=None, metavar="NAME",
                     help="Ad hoc (--data): read the files' text in this encoding (e.g. cp1252) instead of "
                     "the one they declare (default: the declared one, then UTF-8, cp1252, latin-1)."),
        click.option("--no-suppress", "no_suppress", is_flag=True,
                     help="Show every figure, even of groups under the minimum base (a local run "
                          "on your own data; the public service always suppresses)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


# -- loading ----------------------------------------------------------------------------------------


AD_HOC_DESIGN = ("strata_var", "psu_var", "fpc_var", "lonely_psu", "repweights", "rep_method")
"""The ad hoc mode's design options (command-line options, not view parameters)."""


def _load(codebook_path: Path | None, data_files: tuple[Path, ...], weight_var: str | None,
          encoding: str | None = None, design: dict | None = None):
    """(dataset, ad_hoc info) from the codebook, or from files drafted in memory; in ad hoc mode,
    warnings (a fallback encoding) and rows left out (a missing weight) are told on stderr."""
    from pydantic import ValidationError

    from barometer.ingest import IngestError, build_dataset, draft_codebook, load_dataset

    if encoding and not data_files:
        _fail("--encoding applies to --data files; a codebook sets `encoding:` on each source", 2)
    design = {k: v for k, v in (design or {}).items() if v is not None}
    try:
        if not data_files:
            if design:
                flags = ", ".join("--" + k.removesuffix("_var").replace("_", "-") for k in design)
                _fail(f"{flags}: design options apply to ad hoc files (--data); a codebook declares "
                      f"designs per source", 2)
            return load_dataset(codebook_path), None
        codebook, notes = draft_codebook(list(data_files), encoding=encoding)
        raw = codebook.model_dump(by_alias=True, exclude_none=True)
        for source in raw["sources"]:
            source.pop("weight", None)
            if weight_var:
                source["weight"] = weight_var
            elif not design:  # unweighted, as asked: no guessed design either
                for key in ("design", "strata", "psu"):
                    source.pop(key, None)
            _apply_design_options(source, design)
        from barometer.codebook import Codebook

        codebook = Codebook.model_validate(raw)
        dataset, report = build_dataset(codebook, Path.cwd())
        _tell_ad_hoc(notes, report)
        return dataset, {"notes": notes}
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][-2:]))}: {e['msg']}" for e in exc.errors())
        _fail(f"the design options do not make a design: {problems}", 2)
    except (IngestError, CodebookError, OSError) as exc:
        _fail(str(exc), 1)


def _apply_design_options(source: dict, options: dict) -> None:
    """Put the ad hoc design options into a drafted source (guesses stay unless overridden;
    "none" drops a guessed strata or PSU variable). Guessed designs apply only with --weight or
    a design option: a file read without either is unweighted."""
    if not options:
        return
    guessed = source.pop("design", None) or {}
    flat = {k: source.pop(k) for k in ("strata", "psu") if k in source}
    if options.get("repweights") or (options.get("rep_method") and guessed.get("type") == "replicate"):
        pattern = options.get("repweights") or guessed.get("repweights")
        method = options.get("rep_method")
        if not method:
            _fail("--repweights needs --rep-method (brr, jk1, jkn, bootstrap or sdr)", 2)
        repweights = [v.strip() for v in pattern.split(",")] if isinstance(pattern, str) and "," in pattern else pattern
        source["design"] = {"type": "replicate", "repweights": repweights, "method": method}
        return
    if options.get("rep_method"):
        _fail("--rep-method needs --repweights (the replicate-weight variables)", 2)
    taylor = guessed if guessed.get("type", "taylor") == "taylor" else {}
    design = {**flat, **{k: v for k, v in taylor.items() if k != "type"}}
    for option, key in (("strata_var", "strata"), ("psu_var", "psu"), ("fpc_var", "fpc"), ("lonely_psu", "lonely_psu")):
        if option in options:
            design[key] = options[option]
    source["design"] = {k: v for k, v in design.items() if str(v).lower() != "none"}


def _tell_ad_hoc(notes: list[str], report) -> None:
    """Warnings from drafting, and every row left out by ingest with the reason and the count."""
    from barometer.ingest.readers import WarningNote

    for note in notes:
        if isinstance(note, WarningNote):
            click.echo(f"warning: {note}", err=True)
    for file in report.files:
        for problem in file.errors:
            click.echo(f"note: {problem}", err=True)
        if file.rows_rejected and file.rows_loaded:
            click.echo(f"note: {Path(file.file).name}: {file.rows_rejected:,} of {file.rows_read:,} rows left "
                       f"out; the statistics use the other {file.rows_loaded:,}", err=True)


def _ad_hoc_indicator(dataset, name: str) -> str:
    """A file's variable name -> the drafted indicator id (ids are snake_case of the names); a
    variable that was not drafted (a date, free text, a role) is refused, saying why."""
    from barometer.ingest.draft import why_not_drafted

    cb = dataset.codebook
    if name in cb.by_id:
        return name
    for ind in cb.indicators:
        for smap in ind.sources.values():
            if smap.variable == name or (smap.variables and name in smap.variables.values()):
                return ind.id
    lowered = name.lower()
    found = next((ind.id for ind in cb.indicators if ind.id == lowered), None)
    if found is None:
        why = why_not_drafted(cb, name)
        if why:
            _fail(f"{name!r} is not an indicator: {why}", 2)
    return found or name


def _ad_hoc_names(dataset, raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """The file's variable names in `indicator`, `by` and filters as drafted indicator ids."""
    out = dict(raw)
    for name in ("indicator", "by"):
        if out.get(name):
            out[name] = [_ad_hoc_indicator(dataset, v) for v in out[name]]
    if out.get("filter"):
        filters = []
        for item in out["filter"]:
            sep = ":" if ":" in item else "="
            head, found, tail = item.partition(sep)
            filters.append(f"{_ad_hoc_indicator(dataset, head)}{found}{tail}" if found else item)
        out["filter"] = filters
    return out


def raw_query(view: str, values: dict, table: ParamTable = PARAMETER_TABLE) -> dict[str, list[str]]:
    """The command line's values (click's keyword arguments) in URL vocabulary."""
    raw: dict[str, list[str]] = {}
    for param in table.in_view(view):
        value = values.get(_python_name(param.name))
        if value:
            raw[param.name] = list(value) if isinstance(value, tuple) else [value]
        for alias in param.cli_aliases:
            if values.get(_python_name(alias.flag.lstrip("-"))) and param.name not in raw:
                raw[param.name] = [alias.value]
    return raw


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


def _emit_table(result, dataset, lang: str, ad_hoc) -> None:
    from barometer.present.labels import result_notes

    table = _tidy(result, dataset, lang, ad_hoc)
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
        df = f"{row.df:.2f}" if pd.isna(row.ddf) else f"{row.df:.2f} and {row.ddf:.2f}"
        click.echo(f"{row.country} {row.year}: {row.method} {row.statistic:.2f}, df {df}, p {row.p_value:.4g}")
    for note in result_notes(result, dataset.codebook, lang):
        click.echo(note)
    if dataset.synthetic:
        click.echo("Synthetic demonstration data: not real survey findings.")


def _emit(view: str, result, params, dataset, fmt: str, ad_hoc, table: ParamTable) -> None:
    if fmt == "csv":
        click.echo(_tidy(result, dataset, params.lang, ad_hoc).to_csv(index=False), nl=False)
    elif fmt == "json":
        import json

        from barometer.present.documents import table_document

        doc = table_document(view, result, params, dataset, table)
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False))
    else:
        _emit_table(result, dataset, params.lang, ad_hoc)


def _emit_banner(result, params, dataset, fmt: str, table: ParamTable) -> None:
    """A banner (`--by gender,age_group`): the tidy table of the Total and every breakdown."""
    from barometer.present.banners import banner_tidy

    if fmt == "json":
        import json

        from barometer.present.documents import banner_document

        doc = banner_document(result, params, dataset, table)
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False))
        return
    tidy = banner_tidy(result, dataset.codebook, params.lang)
    if fmt == "csv":
        click.echo(tidy.to_csv(index=False), nl=False)
        return
    shown = tidy[["breakdown_label", "country", "year", "by", "category", "n", "percent",
                  "ci_low", "ci_high", "flag", "sig"]].rename(columns={"percent": "%"})
    click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    letters = ", ".join(f"{letter}={by}:{code}" for (by, code), letter in result.letters.items())
    click.echo(f"\nColumn letters: {letters} (higher than the lettered column of the same "
               "breakdown, Holm-adjusted, 5%)")
    if dataset.synthetic:
        click.echo("Synthetic demonstration data: not real survey findings.")


def run_view(view: str, values: dict, table: ParamTable = PARAMETER_TABLE) -> None:
    """Load the data, parse the options through the parameter table, compute and print."""
    from barometer.params import ParamError
    from barometer.params.values import breakdowns
    from barometer.stats import QueryError, crosstab, frequencies, trend
    from barometer.stats.banner import banner
    from barometer.stats.groups import grouped
    from barometer.stats.query import data_years

    dataset, ad_hoc = _load(values["codebook_path"], values["data_files"], values["weight_var"],
                            values.get("encoding"), {k: values.get(k) for k in AD_HOC_DESIGN})
    raw = raw_query(view, values, table)
    if ad_hoc is not None:
        raw = _ad_hoc_names(dataset, raw)
    try:
        params = table.parse(raw, dataset.codebook, data_years(dataset), view=view, strict=True)
    except ParamError as exc:
        _fail(str(exc), 2)
    for notice in params.notices:
        click.echo(f"note: {notice}", err=True)
    query = params.query(disclosure=not values.get("no_suppress", False))
    try:
        dataset = grouped(dataset, query)  # the groups of `combine`/`bins` are its categories
        if view == "crosstab" and len(breakdowns(params.by)) > 1:
            _emit_banner(banner(dataset, query, breakdowns(params.by)), params, dataset,
                         values["fmt"], table)
            return
        if view == "trend":
            result = trend(dataset, query, params.category)
        elif view == "frequencies":
            result = frequencies(dataset, replace(query, by=None))
        else:
            result = crosstab(dataset, query)
    except QueryError as exc:
        _fail(str(exc), 2)
    _emit(view, result, params, dataset, values["fmt"], ad_hoc, table)


def view_command(view: str, doc: str, table: ParamTable = PARAMETER_TABLE) -> click.Command:
    """The command of one view, its options from `table`."""

    def command(**values) -> None:
        run_view(view, values, table)

    command.__doc__ = doc
    return click.command(name=view)(view_options(view, table)(_common_options(command)))


crosstab = view_command("crosstab", """Weighted percentages of INDICATOR by a breakdown, per
country and year, with margins of error, significance letters and a chi-square test.""")
frequencies = view_command("frequencies", "Weighted distribution of INDICATOR per country and year.")
trend = view_command("trend", """One category (or the mean) of INDICATOR across countries and
survey years.""")


# -- tab books --------------------------------------------------------------------------------------

TABBOOK_PARAMS = ("bins", "combine", "by", "country", "year", "filter", "weighted", "percent",
                  "missing", "pool", "lang")
"""The view parameters a tab book takes (the crosstab's, but the question and the chart)."""


def tabbook_options(fn: Callable) -> Callable:
    """The tab book's view options, from the parameter table."""
    for name in reversed(TABBOOK_PARAMS):
        param = PARAMETER_TABLE.by_name[name]
        for alias in reversed(param.cli_aliases):
            fn = click.option(alias.flag, _python_name(alias.flag.lstrip("-")), is_flag=True,
                              help=_plain(alias.help))(fn)
        fn = _option(param, "crosstab")(fn)
    return fn


@click.command("tabbook")
@click.option("--topic", default=None, help="Every substantive question of this topic "
              "(default: of the whole survey).")
@click.option("--indicator", "indicators", default=None, metavar="ID,ID,...",
              help="These questions instead of a topic.")
@tabbook_options
@click.option("-o", "--output", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .xlsx (a sheet per question) or .csv (tidy rows).")
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Codebook YAML (default: data/codebook.yaml).")
def tabbook(**values) -> None:
    """A tab book: many questions by one banner (--by gender,age_group) in one file."""
    from barometer.ingest import IngestError, load_dataset
    from barometer.params import ParamError
    from barometer.present.tabbook import choice_text, tabbook_csv, tabbook_xlsx
    from barometer.stats import QueryError
    from barometer.stats.groups import grouped
    from barometer.stats.query import data_years
    from barometer.stats.tabbook import tabbook as compute
    from barometer.stats.tabbook import tabbook_questions

    output: Path = values["output"]
    if output.suffix.lower() not in (".xlsx", ".csv"):
        _fail(f"-o {output}: write a .xlsx or a .csv file", 2)
    try:
        dataset = load_dataset(values["codebook_path"])
    except (IngestError, CodebookError) as exc:
        _fail(str(exc), 1)
    raw = raw_query("crosstab", values)
    raw = {k: v for k, v in raw.items() if k in TABBOOK_PARAMS}
    wanted = tuple(i.strip() for i in (values["indicators"] or "").split(",") if i.strip())
    try:
        breakdown_ids = tuple(b.strip() for b in ",".join(raw.get("by", [])).split(",") if b.strip())
        questions = tabbook_questions(dataset.codebook, topic=values["topic"], indicators=wanted,
                                      breakdowns=breakdown_ids)
        raw["indicator"] = [questions[0]]
        params = PARAMETER_TABLE.parse(raw, dataset.codebook, data_years(dataset), strict=True)
    except (ParamError, QueryError) as exc:
        _fail(str(exc), 2)
    if not params.by:
        _fail("--by: a tab book needs a banner, e.g. --by gender,age_group", 2)
    query = params.query(by=None)
    viewed = grouped(dataset, query)

    def progress(done: int, total: int) -> None:
        click.echo(f"\r{done}/{total} questions", nl=False, err=True)

    entries = list(compute(viewed, query, questions, params.by.split(","), progress))
    click.echo("", err=True)
    choice = choice_text(dataset.codebook, query, params.lang)
    write = tabbook_xlsx if output.suffix.lower() == ".xlsx" else tabbook_csv
    output.write_bytes(write(entries, viewed.codebook, params.lang, dataset.version, choice))
    missing = [e.indicator for e in entries if e.banner is None]
    click.echo(f"wrote {output}: {len(entries) - len(missing)} questions"
               + (f" ({len(missing)} without figures here: {', '.join(missing)})" if missing else ""))
    if dataset.synthetic:
        click.echo("Synthetic demonstration data: not real survey findings.")

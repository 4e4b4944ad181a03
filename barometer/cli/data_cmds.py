"""`barometer ingest` and `barometer codebook init|validate`: survey files in."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from barometer.codebook import CodebookError


def _fail(message: str) -> None:
    """Exit non-zero with a one-line error on stderr."""
    click.echo(f"error: {' '.join(str(message).split())}", err=True)
    sys.exit(1)


@click.command()
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Codebook YAML (default: data/codebook.yaml, or $BAROMETER_DATA_DIR/codebook.yaml).",
)
@click.option("--strict", is_flag=True, help="Exit non-zero on any problem in any source.")
@click.option("--rebuild", is_flag=True, help="Rebuild the cache even if nothing changed.")
def ingest(codebook_path: Path | None, strict: bool, rebuild: bool) -> None:
    """Read, harmonise and validate the survey files; cache the tidy table as Parquet."""
    from barometer.ingest import IngestError, IngestReport, load_dataset
    from barometer.paths import default_codebook

    path = codebook_path or default_codebook()
    started = time.perf_counter()
    try:
        dataset = load_dataset(path, strict=strict, rebuild=rebuild, progress=True)
    except (IngestError, CodebookError) as exc:
        _fail(str(exc))
        return
    seconds = time.perf_counter() - started
    report = IngestReport.from_dict(dataset.info["report"])
    click.echo(report.format_table())
    click.echo(
        f"{report.rows_loaded:,} rows from {report.sources_loaded} of {len(report.files)} "
        f"sources, {len(dataset.codebook.indicators)} indicators; data version {dataset.version}"
    )
    if dataset.info.get("from_cache"):
        click.echo(f"cache up to date: {dataset.info['cache']} ({seconds:.2f} s)")
    else:
        click.echo(f"cache written: {dataset.info['cache']} (built in {seconds:.2f} s)")
    if report.errors:
        click.echo(
            f"{len(report.errors)} problem(s): the sources or rows above were skipped "
            "(use --strict to fail instead)",
            err=True,
        )


@click.group()
def codebook() -> None:
    """Draft and check codebooks."""


@codebook.command("validate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
def validate(path: Path | None) -> None:
    """Check a codebook against the schema, that its source files and variables exist and that
    its boundary files have a shape for every category (and no other)."""
    from barometer.codebook import load_codebook
    from barometer.geo import GeoError, load_linked_boundaries
    from barometer.ingest.checks import check_sources
    from barometer.paths import default_codebook

    path = path or default_codebook()
    try:
        book = load_codebook(path)
    except CodebookError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    problems = check_sources(book, path.resolve().parent)
    try:
        load_linked_boundaries(book, path.resolve().parent, str(path))
    except GeoError as exc:
        problems += str(exc).splitlines()
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(
        f"{path}: valid ({len(book.sources)} sources, {len(book.indicators)} indicators, "
        f"every file and variable found)"
    )


@codebook.command("init")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the codebook here (default: print it).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option(
    "--encoding",
    default=None,
    metavar="NAME",
    help="Read the files' text in this encoding (e.g. cp1252, latin-1, cp1251) instead of the one "
    "they declare; recorded on each source. Default: the declared one, then UTF-8, cp1252, latin-1.",
)
def init(files: tuple[Path, ...], output: Path | None, force: bool, encoding: str | None) -> None:
    """Draft a codebook from the files' own metadata (labels, missing values, weights)."""
    from barometer.ingest import IngestError, codebook_yaml, draft_codebook
    from barometer.ingest.readers import WarningNote

    if output is not None and output.exists() and not force:
        _fail(f"{output} exists; use --force to overwrite it")
    try:
        book, notes = draft_codebook(list(files), encoding=encoding)
    except IngestError as exc:
        _fail(str(exc))
        return
    text = codebook_yaml(book, notes, relative_to=output.resolve().parent if output else None)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    for note in notes:
        click.echo(f"{'warning' if isinstance(note, WarningNote) else 'note'}: {note}", err=True)
    if output is not None:
        click.echo(
            f"wrote {output}: {len(book.sources)} source(s), {len(book.indicators)} indicators; "
            f"next: barometer ingest --codebook {output}",
            err=True,
        )

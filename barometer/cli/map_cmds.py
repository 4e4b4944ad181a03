"""`barometer map`: one answer by region as an SVG map, from the same result as `crosstab`.

The options are the parameter table's crosstab options (`--category`, `--country`, `--year`,
`--filter`, ...); `--by` defaults to the first indicator with a boundary file (the region). The
SVG is written in pure Python (`barometer.present.map_svg`), with title, legend, base note and
the demonstration-data label.
"""

from __future__ import annotations

from pathlib import Path

import click

from barometer.cli.stats_cmds import _fail, _load, raw_query, view_options
from barometer.params import PARAMETER_TABLE


@click.command("map")
@view_options("crosstab")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the SVG here (default: map-INDICATOR.svg; '-' prints it).")
@click.option("--codebook", "codebook_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Codebook YAML (default: data/codebook.yaml).")
@click.option("--no-suppress", "no_suppress", is_flag=True,
              help="Show every figure, even of regions under the minimum base (a local run on "
                   "your own data; the public service always suppresses).")
def map_command(output: Path | None, codebook_path: Path | None, no_suppress: bool,
                **values) -> None:
    """An SVG map of one answer of INDICATOR (--category, default the first net) by region, per
    country and year: the percentages of `barometer crosstab INDICATOR --by region`."""
    from barometer.params import ParamError
    from barometer.present.labels import base_note, source_caption
    from barometer.present.map_svg import region_map_svg
    from barometer.present.maps import map_model
    from barometer.stats import QueryError, crosstab
    from barometer.stats.query import data_years

    dataset, _ad_hoc = _load(codebook_path, (), None)
    codebook = dataset.codebook
    mapped = [i.id for i in codebook.indicators if i.id in dataset.boundaries]
    raw = raw_query("crosstab", values, PARAMETER_TABLE)
    if not raw.get("by"):
        candidates = [i for i in mapped if i not in raw.get("indicator", [])]
        if not candidates:
            _fail("no indicator of this codebook has a boundary file (`geo:`) to map by", 2)
        raw["by"] = candidates[:1]
    try:
        params = PARAMETER_TABLE.parse(raw, codebook, data_years(dataset), view="crosstab",
                                       strict=True)
    except ParamError as exc:
        _fail(str(exc), 2)
    if params.by not in dataset.boundaries:
        _fail(f"--by {params.by} has no boundary file to draw; indicators with one: "
              f"{', '.join(mapped) or 'none'}", 2)
    for notice in params.notices:
        click.echo(f"note: {notice}", err=True)
    try:
        result = crosstab(dataset, params.query(pool="separate", disclosure=not no_suppress))
    except QueryError as exc:
        _fail(str(exc), 2)
    model = map_model(result, codebook, params.lang, params.category)
    if not model.cells:
        _fail(f"nothing to map: no region has a figure for {model.category!r} in this choice", 2)
    footnote = codebook.dataset.designation_footnote
    svg = region_map_svg(model, dataset.boundaries[params.by],
                         base_note=base_note(result, codebook, params.lang),
                         caption=source_caption(codebook, params.lang, dataset.version),
                         footnote=footnote.get(params.lang) if footnote else "")
    if output is not None and str(output) == "-":
        click.echo(svg, nl=False)
        return
    output = output or Path(f"map-{params.indicator}.svg")
    try:
        output.write_text(svg, encoding="utf-8")
    except OSError as exc:
        _fail(f"{output}: cannot write the map ({exc.strerror})", 1)
    years = ", ".join(str(p.year) for p in model.panels)
    click.echo(f"wrote {output}: {model.title}; {len(model.cells)} regions ({years})")
    if dataset.synthetic:
        click.echo("Synthetic demonstration data: not real survey findings.")


map = map_command  # the lazy command group finds a command by its name

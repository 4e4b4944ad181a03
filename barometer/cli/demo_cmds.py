"""`barometer demo-data`: write the synthetic demonstration deliveries and their codebook."""

from __future__ import annotations

import time
from pathlib import Path

import click

from barometer.paths import data_dir


@click.command("demo-data")
@click.option("--seed", type=int, default=None, show_default="20261128",
              help="Seed of the random model: the same seed always gives the same files.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Data folder to write raw/ and codebook.yaml into (default: the project's data/).")
def demo_data(seed: int | None, out_dir: Path | None) -> None:
    """Generate synthetic demonstration survey files (AL, XK, RS; 2021-2025) and codebook.yaml.

    The answers are invented by a seeded model and imitate no real survey finding.
    """
    from barometer.demo import DEFAULT_SEED, generate_demo_data

    seed = DEFAULT_SEED if seed is None else seed
    out_dir = out_dir or data_dir()
    started = time.perf_counter()
    paths = generate_demo_data(out_dir, seed=seed)
    for path in paths:
        click.echo(f"wrote {path}")
    deliveries = sum(path.parent.name == "raw" for path in paths)
    click.echo(
        f"{deliveries} synthetic delivery files, the region boundaries and the codebook (seed {seed}) "
        f"in {time.perf_counter() - started:.1f}s"
    )

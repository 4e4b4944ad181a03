"""Generate every demonstration delivery and the codebook into a data folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from barometer.demo.codebook_builder import codebook_yaml
from barometer.demo.deliveries import DELIVERIES
from barometer.demo.model import World, draw_wave
from barometer.demo.writer import write_wave

DEFAULT_SEED = 20261128
GEO_SOURCE = Path(__file__).resolve().parent / "geo"
"""The region boundaries the codebook links, and their provenance note (copied as they are)."""
GEO_FILES = ("regions.geojson", "PROVENANCE.md")


def generate_demo_data(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write `raw/<COUNTRY>_<YEAR>.<ext>` for every delivery, the region boundaries under `geo/`
    and `codebook.yaml` under `out_dir`.

    Files are first written to a scratch folder, then moved into place, so a failed run leaves
    the previous files intact. Other files in `out_dir/raw/` are left alone. Returns the paths
    written, codebook last.
    """
    out_dir = Path(out_dir)
    raw_dir = out_dir / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "geo").mkdir(exist_ok=True)
    world = World.draw(seed)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".demo-data-") as scratch:
        scratch_dir = Path(scratch)
        for delivery in DELIVERIES:
            wave = draw_wave(world, seed, delivery.country, delivery.year)
            write_wave(wave, delivery, scratch_dir / delivery.file_name)
        (scratch_dir / "codebook.yaml").write_text(codebook_yaml(seed), encoding="utf-8")
        for name in GEO_FILES:
            shutil.copyfile(GEO_SOURCE / name, scratch_dir / name)
        for delivery in DELIVERIES:
            target = raw_dir / delivery.file_name
            os.replace(scratch_dir / delivery.file_name, target)
            written.append(target)
        for name in GEO_FILES:
            target = out_dir / "geo" / name
            os.replace(scratch_dir / name, target)
            written.append(target)
        target = out_dir / "codebook.yaml"
        shutil.move(scratch_dir / "codebook.yaml", target)
        written.append(target)
    return written

"""The Parquet cache: reused while nothing changed, rebuilt when a source or the codebook changes,
and never left half-written by a failed build."""

from __future__ import annotations

import json

import pandas as pd
import pyreadstat
import pytest
from test_ingest_fixtures import write_deliveries

import barometer.ingest.cache as cache_module
from barometer.ingest import StrictIngestError, load_dataset


@pytest.fixture
def counted(tmp_path, monkeypatch):
    """Deliveries plus a counter of real builds."""
    path = write_deliveries(tmp_path)
    calls = []
    real = cache_module.build_dataset

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(cache_module, "build_dataset", counting)
    return tmp_path, path, calls


def _pointer(folder):
    return json.loads((folder / "cache/current.json").read_text())


def test_reused_while_unchanged(counted):
    folder, path, calls = counted
    first = load_dataset(path)
    table = folder / "cache" / _pointer(folder)["dir"] / "dataset.parquet"
    mtime = table.stat().st_mtime_ns
    second = load_dataset(path)
    assert len(calls) == 1
    assert not first.info["from_cache"] and second.info["from_cache"]
    assert table.stat().st_mtime_ns == mtime
    assert second.version == first.version and len(first.version) == 12
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert second.info["report"]["rows_loaded"] == 800


def test_rebuild_flag_forces_a_build(counted):
    _, path, calls = counted
    load_dataset(path)
    load_dataset(path, rebuild=True)
    assert len(calls) == 2


def test_rebuilt_when_a_source_changes(counted):
    folder, path, calls = counted
    first = load_dataset(path)
    raw = folder / "raw/rs_2023.sav"
    frame, meta = pyreadstat.read_sav(str(raw), user_missing=True)
    frame.loc[0, "p1"] = 1 if frame.loc[0, "p1"] != 1 else 2
    pyreadstat.write_sav(frame, raw, variable_value_labels=meta.variable_value_labels)
    second = load_dataset(path)
    assert len(calls) == 2 and not second.info["from_cache"]
    assert second.version != first.version
    assert list((folder / "cache").glob("v-*")) == [folder / "cache" / _pointer(folder)["dir"]]


def test_rebuilt_when_the_codebook_changes(counted):
    folder, path, calls = counted
    first = load_dataset(path)
    path.write_text(path.read_text().replace("Full trust", "Complete trust"), encoding="utf-8")
    second = load_dataset(path)
    assert len(calls) == 2
    assert second.version != first.version
    assert second.codebook.scales["trust4"][0].label.en == "Complete trust"


def test_ingest_format_version_is_part_of_the_key(counted, monkeypatch):
    _, path, calls = counted
    load_dataset(path)
    monkeypatch.setattr(cache_module, "INGEST_FORMAT_VERSION", cache_module.INGEST_FORMAT_VERSION + 1)
    load_dataset(path)
    assert len(calls) == 2


def test_failed_write_leaves_old_cache_intact(counted, monkeypatch):
    folder, path, calls = counted
    first = load_dataset(path)
    pointer = _pointer(folder)
    path.write_text(path.read_text().replace("Full trust", "Complete trust"), encoding="utf-8")

    def broken(_frame, target, **_options):  # DataFrame.to_parquet's signature
        with open(target, "wb") as handle:
            handle.write(b"PAR1 half")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        load_dataset(path)
    assert _pointer(folder) == pointer
    assert not list((folder / "cache").glob(".build-*"))
    old = pd.read_parquet(folder / "cache" / pointer["dir"] / "dataset.parquet")
    pd.testing.assert_frame_equal(old, first.frame)


def test_failed_strict_build_leaves_old_cache_intact(counted):
    folder, path, calls = counted
    load_dataset(path)
    pointer = _pointer(folder)
    raw = folder / "raw/rs_2023.sav"
    frame, meta = pyreadstat.read_sav(str(raw), user_missing=True)
    frame.loc[0, "p1"] = 42
    pyreadstat.write_sav(frame, raw, variable_value_labels=meta.variable_value_labels)
    with pytest.raises(StrictIngestError, match="42 \\(1 row\\)"):
        load_dataset(path, strict=True)
    assert _pointer(folder) == pointer
    assert (folder / "cache" / pointer["dir"] / "dataset.parquet").is_file()


def test_strict_warm_load_still_fails_on_recorded_problems(counted):
    folder, path, calls = counted
    raw = folder / "raw/rs_2023.sav"
    frame, meta = pyreadstat.read_sav(str(raw), user_missing=True)
    frame.loc[0, "p1"] = 42
    pyreadstat.write_sav(frame, raw, variable_value_labels=meta.variable_value_labels)
    lenient = load_dataset(path)
    assert lenient.info["report"]["errors"] == 1
    with pytest.raises(StrictIngestError):
        load_dataset(path, strict=True)


def test_cache_round_trip_keeps_dtypes(counted):
    _, path, _ = counted
    built = load_dataset(path)
    cached = load_dataset(path)
    assert (cached.frame.dtypes == built.frame.dtypes).all()
    assert list(cached.frame["trust_police"].cat.categories) == ["full", "some", "little", "none", "dk", "ra"]
    assert str(cached.frame["threats__crime"].dtype) == "boolean"
    assert cached.frame["threats__crime"].isna().sum() == built.frame["threats__crime"].isna().sum() > 0
    assert cached.frame["strata"].isna().sum() == 600


def test_cli_says_cache_up_to_date(tmp_path):
    from click.testing import CliRunner

    from barometer.cli import main

    path = write_deliveries(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", "--codebook", str(path)])
    assert first.exit_code == 0 and "cache written" in first.output
    second = runner.invoke(main, ["ingest", "--codebook", str(path)])
    assert second.exit_code == 0 and "cache up to date" in second.output
    assert str(tmp_path / "cache") in second.output

"""Acceptance run over real survey files nobody here made: `codebook init` then `ingest` on each,
then ad hoc mode (`frequencies --data`) on its first indicator with the guessed weight, and on a
date variable when the file has one (it must be refused saying why).

Looks for `../shared/real-surveys/` beside the repository (or the folder given as the first
argument) and prints one line per file: loaded (rows, indicators, weight and country found or not,
what drafting recognised, rows ad hoc mode left out) or the error. Exits non-zero when any file
fails. Nothing in the test suite depends on these files.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = REPO.parent / "shared" / "real-surveys"
SUFFIXES = {".sav", ".zsav", ".por", ".dta", ".csv"}


def run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


def check(path: Path, root: Path, workdir: Path, barometer: list[str]) -> bool:
    name = path.relative_to(root).as_posix()
    out = workdir / path.stem / "codebook.yaml"
    started = time.perf_counter()
    init = run([*barometer, "codebook", "init", str(path), "-o", str(out), "--force"])
    if init.returncode != 0:
        print(f"FAIL   {name}: codebook init: {init.stderr.strip().splitlines()[-1:]}")
        return False
    ingest = run([*barometer, "ingest", "--codebook", str(out)])
    seconds = time.perf_counter() - started
    if ingest.returncode != 0:
        print(f"FAIL   {name}: ingest: {ingest.stderr.strip().splitlines()[-1:]}")
        return False
    from barometer.codebook import load_codebook
    from barometer.ingest import load_dataset

    book = load_codebook(out)
    dataset = load_dataset(out)
    report = dataset.info["report"]
    source = book.sources[0]
    notes = init.stderr
    country = (
        f"country var {source.country_variable} ({len(book.countries)})"
        if source.country_variable
        else "no country"
    )
    extras = []
    if "recognised from label text" in notes:
        extras.append("DK/RA from labels")
    if "population totals" in notes:
        extras.append("weights are totals")
    if "read as" in notes:
        extras.append("encoding fallback")
    if "multiple-response set" in notes and "-> one multiple" in notes:
        extras.append("MR set")
    for pattern, said in ((r"non-answers .* in (\d+) variable", "non-answers missing in {} vars"),
                          (r"nobody chose left out .* in (\d+) variable", "unchosen codes left out in {} vars"),
                          (r"skipped (\d+) date variable", "{} date vars skipped")):
        found = re.search(pattern, notes)
        if found:
            extras.append(said.format(found.group(1)))
    ad_hoc = _ad_hoc(path, book, notes, barometer)
    if ad_hoc.startswith("FAIL"):
        print(f"FAIL   {name}: ad hoc: {ad_hoc}")
        return False
    extras.append(ad_hoc)
    status = "OK    " if not report["errors"] else "OK*   "
    print(
        f"{status} {name}: {report['rows_loaded']:,}/{report['rows_read']:,} rows loaded, "
        f"{len(book.indicators)} indicators, weight {source.weight or 'none'}, {country}, "
        f"year {source.year}"
        + (f"; {', '.join(extras)}" if extras else "")
        + (f"; {report['rows_rejected']} rejected: {report['files'][0]['errors'][0][:120]}" if report["errors"] else "")
        + f" ({seconds:.1f} s)"
    )
    return True


def _ad_hoc(path: Path, book, notes: str, barometer: list[str]) -> str:
    """`frequencies --data` on the first indicator (weighted as guessed), and a date variable
    refused saying why: what it told on stderr, or FAIL and why."""
    source = book.sources[0]
    first = next((ind for ind in book.indicators if ind.sources[source.id].variable), None)
    if first is None:
        return "ad hoc: no single-variable indicator"
    cmd = [*barometer, "frequencies", "--data", str(path), first.sources[source.id].variable, "--format", "csv"]
    if source.weight:
        cmd += ["--weight", source.weight]
    run_ = run(cmd)
    if run_.returncode != 0:
        return f"FAIL {first.id}: {run_.stderr.strip().splitlines()[-1:]}"
    left_out = re.search(r"([\d,]+) of [\d,]+ rows left out", run_.stderr)
    told = f"ad hoc {left_out.group(1)} rows left out (told)" if left_out else "ad hoc OK"
    dates = re.search(r"skipped \d+ date variable\(s\) \([^)]*\): ([^, ]+)", notes)
    if dates:
        date = run([*barometer, "frequencies", "--data", str(path), dates.group(1)])
        if date.returncode != 2 or "dates are not analysed" not in date.stderr:
            return f"FAIL date variable {dates.group(1)}: {date.stderr.strip().splitlines()[-1:]}"
        told += ", date refused saying why"
    return told


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER
    if not root.is_dir():
        print(f"{root} not found: nothing to check")
        return 0
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES)
    barometer = [str(Path(sys.executable).parent / "barometer")]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="barometer-acceptance-") as tmp:
        for path in files:
            failures += not check(path, root, Path(tmp), barometer)
    print(f"{len(files) - failures} of {len(files)} files loaded")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

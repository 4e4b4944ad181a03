"""Tab book of the whole demo survey: every substantive question × a three-breakdown banner
(gender, age group, education) × every country × every wave, computed and written as XLSX.

Target: at most 10 s including the XLSX, on a warm dataset (loaded from the Parquet cache).
Prints the time of each stage, the peak resident set size (resource.getrusage) before and after
(tracemalloc would slow the run down several times over), and the workbook's size. A second run
over the same dataset shows what the derived-array caches save (the web reuses finished files
outright).

    PYTHONPATH=. python benchmarks/bench_tabbook.py
"""

from __future__ import annotations

import os
import resource
import sys
import time

from barometer.ingest import load_dataset
from barometer.present.tabbook import choice_text, tabbook_csv, tabbook_xlsx
from barometer.stats import Query
from barometer.stats.tabbook import tabbook, tabbook_questions

BANNER = ("gender", "age_group", "education")
TARGET_SECONDS = 10.0


def build(dataset, clock=time.perf_counter) -> tuple[float, float, float, int, int]:
    """(compute s, xlsx s, csv s, questions, xlsx bytes) by `clock`."""
    questions = tabbook_questions(dataset.codebook, breakdowns=BANNER)
    query = Query(questions[0])
    started = clock()
    entries = list(tabbook(dataset, query, questions, BANNER))
    computed = clock()
    book = tabbook_xlsx(entries, dataset.codebook, "en", dataset.version,
                        choice_text(dataset.codebook, query, "en"))
    written = clock()
    tabbook_csv(entries, dataset.codebook, "en", dataset.version)
    csv_done = clock()
    return (computed - started, written - computed, csv_done - written, len(entries), len(book))


def main() -> int:
    dataset = load_dataset()
    countries = len(dataset.frame["country"].cat.categories)
    waves = dataset.frame["year"].nunique()
    print(f"demo survey: {len(dataset):,} respondents, {countries} countries × {waves} waves; "
          f"banner {', '.join(BANNER)}")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    compute_s, xlsx_s, csv_s, questions, size = build(dataset)
    total = compute_s + xlsx_s
    print(f"first run:  {questions} questions: compute {compute_s:.2f} s + XLSX {xlsx_s:.2f} s "
          f"= {total:.2f} s (target ≤ {TARGET_SECONDS:.0f} s); CSV {csv_s:.2f} s; "
          f"XLSX {size / 1e6:.1f} MB")
    compute2, xlsx2, _, _, _ = build(dataset)
    print(f"second run: compute {compute2:.2f} s + XLSX {xlsx2:.2f} s = {compute2 + xlsx2:.2f} s")
    cpu_compute, cpu_xlsx, _, _, _ = build(dataset, time.process_time)
    print(f"CPU time (what a busy machine's wall clock inflates): compute {cpu_compute:.2f} s + "
          f"XLSX {cpu_xlsx:.2f} s = {cpu_compute + cpu_xlsx:.2f} s; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {rss:.0f} MB resident (whole process, dataset included); "
          f"{before:.0f} MB before the tab book, so the book added at most {rss - before:.0f} MB")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

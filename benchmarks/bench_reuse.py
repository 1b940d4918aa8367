"""Text reuse between every pair of the 31 provincial reports of 2026, beside baselines from the same run.

Run: ``make benchmark`` (or ``.venv/bin/python benchmarks/bench_reuse.py``). Each figure is the
median of ``--repeat`` runs (default 3), each in a fresh interpreter, so imports and the first
use of datasketch and Biopython are counted as a user meets them:

* ``text_reuse`` on every pair (465) with its defaults (n = 3, MinHash-LSH candidates),
  target at most 30 s;
* baseline: the same passages from exhaustive candidates (every pair of units, 60 characters
  at most, whose exact n-gram Jaccard similarity reaches the threshold, through an inverted
  index of n-grams);
* baseline: reading and parsing the reports alone (what any measure on them costs first).

The reports are read from ``$MIYUN_TEXT_PROVINCES`` or ``../shared/corpus/provinces_2026``
beside the project; without them the script says so and exits 0 (and writes nothing).
``--write-docs`` writes the table to ``docs/generated/bench_reuse.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from _common import ROOT, Row, add_write_docs, load_average, report

TARGET = 30.0  # seconds, every pair of the 31 reports

_RUN = """
import sys, time
start = time.perf_counter()
from miyun_text.evaluate_reuse import read_provinces
paragraphs = read_provinces()
read = time.perf_counter()
if {measure!r} != "read":
    from miyun_text.reuse import reuse_shares, text_reuse
    passages = text_reuse(paragraphs, candidates={measure!r})
    reuse_shares(paragraphs, passages=passages)
done = time.perf_counter()
print(read - start, done - read, paragraphs["report_id"].nunique(), 0 if {measure!r} == "read" else len(passages))
"""


def run(measure: str) -> tuple[float, float, int, int]:
    out = subprocess.run([sys.executable, "-c", _RUN.format(measure=measure)], check=True, capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"})
    read, work, reports, passages = out.stdout.split()
    return float(read), float(work), int(reports), int(passages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    add_write_docs(parser, "reuse")
    args = parser.parse_args()

    from miyun_text.evaluate_reuse import provinces_folder

    folder = provinces_folder()
    if not any(folder.glob("*.csv")):
        print(f"skipped: no provincial reports at {folder} (set MIYUN_TEXT_PROVINCES to the folder "
              "provinces_2026); nothing measured, nothing written")
        return 0
    load_before = load_average()
    results = {}
    for measure in ("read", "minhash", "exact"):
        runs = [run(measure) for _ in range(args.repeat)]
        results[measure] = (statistics.median(r[0] + r[1] for r in runs), statistics.median(r[1] for r in runs),
                            runs[0][2], runs[0][3])
    reports = results["read"][2]
    pairs = reports * (reports - 1) // 2
    total, work, _, passages = results["minhash"]
    read_total = results["read"][0]
    exact_total, exact_work, _, exact_passages = results["exact"]
    rows = [
        Row(f"`text_reuse` + `reuse_shares`, every pair ({pairs}) of {reports} provincial reports, n = 3, "
            f"MinHash-LSH candidates ({passages} passages)", f"{total:.1f} s (reuse {work:.1f} s)",
            f"exhaustive candidates {exact_total:.1f} s (reuse {exact_work:.1f} s, {exact_passages} passages)",
            f"≤ {TARGET:g} s", total <= TARGET),
        Row(f"reading and parsing the {reports} reports alone", f"{read_total:.1f} s", "",
            "none (what any measure on them costs first)"),
    ]
    report("reuse", rows, load_before=load_before, write=args.write_docs,
           notes=[f"Medians of {args.repeat} runs, each in a fresh interpreter (imports included)."])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A thousand reports: the corpus pipeline cold and warm, startup times, ``make report``.

Run: ``make benchmark-scale`` (or ``.venv/bin/python benchmarks/bench_scale.py``);
``--reports 100 --repeat 1`` for a quick look. Every figure is measured in fresh
processes, as the median of ``--repeat`` runs, and printed beside its baseline and
target:

* the synthetic corpus: ``--reports`` report-sized texts, each the bundled report's
  clean text with the paragraphs of every part shuffled (seed ``--seed`` + report
  number), written to a temporary data folder with its manifest;
* baseline: one plain ``jieba.lcut`` pass over all those texts (jieba's own
  dictionary, its cache warm), timed around the loop only;
* the README's research-code example, exactly as README.md shows it between its
  ``research-example`` markers (``open_corpus()`` on every core, then theme frequencies
  and keywords by report, both read from the corpus's token table), run with
  ``MIYUN_TEXT_DATA`` pointing at the synthetic corpus; whole process timed, cold (empty
  cache) and warm (the cache of the cold run); peak memory is the largest sum of the
  resident memory of the process and its workers, sampled every 20 ms;
* ``Segmenter()`` and its first cut, ``import miyun_text``, ``miyun-text --help``: whole
  fresh interpreters, beside ``python -c pass``;
* warm ``make report`` on the bundled report, as is (unchanged notebooks are reused) and with
  ``FORCE=1`` (every notebook executed again); ``--skip-report`` leaves both out.

``--write-docs`` writes the table to ``docs/generated/bench_scale.md`` and the arithmetic
derived from it (per report, then for a city's districts and for every county of China over
twenty years) to ``docs/generated/bench_scale_derived.md``: the core time of the cold run
(user and system time of the process and its workers), the in-memory size of the token and
paragraph tables and the size of the cache on disk, each divided by the number of reports.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT, Row, add_write_docs, load_average, report, write_generated

BIN = Path(sys.executable).parent

EXAMPLE_START, EXAMPLE_END = "<!-- research-example:start -->", "<!-- research-example:end -->"
# what the example must have computed: every report's themes and keywords
EXAMPLE_CHECK = """
assert themes["report_id"].nunique() == len(corpus) == keywords["group"].nunique() > 0
"""


def readme_example() -> str:
    """The README's research-code example, the Python between its markers."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    if EXAMPLE_START not in text or EXAMPLE_END not in text:
        raise SystemExit(f"README.md lacks the markers {EXAMPLE_START} … {EXAMPLE_END}")
    block = text.split(EXAMPLE_START, 1)[1].split(EXAMPLE_END, 1)[0]
    return block.split("```python", 1)[1].split("```", 1)[0]

JIEBA_PASS = """
import sys, time, warnings
from pathlib import Path
warnings.simplefilter("ignore")
import jieba
jieba.setLogLevel(60)
jieba.initialize()
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1], "raw").glob("*.txt"))]
start = time.perf_counter()
for text in texts:
    jieba.lcut(text)
print(time.perf_counter() - start)
"""


def make_corpus(folder: Path, n: int, seed: int) -> int:
    """Write ``n`` shuffled copies of the bundled report and their manifest; return characters."""
    import hashlib

    sys.path.insert(0, str(ROOT))
    import pandas as pd

    from miyun_text.corpus import MANIFEST_COLUMNS, load_corpus
    from miyun_text.io import write_csv

    text = load_corpus(ROOT / "data").loc[0, "text"]
    numeral = "[一二三四五六七八九十]+"
    heading = re.compile(rf"^(?:{numeral}、|第{numeral}部分|[（(]{numeral}[）)])")
    lines = [line for line in text.split("\n") if line]
    raw = folder / "raw"
    raw.mkdir(parents=True)
    rows, chars = [], 0
    for i in range(n):
        rng = random.Random(seed + i)
        out, block = [], []
        for line in lines:
            if heading.match(line):
                rng.shuffle(block)
                out += [*block, line]
                block = []
            else:
                block.append(line)
        rng.shuffle(block)
        body = "\n".join(out + block) + "\n"
        data = body.encode("utf-8")
        report_id = f"r{i:05d}"
        (raw / f"{report_id}.txt").write_bytes(data)
        chars += len(body)
        rows.append({"report_id": report_id, "year": 2000 + i % 25, "region": f"示例{i // 25:03d}区", "level": "区",
                     "title": f"示例{i // 25:03d}区{2000 + i % 25}年政府工作报告", "delivered_on": "", "session": "",
                     "source_url": "", "raw_sha256": hashlib.sha256(data).hexdigest(), "notes": "synthetic"})
    write_csv(pd.DataFrame(rows, columns=MANIFEST_COLUMNS), folder / "reports.csv")
    return chars


def children_cpu() -> float:
    """User and system seconds of every finished (and waited for) descendant of this process."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall time, peak resident memory (MB, process tree) and stdout of a fresh process."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                break
            peak = max(peak, total)
            time.sleep(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{err[-3000:]}")
    return elapsed, peak / 1e6, out


def median(values: list[float]) -> float:
    return statistics.median(values)


# Sizes of the corpus the example loaded, read from a warm cache in a fresh process.
SIZES = """
import json
import miyun_text as mt
corpus = mt.open_corpus()
print(json.dumps({"reports": len(corpus), "tokens": len(corpus.tokens.frame),
                  "token_bytes": int(corpus.tokens.frame.memory_usage(deep=True).sum()),
                  "paragraph_bytes": int(corpus.paragraphs.memory_usage(deep=True).sum())}))
"""


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def derived(per_report: dict[str, float], label: str) -> str:
    """The arithmetic of the docs' page on scale: measured figures per report, multiplied out."""
    cases = [("a city's districts over twenty years", 16 * 20), ("every county-level government of China "
             "over twenty years", 2800 * 20)]
    cpu, tokens_mb = per_report["cpu_s"], per_report["token_mb"] + per_report["paragraph_mb"]
    lines = [f"Derived from the run above, on {label}: each figure measured on that corpus and divided by "
             "its number of reports, then multiplied out. Core time is the user and system time of the "
             "cold run's process and workers (loading, the measures and the interpreter's start included); "
             "wall times assume every core busy.",
             "",
             "| quantity | per report (measured) | " + " | ".join(f"{name} ({n:,} reports)" for name, n in cases)
             + " |",
             "| --- | --- | " + " | ".join("---" for _ in cases) + " |"]

    def minutes(seconds: float) -> str:
        if seconds >= 60:
            return f"{seconds / 60:.1f} min"
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"

    lines.append(f"| characters and tokens | {per_report['chars']:,.0f} characters, {per_report['tokens']:,.0f} "
                 "tokens | " + " | ".join(f"{n * per_report['chars'] / 1e6:,.0f} M characters" for _, n in cases)
                 + " |")
    lines.append(f"| core time, cold | {cpu * 1000:.0f} ms | "
                 + " | ".join(f"{minutes(n * cpu)} of one core: {minutes(n * cpu / 2)} on 2 cores, "
                              f"{minutes(n * cpu / 16)} on 16" for _, n in cases) + " |")
    lines.append(f"| token and paragraph tables in memory | {per_report['token_mb']:.2f} MB + "
                 f"{per_report['paragraph_mb']:.2f} MB | "
                 + " | ".join(f"{n * tokens_mb / 1000:,.1f} GB" for _, n in cases) + " |")
    lines.append(f"| cache on disk (tokens, text) | {per_report['token_kb']:.0f} KB + {per_report['text_kb']:.0f} KB"
                 " | " + " | ".join(f"{n * (per_report['token_kb'] + per_report['text_kb']) / 1e6:,.1f} GB"
                                    for _, n in cases) + " |")
    lines.append("")
    def about(n: float) -> str:  # two significant figures: the arithmetic is no finer than that
        return f"{float(f'{n:.2g}'):,.0f}"

    lines.append(f"At {tokens_mb:.2f} MB a report, one machine with 32 GB holds the tables of about "
                 f"{about(32000 / tokens_mb)} reports at once, and a 2 GB budget about {about(2000 / tokens_mb)}.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--skip-report", action="store_true", help="leave out warm `make report`")
    add_write_docs(parser, "scale")
    args = parser.parse_args()

    base_env = {**os.environ, "PYTHONHASHSEED": "0"}
    base_env.pop("MIYUN_TEXT_DATA", None)
    python = sys.executable
    load_before = load_average()
    work = Path(tempfile.mkdtemp(prefix="miyun-scale-"))
    rows: list[Row] = []
    sizes: dict[str, float] = {}
    try:
        data = work / "data"
        chars = make_corpus(data, args.reports, args.seed)
        label = f"{args.reports:,} reports ({chars / 1e6:.1f} M characters)"
        print(f"corpus: {label} in {data}", flush=True)

        jieba_times = []
        for _ in range(args.repeat):
            _, _, out = run([python, "-c", JIEBA_PASS, str(data)], base_env)
            jieba_times.append(float(out.strip()))
        t_jieba = median(jieba_times)
        print(f"jieba.lcut pass: {t_jieba:.2f} s", flush=True)

        example = readme_example() + EXAMPLE_CHECK
        cold, warm, peaks, cpu = [], [], [], []
        for n in range(args.repeat):
            env = {**base_env, "MIYUN_TEXT_CACHE": str(work / f"cache-{n}"), "MIYUN_TEXT_DATA": str(data)}
            before = children_cpu()
            elapsed, peak, _ = run([python, "-c", example], env, cwd=work)
            cpu.append(children_cpu() - before)
            cold.append(elapsed)
            peaks.append(peak)
            elapsed, peak, _ = run([python, "-c", example], env, cwd=work)
            warm.append(elapsed)
            peaks.append(peak)
            print(f"README example run {n + 1}: cold {cold[-1]:.2f} s, warm {warm[-1]:.2f} s", flush=True)
        t_cold, t_warm, peak = median(cold), median(warm), max(peaks)
        rows.append(Row(f"README research example cold, {label}, {os.cpu_count()} workers", f"{t_cold:.1f} s",
                        f"one `jieba.lcut` pass {t_jieba:.1f} s (ratio {t_cold / t_jieba:.2f})",
                        "≤ 60 s and ≤ 0.25 × the pass", t_cold <= 60 and t_cold <= 0.25 * t_jieba))
        rows.append(Row("README research example warm (second run, cache reused)", f"{t_warm:.1f} s", "",
                        "≤ 10 s", t_warm <= 10))
        rows.append(Row("peak memory, process and workers", f"{peak / 1000:.2f} GB", "", "≤ 2 GB", peak <= 2000))

        env = {**base_env, "MIYUN_TEXT_CACHE": str(work / "cache-0"), "MIYUN_TEXT_DATA": str(data)}
        counted = json.loads(run([python, "-c", SIZES], env, cwd=work)[2])
        n_reports = counted["reports"]
        sizes = {"chars": chars / n_reports, "tokens": counted["tokens"] / n_reports,
                 "cpu_s": median(cpu) / n_reports, "token_mb": counted["token_bytes"] / n_reports / 1e6,
                 "paragraph_mb": counted["paragraph_bytes"] / n_reports / 1e6,
                 "token_kb": folder_bytes(work / "cache-0" / "tokens") / n_reports / 1e3,
                 "text_kb": folder_bytes(work / "cache-0" / "text") / n_reports / 1e3}

        warm_cache = {**base_env, "MIYUN_TEXT_CACHE": str(work / "cache-0")}
        t_pass = median([run([python, "-c", "pass"], warm_cache)[0] for _ in range(max(args.repeat, 5))])
        seg_code = "from miyun_text.segment import Segmenter; Segmenter().cut('保水')"
        run([python, "-c", seg_code], warm_cache)  # warm the cache once
        t_seg = median([run([python, "-c", seg_code], warm_cache)[0] for _ in range(max(args.repeat, 5))])
        t_import = median([run([python, "-c", "import miyun_text"], warm_cache)[0] for _ in range(max(args.repeat, 5))])
        cli = str(BIN / "miyun-text")
        t_help = median([run([cli, "--help"], warm_cache)[0] for _ in range(max(args.repeat, 5))])
        baseline = f"`python -c pass` {t_pass:.2f} s"
        rows.append(Row("`Segmenter()` and its first cut, fresh process, warm cache", f"{t_seg:.2f} s", baseline,
                        "≤ 0.5 s", t_seg <= 0.5))
        rows.append(Row("`import miyun_text`, fresh process", f"{t_import:.2f} s (net {t_import - t_pass:.2f} s)",
                        baseline, "≤ 0.1 s net", t_import - t_pass <= 0.1))
        rows.append(Row("`miyun-text --help`, fresh process", f"{t_help:.2f} s", baseline, "≤ 0.3 s",
                        t_help <= 0.3))

        if not args.skip_report:
            make_env = {k: v for k, v in base_env.items() if k != "MIYUN_TEXT_CACHE"}
            run(["make", "report"], make_env, cwd=ROOT)  # warm it: outputs and caches present
            t_report = median([run(["make", "report"], make_env, cwd=ROOT)[0] for _ in range(args.repeat)])
            rows.append(Row("warm `make report`, bundled report (nothing changed: executed notebooks reused)",
                            f"{t_report:.1f} s", "", "≤ 20 s", t_report <= 20))
            t_forced = median([run(["make", "report", "FORCE=1"], make_env, cwd=ROOT)[0]
                               for _ in range(args.repeat)])
            rows.append(Row("`make report FORCE=1`, bundled report (every notebook executed, caches warm)",
                            f"{t_forced:.1f} s", "", "none (for reference)"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report("scale", rows, load_before=load_before, write=args.write_docs,
           notes=[f"Medians of {args.repeat} runs."])
    arithmetic = derived(sizes, label)
    print()
    print(arithmetic, end="")
    if args.write_docs:
        write_generated("bench_scale_derived.md", arithmetic)
    return 0


if __name__ == "__main__":
    sys.exit(main())

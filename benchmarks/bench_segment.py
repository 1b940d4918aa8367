"""Segmentation throughput, Segmenter construction and import time, beside raw jieba.

Run: ``make benchmark`` (or ``.venv/bin/python benchmarks/bench_segment.py``).
Every figure is printed beside a baseline measured in the same run:

* ``cut`` and ``tokenize`` on the bundled report repeated to at least 5 MB (UTF-8),
  in Mchar/s, beside ``jieba.lcut`` (jieba's global tokenizer, its own dictionary) and
  beside ``lcut`` of the Segmenter's own tokenizer (same dictionary, no post-processing),
  with the default backend (rjieba) and with ``backend="jieba"``.
  Target: Segmenter.cut overhead over raw jieba at most 25 %.
* constructing a Segmenter with a warm cache (target at most 1 s), beside jieba's
  own first ``initialize()`` from its cache;
* ``import miyun_text`` in a fresh interpreter (target at most 0.3 s), beside
  ``python -c pass``.

Times are the best of ``--repeat`` runs (default 3). ``--write-docs`` writes the table to
``docs/generated/bench_segment.md``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import ROOT, Row, add_write_docs, load_average, report

OVERHEAD = 25.0  # per cent, Segmenter.cut's time over jieba.lcut's


def best_of(repeat: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def fresh_interpreter(code: str, repeat: int) -> float:
    return best_of(repeat, lambda: subprocess.run([sys.executable, "-c", code], check=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--megabytes", type=float, default=5.0)
    add_write_docs(parser, "segment")
    args = parser.parse_args()
    load_before = load_average()

    from miyun_text.corpus import load_corpus
    from miyun_text.segment import Segmenter, import_jieba

    text = load_corpus(ROOT / "data").loc[0, "text"]
    copies = int(args.megabytes * 1e6 // len(text.encode("utf-8"))) + 1
    big = text * copies
    size_mb = len(big.encode("utf-8")) / 1e6
    chars = len(big)
    jieba = import_jieba()
    jieba.setLogLevel(60)  # the benchmark may use jieba's global tokenizer; the package never does
    jieba.initialize()
    seg = Segmenter()
    seg.cut("预热")
    reference = Segmenter(backend="jieba")
    reference.cut("预热")

    t_jieba = best_of(args.repeat, lambda: jieba.lcut(big))
    t_own = best_of(args.repeat, lambda: reference.tokenizer.lcut(big))
    t_ref = best_of(args.repeat, lambda: reference.cut(big))
    t_cut = best_of(args.repeat, lambda: seg.cut(big))
    t_tok = best_of(args.repeat, lambda: seg.tokenize(big))

    def rate(seconds: float) -> str:
        return f"{chars / seconds / 1e6:.3f} Mchar/s"

    def overhead(seconds: float) -> str:
        return f"{100 * (seconds / t_jieba - 1):+.0f} %"

    base = f"`jieba.lcut` {rate(t_jieba)}"
    what = f"bundled report × {copies} ({size_mb:.1f} MB)"
    rows = [
        Row(f"`Segmenter(backend=\"jieba\").cut`, {what}", f"{rate(t_ref)} (time {overhead(t_ref)})", base,
            f"overhead ≤ {OVERHEAD:g} %", 100 * (t_ref / t_jieba - 1) <= OVERHEAD),
        Row(f"`Segmenter().cut`, default backend {seg.backend}", f"{rate(t_cut)} (time {overhead(t_cut)})", base,
            f"overhead ≤ {OVERHEAD:g} %", 100 * (t_cut / t_jieba - 1) <= OVERHEAD),
        Row(f"`Segmenter().tokenize`, default backend {seg.backend}", f"{rate(t_tok)} (time {overhead(t_tok)})",
            base, "none (for reference)"),
        Row("the jieba backend's own `lcut` (policy dictionary, no post-processing)",
            f"{rate(t_own)} (time {overhead(t_own)})", base, "none (for reference)"),
    ]

    cache = Path(tempfile.mkdtemp(prefix="miyun-bench-"))
    Segmenter(cache=cache, backend="jieba").cut("保水")  # cold: builds the merged dictionary and jieba's cache
    import miyun_text.segment as segment_module

    def warm() -> None:
        # the tokenizer loads on first use: construct and cut once
        segment_module._load_tokenizer.cache_clear()
        Segmenter(cache=cache, backend="jieba").cut("保水")

    def jieba_warm() -> None:
        tk = jieba.Tokenizer()
        tk.initialize()

    t_warm = best_of(args.repeat, warm)
    t_jieba_init = best_of(args.repeat, jieba_warm)
    rows.append(Row("`Segmenter(backend=\"jieba\")` and its first cut, warm cache, in this process",
                    f"{t_warm:.3f} s", f"`jieba.Tokenizer().initialize()` {t_jieba_init:.3f} s", "≤ 1 s",
                    t_warm <= 1))

    t_pass = fresh_interpreter("pass", args.repeat)
    t_import = fresh_interpreter("import miyun_text", args.repeat)
    t_pandas = fresh_interpreter("import pandas", args.repeat)
    rows.append(Row("`import miyun_text`, fresh interpreter", f"{t_import:.3f} s (net {t_import - t_pass:.3f} s)",
                    f"`python -c pass` {t_pass:.3f} s; `import pandas` {t_pandas:.3f} s", "≤ 0.3 s",
                    t_import <= 0.3))
    report("segment", rows, load_before=load_before, write=args.write_docs,
           notes=[f"Text: the bundled report × {copies} = {size_mb:.1f} MB, {chars:,} characters. "
                  f"Best of {args.repeat} runs; overhead is the time over `jieba.lcut`'s."])
    return 0


if __name__ == "__main__":
    sys.exit(main())

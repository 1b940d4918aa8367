"""Segmentation throughput, Segmenter construction and import time, beside raw jieba.

Run: ``make benchmark`` (or ``.venv/bin/python benchmarks/bench_segment.py``).
Every figure is printed beside a baseline measured in the same run:

* ``cut`` and ``tokenize`` on the bundled report repeated to at least 5 MB (UTF-8),
  in Mchar/s, beside ``jieba.lcut`` (jieba's global tokenizer, its own dictionary) and
  beside ``lcut`` of the Segmenter's own tokenizer (same dictionary, no post-processing).
  Target: Segmenter.cut overhead over raw jieba at most 25 %.
* constructing a Segmenter with a warm cache (target at most 1 s), beside jieba's
  own first ``initialize()`` from its cache;
* ``import miyun_text`` in a fresh interpreter (target at most 0.3 s), beside
  ``python -c pass``.

Times are the best of ``--repeat`` runs (default 3).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def best_of(repeat: int, func) -> float:
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
    args = parser.parse_args()

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

    rows = []
    t_jieba = best_of(args.repeat, lambda: jieba.lcut(big))
    t_own = best_of(args.repeat, lambda: seg.tokenizer.lcut(big))
    t_cut = best_of(args.repeat, lambda: seg.cut(big))
    t_tok = best_of(args.repeat, lambda: seg.tokenize(big))
    reference = Segmenter(backend="jieba")
    t_ref = best_of(args.repeat, lambda: reference.cut(big))
    rows.append(("jieba.lcut (baseline, global tokenizer)", chars / t_jieba / 1e6, ""))
    rows.append(("Segmenter.tokenizer.lcut (same dictionary)", chars / t_own / 1e6, ""))
    rows.append(("Segmenter(backend='jieba').cut", chars / t_ref / 1e6, ""))
    rows.append((f"Segmenter.cut (backend {seg.backend})", chars / t_cut / 1e6,
                 f"time vs jieba.lcut {100 * (t_cut / t_jieba - 1):+.1f} % (target ≤ +25 %); "
                 f"vs the jieba backend {100 * (t_cut / t_ref - 1):+.1f} %"))
    overhead = 100 * (t_tok / t_jieba - 1)
    rows.append(("Segmenter.tokenize", chars / t_tok / 1e6, f"overhead vs jieba.lcut {overhead:+.1f} %"))
    print(f"text: bundled report × {copies} = {size_mb:.1f} MB, {chars:,} characters; best of {args.repeat}")
    print(f"{'throughput':45s} {'Mchar/s':>8s}")
    for name, rate, note in rows:
        print(f"{name:45s} {rate:8.3f}  {note}")

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
    print()
    print(f"{'construction':45s} {'seconds':>8s}")
    print(f"{'jieba.Tokenizer().initialize() (baseline)':45s} {t_jieba_init:8.3f}")
    print(f"{'Segmenter(backend=jieba) + first cut, warm':45s} {t_warm:8.3f}  in this process (fresh: bench_scale.py)")

    t_pass = fresh_interpreter("pass", args.repeat)
    t_import = fresh_interpreter("import miyun_text", args.repeat)
    t_pandas = fresh_interpreter("import pandas", args.repeat)
    print()
    print(f"{'import (fresh interpreter)':45s} {'seconds':>8s}")
    print(f"{'python -c pass (baseline)':45s} {t_pass:8.3f}")
    print(f"{'import pandas (for scale)':45s} {t_pandas:8.3f}")
    print(f"{'import miyun_text':45s} {t_import:8.3f}  net {t_import - t_pass:.3f} s, target ≤ 0.3 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Start-up time of the command line: ``miyun-text --help`` beside ``python -c pass``.

Run: ``make benchmark`` (or ``.venv/bin/python benchmarks/bench_cli.py``). Each figure is
the best of ``--repeat`` fresh processes (default 5). Target: ``miyun-text --help`` under
0.3 s; it stays there because the command line imports pandas, jieba and matplotlib only
inside a subcommand. ``--write-docs`` writes the table to ``docs/generated/bench_cli.md``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _common import Row, add_write_docs, load_average, report

TARGET = 0.3


def best_of_processes(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per measure (default 5)")
    add_write_docs(parser, "cli")
    args = parser.parse_args()
    load_before = load_average()
    baseline = best_of_processes([sys.executable, "-c", "pass"], args.repeat)
    cli = best_of_processes([sys.executable, "-m", "miyun_text.cli", "--help"], args.repeat)
    sub = best_of_processes([sys.executable, "-m", "miyun_text.cli", "export", "--help"], args.repeat)
    base = f"`python -c pass` {baseline:.3f} s"
    rows = [
        Row("`miyun-text --help`, fresh process", f"{cli:.3f} s", base, f"< {TARGET} s", cli < TARGET),
        Row("`miyun-text export --help`, fresh process", f"{sub:.3f} s", base, "none (for reference)"),
    ]
    report("cli", rows, load_before=load_before, notes=[f"Best of {args.repeat} fresh processes."],
           write=args.write_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

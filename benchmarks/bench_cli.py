"""Start-up time of the command line: ``miyun-text --help`` beside ``python -c pass``.

Run: ``make benchmark`` (or ``.venv/bin/python benchmarks/bench_cli.py``). Each figure is
the best of ``--repeat`` fresh processes (default 5). Target: ``miyun-text --help`` under
0.3 s; it stays there because the command line imports pandas, jieba and matplotlib only
inside a subcommand.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

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
    args = parser.parse_args()
    baseline = best_of_processes([sys.executable, "-c", "pass"], args.repeat)
    cli = best_of_processes([sys.executable, "-m", "miyun_text.cli", "--help"], args.repeat)
    sub = best_of_processes([sys.executable, "-m", "miyun_text.cli", "export", "--help"], args.repeat)
    print(f"{'measure':<32}{'seconds':>9}{'baseline (python -c pass)':>28}  target")
    print(f"{'miyun-text --help':<32}{cli:>9.3f}{baseline:>28.3f}  < {TARGET} s: {'met' if cli < TARGET else 'MISSED'}")
    print(f"{'miyun-text export --help':<32}{sub:>9.3f}{baseline:>28.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

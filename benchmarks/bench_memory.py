"""Peak memory of ``miyun-text add`` and ``miyun-text clean`` on a large report, against its size.

Run: ``.venv/bin/python benchmarks/bench_memory.py`` (``--mb 16 64``: the sizes to try, in MB).
For each size, a text of that many megabytes of UTF-8 is made by repeating the bundled
report's clean text, and in a fresh process each time: ``add`` copies it into an empty
data folder (with ``--large`` above the size limit), then ``clean`` builds
``processed/`` from it, with an empty cache. A process's peak resident memory is read from the kernel
(``ru_maxrss`` of a process that ran only that command). The baseline of each command is
the same command on the bundled report itself (50 kB): the interpreter, pandas and the
dictionaries and converters the command loads whatever the text. Target: the peak above
that baseline at most 6 times the file's size. ``--write-docs`` writes the table to
``docs/generated/bench_memory.md``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, Row, add_write_docs, load_average, report

TARGET = 6.0
HEADER = "report_id,year,region,level,title,delivered_on,session,source_url,raw_sha256,notes\n"


def peak_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory (MiB) of ``command`` run in a fresh process, which must succeed."""
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
             "stderr=subprocess.PIPE); sys.stderr.write(r.stderr.decode()[-2000:]) if r.returncode else None; "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if r.returncode == 0 else -1)")
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, env=env,
                         check=True)
    kb = int(out.stdout.strip())
    if kb < 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out.stderr}")
    return kb / 1024


def _measure(cli: list[str], folder: Path, source: Path, env: dict[str, str]) -> tuple[float, float]:
    """Peak memory of ``add`` (into an empty data folder) and then ``clean``, for one source file."""
    data = folder / f"data_{source.stem}"
    (data / "raw").mkdir(parents=True)
    (data / "reports.csv").write_text(HEADER, encoding="utf-8")
    large = ["--large"] if source.stat().st_size > 20 * 2**20 else []
    add = peak_mb([*cli, "--data", str(data), "add", str(source), "--region", "密云区", "--year", "2025", *large], env)
    clean = peak_mb([*cli, "--data", str(data), "clean"], env)
    return add, clean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[16.0, 64.0], help="text sizes in MB (default 16 64)")
    add_write_docs(parser, "memory")
    args = parser.parse_args()
    load_before = load_average()
    cli = [sys.executable, "-m", "miyun_text.cli"]
    unit = (ROOT / "data" / "processed" / "miyun_2024.txt").read_bytes()
    rows = []
    with tempfile.TemporaryDirectory(prefix="miyun-memory-") as tmp:
        folder = Path(tmp)
        # an empty cache: every clean is the cold one (a cached text would be read, not cleaned)
        env = {**os.environ, "PYTHONHASHSEED": "0", "MIYUN_TEXT_CACHE": str(folder / "cache")}
        one = folder / "report_one.txt"
        one.write_bytes(unit)
        base_add, base_clean = _measure(cli, folder, one, env)
        for mb in args.mb:
            size = int(mb * 1e6)
            source = folder / f"report_{mb:g}mb.txt"
            source.write_bytes((unit * (size // len(unit) + 1))[:size].rsplit(b"\n", 1)[0] + b"\n")
            add, clean = _measure(cli, folder, source, env)
            rows += [("add", source.stat().st_size, add, base_add), ("clean", source.stat().st_size, clean, base_clean)]
    table_rows = []
    for name, size, peak, baseline in rows:
        ratio = (peak - baseline) / (size / 2**20)
        table_rows.append(Row(f"`miyun-text {name}`, {size / 2**20:.1f} MiB text", f"peak {peak:.0f} MiB: "
                              f"{peak - baseline:.0f} MiB above baseline = {ratio:.1f} × the text",
                              f"same command on the bundled report ({len(unit) / 1e3:.0f} kB) "
                              f"{baseline:.0f} MiB", f"≤ {TARGET:g} × the text", ratio <= TARGET))
    report("memory", table_rows, load_before=load_before, write=args.write_docs,
           notes=["Peak resident memory of a fresh process per command (the kernel's `ru_maxrss`); "
                  "`clean` with an empty cache."])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What every benchmark script shares: the machine line, the result table, and writing it for the docs.

Each script measures, then calls :func:`report` with its rows: the Markdown (a line
describing the machine and its load, notes, then one table row per measure: result,
baseline measured in the same run, target and whether it was met) is printed and, with
``--write-docs``, written atomically to ``docs/generated/bench_<name>.md``, which the
documentation pages include. The docs quote no figure that is not in such a file.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "docs" / "generated"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Row:
    """One measure: its result, the baseline from the same run, and its target.

    ``met`` is None for a row without a target (then ``target`` says why, or is empty).
    """

    measure: str
    result: str
    baseline: str = ""
    target: str = ""
    met: bool | None = None

    def cells(self) -> list[str]:
        target = self.target if self.met is None else f"{self.target} ({'met' if self.met else 'missed'})"
        return [self.measure, self.result, self.baseline, target]


def add_write_docs(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--write-docs", action="store_true",
                        help=f"also write the table to {(GENERATED / f'bench_{name}.md').relative_to(ROOT)}")


def machine() -> str:
    """CPU model, cores, memory, operating system and Python of this machine."""
    cpu = platform.processor() or platform.machine() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        import psutil

        memory = f", {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    except ImportError:
        pass
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {system}"


def load_average() -> float:
    """The one-minute load average (0 where the system does not report one)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def machine_line(load_before: float, load_after: float) -> str:
    # the load after a run counts the benchmark's own processes: only the load before says
    # whether other work shared the cores
    busy = load_before > 0.5 * (os.cpu_count() or 1)
    state = "busy before the run: other work shared the cores" if busy else "quiet before the run"
    return (f"Machine: {machine()}. Load average {load_before:.1f} before and {load_after:.1f} after "
            f"({state}).")


def _cell(text: str) -> str:
    # a measure's wording never breaks the table
    return text.replace("|", "\\|").replace("\n", " ")


def table(rows: Iterable[Row]) -> str:
    """The rows as a Markdown table: measure | result | baseline (same run) | target."""
    lines = ["| measure | result | baseline (same run) | target |", "| --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(_cell(c) for c in row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def report(name: str, rows: Sequence[Row], *, load_before: float, notes: Sequence[str] = (),
           write: bool = False, extra: str = "") -> str:
    """Print the machine line, ``notes``, the table of ``rows`` and ``extra`` Markdown; with
    ``write``, also write them to ``docs/generated/bench_<name>.md`` (atomically)."""
    parts = [" ".join([machine_line(load_before, load_average()), *notes]), table(rows)]
    if extra:
        parts.append(extra.strip())
    text = "\n\n".join(parts) + "\n"
    print()
    print(text, end="")
    if write:
        write_generated(f"bench_{name}.md", text)
    return text


def write_generated(filename: str, text: str) -> Path:
    """Write ``text`` to ``docs/generated/<filename>`` atomically and say so."""
    from miyun_text.io import write_text_atomic

    path = write_text_atomic(GENERATED / filename, text)
    print(f"wrote {path.relative_to(ROOT)}")
    return path

"""Every command block of the README, and of the documentation's research-code tour, works as
written, in a fresh clone, after the two set-up commands.

The clone is made with ``git clone`` of this repository (edits not yet committed are
copied over, so a developer tests what they see). It reuses the project's ``.venv`` by a
symlink, so nothing is installed and nothing is fetched; the clone's own package comes
first on ``PYTHONPATH``. Bash blocks run after ``source .venv/bin/activate``, as the README
says; the Python blocks run in order in one fresh interpreter, and a statement whose comment is a Python
literal (``seg.cut(...)  # ['深化', …]``) must give that value. ``~`` is a temporary home
holding ``Downloads/report.pdf`` (a fixture report), so ``miyun-text add ~/Downloads/…``
runs as printed.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

# Blocks that set the machine up rather than use the project, each with why it is not run here.
NOT_RUN = {
    "make report": "the set-up commands themselves: this test runs inside `make test`, after them",
    "conda env create": "the conda route installs from conda-forge over the network; tests/test_environment.py "
                        "checks that environment.yml pins what constraints.txt pins",
}


TOUR = ROOT / "docs" / "pages" / "research-code.md"


def readme_blocks(path: Path = ROOT / "README.md") -> list[tuple[int, str, str]]:
    """(line, language, code) of every fenced bash and python block of the README (or ``path``)."""
    text = path.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group(1), m.group(2))
            for m in re.finditer(r"^```(bash|python)\n(.*?)^```", text, re.S | re.M)]


def _skipped(code: str) -> str | None:
    return next((why for start, why in NOT_RUN.items() if code.lstrip().startswith(start)), None)


def _with_checks(code: str) -> str:
    """The block with each ``statement  # <literal>`` turned into an assertion of that value."""
    lines = code.splitlines()
    for node in reversed(ast.parse(code).body):
        if not isinstance(node, ast.Expr) or node.end_lineno != node.lineno:
            continue
        line = lines[node.lineno - 1]
        expression, _, comment = line.partition("  #")
        try:
            expected = ast.literal_eval(comment.strip())
        except (ValueError, SyntaxError):
            continue
        lines[node.lineno - 1] = f"assert ({expression.strip()}) == {expected!r}, {expression.strip()!r}"
    return "\n".join(lines)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of the project to clone")
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("needs the project's .venv (make setup)")
    folder = tmp_path_factory.mktemp("readme") / "miyun-text"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    changed = subprocess.run(["git", "-C", str(ROOT), "diff", "--name-only", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.split()
    for name in changed:
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, folder / name)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    return folder


@pytest.fixture(scope="module")
def environment(clone, tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    (home / "Downloads").mkdir()
    shutil.copy2(FIXTURES / "extract" / "report.pdf", home / "Downloads" / "report.pdf")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIYUN_TEXT_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), PYTHONPATH=str(clone), PYTHONHASHSEED="0", COLUMNS="100",
               MIYUN_TEXT_CACHE=os.environ.get("MIYUN_TEXT_CACHE", str(ROOT / ".cache")),
               MPLBACKEND="Agg", PATH=os.environ.get("PATH", "/usr/bin:/bin"))
    return env


def test_the_readme_has_the_blocks_this_test_runs():
    blocks = readme_blocks()
    assert len(blocks) >= 5
    skipped = {_skipped(code) for _, _, code in blocks} - {None}
    assert skipped == set(NOT_RUN.values())  # every reason still names a block of the README
    assert any("miyun-text add ~/Downloads/" in code for _, _, code in blocks)


# The Python blocks run one after another in one interpreter, as a reader pasting them into one
# session would: a later block may use what an earlier one defined (``corpus``).
_SESSION = """
import sys, traceback
namespace = {"__name__": "__main__"}
for line, code in BLOCKS:
    try:
        exec(compile(code, f"{NAME} line {line}", "exec"), namespace)
    except BaseException:
        traceback.print_exc()
        sys.exit(f"{NAME} line {line}: this block failed")
"""


# Defined before the README's test on purpose: pytest runs tests in file order, and the tour
# reads the corpus as cloned, before the README's `miyun-text add` puts a second report in it.
def test_the_research_code_tour_runs_as_written(clone, environment):
    blocks = readme_blocks(TOUR)
    python = [(line, _with_checks(code)) for line, language, code in blocks if language == "python"]
    assert len(python) >= 3 and len(python) == len(blocks)
    session = f"BLOCKS = {python!r}\nNAME = 'docs/pages/research-code.md'\n{_SESSION}"
    result = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c", session], cwd=clone, env=environment,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr


def test_every_command_block_works_as_written(clone, environment):
    ran = []
    python = [(line, _with_checks(code)) for line, language, code in readme_blocks()
              if language == "python" and not _skipped(code)]
    session = f"BLOCKS = {python!r}\nNAME = 'README.md'\n{_SESSION}"
    for line, language, code in readme_blocks():
        if _skipped(code) or (language == "python" and line != python[0][0]):
            continue
        if language == "bash":
            command = ["bash", "-e", "-c", "source .venv/bin/activate\n" + code]
        else:
            command = [str(clone / ".venv" / "bin" / "python"), "-c", session]
        result = subprocess.run(command, cwd=clone, env=environment, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"README.md line {line} ({language}):\n{code}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, f"README.md line {line}: {result.stderr}"
        ran.append(line)
    assert len(ran) >= 2 and len(python) >= 2  # the bash blocks, and the Python session once
    assert (clone / "build" / "export" / "codebook.md").exists()
    assert (clone / "build" / "export-parquet" / "reports.parquet").exists()
    assert "miyun_2025" in (clone / "data" / "reports.csv").read_text(encoding="utf-8")


def test_make_lab_runs_jupyter_lab_from_the_virtual_environment(clone):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    result = subprocess.run(["make", "-n", "lab"], cwd=clone, capture_output=True, text=True, check=True)
    assert ".venv/bin/jupyter lab notebooks/" in result.stdout


def test_the_python_checks_are_made():
    checked = _with_checks('seg.cut("保水")            # [\'保水\']\nx = 1  # a note')
    assert checked.splitlines() == ["assert (seg.cut(\"保水\")) == ['保水'], 'seg.cut(\"保水\")'", "x = 1  # a note"]


"""Processed data: deterministic, atomic, Excel-friendly; executed notebooks reused only when nothing changed."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, ROOT

from miyun_text.build import build_processed


def _copy(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    for name in ("reports.csv", "errata.csv"):
        shutil.copy(DATA / name, data / name)
    return data


def test_processed_outputs_are_byte_identical_across_runs(tmp_path):
    data = _copy(tmp_path)
    first = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in build_processed(data).items()}
    second = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in build_processed(data).items()}
    assert first == second
    assert set(first) == {"miyun_2024", "paragraphs", "repairs", "repair_summary"}


def test_processed_files_read_well(tmp_path):
    data = _copy(tmp_path)
    paths = build_processed(data)
    assert paths["repairs"].read_bytes().startswith(b"\xef\xbb\xbf")
    repairs = pd.read_csv(paths["repairs"], encoding="utf-8-sig")
    assert list(repairs.columns) == ["report_id", "raw_offset", "offset", "before", "after", "step", "evidence"]
    summary = pd.read_csv(paths["repair_summary"], encoding="utf-8-sig").set_index("step")
    assert summary.loc["errata", "repairs"] == 23 and summary.loc["unrepaired", "repairs"] == 0
    text = paths["miyun_2024"].read_text(encoding="utf-8")
    assert text.endswith("\n") and "（二）高质量抓好经济" in text
    assert not list((data / "processed").glob(".*.tmp"))


def test_committed_processed_data_is_current(tmp_path):
    """data/processed/ in the repository is what the pipeline builds today."""
    data = _copy(tmp_path)
    for name, path in build_processed(data).items():
        committed = DATA / "processed" / path.name
        assert committed.exists(), name
        assert committed.read_bytes() == path.read_bytes(), name


# --- reusing executed notebooks: a fake papermill, so no kernel starts -------------------------------------

def _project(tmp_path):
    """A project folder: two notebooks with a parameters cell, a data folder, a copy of the package."""
    import nbformat

    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    for stem in ("01_first", "02_second"):
        notebook = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell('figures_dir = "../figures"\nreport_ids = None')
        cell.metadata["tags"] = ["parameters"]
        notebook.cells = [nbformat.v4.new_markdown_cell(f"# {stem}"), cell, nbformat.v4.new_code_cell("x = 1")]
        nbformat.write(notebook, root / "notebooks" / f"{stem}.ipynb")
    data = root / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "a_2024.txt").write_bytes("保水护水。\n".encode())
    (data / "reports.csv").write_bytes(b"report_id,year\na_2024,2024\n")
    (data / "errata.csv").write_bytes(b"report_id,offset\n")
    shutil.copytree(ROOT / "miyun_text", root / "package", ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.fixture()
def fake_kernels(tmp_path, monkeypatch):
    """render_notebooks on a small project with papermill and the site replaced: returns (root, render, runs)."""
    import os

    import nbformat
    import papermill

    from miyun_text import build

    root = _project(tmp_path)
    runs: list[str] = []

    def execute_notebook(input_path, output_path, parameters, cwd, **_):
        stem = Path(input_path).stem
        runs.append(stem)
        notebook = nbformat.read(input_path, as_version=4)
        nbformat.write(notebook, output_path)
        figures = Path(cwd) / parameters.get("figures_dir", "../figures")
        figures.mkdir(parents=True, exist_ok=True)
        (figures / f"{stem}.png").write_bytes(f"figure of {stem}".encode())
        tables = Path(os.environ["MIYUN_TEXT_TABLES"])
        tables.mkdir(parents=True, exist_ok=True)
        (tables / f"{stem}.csv").write_bytes(f"table of {stem}".encode())

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    monkeypatch.setattr(build, "write_site", lambda executed, *a, **k: [p for p, _ in executed])
    monkeypatch.setattr(build, "notebook_pages", lambda *a, **k: ("", ""))
    monkeypatch.setattr(build, "PACKAGE_DIR", root / "package")
    monkeypatch.delenv("MIYUN_TEXT_DATA", raising=False)

    def render(**kwargs):
        runs.clear()
        build.render_notebooks(sorted((root / "notebooks").glob("*.ipynb")), html_dir=root / "build" / "html",
                               executed_dir=root / "build" / "executed", **kwargs)
        return sorted(runs)

    return root, render


def test_unchanged_notebooks_are_reused_and_say_so(fake_kernels, capsys):
    import nbformat

    root, render = fake_kernels
    assert render() == ["01_first", "02_second"]
    assert "01_first.ipynb: executed in" in capsys.readouterr().err
    record = nbformat.read(root / "build" / "executed" / "02_second.ipynb", as_version=4).metadata["miyun_text"]
    assert len(record["execution_key"]) == 64
    assert record["outputs"] == {
        "../build/html/tables/02_second.csv": hashlib.sha256(b"table of 02_second").hexdigest(),
        "../figures/02_second.png": hashlib.sha256(b"figure of 02_second").hexdigest(),
    }
    assert render() == []  # no kernel started
    err = capsys.readouterr().err
    assert "01_first.ipynb: unchanged, reused" in err and "02_second.ipynb: unchanged, reused" in err
    assert render(force=True) == ["01_first", "02_second"]
    assert capsys.readouterr().err.count("executed in") == 2
    assert render(progress=False) == [] and capsys.readouterr().err == ""


@pytest.mark.parametrize("change, expected", [
    ("notebook", ["02_second"]),
    ("raw file", ["01_first", "02_second"]),
    ("new raw file", ["01_first", "02_second"]),
    ("manifest", ["01_first", "02_second"]),
    ("errata", ["01_first", "02_second"]),
    ("package module", ["01_first", "02_second"]),
    ("package resource", ["01_first", "02_second"]),
    ("figure deleted", ["01_first"]),
    ("figure edited", ["02_second"]),
    ("table edited", ["01_first"]),
    ("setting", ["01_first", "02_second"]),
    ("distributions", ["01_first", "02_second"]),
])
def test_what_decides_a_notebook_causes_it_to_run_again(fake_kernels, monkeypatch, change, expected):
    import nbformat

    from miyun_text import build

    root, render = fake_kernels
    render()
    data, package = root / "data", root / "package"
    if change == "notebook":
        notebook = nbformat.read(root / "notebooks" / "02_second.ipynb", as_version=4)
        notebook.cells[2].source = "x = 2"
        nbformat.write(notebook, root / "notebooks" / "02_second.ipynb")
    elif change == "raw file":
        (data / "raw" / "a_2024.txt").write_bytes("保水护水，治水。\n".encode())
    elif change == "new raw file":
        (data / "raw" / "b_2024.txt").write_bytes("兴水。\n".encode())
    elif change == "manifest":
        (data / "reports.csv").write_bytes(b"report_id,year\na_2024,2023\n")
    elif change == "errata":
        (data / "errata.csv").write_bytes(b"report_id,offset\na_2024,3\n")
    elif change == "package module":
        with (package / "themes.py").open("a", encoding="utf-8") as handle:
            handle.write("\n# another line\n")
    elif change == "package resource":
        with (package / "resources" / "themes.yaml").open("a", encoding="utf-8") as handle:
            handle.write("\n")
    elif change == "figure deleted":
        (root / "figures" / "01_first.png").unlink()
    elif change == "figure edited":
        (root / "figures" / "02_second.png").write_bytes(b"edited")
    elif change == "table edited":
        (root / "build" / "html" / "tables" / "01_first.csv").write_bytes(b"edited")
    elif change == "setting":
        monkeypatch.setenv("MIYUN_TEXT_WORKERS", "1")
    elif change == "distributions":
        monkeypatch.setattr(build, "installed_distributions", lambda: ("pandas==0.0",))
    assert render() == expected
    assert render() == []


def test_parameters_and_the_data_folder_they_name_decide_too(fake_kernels, tmp_path):
    root, render = fake_kernels
    render()
    assert render(parameters={"top_k": 5}) == ["01_first", "02_second"]
    assert render(parameters={"top_k": 5}) == []
    other = tmp_path / "other_data"
    shutil.copytree(root / "data", other)
    params = {"top_k": 5, "data_dir": str(other)}
    assert render(parameters=params) == ["01_first", "02_second"]
    assert render(parameters=params) == []
    (other / "raw" / "a_2024.txt").write_bytes(b"\xe5\x85\xb4")
    assert render(parameters=params) == ["01_first", "02_second"]
    # figures written where the parameter says are the ones checked
    params["figures_dir"] = tmp_path / "figs"
    assert render(parameters=params) == ["01_first", "02_second"]
    (tmp_path / "figs" / "01_first.png").unlink()
    assert render(parameters=params) == ["01_first"]


def test_a_damaged_executed_copy_is_executed_again(fake_kernels):
    root, render = fake_kernels
    render()
    (root / "build" / "executed" / "01_first.ipynb").write_bytes(b"{not json")
    assert render() == ["01_first"]


def test_render_command_passes_force_and_quiet(fake_kernels, monkeypatch, capsys):
    from miyun_text.cli import main

    root, render = fake_kernels
    render()
    notebooks = [str(p) for p in sorted((root / "notebooks").glob("*.ipynb"))]
    html = str(root / "build" / "html")
    monkeypatch.chdir(root)  # the executed copies go to build/executed, as render() puts them
    capsys.readouterr()
    assert main(["render", *notebooks, "--html", html]) == 0
    assert capsys.readouterr().err.count("unchanged, reused") == 2
    executed = root / "build" / "executed" / "01_first.ipynb"
    before = executed.stat().st_ino, executed.stat().st_mtime_ns
    assert main(["render", *notebooks, "--html", html, "--force", "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert (executed.stat().st_ino, executed.stat().st_mtime_ns) != before  # executed again
    assert main(["render", *notebooks, "--html", html]) == 0
    assert capsys.readouterr().err.count("unchanged, reused") == 2

"""Notebooks: committed clean, thin, parameterised; they execute and render to HTML."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import ROOT

from miyun_text.build import notebook_paths, render_notebooks

NOTEBOOKS = notebook_paths(ROOT / "notebooks")


def test_four_numbered_notebooks():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_and_english_summary(path):
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert "figures_dir" in code[0].source and "report_ids" in code[0].source
    assert "**English summary.**" in notebook.cells[0].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_stay_thin(path):
    """Logic lives in the package: no function or class definitions, short cells."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class) ", cell.source, re.M), path.name
            assert len(cell.source.splitlines()) <= 16, path.name


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("render")
    figures = out / "figures"
    paths = render_notebooks(NOTEBOOKS, html_dir=out / "html", executed_dir=out / "executed",
                             parameters={"figures_dir": str(figures)}, progress=False)
    return out, paths


def test_every_notebook_executes_and_renders(rendered):
    out, paths = rendered
    names = {p.name for p in paths}
    for nb in NOTEBOOKS:
        assert f"{nb.stem}.html" in names and f"{nb.stem}.report.html" in names
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert all(f"{nb.stem}.report.html" in index for nb in NOTEBOOKS)


def test_html_has_no_errors_and_embeds_images(rendered):
    out, _ = rendered
    for nb in NOTEBOOKS:
        executed = nbformat.read(out / "executed" / nb.name, as_version=4)
        for cell in executed.cells:
            for output in cell.get("outputs", []):
                assert output.output_type != "error", nb.name
                assert not (output.output_type == "stream" and output.name == "stderr"), (nb.name, output.text)
        html = (out / "html" / f"{nb.stem}.report.html").read_text(encoding="utf-8")
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html
        assert "Traceback" not in html
        if nb.name != "01_corpus_and_cleaning.ipynb":
            assert html.count('src="data:image/png;base64,') >= 2, nb.name
        full = (out / "html" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert "load_corpus" in full and "load_corpus" not in html  # code hidden in the report variant


def test_figures_written_where_the_parameter_says(rendered):
    out, _ = rendered
    assert {p.name for p in (out / "figures").iterdir()} >= {"themes_by_section.png", "wordcloud.png"}


def test_failing_cell_names_notebook_and_cell(tmp_path):
    from miyun_text.errors import NotebookExecutionError

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "09_broken.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(NotebookExecutionError, match=r"09_broken\.ipynb: cell 1 .*ZeroDivisionError"):
        render_notebooks([path], html_dir=tmp_path / "html", executed_dir=tmp_path / "ex", progress=False)

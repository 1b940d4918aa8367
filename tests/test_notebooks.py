"""Notebooks: committed clean, thin, parameterised; they execute and render to HTML."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest
from conftest import ROOT

from miyun_text import plots
from miyun_text.build import notebook_paths, render_notebooks

NOTEBOOKS = notebook_paths(ROOT / "notebooks")


def test_five_numbered_notebooks():
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_"]


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
                             # the provincial part of notebook 05 costs half a minute; its calls are tested on their own
                             parameters={"figures_dir": str(figures), "provinces_dir": None}, progress=False)
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
            # notebook 05 draws reuse between reports: with one report, only the formula figure
            least = 1 if nb.name == "05_text_reuse.ipynb" else 2
            assert html.count('src="data:image/png;base64,') >= least, nb.name
        full = (out / "html" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert "open_corpus" in full and "open_corpus" not in html  # code hidden in the report variant


def test_notebooks_show_the_figure_files_without_drawing_them_again(rendered):
    """Each figure a notebook shows is the PNG it wrote (at screen size), once, after the cell's other outputs."""
    import base64

    out, _ = rendered
    written = {plots.screen_png(p.read_bytes(), 100 / 150) for p in (out / "figures").glob("*.png")}
    shown = []
    for nb in NOTEBOOKS:
        for cell in nbformat.read(out / "executed" / nb.name, as_version=4).cells:
            kinds = [o.output_type for o in cell.get("outputs", [])]
            images = [base64.b64decode(o.data["image/png"]) for o in cell.get("outputs", [])
                      if "image/png" in o.get("data", {})]
            if images and "execute_result" in kinds:
                assert kinds.index("execute_result") < kinds.index("display_data"), nb.name
            shown += images
    assert len(shown) >= 8 and len(set(shown)) == len(shown)
    assert set(shown) <= written


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


def _pages(out):
    return sorted((out / "html").glob("*.html"))


def test_every_page_is_self_contained_chinese_and_small(rendered):
    import base64
    import html as html_module
    import io

    from fontTools.ttLib import TTFont

    from miyun_text.site import MAX_PAGE_BYTES, external_references

    out, _ = rendered
    bundled = TTFont(plots.font_path(), lazy=True).getBestCmap()
    pages = _pages(out)
    assert {p.name for p in pages} >= {"index.html", "explorer.html"} | {f"{nb.stem}.report.html" for nb in NOTEBOOKS}
    for path in pages:
        page = path.read_text(encoding="utf-8")
        assert external_references(page) == [], path.name
        assert 'lang="zh-CN"' in page.split(">", 2)[1] + page[:400], path.name
        assert not re.search(r"require\.min\.js|MathJax\.js|mermaid\.esm|cdn\.jsdelivr|cdnjs", page), path.name
        assert path.stat().st_size < MAX_PAGE_BYTES, path.name
        assert not re.search(r'<img[^>]+src="(?!data:)', page), path.name  # figures embedded
        fonts = re.findall(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)", page)
        # the explorer also carries the whole bundled font, for characters a reader types
        assert len(fonts) == (2 if path.name == "explorer.html" else 1), path.name
        cmap = TTFont(io.BytesIO(base64.b64decode(fonts[0]))).getBestCmap()
        text = html_module.unescape(re.sub(r"<[^>]+>", "", re.sub(r"data:[^\"')\s]+", "", page)))
        han = {c for c in text if "\u4e00" <= c <= "\u9fff"}
        # every character the page shows, 閥 quoted in notebook 01's errata evidence included
        assert han and not [c for c in han if ord(c) not in cmap], path.name
        assert len(cmap) < 4000, path.name  # a subset, not the whole font
        if path.name == "explorer.html":
            assert TTFont(io.BytesIO(base64.b64decode(fonts[1]))).getBestCmap().keys() == bundled.keys()
        if path.name.startswith("01_"):
            assert "閥" in han


def _nav_links(page: str) -> dict[str, str]:
    """rel (or the link text) -> href of the links in a page's navigation header."""
    nav = re.search(r"<nav[^>]*miyun-nav[^>]*>.*?</nav>", page, re.S).group(0)
    links = {}
    for attributes, text in re.findall(r"<a ([^>]*)>(.*?)</a>", nav):
        fields = dict(re.findall(r'([\w-]+)="([^"]*)"', attributes))
        links[fields.get("rel", text)] = fields["href"]
    return links


def test_pages_have_navigation_to_index_previous_and_next(rendered):
    out, _ = rendered
    reports = [f"{nb.stem}.report.html" for nb in NOTEBOOKS] + ["explorer.html"]
    for k, name in enumerate(reports):
        links = _nav_links((out / "html" / name).read_text(encoding="utf-8"))
        assert links["index"] == "index.html", name
        assert links["prev"] == (reports[k - 1] if k else "index.html"), name
        assert links.get("next") == (reports[k + 1] if k + 1 < len(reports) else None), name
        for href in links.values():
            assert (out / "html" / href).exists(), (name, href)
    links = _nav_links((out / "html" / f"{NOTEBOOKS[1].stem}.html").read_text(encoding="utf-8"))
    assert links["prev"] == f"{NOTEBOOKS[0].stem}.html" and links["next"] == f"{NOTEBOOKS[2].stem}.html"
    assert f"{NOTEBOOKS[1].stem}.report.html" in links.values()
    assert _nav_links((out / "html" / "index.html").read_text(encoding="utf-8"))["next"] == reports[0]


def test_index_shows_corpus_analyses_date_and_version(rendered):
    import miyun_text

    out, _ = rendered
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert "密云区" in index and "2024" in index and "miyun_2024" in index
    assert re.search(r"<td class=num>7,484</td><td class=num>24</td><td class=num>0</td>", index)  # repairs
    assert re.search(r"构建日期 built \d{4}-\d{2}-\d{2}", index) and f"miyun-text {miyun_text.__version__}" in index
    for nb in NOTEBOOKS:
        assert f'href="{nb.stem}.report.html"' in index and f'href="{nb.stem}.html"' in index
    # every analysis shows its first figure, described by the figure's own alt text
    assert index.count('<img src="data:image/png;base64,') == len(NOTEBOOKS) and 'class="nothumb"' not in index
    assert 'alt="文本修复：每一步修复的次数。条形图' in index
    assert "This notebook loads the reports" in index  # one-line description
    assert 'href="explorer.html"' in index


def test_pages_render_without_a_chinese_system_font(rendered):
    """Chromium draws the page's Chinese with the embedded font (skips without a browser)."""
    import shutil

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no Chromium here (install Debian's chromium: apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    out, _ = rendered
    with sync_playwright() as p:
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
        browser = p.chromium.launch(executable_path=chromium, args=flags)
        page = browser.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((out / "html" / f"{NOTEBOOKS[1].stem}.report.html").as_uri())
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.fonts.check('16px \"Miyun Noto Sans CJK SC\"', '主题频率')")
        used = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
        assert used.startswith('"Miyun Noto Sans CJK SC"')
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        browser.close()


def test_shortened_tables_say_so_and_link_the_full_csv(rendered):
    out, _ = rendered
    linked = set()
    for nb in NOTEBOOKS:
        page = (out / "html" / f"{nb.stem}.report.html").read_text(encoding="utf-8")
        assert "&lt;NA&gt;" not in page and ">NaN<" not in page and ">nan<" not in page, nb.name
        linked |= set(re.findall(r'href="(tables/[^"]+\.csv)"', page))
        for shown, total in re.findall(r"showing (\d+) of (\d+) rows", page):
            assert int(shown) < int(total)
    assert len(linked) >= 10
    for href in linked:
        data = (out / "html" / href).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), href
    quoted = pd.read_csv(out / "html" / "tables" / "quoted_terms.csv", encoding="utf-8-sig")
    page = (out / "html" / "03_policy_vocabulary.report.html").read_text(encoding="utf-8")
    assert f"showing 30 of {len(quoted)} rows" in page


def test_every_figure_has_alt_text_written_from_its_data(rendered):
    out, _ = rendered
    for nb in NOTEBOOKS:
        page = (out / "html" / f"{nb.stem}.report.html").read_text(encoding="utf-8")
        images = re.findall(r"<img\b[^>]*>", page)
        assert images, nb.name
        for image in images:
            alt = re.search(r'alt="([^"]*)"', image)
            assert alt and "No description" not in alt.group(1) and "数据来源" in alt.group(1), (nb.name, image[-300:])
    vocabulary = (out / "html" / "03_policy_vocabulary.report.html").read_text(encoding="utf-8")
    assert "最大的：两山 5、" in vocabulary
    assert (out / "figures" / "policy_vocabulary.alt.txt").read_text(encoding="utf-8").startswith(
        "引号中的政策话语（出现次数）；共131个引号词语，显示前25个")

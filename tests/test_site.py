"""Site building blocks: the embedded font subset, outside references, navigation, page limits."""

from __future__ import annotations

import io

import pytest
from fontTools.ttLib import TTFont

from miyun_text import site
from miyun_text.errors import MiyunTextError


def test_font_subset_is_woff2_holds_the_characters_and_is_deterministic():
    chars = site.page_characters("<p>密云水库守护全面提质，保水护水。</p>")
    data = site.subset_font(chars)
    site.subset_font.cache_clear()
    assert site.subset_font(chars) == data
    font = TTFont(io.BytesIO(data))
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in "密云水库守护全面提质保水护，。ABC123")
    assert ord("京") not in cmap  # only what the page uses
    assert "SIL Open Font License" in font["name"].getDebugName(13)  # the licence notice travels with the font


@pytest.mark.parametrize("snippet", [
    '<script src="https://cdn.jsdelivr.net/npm/mermaid.esm.min.mjs"></script>',
    '<script type="text/javascript" src="//cdnjs.cloudflare.com/require.min.js"></script>',
    '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Noto">',
    "<style>@import url('https://example.org/a.css');</style>",
    "<style>@font-face{src:url(https://example.org/font.woff2)}</style>",
    '<img src="http://example.org/figure.png">',
])
def test_outside_references_are_found(snippet):
    assert site.external_references(f"<html><head>{snippet}</head></html>")


def test_links_and_embedded_data_are_not_outside_references():
    page = ('<a href="https://www.gov.cn/">source</a><img src="data:image/png;base64,AAAA">'
            "<style>@font-face{src:url(data:font/woff2;base64,AAAA)}</style><script>var x = 1;</script>")
    assert site.external_references(page) == []


def test_navigation_marks_missing_neighbours_and_escapes_titles():
    nav = site.navigation(site.Page("index.html", "目录"), None, site.Page("b.html", "<甲>"),
                          extra=[("a.html", "含代码 with code")])
    assert 'rel="prev"' not in nav and "miyun-nav-off" in nav
    assert "&lt;甲&gt;" in nav and 'href="a.html"' in nav


def test_pages_that_would_fetch_are_too_big_or_lack_the_policy_are_refused(tmp_path):
    from miyun_text.escape import csp_meta

    head = f"<head>{csp_meta()}</head>"
    with pytest.raises(MiyunTextError, match="self-contained"):
        site._finish(head + '<script src="https://cdn.example/x.js"></script>', tmp_path / "a.html")
    with pytest.raises(MiyunTextError, match=r"over the 4\.2 MB limit"):
        site._finish(head + "<p>" + "x" * site.MAX_PAGE_BYTES + "</p>", tmp_path / "b.html")
    with pytest.raises(MiyunTextError, match="Content-Security-Policy"):
        site._finish("<head></head><p>保水</p>", tmp_path / "c.html")
    assert not list(tmp_path.iterdir())


def test_build_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704326400")
    assert site.build_date() == "2024-01-04"


def _executed_notebook(text: str, started: str = "2024-01-04T08:00:00"):
    """A small executed notebook: a heading, a code cell with a figure and a printed line, papermill's timings."""
    import base64

    import nbformat
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), "#1F4E79").save(buffer, format="PNG")
    cell = nbformat.v4.new_code_cell("print('保水')", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="保水\n"),
                    nbformat.v4.new_output("display_data", data={
                        "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": "<Figure>"}),
                    nbformat.v4.new_output("execute_result", execution_count=1, data={
                        "text/html": "<table><tr><td>保水</td></tr></table>",
                        "text/plain": f"<Styler at 0x7f{started[:4]}>"})]
    cell.metadata["papermill"] = {"start_time": started, "duration": 0.5}
    heading = nbformat.v4.new_markdown_cell(f"# {text}\n\n密云水库。")
    heading.id, cell.id = "heading", "figure"  # as in a saved notebook (new cells get random ids)
    notebook = nbformat.v4.new_notebook(cells=[heading, cell])
    notebook.metadata["papermill"] = {"start_time": started, "duration": 1.5}
    return notebook


@pytest.fixture()
def counted_renders(tmp_path, monkeypatch):
    """The pages cache in a fresh folder, and a count of nbconvert renders."""
    renders = []
    render = site.render_notebook_page

    def counting(*args, **kwargs):
        renders.append(args[1])
        return render(*args, **kwargs)

    monkeypatch.setattr(site, "render_notebook_page", counting)
    monkeypatch.setattr(site, "_pages_cache", lambda: tmp_path / "pages")
    return renders


def test_notebook_pages_are_cached_and_byte_identical_to_a_fresh_render(tmp_path, monkeypatch, counted_renders):
    nav = ('<nav class="miyun-nav">甲</nav>', '<nav class="miyun-nav">乙</nav>')
    first = site.notebook_pages(_executed_notebook("保水"), "保水", *nav)
    assert len(counted_renders) == 2 and "@font-face" in first[0] and "hl-ipython3" in first[1]
    assert "hl-ipython3" not in first[0]
    # run again (new timings and memory addresses), nothing shown changed: the same bytes, without nbconvert
    again = site.notebook_pages(_executed_notebook("保水", started="2025-02-02T09:00:00"), "保水", *nav)
    assert again == first and len(counted_renders) == 2
    # an empty cache renders the same bytes
    monkeypatch.setattr(site, "_pages_cache", lambda: tmp_path / "empty")
    assert site.notebook_pages(_executed_notebook("保水"), "保水", *nav) == first and len(counted_renders) == 4
    # what the page shows, its title or its header changed: rendered again
    changed = site.notebook_pages(_executed_notebook("治水"), "保水", *nav)
    assert len(counted_renders) == 6 and "治水" in changed[0] and changed != first
    site.notebook_pages(_executed_notebook("保水"), "保水", nav[0], '<nav class="miyun-nav">丙</nav>')
    site.notebook_pages(_executed_notebook("保水"), "护水", *nav)
    assert len(counted_renders) == 10


def test_site_from_cached_pages_equals_a_fresh_site_and_the_index_date_stays_right(tmp_path, monkeypatch,
                                                                                  counted_renders):
    from conftest import DATA

    notebooks = [(tmp_path / "01_a.ipynb", _executed_notebook("保水")),
                 (tmp_path / "02_b.ipynb", _executed_notebook("治水"))]

    def build(folder, epoch):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        paths = site.write_site(notebooks, tmp_path / folder, DATA, explorer=False)
        return {p.name: p.read_bytes() for p in paths}

    fresh = build("fresh", "1704326400")
    assert len(counted_renders) == 4
    warm = build("warm", "1735776000")
    assert len(counted_renders) == 4  # every notebook page from the cache
    assert set(warm) == set(fresh) == {"01_a.report.html", "01_a.html", "02_b.report.html", "02_b.html", "index.html"}
    assert all(warm[name] == fresh[name] for name in warm if name != "index.html")
    assert "构建日期 built 2024-01-04".encode() in fresh["index.html"]
    assert "构建日期 built 2025-01-02".encode() in warm["index.html"]


def test_the_pages_cache_keeps_the_most_recently_used(tmp_path, monkeypatch, counted_renders):
    monkeypatch.setattr(site, "PAGES_KEPT", 4)
    nav = ("<nav></nav>", "<nav></nav>")
    first = site.notebook_pages(_executed_notebook("保水"), "保水", *nav)
    site.notebook_pages(_executed_notebook("治水"), "治水", *nav)
    site.notebook_pages(_executed_notebook("保水"), "保水", *nav)  # used again: newest
    site.notebook_pages(_executed_notebook("兴水"), "兴水", *nav)
    assert len(list((tmp_path / "pages").iterdir())) == 4 and len(counted_renders) == 6
    assert site.notebook_pages(_executed_notebook("保水"), "保水", *nav) == first and len(counted_renders) == 6
    site.notebook_pages(_executed_notebook("治水"), "治水", *nav)
    assert len(counted_renders) == 8  # the least recently used pair was removed


def test_a_figures_alt_text_is_data_on_the_page(tmp_path):
    """Alt text comes from the data (a title, terms): quotes and markup in it stay text in the attribute."""
    import base64

    from nbformat.v4 import new_code_cell, new_notebook, new_output

    alt = '保水 "><script>alert(1)</script> & 两山'
    png = base64.b64encode(_tiny_png()).decode("ascii")
    cell = new_code_cell("fig", outputs=[new_output("display_data", data={"image/png": png},
                                                    metadata={"image/png": {"alt": alt}})])
    page = site.render_notebook_page(new_notebook(cells=[cell]), "图", "<nav></nav>", with_code=False)
    from html.parser import HTMLParser

    found: list[dict] = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("img", "script"):
                found.append({"tag": tag, **dict(attrs)})

    Images().feed(page)
    images = [f for f in found if f["tag"] == "img"]
    assert [i["alt"] for i in images] == [alt]  # the very text, read back as an attribute value
    assert not [f for f in found if f["tag"] == "script"] and "<script>alert" not in page
    assert "No description has been provided" not in page


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()

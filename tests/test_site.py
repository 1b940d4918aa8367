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


def test_pages_that_would_fetch_or_are_too_big_are_refused(tmp_path):
    with pytest.raises(MiyunTextError, match="self-contained"):
        site._finish('<script src="https://cdn.example/x.js"></script>', tmp_path / "a.html")
    with pytest.raises(MiyunTextError, match=r"over the 4\.2 MB limit"):
        site._finish("<p>" + "x" * site.MAX_PAGE_BYTES + "</p>", tmp_path / "b.html")
    assert not list(tmp_path.iterdir())


def test_build_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704326400")
    assert site.build_date() == "2024-01-04"

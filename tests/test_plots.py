"""Figures: bundled font covers the corpus, figures are labelled and byte-for-byte reproducible."""

from __future__ import annotations

import hashlib

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from fontTools.ttLib import TTFont

from miyun_text import plots
from miyun_text.build import make_figures

EXPECTED = {
    "themes_by_section.png", "themes_review_vs_plan.png", "keywords_by_section.png", "policy_vocabulary.png",
    "results_vs_targets.png", "distinctive_terms_miyun_2024.png", "rhetoric_markers.png", "wordcloud.png",
}


def test_font_is_bundled_small_and_licensed():
    path = plots.font_path()
    assert path.stat().st_size < 6 * 1024 * 1024
    assert (path.parent / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") >= 1


def test_font_has_a_glyph_for_every_corpus_character_and_gb2312(text):
    cmap = TTFont(plots.font_path(), lazy=True).getBestCmap()
    missing = sorted({c for c in text if c != "\n" and ord(c) not in cmap})
    assert missing == []
    gb2312 = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                gb2312.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    assert len(gb2312) > 6700
    assert [c for c in gb2312 if ord(c) not in cmap] == []


@pytest.fixture(scope="module")
def figures_twice(tmp_path_factory):
    first = tmp_path_factory.mktemp("figs1")
    second = tmp_path_factory.mktemp("figs2")
    make_figures(folder=first)
    make_figures(folder=second)
    return first, second


def test_figures_are_byte_identical_across_runs(figures_twice):
    first, second = figures_twice
    names = {p.name for p in first.iterdir()}
    assert names == EXPECTED
    for name in names:
        assert hashlib.sha256((first / name).read_bytes()).hexdigest() == \
            hashlib.sha256((second / name).read_bytes()).hexdigest(), name


def test_png_has_no_timestamp_or_version_metadata(figures_twice):
    data = (figures_twice[0] / "wordcloud.png").read_bytes()
    assert b"Software" not in data and b"matplotlib" not in data


def test_figures_have_titles_units_and_source(body):
    from miyun_text.rhetoric import review_vs_plan
    from miyun_text.themes import theme_frequencies

    fig = plots.theme_profile(theme_frequencies(body, by="part_kind"))
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert any("数据来源：" in t for t in texts)
    assert "per 10,000" in fig.axes[0].get_xlabel()
    assert fig.axes[0].get_title().startswith("主题侧重")
    plt.close(fig)
    fig = plots.distinctive_terms(review_vs_plan(body))
    assert "within one report" in fig.axes[0].get_title()
    plt.close(fig)


def test_plotting_leaves_rcparams_alone():
    before = dict(matplotlib.rcParams)
    fig = plots.vocabulary_bars(pd.DataFrame({"term": ["两山"], "count": [5], "kind": ["slogan"]}))
    plt.close(fig)
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


def test_text_uses_the_bundled_font():
    fig = plots.vocabulary_bars(pd.DataFrame({"term": ["两山"], "count": [5], "kind": ["slogan"]}))
    names = {t.get_fontname() for t in fig.findobj(matplotlib.text.Text) if t.get_text()}
    assert names == {"Noto Sans CJK SC"}
    plt.close(fig)


def test_committed_figures_are_what_the_code_builds(figures_twice):
    """figures/ in the repository (written by the notebooks) matches make_figures, byte for byte."""
    from conftest import ROOT

    for path in sorted(figures_twice[0].iterdir()):
        committed = ROOT / "figures" / path.name
        assert committed.exists(), path.name
        assert committed.read_bytes() == path.read_bytes(), path.name

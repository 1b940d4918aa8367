"""Figures: bundled font covers the corpus, figures are labelled and byte-for-byte reproducible."""

from __future__ import annotations

import hashlib
import io

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from fontTools.ttLib import TTFont
from PIL import ImageChops

from miyun_text import plots
from miyun_text.build import make_figures

FIGURES = {
    "repairs_by_step", "themes_by_section", "themes_review_vs_plan", "keywords_by_section", "policy_vocabulary",
    "results_vs_targets", "distinctive_terms_miyun_2024", "rhetoric_markers", "wordcloud", "formula_spread",
}
EXPECTED = {f"{name}.{fmt}" for name in FIGURES for fmt in ("png", "svg", "alt.txt")}


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


def test_svg_beside_png_has_no_date_and_embeds_no_font_file(figures_twice):
    svg = (figures_twice[0] / "policy_vocabulary.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<dc:date>" not in svg and "<dc:creator>" not in svg.split("</metadata>")[0]
    assert "@font-face" not in svg  # text is drawn as paths: prints the same without the font


def test_distinctive_terms_mark_significance_and_name_the_report(body):
    from miyun_text.rhetoric import review_vs_plan

    fig = plots.distinctive_terms(review_vs_plan(body), names={"miyun_2024": "密云区 2024"})
    ax = fig.axes[0]
    verticals = sorted({round(float(line.get_xdata()[0]), 2) for line in ax.lines})
    assert verticals == [-1.96, 0.0, 1.96]
    assert "miyun_2024" not in ax.get_title() and "密云区 2024" in ax.get_title()
    assert any("1.96" in t.get_text() for t in ax.texts)
    plt.close(fig)
    fig = plots.distinctive_terms(review_vs_plan(body, method="g2"))
    assert sorted({round(float(line.get_xdata()[0]), 2) for line in fig.axes[0].lines}) == [-3.84, 0.0, 3.84]
    plt.close(fig)


def test_tied_counts_become_a_dot_plot_with_each_count_printed(body):
    from miyun_text.vocabulary import quoted_terms

    quoted = quoted_terms(body)
    fig = plots.vocabulary_bars(quoted, top_k=25)
    ax = fig.axes[0]
    assert len(ax.patches) == 0  # dots, not bars
    assert [int(t.get_text()) for t in ax.texts] == quoted["count"].head(25).tolist()
    assert f"共{len(quoted)}个引号词语，显示前25个" in ax.get_title()
    plt.close(fig)


def test_word_cloud_palette_is_readable_on_white_and_labelled_an_illustration():
    import numpy as np

    assert all(plots.contrast_ratio(c) >= 4.5 for c in plots.WORD_CLOUD_COLORS)
    assert plots.contrast_ratio("#777777") < 4.5  # the check can fail
    fig = plots.word_cloud({"保水": 10.0, "密云水库": 8.0, "乡村振兴": 5.0, "接诉即办": 3.0}, width=400, height=240)
    assert "示意图" in fig.axes[0].get_title()
    assert any("illustration" in t.get_text() for t in fig.texts)
    pixels = fig.axes[0].images[0].get_array().reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    solid = {"#{:02X}{:02X}{:02X}".format(*(int(v) for v in c)) for c, n in zip(colours, counts, strict=True)
             if n > 200 and tuple(c) != (255, 255, 255)}
    assert solid and solid <= set(plots.WORD_CLOUD_COLORS)
    plt.close(fig)


def test_heatmap_writes_zeros_and_growth_legend_covers_no_bar():
    tf = pd.DataFrame({"group": ["甲区 2024", "甲区 2024", "乙县 2024", "乙县 2024"],
                       "theme_name": ["生态环境", "文化旅游"] * 2, "per_10k": [120.0, 0.0, 35.0, 60.0]})
    heat = plots.theme_heatmap(tf)
    cells = sorted(t.get_text() for t in heat.axes[0].texts)
    assert cells == ["0", "120", "35", "60"]  # a zero is a number, not a blank that reads as missing
    from miyun_text.indicators import extract_indicators

    ind = pd.concat([extract_indicators("全年城镇、农村居民人均可支配收入分别增长4.9%和6.5%。", 2023),
                     extract_indicators("主要预期目标：城镇、农村居民人均可支配收入分别增长5%左右、6%。", 2024)])
    fig = plots.indicator_chart(ind)
    assert [t.get_text() for t in fig.axes[0].texts] == [" 增长4.9%", " 增长6.5%", " 增长5%左右", " 增长6%"]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    axis = fig.axes[0].get_tightbbox(renderer)  # bars, labels and the axis title
    assert legend.y1 <= axis.y0 + 1
    for f in (heat, fig):
        plt.close(f)


def test_every_text_keeps_the_bundled_font_when_drawn_outside_the_style():
    """Tick labels made by a later draw (another size, more ticks, no style context) use the bundled file."""
    from matplotlib.ticker import MultipleLocator

    keywords = pd.DataFrame({"group": ["一（一）保水"] * 3 + ["一（二）治水"] * 3,
                             "term": ["保水", "护水", "治水", "兴水", "节水", "水库"],
                             "score": [0.9, 0.5, 0.3, 0.8, 0.4, 0.2], "rank": [1, 2, 3, 1, 2, 3]})
    fig = plots.keyword_panels(keywords, top_k=3)
    before = len(fig.findobj(matplotlib.text.Text))
    fig.set_size_inches(16, 12)
    for ax in fig.axes:
        ax.xaxis.set_major_locator(MultipleLocator(0.05))
    fig.canvas.draw()
    texts = fig.findobj(matplotlib.text.Text)
    assert len(texts) > before + 20  # new tick labels were made outside the style
    assert {t.get_fontproperties().get_file() for t in texts} == {str(plots.font_path())}
    assert {t.get_fontname() for t in texts} == {"Noto Sans CJK SC"}
    plt.close(fig)


def _small_figure():
    return plots.vocabulary_bars(pd.DataFrame({"term": ["两山", "保水"], "count": [5, 3], "kind": ["slogan"] * 2}))


def test_show_displays_the_written_png_at_the_end_of_the_cell(tmp_path, monkeypatch):
    """In a kernel, show=True queues the saved PNG (no new drawing) and shows it when the cell ends."""
    import IPython
    import IPython.display
    from IPython.core.events import EventManager, available_events

    class Shell:
        kernel = object()

    first, second = _small_figure(), _small_figure()  # pyplot set up before the shell is faked
    shell = Shell()
    shell.events = EventManager(shell, available_events)
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    paths = plots.save_figure(first, "a", tmp_path, show=True) + plots.save_figure(second, "b", tmp_path, show=True)
    assert [p.name for p in paths] == ["a.png", "a.alt.txt", "a.svg", "b.png", "b.alt.txt", "b.svg"]
    assert not plt.fignum_exists(first.number) and not plt.fignum_exists(second.number)
    assert shown == []  # nothing before the cell ends, as with inline figures
    shell.events.trigger("post_execute")
    assert [image.data for image in shown] == [plots.screen_png((tmp_path / f"{n}.png").read_bytes(), 100 / 150)
                                               for n in ("a", "b")]
    # the shown image carries the alt text written beside the PNG, for the HTML page
    assert [image.metadata for image in shown] == [{"alt": (tmp_path / f"{n}.alt.txt").read_text().strip()}
                                                   for n in ("a", "b")]
    from PIL import Image

    with Image.open(io.BytesIO(shown[0].data)) as screen, Image.open(tmp_path / "a.png") as saved:
        assert screen.size == (round(first.get_figwidth() * 100), round(first.get_figheight() * 100))
        assert screen.mode == "RGB" and saved.mode == "RGBA"  # opaque: no alpha channel to carry
        # the same picture: the saved file averaged down differs from the copy shown by little
        diff = ImageChops.difference(saved.convert("RGB").resize(screen.size, Image.Resampling.BOX), screen)
        assert max(hi for _, hi in diff.getextrema()) <= 1
    shell.events.trigger("post_execute")  # the next cell shows nothing more
    assert len(shown) == 2 and shell.events.callbacks["post_execute"] == []


def test_show_outside_a_notebook_only_closes_and_writes_the_same_files(tmp_path):
    fig = _small_figure()
    shown = plots.save_figure(fig, "a", tmp_path / "shown", show=True)
    assert not plt.fignum_exists(fig.number)
    kept = plots.save_figure(fig, "a", tmp_path / "kept", close=False)  # the Figure object stays usable
    assert [p.read_bytes() for p in shown] == [p.read_bytes() for p in kept]
    assert [p.name for p in plots.save_figure(fig, "c", tmp_path, formats=("svg",), show=True)] == ["c.svg"]
    with pytest.raises(ValueError, match="show it twice"):
        plots.save_figure(fig, "a", tmp_path, close=False, show=True)
    plt.close(fig)


def test_alt_text_is_written_from_the_figure_and_beside_it(figures_twice):
    first, _ = figures_twice
    alt = {p.name[: -len(".alt.txt")]: p.read_text(encoding="utf-8") for p in first.glob("*.alt.txt")}
    assert set(alt) == FIGURES
    assert alt["repairs_by_step"].startswith("文本修复：每一步修复的次数。条形图；横轴：修复次数（对数刻度）")
    assert "最大的：繁体转简体 (t2s) 3564、删除拼音注音 (pinyin) 3136" in alt["repairs_by_step"]
    assert "热力图（13 行 × 11 列）" in alt["themes_by_section"]
    assert "13 个小图。一（一）高规格保水保生态：密云水库、保水、治理" in alt["keywords_by_section"]
    assert "最大的：密云、生态、密云水库" in alt["wordcloud"]
    assert all(text.endswith("\n") and "数据来源：2024年密云区政府工作报告" in text for text in alt.values())


def test_the_bundled_font_draws_every_character_of_the_project():
    from miyun_text.font_subset import missing_characters, project_characters

    characters = project_characters()
    assert "閥" in characters and len(characters) > 1500
    assert missing_characters(characters) == []


def test_alt_text_leaves_out_empty_cells():
    """A heatmap with empty cells (the diagonal of a pairwise table) is described by its filled ones."""
    import numpy as np
    from matplotlib.figure import Figure

    from miyun_text.style import describe_figure

    fig = Figure()
    ax = fig.subplots()
    ax.imshow(np.array([[np.nan, 0.4], [0.1, np.nan]]))
    ax.set_xticks([0, 1], ["甲", "乙"])
    ax.set_yticks([0, 1], ["甲", "乙"])
    ax.set_title("复用")
    text = describe_figure(fig)
    assert "甲 × 乙 0.4" in text and "nan" not in text.lower()

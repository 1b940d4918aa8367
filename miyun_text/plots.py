"""Figures from the measures' DataFrames, in the bundled CJK font, reproducible byte for byte.

Every function returns a matplotlib Figure with a title, units and a source line;
:func:`~miyun_text.style.save_figure` writes it to ``figures/`` with fixed size, DPI and
metadata, so two runs in the same environment give identical files. Styling (font,
rcParams inside a context, saving) is :mod:`miyun_text.style`; titles and source lines
read from the data are :mod:`miyun_text.labels`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

# matplotlib and wordcloud are imported inside each chart function (see miyun_text.style).
from .indicators import annual_figures, figure_text, signed_value

# Names that moved to miyun_text.style and miyun_text.labels stay importable from here.
from .labels import (
    DEFAULT_SOURCE,
    comparison_sides,
    file_part,
    review_plan_titles,
    review_plan_years,
    source_line,
)
from .style import (
    FONT_FILE,
    SAVE_DPI,
    describe_figure,
    draw_source,
    font_path,
    font_properties,
    save_figure,
    screen_png,
    style,
    styled,
)
from .timeline import formula_spread

__all__ = [
    "DEFAULT_SOURCE",
    "FONT_FILE",
    "SAVE_DPI",
    "WORD_CLOUD_COLORS",
    "attainment_chart",
    "comparison_sides",
    "contrast_ratio",
    "describe_figure",
    "distinctive_terms",
    "file_part",
    "font_path",
    "font_properties",
    "formula_spread_chart",
    "indicator_chart",
    "keyword_panels",
    "marker_profile",
    "marker_trajectories",
    "new_and_gone_terms",
    "repair_chart",
    "reuse_heatmap",
    "review_plan_titles",
    "review_plan_years",
    "save_figure",
    "screen_png",
    "source_line",
    "style",
    "theme_heatmap",
    "theme_profile",
    "themes_over_years",
    "vocabulary_bars",
    "word_cloud",
]

# the short names every chart below uses: drawn in the project's style, with its source line
_styled = styled
_source = draw_source


def _integer_ticks(axis: Any) -> None:
    """Ticks on whole numbers only (counts), keeping the axis's own locator and its other settings."""
    from matplotlib.ticker import MaxNLocator

    locator = axis.get_major_locator()
    if isinstance(locator, MaxNLocator):
        locator.set_params(integer=True)


def _labels(frame: pd.DataFrame, column: str) -> list[str]:
    return list(dict.fromkeys(frame[column].astype(str)))


@_styled
def theme_heatmap(tf: pd.DataFrame, *, row: str = "group", value: str = "per_10k",
                  title: str = "各部分主题分布", source: str | None = None):
    """Heatmap of theme rates (rows: groups such as sections; columns: themes).

    ``tf`` is :func:`miyun_text.themes.theme_frequencies` output; ``row`` names the
    column that labels rows. Where ``tf`` holds bootstrap intervals (``theme_frequencies``
    with ``ci``), each cell gives its interval under the value, and the colour bar says so.

    Example:
        >>> tf = pd.DataFrame({"group": ["甲", "甲"], "theme_name": ["保水生态", "经济产业"], "per_10k": [10.0, 5.0]})
        >>> theme_heatmap(tf).axes[0].get_title()
        '各部分主题分布'
    """
    import matplotlib.pyplot as plt

    rows, cols = _labels(tf, row), _labels(tf, "theme_name")
    grid = tf.pivot_table(index=row, columns="theme_name", values=value, aggfunc="sum", sort=False)
    grid = grid.reindex(index=rows, columns=cols).fillna(0.0)
    height = max(4.8, 0.42 * len(rows) + 1.8)  # room for the colour bar label beside a few rows
    fig, ax = plt.subplots(figsize=(11, height))
    image = ax.imshow(grid.to_numpy(), cmap="YlGnBu", aspect="auto")
    ax.set_xticks(range(len(cols)), cols, rotation=35, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    cells = grid.to_numpy(dtype="float64")
    top = cells.max() if grid.size else 0
    bounds = None
    if f"{value}_low" in tf.columns:
        bounds = [tf.pivot_table(index=row, columns="theme_name", values=f"{value}_{end}", aggfunc="sum", sort=False)
                  .reindex(index=rows, columns=cols).fillna(0.0) for end in ("low", "high")]
    for i in range(len(rows)):
        for j in range(len(cols)):
            v = cells[i, j]
            # a zero is written out: a blank cell would read as missing data
            text = f"{v:.0f}" if bounds is None else f"{v:.0f}\n{bounds[0].iat[i, j]:.0f}–{bounds[1].iat[i, j]:.0f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7 if bounds is None else 6, linespacing=1.1,
                    color="white" if v > 0.6 * top else "#222222" if v > 0 else "#8C8C8C")
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.015)
    bar.set_label("每万内容词频次 (per 10,000 content tokens)")
    if bounds is not None:
        ax.set_xlabel(f"格中下行为{_ci_name(tf)}", fontsize=8)
    ax.set_title(title)
    ax.spines[:].set_visible(False)
    fig.subplots_adjust(left=0.24, right=0.9, top=0.93, bottom=max(0.2, 1.6 / height))
    _source(fig, source)
    return fig


_GROUP_COLORS = ["#4C72B0", "#DD8452", "#55A868", "#C44E52"]


def _ci_name(tf: pd.DataFrame) -> str:
    """How a figure names the intervals of ``tf``: 95% 自助法区间（段落重抽样）."""
    ci = tf.attrs.get("ci")
    level = f"{ci * 100:g}% " if isinstance(ci, float) else ""
    return f"{level}自助法区间（段落重抽样）"


def _pooled_rates(part: pd.DataFrame, name: str) -> pd.Series:
    """Rate per 10,000 per item (its ``name`` column); rows of several reports under one item
    are pooled (summed counts over summed tokens), never indexed twice."""
    if not part[name].duplicated().any():
        return part.set_index(name)["per_10k"]
    if {"count", "n_tokens"} <= set(part.columns):
        sums = part.groupby(name, sort=False)[["count", "n_tokens"]].sum()
        return (sums["count"] / sums["n_tokens"].where(sums["n_tokens"] > 0) * 10_000).fillna(0.0)
    return part.groupby(name, sort=False)["per_10k"].mean()


def _grouped_bars(ax, data: pd.DataFrame, by: str, groups: Mapping[str, str], name: str, categories: list[str],
                  horizontal: bool):
    """Draw ``per_10k`` of each group side by side per category; return the category positions."""

    positions = np.arange(len(categories))
    size = 0.8 / len(groups)
    for k, (key, label) in enumerate(groups.items()):
        values = _pooled_rates(data[data[by] == key], name).reindex(categories).fillna(0.0).to_numpy()
        offsets = positions + (k - (len(groups) - 1) / 2) * size
        color = _GROUP_COLORS[k % len(_GROUP_COLORS)]
        if horizontal:
            ax.barh(offsets, values, height=size, label=label, color=color)
        else:
            ax.bar(offsets, values, width=size, label=label, color=color)
    return positions


@_styled
def theme_profile(tf: pd.DataFrame, *, by: str = "part_kind", groups: Mapping[str, str] | None = None,
                  title: str = "主题侧重：回顾（2023年）与安排（2024年）",
                  note: str | None = "报告内比较，并非两份报告",
                  source: str | None = None):
    """Grouped horizontal bars of theme rates for two or more groups (review vs plan by default).

    ``groups`` maps values of ``by`` to legend labels, in drawing order.

    Example:
        >>> tf = pd.DataFrame({"part_kind": ["review", "plan"], "theme_name": ["保水生态"] * 2, "per_10k": [5.0, 9.0]})
        >>> len(theme_profile(tf).axes[0].patches)
        2
    """
    import matplotlib.pyplot as plt

    groups = dict(groups or {"review": "2023年工作回顾（实绩）", "plan": "2024年工作安排（承诺）"})
    data = tf[tf[by].isin(groups)]
    themes = _labels(data, "theme_name")
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(themes) + 1.8))
    y = _grouped_bars(ax, data, by, groups, "theme_name", themes, horizontal=True)
    ax.set_yticks(y, themes)
    ax.invert_yaxis()
    ax.set_xlabel("每万内容词频次 (per 10,000 content tokens)")
    ax.set_title(title + (f"\n{note}" if note else ""), fontsize=12)
    ax.legend(loc="lower right", frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _source(fig, source)
    return fig


@_styled
def keyword_panels(kw: pd.DataFrame, *, ncols: int = 3, top_k: int = 10, title: str = "各节关键词（TF-IDF，语料内IDF）",
                   source: str | None = None):
    """Small multiples of keyword bars, one panel per group of :func:`extract_keywords` output, ``top_k`` bars each.

    Example:
        >>> kw = pd.DataFrame({"group": ["甲", "乙"], "term": ["保水", "招商"], "score": [0.2, 0.1]})
        >>> len(keyword_panels(kw).axes)
        3
    """

    import matplotlib.pyplot as plt

    groups = _labels(kw, "group")
    nrows = max(1, math.ceil(len(groups) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.6 * nrows + 0.8), squeeze=False)
    for ax, group in zip(axes.flat, groups, strict=False):
        part = kw[kw["group"].astype(str) == group].head(top_k)
        ax.barh(range(len(part)), part["score"].to_numpy(), color="#4C72B0")
        ax.set_yticks(range(len(part)), part["term"].astype(str).tolist())
        ax.invert_yaxis()
        ax.set_title(group if len(group) <= 22 else group[:21] + "…", fontsize=9.5)
        ax.tick_params(axis="x", labelsize=7)
    for ax in axes.flat[len(groups):]:
        ax.set_visible(False)
    fig.suptitle(title + "　（横轴：TF-IDF得分 TF-IDF score）", fontsize=13)
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    _source(fig, source)
    return fig


_KIND_COLORS = {"slogan": "#C44E52", "programme": "#4C72B0", "honour": "#DD8452", "metaphor": "#55A868",
                "other": "#8C8C8C", "formula": "#8172B3"}
_KIND_LABELS = {
    "slogan": "口号提法", "programme": "项目品牌", "honour": "荣誉称号", "metaphor": "比喻", "other": "其他",
}


@_styled
def vocabulary_bars(quoted: pd.DataFrame, *, top_k: int = 10, title: str = "引号中的政策话语（出现次数）",
                    source: str | None = None):
    """Dot plot of the ``top_k`` most frequent quoted expressions, coloured by kind, each with its count.

    Counts are small and often tied, so each term is a dot labelled with its count
    rather than a bar whose length suggests differences; the subtitle says how many of
    all quoted expressions are shown and how ties are ordered.

    Example:
        >>> q = pd.DataFrame({"term": ["两山", "三好生"], "count": [5, 2], "kind": ["slogan", "honour"]})
        >>> fig = vocabulary_bars(q)
        >>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].texts]
        ('出现次数 (occurrences)', ['5', '2'])
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    part = quoted.head(top_k)
    counts = part["count"].to_numpy()
    fig, ax = plt.subplots(figsize=(8.5, 0.3 * len(part) + 1.9))
    terms = [t if len(t) <= 16 else t[:15] + "…" for t in part["term"].astype(str)]
    y = list(range(len(part)))
    colors = [_KIND_COLORS.get(k, "#8C8C8C") for k in part["kind"]]
    ax.hlines(y, 0, counts, color="#DDDDDD", linewidth=0.8, zorder=1)
    ax.scatter(counts, y, s=36, color=colors, zorder=2)
    for yi, c in zip(y, counts, strict=True):
        ax.annotate(f"{c}", (c, yi), xytext=(5, 0), textcoords="offset points", va="center", ha="left",
                    fontsize=8, color="#333333")
    ax.set_yticks(y, terms)
    ax.invert_yaxis()
    ax.set_xlim(0, (counts.max() if len(counts) else 1) * 1.15 + 0.5)
    ax.set_xlabel("出现次数 (occurrences)")
    _integer_ticks(ax.xaxis)
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    shown = f"共{len(quoted)}个引号词语" + (f"，显示前{len(part)}个" if len(quoted) > len(part) else "")
    ax.set_title(f"{title}\n{shown}；次数相同者按字符顺序排列", fontsize=12)
    kinds = list(dict.fromkeys(part["kind"].astype(str)))
    ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color=_KIND_COLORS.get(k, "#8C8C8C"),
                              label=_KIND_LABELS.get(k, k)) for k in kinds],
              loc="lower right", frameon=False)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _source(fig, source)
    return fig


@_styled
def indicator_chart(indicators: pd.DataFrame, *, title: str | None = None,
                    source: str | None = None):
    """Growth rates stated for the year under review beside the targets set for the plan's year.

    ``indicators`` is :func:`miyun_text.extract_indicators` output. Drawn are its annual
    growth rates of canonical indicators (:func:`miyun_text.indicators.annual_figures`):
    a five-year figure, a goal for 2030 or a row named by words the indicator table does
    not know is never drawn. A fall is drawn below zero; a range is a bar to its lower end
    with a line to its upper end; each bar carries the figure as the report words it
    (增长5%—5.5%; 与经济增长同步, a target without a number, is written without a bar).
    With several reports, one row per indicator and report.

    Example:
        >>> from miyun_text.indicators import extract_indicators
        >>> ind = extract_indicators("全年地区生产总值增长4.5%。今年主要预期目标是：地区生产总值增长4%左右。", 2023)
        >>> len(indicator_chart(ind).axes[0].patches)
        2
    """
    import matplotlib.pyplot as plt

    data = annual_figures(indicators)
    data = data[(data["measure"] == "growth") & ((data["unit"] == "%") | (data["qualifier"] == "同步"))]
    data = data.assign(side=data["kind"].replace({"expected": "actual"}))
    if "label" in data and data["label"].nunique() > 1:
        # several reports: one row per indicator and report, never one report standing for all
        data = data.assign(indicator=data["indicator"].astype(str) + "（" + data["label"].astype(str) + "）")
    data = data.assign(number=signed_value(data), high=signed_value(data, "value_high"),
                       words=[figure_text(r) for _, r in data.iterrows()])
    names = _labels(data, "indicator")
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(names) + 1.9))
    y = np.arange(len(names))
    years = {side: "、".join(f"{int(v)}年" for v in sorted(data.loc[data["side"] == side, "year"].dropna().unique()))
             for side in ("actual", "target")}
    title = title or f"增速：{years['actual']}实绩与{years['target']}目标"
    estimated = (data.loc[data["side"] == "actual", "kind"] == "expected").all() and (data["side"] == "actual").any()
    sides = [("actual", f"{years['actual']}实绩（{'预计，' if estimated else ''}同比增长）", "#4C72B0"),
             ("target", f"{years['target']}预期目标", "#DD8452")]
    for k, (side, label, color) in enumerate(sides):
        part = data[data["side"] == side].set_index("indicator").reindex(names)
        offs = y + (k - 0.5) * 0.38
        ax.barh(offs, part["number"].fillna(0).to_numpy(), height=0.38, color=color, label=label)
        for off, v, high, words in zip(offs, part["number"], part["high"], part["words"], strict=True):
            if pd.notna(high):
                ax.plot([v, high], [off, off], color=color, linewidth=2.5, solid_capstyle="butt")
            if isinstance(words, str) and words:
                end = high if pd.notna(high) else (v if pd.notna(v) else 0)
                ax.text(end, off, f" {words}", va="center", fontsize=8, ha="left" if end >= 0 else "right")
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.6)
    ax.set_xlabel("增长率 (%, growth rate)")
    ax.set_title(title)
    # the legend sits under the axis, where it covers no bar and no label
    fig.legend(loc="lower center", bbox_to_anchor=(0.5, 0.3 / fig.get_figheight()), ncol=2, frameon=False)
    ax.margins(x=0.25)
    fig.tight_layout(rect=(0, 0.65 / fig.get_figheight(), 1, 1))
    _source(fig, source)
    return fig


def _named(text: str, names: Mapping[str, str] | None) -> str:
    """Replace whole report ids (never parts of words) with their labels."""

    for rid, label in sorted((names or {}).items(), key=lambda kv: -len(kv[0])):
        # a function, not a replacement string: a label is never read for backslash escapes
        text = re.sub(rf"(?<![A-Za-z0-9_-]){re.escape(rid)}(?![A-Za-z0-9_-])", lambda _m: label, text)  # noqa: B023
    return text


@_styled
def distinctive_terms(result: pd.DataFrame, *, top_k: int = 10, labels: tuple[str, str] | None = None,
                      title: str | None = None, source: str | None = None,
                      names: Mapping[str, str] | None = None):
    """Diverging bars of the ``top_k`` most distinctive terms on each side of :func:`compare` output.

    Dashed lines mark the 5 % significance level: |z| = 1.96 for log-odds z scores, or
    G² = 3.84 for keyness. ``names`` maps report ids in the comparison label to the
    manifest's labels (``{"miyun_2024": "密云区 2024"}``), so the subtitle never shows a
    bare id.

    Example:
        >>> r = pd.DataFrame({"term": ["建成", "推进"], "score": [2.5, -3.0],
        ...                   "comparison": ["r: review 2023 vs plan 2024 (within one report)"] * 2})
        >>> fig = distinctive_terms(r, names={"r": "密云区 2024"})
        >>> len(fig.axes[0].patches), fig.axes[0].get_title().splitlines()[1]
        (2, '密云区 2024: review 2023 vs plan 2024 (within one report)')
    """
    import matplotlib.pyplot as plt

    labels = labels or comparison_sides(result)
    top = result[result["score"] > 0].head(top_k)
    bottom = result[result["score"] < 0].tail(top_k)
    data = pd.concat([top, bottom.iloc[::-1]])
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(data) + 2.0))
    colors = ["#4C72B0" if s > 0 else "#DD8452" for s in data["score"]]
    ax.barh(range(len(data)), data["score"].to_numpy(), color=colors)
    ax.set_yticks(range(len(data)), data["term"].astype(str).tolist())
    ax.invert_yaxis()
    ax.axvline(0, color="#333333", linewidth=0.8)
    keyness = "variance" in result and "p_value" in result and result["variance"].isna().all() \
        and result["p_value"].notna().any()
    threshold, name = (3.84, "G² = 3.84") if keyness else (1.96, "|z| = 1.96")
    for x in (-threshold, threshold):
        ax.axvline(x, color="#555555", linewidth=0.8, linestyle=(0, (4, 3)))
    ax.text(threshold, 1.0, f" {name}（p = 0.05）", transform=ax.get_xaxis_transform(), fontsize=7.5,
            color="#555555", va="bottom", ha="left")
    statistic = "G²（对数似然）" if keyness else "z 分数（对数优势比，信息先验）"
    ax.set_xlabel(f"{statistic} ← {labels[1]}更多 | {labels[0]}更多 →")
    comparison = str(result["comparison"].iloc[0]) if "comparison" in result and len(result) else ""
    comparison = _named(comparison, names)
    ax.set_title(title or f"区分性词语：{labels[0]} 对 {labels[1]}" + (f"\n{comparison}" if comparison else ""),
                 fontsize=12, pad=14)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _source(fig, source)
    return fig



@_styled
def marker_profile(rates: pd.DataFrame, *, by: str = "part_kind", groups: Mapping[str, str] | None = None,
                   title: str = "修辞标记：回顾与安排", source: str | None = None):
    """Grouped bars of rhetorical-marker rates per group (:func:`marker_rates` output).

    Example:
        >>> r = pd.DataFrame({"part_kind": ["review", "plan"], "marker_name": ["成就语"] * 2, "per_10k": [400.0, 90.0]})
        >>> len(marker_profile(r).axes[0].patches)
        2
    """
    import matplotlib.pyplot as plt

    groups = dict(groups or {"review": "2023年工作回顾", "plan": "2024年工作安排"})
    data = rates[rates[by].isin(groups)]
    classes = _labels(data, "marker_name")
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    x = _grouped_bars(ax, data, by, groups, "marker_name", classes, horizontal=False)
    ax.set_xticks(x, classes)
    ax.set_ylabel("每万词频次 (per 10,000 tokens)")
    ax.set_title(title + "\n报告内比较，并非两份报告", fontsize=12)
    ax.legend(frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _source(fig, source)
    return fig


# Word colours: dark enough for a contrast of at least 4.5:1 on white (WCAG AA), distinct in hue.
WORD_CLOUD_COLORS = ("#1F4E79", "#8B2E16", "#2D6A2E", "#5B3A8C", "#005F73", "#7A4A00")


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours (1 to 21).

    Example:
        >>> round(contrast_ratio("#000000"), 1), round(contrast_ratio("#777777"), 2)
        (21.0, 4.48)
    """
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@_styled
def word_cloud(frequencies: Mapping[str, float], *, title: str = "词云（示意图）：TF-IDF加权的关键词",
               width: int = 1400, height: int = 800, random_state: int = 7, source: str | None = None):
    """A word cloud from token frequencies, drawn with the bundled font and a fixed random_state.

    It is labelled as an illustration: word size follows weight only roughly, so read
    numbers from the keyword tables. Words are coloured from :data:`WORD_CLOUD_COLORS`,
    each readable on white.

    Example:
        >>> fig = word_cloud({"保水": 10, "密云水库": 8, "乡村振兴": 5}, width=300, height=200)
        >>> fig.axes[0].get_title()
        '词云（示意图）：TF-IDF加权的关键词'
    """
    import matplotlib.pyplot as plt
    from wordcloud import WordCloud

    ordered = dict(sorted(frequencies.items(), key=lambda kv: (-kv[1], kv[0])))
    # colour by rank, so the same words get the same colours on every run
    colours = {word: WORD_CLOUD_COLORS[i % len(WORD_CLOUD_COLORS)] for i, word in enumerate(ordered)}

    def colour(word: str, **_: Any) -> str:
        return colours.get(word, WORD_CLOUD_COLORS[0])

    cloud = WordCloud(
        font_path=str(font_path()), width=width, height=height, background_color="white",
        random_state=random_state, prefer_horizontal=1.0, color_func=colour, max_words=120,
        collocations=False, margin=4,
    ).generate_from_frequencies(ordered)
    fig, ax = plt.subplots(figsize=(width / 150, height / 150 + 0.6))
    ax.imshow(cloud.to_array(), interpolation="nearest")
    ax.set_axis_off()
    ax.set_title(title)
    fig.miyun_items = list(ordered)[:10]  # type: ignore[attr-defined]  # the largest words, for the alt text
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _source(fig, (source or DEFAULT_SOURCE) + "　示意图：字号大致反映权重，数值请见关键词表 (illustration only)")
    return fig


_STEP_NAMES = {"errata": "勘误表修正 (errata)", "realign": "字节重新配对 (realign)",
               "unrepaired": "未修复 (unrepaired)", "pinyin": "删除拼音注音 (pinyin)",
               "t2s": "繁体转简体 (t2s)", "punct": "标点规范 (punct)"}


@_styled
def repair_chart(summary: pd.DataFrame, *, title: str = "文本修复：每一步修复的次数", source: str | None = None):
    """Bars of the repairs each cleaning step made, one bar per report (its label), counts printed.

    ``summary`` has ``step`` and ``repairs`` (:func:`miyun_text.clean.repair_summary`) and
    ``label`` (or ``report_id``) when it holds several reports. The axis is logarithmic:
    thousands of pinyin annotations sit beside a few dozen mojibake corrections.

    Example:
        >>> s = pd.DataFrame({"step": ["pinyin", "errata"], "repairs": [3136, 23]})
        >>> fig = repair_chart(s)
        >>> [t.get_text() for t in fig.axes[0].get_yticklabels()], fig.axes[0].get_xscale()
        (['删除拼音注音 (pinyin)', '勘误表修正 (errata)'], 'log')
    """
    import matplotlib.pyplot as plt

    key = "label" if "label" in summary.columns else "report_id" if "report_id" in summary.columns else None
    reports = _labels(summary, key) if key else [""]
    steps = _labels(summary, "step")
    size = 0.8 / len(reports)
    fig, ax = plt.subplots(figsize=(8.5, 0.45 * len(steps) * max(1, len(reports) * 0.6) + 1.9))
    y = np.arange(len(steps))
    for k, report in enumerate(reports):
        part = summary[summary[key].astype(str) == report] if key else summary
        counts = part.groupby("step", sort=False)["repairs"].sum().reindex(steps).fillna(0).to_numpy()
        offsets = y + (k - (len(reports) - 1) / 2) * size
        ax.barh(offsets, counts, height=size, label=report if len(reports) > 1 else None,
                color=_LINE_COLORS[k % len(_LINE_COLORS)] if len(reports) > 1 else "#4C72B0")
        for off, count in zip(offsets, counts, strict=True):
            ax.text(max(count, 0.8), off, f" {int(count):,}", va="center", fontsize=8, color="#333333")
    ax.set_yticks(y, [_STEP_NAMES.get(s, s) for s in steps])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(0.7, max(10.0, float(summary["repairs"].max() if len(summary) else 1) * 4))
    ax.set_xlabel("修复次数（对数刻度） (repairs, log scale)")
    ax.set_title(title)
    if len(reports) > 1:
        ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _source(fig, source)
    return fig


# Figures for a panel of reports (regions × years). Titles, labels and source lines come
# from the data; with one report none of them is drawn.

_LINE_COLORS = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C",
                "#CCB974", "#64B5CD", "#2F4B7C", "#A05195"]



@_styled
def themes_over_years(tf: pd.DataFrame, *, region: str, value: str = "share", ncols: int = 4,
                      source: str | None = None):
    """Small multiples, one panel per theme: its share of theme words in each year of one region.

    ``tf`` is :func:`miyun_text.themes.theme_frequencies` output grouped by ``year``
    (one region's paragraphs); with its bootstrap intervals (``ci``) each panel shades the
    interval around the line.

    Example:
        >>> tf = pd.DataFrame({"year": [2022, 2023] * 2, "theme_name": ["经济发展"] * 2 + ["生态环境"] * 2,
        ...                    "share": [0.3, 0.4, 0.2, 0.1]})
        >>> themes_over_years(tf, region="甲区").axes[0].get_title()
        '经济发展'
    """

    import matplotlib.pyplot as plt

    labels = _labels(tf, "theme_name")
    years = sorted(int(y) for y in tf["year"].unique())
    nrows = max(1, math.ceil(len(labels) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.1 * ncols, 2.1 * nrows + 1.0), squeeze=False, sharey=True)
    scale = 100 if value == "share" else 1
    top = float(tf[value].max()) * scale if len(tf) else 1.0
    banded = f"{value}_low" in tf.columns
    if banded:
        top = max(top, float(tf[f"{value}_high"].max()) * scale)
    for ax, label in zip(axes.flat, labels, strict=False):
        part = tf[tf["theme_name"].astype(str) == label].sort_values("year")
        if banded:
            ax.fill_between(part["year"].astype(int), part[f"{value}_low"] * scale, part[f"{value}_high"] * scale,
                            color="#4C72B0", alpha=0.18, linewidth=0)
        ax.plot(part["year"].astype(int), part[value] * scale, marker="o", color="#4C72B0", linewidth=1.6)
        ax.set_title(label, fontsize=10)
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_ylim(0, top * 1.15 or 1)
        ax.tick_params(labelsize=8)
    for ax in axes.flat[len(labels):]:
        ax.set_visible(False)
    unit = "占主题词比例 (%, share of theme words)" if value == "share" else "每万内容词 (per 10,000 content tokens)"
    for ax in axes[:, 0]:
        ax.set_ylabel(unit if ax is axes[0, 0] else "", fontsize=8)
    fig.suptitle(f"{region}：各主题占比的逐年变化（{years[0]}—{years[-1]}年）", fontsize=13)
    fig.tight_layout(rect=(0, 0.03, 1, 0.96))
    if banded:
        fig.text(0.99, 0.008, f"阴影：{_ci_name(tf)}", fontsize=8, color="#555555", ha="right", va="bottom")
    _source(fig, source)
    return fig


@_styled
def marker_trajectories(rates: pd.DataFrame, *, region: str, source: str | None = None):
    """Lines of rhetorical-marker rates (per 10,000 tokens) over one region's years.

    ``rates`` is :func:`miyun_text.rhetoric.marker_rates` output grouped by ``year``.

    Example:
        >>> r = pd.DataFrame({"year": [2022, 2023], "marker_name": ["成就语"] * 2, "per_10k": [300.0, 250.0]})
        >>> len(marker_trajectories(r, region="甲区").axes[0].lines)
        1
    """
    import matplotlib.pyplot as plt

    years = sorted(int(y) for y in rates["year"].unique())
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    for k, label in enumerate(_labels(rates, "marker_name")):
        part = rates[rates["marker_name"].astype(str) == label].sort_values("year")
        ax.plot(part["year"].astype(int), part["per_10k"], marker="o", label=label,
                color=_LINE_COLORS[k % len(_LINE_COLORS)], linewidth=1.8)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel("每万词频次 (per 10,000 tokens)")
    ax.set_xlabel("报告年份 (report year)")
    ax.set_title(f"{region}：修辞标记的逐年变化（{years[0]}—{years[-1]}年）", fontsize=12)
    ax.legend(frameon=False, fontsize=9, loc="best")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _source(fig, source)
    return fig


@_styled
def new_and_gone_terms(changes: pd.DataFrame, *, top_k: int = 10, title: str | None = None,
                       source: str | None = None):
    """Two panels: the terms new in a year (by count that year) and those gone (by count the year before).

    ``changes`` is :func:`miyun_text.rhetoric.new_and_gone` output for one pair of years.

    Example:
        >>> ch = pd.DataFrame({"region": ["甲区"] * 2, "year_from": [2022] * 2, "year_to": [2023] * 2,
        ...                    "term": ["冰雪", "疫情"], "status": ["new", "gone"],
        ...                    "count_from": [0, 4], "count_to": [3, 0]})
        >>> [ax.get_title() for ax in new_and_gone_terms(ch).axes]
        ['2023年新出现', '2022年有、2023年消失']
    """
    import matplotlib.pyplot as plt

    ya, yb = int(changes["year_from"].iloc[0]), int(changes["year_to"].iloc[0])
    new = changes[changes["status"] == "new"].sort_values(["count_to", "term"], ascending=[False, True]).head(top_k)
    gone = changes[changes["status"] == "gone"].sort_values(["count_from", "term"], ascending=[False, True]).head(
        top_k)
    rows = max(len(new), len(gone), 1)
    fig, axes = plt.subplots(1, 2, figsize=(9, 0.32 * rows + 2.0))
    for ax, part, column, color, label in ((axes[0], new, "count_to", "#55A868", f"{yb}年新出现"),
                                           (axes[1], gone, "count_from", "#C44E52", f"{ya}年有、{yb}年消失")):
        ax.barh(range(len(part)), part[column].to_numpy(), color=color)
        ax.set_yticks(range(len(part)), part["term"].astype(str).tolist())
        ax.invert_yaxis()
        ax.set_title(label, fontsize=11)
        ax.set_xlabel("出现次数 (occurrences)")
        _integer_ticks(ax.xaxis)
        if part.empty:
            ax.text(0.5, 0.5, "无", transform=ax.transAxes, ha="center", va="center", color="#555555")
    region = str(changes["region"].iloc[0]) if "region" in changes and pd.notna(changes["region"].iloc[0]) else ""
    fig.suptitle(title or f"{region}：{ya}年到{yb}年新出现与消失的词语".lstrip("："), fontsize=12)
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    _source(fig, source)
    return fig


_RATE_UNITS = ("%", "个百分点", "百分点")
_STATUS_COLORS = {"exceeded": "#4C72B0", "met": "#55A868", "missed": "#C44E52", "no target stated": "#8C8C8C"}
_STATUS_LABELS = {"exceeded": "实绩（超过目标）", "met": "实绩（达到目标）", "missed": "实绩（未达目标）",
                  "no target stated": "实绩（未提出目标）"}
_STATUS_WORDS = {"met": "达到", "exceeded": "超过", "missed": "未达到", "no result stated": "未报告结果",
                 "no target stated": "未提出目标"}


@_styled
def attainment_chart(attainment: pd.DataFrame, *, region: str | None = None, source: str | None = None):
    """Targets against results for one region: the result as a bar, the target as a marker.

    ``attainment`` is :func:`miyun_text.target_attainment` output: annual figures of
    canonical indicators only. Rows in percent (growth rates, and rates such as
    unemployment) are drawn, one per year and indicator, each labelled with the figures
    as the reports word them; the bar's colour says the status (超过, 达到, 未达到 as
    the export codebook codes them). A result with no target says 未提出目标, a target
    with no result 未报告结果, a result read from words (完成预期目标) says so — none is
    drawn as a gap. Rows in other units (城镇新增就业 in 万人) share no axis with rates:
    they are listed under the chart.

    Example:
        >>> att = pd.DataFrame({"region": ["甲区"] * 2, "year": [2022] * 2,
        ...     "indicator": ["地区生产总值", "城镇调查失业率"], "unit": ["%", "%"],
        ...     "target_value": [5.0, float("nan")], "target_high": [float("nan")] * 2,
        ...     "target_text": ["增长5%左右", None], "actual_value": [5.3, 3.9],
        ...     "actual_text": ["增长5.3%", "3.9%"], "status": ["met", "no target stated"]})
        >>> len(attainment_chart(att).axes[0].patches)
        2
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def words(value: object) -> str:
        return value if isinstance(value, str) else ""

    def number(value: object) -> float | None:
        if not isinstance(value, (int, float)) or value != value:  # missing: None, NA or NaN
            return None
        return float(value)

    if region is not None:
        attainment = attainment[attainment["region"] == region]
    rate = attainment["unit"].isin(_RATE_UNITS)
    data, others = attainment[rate], attainment[~rate].sort_values(["year", "indicator"], kind="mergesort")
    region = region or "、".join(dict.fromkeys(data["region"].dropna().astype(str)))
    data = data.sort_values(["year", "indicator"], kind="mergesort").reset_index(drop=True)
    rows = data.to_dict("records")
    names = [f"{int(str(r['year']))}年 {r['indicator']}" for r in rows]
    fig, ax = plt.subplots(figsize=(9.5, max(3.6, 0.5 * len(data) + 2.2)))
    for i, r in enumerate(rows):
        status = str(r["status"])
        actual, target, high = number(r["actual_value"]), number(r["target_value"]), number(r.get("target_high"))
        if actual is not None:
            ax.barh(i, actual, height=0.55, color=_STATUS_COLORS.get(status, "#8C8C8C"))
            ax.text(max(actual, 0), i + 0.32, f" 实绩{words(r['actual_text'])}", va="center", fontsize=7.5,
                    color="#333333")
        elif status in ("met", "missed", "exceeded"):  # read from the review's words
            ax.text(0, i + 0.32, f" 实绩：{_STATUS_WORDS[status]}（据文字表述）", va="center", fontsize=7.5,
                    color="#333333")
        else:
            ax.text(0, i + 0.32, " 未报告结果", va="center", fontsize=7.5, color="#555555")
        if target is not None:
            ax.plot([target], [i], marker="D", color="#222222", markersize=6, linestyle="none")
            if high is not None:
                ax.plot([target, high], [i, i], color="#222222", linewidth=1.5)
            ax.text(max(target, 0), i - 0.32, f" 目标{words(r['target_text'])}", va="center", fontsize=7.5)
        elif status == "no target stated":
            ax.text(max(actual, 0) if actual is not None else 0, i - 0.32, " 未提出目标",
                    va="center", fontsize=7.5, color="#555555")
    ax.set_yticks(range(len(data)), names)
    ax.set_ylim(len(data) - 0.5, -0.5)  # top to bottom, and room for the notes of a lone row
    ax.axvline(0, color="#333333", linewidth=0.6)
    ax.set_xlabel("增长率或比率 (%, growth rate or rate)")
    years = sorted(int(y) for y in data["year"].unique())
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年" if years else ""
    ax.set_title(f"{region}：{span}目标与实绩（目标见当年报告，实绩见次年报告）", fontsize=12)
    handles: list[Patch | Line2D] = [Patch(color=c, label=_STATUS_LABELS[s])
                                     for s, c in _STATUS_COLORS.items() if (data["status"] == s).any()]
    handles.append(Line2D([], [], marker="D", color="#222222", linestyle="none", label="目标（含限定语）"))
    ax.margins(x=0.25)
    notes = 0.0  # inches of notes under the legend
    if len(others):
        lines = ["图中只画增长率与比率（%、百分点）；以其他单位计的指标如下："] + [
            f"{int(str(r['year']))}年 {r['indicator']}：目标{words(r['target_text']) or '—'}，"
            f"实绩{words(r['actual_text']) or '—'}（{_STATUS_WORDS.get(str(r['status']), str(r['status']))}）"
            for r in others.to_dict("records")]
        notes = 0.17 * len(lines) + 0.1
        fig.set_figheight(fig.get_figheight() + notes)
        fig.text(0.02, 0.3 / fig.get_figheight(), "\n".join(lines), fontsize=8, color="#333333",
                 va="bottom", ha="left")
    # the legend sits in a band of its own under the axis label, so it covers no bar or label
    height = fig.get_figheight()
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, (0.25 + notes) / height),
               ncol=len(handles), frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, (0.6 + notes) / height, 1, 1))
    _source(fig, source)
    return fig


@_styled
def reuse_heatmap(shares: pd.DataFrame, *, value: str = "share", title: str | None = None,
                  source: str | None = None):
    """Heat map of text reuse between reports: the share of the row report's characters found in the column report.

    ``shares`` is :func:`miyun_text.reuse.reuse_shares` output (one row per pair, both
    directions in it); ``value`` is ``share`` (every passage) or ``peer_share`` (formulaic
    passages left out). Rows and columns follow the reports' order in the table; with up
    to 16 reports each cell carries its percentage.

    Example:
        >>> shares = pd.DataFrame({"label_a": ["甲区 2023"], "label_b": ["乙区 2023"], "share_a": [0.2],
        ...                        "share_b": [0.1], "peer_share_a": [0.05], "peer_share_b": [0.02]})
        >>> reuse_heatmap(shares).axes[0].get_title()
        '报告间的文本复用：行报告中见于列报告的文字占比'
    """
    import matplotlib.pyplot as plt

    labels = list(dict.fromkeys([*shares["label_a"].astype(str), *shares["label_b"].astype(str)]))
    index = {label: k for k, label in enumerate(labels)}
    grid = np.full((len(labels), len(labels)), np.nan)
    for row in shares.itertuples(index=False):
        a, b = index[str(row.label_a)], index[str(row.label_b)]
        grid[b, a] = getattr(row, f"{value}_b") * 100
        grid[a, b] = getattr(row, f"{value}_a") * 100
    size = max(5.0, 0.32 * len(labels) + 3.0)
    fig, ax = plt.subplots(figsize=(size + 1.6, size))
    image = ax.imshow(np.ma.masked_invalid(grid), cmap="Reds", vmin=0, aspect="equal")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8 if len(labels) > 16 else 9)
    ax.set_yticks(range(len(labels)), labels, fontsize=8 if len(labels) > 16 else 9)
    ax.set_xlabel("来源报告 A (source)")
    ax.set_ylabel("复用报告 B (reusing report)")
    top = np.nanmax(grid) if np.isfinite(grid).any() else 0.0
    if len(labels) <= 16:
        for i in range(len(labels)):
            for j in range(len(labels)):
                if np.isfinite(grid[i, j]):
                    ax.text(j, i, f"{grid[i, j]:.1f}", ha="center", va="center", fontsize=7,
                            color="white" if grid[i, j] > 0.6 * top else "#222222")
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    what = "不含套话（formulaic passages left out）" if value == "peer_share" else "全部复用段落"
    bar.set_label(f"行报告文字占比 %（{what}）")
    ax.set_title(title or "报告间的文本复用：行报告中见于列报告的文字占比")
    ax.spines[:].set_visible(False)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _source(fig, source)
    return fig


@_styled
def formula_spread_chart(timeline: pd.DataFrame, *, top_k: int = 10, title: str | None = None,
                         source: str | None = None):
    """Which regions use each formula in each year: a grid of formulas by years, shaded by share of regions.

    ``timeline`` is :func:`miyun_text.timeline.formula_timeline` output (``by="year"``); the
    ``top_k`` formulas of :func:`miyun_text.timeline.formula_spread`'s order (fastest-spreading
    first, then the newest, then the most used) are drawn, each cell written as regions
    using it / regions reporting that year.

    Example:
        >>> t = pd.DataFrame({"formula": ["两山", "两山"], "source": ["formula"] * 2, "kind": ["numbered"] * 2,
        ...     "year": [2022, 2023], "count": [1, 3], "chars": [100, 100], "n_regions": [1, 2],
        ...     "regions_total": [2, 2], "region_share": [0.5, 1.0], "regions": ["甲区", "甲区、乙区"]})
        >>> formula_spread_chart(t).get_suptitle()
        '提法的扩散：各年使用该提法的地区占比'
    """
    import matplotlib.pyplot as plt

    order = formula_spread(timeline)["formula"].astype(str).tolist()[:top_k] if len(timeline) else []
    years = sorted(int(y) for y in timeline["year"].unique())
    grid = np.zeros((len(order), len(years)))
    notes = [["" for _ in years] for _ in order]
    for i, formula in enumerate(order):
        part = timeline[timeline["formula"].astype(str) == formula].set_index("year")
        for j, year in enumerate(years):
            if year in part.index:
                cell = part.loc[year].to_dict()
                grid[i, j] = cell["region_share"] * 100
                notes[i][j] = f"{int(cell['n_regions'])}/{int(cell['regions_total'])}（{int(cell['count'])}次）"
    height = max(3.2, 0.36 * len(order) + 1.8)
    fig, ax = plt.subplots(figsize=(max(8.0, 1.3 * len(years) + 5.0), height))
    image = ax.imshow(grid, cmap="YlOrRd", vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    # an enumeration formula can run to thirty characters: its head names it
    ax.set_yticks(range(len(order)), [f if len(f) <= 14 else f[:13] + "…" for f in order])
    for i in range(len(order)):
        for j in range(len(years)):
            ax.text(j, i, notes[i][j], ha="center", va="center", fontsize=8,
                    color="white" if grid[i, j] > 60 else "#222222")
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("使用该提法的地区占比 % (share of regions)")
    fig.suptitle(title or "提法的扩散：各年使用该提法的地区占比", fontsize=13)
    ax.set_xlabel("格中：使用该提法的地区数/当年报告的地区数（出现次数）", fontsize=9)
    ax.spines[:].set_visible(False)
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    _source(fig, source)
    return fig

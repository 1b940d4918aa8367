"""The corpus as a panel of reports (regions × years): its shape, its figures and its findings.

A report is one region in one year. Year-over-year views run within a region that has
reports of at least two years; cross-region views within a year that holds reports of at
least two regions; target attainment within a region with consecutive years. Each
``*_figures`` function returns ``{file name: Figure}`` with titles, labels, source lines
and file names taken from the data (``themes_over_years_miyun``); each ``*_findings``
function returns Markdown written from the numbers, for notebooks to display. With one
report the figure sets are empty and the findings say what a second report would add.
"""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd

from . import plots
from .attainment import target_attainment
from .errors import ArgumentError
from .escape import markdown_text as _md
from .grouping import narrow
from .labels import review_plan_titles, source_line
from .rhetoric import compare_years, marker_rates, new_and_gone
from .themes import theme_frequencies

__all__ = [
    "attainment_figures",
    "attainment_findings",
    "focus",
    "focus_report",
    "multi_region_years",
    "multi_year_regions",
    "overview_findings",
    "panel_overview",
    "report_source",
    "rhetoric_figures",
    "rhetoric_findings",
    "theme_figures",
    "theme_findings",
    "with_labels",
]


def _table(data: pd.DataFrame | Any) -> pd.DataFrame:
    """The paragraph table of a Corpus, or the table itself (the panel views read its columns only)."""
    paragraphs = getattr(data, "paragraphs", None)
    return paragraphs if isinstance(paragraphs, pd.DataFrame) and not isinstance(data, pd.DataFrame) else data


def _regions(corpus: pd.DataFrame | Any) -> pd.DataFrame:
    paragraphs = _table(corpus)
    if "region" not in paragraphs.columns:
        raise ArgumentError("the paragraph table needs 'region' and 'year'; use miyun_text.open_corpus()")
    return paragraphs[["report_id", "region", "year"]].drop_duplicates("report_id").dropna(subset=["region"])


def panel_overview(corpus: pd.DataFrame | Any) -> pd.DataFrame:
    """One row per region: its level, report years, number of reports and labels.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b", "c"], "region": ["甲区", "甲区", "乙区"],
        ...                       "year": [2022, 2023, 2023], "level": ["区"] * 3})
        >>> panel_overview(paras)[["region", "years", "n_reports"]].values.tolist()
        [['乙区', '2023', 1], ['甲区', '2022、2023', 2]]
    """
    reports = _regions(corpus)
    corpus = _table(corpus)
    rows = []
    for region, part in reports.groupby("region", sort=True):
        years = sorted(int(y) for y in part["year"])
        level = corpus.loc[corpus["region"] == region, "level"] if "level" in corpus else pd.Series()
        rows.append({"region": region, "level": level.dropna().iloc[0] if len(level.dropna()) else None,
                     "years": "、".join(map(str, years)), "n_reports": len(years),
                     "reports": "、".join(part.sort_values("year")["report_id"].astype(str))})
    return pd.DataFrame(rows, columns=["region", "level", "years", "n_reports", "reports"])


def multi_year_regions(corpus: pd.DataFrame | Any) -> list[str]:
    """Regions with reports of at least two years (sorted).

    Example:
        >>> multi_year_regions(pd.DataFrame({"report_id": ["a", "b", "c"], "region": ["甲区", "甲区", "乙区"],
        ...                                  "year": [2022, 2023, 2023]}))
        ['甲区']
    """
    counts = _regions(corpus).groupby("region")["year"].nunique()
    return sorted(counts[counts >= 2].index.astype(str))


def multi_region_years(corpus: pd.DataFrame | Any) -> list[int]:
    """Years with reports of at least two regions (sorted).

    Example:
        >>> multi_region_years(pd.DataFrame({"report_id": ["a", "b", "c"], "region": ["甲区", "甲区", "乙区"],
        ...                                  "year": [2022, 2023, 2023]}))
        [2023]
    """
    counts = _regions(corpus).groupby("year")["region"].nunique()
    return sorted(int(y) for y in counts[counts >= 2].index)


def overview_findings(corpus: pd.DataFrame | Any) -> str:
    """Markdown naming the regions with reports of several years and the years with several regions.

    Example:
        >>> print(overview_findings(pd.DataFrame({"report_id": ["a", "b", "c"], "region": ["甲区", "甲区", "乙区"],
        ...                                       "year": [2022, 2023, 2023]})))
        - 有两个以上年份的地区：甲区
        - 有两个以上地区的年份：2023
    """
    regions, years = multi_year_regions(corpus), multi_region_years(corpus)
    return (f"- 有两个以上年份的地区：{'、'.join(map(_md, regions)) or '无'}\n"
            f"- 有两个以上地区的年份：{'、'.join(map(str, years)) or '无'}")


def _reports(corpus: object, reports: pd.DataFrame | None) -> pd.DataFrame | None:
    """The reports table that goes with a corpus: the one given, else a Corpus's own."""
    if reports is not None:
        return reports
    own = getattr(corpus, "reports", None)
    return own if isinstance(own, pd.DataFrame) and not isinstance(corpus, pd.DataFrame) else None


def focus_report(corpus: pd.DataFrame | Any, reports: pd.DataFrame | None = None) -> str:
    """The report the within-report views describe: the latest delivered (``delivered_on``), then
    the latest year, then the last id.

    ``corpus`` is a Corpus (its reports carry ``delivered_on``) or a paragraph table, whose
    dates come from its ``delivered_on`` column or from ``reports`` (the manifest rows).
    A report without a date counts as delivered on 1 January of its year, so two reports
    of one year are told apart by their dates, and without any dates the latest year wins.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a_2023", "b_2024", "c_2024"], "year": [2023, 2024, 2024]})
        >>> focus_report(paras)
        'c_2024'
        >>> focus_report(paras, reports=pd.DataFrame({"report_id": ["b_2024", "c_2024"],
        ...                                           "delivered_on": ["2024-03-01", "2024-01-10"]}))
        'b_2024'
    """
    paragraphs, reports = _table(corpus), _reports(corpus, reports)
    columns = ["report_id", "year"] + (["delivered_on"] if "delivered_on" in paragraphs.columns else [])
    found = paragraphs[columns].drop_duplicates("report_id")
    if found.empty:
        raise ArgumentError("no reports in the paragraph table")
    if "delivered_on" not in found.columns and reports is not None and "delivered_on" in reports.columns:
        dates = reports.drop_duplicates("report_id").set_index("report_id")["delivered_on"]
        found = found.assign(delivered_on=found["report_id"].map(dates))
    date = pd.to_datetime(found["delivered_on"], errors="coerce", format="%Y-%m-%d") \
        if "delivered_on" in found.columns else pd.Series(pd.NaT, index=found.index)
    start = pd.to_datetime(found["year"].astype(int).astype(str) + "-01-01", format="%Y-%m-%d")
    found = found.assign(_date=date.fillna(start))
    return str(found.sort_values(["_date", "year", "report_id"], kind="mergesort").iloc[-1]["report_id"])


def with_labels(frame: pd.DataFrame, corpus: pd.DataFrame, *, keep_id: bool = False) -> pd.DataFrame:
    """``frame`` naming each report by its display label (``密云区 2024``) where it had ``report_id``.

    ``corpus`` is a paragraph table with ``label`` (or a corpus object with ``.paragraphs``).
    The label takes the place of the id column; ``keep_id=True`` keeps the id after it
    (for a table of the reports themselves, where the id names the raw file). A frame
    that already has ``label`` or has no ``report_id`` comes back as it is.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a"], "label": ["甲区 2023"]})
        >>> with_labels(pd.DataFrame({"report_id": ["a"], "repairs": [3]}), paras).columns.tolist()
        ['label', 'repairs']
        >>> with_labels(pd.DataFrame({"report_id": ["a"], "year": [2023]}), paras, keep_id=True).columns.tolist()
        ['label', 'report_id', 'year']
    """
    paragraphs = _table(corpus)
    if "report_id" not in frame.columns or "label" in frame.columns:
        return frame
    labels = paragraphs.drop_duplicates("report_id").set_index("report_id")["label"]
    out = frame.copy()
    out.insert(list(out.columns).index("report_id"), "label", out["report_id"].map(labels).astype("string"))
    return out if keep_id else out.drop(columns=["report_id"])


def _by_report(data: pd.DataFrame | Any, ci: float | None = None) -> pd.DataFrame:
    """Theme frequencies per report, with the report's display label in ``report`` (and ``group``)."""
    tf = theme_frequencies(data, by="report", ci=ci)
    labels = _table(data).drop_duplicates("report_id").set_index("report_id")["label"].astype(str)
    tf.insert(1, "report", tf["report_id"].map(labels).astype("string"))
    tf["group"] = tf["report"]
    return tf


def focus(corpus: pd.DataFrame | Any, reports: pd.DataFrame | None = None) -> dict:
    """What the within-report figures need about the focus report (:func:`focus_report`, the
    latest delivered; with a paragraph table, pass the manifest rows as ``reports`` so that
    their dates decide): ``report_id``, its ``paragraphs`` (a Corpus narrowed to it when
    given a Corpus), ``source`` line, data-driven ``titles``
    (:func:`miyun_text.labels.review_plan_titles`), ``about`` (`` （密云区 2024）`` to
    append to titles when the corpus holds several reports, else empty) and
    ``review_and_plan`` (whether it has both parts).

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "a"], "region": ["甲区"] * 2, "year": [2024] * 2,
        ...     "label": ["甲区 2024"] * 2, "part_kind": ["review", "plan"], "part_year": [2023, 2024],
        ...     "text": ["完成。", "推进。"]})
        >>> f = focus(paras)
        >>> f["report_id"], f["source"], f["about"], f["titles"]["theme_title"]
        ('a', '数据来源：2024年甲区政府工作报告', '', '主题侧重：回顾（2023年）与安排（2024年）')
    """
    paragraphs = corpus
    rid = focus_report(corpus, reports)
    table = _table(paragraphs)
    selected = narrow(paragraphs, table["report_id"] == rid)
    one = _table(selected)
    several = table["report_id"].nunique() > 1
    about = f"（{one['label'].iloc[0]}）" if several and "label" in one.columns else ""
    return {"report_id": rid, "paragraphs": selected, "source": _source(one) if "region" in one.columns else None,
            "titles": review_plan_titles(one), "about": about,
            "review_and_plan": {"review", "plan"} <= set(one["part_kind"].dropna())}


def report_source(corpus: pd.DataFrame | Any, report_id: str) -> str:
    """The source line of one report of the table (数据来源：2023年怀柔区政府工作报告).

    Example:
        >>> report_source(pd.DataFrame({"report_id": ["a"], "region": ["甲区"], "year": [2023]}), "a")
        '数据来源：2023年甲区政府工作报告'
    """
    table = _table(corpus)
    return _source(table[table["report_id"] == report_id])


def _source(part: pd.DataFrame | Any) -> str:
    return source_line(_table(part)[["year", "region"]].drop_duplicates())


def _pairs(corpus: pd.DataFrame | Any, region: str) -> list[tuple[int, int]]:
    table = _table(corpus)
    years = sorted(int(y) for y in table.loc[table["region"] == region, "year"].unique())
    return list(itertools.pairwise(years))


def _where(data: pd.DataFrame | Any, column: str, value: object) -> Any:
    """The part of the corpus whose paragraphs have ``column == value`` (same kind as ``data``)."""
    return narrow(data, _table(data)[column] == value)


def theme_figures(corpus: pd.DataFrame | Any) -> dict:
    """Theme shares over the years of each region (small multiples) and, for each year with
    two or more regions, a region-by-theme heatmap, both with 95 % bootstrap intervals
    (paragraphs resampled 1,000 times, seed 0; :mod:`miyun_text.themes`).

    Names: ``themes_over_years_<region>`` and ``themes_by_region_<year>``.

    Example:
        >>> theme_figures(pd.DataFrame({"report_id": ["a"], "region": ["甲区"], "year": [2023], "text": ["保水"]}))
        {}
    """
    figures: dict = {}
    for region in multi_year_regions(corpus):
        part = _where(corpus, "region", region)
        tf = theme_frequencies(part, by="year", ci=0.95)
        figures[f"themes_over_years_{plots.file_part(region)}"] = plots.themes_over_years(
            tf, region=region, source=_source(part))
    for year in multi_region_years(corpus):
        part = _where(corpus, "year", year)
        figures[f"themes_by_region_{year}"] = plots.theme_heatmap(
            _by_report(part, ci=0.95), row="report", title=f"{year}年各地区报告的主题分布（每万内容词）",
            source=_source(part))
    return figures


def rhetoric_figures(corpus: pd.DataFrame | Any, *, min_count: int = 2) -> dict:
    """For each region with two or more years: marker trajectories, and for each pair of
    consecutive reports the distinctive terms (log-odds) and the new and faded terms.

    Names: ``markers_over_years_<region>``, ``distinctive_terms_<region>_<a>_<b>``,
    ``new_and_gone_<region>_<a>_<b>``.

    Example:
        >>> rhetoric_figures(pd.DataFrame({"report_id": ["a"], "region": ["甲区"], "year": [2023], "text": ["推进"]}))
        {}
    """
    figures: dict = {}
    for region in multi_year_regions(corpus):
        part = _where(corpus, "region", region)
        slug = plots.file_part(region)
        source = _source(part)
        figures[f"markers_over_years_{slug}"] = plots.marker_trajectories(
            marker_rates(part, by="year"), region=region, source=source)
        changes = new_and_gone(part, region=region, min_count=min_count)
        for ya, yb in _pairs(corpus, region):
            pair = narrow(part, _table(part)["year"].isin([ya, yb]))
            result = compare_years(pair, ya, yb, region=region, min_count=min_count)
            figures[f"distinctive_terms_{slug}_{ya}_{yb}"] = plots.distinctive_terms(
                result, top_k=15, source=_source(pair))
            step = changes[(changes["year_from"] == ya) & (changes["year_to"] == yb)]
            if step.empty:
                step = pd.DataFrame({"region": [region], "year_from": [ya], "year_to": [yb], "term": [""],
                                     "status": ["none"], "count_from": [0], "count_to": [0]})
            figures[f"new_and_gone_{slug}_{ya}_{yb}"] = plots.new_and_gone_terms(step, top_k=12,
                                                                                       source=_source(pair))
    return figures


def attainment_figures(corpus: pd.DataFrame | Any, attainment: pd.DataFrame | None = None) -> dict:
    """A targets-vs-results chart per region with consecutive reports: ``targets_vs_results_<region>``.

    Example:
        >>> attainment_figures(pd.DataFrame({"report_id": ["a"], "region": ["甲区"], "year": [2023],
        ...                                  "text": ["增长5%"]}))
        {}
    """
    att = attainment if attainment is not None else target_attainment(corpus)
    table = _table(corpus)
    figures: dict = {}
    for region in sorted(att["region"].dropna().unique()):
        rows = att[att["region"] == region]
        if not rows["unit"].isin(["%", "个百分点", "百分点"]).any():
            continue
        part = table[(table["region"] == region)
                     & table["year"].isin(set(rows["year"]) | {y + 1 for y in rows["year"]})]
        figures[f"targets_vs_results_{plots.file_part(region)}"] = plots.attainment_chart(
            rows, region=region, source=_source(part))
    return figures


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def theme_findings(corpus: pd.DataFrame | Any) -> str:
    """Markdown findings on themes, written from the numbers: each report's leading themes,
    the largest shifts within each region, and the leader of each theme in a shared year.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a"], "region": ["甲区"], "year": [2023], "label": ["甲区 2023"],
        ...                       "text": ["发展乡村旅游，保护水源，保护水源。"]})
        >>> print(theme_findings(paras).splitlines()[0])
        - **甲区 2023**：笔墨最多的主题是生态环境（66.7%）、文化旅游（16.7%）、乡村振兴（16.7%）。
    """
    lines: list[str] = []
    by_report = _by_report(corpus)
    for label, part in by_report.groupby("report", sort=False):
        top = part.sort_values(["share", "theme"], ascending=[False, True]).head(3)
        lines.append(f"- **{_md(label)}**：笔墨最多的主题是"
                     + "、".join(f"{_md(name)}（{_pct(float(share))}）"
                                 for name, share in zip(top["theme_name"], top["share"], strict=True)) + "。")
    for region in multi_year_regions(corpus):
        tf = theme_frequencies(_where(corpus, "region", region), by="year")
        years = sorted(int(y) for y in tf["year"].unique())
        first = tf[tf["year"] == years[0]].set_index("theme")
        last = tf[tf["year"] == years[-1]].set_index("theme")
        change = (last["share"] - first["share"]).sort_values(kind="mergesort")
        up, down = change.index[-1], change.index[0]
        rise, fall = (f"{_md(last.loc[t, 'theme_name'])}（{_pct(first.loc[t, 'share'])} → "
                      f"{_pct(last.loc[t, 'share'])}）" for t in (up, down))
        lines.append(f"- **{_md(region)} {years[0]}—{years[-1]}年**：占比上升最多的是{rise}，下降最多的是{fall}。")
    for year in multi_region_years(corpus):
        tf = _by_report(_where(corpus, "year", year))
        leaders = []
        for theme, part in tf.groupby("theme_name", sort=False):
            best = part.sort_values(["per_10k", "group"], ascending=[False, True]).iloc[0]
            leaders.append(f"{_md(theme)}：{_md(best['group'].rsplit(' ', 1)[0])}")
        lines.append(f"- **{year}年各地区**：各主题每万词频次最高的地区 —— " + "；".join(leaders) + "。")
    if not multi_year_regions(corpus) and not multi_region_years(corpus):
        lines.append("- 语料只有单一地区的单一年份：加入同一地区另一年份的报告后显示主题的逐年变化，"
                     "加入同一年份其他地区的报告后显示地区间比较。")
    return "\n".join(lines)


def rhetoric_findings(corpus: pd.DataFrame | Any, *, top_k: int = 10, min_count: int = 2) -> str:
    """Markdown findings on rhetoric across years: for each pair of consecutive reports of a
    region, the most distinctive terms on each side and the counts of new and faded terms.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a"], "region": ["甲区"], "year": [2023], "text": ["推进"]})
        >>> theme = rhetoric_findings(paras)
        >>> theme.startswith("- 语料中没有")
        True
    """
    lines: list[str] = []
    for region in multi_year_regions(corpus):
        part = _where(corpus, "region", region)
        changes = new_and_gone(part, region=region, min_count=min_count)
        for ya, yb in _pairs(corpus, region):
            result = compare_years(part, ya, yb, region=region, min_count=min_count)
            a = "、".join(map(_md, result[result["score"] > 0].head(top_k)["term"]))
            b = "、".join(map(_md, result[result["score"] < 0].tail(top_k).iloc[::-1]["term"]))
            step = changes[(changes["year_from"] == ya) & (changes["year_to"] == yb)]
            n_new, n_gone = int((step["status"] == "new").sum()), int((step["status"] == "gone").sum())
            lines.append(f"- **{_md(region)} {ya} → {yb}**：{ya}年报告更多使用 {a or '（无）'}；{yb}年报告更多使用 "
                         f"{b or '（无）'}。新出现的词 {n_new} 个、消失的词 {n_gone} 个（出现至少 {min_count} 次）。")
    if not lines:
        lines.append("- 语料中没有同一地区两个年份的报告：逐年比较需要同一地区至少两年的报告；"
                     "不同地区之间的比较请用 `compare_regions`。")
    return "\n".join(lines)


def _words(value: object) -> str:
    return _md(value) if isinstance(value, str) else ""


def _listing(rows: pd.DataFrame) -> str:
    return "；".join(f"{_md(r.indicator)}：目标{_words(r.target_text)}，实绩{_words(r.actual_text) or '（据文字表述）'}"
                    for r in rows.itertuples(index=False))


def attainment_findings(attainment: pd.DataFrame, *, corpus: object = None) -> str:
    """Markdown findings on targets against results, one line per region and year.

    ``attainment`` is :func:`miyun_text.target_attainment` output (annual figures of
    canonical indicators, coded exceeded, met, missed as its codebook says). Given the
    ``corpus`` (a paragraph table or a ``Corpus``), a region whose report of year Y set
    no annual targets is said to have none, never "0 targets".

    Example:
        >>> att = pd.DataFrame({"region": ["甲区"] * 3, "year": [2022] * 3,
        ...     "indicator": ["地区生产总值", "城镇调查失业率", "社会消费品零售总额"],
        ...     "target_text": ["增长5%左右", "控制在5%以内", None], "actual_text": ["增长6.1%", "5.3%", "增长6%"],
        ...     "status": ["exceeded", "missed", "no target stated"]})
        >>> for part in attainment_findings(att).replace("（", "；（").split("；"):
        ...     print(part)
        - **甲区 2022年**：年度目标 2 项，次年报告中超过 1 项、达到 0 项、未达到 1 项
        （城镇调查失业率：目标控制在5%以内，实绩5.3%）
        超过目标的是地区生产总值：目标增长5%左右，实绩增长6.1%
        另有 1 项主要指标的实绩未设目标
        （社会消费品零售总额）。
    """
    lines = []
    for (region, year), part in (attainment.groupby(["region", "year"], sort=True) if len(attainment) else []):
        targets = part[part["status"] != "no target stated"]
        exceeded, met = part[part["status"] == "exceeded"], part[part["status"] == "met"]
        missed, silent = part[part["status"] == "missed"], part[part["status"] == "no result stated"]
        extra = part[part["status"] == "no target stated"]
        text = (f"- **{_md(region)} {year}年**：年度目标 {len(targets)} 项，次年报告中超过 {len(exceeded)} 项、"
                f"达到 {len(met)} 项、未达到 {len(missed)} 项")
        if len(missed):
            text += f"（{_listing(missed)}）"
        if len(exceeded):
            text += f"；超过目标的是{_listing(exceeded)}"
        if len(silent):
            text += f"；未报告结果 {len(silent)} 项（" + "、".join(map(_md, silent["indicator"])) + "）"
        if len(extra):
            text += f"；另有 {len(extra)} 项主要指标的实绩未设目标（" + "、".join(map(_md, extra["indicator"])) + "）"
        lines.append((str(region), int(str(year)), text + "。"))
    lines += _without_targets(attainment, corpus)
    if not lines:
        return "- 没有可对照的目标与实绩：需要同一地区相邻两年的报告（Y 年报告提出目标，Y+1 年报告回顾实绩）。"
    return "\n".join(line for _, _, line in sorted(lines))


def _without_targets(attainment: pd.DataFrame, corpus: object) -> list[tuple[str, int, str]]:
    """Lines for regions whose report of a year set no annual targets that its next report could meet."""
    if corpus is None:
        return []
    paragraphs = getattr(corpus, "paragraphs", corpus)
    if not isinstance(paragraphs, pd.DataFrame) or not {"region", "year", "report_id"} <= set(paragraphs.columns):
        return []
    reports = _regions(paragraphs)
    have = set(zip(attainment["region"].astype(str), attainment["year"].astype(int), strict=True)) \
        if len(attainment) else set()
    lines = []
    for region, part in reports.groupby("region", sort=True):
        years = sorted(int(y) for y in part["year"])
        for year in years:
            if year + 1 in years and (str(region), year) not in have:
                lines.append((str(region), year, f"- **{_md(region)} {year}年**：{year}年报告没有提出可量化的年度目标"
                              "（或没有年度安排部分），无从与次年报告的实绩对照。"))
    return lines

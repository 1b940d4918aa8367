"""Slogans and formulas over time: when a formula first appears, how far it spreads, how hot it runs.

The items are every quoted expression (:func:`miyun_text.vocabulary.quoted_terms`) and every
numbered formula (:func:`miyun_text.vocabulary.formulas`: 两山, “5+2”, 四个意识) found anywhere in
the corpus. A formula is often quoted when it is new and written without quotes once it is
established, so each item is then counted wherever its words occur in a report, quoted or not
(``quoted`` counts the quoted occurrences alone). A formula written in digits (“5+2”) is not
counted inside a longer one (1+5+2).

:func:`formula_timeline` gives one row per item and year (or per item and report, with
``by="report"``), zeros included, so a year in which a formula is absent is a row with count 0;
:func:`formula_spread` sums each item's life: first and last year, the regions that used it
first, its peak, and how fast it spread; :func:`formula_findings` writes the newest and the
fastest-spreading formulas as Markdown.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .errors import ArgumentError, PanelError
from .escape import markdown_text as _md
from .grouping import paragraphs_of
from .vocabulary import formulas, quoted_terms

__all__ = ["SPREAD_COLUMNS", "TIMELINE_COLUMNS", "formula_findings", "formula_spread", "formula_timeline"]

TIMELINE_COLUMNS = [
    "formula", "source", "kind", "year", "count", "quoted", "chars", "per_10k", "n_regions", "regions_total",
    "region_share", "regions", "first_year", "last_year",
]
REPORT_COLUMNS = [
    "formula", "source", "kind", "report_id", "label", "region", "year", "count", "quoted", "chars", "per_10k",
    "first_year", "last_year",
]
SPREAD_COLUMNS = [
    "formula", "source", "kind", "first_year", "last_year", "years_seen", "first_regions", "first_share",
    "peak_year", "peak_share", "spread_per_year", "count", "per_10k", "new",
]


def _paragraph_table(corpus: object, caller: str) -> pd.DataFrame:
    table = paragraphs_of(corpus, caller)
    if "year" not in table.columns:
        raise PanelError(f"{caller}: the paragraph table has no 'year' column; a timeline needs each report's year "
                         "(build the table with corpus_paragraphs or open_corpus)")
    return table


def _reports(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """One row per report: report_id, label, region, year, its text and its characters (whitespace not counted)."""
    ids = paragraphs["report_id"].astype(str) if "report_id" in paragraphs.columns else \
        pd.Series("report", index=paragraphs.index)
    rows = []
    for report_id, part in paragraphs.groupby(ids, sort=False):
        first = part.iloc[0]
        label = str(first["label"]) if "label" in part.columns and pd.notna(first["label"]) else str(report_id)
        region = str(first["region"]) if "region" in part.columns and pd.notna(first["region"]) else label
        text = "\n".join(str(t) for t in part["text"])
        rows.append({"report_id": report_id, "label": label, "region": region, "year": int(first["year"]),
                     "text": text, "chars": len(re.sub(r"\s", "", text))})
    return pd.DataFrame(rows, columns=["report_id", "label", "region", "year", "text", "chars"])


def _pattern(item: str) -> re.Pattern[str]:
    # a digit formula stands alone: 5+2 is not counted inside 1+5+2 or 5+2+1
    head = r"(?<![\d.+])" if item[:1].isdigit() else ""
    tail = r"(?![\d.+])" if item[-1:].isdigit() or ("+" in item and item[-1:].isalpha()) else ""
    return re.compile(head + re.escape(item) + tail)


def _items(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Every quoted term and formula of the corpus: formula, source, kind."""

    found = formulas(paragraphs)
    rows = {str(r.formula): ("formula", str(r.form)) for r in found.itertuples(index=False)}
    for r in quoted_terms(paragraphs).itertuples(index=False):
        term = str(r.term)
        if len(term) >= 2 and term not in rows:
            rows[term] = ("quoted", str(r.kind))
    return pd.DataFrame([(t, s, k) for t, (s, k) in rows.items()], columns=["formula", "source", "kind"])


# Forms a formula only ever takes: digits (5+2), a numeral and 个 (两个维护), an enumeration.
_DISTINCT_FORMS = ("digits", "numeral-个", "enumeration")


def _per_report(paragraphs: pd.DataFrame, *, top_k: int | None, min_count: int,
                min_quoted_share: float) -> pd.DataFrame:
    reports = _reports(paragraphs)
    items = _items(paragraphs)
    rows = []
    report_rows = reports.to_dict("records")
    for item in items.to_dict("records"):
        pattern, quoted = _pattern(item["formula"]), f"“{item['formula']}”"
        for k, report in enumerate(report_rows):
            text = report["text"]
            rows.append((item["formula"], item["source"], item["kind"], report["report_id"], report["label"],
                         report["region"], report["year"], len(pattern.findall(text)), text.count(quoted),
                         report["chars"], k))
    frame = pd.DataFrame(rows, columns=["formula", "source", "kind", "report_id", "label", "region", "year",
                                        "count", "quoted", "chars", "_report"])
    totals = frame.groupby("formula", sort=False)[["count", "quoted"]].sum()
    # a word quoted once and written plainly a hundred times (人民, 融合, 五年) is a word, not a slogan
    distinct = frame.drop_duplicates("formula").set_index("formula")["kind"].isin(_DISTINCT_FORMS)
    slogan = distinct.reindex(totals.index) | (totals["quoted"] >= min_quoted_share * totals["count"])
    keep = totals.loc[slogan & (totals["count"] >= max(min_count, 1)), "count"]
    order = sorted(keep.index, key=lambda t: (-int(keep[t]), t))
    if top_k is not None:
        order = order[:top_k]
    frame = frame[frame["formula"].isin(order)].copy()
    seen = frame[frame["count"] > 0].groupby("formula")["year"].agg(["min", "max"])
    frame["first_year"] = frame["formula"].map(seen["min"])
    frame["last_year"] = frame["formula"].map(seen["max"])
    frame["per_10k"] = np.where(frame["chars"] > 0, frame["count"] * 1e4 / frame["chars"].clip(lower=1), 0.0)
    frame["_order"] = frame["formula"].map({t: k for k, t in enumerate(order)})
    frame = frame.sort_values(["_order", "year", "_report"], kind="mergesort").drop(columns=["_order", "_report"])
    return frame.reset_index(drop=True)


def formula_timeline(
    corpus: object,
    *,
    by: str = "year",
    top_k: int | None = 10,
    min_count: int = 2,
    min_quoted_share: float = 0.05,
) -> pd.DataFrame:
    """Each quoted term and numbered formula over the years (see the module docstring).

    ``corpus`` is a paragraph table with ``year`` (and ``region``, ``label`` where present)
    or an object with a ``.paragraphs`` table. Items seen fewer than ``min_count`` times
    in the whole corpus are left out; ``top_k`` keeps the most frequent (None: all). An item
    found only in quotation marks (a quoted term, or a quoted numeral form such as “两山”)
    stays when at least ``min_quoted_share`` of its occurrences are quoted: a word quoted
    once and written plainly hundreds of times (人民, 融合, 五年) is an ordinary word, not a
    slogan. Digit formulas (5+2), numeral-个 formulas (两个维护) and enumerations always stay.

    ``by="year"`` (default): one row per item and year of the corpus, columns
    :data:`TIMELINE_COLUMNS`: ``count`` and ``quoted`` occurrences that year, ``chars``
    (characters of that year's reports, whitespace not counted), ``per_10k`` (occurrences
    per 10,000 characters, pooled over the year's reports), ``n_regions`` (regions whose
    report uses it that year) of ``regions_total`` (regions with a report that year),
    ``region_share``, ``regions`` (named, 、-separated), and the item's ``first_year`` and
    ``last_year`` in the corpus. ``by="report"``: one row per item and report (a region in
    a year) with its own count, characters and rate per 10,000 characters.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b", "c"], "region": ["甲区", "甲区", "乙区"],
        ...     "year": [2022, 2023, 2023], "text": ["践行“两山”理念。", "践行两山理念，深化“放管服”改革。",
        ...     "坚持“两山”路径，推进“放管服”改革。"]})
        >>> t = formula_timeline(paras, min_count=1)
        >>> t[t.formula == "两山"][["year", "count", "quoted", "n_regions", "regions_total"]].values.tolist()
        [[2022, 1, 1, 1, 1], [2023, 2, 1, 2, 2]]
        >>> t[t.formula == "放管服"][["year", "n_regions", "first_year"]].values.tolist()
        [[2022, 0, 2023], [2023, 2, 2023]]
    """
    paragraphs = _paragraph_table(corpus, "formula_timeline")
    if top_k is not None and (not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1):
        raise ArgumentError(f"formula_timeline: top_k={top_k!r} must be a whole number from 1 up, or None for all")
    per_report = _per_report(paragraphs, top_k=top_k, min_count=min_count, min_quoted_share=min_quoted_share)
    if by == "report":
        out = per_report[REPORT_COLUMNS]
        return out.astype({"formula": "string", "source": "string", "kind": "string", "report_id": "string",
                           "label": "string", "region": "string", "year": "int64", "count": "int64",
                           "quoted": "int64", "chars": "int64", "per_10k": "float64", "first_year": "int64",
                           "last_year": "int64"})
    if by != "year":
        raise ArgumentError(f"formula_timeline: by={by!r} is not 'year' or 'report'")
    rows = []
    for (formula, _year), part in per_report.groupby(["formula", "year"], sort=False):
        users = part.loc[part["count"] > 0, "region"]
        regions = part["region"].nunique()
        chars = int(part["chars"].sum())
        first = part.iloc[0]
        rows.append({"formula": formula, "source": first["source"], "kind": first["kind"],
                     "year": int(part["year"].iloc[0]),
                     "count": int(part["count"].sum()), "quoted": int(part["quoted"].sum()), "chars": chars,
                     "per_10k": part["count"].sum() * 1e4 / chars if chars else 0.0,
                     "n_regions": int(users.nunique()), "regions_total": int(regions),
                     "region_share": users.nunique() / regions if regions else 0.0,
                     "regions": "、".join(dict.fromkeys(users)), "first_year": int(first["first_year"]),
                     "last_year": int(first["last_year"])})
    frame = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    return frame.astype({"formula": "string", "source": "string", "kind": "string", "year": "int64",
                         "count": "int64", "quoted": "int64", "chars": "int64", "per_10k": "float64",
                         "n_regions": "int64", "regions_total": "int64", "region_share": "float64",
                         "regions": "string", "first_year": "int64", "last_year": "int64"})


def formula_spread(corpus_or_timeline: object, *, top_k: int | None = 10, min_count: int = 2) -> pd.DataFrame:
    """One row per item: its life in the corpus, fastest-spreading first.

    Takes a corpus (then :func:`formula_timeline` is computed with ``top_k`` and
    ``min_count``) or the ``by="year"`` table of :func:`formula_timeline`. Columns
    :data:`SPREAD_COLUMNS`: ``first_year``, ``last_year``, ``years_seen`` (years with
    any use), ``first_regions`` (the regions that used it in its first year) and
    ``first_share`` (their share of that year's regions), ``peak_year`` and ``peak_share``
    (the largest share of regions reached, first year reaching it), ``spread_per_year``
    (share of regions gained per year from first year to peak; missing when it peaked in
    its first year or was seen in one year only), ``count`` and ``per_10k`` over the whole
    corpus, and ``new``: first seen after the corpus's first year (a formula present from
    the first year may be older than the corpus, so it is never called new). Sorted by
    ``spread_per_year`` (missing last), then ``first_year`` latest first, then count.

    Example:
        >>> paras = pd.DataFrame({"report_id": list("abcd"), "region": ["甲区", "乙区", "甲区", "乙区"],
        ...     "year": [2022, 2022, 2023, 2023], "text": ["推进“放管服”改革。", "推进政务服务改革。",
        ...     "深化“放管服”改革。", "深化“放管服”改革。"]})
        >>> row = formula_spread(paras, min_count=1).iloc[0]
        >>> row.formula, int(row.first_year), float(row.first_share), float(row.peak_share), float(row.spread_per_year)
        ('放管服', 2022, 0.5, 1.0, 0.5)
    """
    if isinstance(corpus_or_timeline, pd.DataFrame) and "n_regions" in corpus_or_timeline.columns:
        timeline = corpus_or_timeline
    else:
        timeline = formula_timeline(corpus_or_timeline, top_k=top_k, min_count=min_count)
    first_corpus_year = int(timeline["year"].min()) if len(timeline) else None
    rows = []
    for formula, part in timeline.groupby("formula", sort=False):
        part = part.sort_values("year")
        used = part[part["count"] > 0]
        first = used.iloc[0]
        peak_share = float(part["region_share"].max())
        peak = part[part["region_share"] == peak_share].iloc[0]
        gained = (peak_share - float(first["region_share"]))
        span = int(peak["year"]) - int(first["year"])
        chars = int(part["chars"].sum())
        rows.append({"formula": formula, "source": first["source"], "kind": first["kind"],
                     "first_year": int(first["year"]), "last_year": int(used.iloc[-1]["year"]),
                     "years_seen": len(used), "first_regions": first["regions"],
                     "first_share": float(first["region_share"]), "peak_year": int(peak["year"]),
                     "peak_share": peak_share, "spread_per_year": gained / span if span > 0 else np.nan,
                     "count": int(part["count"].sum()), "per_10k": part["count"].sum() * 1e4 / chars if chars else 0.0,
                     "new": first_corpus_year is not None and int(first["year"]) > first_corpus_year})
    frame = pd.DataFrame(rows, columns=SPREAD_COLUMNS)
    frame = frame.sort_values(["spread_per_year", "first_year", "count", "formula"],
                              ascending=[False, False, False, True], na_position="last", kind="mergesort")
    return frame.reset_index(drop=True).astype({
        "formula": "string", "source": "string", "kind": "string", "first_year": "int64", "last_year": "int64",
        "years_seen": "int64", "first_regions": "string", "first_share": "float64", "peak_year": "int64",
        "peak_share": "float64", "spread_per_year": "float64", "count": "int64", "per_10k": "float64",
        "new": "bool"})


def formula_findings(corpus_or_timeline: object, *, top_k: int = 10, min_count: int = 2) -> str:
    """Markdown findings: the newest formulas and the fastest-spreading ones, from the numbers.

    Every value from the reports (a formula, a region) is escaped as literal text
    (:func:`miyun_text.escape.markdown_text`).

    Example:
        >>> paras = pd.DataFrame({"report_id": list("abcd"), "region": ["甲区", "乙区", "甲区", "乙区"],
        ...     "year": [2022, 2022, 2023, 2023], "text": ["推进“放管服”改革。", "推进政务服务改革。",
        ...     "深化“放管服”改革，发展“新质生产力”。", "深化“放管服”改革。"]})
        >>> print(formula_findings(paras, min_count=1))
        - **最新的提法**（2023年首次出现）：新质生产力（2023年 甲区）。
        - **扩散最快的提法**：放管服（2022年 1/2 个地区 → 2023年 2/2，每年增加 50.0% 的地区）。
    """
    if isinstance(corpus_or_timeline, pd.DataFrame) and "n_regions" in corpus_or_timeline.columns:
        timeline = corpus_or_timeline
    else:
        timeline = formula_timeline(corpus_or_timeline, top_k=None, min_count=min_count)
    if timeline.empty:
        return "- 语料中没有引号提法或数字化提法。"
    years = sorted(int(y) for y in timeline["year"].unique())
    if len(years) < 2:
        return (f"- 语料只有 {years[0]} 年的报告：提法的首次出现与扩散需要多个年份的报告"
                "（同一地区或不同地区）。")
    spread = formula_spread(timeline)
    lines = []
    new = spread[spread["new"]]
    if len(new):
        newest = int(new["first_year"].max())
        latest = new[new["first_year"] == newest].sort_values(["first_share", "count", "formula"],
                                                               ascending=[False, False, True]).head(top_k)
        lines.append(f"- **最新的提法**（{newest}年首次出现）："
                     + "、".join(f"{_md(r.formula)}（{newest}年 {_md(r.first_regions)}）" for r in latest.itertuples())
                     + "。")
    else:
        lines.append(f"- 所有提法在语料的第一年（{years[0]}年）已经出现，无法判断哪些是新提法。")
    fast = spread.dropna(subset=["spread_per_year"])
    fast = fast[fast["spread_per_year"] > 0].head(top_k)
    if len(fast):
        parts = []
        for r in fast.to_dict("records"):
            part = timeline[timeline["formula"] == r["formula"]].set_index("year")
            a, b = part.loc[r["first_year"]], part.loc[r["peak_year"]]
            parts.append(f"{_md(r['formula'])}（{r['first_year']}年 {a.n_regions}/{a.regions_total} 个地区 → "
                         f"{r['peak_year']}年 {b.n_regions}/{b.regions_total}，"
                         f"每年增加 {r['spread_per_year'] * 100:.1f}% 的地区）")
        lines.append("- **扩散最快的提法**：" + "；".join(parts) + "。")
    else:
        lines.append("- 没有提法在语料的年份间扩散到更多地区。")
    return "\n".join(lines)


"""The offline explorer: term search with keyword in context, distinctive terms, and text reuse.

The site (:func:`miyun_text.site.explorer_page`) makes it one HTML file with its data and a
small script (``resources/explorer.js``) embedded; nothing is fetched. The data comes from
the package's own functions: the paragraphs of :func:`~miyun_text.structure.corpus_paragraphs`
with the length of each of their tokens, so that a term is found exactly as :func:`~miyun_text.keywords.kwic` finds it,
as a whole token (``whole_token=True``, what the distinctive terms count) or as a
substring, and comparisons from
:func:`~miyun_text.rhetoric.review_vs_plan` (review vs plan within each report) and
:func:`~miyun_text.rhetoric.compare_years` (pairs of years within a region), and the
passages reports share (:func:`~miyun_text.reuse.text_reuse`, :func:`~miyun_text.reuse.reuse_shares`):
a heat map of the share of each report found in each other, and for a chosen pair the passages
side by side with the shared text marked.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pandas as pd

from .escape import script_json
from .grouping import report_label
from .paths import resource_path
from .reuse import marked_texts, reuse_shares, text_reuse
from .rhetoric import compare_years, review_vs_plan
from .segment import default_segmenter
from .tokens import paragraph_tokens

__all__ = ["KWIC_WINDOW", "explorer_data", "explorer_parts"]

KWIC_WINDOW = 15  # characters each side, as kwic's default
_MAX_TERMS = 400  # terms per comparison kept for the scatter (the most distinctive by |z|)
_KIND_ZH = {"review": "回顾", "plan": "安排", "outlook": "展望", "self-building": "自身建设"}
_MAX_REUSE_REPORTS = 40  # beyond, every pair would swell the page: each region's consecutive years only
_MAX_PASSAGES = 60  # passages per pair kept for the page (the longest)


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)


def _reuse_data(paragraphs: pd.DataFrame, position: dict[str, int]) -> dict[str, Any] | None:
    """Shares and passages of text reuse between the reports, by their position in the page's report list."""
    body = paragraphs[(paragraphs["part_no"] > 0) & paragraphs["report_id"].isin(list(position))]
    if body["report_id"].nunique() < 2:
        return None
    design = "all" if body["report_id"].nunique() <= _MAX_REUSE_REPORTS else "consecutive"
    passages = text_reuse(body, pairs=design)
    shares = reuse_shares(body, pairs=design, passages=passages)
    cells = []
    for s in shares.to_dict("records"):
        a, b = position[str(s["report_a"])], position[str(s["report_b"])]
        cells.append([b, a, _number(s["share_b"]), _number(s["peer_share_b"]), int(s["passages"])])
        cells.append([a, b, _number(s["share_a"]), _number(s["peer_share_a"]), int(s["passages"])])
    pairs = []
    for (ra, rb), found in passages.groupby(["report_a", "report_b"], sort=False):
        kept = found.nlargest(_MAX_PASSAGES, "length", keep="first").sort_index()
        rows = []
        for p in kept.to_dict("records"):
            marked_a, marked_b = marked_texts(str(p["text_a"]), str(p["text_b"]))
            rows.append([[[t, int(shared)] for t, shared in marked_a], [[t, int(shared)] for t, shared in marked_b],
                         round(float(p["similarity"]), 3), None if pd.isna(p["n_reports"]) else int(p["n_reports"]),
                         None if pd.isna(p["formulaic"]) else bool(p["formulaic"])])
        pairs.append([position[str(ra)], position[str(rb)], len(found), rows])
    return {"design": design, "cells": cells, "pairs": pairs}


def _short(title: Any) -> str:
    if title is None or (not isinstance(title, str) and pd.isna(title)):
        return ""
    return str(title).split("，")[0]


def _terms(result: pd.DataFrame) -> list[list[Any]]:
    ranked = result.assign(_abs=result["score"].abs()).sort_values(["_abs", "term"], ascending=[False, True])
    kept = ranked.head(_MAX_TERMS).sort_values(["score", "term"], ascending=[False, True])
    return [[str(r["term"]), int(r["count_a"]), int(r["count_b"]), round(float(r["per_10k_a"]), 2),
             round(float(r["per_10k_b"]), 2), round(float(r["score"]), 3)] for r in kept.to_dict("records")]


def _year_pairs(years: list[int]) -> list[tuple[int, int]]:
    """Every pair of up to five years; beyond that each year with the next and the first with the last,
    so a long panel does not swell the page quadratically."""
    if len(years) <= 5:
        return list(itertools.combinations(years, 2))
    return [*itertools.pairwise(years), (years[0], years[-1])]


def explorer_data(corpus: pd.DataFrame, paragraphs: pd.DataFrame, *, min_count: int = 2) -> dict[str, Any]:
    """The explorer's data: reports, paragraphs (with part and section labels and the lengths
    of their tokens) and comparisons.

    Each paragraph row is ``[report, part kind, part, section, para_no, text, token
    lengths]``; the tokens are those of :func:`~miyun_text.segment.default_segmenter` for
    the corpus's place names, the cut :func:`~miyun_text.keywords.kwic` reads with
    ``whole_token=True`` and the comparisons count.

    Comparisons: each report's review against its plan (within one report), and pairs
    of years within a region (every pair of up to five years; for longer panels each
    year with the next, and the first with the last); groups a report lacks are left out.
    ``reuse`` (with two reports or more, else None): ``cells`` ``[row, column, share,
    peer share, passages]`` — the share of the row report's characters found in the column
    report — and ``pairs`` ``[a, b, passages found, [[marked A, marked B, similarity,
    n_reports, formulaic] …]]`` with each side's text in runs ``[text, shared]`` (the
    longest 60 passages of a pair); every pair of up to 40 reports, beyond that each
    region's consecutive years.

    Example:
        >>> import pandas as pd
        >>> from miyun_text.structure import corpus_paragraphs
        >>> corpus = pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["甲区"],
        ...     "text": ["一、2023年工作回顾\\n完成建成完成。\\n二、2024年工作安排\\n推进确保推进。"]})
        >>> data = explorer_data(corpus, corpus_paragraphs(corpus), min_count=1)
        >>> data["reports"][0]["label"], len(data["paragraphs"]), data["comparisons"][0]["a"]
        ('甲区 2024', 2, '回顾2023')
    """
    reports = corpus.sort_values(["region", "year", "report_id"]).reset_index(drop=True)
    position = {rid: k for k, rid in enumerate(reports["report_id"])}
    shown = paragraphs[paragraphs["report_id"].isin(position)]
    cuts = paragraph_tokens(shown, default_segmenter(corpus), kept=False) if len(shown) else []
    rows = []
    for p, cut in zip(shown.to_dict("records"), cuts, strict=True):
        part_name = "" if int(p["part_no"]) == 0 else f"{int(p['part_no'])}. {_short(p['part_title'])}"
        rows.append([position[p["report_id"]], str(p["part_kind"] or ""), part_name, _short(p["section_title"]),
                     int(p["para_no"]), str(p["text"]), [len(token) for token in cut]])
    comparisons = []
    body = paragraphs[paragraphs["part_no"] > 0]
    report_rows = reports.to_dict("records")
    for r in report_rows:
        part = body[body["report_id"] == r["report_id"]]
        if not {"review", "plan"} <= set(part["part_kind"].dropna()):
            continue
        result = review_vs_plan(part, report_id=r["report_id"], min_count=min_count)
        part_years = {k: part.loc[part["part_kind"] == k, "part_year"].dropna().unique() for k in ("review", "plan")}
        a = f"回顾{int(part_years['review'][0])}" if len(part_years["review"]) else "回顾"
        b = f"安排{int(part_years['plan'][0])}" if len(part_years["plan"]) else "安排"
        comparisons.append({"label": f"{report_label(r['region'], r['year'])}：{a} 对 {b}（报告内比较）", "a": a,
                            "b": b, "region": str(r["region"]), "year": int(r["year"]), "terms": _terms(result)})
    for region, group in reports.groupby("region", sort=True):
        years = sorted({int(y) for y in group["year"]})
        ids = set(group["report_id"])
        region_body = body[body["report_id"].isin(ids)]
        for year_a, year_b in _year_pairs(years):
            result = compare_years(region_body, year_a, year_b, min_count=min_count)
            comparisons.append({"label": f"{region}：{year_a}年报告 对 {year_b}年报告", "a": f"{year_a}年",
                                "b": f"{year_b}年", "region": str(region), "years": [year_a, year_b],
                                "terms": _terms(result)})
    return {
        "window": KWIC_WINDOW,
        "reports": [{"id": str(r["report_id"]), "label": report_label(r["region"], r["year"]),
                     "region": str(r["region"]), "year": int(r["year"])} for r in report_rows],
        "paragraphs": rows,
        "comparisons": comparisons,
        "reuse": _reuse_data(paragraphs, {str(k): v for k, v in position.items()}),
    }


_BODY = """<h1>检索与比较 Explorer</h1>
<div class="tabs" role="tablist">
<button id="tab-search" role="tab" aria-selected="true">词语检索 Term search</button>
<button id="tab-compare" role="tab" aria-selected="false">区分性词语 Distinctive terms</button>
<button id="tab-reuse" role="tab" aria-selected="false">文本复用 Text reuse</button>
</div>
<section id="view-search">
<p class="controls"><label>词语 term <input id="q" type="search" placeholder="例如 保水" autocomplete="off"></label>
<select id="region" aria-label="地区 region"></select> <select id="year" aria-label="年份 year"></select>
<select id="part" aria-label="部分 part"></select></p>
<p class="controls" role="radiogroup" aria-label="计数方式 how occurrences count">
<label><input type="radio" name="mode" id="mode-word" value="word" checked> 整词 whole word</label>
<label><input type="radio" name="mode" id="mode-sub" value="sub"> 子串 substring</label>
<span class="note">整词：与分词结果中的词完全相同（区分性词语的计数方式）；
子串：文中任何位置的这串字（“保水护水”一词中的“保水”亦算）。
Whole word: a token of the segmentation, as the distinctive terms count; substring: anywhere in the text.</span></p>
<p>出现 <b id="total">0</b> 次 occurrences <span id="other" class="note"></span>
<span id="shown" class="note"></span></p>
<div class="counts">
<table><caption>按报告 by report</caption><tbody id="by-report"></tbody></table>
<table><caption>按部分 by part kind</caption><tbody id="by-kind"></tbody></table>
<table><caption>按年份 by year</caption><tbody id="by-year"></tbody></table>
</div>
<div class="kwic-wrap"><table class="kwic"><thead><tr><th>报告 report</th><th>部分 part</th><th>节 section</th>
<th class="left">上文 before</th><th class="term">词语 term</th><th>下文 after</th></tr></thead>
<tbody id="kwic"></tbody></table></div>
</section>
<section id="view-compare" hidden>
<p class="controls"><label>比较 comparison <select id="cmp"></select></label></p>
<p class="note">每个点是一个词：横轴、纵轴为两组中的每万词频次（对数刻度）；颜色为对数优势比 z 分数
（蓝：第一组更多，橙：第二组更多，灰：|z| &lt; 1.96）。图中标出最显著的词，其余悬停可见；点击词语可检索其上下文。
次数按整词计数。Each dot is a term placed by its rate in each group (log scales); colour is the log-odds z
score; the most distinctive terms are labelled, the others named on hover. Counts are whole-word counts.</p>
<div class="compare"><div id="scatter"></div>
<div class="lists"><h3><span id="side-a"></span> 更多 more</h3><ol id="top-a"></ol>
<h3><span id="side-b"></span> 更多 more</h3><ol id="top-b"></ol></div>
</div>
</section>
<section id="view-reuse" hidden>
<p class="controls"><label>显示 show <select id="reuse-value">
<option value="2">全部复用段落 all passages</option>
<option value="3">不含套话 without formulaic passages</option></select></label></p>
<p class="note" id="reuse-note">行：复用报告 B；列：来源报告 A；格：B 的文字中见于 A 的比例（%）。
点击一格，下方并排显示两份报告共有的段落，共有文字高亮。见于 5 份及以上报告的段落为套话（formulaic）。
Rows: the report reusing; columns: the source; a cell is the share of the row report's characters found in
the column report. Click a cell for the passages.</p>
<div id="reuse-map"></div>
<h3 id="reuse-title"></h3>
<table class="reuse"><tbody id="reuse-passages"></tbody></table>
</section>"""

_CSS = (
    ".tabs button{font:inherit;padding:6px 14px;border:1px solid #ccc;background:#f5f5f5;cursor:pointer}"
    ".tabs button[aria-selected=true]{background:#1F4E79;color:#fff;border-color:#1F4E79}"
    ".controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center}input,select{font:inherit;padding:3px}"
    ".counts{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}"
    ".counts table{min-width:11em}.counts caption{text-align:left;color:#555;white-space:nowrap}"
    ".counts td.empty{color:#888}"
    ".kwic-wrap{overflow-x:auto;max-width:100%}"
    ".kwic td.left{text-align:right;white-space:nowrap}.kwic td.term{text-align:center;font-weight:bold;color:#8B2E16}"
    ".kwic td.right{white-space:nowrap}.kwic th{white-space:nowrap}.note{color:#555;font-size:13px}"
    ".compare{display:flex;gap:20px;flex-wrap:wrap}.compare #scatter{flex:1 1 320px;max-width:560px}"
    ".compare svg{border:1px solid #eee;width:100%;height:auto;font-size:11px}"
    ".compare svg .label{font-size:11px;fill:#222}.compare svg .tick{font-size:10px;fill:#555}"
    ".compare svg .axis-title{font-size:11px;fill:#333}"
    ".compare ol{font-size:14px;margin:0 0 1em}.compare h3{font-size:1em;margin:.4em 0}"
    ".controls>label{max-width:100%;min-width:0}select{max-width:100%}"
    # on a phone the plot is drawn smaller: its text is set larger, in the plot's own units
    "@media (max-width:600px){.compare svg .label{font-size:17px}.compare svg .tick{font-size:15px}"
    ".compare svg .axis-title{font-size:15px}}"
    ".reuse td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eee;max-width:36em}"
    ".reuse mark{background:#FFE08A}#reuse-map svg{font-size:11px}#reuse-map rect[data-pair]{cursor:pointer}"
)


def explorer_parts(corpus: pd.DataFrame, paragraphs: pd.DataFrame) -> tuple[str, str, str]:
    """The explorer's page body (its data embedded), its CSS and its script, for the site to put in a page
    (:func:`miyun_text.site.explorer_page`).

    Example:
        >>> import pandas as pd
        >>> from miyun_text.structure import corpus_paragraphs
        >>> corpus = pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["甲区"],
        ...                        "text": ["一、2023年工作回顾\\n保水。"]})
        >>> body, style, script = explorer_parts(corpus, corpus_paragraphs(corpus))
        >>> 'id="explorer-data"' in body, "explorer-data" in script
        (True, True)
    """
    script = resource_path("explorer.js").read_text(encoding="utf-8")
    # < > & and U+2028/9 as \u escapes: no "</script>" or "<!--" in the data can end or bend the element
    data = script_json(explorer_data(corpus, paragraphs))
    body = f'{_BODY}\n<script type="application/json" id="explorer-data">{data}</script>'
    return body, _CSS, script

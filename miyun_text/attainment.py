"""Targets against results: a region's targets for year Y (its report of Y) beside the
results for Y its next report states, coded as research on growth targets codes them.

The coding rule (:func:`attainment_status`): an indicator for which more is better
(growth, revenue, income, jobs) has a target that is a floor or a band. A result above a
floor (以上, 不低于, a bare figure, the top of a range) or above a band (左右 ± the
tolerance) is ``exceeded``, at or within it ``met``, below it ``missed``. An indicator
for which less is better (consumer prices, unemployment, energy and carbon intensity,
PM2.5) has a ceiling: a result at or below it (within the band of a 左右 target) is
``met``, above it ``missed``. This is the coding of Li, Liu, Weng and Zhou (2019),
"Targeting and the Growth of Chinese Provinces", *Economic Journal* 129(623),
2894–2930, where a growth result at or above target counts as meeting it, and of the
press tallies of provinces that met their growth targets.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from .errors import ArgumentError
from .indicators import canonical_indicator, extract_indicators, figure_text, indicator_table, paragraph_table
from .structure import split_sentences

__all__ = ["ATTAINMENT_COLUMNS", "STATUSES", "attainment_status", "target_attainment"]

STATUSES = ("exceeded", "met", "missed", "no result stated", "no target stated")
ATTAINMENT_COLUMNS = [
    "region", "year", "indicator", "measure", "unit", "better", "headline", "target_value", "target_high",
    "target_qualifier", "target_text", "actual_value", "actual_qualifier", "actual_text", "gap", "met", "status",
    "evidence", "target_report", "actual_report", "target_sentence", "actual_sentence",
]
_DTYPES = {
    "region": "string", "year": "int64", "indicator": "string", "measure": "string", "unit": "string",
    "better": "string", "headline": "boolean", "target_value": "float64", "target_high": "float64",
    "target_qualifier": "string", "target_text": "string", "actual_value": "float64", "actual_qualifier": "string",
    "actual_text": "string", "gap": "float64", "met": "boolean", "status": "string", "evidence": "string",
    "target_report": "string", "actual_report": "string", "target_sentence": "string", "actual_sentence": "string",
}
_DOWN = ("下降", "降低", "减少")
_FLOORS = ("以上", "不低于", "超过", "力争", None)
_SCALES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
# A review that says the targets were reached, or not, without a number for each.
_ALL_MET = re.compile(r"(?:主要|各项|全年|年度)[^。；，]{0,12}目标(?:任务)?[^。；，]{0,4}"
                      r"(?:全面|顺利|圆满|较好|如期|胜利)?(?:完成|实现)|"
                      r"(?:全面|顺利|圆满|较好|如期|胜利)(?:完成|实现)(?:了)?(?:全年|年度|今年)?(?:的)?(?:主要)?(?:预期)?"
                      r"目标(?:任务)?")
_NOT_MET = re.compile(r"未能?(?:完成|实现|达到)[^。；，]{0,6}目标|没有(?:完成|实现|达到)[^。；，]{0,6}目标|"
                      r"低于(?:年初)?(?:预期)?目标|未达(?:到)?(?:预期|年初)?目标")
_ONE_MET = re.compile(r"(?:完成|实现|达到|超过|超额完成|好于)(?:了)?(?:年初|全年|年度)?(?:的)?(?:预期)?目标")


def attainment_status(actual: float, target: float, *, qualifier: str | None = None, high: float | None = None,
                      better: str = "higher", tolerance: float = 0.5) -> str:
    """``exceeded``, ``met`` or ``missed``: a result against its target (see the module docstring).

    ``actual`` and ``target`` are signed (a fall of 3% is -3); ``high`` is the top of a
    range; ``better`` is ``higher`` (a floor or band) or ``lower`` (a ceiling).

    Example:
        >>> attainment_status(5.3, 5, qualifier="左右"), attainment_status(6.1, 5, qualifier="左右")
        ('met', 'exceeded')
        >>> attainment_status(5.4, 5, high=5.5, qualifier="range"), attainment_status(4.8, 5, qualifier="以上")
        ('met', 'missed')
        >>> attainment_status(0.2, 2, qualifier="左右", better="lower")
        'met'
        >>> attainment_status(5.6, 5.5, qualifier="以内", better="lower")
        'missed'
    """
    eps = 1e-9
    if better == "lower":
        ceiling = high if high is not None and not pd.isna(high) else target
        allowance = tolerance if qualifier in ("左右", "约") else 0.0
        return "met" if actual <= ceiling + allowance + eps else "missed"
    if high is not None and not pd.isna(high):
        if actual > high + eps:
            return "exceeded"
        return "met" if actual >= target - eps else "missed"
    if qualifier in ("左右", "约", "同步"):
        if actual > target + tolerance + eps:
            return "exceeded"
        return "met" if actual >= target - tolerance - eps else "missed"
    if actual < target - eps:
        return "missed"
    return "exceeded" if actual > target + eps else "met"


def _scale(unit: object) -> tuple[str, float]:
    unit = str(unit) if isinstance(unit, str) else ""
    for prefix, factor in _SCALES.items():
        if unit.startswith(prefix) and len(unit) > len(prefix):
            return unit[len(prefix):], factor
    return unit, 1.0


def _signed(value: float, direction: object) -> float:
    return -value if isinstance(direction, str) and direction in _DOWN else value


def _number_text(row: pd.Series) -> str:
    return figure_text(row)


def _annual(ind: pd.DataFrame, kinds: tuple[str, ...]) -> pd.DataFrame:
    rows = ind[ind["kind"].isin(kinds) & (ind["basis"] == "annual") & ind["canonical"].fillna(False)].copy()
    rows["order"] = range(len(rows))
    rows["first_part"] = rows["section_no"].isna()
    # the target paragraph (主要预期目标) before a section restating a figure
    rows = rows.sort_values(["first_part", "order"], ascending=[False, True], kind="mergesort")
    # plain values (None for missing) so that each cell can be tested as it is
    plain = rows.astype(object)
    return plain.mask(rows.isna(), other=None)


def _in_words(paragraphs: pd.DataFrame, year: int) -> dict[str, tuple[str, str]]:
    """Results stated only in words in a review of ``year``: indicator (or ``*`` for all) → (status, sentence)."""
    found: dict[str, tuple[str, str]] = {}
    review = paragraphs
    if "period_end" in paragraphs.columns:
        review = paragraphs[paragraphs["period_end"].astype("Int64") == year]
    for text in review["text"].astype(str):
        for sentence in split_sentences(text):
            negative, positive = _NOT_MET.search(sentence), _ALL_MET.search(sentence) or _ONE_MET.search(sentence)
            if not (negative or positive):
                continue
            status = "missed" if negative else "met"
            clauses = re.split(r"[，；。]", sentence)
            named = False
            for clause in clauses:
                if not (_NOT_MET.search(clause) or _ALL_MET.search(clause) or _ONE_MET.search(clause)):
                    continue
                name = re.split(r"(?:增长|增速|完成|实现|达到|未能|没有|低于|超过|好于)", clause)[0]
                indicator = canonical_indicator(re.sub(r"^(?:全年|全[省市区县])", "", name)) if name else None
                if indicator:
                    found.setdefault(indicator, (status, sentence))
                    named = True
            if not named and _ALL_MET.search(sentence) and not negative:
                found.setdefault("*", ("met", sentence))
    return found


def _compatible(t: pd.Series, a: pd.Series) -> float | None:
    """The result in the target's unit, or None when the two cannot be compared."""
    if t["qualifier"] == "同步":
        return a["value"] if a["measure"] == "growth" else None
    if t["measure"] != a["measure"] and not ({t["measure"], a["measure"]} <= {"growth", "change"}):
        return None
    if t["unit"] == a["unit"]:
        return a["value"]
    (tb, tf), (ab, af) = _scale(t["unit"]), _scale(a["unit"])
    if tb and tb == ab:
        return a["value"] * af / tf
    return None


def target_attainment(corpus: object, *, tolerance: float = 0.5,
                      indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Targets for year Y (a region's report of Y) against the results for Y (its report of Y+1).

    ``corpus`` is a ``Corpus`` or a paragraph table (:func:`miyun_text.corpus_paragraphs`)
    holding reports of one or more regions; each region's consecutive reports are paired.
    Only annual figures take part: a target for Y, stated in Y's plan, against the
    result for Y in the next report's review (five-year figures never meet a one-year
    target). Targets and results join by canonical indicator (``resources/indicators.csv``)
    and measure (growth in %, or a level in its unit, 万 and 亿 multiplied out).

    ``status`` (:func:`attainment_status`, the coding the module docstring sets out
    with its source): ``exceeded`` (better than the target's floor or band), ``met``,
    ``missed``, ``no result stated`` (the next report states no figure for it) or ``no
    target stated`` (a headline result, in the measure its targets use, that the plan
    set no target for; only when that plan has targets at all). A 同步 target (居民收入
    增长与经济增长同步) takes the economy's growth that year as its value, and so does a
    快于 target (增速快于经济增速) as a floor; a 正增长 target is a floor of zero; targets
    with no number to meet (高于全国, 稳定, 国家下达) are judged from words only; joint income
    (城乡居民…) meets the urban and rural results, one row each. A result stated with
    its own qualifier (增长4.5%左右) keeps it in ``actual_qualifier``. A target with no
    figure in the next report is read from its words where it says so (一般公共预算收入
    完成预期目标; 未能完成预期目标; 主要目标任务全面完成 for all): ``evidence`` is
    ``number`` or ``words``. ``better`` is ``higher`` or ``lower`` (CPI, unemployment,
    energy and carbon intensity, PM2.5); ``gap`` is actual − target (signed: a fall of
    3% is −3); ``met`` is True for met and exceeded. ``target_text``/``actual_text``
    give the figures as the reports word them (增长5%左右). Sorted by region, year,
    then targets with results, targets without, results without targets.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "region": ["甲区"] * 2, "year": [2022, 2023],
        ...     "part_no": [1, 1], "part_kind": ["plan", "review"], "part_year": [2022, 2022],
        ...     "section_no": pd.array([None, None], dtype="Int64"),
        ...     "text": ["地区生产总值增长5%左右；城镇调查失业率控制在5%以内。",
        ...              "地区生产总值按不变价计算增长6.3%；城镇调查失业率3.9%。"]})
        >>> t = target_attainment(paras)
        >>> t[["indicator", "target_text", "actual_text", "status"]].values.tolist()
        [['地区生产总值', '增长5%左右', '增长6.3%', 'exceeded'], ['城镇调查失业率', '控制在5%以内', '3.9%', 'met']]
    """
    paras = paragraph_table(corpus, "target_attainment")
    for column in ("report_id", "year", "text"):
        if column not in paras.columns:
            raise ArgumentError(f"target_attainment needs a {column!r} column; use miyun_text.open_corpus()")
    if "region" not in paras.columns:
        paras = paras.assign(region=pd.Series(pd.NA, index=paras.index, dtype="string"))
    ind = indicators if indicators is not None else extract_indicators(paras)
    reports = paras[["report_id", "region", "year"]].drop_duplicates("report_id")
    reports = reports.assign(region=reports["region"].astype("string").fillna(""))
    years = {(r, int(y)): str(rid) for rid, r, y in reports[["report_id", "region", "year"]].itertuples(index=False)}
    pairs = sorted((r, y) for (r, y) in years if (r, y + 1) in years)
    table = indicator_table().set_index("indicator")
    rows: list[dict] = []
    for region, year in pairs:
        plan_id, review_id = years[(region, year)], years[(region, year + 1)]
        common = {"region": region or None, "year": year, "target_report": plan_id, "actual_report": review_id}
        targets = _annual(ind[(ind["report_id"] == plan_id) & (ind["year"] == year)], ("target",))
        results = _annual(ind[(ind["report_id"] == review_id) & (ind["year"] == year)], ("actual", "expected"))
        targets = targets.drop_duplicates(["indicator", "measure", "unit"])
        words = _in_words(paras[paras["report_id"] == review_id], year)
        economy = results[(results["indicator"] == "地区生产总值") & (results["measure"] == "growth")]
        economy_growth = float(economy["value"].iloc[0]) if len(economy) else math.nan
        matched: set[tuple[str, str]] = set()
        for _, t in targets.iterrows():
            better = str(table.loc[t["indicator"], "better"]) or "higher"
            if better not in ("higher", "lower"):
                better = "lower" if t["direction"] in _DOWN else "higher"
            sides = [t["indicator"]]
            if t["qualifier"] == "同步" and t["indicator"] in ("城乡居民人均可支配收入", "居民人均可支配收入"):
                own = results[(results["indicator"] == t["indicator"]) & (results["measure"] == "growth")]
                split = [n for n in ("城镇居民人均可支配收入", "农村居民人均可支配收入")
                         if ((results["indicator"] == n) & (results["measure"] == "growth")).any()]
                if own.empty and split:
                    sides = split
            for name in sides:
                candidates = results[results["indicator"] == name]
                hit, actual = None, None
                for _, a in candidates.iterrows():
                    actual = _compatible(t, a)
                    if actual is not None:
                        hit = a
                        break
                matched.add((name, t["measure"]))
                if t["qualifier"] in ("同步", "快于"):
                    target_value, target_high = economy_growth, math.nan  # the economy's growth that year
                elif t["qualifier"] == "正增长":
                    target_value, target_high = 0.0, math.nan
                elif t["value"] is None:
                    target_value, target_high = math.nan, math.nan  # 高于全国, 稳定, 国家下达: no number to meet
                else:
                    target_value = _signed(float(t["value"]), t["direction"])
                    target_high = _signed(float(t["value_high"]), t["direction"]) if t["value_high"] is not None \
                        else math.nan
                    if pd.notna(target_high) and target_high < target_value:
                        target_value, target_high = target_high, target_value
                row = {**common, "indicator": name, "measure": t["measure"],
                       "unit": t["unit"] if isinstance(t["unit"], str) else (
                           "%" if t["qualifier"] in ("同步", "快于", "正增长") else None),
                       "better": better, "headline": bool(table.loc[t["indicator"], "headline"]),
                       "target_value": target_value, "target_high": target_high,
                       "target_qualifier": t["qualifier"], "target_text": _number_text(t),
                       "target_sentence": t["sentence"]}
                if hit is not None and actual is not None and not pd.isna(target_value):
                    value = _signed(float(actual), hit["direction"])
                    status = attainment_status(value, target_value, qualifier=t["qualifier"],
                                               high=None if pd.isna(target_high) else target_high, better=better,
                                               tolerance=tolerance)
                    rows.append({**row, "actual_value": value, "actual_qualifier": hit["qualifier"],
                                 "actual_text": _number_text(hit), "gap": value - target_value,
                                 "met": status in ("met", "exceeded"), "status": status, "evidence": "number",
                                 "actual_sentence": hit["sentence"]})
                    continue
                said = words.get(name) or words.get("*")
                if said is not None:
                    rows.append({**row, "actual_value": math.nan, "actual_qualifier": None, "actual_text": None,
                                 "gap": math.nan, "met": said[0] == "met", "status": said[0], "evidence": "words",
                                 "actual_sentence": said[1]})
                else:
                    rows.append({**row, "actual_value": math.nan, "actual_qualifier": None, "actual_text": None,
                                 "gap": math.nan, "met": None, "status": "no result stated", "evidence": None,
                                 "actual_sentence": None})
        if targets.empty:
            continue  # a report without targets: nothing is "not targeted" in it
        seen: set[tuple[str, str]] = set()
        for _, a in results.iterrows():
            name = a["indicator"]
            key = (name, a["measure"])
            if key in matched or key in seen or not bool(table.loc[name, "headline"]):
                continue
            if a["measure"] != table.loc[name, "measure"] and not (a["measure"] == "change"
                                                                    and table.loc[name, "measure"] == "growth"):
                continue
            if a["measure"] == "growth" and a["unit"] != "%":
                continue
            seen.add(key)
            better = str(table.loc[name, "better"]) or "higher"
            rows.append({**common, "indicator": name, "measure": a["measure"], "unit": a["unit"], "better": better,
                         "headline": True, "target_value": math.nan, "target_high": math.nan,
                         "target_qualifier": None, "target_text": None,
                         "actual_value": _signed(float(a["value"]), a["direction"]),
                         "actual_qualifier": a["qualifier"], "actual_text": _number_text(a), "gap": math.nan,
                         "met": None, "status": "no target stated", "evidence": "number",
                         "target_sentence": None, "actual_sentence": a["sentence"]})
    out = pd.DataFrame(rows, columns=ATTAINMENT_COLUMNS)
    if len(out):
        rank = {"exceeded": 0, "met": 0, "missed": 0, "no result stated": 1, "no target stated": 2}
        out["_rank"] = out["status"].map(rank)
        out = out.sort_values(["region", "year", "_rank"], kind="mergesort").drop(columns="_rank")
    return out.reset_index(drop=True).astype(_DTYPES)

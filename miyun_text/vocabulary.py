"""Policy vocabulary: quoted expressions, numbered formulas, quantified results and targets.

Measures take text (a string, a Series of paragraphs, or the paragraph table from
:func:`miyun_text.structure.parse_report`) and return tidy DataFrames; on text without
quotes or numbers they return empty frames with the right columns and dtypes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from .errors import ArgumentError, DataTypeError
from .grouping import paragraphs_of, text_cells
from .paths import resource_path
from .structure import split_sentences

__all__ = [
    "ATTAINMENT_COLUMNS",
    "INDICATOR_ALIASES",
    "INDICATOR_COLUMNS",
    "QUOTE_KINDS",
    "Quantity",
    "extract_indicators",
    "formulas",
    "normalise_indicator",
    "parse_quantity",
    "quoted_terms",
    "target_attainment",
]

QUOTE_KINDS = ("slogan", "programme", "honour", "metaphor", "other")
INDICATOR_COLUMNS = [
    "indicator",
    "value",
    "unit",
    "change_pct",
    "qualifier",
    "kind",
    "year",
    "sentence",
    "report_id",
    "part_no",
    "section_no",
    "region",
    "label",
    "start_value",
    "basis",
]

_QUOTE = re.compile(r"“([^“”\n]{1,40})”")
_NUMERALS = "一二两三四五六七八九十百千万"
_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
# Units a work report uses after numbers, longest first so 平方公里 beats 公里.
_UNITS = sorted(
    (
        "亿美元 万美元 美元 个百分点 百分点 "
        "亿元 万元 千元 元 % 万人次 人次 万人 人 万户 户 平方公里 公里 千米 万平方米 平方米 万平米 平米 "
        "万亩 亩 公顷 亿立方米 万立方米 立方米 万吨 吨 万千瓦 千瓦 千伏 个 家 项 所 处 座 条 名 位 台 辆 "
        "套 栋 间 张 件 批 支 株 种 倍 次 届 周年 年"
    ).split(),
    key=len,
    reverse=True,
)
_QUANTITY = re.compile(
    r"(?P<pre>近|超过|超|(?<!签)约|逾|达到|达)?"
    r"(?P<num>\d+(?:\.\d+)?)"
    r"(?P<mult>[万亿千])?"
    r"(?P<approx>余|多)?"
    r"(?P<unit>" + "|".join(map(re.escape, _UNITS)) + r")"
    r"(?P<post>左右|以上|以内|以下)?"
)
_GROWTH = re.compile(r"(同比|比上年|较上年|年均)?(增长|增速|提高|上升|下降|减少|回落)(?:率)?(?:了)?$")
_LEADING_TO_NUMBER = re.compile(r"(?:的)?(?:预期目标|主要目标|目标)?(?:是|为|达到|达|保持在|保持|实现|控制在)*$")
# Frames of a growth rate that name no indicator: the rate belongs to the one named before
# (地区生产总值435亿元，按不变价计算增长4.8%; 区级一般公共预算收入完成32亿元，同口径增长8.8%).
_RATE_FRAMES = re.compile(
    r"^(?:按不变价格?计算|按可比价格?计算|按可比口径计算?|按同口径计算?|同口径|可比口径|自然口径|可比|"
    r"扣除[^，、；]{1,12}因素后?|"
    r"剔除[^，、；]{1,12}因素后?|同比|比上年|较上年|比上年同期|较上年同期|预计|初步预计|全年|分别)+"
)
# Wording that says on what basis a figure is stated (prices, coverage, averaging, estimate):
# kept in the ``basis`` column so 年均增长4.3% is not read as one year's growth.
_BASIS = re.compile(r"按不变价格?计算|按可比价格?计算|按可比口径计算?|按同口径计算?|同口径|可比口径|年均|初步预计|预计")
# A difference from a benchmark (高于年初预期目标0.4个百分点) measures no indicator of its own.
_COMPARISON = re.compile(r"^(?:高于|低于|快于|慢于|好于|超出|多于|少于|比|较)")
# A reach stated without its subject (…设施开放共享，全年服务用户超过3000人次): the thing measured
# sits in an earlier clause, so the words before the number name no indicator.
_REACH = re.compile(r"^(?:服务|惠及|覆盖|辐射|吸引)")
# A predicate after the counted thing (3个交叉研究平台竣工): the thing is the name, the verb is news.
_PREDICATE_TAIL = re.compile(
    r"(?:全部|全面|均|已|顺利|基本|如期)?(?:竣工|完工|开工|建成|投用|投产|落地|通车|开业|上线|获批|入选|完成|"
    r"取得批复|通过验收)$"
)
# Start and end of a change: 地区生产总值从2280亿元增长到3200亿元.
_FROM_TO = re.compile(
    r"从(?P<a>\d+(?:\.\d+)?[万亿千]?[^\d，。；、]{0,4}?)"
    r"(?:增长|增加|提高|提升|上升|下降|减少|扩大|跃升)?(?:到|至)(?=\d)"
)
# Two or more indicators sharing one verb: 城镇、农村居民人均可支配收入分别增长4.6%和6.8%.
_RESPECTIVELY = re.compile(
    r"(?P<names>[\u4e00-\u9fffA-Za-z]{1,20}(?:、[\u4e00-\u9fffA-Za-z]{1,20})*)(?:分别)"
    r"(?P<verb>比上年增长|同比增长|增长|提高|下降|达到|为)?"
    r"(?P<nums>\d+(?:\.\d+)?(?:[万亿]?元|%)?(?:(?:、|和)\d+(?:\.\d+)?(?:[万亿]?元|%)?)+)"
)
_RESPECTIVE_RATES = re.compile(
    r"[，,]?(?:分别)?(?P<verb>比上年增长|同比增长|增长|提高|下降)"
    r"(?P<nums>\d+(?:\.\d+)?%(?:(?:、|和)\d+(?:\.\d+)?%)+)"
)
# Growth tied to the economy's: 居民人均可支配收入增长与经济增长基本同步.
_IN_STEP = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{2,16}?)(?:增长|增速)?(?:与|和|同)(?:经济增长|经济增速|地区生产总值增长|地区生产总值增速)"
    r"(?:保持|实现)?(?:基本)?同步"
)
_NAME_TRIM_HEAD = re.compile(
    r"^(?:全年|初步预计|其中|累计|全区|今年|力争|确保|预计|共|实现|完成|达到|新增|新建|建成|筹集|组织实施好|组织实施|"
    r"办好|开展|推进|扎实推进|解决|发放|促进|改善提升|改善|提升|拆除|腾退|修缮|新改建|整治修缮|绿化美化|"
    r"编制完成上报|节约资金|通过|为|与|在|引进|聚集|建立|集中签约|签约|新设|接待)+"
)
_NAME_TRIM_TAIL = re.compile(
    r"(?:达到|达|为|实现|控制在|保持在|保持|超过|突破|(?<!签)约|近|超|共计|累计|等|和|及|均|预计完成|预计|完成|从|由|"
    r"按不变价格?计算|按可比价格?计算|同口径|可比口径|年均)+$"
)
_FOLLOWING = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?=的|[^\u4e00-\u9fff]|签订|喜迁|$)")
_FRAME_WORDS = frozenset({"明确", "来自", "中科院", "其中", "共", "累计"})
# Sentence cues, used only where the part does not say (outlook, preamble, unknown layouts):
# the bare word 目标 is no cue (完成年度目标 states a result).
_TARGET_WORDS = ("预期目标", "主要目标", "目标是", "目标为", "力争", "争取", "控制在", "预期", "计划")
_ACTUAL_WORDS = ("预计完成", "预计", "完成", "实现", "达到", "累计", "同比", "比上年", "按不变价", "同口径", "建成",
                 "新增", "全年")
# One indicator, several names: the canonical name first.
INDICATOR_ALIASES = {
    "地区生产总值": ("GDP", "地区生产总值（GDP）", "生产总值", "全区地区生产总值", "全市地区生产总值", "经济增长",
                     "经济增速", "地区生产总值增速", "经济"),
    "居民人均可支配收入": ("全体居民人均可支配收入", "全区居民人均可支配收入", "居民收入"),
    "城镇调查失业率": ("城镇调查失业率控制", "调查失业率"),
    "社会消费品零售总额": ("社会消费品零售额", "社零额", "社会消费品零售总额增速"),
    "固定资产投资": ("全社会固定资产投资", "固定资产投资额"),
}
_ALIAS = {alias: name for name, aliases in INDICATOR_ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class Quantity:
    """A number as written (``value``, ``unit``) and in base units (``base_value``, ``base_unit``)."""

    value: float
    unit: str
    qualifier: str | None
    base_value: float
    base_unit: str


def parse_quantity(text: str) -> Quantity | None:
    """Parse a quantity such as 1.5万亩, 3800余个, 119.1亿元, 4.5%以内.

    ``value`` and ``unit`` are as written; ``base_value`` multiplies out 万/亿 (119.1亿元
    is 1.191e10 元). Qualifiers: 余, 多, 近, 超, 超过, 约, 以上, 以内, 左右, 以下.

    Example:
        >>> q = parse_quantity("119.1亿元")
        >>> q.value, q.unit, q.base_value, q.base_unit
        (119.1, '亿元', 11910000000.0, '元')
        >>> parse_quantity("3800余个").qualifier, parse_quantity("4%左右").qualifier
        ('余', '左右')
        >>> parse_quantity("保水") is None
        True
    """
    match = _QUANTITY.fullmatch(text.strip())
    return _quantity(match) if match else None


def _quantity(match: re.Match[str]) -> Quantity:
    value = float(match.group("num"))
    mult = match.group("mult") or ""
    unit = mult + match.group("unit")
    qualifier = match.group("approx") or match.group("post") or match.group("pre")
    if qualifier in ("达到", "达"):
        qualifier = None
    base_unit, factor = unit, 1.0
    for prefix, scale in _MULTIPLIERS.items():
        if unit.startswith(prefix) and len(unit) > 1:
            base_unit, factor = unit[1:], scale
            break
    return Quantity(value, unit, qualifier, value * factor, base_unit)


def _paragraphs(data: str | pd.Series | pd.DataFrame | Any) -> pd.DataFrame:
    """Accept a string, a Series of texts, a paragraph table or a Corpus; return a paragraph table."""
    if isinstance(getattr(data, "paragraphs", None), pd.DataFrame):
        return paragraphs_of(data, "a Corpus")
    if isinstance(data, str):
        return pd.DataFrame({"text": [data]})
    if isinstance(data, pd.Series):
        return text_cells(pd.DataFrame({"text": data.tolist()}), "a Series of texts")
    if isinstance(data, pd.DataFrame) and "text" in data.columns:
        return text_cells(data, "a paragraph table")
    raise DataTypeError(
        f"expected a Corpus, a str, a Series of texts or a DataFrame with a 'text' column, got {type(data).__name__}"
    )


@lru_cache(maxsize=1)
def _kind_rules() -> dict:
    import yaml

    with open(resource_path("vocabulary.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def quote_kind(term: str) -> str:
    """Kind of a quoted expression: slogan, programme, honour, metaphor or other.

    Example:
        >>> quote_kind("保水、护山、守规、兴城"), quote_kind("百千工程"), quote_kind("护城河")
        ('slogan', 'programme', 'metaphor')
    """
    rules = _kind_rules()
    for kind in ("metaphor", "honour", "slogan", "programme"):
        rule = rules.get(kind, {})
        if term in rule.get("terms", []):
            return kind
    for kind in ("metaphor", "honour", "slogan", "programme"):
        rule = rules.get(kind, {})
        if any(term.endswith(s) for s in rule.get("suffixes", [])):
            return kind
        if any(c in term for c in rule.get("contains", [])):
            return kind
    return "other"


def quoted_terms(corpus: str | pd.Series | pd.DataFrame | Any) -> pd.DataFrame:
    """Every “…” expression with its count, first context and kind, most frequent first.

    Example:
        >>> quoted_terms("坚持“两山”理论。践行“两山”理念，打造“三好生”。")[["term", "count", "kind"]].values.tolist()
        [['两山', 2, 'slogan'], ['三好生', 1, 'honour']]
    """
    paragraphs = _paragraphs(corpus)
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for text in paragraphs["text"].astype(str):
        for sentence in split_sentences(text):
            for match in _QUOTE.finditer(sentence):
                term = match.group(1).strip()
                counts[term] += 1
                first.setdefault(term, sentence)
    rows = [
        {"term": t, "count": n, "kind": quote_kind(t), "first_context": first[t]}
        for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    frame = pd.DataFrame(rows, columns=["term", "count", "kind", "first_context"])
    return frame.astype({"term": "string", "count": "int64", "kind": "string", "first_context": "string"})


_FORMULA_PATTERNS = [
    # numeral formulas in quotes: “两山” “七有” “五好两宜” “三区三线” “百千工程”
    ("numbered", re.compile(rf"“([{_NUMERALS}][^“”，、。]{{0,5}}?(?:[{_NUMERALS}][^“”，、。]{{0,3}})?)”")),
    # digit formulas: “5+2”, 1+9+N, “1+5”
    ("digits", re.compile(r"(?<![\d.])(\d+(?:\+(?:\d+|[A-Z]))+)(?![\d.])")),
    # 两个确立, 四个意识: numeral + 个 + two-character idea
    ("numeral-个", re.compile(rf"(?<![\d{_NUMERALS}])([两三四五六七八九十]个[\u4e00-\u9fff]{{2}})(?=[”，、。；的]|$)")),
    # enumerations: 一条…带、四条…带
    ("enumeration", re.compile(rf"(一条[^、，。“”]{{2,16}}?带、[{_NUMERALS}]条[^、，。“”]{{2,16}}?带)")),
]


def formulas(corpus: str | pd.Series | pd.DataFrame | Any) -> pd.DataFrame:
    """Numbered formulas and abbreviations (两山, 七有, 五好两宜, “5+2”, 1+9+N, 两个确立, 一条…四条…).

    Example:
        >>> formulas("坚持“两山”理论，完善“5+2”体系，深化1+9+N机制。")[["formula", "form"]].values.tolist()
        [['1+9+N', 'digits'], ['5+2', 'digits'], ['两山', 'numbered']]
    """
    paragraphs = _paragraphs(corpus)
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[str, str] = {}
    for text in paragraphs["text"].astype(str):
        for sentence in split_sentences(text):
            seen_here: set[tuple[int, int]] = set()
            for form, pattern in _FORMULA_PATTERNS:
                for match in pattern.finditer(sentence):
                    span = match.span(1)
                    if any(a <= span[0] < b for a, b in seen_here):
                        continue
                    seen_here.add(span)
                    term = match.group(1)
                    if form == "numbered" and term.startswith(("一年", "两年", "三年", "一批", "一系列")):
                        continue
                    counts[(term, form)] += 1
                    first.setdefault(term, sentence)
    rows = [
        {"formula": t, "form": f, "count": n, "first_context": first[t]}
        for (t, f), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    ]
    frame = pd.DataFrame(rows, columns=["formula", "form", "count", "first_context"])
    return frame.astype({"formula": "string", "form": "string", "count": "int64", "first_context": "string"})


def _clean_name(raw: str) -> tuple[str, bool, int]:
    """Indicator name from the words before a number; whether it is a growth rate; its sign."""
    name = raw.strip(" ，、：:“”（）()")
    name = re.sub(r"^.*[：:]", "", name)
    # frames between the name and its number come off first: 增速达到6.2%, 经济增长预期目标为5%左右
    name = _LEADING_TO_NUMBER.sub("", name)
    growth = _GROWTH.search(name)
    sign = 1
    if growth:
        sign = -1 if growth.group(2) in ("下降", "减少", "回落") else 1
        name = name[: growth.start()]
    name = _NAME_TRIM_TAIL.sub("", name)
    name = _NAME_TRIM_HEAD.sub("", name)
    name = _NAME_TRIM_TAIL.sub("", name)
    name = _RATE_FRAMES.sub("", name)
    name = re.sub(r"^(?:全区|全市|全县|全年|今年|去年|区属|市属|县属)", "", name)
    name = re.sub(r"^城(?=居民)", "城镇", re.sub(r"^乡(?=居民)", "农村", name))  # 城、乡居民…分别
    return normalise_indicator(name.strip(" ，、（）()")), bool(growth), sign


def normalise_indicator(name: str) -> str:
    """The canonical name of an indicator, so phrasings join across reports.

    GDP, 生产总值 and 经济增长 are 地区生产总值; names the text keeps apart stay apart
    (一般公共预算收入, 区级一般公共预算收入 and 地方级收入 are three indicators). The alias
    table is :data:`INDICATOR_ALIASES`.

    Example:
        >>> normalise_indicator("GDP"), normalise_indicator("区级一般公共预算收入")
        ('地区生产总值', '区级一般公共预算收入')
        >>> normalise_indicator("全省生产总值"), normalise_indicator("全县一般公共预算收入")
        ('地区生产总值', '一般公共预算收入')
    """
    name = name.strip(" ，、：:")
    name = re.sub(r"[（(](?:GDP|gdp)[）)]$", "", name)
    # 全省生产总值, 全县一般公共预算收入: the whole jurisdiction is what an indicator measures
    # unless the text says otherwise (区级… stays apart)
    if name not in _ALIAS:
        name = re.sub(r"^全(?:省|市|区|县|州|旗|盟)(?=.{2})", "", name)
    return _ALIAS.get(name, name)


_PARAGRAPH_ACTUAL = ("过去一年", "一年来", "过去五年", "五年来", "去年")
_PARAGRAPH_TARGET = ("今年", "明年")


def _statement_kind(clause: str, part_kind: str | None, sentence: str = "", paragraph: str = "") -> str:
    # The part decides where the report says which year it speaks of; the sentence's cues
    # (预期目标, 力争; 完成, 同比) decide elsewhere, clause first; then the paragraph's
    # time words (过去一年 for results, 今年 for targets).
    if part_kind == "plan":
        return "target"
    if part_kind == "review":
        return "actual"
    for text in (clause, sentence):
        if any(w in text for w in _TARGET_WORDS):
            return "target"
        if any(w in text for w in _ACTUAL_WORDS):
            return "actual"
    if any(w in paragraph for w in _PARAGRAPH_ACTUAL):
        return "actual"
    if any(w in paragraph for w in _PARAGRAPH_TARGET):
        return "target"
    return "other"


def _statement_year(kind: str, part_year: object, report_year: object, fallback: int | None) -> int | None:
    """Year a statement speaks of: results are of the year before the report, targets of its own."""
    py = None if part_year is None or pd.isna(part_year) else int(part_year)
    ry = None if report_year is None or pd.isna(report_year) else int(report_year)
    if ry is None:
        return py if py is not None else fallback
    if kind == "actual":
        return py if py is not None and py < ry else ry - 1
    if kind == "target":
        return py if py is not None and py >= ry else ry
    return py if py is not None else ry


def extract_indicators(data: str | pd.Series | pd.DataFrame | Any, year: int | None = None) -> pd.DataFrame:
    """Quantified results and targets, one row per quantity.

    Each clause (split at 。；) is scanned for numbers with units. The indicator is the
    phrase before the number, stripped of frames (全年实现, 完成, 达到, 预计完成 …) and
    normalised (:func:`normalise_indicator`: GDP is 地区生产总值). A growth rate that
    follows a level (地区生产总值380亿元，同比增长4.5%; …，按不变价计算增长4.8%; …，
    同口径增长8.8%) fills that row's ``change_pct``; a growth rate on its own
    (地区生产总值增长4%左右) is a row with that ``change_pct`` and ``value`` and ``unit``
    empty, so ``value`` holds levels only (a rate such as 城镇调查失业率5% is a level).
    ``basis`` keeps the wording that says on what basis the row's figures are stated,
    in text order joined by 、: 按不变价计算, 按可比价格计算, 同口径, 可比口径, 年均
    (an average over several years, not one year's growth), 预计 (an estimate).
    ``城镇、农村居民人均可支配收入分别增长4.6%和6.8%`` gives two rows; ``从2280亿元增长到
    3200亿元`` one row with ``start_value`` 2280; ``提高2个百分点`` has unit 百分点;
    ``居民人均可支配收入增长与经济增长基本同步`` a row with qualifier 同步 and no value.
    Words before a number that name no indicator give no row: a difference from a
    benchmark (高于年初预期目标0.4个百分点) or a reach without its subject (全年服务用户
    超过3000人次); a predicate after a counted thing is dropped from its name
    (3个交叉研究平台竣工 counts 交叉研究平台).

    ``kind`` is decided by the part: ``actual`` in review parts, ``target`` in plan
    parts; elsewhere by the sentence's cues (预期目标, 力争, 控制在 for targets; 完成,
    同比, 按不变价 for results), never by the bare word 目标. ``year`` is the year the
    statement speaks of: a result is of the year before the report (its review year), a
    target of the report's year; for plain text, ``year``.

    Example:
        >>> df = extract_indicators("全年实现地区生产总值380亿元，同比增长4.5%。", year=2023)
        >>> df[["indicator", "value", "unit", "change_pct", "kind", "year"]].values.tolist()
        [['地区生产总值', 380.0, '亿元', 4.5, 'actual', 2023]]
        >>> two = extract_indicators("城镇、农村居民人均可支配收入分别增长4.6%和6.8%。", year=2023)
        >>> two[["indicator", "change_pct"]].values.tolist()
        [['城镇居民人均可支配收入', 4.6], ['农村居民人均可支配收入', 6.8]]
        >>> avg = extract_indicators("地区生产总值年均增长4.3%，按不变价计算增长5%。", year=2021)
        >>> avg[["indicator", "value", "change_pct", "basis"]].values.tolist()
        [['地区生产总值', nan, 4.3, '年均'], ['地区生产总值', nan, 5.0, '按不变价计算']]
    """
    paragraphs = _paragraphs(data)
    rows: list[dict] = []
    for record in paragraphs.to_dict("records"):
        text = str(record["text"])
        part_kind = record.get("part_kind")
        part_kind = part_kind if isinstance(part_kind, str) else None
        report_year = record.get("year") if "part_year" in record else None
        part_year = record.get("part_year", year)
        base = {
            "report_id": record.get("report_id"),
            "part_no": record.get("part_no"),
            "section_no": record.get("section_no"),
            "region": record.get("region"),
            "label": record.get("label"),
        }
        for sentence in split_sentences(text):
            for clause in re.split(r"(?<=[；;])", sentence):
                kind = _statement_kind(clause, part_kind, sentence, text)
                row_year = _statement_year(kind, part_year, report_year, year)
                common = {**base, "kind": kind, "year": row_year, "sentence": sentence}
                rows += _clause_indicators(clause, common)
    return _indicator_frame(rows)


def _clause_indicators(clause: str, common: dict) -> list[dict]:
    rows: list[dict] = []

    def add(name: str, value: float, unit: str | None, change: float, qualifier: str | None, at: int,
            start: float = math.nan, basis: str = "") -> dict | None:
        if _COMPARISON.match(name) or _REACH.match(name):
            return None
        if not pd.isna(change) and unit == "%":
            value, unit = math.nan, None  # a rate alone: value holds levels only, the rate is change_pct
        row = {"indicator": name, "value": value, "unit": "百分点" if unit == "个百分点" else unit,
               "change_pct": change, "qualifier": qualifier, "start_value": start,
               "basis": _basis(basis), **common, "_at": at}
        rows.append(row)
        return row

    masked = clause
    for match in _RESPECTIVELY.finditer(clause):
        names = match.group("names").split("、")
        pieces = re.findall(r"(\d+(?:\.\d+)?)([万亿]?元|%)?", match.group("nums"))
        values = [v for v, _ in pieces]
        unit = next((u for _, u in reversed(pieces) if u), "")
        if len(names) == 1 and len(values) == 2 and "城乡" in names[0]:
            # 城乡居民人均可支配收入分别增长5.1%、6.3%: urban, then rural
            head, _, rest = names[0].partition("城乡")
            names = [f"{head}城镇{rest}", f"农村{rest}"]
        if len(names) != len(values) or len(names) < 2:
            continue
        last = names[-1]
        head = last[: len(names[0])] if len(names[0]) < len(last) else last
        suffix = last[len(head):]
        full = [n if n == last else n + suffix for n in names]
        full[0] = re.sub(r"^.*[，：:]", "", full[0])
        verb = match.group("verb") or ""
        percent = unit == "%"
        growth = bool(re.search(r"增长|提高|下降", verb))
        sign = -1 if "下降" in verb else 1
        added = []
        for name, value in zip(full, values, strict=True):
            name, _, _ = _clean_name(name)
            v = float(value)
            added.append(add(name, v, unit, sign * v if growth and percent else math.nan, None, match.start(),
                             basis=match.group(0)))
        end = match.end()
        rates = _RESPECTIVE_RATES.match(clause, end)
        if rates and not percent:
            # …分别达到7.5万元和3.6万元，分别增长5%和7%: the rates follow their levels in order
            found = re.findall(r"\d+(?:\.\d+)?", rates.group("nums"))
            if len(found) == len(added) and all(row is not None for row in added):
                rate_sign = -1 if "下降" in rates.group("verb") else 1
                for row, value in zip(added, found, strict=True):
                    row["change_pct"] = rate_sign * float(value)
                    row["basis"] = _basis(row["basis"] + rates.group(0))
                end = rates.end()
        masked = masked[: match.start()] + "，" * (end - match.start()) + masked[end:]
    for match in _IN_STEP.finditer(masked):
        name, _, _ = _clean_name(match.group("name"))
        if name:
            add(name, math.nan, None, math.nan, "同步", match.start())
    from_to: dict[int, tuple[float, int]] = {}
    for match in _FROM_TO.finditer(masked):
        q = _QUANTITY.match(match.group("a"))
        if q:
            from_to[match.end()] = (_quantity(q).value, match.start())
    last: dict | None = None
    cursor = 0
    for match in _QUANTITY.finditer(masked):
        if any(begin <= match.start() < end for end, (_, begin) in from_to.items()):
            continue  # the start of a from-to change; it is read with its end
        start_value = math.nan
        if match.start() in from_to:
            start_value, begin = from_to[match.start()]
            before = masked[cursor:begin]
        else:
            before = masked[cursor : match.start()]
        segment = re.split(r"[，,、；;（(]", before)[-1]
        name, growth, sign = _clean_name(segment)
        q = _quantity(match)
        cursor = match.end()
        if growth and q.unit == "%" and last is not None and not name:
            if pd.isna(last["change_pct"]):
                last["change_pct"] = sign * q.value
                last["basis"] = _basis(f"{last['basis']}、{segment}")
                continue
            # a second rate of the same indicator on another basis (年均增长4.3%，按不变价计算增长5%)
            name = str(last["indicator"])
        if q.unit in ("年", "周年", "届") and not growth:
            continue  # dates and anniversaries are not indicators
        if not growth and (not name or segment.rstrip().endswith("等") or name in _FRAME_WORDS):
            # 明确30项先行先试任务, 与…等30余家单位: the counted thing follows the number
            following = _FOLLOWING.match(masked, match.end())
            name = _PREDICATE_TAIL.sub("", following.group(1)) if following else ""
        if not name:
            continue
        if name.startswith("占") and last is not None:
            # 规上工业增加值增长8.4%，占地区生产总值比重提高1.6个百分点: the share is of the indicator before
            name = str(last["indicator"]) + name
        row = add(name, q.value, q.unit, sign * q.value if growth and q.unit == "%" else math.nan,
                  q.qualifier, match.start(), start_value, basis=segment)
        last = row if row is not None else last
    rows.sort(key=lambda row: row.pop("_at"))
    return rows


def _basis(text: str) -> str:
    """The basis words in ``text``, in order, each once, joined by 、 (按不变价计算、年均)."""
    return "、".join(dict.fromkeys(m.group(0) for m in _BASIS.finditer(text)))


def _indicator_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    return frame.astype(
        {
            "indicator": "string",
            "value": "float64",
            "unit": "string",
            "change_pct": "float64",
            "qualifier": "string",
            "kind": "string",
            "year": "Int64",
            "sentence": "string",
            "report_id": "string",
            "part_no": "Int64",
            "section_no": "Int64",
            "region": "string",
            "label": "string",
            "start_value": "float64",
            "basis": "string",
        }
    ).assign(basis=lambda f: f["basis"].replace("", pd.NA))


ATTAINMENT_COLUMNS = [
    "region", "year", "indicator", "measure", "unit", "target_value", "target_qualifier", "actual_value", "gap",
    "met", "status", "target_report", "actual_report", "target_sentence", "actual_sentence",
]
# 以内/以下 cap a value, 以上 and a bare target set a floor, 左右 a band, 同步 ties growth to the economy's.
_CEILINGS = ("以内", "以下")


def _met(actual: float, target: float, qualifier: str | None, tolerance: float) -> bool | None:
    if pd.isna(actual) or pd.isna(target):
        return None
    if qualifier in _CEILINGS:
        return bool(actual <= target)
    if qualifier == "左右":
        return bool(abs(actual - target) <= tolerance + 1e-9)
    if qualifier == "同步":
        return bool(actual >= target - tolerance - 1e-9)
    if qualifier != "以上" and target < 0:
        return bool(actual <= target)  # a decline to reach (能耗下降3%): lower is better
    return bool(actual >= target)


def _status(found: bool, met: bool | None, actual: float, target: float, qualifier: str | None,
            measure: str) -> str:
    if not found:
        return "no result stated"
    if met:
        return "met"
    if qualifier == "左右" and measure == "growth" and actual > target:
        return "exceeded"  # above the band of an approximate growth target: not a shortfall
    return "missed"


def _urban_rural(indicator: str) -> list[str]:
    """The urban and rural indicators a joint one (城乡居民…, 居民…) splits into where a report states them apart."""
    base = indicator.replace("城乡", "", 1)
    if not base.startswith("居民"):
        return []
    return [f"城镇{base}", f"农村{base}"]


def _measures(ind: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One row per (region, year, indicator, measure, unit): growth rates and levels, headline first."""
    part = ind[ind["kind"] == kind].copy()
    part["headline"] = part["section_no"].isna()
    part["order"] = range(len(part))
    growth = part[part["change_pct"].notna() | (part["qualifier"] == "同步")].copy()
    growth["measure"], growth["unit"], growth["number"] = "growth", "%", growth["change_pct"]
    level = part[part["value"].notna() & ~((part["unit"] == "%") & part["change_pct"].notna())].copy()
    level["measure"], level["number"] = "level", level["value"]
    both = pd.concat([growth, level], ignore_index=True)
    both = both.sort_values(["headline", "order"], ascending=[False, True], kind="mergesort")
    keys = ["region", "year", "indicator", "measure", "unit"]
    return both.drop_duplicates(keys).reset_index(drop=True)


def target_attainment(paragraphs: pd.DataFrame | Any, *, tolerance: float = 0.5,
                      indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Targets for year Y (a region's report of Y) against the results for Y (its report of Y+1).

    For every region with reports of consecutive years Y and Y+1 in ``paragraphs`` (a
    table from :func:`miyun_text.structure.corpus_paragraphs`), the plan's targets for
    Y are joined with the results for Y that the next report states, per indicator
    (names normalised by :func:`normalise_indicator`) and measure: ``growth`` (rates in
    %, e.g. 地区生产总值增长5%左右 against 按不变价计算增长5.3%) or ``level`` (a value
    in its unit, e.g. 城镇调查失业率控制在5%以内 against 3.9%).

    ``met`` follows the target's qualifier: 以内/以下 are ceilings (actual ≤ target);
    以上 is a floor; 左右 is met within ± ``tolerance`` points (default 0.5); 同步
    (居民收入增长与经济增长同步) takes the economy's actual growth that year as its
    target value and is met when the actual is at least that minus ``tolerance``; a bare
    target is a floor, or a ceiling for a decline (下降3%). ``gap`` is actual − target.
    ``status`` is ``met``, ``missed``, ``exceeded`` (a growth result above the band of a
    左右 target: ``met`` is False, yet it is no shortfall), ``no result stated`` (a target
    the next report does not restate under that indicator) or ``no target stated`` (a
    headline growth result the plan set no target for). A 同步 target on joint income
    (城乡居民人均可支配收入) is joined with the urban and rural results, one row each,
    where the next report states them apart. A result named by its share only
    (规上工业增加值增长8.4%，占地区生产总值比重提高1.6个百分点) carries the name of the
    indicator before it, so it joins the target 规上工业增加值占地区生产总值比重提高2个
    百分点. Sorted by region, year, target rows first, then indicator.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "region": ["甲区"] * 2, "year": [2022, 2023],
        ...     "part_no": [1, 1], "part_kind": ["plan", "review"], "part_year": [2022, 2022],
        ...     "section_no": pd.array([None, None], dtype="Int64"),
        ...     "text": ["地区生产总值增长5%左右；失业率控制在5%以内。",
        ...              "地区生产总值按不变价计算增长5.3%；失业率3.9%。"]})
        >>> t = target_attainment(paras)
        >>> t[["indicator", "target_value", "target_qualifier", "actual_value", "met"]].values.tolist()
        [['地区生产总值', 5.0, '左右', 5.3, True], ['失业率', 5.0, '以内', 3.9, True]]
    """
    paragraphs = paragraphs_of(paragraphs, "target_attainment")
    for column in ("report_id", "year", "text"):
        if column not in paragraphs.columns:
            raise ArgumentError(f"target_attainment needs a '{column}' column; use miyun_text.open_corpus()")
    paras = paragraphs if "region" in paragraphs.columns else paragraphs.assign(region=pd.NA)
    ind = indicators if indicators is not None else extract_indicators(paras)
    reports = paras[["report_id", "region", "year"]].drop_duplicates("report_id")
    reports = reports.assign(region=reports["region"].astype("string").fillna(""))
    ind = ind.drop(columns=["region", "label"], errors="ignore").merge(
        reports.rename(columns={"year": "report_year"}), on="report_id", how="left")
    years = {(r, int(y)): str(rid) for rid, r, y in reports[["report_id", "region", "year"]].itertuples(index=False)}
    pairs = sorted((r, y) for (r, y) in years if (r, y + 1) in years)
    targets = _measures(ind[ind["year"] == ind["report_year"]], "target")
    actuals = _measures(ind[ind["year"] == ind["report_year"] - 1], "actual")
    rows = []
    for region, year in pairs:
        t = targets[(targets["region"] == region) & (targets["report_year"] == year)]
        t = t[(t["measure"] == "growth") | t["unit"].isin(["%", "百分点"]) | t["headline"]]
        a = actuals[(actuals["region"] == region) & (actuals["report_year"] == year + 1)]
        economy = a[(a["indicator"] == "地区生产总值") & (a["measure"] == "growth")]["number"]
        found = {(x.indicator, x.measure, x.unit): x for x in a.itertuples(index=False)}
        common = {"region": region or None, "year": year, "target_report": years[(region, year)],
                  "actual_report": years[(region, year + 1)]}
        matched = set()
        for x in t.itertuples(index=False):
            key = (x.indicator, x.measure, x.unit)
            qualifier = x.qualifier if isinstance(x.qualifier, str) else None
            target = (economy.iloc[0] if len(economy) else math.nan) if qualifier == "同步" else x.number
            matched.add(key)
            hits = [(x.indicator, found.get(key))]
            if hits[0][1] is None and qualifier == "同步":
                # 城乡居民收入增长与经济增长同步, answered by 城镇…增长4.9%、农村…增长6.5%: one row per side
                split = [(name, found[(name, x.measure, x.unit)]) for name in _urban_rural(x.indicator)
                         if (name, x.measure, x.unit) in found]
                hits = split or hits
            for name, hit in hits:
                matched.add((name, x.measure, x.unit))
                actual = hit.number if hit is not None else math.nan
                met = _met(actual, target, qualifier, tolerance)
                rows.append({**common, "indicator": name, "measure": x.measure, "unit": x.unit,
                             "target_value": target, "target_qualifier": qualifier, "actual_value": actual,
                             "gap": actual - target if pd.notna(actual) and pd.notna(target) else math.nan,
                             "met": met, "status": _status(hit is not None, met, actual, target, qualifier, x.measure),
                             "target_sentence": x.sentence,
                             "actual_sentence": hit.sentence if hit is not None else None})
        targeted = set(t["indicator"])
        for x in a.itertuples(index=False):
            key = (x.indicator, x.measure, x.unit)
            if key in matched or x.measure != "growth" or not (x.headline or x.indicator in targeted):
                continue
            rows.append({**common, "indicator": x.indicator, "measure": x.measure, "unit": x.unit,
                         "target_value": math.nan, "target_qualifier": None, "actual_value": x.number,
                         "gap": math.nan, "met": None, "status": "no target stated",
                         "target_sentence": None, "actual_sentence": x.sentence})
    out = pd.DataFrame(rows, columns=ATTAINMENT_COLUMNS)
    if len(out):
        out["_t"] = out["status"] == "no target stated"
        out = out.sort_values(["region", "year", "_t"], kind="mergesort").drop(columns="_t")
    return out.reset_index(drop=True).astype({
        "region": "string", "year": "int64", "indicator": "string", "measure": "string", "unit": "string",
        "target_value": "float64", "target_qualifier": "string", "actual_value": "float64", "gap": "float64",
        "met": "boolean", "status": "string", "target_report": "string", "actual_report": "string",
        "target_sentence": "string", "actual_sentence": "string"})

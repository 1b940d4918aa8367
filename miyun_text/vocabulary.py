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

import pandas as pd

from .paths import resource_path
from .structure import split_sentences, text_cells

__all__ = [
    "INDICATOR_COLUMNS",
    "QUOTE_KINDS",
    "Quantity",
    "extract_indicators",
    "formulas",
    "parse_quantity",
    "quoted_terms",
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
]

_QUOTE = re.compile(r"“([^“”\n]{1,40})”")
_NUMERALS = "一二两三四五六七八九十百千万"
_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
# Units a work report uses after numbers, longest first so 平方公里 beats 公里.
_UNITS = sorted(
    (
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
_GROWTH = re.compile(r"(同比|比上年|较上年)?(增长|增速|提高|上升|下降|减少|回落)(?:率)?$")
_NAME_TRIM_HEAD = re.compile(
    r"^(?:全年|初步预计|其中|累计|全区|今年|力争|确保|预计|共|实现|完成|达到|新增|建成|筹集|组织实施好|组织实施|"
    r"办好|开展|推进|扎实推进|解决|发放|促进|改善提升|改善|提升|拆除|腾退|修缮|新改建|整治修缮|绿化美化|"
    r"编制完成上报|节约资金|通过|为|与|在|引进|聚集|建立|集中签约|签约|新设|接待)+"
)
_NAME_TRIM_TAIL = re.compile(
    r"(?:达到|达|为|实现|控制在|保持在|保持|超过|突破|(?<!签)约|近|超|共计|累计|等|和|及|均)+$"
)
_FOLLOWING = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?=的|[^\u4e00-\u9fff]|签订|喜迁|$)")
_FRAME_WORDS = frozenset({"明确", "来自", "中科院", "其中", "共", "累计"})
_TARGET_WORDS = ("目标", "预期", "力争", "控制在", "计划", "争取", "确保")
_ACTUAL_WORDS = ("完成", "实现", "达到", "累计", "同比", "建成", "新增", "全年")


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


def _paragraphs(data: str | pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Accept a string, a Series of texts or a paragraph table; return a paragraph table."""
    if isinstance(data, str):
        return pd.DataFrame({"text": [data]})
    if isinstance(data, pd.Series):
        return text_cells(pd.DataFrame({"text": data.tolist()}), "a Series of texts")
    if isinstance(data, pd.DataFrame) and "text" in data.columns:
        return text_cells(data, "a paragraph table")
    raise TypeError(
        f"expected a str, a Series of texts or a DataFrame with a 'text' column, got {type(data).__name__}"
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


def quoted_terms(data: str | pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Every “…” expression with its count, first context and kind, most frequent first.

    Example:
        >>> quoted_terms("坚持“两山”理论。践行“两山”理念，打造“三好生”。")[["term", "count", "kind"]].values.tolist()
        [['两山', 2, 'slogan'], ['三好生', 1, 'honour']]
    """
    paragraphs = _paragraphs(data)
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


def formulas(data: str | pd.Series | pd.DataFrame) -> pd.DataFrame:
    """Numbered formulas and abbreviations (两山, 七有, 五好两宜, “5+2”, 1+9+N, 两个确立, 一条…四条…).

    Example:
        >>> formulas("坚持“两山”理论，完善“5+2”体系，深化1+9+N机制。")[["formula", "form"]].values.tolist()
        [['1+9+N', 'digits'], ['5+2', 'digits'], ['两山', 'numbered']]
    """
    paragraphs = _paragraphs(data)
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
    name = raw.strip(" ，、：:“”")
    name = re.sub(r"^.*[：:]", "", name)
    growth = _GROWTH.search(name)
    sign = 1
    if growth:
        sign = -1 if growth.group(2) in ("下降", "减少", "回落") else 1
        name = name[: growth.start()]
    name = _NAME_TRIM_TAIL.sub("", name)
    name = _NAME_TRIM_HEAD.sub("", name)
    name = _NAME_TRIM_TAIL.sub("", name)
    return name.strip(" ，、"), bool(growth), sign


def _statement_kind(clause: str, part_kind: str | None) -> str:
    # The part decides where the report says which year it speaks of; words decide elsewhere.
    if part_kind == "plan":
        return "target"
    if part_kind == "review":
        return "actual"
    if any(w in clause for w in _TARGET_WORDS):
        return "target"
    if any(w in clause for w in _ACTUAL_WORDS):
        return "actual"
    return "other"


def extract_indicators(data: str | pd.Series | pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Quantified results and targets, one row per quantity.

    Each clause (split at 。；) is scanned for numbers with units. The indicator is the
    phrase before the number, stripped of frames (全年实现, 完成, 达到 …); a growth rate
    that follows a level (地区生产总值380亿元，同比增长4.5%) fills that row's
    ``change_pct``; a growth rate on its own (地区生产总值增长4%左右) is a row with
    ``change_pct`` equal to its value. ``kind`` is ``target`` in plan parts or with
    target words (目标, 预期, 力争, 控制在), ``actual`` in review parts or with
    result words (完成, 实现, 同比); ``year`` is the paragraph's ``part_year`` (or
    ``year`` for plain text).

    Example:
        >>> df = extract_indicators("全年实现地区生产总值380亿元，同比增长4.5%。", year=2023)
        >>> df[["indicator", "value", "unit", "change_pct", "kind", "year"]].values.tolist()
        [['地区生产总值', 380.0, '亿元', 4.5, 'actual', 2023]]
    """
    paragraphs = _paragraphs(data)
    rows: list[dict] = []
    for record in paragraphs.to_dict("records"):
        text = str(record["text"])
        part_kind = record.get("part_kind")
        row_year = record.get("part_year", year)
        row_year = year if row_year is None or (isinstance(row_year, float) and math.isnan(row_year)) else row_year
        for sentence in split_sentences(text):
            for clause in re.split(r"(?<=[；;])", sentence):
                last: dict | None = None
                cursor = 0
                for match in _QUANTITY.finditer(clause):
                    before = clause[cursor : match.start()]
                    segment = re.split(r"[，,、；;（(]", before)[-1]
                    name, growth, sign = _clean_name(segment)
                    q = _quantity(match)
                    cursor = match.end()
                    if growth and q.unit == "%" and last is not None and not name:
                        last["change_pct"] = sign * q.value
                        continue
                    if q.unit in ("年", "周年", "届") and not growth:
                        continue  # dates and anniversaries are not indicators
                    if not growth and (not name or segment.rstrip().endswith("等") or name in _FRAME_WORDS):
                        # 明确30项先行先试任务, 与…等30余家单位: the counted thing follows the number
                        following = _FOLLOWING.match(clause, match.end())
                        name = following.group(1) if following else ""
                    if not name:
                        continue
                    last = {
                        "indicator": name,
                        "value": q.value,
                        "unit": q.unit,
                        "change_pct": sign * q.value if growth and q.unit == "%" else math.nan,
                        "qualifier": q.qualifier,
                        "kind": _statement_kind(clause, part_kind if isinstance(part_kind, str) else None),
                        "year": row_year,
                        "sentence": sentence,
                        "report_id": record.get("report_id"),
                        "part_no": record.get("part_no"),
                        "section_no": record.get("section_no"),
                    }
                    rows.append(last)
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
        }
    )

"""Parse a clean report into parts, sections, paragraphs and sentences.

A work report is a short preamble, then parts, each with optional numbered sections
whose paragraphs often open with a lead phrase (``密云水库守护全面提质。``). Real reports
mark their parts in several ways, all understood here:

- numbered parts ``一、2023年工作回顾`` with sections ``（一）高规格保水保生态，…``;
- ``第一部分 2022年工作情况`` parts with ``一、`` sections;
- unnumbered part headings standing alone on a line (``2023年工作回顾``,
  ``2024年工作任务``, ``政府自身建设``) with ``一、`` or ``（一）`` sections;
- Arabic numbering (``1.``, ``1、``, ``（1）``) at whichever level it is used.

Headings are found by their numbering sequence (一 then 二; （一） then （二）, starting
again in each part) and by their shape (a short line without sentence punctuation, or a
short heading sentence followed by its body on the same line), so that a paragraph that
happens to begin with ``一、`` is kept as text. No body text is ever dropped.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import pandas as pd

from .errors import ArgumentError, DataTypeError

# the grouping helpers and report labels moved to miyun_text.grouping; they stay importable from here
from .grouping import (
    GROUPINGS,
    PANEL_COLUMNS,
    group_columns,
    group_label,
    narrow,
    panel_values,
    report_label,
    text_cells,
)

__all__ = [
    "CN_NUMERALS",
    "GROUPINGS",
    "PANEL_COLUMNS",
    "PARAGRAPH_COLUMNS",
    "StructureWarning",
    "chinese_numeral",
    "classify_part",
    "corpus_paragraphs",
    "group_columns",
    "group_label",
    "opening_cue",
    "parse_report",
    "part_years",
    "plan_period",
    "report_label",
    "sentences",
    "split_sentences",
    "text_cells",
    "without_formulas",
]

PARAGRAPH_COLUMNS = [
    "report_id",
    "part_no",
    "part_title",
    "part_kind",
    "part_year",
    "part_years",
    "section_no",
    "section_title",
    "para_no",
    "lead",
    "period_start",
    "period_end",
    "formula",
    "text",
]

CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


class StructureWarning(UserWarning):
    """A report's parts could not be found; it was read as one part of kind ``unknown``."""


# A Chinese numeral from 一 to 九十九, in its one well-formed spelling (十一, not 一一).
_CN = "(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_AR = r"(?:[1-9][0-9]?|[１-９][０-９]?)"
# Numbering markers, outermost first; each is (level, pattern giving number and rest).
_MARKERS = [
    ("bufen", re.compile(rf"^第\s*({_CN}|{_AR})\s*部分[\s：:、.．]*(.*)$")),
    ("cn", re.compile(rf"^({_CN})\s*[、.．]\s*(.*)$")),
    ("bcn", re.compile(rf"^[（(]\s*({_CN})\s*[）)][\s、.．]*(.*)$")),
    ("ar", re.compile(rf"^({_AR})\s*(?:、|[.．](?![0-9０-９]))\s*(.*)$")),
    ("bar", re.compile(rf"^[（(]\s*({_AR})\s*[）)][\s、.．]*(.*)$")),
]
_SECTION_LEVELS = {
    "bufen": ("cn", "bcn", "ar", "bar"),
    "plain": ("cn", "bcn", "ar", "bar"),
    "cn": ("bcn", "ar", "bar"),
    "ar": ("bcn", "bar"),
    None: ("cn", "bcn", "ar", "bar"),
}
_YEAR = re.compile(r"((?:19|20)\d\d)年")
_YEAR_RANGE = re.compile(r"((?:19|20)\d\d)年?\s*(?:[—–\-~～至到]+)\s*((?:19|20)\d\d)年")
_LEAD = re.compile(r"^([^。！？；：]{4,20})。")
_SENTENCE_END = "。！？!?"
# A heading never holds these; a heading sentence of an inline section ends at the first 。！？.
_NOT_IN_HEADING = set("。！？!?；;")
_MAX_HEADING = 80
_MAX_INLINE_HEADING = 50
_MAX_PLAIN_HEADING = 30
# Part titles say what the part does; these words decide its kind, in this order.
_KINDS = [
    ("review", ("回顾", "工作总结", "过去一年", "过去五年", "五年来", "本届政府工作", "工作情况", "成就", "成绩")),
    ("self-building", ("自身建设", "政府建设", "政府治理", "服务型政府", "满意的政府", "法治型", "转作风")),
    # a multi-year look ahead is an outlook even when its title speaks of 目标任务
    ("outlook", ("今后五年", "未来五年", "今后一个时期")),
    ("plan", ("安排", "任务", "总体要求", "预期目标", "主要目标", "重点工作", "工作部署", "目标要求", "主要工作")),
]
# Words of a title that look ahead over a plan period (“十五五”时期的主要考虑, 关于…规划纲要的说明).
_AHEAD_WORDS = ("目标", "任务", "考虑", "要求", "举措", "把握", "规划", "纲要", "说明", "展望", "战略", "思路", "蓝图")
# The first year of a plan period is planned in words of a start (乘势而上谋新篇，推动“十五五”开好局、起好步).
_START_WORDS = ("开好局", "开局", "起好步")
# Words that make a short line standing alone an unnumbered part heading.
_PLAIN_WORDS = (*(w for _, words in _KINDS for w in words), "今后五年", "未来五年", "展望")
_YEAR_WORK = re.compile(r"^(?:19|20)\d\d年[^\d]{0,8}工作$")
_PLAIN_BLOCK = ("报告", "代表", "会议", "月", "日", "同志")
_FIVE_YEARS_BACK = ("过去五年", "五年来", "本届政府")
_FIVE_YEARS_AHEAD = ("今后五年", "未来五年")
_ONE_YEAR_BACK = ("过去一年", "一年来")
# A five-year plan by its number: “十四五”, 十五五, 第十五个五年规划 (the 3rd plan ran 1966–1970,
# every later one five years after the one before).
_PLAN_PERIOD = re.compile(r"十([一二三四五六七八九])五(?![年个])|第([一二三四五六七八九十]{1,3})个五年(?:规划|计划)")
# Where a title joins two pieces that speak of different times (2025年工作回顾和“十四五”发展成就).
_TITLE_JOIN = re.compile(r"(?:以及|和|及|与|暨)(?=[“\"]?(?:十[一二三四五六七八九]五|(?:19|20)\d\d年|今后|未来|过去))")


def chinese_numeral(text: str) -> int:
    """Value of a Chinese numeral from 一 to 九十九.

    Example:
        >>> chinese_numeral("七"), chinese_numeral("十二"), chinese_numeral("二十")
        (7, 12, 20)
    """
    if not isinstance(text, str) or not re.fullmatch(_CN, text):
        raise ArgumentError(f"not a Chinese numeral: {text!r}")
    if "十" not in text:
        return CN_NUMERALS[text]
    tens, _, ones = text.partition("十")
    return (CN_NUMERALS[tens] if tens else 1) * 10 + (CN_NUMERALS[ones] if ones else 0)


def _number(token: str) -> int:
    if re.fullmatch(_CN, token):
        return chinese_numeral(token)
    return int(token.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def plan_period(number: int) -> tuple[int, int]:
    """The years of China's ``number``-th five-year plan (from the 3rd on).

    Example:
        >>> plan_period(14), plan_period(15)
        ((2021, 2025), (2026, 2030))
    """
    if number < 3:
        raise ArgumentError(f"plan_period: the first two five-year plans do not follow the five-year rhythm: {number}")
    start = 1966 + 5 * (number - 3)
    return start, start + 4


def _plan_span(text: str) -> tuple[int, int] | None:
    match = _PLAN_PERIOD.search(text)
    if not match:
        return None
    if match.group(1):
        return plan_period(10 + CN_NUMERALS[match.group(1)])
    return plan_period(chinese_numeral(match.group(2)))


def _piece_span(piece: str, report_year: int | None) -> tuple[int, int] | None:
    """The years one piece of a title speaks of: a plan period, a year range, a year, or 过去五年 and the like."""
    span = _plan_span(piece)
    if span:
        return span
    years = _YEAR_RANGE.search(piece)
    if years:
        first, last = sorted((int(years.group(1)), int(years.group(2))))
        return first, last
    year = _YEAR.search(piece)
    if year:
        return int(year.group(1)), int(year.group(1))
    if report_year is None:
        return None
    if any(w in piece for w in _FIVE_YEARS_BACK):
        return report_year - 5, report_year - 1
    if any(w in piece for w in _FIVE_YEARS_AHEAD):
        return report_year, report_year + 4
    if any(w in piece for w in _ONE_YEAR_BACK):
        return report_year - 1, report_year - 1
    return None


def _piece_kind(words: str, span: tuple[int, int] | None, report_year: int | None) -> str | None:
    """The kind of one piece of a title from its words and the years it speaks of."""
    if any(w in words for w in _KINDS[1][1]):
        return "self-building"
    review = any(w in words for w in _KINDS[0][1])
    if span is None:
        for kind, vocabulary in _KINDS:
            if any(w in words for w in vocabulary):
                return kind
        return None
    first, last = span
    if any(w in words for w in _START_WORDS) and not review:
        return "plan"
    if first == last:
        if review:
            return "review"
        if report_year is not None:
            return "review" if first < report_year else "plan"
        return "plan" if any(w in words for w in _KINDS[3][1]) else None
    if review or (report_year is not None and last < report_year):
        return "review"
    if (report_year is not None and first >= report_year) or any(w in words for w in _AHEAD_WORDS):
        return "outlook"
    return None


@dataclass(frozen=True)
class _Segment:
    """One kind of material a part holds: its kind, the year it speaks of, its span, and the
    span of the first title piece of that kind (where its paragraphs start)."""

    kind: str
    year: int | None
    span: str | None
    start: tuple[int, int] | None


def _span_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _segments(title: str, report_year: int | None) -> list[_Segment]:
    """What a part title announces, in order: one segment, or two for a part that mixes
    kinds (“十四五”时期主要成就和“十五五”时期目标任务: a review, then an outlook)."""
    pieces = [p for p in _TITLE_JOIN.split(title) if p.strip()] or [title]
    spans = [_piece_span(p, report_year) for p in pieces]
    for i in range(1, len(spans)):  # 2025年工作总体要求和重点任务: the second piece shares the year
        spans[i] = spans[i] or spans[i - 1]
    kinds = []
    for i, piece in enumerate(pieces):
        # 2025年和“十四五”时期工作回顾: a piece without words takes those of the piece after it
        words = piece if any(w in piece for _, ws in _KINDS for w in ws) else " ".join(pieces[i:])
        kinds.append(_piece_kind(words, spans[i], report_year))
    known = [k for k in kinds if k]
    if not known:
        only = classify_part(title, report_year)
        year, text = part_years(title, only, report_year)
        return [_Segment(only, year, text, None)]
    named = [k or known[0] for k in kinds]
    segments: list[_Segment] = []
    groups: list[tuple[str, list[tuple[int, int] | None]]] = []
    for kind, piece_span in zip(named, spans, strict=True):
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(piece_span)
        else:
            groups.append((kind, [piece_span]))
    for kind, group in groups:
        found = [s for s in group if s]
        if not found:
            year, text = part_years(title, kind, report_year)
            segments.append(_Segment(kind, year, text, None))
            continue
        first, last = min(s[0] for s in found), max(s[1] for s in found)
        start = found[0]
        if kind == "plan":
            year = report_year if report_year is not None and first <= report_year <= last else first
            first = last = year
            start = (year, year)
        elif kind == "self-building":
            year = report_year if report_year is not None else last
            first = last = year
            start = (year, year)
        else:
            year = last
        segments.append(_Segment(kind, year, _span_text(first, last), start))
    return segments


def classify_part(title: str, report_year: int | None = None) -> str:
    """Kind of a part from its title: review, plan, self-building or outlook.

    Words decide first (回顾, 过去一年, 发展成就 → review; 自身建设 → self-building; 安排,
    任务, 总体要求, 预期目标, 主要目标 → plan). A five-year plan named in the title
    (“十四五”时期, “十五五”, 第十五个五年规划) decides by its years when the report's
    year is known: a period that has ended is reviewed, one that begins with the report
    is an outlook, unless the title speaks of the plan's start (开好局). Without words, a
    year in the title decides when the report's year is known: an earlier year is a
    review, the report's own year a plan. A title that mixes kinds gets the first one here;
    :func:`parse_report` splits such a part where its second kind begins.

    Example:
        >>> classify_part("2023年工作回顾"), classify_part("2024年政府工作安排")
        ('review', 'plan')
        >>> classify_part("全面加强政府自身建设"), classify_part("深入学习贯彻…")
        ('self-building', 'outlook')
        >>> classify_part("2025年工作总体要求和重点任务"), classify_part("2022年经济社会发展", 2023)
        ('plan', 'review')
        >>> classify_part("今后五年的目标任务")
        'outlook'
        >>> classify_part("“十五五”时期主要目标任务", 2026), classify_part("“十四五”时期工作回顾", 2026)
        ('outlook', 'review')
        >>> part_years("今后五年的目标任务", "outlook", 2022)
        (2026, '2022–2026')
    """
    if _plan_span(title) or _TITLE_JOIN.search(title):
        pieces = [p for p in _TITLE_JOIN.split(title) if p.strip()] or [title]
        span = _piece_span(pieces[0], report_year)
        words = pieces[0] if any(w in pieces[0] for _, ws in _KINDS for w in ws) else title
        kind = _piece_kind(words, span, report_year)
        if kind:
            return kind
    for kind, words in _KINDS:
        if any(word in title for word in words):
            return kind
    years = [int(y) for y in _YEAR.findall(title)]
    if years and report_year is not None:
        if max(years) < report_year:
            return "review"
        if min(years) == report_year:
            return "plan"
    return "outlook"


def part_years(title: str, kind: str, report_year: int | None) -> tuple[int | None, str | None]:
    """The year a part speaks about and the span it covers (``"2017–2021"``).

    A year in the title wins (a range such as ``2017—2021年`` gives the span and its last
    year for a review or an outlook); a five-year plan (“十四五”时期) gives its years;
    ``过去五年`` reviews the five years before the report, ``今后五年`` looks ahead over
    the five from it (its year is the horizon, the last); ``过去一年`` and a review
    without a year speak about the year before the report; anything else about the
    report's year.

    Example:
        >>> part_years("过去五年工作回顾", "review", 2022)
        (2021, '2017–2021')
        >>> part_years("一年来工作回顾", "review", 2024), part_years("2024年工作安排", "plan", 2024)
        ((2023, '2023'), (2024, '2024'))
        >>> part_years("“十五五”时期主要目标任务", "outlook", 2026)
        (2030, '2026–2030')
    """
    span = _YEAR_RANGE.search(title)
    if span:
        first, last = sorted((int(span.group(1)), int(span.group(2))))
        return (first if kind == "plan" else last), f"{first}–{last}"
    period = _plan_span(title)
    if period and kind in ("review", "outlook"):
        return period[1], _span_text(*period)
    years = _YEAR.findall(title)
    if years:
        return int(years[0]), years[0]
    if report_year is None:
        return None, None
    if any(w in title for w in _FIVE_YEARS_BACK):
        return report_year - 1, f"{report_year - 5}–{report_year - 1}"
    if any(w in title for w in _FIVE_YEARS_AHEAD):
        # the horizon: targets of a five-year outlook are stated for its last year (到2026年)
        return report_year + 4, f"{report_year}–{report_year + 4}"
    if kind == "review" or any(w in title for w in _ONE_YEAR_BACK):
        return report_year - 1, str(report_year - 1)
    return report_year, str(report_year)


def _report_year(lines: list[str], default: int | None) -> int | None:
    if default is not None:
        return default
    # the title (…政府工作报告) or the date line (——2024年1月4日在…) says it; a part heading
    # among the first lines (一、2023年工作回顾) speaks about another year
    for line in lines[:6]:
        match = _YEAR.search(line)
        if match and ("报告" in line or re.search(r"(?:19|20)\d\d年\d{1,2}月", line)):
            return int(match.group(1))
    for line in lines[:4]:
        match = _YEAR.search(line)
        if match:
            return int(match.group(1))
    return None


def _lead(text: str) -> str | None:
    match = _LEAD.match(text)
    if not match or any(ch.isdigit() for ch in match.group(1)):
        return None
    lead = match.group(1)
    if lead.startswith("各位代表") or lead.endswith(("之年", "一年")):
        return None
    return lead


@dataclass(frozen=True)
class _Mark:
    """A numbered line: its level, its number, its heading title, and whether its body follows on the line."""

    level: str
    number: int
    title: str
    inline: bool


def _standalone(rest: str, limit: int = _MAX_HEADING) -> bool:
    core = rest.rstrip("：:")
    return 0 < len(core) <= limit and not (_NOT_IN_HEADING & set(core))


def _mark(line: str) -> _Mark | None:
    for level, pattern in _MARKERS:
        match = pattern.match(line)
        if not match:
            continue
        rest = match.group(2).strip()
        if _standalone(rest):
            return _Mark(level, _number(match.group(1)), rest.rstrip("：:"), False)
        head = re.match(rf"^([^{_SENTENCE_END}；;：:]{{2,{_MAX_INLINE_HEADING}}})[{_SENTENCE_END}]", rest)
        if head:
            return _Mark(level, _number(match.group(1)), head.group(1).strip(), True)
        if level == "bufen" and not rest:
            return _Mark(level, _number(match.group(1)), "", False)
        return None
    return None


def _plain_part(line: str) -> bool:
    """A short line standing alone whose words name a part: 2023年工作回顾, 政府自身建设."""
    core = line.strip("【】〔〕[] ")
    if not 4 <= len(core) <= _MAX_PLAIN_HEADING or set(core) & set("。！？!?；;：:，,、（）()"):
        return False
    if set(core) & set("“”") and not _PLAN_PERIOD.search(core):  # quotes only around a plan: “十四五”时期
        return False
    if _mark(core) is not None or any(w in core for w in _PLAIN_BLOCK):
        return False
    return any(w in core for w in _PLAIN_WORDS) or _YEAR_WORK.match(core) is not None


def _sequence(indices: list[int], marks: list[_Mark | None], first: int = 1) -> list[int]:
    """Keep the numbered headings that continue the sequence 1, 2, 3 … (or from ``first``)."""
    kept, expected = [], first
    for i in indices:
        mark = marks[i]
        if mark is not None and mark.number == expected:
            kept.append(i)
            expected += 1
    return kept


def _part_heads(lines: list[str], marks: list[_Mark | None]) -> tuple[str | None, list[int]]:
    """The level that marks parts and the line numbers of the part headings."""

    def at(level: str) -> list[int]:  # part headings stand alone on their line
        return [i for i, m in enumerate(marks) if m and m.level == level and not m.inline]

    bufen = _sequence(at("bufen"), marks)
    if bufen:
        return "bufen", bufen
    plain = [i for i, line in enumerate(lines) if marks[i] is None and _plain_part(line)]
    cn = _sequence(at("cn"), marks)
    if plain and (not cn or cn[0] > plain[0]):
        return "plain", plain
    if cn:
        return "cn", cn
    arabic = _sequence(at("ar"), marks)
    if arabic:
        return "ar", arabic
    return None, []


def _section_heads(
    marks: list[_Mark | None], start: int, stop: int, levels: Sequence[str], previous: dict[str, int]
) -> dict[int, _Mark]:
    """Section headings between two part headings.

    Of the levels that may mark sections there, the one whose sequence starts first wins:
    sub-items (``一是``, ``（1）``, an ``一、`` list inside a section) come after the
    section heading that holds them. Numbering starts at 1 in each part, or goes on from
    the previous part's last section (``previous``: last number by level), as some
    reports number their sections through.
    """
    best: list[int] = []
    for level in levels:
        indices = [i for i in range(start, stop) if (mark := marks[i]) is not None and mark.level == level]
        kept = _sequence(indices, marks)
        if not kept and level in previous:
            kept = _sequence(indices, marks, previous[level] + 1)
        if kept and (not best or kept[0] < best[0]):
            best = kept
    found = {i: mark for i in best if (mark := marks[i]) is not None}
    if found:
        previous[found[best[0]].level] = found[best[-1]].number
    return found


def _preamble_end(lines: list[str]) -> int:
    """Where the body begins in a report without parts: after the title lines and the address."""
    for i, line in enumerate(lines[:6]):
        if line.startswith("各位代表"):
            return i + 1
    end = 0
    while end < len(lines) and len(lines[end]) <= _MAX_HEADING and not set(lines[end]) & set(_SENTENCE_END):
        end += 1
    return end if end < len(lines) else 0


_SENTENCE_MARK = re.compile("[。！？!?；;]")
_LINE_END = re.compile(r"[\u4e00-\u9fffA-Za-z0-9，,、（(“]$")


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` goes on a sentence that ``previous`` left open.

    Pages break lines inside a sentence where a word was set apart (…今年经济社会发展的 /
    主要预期目标 / 是：…; PM / 2.5): a line that holds a sentence end, yet stops in the middle
    of a word, is joined with what follows, unless that is a heading or an address.
    A bracket alone on its line opens the next one (（ / 三）…).
    """
    if previous in ("（", "(", "“", "《"):
        return True
    if not _LINE_END.search(previous):
        return False  # most lines end a sentence
    tail = _SENTENCE_MARK.split(previous)[-1]
    if not _SENTENCE_MARK.search(previous) or not _LINE_END.search(previous) or " " in tail or tail.endswith("摄"):
        return False
    if re.search(rf"(?:{_CN}|{_AR})、$", previous) or _mark(previous) is not None:
        return False  # …。一、 ends with a number of its own; a numbered line keeps its own shape
    if line.startswith("各位代表") or _mark(line) is not None:
        return False
    # a short line that reads as a part heading joins only a line that cannot end there (…发展的)
    return not _plain_part(line) or previous[-1] in "的之和与及、，,（(“在对为是把将"


def _joined_lines(text: str) -> list[str]:
    lines: list[str] = []
    for line in (line.strip() for line in text.split("\n")):
        if not line:
            continue
        if lines and _continues(lines[-1], line):
            lines[-1] += line
        else:
            lines.append(line)
    return lines


# What the opening of a paragraph says about the time it speaks of (a closing address or
# a dash before it is no part of it): a past or coming plan period, the year under review,
# or the report's own year.
_ADDRESS = re.compile(r"^(?:各位代表[！!，,：:]?|——|—)+")
_OPENING_PLAN = re.compile(r"^[“\"]?十([一二三四五六七八九])五[”\"]?(?:时期|期间|以来|的五年|规划|发展|是|，|,)")
_OPENING_BACK = re.compile(r"^(?:过去五年|过去的五年|五年来|这五年|五年间|本届政府|这是.{0,30}?的五年)")
_OPENING_AHEAD = re.compile(r"^(?:今后五年|未来五年|展望未来|展望[“\"]?十|《纲要(?:草案|（草案）)》|"
                            r"根据《.{0,60}?第十[一二三四五六七八九]个五年规划)")
_OPENING_HORIZON = re.compile(r"^到((?:19|20)\d\d)年")


# Any opening that may name a time: most paragraphs and sentences open otherwise and are passed at once.
_CUE_HEAD = re.compile(r"^(?:各位代表[！!，,：:]?|——|—)*(?:过去|五年|这五年|这是|今后|未来|展望|《纲要|根据《|"
                       r"到(?:19|20)|[“\"]?十[一二三四五六七八九]五|本届|今年|做好今年|新的一年|(?:19|20)\d\d年|一年来|刚刚过去|去年)")


_CUE_ANYWHERE = re.compile(r"[。！？](?:各位代表[！!，,：:]?|——|—)*(?:过去|五年|这五年|这是|今后|未来|展望|《纲要|"
                           r"根据《|到(?:19|20)|[“\"]?十[一二三四五六七八九]五|本届|今年|做好今年|新的一年|(?:19|20)\d\d年|"
                           r"一年来|刚刚过去|去年)")


@lru_cache(maxsize=64)
def _year_cues(ry: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The openings that name the report's own year and the year under review."""
    plan = re.compile(rf"^(?:今年|做好今年|新的一年|{ry}年(?:是|，|,|的|经济|政府|工作|全[省市区县]|我们|要))")
    year = re.compile(rf"^(?:过去一年|过去的一年|一年来|去年|刚刚过去的(?:{ry - 1}年|一年)|"
                      rf"{ry - 1}年(?:是|，|,|全[省市区县]|我们|以来))")
    return plan, year


def opening_cue(text: str, report_year: int | None) -> tuple[str, tuple[int, int]] | None:
    """``(cue, (first, last))`` where a paragraph or sentence opens by naming the time it
    speaks of, else None.

    ``back``: a past plan period or the last five years; ``ahead``: a coming one;
    ``year``: the year under review; ``plan``: the report's own year.

    Example:
        >>> opening_cue("五年来，我们接续奋斗。", 2026), opening_cue("“十五五”时期是关键时期。", 2026)
        (('back', (2021, 2025)), ('ahead', (2026, 2030)))
        >>> opening_cue("刚刚过去的2025年，经济稳中有进。", 2026), opening_cue("保水护水。", 2026)
        (('year', (2025, 2025)), None)
    """
    if report_year is None or not _CUE_HEAD.match(text):
        return None
    head = _ADDRESS.sub("", text)[:90]
    ry = report_year
    match = _OPENING_PLAN.match(head)
    if match:
        first, last = plan_period(10 + CN_NUMERALS[match.group(1)])
        if last < ry:
            return "back", (first, last)
        if first >= ry:
            return "ahead", (first, last)
        return None
    if _OPENING_BACK.match(head):
        return "back", (ry - 5, ry - 1)
    if _OPENING_AHEAD.match(head):
        return "ahead", _plan_span(head[:90]) or (ry, ry + 4)
    horizon = _OPENING_HORIZON.match(head)
    if horizon and int(horizon.group(1)) > ry:
        return "ahead", (ry, int(horizon.group(1)))
    plan, year = _year_cues(ry)
    if plan.match(head):
        return "plan", (ry, ry)
    if year.match(head):
        return "year", (ry - 1, ry - 1)
    return None


# The cue that begins the second kind of a part whose title announces two.
_BEGINS = {"outlook": ("ahead",), "plan": ("plan",), "review": ("back", "year")}
# Paragraphs that are formulas of the genre, not about any policy: a credit to the
# leadership (这些成绩的取得，根本在于…), the closing call (各位代表！让我们…), site lines.
_CREDIT = re.compile(r"^(?:各位代表[！!，,、]?(?:各位委员[！!，,]?)?)?.{0,24}?"
                     r"(?:(?:成绩|成就|进步|变化)(?:的取得|来之不易|极为不易)|取得这些成绩|这些成绩)")
_CLOSING = re.compile(r"^各位代表[！!，,：:]?.{0,40}?(?:让我们|我们要?更加紧密地?团结|我们要更加紧密)")
_SITE_LINE = re.compile(r"^(?:相关报道|相关新闻|来源|责任编辑|编辑|校对|原标题)[：:]")


def _is_formula(text: str, last: bool) -> bool:
    if _SITE_LINE.match(text):
        return True
    if _CREDIT.match(text) and re.search("根本在于|领航掌舵|坚强领导|科学指引|的结果", text):
        return True
    return bool(_CLOSING.match(text)) or (last and text.startswith("各位代表"))


def _says_kind(title: str) -> bool:
    """Whether a part title names what the part is (a kind word, a year, a plan period)."""
    return bool(any(w in title for _, words in _KINDS for w in words) or _YEAR.search(title)
                or _PLAN_PERIOD.search(title) or any(w in title for w in _START_WORDS))


_CUE_SEGMENT = {
    "year": lambda span, ry: _Segment("review", span[1], _span_text(*span), span),
    "back": lambda span, ry: _Segment("review", span[1], _span_text(*span), span),
    "ahead": lambda span, ry: _Segment("outlook", span[1], _span_text(*span), span),
    "plan": lambda span, ry: _Segment("plan", ry, str(ry), (ry, ry)),
}


def _segment_default(segment: _Segment) -> tuple[int | None, int | None]:
    if segment.start is not None:
        return segment.start
    if segment.span is None:
        return None, None
    first, _, last = segment.span.partition("–")
    return int(first), int(last or first)


def _assign_periods(rows: list[dict], title: str, report_year: int | None) -> None:
    """Kind, years and period of each paragraph of one part, in place.

    A part whose title announces two kinds is split at the first paragraph whose opening
    begins the second (“十五五”时期是…, 今年是…); with no such paragraph it is one part of
    both kinds (``review_outlook``) with both spans. Within a part, a paragraph that opens
    by naming a time (五年来, 这五年, “十四五”时期, 刚刚过去的2025年, 到2030年) speaks of it,
    and so do the paragraphs after it until another does or a new section begins.
    """
    segments = _segments(title, report_year)
    cues = [opening_cue(str(row["text"]), report_year) for row in rows]
    if not _says_kind(title) and report_year is not None:
        # a title of slogans (一年接着一年干，…): the part's first paragraph says what it is about
        first = next((c for c, row in zip(cues, rows, strict=True) if not _is_formula(str(row["text"]), False)), None)
        if first is not None:
            segments = [_CUE_SEGMENT[first[0]](first[1], report_year)]
    splits: list[int] = []
    for segment in segments[1:]:
        begin = (splits[-1] + 1) if splits else 0
        begins = _BEGINS.get(segment.kind, ())
        found = next((i for i in range(begin, len(rows)) if (cue := cues[i]) is not None and cue[0] in begins), None)
        if found is None:
            break
        splits.append(found)
    if len(segments) > 1 and len(splits) < len(segments) - 1:
        # no paragraph says where the next kind begins: the part is both at once
        both = segments[len(splits):]
        merged = _Segment("_".join(s.kind for s in both), both[-1].year,
                          "、".join(s.span for s in both if s.span), both[0].start)
        segments = [*segments[: len(splits)], merged]
    index, section = 0, object()
    period = _segment_default(segments[0])
    for i, row in enumerate(rows):
        if index + 1 < len(segments) and i == splits[index]:
            index += 1
            period = _segment_default(segments[index])
        elif row["section_no"] != section and segments[index].kind != "review":
            # a plan's sections each start from its year; a review's narrative runs on
            period = _segment_default(segments[index])
        section = row["section_no"]
        segment = segments[index]
        cue = cues[i]
        if segment.kind not in ("self-building", "unknown") and cue is not None:
            period = cue[1]
        row["part_kind"], row["part_year"], row["part_years"] = segment.kind, segment.year, segment.span
        row["period_start"], row["period_end"] = period
        if segment.kind not in ("self-building", "unknown"):
            # 2025年是“十四五”收官之年。五年来，…: a later sentence that names a time speaks for the paragraphs after
            text = str(row["text"])
            later = [c for c in (opening_cue(s, report_year) for s in split_sentences(text)[1:]) if c] \
                if _CUE_ANYWHERE.search(text, 1) else []
            if later and later[-1][0] in ("back", "ahead", "year"):
                period = later[-1][1]


def paragraph_rows(text: str, report_id: str, year: int | None) -> list[dict]:
    """The rows of :func:`parse_report` as dicts (the loading pipeline builds Arrow tables from them)."""
    lines = _joined_lines(text)
    report_year = _report_year(lines, year)
    marks = [_mark(line) for line in lines]
    level, heads = _part_heads(lines, marks)
    titles: dict[int, str] = {}
    skip: set[int] = set()
    for i in heads:
        mark = marks[i]
        title = lines[i].strip("【】〔〕[] ") if mark is None or level == "plain" else mark.title
        if not title and i + 1 < len(lines) and _standalone(lines[i + 1], _MAX_PLAIN_HEADING) and not marks[i + 1]:
            title = lines[i + 1]  # 第一部分 on its own line, its title on the next
            skip.add(i + 1)
        titles[i] = title
    body_start = 0 if heads else _preamble_end(lines)
    bounds = [*heads, len(lines)] if heads else [body_start - 1, len(lines)]
    sections: dict[int, _Mark] = {}
    last_numbers: dict[str, int] = {}
    for start, stop in pairwise(bounds):
        sections.update(_section_heads(marks, start + 1, stop, _SECTION_LEVELS[level], last_numbers))
    if not heads:
        if len(lines) > body_start:
            warnings.warn(
                f"{report_id}: no part headings found (一、…, 第一部分 …, or a line such as 2023年工作回顾); "
                "read as one part of kind 'unknown'",
                StructureWarning,
                stacklevel=3,
            )

    rows = []
    titles_by_no: dict[int, str] = {}
    part_no, part_title, part_kind = 0, "", "preamble"
    part_year, span = report_year, (str(report_year) if report_year is not None else None)
    section_no: int | None = None
    section_title = ""
    para_no = 0
    closing = False
    for i, line in enumerate(lines):
        if i in skip:
            continue
        if i in titles:
            heading = marks[i]
            part_no = part_no + 1 if level == "plain" or heading is None else heading.number
            part_title = titles[i]
            titles_by_no[part_no] = part_title
            part_kind = classify_part(part_title, report_year)
            part_year, span = part_years(part_title, part_kind, report_year)
            section_no, section_title, para_no, closing = None, "", 0, False
            continue
        if not heads and i == body_start and part_no == 0:
            part_no, part_title, part_kind, para_no = 1, "", "unknown", 0
        lead_text = line
        if i in sections:
            mark = sections[i]
            section_no, section_title, closing = mark.number, mark.title, False
            if not mark.inline:
                continue
            numbered = _MARKERS_BY_LEVEL[mark.level].match(line)
            assert numbered is not None  # the line was found a section heading by this pattern
            line = numbered.group(2).strip()
            lead_text = re.split(f"[{_SENTENCE_END}]", line, maxsplit=1)[-1].lstrip()
        elif part_no > 0 and line.startswith("各位代表"):
            closing = True
            section_no, section_title = None, ""
        para_no += 1
        rows.append(
            {
                "report_id": report_id,
                "part_no": part_no,
                "part_title": part_title,
                "part_kind": part_kind,
                "part_year": part_year,
                "part_years": span,
                "section_no": section_no if not closing else None,
                "section_title": section_title if not closing else "",
                "para_no": para_no,
                "lead": _lead(lead_text) if part_no > 0 else None,
                "period_start": None,
                "period_end": None,
                "formula": part_no == 0,
                "text": line,
            }
        )
    for part_no, part in itertools.groupby(rows, key=lambda row: row["part_no"]):
        if part_no == 0 or not heads:
            continue
        _assign_periods(list(part), titles_by_no[part_no], report_year)
    for n, row in enumerate(rows):
        row["formula"] = bool(row["formula"]) or (row["part_no"] != 0
                                                  and _is_formula(str(row["text"]), n == len(rows) - 1))
    return rows


def parse_report(text: str, report_id: str = "report", year: int | None = None) -> pd.DataFrame:
    """One row per paragraph with its part, section, lead phrase and text.

    ``part_no`` is 0 for the preamble (title lines and the opening address);
    ``section_no`` is missing outside numbered sections. Once a part's closing address
    (a paragraph opening with 各位代表) begins, the paragraphs after it belong to the
    part, not to its last section. ``part_year`` is the year a part speaks about and
    ``part_years`` the span (``2017–2021`` for a five-year review; see :func:`part_years`);
    the report's year is ``year`` or the first year in the title lines.

    Parts are ``一、`` lines, ``第一部分`` lines, or unnumbered part headings standing
    alone; sections are the next numbering level inside a part (``（一）``, or ``一、``
    under 部分 and unnumbered parts, or Arabic ``1.``/``（1）``). An inline section
    (``（一）标题句。正文…``) takes its first sentence as the title and keeps the line,
    without its number, as paragraph text. A report whose parts cannot be found is read
    as one part of kind ``unknown`` with a :class:`StructureWarning`; nothing raises.

    Example:
        >>> df = parse_report("报告\\n一、2023年工作回顾\\n（一）保水\\n水库守护全面提质。加强保水。", "r", 2024)
        >>> row = df.iloc[-1]
        >>> int(row.part_no), row.part_kind, int(row.part_year), int(row.section_no), row.lead
        (1, 'review', 2023, 1, '水库守护全面提质')
    """
    if not isinstance(text, str):
        raise DataTypeError(f"parse_report expects str, got {type(text).__name__}")
    rows = paragraph_rows(text, report_id, year)
    frame = pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)
    return frame.astype(
        {
            "part_no": "int64",
            "part_year": "Int64",
            "part_years": "string",
            "section_no": "Int64",
            "para_no": "int64",
            "lead": "string",
            "period_start": "Int64",
            "period_end": "Int64",
            "formula": "bool",
            "report_id": "string",
            "part_title": "string",
            "part_kind": "string",
            "section_title": "string",
            "text": "string",
        }
    )


def without_formulas(paragraphs: pd.DataFrame | Any) -> pd.DataFrame | Any:
    """The paragraphs that speak about policy: those the ``formula`` column marks (title
    lines, the salutation and opening statement, the credit to the leadership, the closing
    call) left out. Takes a paragraph table or a ``Corpus`` and gives the same kind back;
    a table without that column is returned as it is.

    Example:
        >>> paras = parse_report("报告\\n各位代表：\\n一、2023年工作回顾\\n保水。\\n各位代表，让我们团结奋斗！",
        ...                      "r", 2024)
        >>> without_formulas(paras)["text"].tolist()
        ['保水。']
    """
    table = paragraphs if isinstance(paragraphs, pd.DataFrame) else getattr(paragraphs, "paragraphs", None)
    if not isinstance(table, pd.DataFrame) or "formula" not in table.columns:
        return paragraphs
    keep = ~table["formula"].fillna(False).astype(bool)
    return paragraphs if keep.all() else narrow(paragraphs, keep)


_MARKERS_BY_LEVEL = dict(_MARKERS)


_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』）)]*|$)")


def split_sentences(text: str, semicolons: bool = False) -> list[str]:
    """Split Chinese text into sentences at 。！？ (and ； when ``semicolons``).

    Closing quotes and brackets stay with their sentence; nothing is lost:
    ``"".join(split_sentences(t)) == t`` for text without line breaks.

    Example:
        >>> split_sentences("增长4.5%。他说：“好！”然后呢")
        ['增长4.5%。', '他说：“好！”', '然后呢']
    """
    if not isinstance(text, str):
        raise DataTypeError(f"split_sentences expects str, got {type(text).__name__}")
    pattern = _SENTENCE
    if semicolons:
        pattern = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;]+[”’」』）)]*|$)")
    return [s for s in pattern.findall(text) if s]


def sentences(paragraphs: pd.DataFrame, semicolons: bool = False) -> pd.DataFrame:
    """One row per sentence: the paragraph columns (without text) plus sent_no and sentence.

    Example:
        >>> paras = parse_report("一、工作回顾\\n甲。乙。", "r", 2024)
        >>> sentences(paras)["sentence"].tolist()
        ['甲。', '乙。']
    """
    paragraphs = text_cells(paragraphs, "sentences")
    keep = [c for c in paragraphs.columns if c != "text"]
    rows = []
    for record in paragraphs.to_dict("records"):
        for n, sentence in enumerate(split_sentences(str(record["text"]), semicolons), start=1):
            rows.append({**{k: record[k] for k in keep}, "sent_no": n, "sentence": sentence})
    frame = pd.DataFrame(rows, columns=[*keep, "sent_no", "sentence"])
    return frame.astype({c: paragraphs[c].dtype for c in keep} | {"sent_no": "int64", "sentence": "string"})


def corpus_paragraphs(corpus: pd.DataFrame) -> pd.DataFrame:
    """Paragraph tables of every report in a corpus, each row carrying its report's panel keys.

    ``corpus`` is the frame of :func:`miyun_text.corpus.load_corpus` (report_id, year,
    region, level, text). Every row gets ``year`` (the report's year), ``region``,
    ``level`` and ``label`` (``密云区 2024``, the name figures and tables show), so a
    paragraph table alone is enough to group by region and year. Rows keep the corpus
    order, then document order.

    Example:
        >>> corpus = pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["密云区"],
        ...                        "level": ["区"], "text": ["一、2023年工作回顾\\n保水。"]})
        >>> corpus_paragraphs(corpus)[["report_id", "year", "region", "label", "part_year"]].values.tolist()
        [['r', 2024, '密云区', '密云区 2024', 2023]]
    """
    frames = []
    for row in corpus.to_dict("records"):
        frame = parse_report(str(row["text"]), str(row["report_id"]), int(row["year"]))
        for k, (column, value) in enumerate(panel_values(row).items(), start=1):
            frame.insert(k, column, value)
        frames.append(frame)
    if not frames:
        empty = parse_report("", "x")
        empty.insert(1, "year", pd.Series(dtype="int64"))
        for k, column in enumerate(PANEL_COLUMNS[1:], start=2):
            empty.insert(k, column, pd.Series(dtype="string"))
        return empty
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"year": "int64", "region": "string", "level": "string", "label": "string"})

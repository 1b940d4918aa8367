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

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd

from .errors import ArgumentError, DataTypeError

# the grouping helpers and report labels moved to miyun_text.grouping; they stay importable from here
from .grouping import (
    GROUPINGS,
    PANEL_COLUMNS,
    group_columns,
    group_label,
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
    "parse_report",
    "part_years",
    "report_label",
    "sentences",
    "split_sentences",
    "text_cells",
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
    ("review", ("回顾", "工作总结", "过去一年", "过去五年", "五年来", "本届政府工作", "工作情况")),
    ("self-building", ("自身建设", "政府建设")),
    # a multi-year look ahead is an outlook even when its title speaks of 目标任务
    ("outlook", ("今后五年", "未来五年", "今后一个时期")),
    ("plan", ("安排", "任务", "总体要求", "预期目标", "主要目标", "重点工作", "工作部署", "目标要求")),
]
# Words that make a short line standing alone an unnumbered part heading.
_PLAIN_WORDS = (*(w for _, words in _KINDS for w in words), "今后五年", "未来五年", "展望")
_YEAR_WORK = re.compile(r"^(?:19|20)\d\d年[^\d]{0,8}工作$")
_PLAIN_BLOCK = ("报告", "代表", "会议", "月", "日", "同志")
_FIVE_YEARS_BACK = ("过去五年", "五年来", "本届政府")
_FIVE_YEARS_AHEAD = ("今后五年", "未来五年")
_ONE_YEAR_BACK = ("过去一年", "一年来")


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


def classify_part(title: str, report_year: int | None = None) -> str:
    """Kind of a part from its title: review, plan, self-building or outlook.

    Words decide first (回顾, 过去一年 → review; 自身建设 → self-building; 安排, 任务,
    总体要求, 预期目标, 主要目标 → plan). Without them, a year in the title decides when
    the report's year is known: an earlier year is a review, the report's own year a plan.

    Example:
        >>> classify_part("2023年工作回顾"), classify_part("2024年政府工作安排")
        ('review', 'plan')
        >>> classify_part("全面加强政府自身建设"), classify_part("深入学习贯彻…")
        ('self-building', 'outlook')
        >>> classify_part("2025年工作总体要求和重点任务"), classify_part("2022年经济社会发展", 2023)
        ('plan', 'review')
        >>> classify_part("今后五年的目标任务")
        'outlook'
        >>> part_years("今后五年的目标任务", "outlook", 2022)
        (2026, '2022–2026')
    """
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
    year for a review or an outlook); ``过去五年`` reviews the five years before the report,
    ``今后五年`` looks ahead over the five from it (its year is the horizon, the last);
    ``过去一年`` and a review without a year speak about the year before the report;
    anything else about the report's year.

    Example:
        >>> part_years("过去五年工作回顾", "review", 2022)
        (2021, '2017–2021')
        >>> part_years("一年来工作回顾", "review", 2024), part_years("2024年工作安排", "plan", 2024)
        ((2023, '2023'), (2024, '2024'))
    """
    span = _YEAR_RANGE.search(title)
    if span:
        first, last = sorted((int(span.group(1)), int(span.group(2))))
        return (first if kind == "plan" else last), f"{first}–{last}"
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
    if not 4 <= len(core) <= _MAX_PLAIN_HEADING or set(core) & set("。！？!?；;：:，,、（）()“”"):
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
        indices = [i for i in range(start, stop) if marks[i] is not None and marks[i].level == level]
        kept = _sequence(indices, marks)
        if not kept and level in previous:
            kept = _sequence(indices, marks, previous[level] + 1)
        if kept and (not best or kept[0] < best[0]):
            best = kept
    if best:
        previous[marks[best[0]].level] = marks[best[-1]].number
    return {i: marks[i] for i in best}


def _preamble_end(lines: list[str]) -> int:
    """Where the body begins in a report without parts: after the title lines and the address."""
    for i, line in enumerate(lines[:6]):
        if line.startswith("各位代表"):
            return i + 1
    end = 0
    while end < len(lines) and len(lines[end]) <= _MAX_HEADING and not set(lines[end]) & set(_SENTENCE_END):
        end += 1
    return end if end < len(lines) else 0


def paragraph_rows(text: str, report_id: str, year: int | None) -> list[dict]:
    """The rows of :func:`parse_report` as dicts (the loading pipeline builds Arrow tables from them)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
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
            part_no = part_no + 1 if level == "plain" else marks[i].number
            part_title = titles[i]
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
            line = _MARKERS_BY_LEVEL[mark.level].match(line).group(2).strip()
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
                "text": line,
            }
        )
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
            "report_id": "string",
            "part_title": "string",
            "part_kind": "string",
            "section_title": "string",
            "text": "string",
        }
    )


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

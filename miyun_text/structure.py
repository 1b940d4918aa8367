"""Parse a clean report into parts, sections, paragraphs and sentences.

A work report is a short preamble, then numbered parts (``一、2023年工作回顾``,
or ``第一部分``), each with optional numbered sections (``（一）高规格保水保生态，…``)
whose paragraphs often open with a lead phrase (``密云水库守护全面提质。``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

__all__ = [
    "CN_NUMERALS",
    "GROUPINGS",
    "PANEL_COLUMNS",
    "PARAGRAPH_COLUMNS",
    "chinese_numeral",
    "classify_part",
    "corpus_paragraphs",
    "group_columns",
    "group_label",
    "parse_report",
    "report_label",
    "sentences",
    "split_sentences",
]

PARAGRAPH_COLUMNS = [
    "report_id",
    "part_no",
    "part_title",
    "part_kind",
    "part_year",
    "section_no",
    "section_title",
    "para_no",
    "lead",
    "text",
]

CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_NUM = "一二三四五六七八九十"
_PART = re.compile(rf"^(?:([{_NUM}]{{1,3}})、|第([{_NUM}]{{1,3}})部分[：:、\s]*)(.*)$")
_SECTION = re.compile(rf"^[（(]([{_NUM}]{{1,3}})[）)]\s*(.*)$")
_YEAR = re.compile(r"(20\d\d|19\d\d)年")
_LEAD = re.compile(r"^([^。！？；：]{4,20})。")
# Part titles say what the part does; these words decide its kind.
_KINDS = [
    ("review", ("回顾", "工作总结", "过去一年", "过去五年")),
    ("self-building", ("自身建设", "政府建设")),
    ("plan", ("工作安排", "工作任务", "重点工作", "主要任务", "目标任务")),
]


def chinese_numeral(text: str) -> int:
    """Value of a Chinese numeral from 一 to 九十九.

    Example:
        >>> chinese_numeral("七"), chinese_numeral("十二"), chinese_numeral("二十")
        (7, 12, 20)
    """
    if not text or any(ch not in CN_NUMERALS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if "十" not in text:
        return CN_NUMERALS[text]
    tens, _, ones = text.partition("十")
    return (CN_NUMERALS[tens] if tens else 1) * 10 + (CN_NUMERALS[ones] if ones else 0)


def classify_part(title: str) -> str:
    """Kind of a part from its title: review, plan, self-building or outlook.

    Example:
        >>> classify_part("2023年工作回顾"), classify_part("2024年政府工作安排")
        ('review', 'plan')
        >>> classify_part("全面加强政府自身建设"), classify_part("深入学习贯彻…")
        ('self-building', 'outlook')
    """
    for kind, words in _KINDS:
        if any(word in title for word in words):
            return kind
    return "outlook"


def _report_year(lines: list[str], default: int | None) -> int | None:
    if default is not None:
        return default
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


def parse_report(text: str, report_id: str = "report", year: int | None = None) -> pd.DataFrame:
    """One row per paragraph with its part, section, lead phrase and text.

    ``part_no`` is 0 for the preamble (title lines and the opening address);
    ``section_no`` is missing outside numbered sections. Once a part's closing address
    (a paragraph opening with 各位代表) begins, the paragraphs after it belong to the
    part, not to its last section. ``part_year`` is the year a part speaks about: the
    year in its title, else the report's year (``year`` or the first year in the title
    lines). Brackets may be full-width or ASCII; ``第一部分`` parts and reports without
    sections are understood.

    Example:
        >>> df = parse_report("报告\\n一、2023年工作回顾\\n（一）保水\\n水库守护全面提质。加强保水。", "r", 2024)
        >>> row = df.iloc[-1]
        >>> int(row.part_no), row.part_kind, int(row.part_year), int(row.section_no), row.lead
        (1, 'review', 2023, 1, '水库守护全面提质')
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_report expects str, got {type(text).__name__}")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    report_year = _report_year(lines, year)
    rows = []
    part_no, part_title, part_kind, part_year = 0, "", "preamble", report_year
    section_no: int | None = None
    section_title = ""
    para_no = 0
    closing = False
    for line in lines:
        part = _PART.match(line)
        if part:
            part_no = chinese_numeral(part.group(1) or part.group(2))
            part_title = part.group(3).strip()
            part_kind = classify_part(part_title)
            years = _YEAR.findall(part_title)
            part_year = int(years[0]) if years else report_year
            section_no, section_title, para_no, closing = None, "", 0, False
            continue
        section = _SECTION.match(line)
        if section and part_no > 0 and len(line) <= 60:
            section_no = chinese_numeral(section.group(1))
            section_title = section.group(2).strip()
            closing = False
            continue
        if part_no > 0 and line.startswith("各位代表"):
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
                "section_no": section_no if not closing else None,
                "section_title": section_title if not closing else "",
                "para_no": para_no,
                "lead": _lead(line) if part_no > 0 else None,
                "text": line,
            }
        )
    frame = pd.DataFrame(rows, columns=PARAGRAPH_COLUMNS)
    return frame.astype(
        {
            "part_no": "int64",
            "part_year": "Int64",
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
        raise TypeError(f"split_sentences expects str, got {type(text).__name__}")
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
    keep = [c for c in paragraphs.columns if c != "text"]
    rows = []
    for record in paragraphs.to_dict("records"):
        for n, sentence in enumerate(split_sentences(str(record["text"]), semicolons), start=1):
            rows.append({**{k: record[k] for k in keep}, "sent_no": n, "sentence": sentence})
    frame = pd.DataFrame(rows, columns=[*keep, "sent_no", "sentence"])
    return frame.astype({c: paragraphs[c].dtype for c in keep} | {"sent_no": "int64", "sentence": "string"})


PANEL_COLUMNS = ["year", "region", "level", "label"]


def report_label(region: object, year: object, report_id: object = None) -> str:
    """The display label of a report: ``密云区 2024`` (region and year from the manifest).

    Falls back to the report id where the manifest gives no region or year.

    Example:
        >>> report_label("密云区", 2024), report_label(None, 2023, "r23")
        ('密云区 2024', 'r23')
    """
    if region is None or pd.isna(region) or str(region).strip() == "" or year is None or pd.isna(year):
        return str(report_id) if report_id is not None else "—"
    return f"{str(region).strip()} {int(year)}"


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
        region = row.get("region")
        region = None if region is None or pd.isna(region) else str(region).strip() or None
        level = row.get("level")
        level = None if level is None or pd.isna(level) else str(level).strip() or None
        frame.insert(1, "year", int(row["year"]))
        frame.insert(2, "region", region)
        frame.insert(3, "level", level)
        frame.insert(4, "label", report_label(region, row["year"], row["report_id"]))
        frames.append(frame)
    if not frames:
        empty = parse_report("", "x")
        empty.insert(1, "year", pd.Series(dtype="int64"))
        for k, column in enumerate(PANEL_COLUMNS[1:], start=2):
            empty.insert(k, column, pd.Series(dtype="string"))
        return empty
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"year": "int64", "region": "string", "level": "string", "label": "string"})


# Named groupings: what ``by="section"`` and friends mean in a paragraph table. A name or
# a list of names (``["region", "year"]``) is accepted everywhere a measure takes ``by=``.
GROUPINGS = {
    "report": ["report_id"],
    "region": ["region"],
    "year": ["year"],
    "part": ["report_id", "part_no", "part_kind"],
    "part_kind": ["report_id", "part_kind"],
    "section": ["report_id", "part_no", "section_no", "section_title"],
}


def group_columns(frame: pd.DataFrame, by: str | Sequence[str]) -> list[str]:
    """The columns a grouping names: a key of :data:`GROUPINGS`, a column, or a list of either.

    A single name is looked up in :data:`GROUPINGS` first (``"section"`` is a report's
    section). In a list, a name that is a column of the table is that column, and any
    other name expands as in :data:`GROUPINGS`; the parts combine in order without
    repeating a column (``["region", "year"]``, ``["region", "part_kind"]`` pools the
    reports of a region by part kind, ``["report", "part_kind"]`` keeps them apart).
    ``"year"`` falls back to ``part_year`` in a single report's paragraph table.

    Example:
        >>> group_columns(parse_report("一、2023年工作回顾\\n保水。", "r", 2024), "section")
        ['report_id', 'part_no', 'section_no', 'section_title']
        >>> group_columns(pd.DataFrame(columns=["report_id", "region", "year", "part_kind"]), ["region", "part_kind"])
        ['region', 'part_kind']
    """
    names = [by] if isinstance(by, str) else list(by)
    columns: list[str] = []
    for name in names:
        wanted = [name] if len(names) > 1 and name in frame.columns else GROUPINGS.get(name, [name])
        if wanted == ["year"] and "year" not in frame.columns and "part_year" in frame.columns:
            wanted = ["part_year"]
        columns += [c for c in wanted if c not in columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"cannot group by {by!r}: no column(s) {missing}; available: {list(frame.columns)}")
    return columns


def group_label(values: tuple) -> str:
    """A readable label for a group's key values, missing values shown as —.

    Example:
        >>> group_label(("miyun_2024", 1, None))
        'miyun_2024 | 1 | —'
    """
    return " | ".join("—" if pd.isna(v) else str(v) for v in values)

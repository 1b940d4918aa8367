"""Repair scraped report text into canonical Simplified Chinese, logging every change.

:func:`clean_text` runs small, ordered steps, each separately tested:

1. ``errata``    corrections from ``data/errata.csv`` (damaged spans that bytes alone
   cannot restore), checked against the raw text they claim to correct;
2. ``realign``   automatic repair of GBK mojibake runs whose bytes allow it: the lost
   byte is dropped and the bytes after it re-paired; runs it cannot repair are logged
   as ``unrepaired`` (and raise when ``strict``);
3. ``pinyin``    removal of pinyin annotations ``區(qū)`` (only where the parentheses
   hold pinyin syllables);
4. ``t2s``       Traditional to Simplified with OpenCC's phrase-level ``t2s``; where an
   annotation gave the reading of a one-to-many character, that reading decides;
5. ``punct``     GB/T 15834 full-width punctuation in Chinese context, ASCII kept inside
   numbers and formulas (4.5%, 6.0版, “5+2”), white space at line ends removed.

Every change is a row of :attr:`Cleaned.repairs` with the offset in the text that
step received, the text before and after, the step, and the evidence.
"""

from __future__ import annotations

import bisect
import csv
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from opencc import OpenCC

from .decode import common_cjk
from .errors import DataTypeError, ErrataError, UnrepairedDamageError
from .paths import resource_path

__all__ = [
    "ALLOWED_NON_GB2312",
    "DAMAGE_RUN",
    "REPAIR_COLUMNS",
    "STEPS",
    "Cleaned",
    "Repair",
    "apply_errata",
    "clean_steps",
    "clean_text",
    "is_pinyin",
    "normalize_punctuation",
    "outside_gb2312",
    "realign_mojibake",
    "repair_frame",
    "repair_summary",
    "strip_pinyin",
    "suspicious_chars",
    "to_simplified",
]

REPAIR_COLUMNS = ["raw_offset", "offset", "before", "after", "step", "evidence"]
STEPS = ["errata", "realign", "unrepaired", "pinyin", "t2s", "punct"]

# Characters a clean report may hold although GB 2312 lacks them (or maps them
# differently): the em dash and middle dot of GB/T 15834, and Roman numerals.
ALLOWED_NON_GB2312 = frozenset("—·ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ")

_TONED = "āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü"
_PINYIN_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|iao|ian|uan|van|ai|ei|ao|ou|an|en|in|un|vn|"
    r"er|ia|ie|iu|ua|uo|ui|ue|ve|a|o|e|i|u|v)(?:r)?"
)
_ONE_ANNOTATION = r"[(（]([a-z" + _TONED + r"]{1,7})[)）]"
# One or more annotations in a row after a CJK character: 區(qū) and, doubled, 區(qū)(qū).
# The pattern opens with the parenthesis (and looks back from there) so that the scan jumps
# from one parenthesis to the next instead of testing the lookbehind at every character.
_ANNOTATION = re.compile(
    r"[(（](?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][(（])[a-z" + _TONED + r"]{1,7}[)）]"
    r"(?:[(（][a-z" + _TONED + r"]{1,7}[)）])*"
)
_SINGLE = re.compile(_ONE_ANNOTATION)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Repair:
    """One logged change: where (in the text the step received), what, which step, and why."""

    offset: int
    before: str
    after: str
    step: str
    evidence: str
    raw_offset: int = -1


def repair_frame(repairs: list[Repair]) -> pd.DataFrame:
    """The repair log as a table (columns :data:`REPAIR_COLUMNS`), typed even when empty.

    Example:
        >>> repair_frame([Repair(0, "區", "区", "t2s", "OpenCC")])[["before", "after"]].values.tolist()
        [['區', '区']]
    """
    # typed columns built directly: the same frame as rows plus astype, without its overhead
    return pd.DataFrame({
        "raw_offset": np.array([r.raw_offset for r in repairs], dtype="int64"),
        "offset": np.array([r.offset for r in repairs], dtype="int64"),
        "before": np.array([r.before for r in repairs], dtype=object),
        "after": np.array([r.after for r in repairs], dtype=object),
        "step": np.array([r.step for r in repairs], dtype=object),
        "evidence": np.array([r.evidence for r in repairs], dtype=object),
    }, columns=REPAIR_COLUMNS)


class _OffsetMap:
    """Where each character of a step's text came from in the raw text, in runs rather than one int each.

    Position ``i`` maps to ``raw[k] + step[k] * (i - starts[k])`` in the run ``k`` that holds
    it: a run of untouched characters moves one by one (``step`` 1), the characters a repair
    wrote all map to where it starts (``step`` 0). A report whose steps change little is a
    handful of runs instead of a list of millions of integers.
    """

    __slots__ = ("length", "raw", "starts", "step")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.raw: list[int] = []
        self.step: list[int] = []
        self.length = 0

    @classmethod
    def identity(cls, length: int) -> _OffsetMap:
        out = cls()
        out.add(0, 1, length)
        return out

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> int:
        if i < 0:
            i += self.length
        k = bisect.bisect_right(self.starts, i) - 1
        return self.raw[k] + self.step[k] * (i - self.starts[k])

    def add(self, raw: int, step: int, count: int) -> None:
        """Append ``count`` positions starting at raw offset ``raw`` (moving by ``step``)."""
        if count <= 0:
            return
        if self.starts:  # continue the last run where it continues
            k = len(self.starts) - 1
            if self.step[k] == step and self.raw[k] + step * (self.length - self.starts[k]) == raw and (
                    step == 1 or self.raw[k] == raw):
                self.length += count
                return
        self.starts.append(self.length)
        self.raw.append(raw)
        self.step.append(step)
        self.length += count

    def copy_into(self, out: _OffsetMap, a: int, b: int) -> None:
        """Append positions ``a`` to ``b`` (clamped, as a slice is) of this map to ``out``."""
        a, b = max(0, min(a, self.length)), max(0, min(b, self.length))
        k = bisect.bisect_right(self.starts, a) - 1 if a < b else len(self.starts)
        while a < b:
            end = self.starts[k + 1] if k + 1 < len(self.starts) else self.length
            n = min(end, b) - a
            out.add(self.raw[k] + self.step[k] * (a - self.starts[k]), self.step[k], n)
            a += n
            k += 1


def _carry_offsets(to_raw: _OffsetMap, text_in: str, log: list[Repair]) -> tuple[_OffsetMap, list[Repair]]:
    """Give a step's repairs their offsets in the raw text, and map its output back to raw.

    ``to_raw[i]`` is the raw offset of character i of the step's input; characters a
    repair wrote map to the raw offset where that repair starts.
    """
    if not log and len(to_raw) == len(text_in) + 1:
        return to_raw, []  # a step that changed nothing keeps the mapping as it is
    placed = [replace(r, raw_offset=to_raw[min(r.offset, len(to_raw) - 1)]) for r in log]
    spans = sorted((r.offset, len(r.before), len(r.after)) for r in log if r.before != r.after)
    out = _OffsetMap()
    cursor = 0
    for start, n_before, n_after in spans:
        if start < cursor:  # overlapping rows (white space trims) keep the earlier mapping
            continue
        to_raw.copy_into(out, cursor, start)
        out.add(to_raw[min(start, len(to_raw) - 1)], 0, n_after)
        cursor = start + n_before
    to_raw.copy_into(out, cursor, len(text_in))
    out.add(to_raw[-1], 0, 1)
    return out, placed


@dataclass(frozen=True)
class Cleaned:
    """The clean text and the log of every repair that produced it.

    Example:
        >>> c = clean_text("密云區(qū)政府")
        >>> c.text, c.repairs["step"].tolist()
        ('密云区政府\\n', ['pinyin', 't2s'])
    """

    text: str
    repairs: pd.DataFrame = field(repr=False)

    @property
    def unrepaired(self) -> pd.DataFrame:
        """The rows of damage that no step could repair."""
        return self.repairs[self.repairs["step"] == "unrepaired"]


def _to_plain_pinyin(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable.replace("ü", "v"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_pinyin(word: str) -> bool:
    """True when ``word`` is one lower-case Hanyu Pinyin syllable (tone marks allowed).

    Example:
        >>> is_pinyin("qū"), is_pinyin("zhuàng"), is_pinyin("GEP"), is_pinyin("试行")
        (True, True, False, False)
    """
    if not word or word != word.lower():
        return False
    return _PINYIN_SYLLABLE.fullmatch(_to_plain_pinyin(word)) is not None


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def outside_gb2312(text: str) -> list[tuple[int, str]]:
    """Offsets and characters of ``text`` outside GB 2312 and the documented allowlist.

    Example:
        >>> outside_gb2312("密云區—")
        [(2, '區')]
    """
    return [
        (i, ch)
        for i, ch in enumerate(text)
        if ch not in "\n" and ch not in ALLOWED_NON_GB2312 and not _in_gb2312(ch)
    ]


def _is_suspicious(ch: str) -> bool:
    code = ord(ch)
    return (
        ch in "?\ufffd"
        or 0xE000 <= code <= 0xF8FF  # private use: GBK user-defined pairs
        or 0x3100 <= code <= 0x312F  # bopomofo: A8 row of GBK read out of step
        or 0x2500 <= code <= 0x257F  # box drawing: A9 row of GBK read out of step
    )


# The characters :func:`_is_suspicious` accepts, as one class: a regex scan finds them
# without a Python call per character.
_SUSPICIOUS = re.compile("[?\ufffd\ue000-\uf8ff\u3100-\u312f\u2500-\u257f]")


def _diff_spans(a: str, b: str) -> list[tuple[int, int]]:
    """Maximal ``[start, end)`` spans where two strings of equal length differ."""
    if a == b:
        return []
    # compared block by block, so the UTF-32 copies of a long text stay small
    blocks = []
    for start in range(0, len(a), _DIFF_BLOCK):
        x = np.frombuffer(a[start : start + _DIFF_BLOCK].encode("utf-32-le"), dtype=np.uint32)
        y = np.frombuffer(b[start : start + _DIFF_BLOCK].encode("utf-32-le"), dtype=np.uint32)
        blocks.append(np.flatnonzero(x != y) + start)
    diff = np.concatenate(blocks)
    breaks = np.flatnonzero(np.diff(diff) != 1)
    starts = np.concatenate(([diff[0]], diff[breaks + 1]))
    ends = np.concatenate((diff[breaks], [diff[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


_DIFF_BLOCK = 1 << 20


# Words that make a clause a question, so that a ``?`` after it ends a sentence.
_QUESTION_WORDS = ("吗", "呢", "么", "什么", "怎", "如何", "为何", "何", "哪", "谁", "几", "多少", "是否", "难道", "岂",
                   "嗎", "麼", "為何", "誰", "幾")
_CLAUSE_END = "。！？；，,;!\n"
_OPENING = "“‘「『《（(【"
_CLOSING = "”’」』》）)】"
_DASHES = "─━"


def _question_is_damage(text: str, i: int) -> bool:
    """Whether the ``?`` at ``i`` is the decoder's mark for lost bytes rather than a question mark.

    The bytes and the text around it decide: ``?`` opening a line, doubled, followed by
    punctuation the scrape folded (``?!`` ``?;`` ``?。``) or by letters fused into it, or
    followed by characters a misaligned decoder produces, is damage; so is a ``?`` fused
    between Chinese characters after a clause that asks nothing (``朱?基``). A ``?``
    before a line end, space, quote or digit, or after a question (``怎么办?我们``), ends
    a sentence.
    """
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    if prev in "\n?\ufffd" or nxt in "?!;。；！\ufffd":
        return True
    if nxt.isascii() and nxt.isalpha():
        return True
    if nxt in " \t\u3000\n" or nxt in _CLOSING or nxt in _OPENING or nxt.isdigit():
        return False
    if not _CJK.match(nxt):
        return True
    after = text[i + 1 : i + 7]
    if any(_is_suspicious(c) or (_CJK.match(c) and not common_cjk(c)) for c in after.split("\n")[0]):
        return True
    start = max(text.rfind(c, 0, i) for c in _CLAUSE_END) + 1
    clause = re.sub(r"[(（][a-z" + _TONED + r"]{1,7}[)）]", "", text[start:i])  # pinyin annotations say nothing
    asks = any(word in clause for word in _QUESTION_WORDS) or re.search(r"(.)[不没]\1", clause) is not None
    return not asks  # 是不是, 有没有, 能不能 ask too


def _is_dash(text: str, i: int) -> bool:
    """Whether the box-drawing line at ``i`` is used as a dash (``── 2025年1月8日``), not mojibake."""
    if text[i] not in _DASHES:
        return False
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[i + 1] if i + 1 < len(text) else "\n"
    dashlike = _DASHES + "—－-"
    return prev in dashlike or nxt in dashlike or prev in " \t\u3000\n" or nxt in " \t\u3000\n" or nxt.isdigit()


def suspicious_chars(text: str) -> list[tuple[int, str]]:
    """Offsets of characters that betray mojibake: ``?``, U+FFFD, PUA, bopomofo, box drawing.

    Only where the text says so: a ``?`` that ends a sentence and ``─``/``━`` used as a
    dash are punctuation, not damage (see :func:`normalize_punctuation`).

    Example:
        >>> suspicious_chars("?。ㄋ模")
        [(0, '?'), (2, 'ㄋ')]
        >>> suspicious_chars("── 2025年1月8日\\n怎么办?我们要干。")
        []
    """
    return [
        (m.start(), m.group())
        for m in _SUSPICIOUS.finditer(text)
        if not (m.group() == "?" and not _question_is_damage(text, m.start())) and not _is_dash(text, m.start())
    ]


# ---------------------------------------------------------------- step 1: errata


def apply_errata(text: str, errata: pd.DataFrame | None, report_id: str | None = None) -> tuple[str, list[Repair]]:
    """Apply errata rows (``offset``, ``corrupted``, ``corrected``, ``evidence``) to raw text.

    Each row must match the text at its offset exactly; a mismatch raises
    :class:`~miyun_text.errors.ErrataError` naming the errata line and, where the
    corrupted text occurs elsewhere, the offset it should have.

    Example:
        >>> import pandas as pd
        >>> rows = pd.DataFrame([{"offset": 1, "corrupted": "?x", "corrected": "气",
        ...                       "evidence": "context"}])
        >>> apply_errata("燃?x候", rows)[0]
        '燃气候'
    """
    if errata is None or len(errata) == 0:
        return text, []
    where = errata.attrs.get("path", "errata")
    rows = sorted(errata.to_dict("records"), key=lambda r: int(r["offset"]))
    end_prev, prev_line = -1, None
    for row in rows:
        start, bad = int(row["offset"]), str(row["corrupted"])
        line = row.get("line", "?")
        if start < end_prev:
            raise ErrataError(f"{where}:{line}: overlaps the correction on line {prev_line}; merge the two rows")
        if text[start : start + len(bad)] != bad:
            found = [m.start() for m in re.finditer(re.escape(bad), text)]
            hint = f"it occurs at offset(s) {found[:5]}" if found else "it does not occur in the raw text"
            raise ErrataError(
                f"{where}:{line}: report {report_id or '?'} has {text[start:start + len(bad)]!r} at "
                f"offset {start}, not {bad!r}; {hint}. Fix the offset or the corrupted text"
            )
        end_prev, prev_line = start + len(bad), line
    out, repairs, cursor = [], [], 0
    for row in rows:
        start, bad = int(row["offset"]), str(row["corrupted"])
        out.append(text[cursor:start])
        out.append(str(row["corrected"]))
        repairs.append(Repair(start, bad, str(row["corrected"]), "errata", str(row["evidence"])))
        cursor = start + len(bad)
    out.append(text[cursor:])
    return "".join(out), repairs


# ---------------------------------------------------------------- step 2: realign

# A run starts at the byte the decoder could not place (shown as ``?`` or U+FFFD)
# and lasts until an ASCII byte below 0x3F, which GBK can never pair and so re-syncs.
DAMAGE_RUN = re.compile(r"[?\ufffd][?!;]?[^\x00-\x3e\n]*")
# Full-width punctuation that the scrape folded to ASCII inside runs: restore the bytes.
_FOLDED = {"?": "？", "!": "！", ";": "；"}


def _run_bytes(run: str) -> bytes | None:
    try:
        return b"".join(_FOLDED.get(ch, ch).encode("gbk") for ch in run)
    except UnicodeEncodeError:
        return None


def _repair_pairs(data: bytes) -> str | None:
    """Decode bytes pair by pair; None where a pair is not a GBK character."""
    chars, i = [], 0
    while i < len(data):
        if data[i] < 0x80:
            chars.append(chr(data[i]))
            i += 1
            continue
        try:
            chars.append(data[i : i + 2].decode("gbk"))
        except UnicodeDecodeError:
            return None
        i += 2
    return "".join(chars)


def realign_mojibake(text: str) -> tuple[str, list[Repair]]:
    """Repair GBK mojibake runs whose bytes allow it; log the rest as ``unrepaired``.

    A run is the decoder's ``?`` and the characters after it up to the next ASCII byte
    that re-syncs GBK. Its bytes (with folded punctuation restored) are re-paired one
    byte later. The repair is applied only when the evidence is complete: the lost
    character is the full-width indentation space of a line (trail byte A1 at a line
    start), the re-paired bytes decode, every character but the last is one the
    Traditional converter leaves alone (a converted one would carry an annotation and
    end the run), and every character occurs elsewhere in the undamaged text.

    Example:
        >>> realign_mojibake("四、聚焦增進。\\n?。ㄋ模┚劢乖鲞M")[0].splitlines()[1]
        '（四）聚焦增進'
    """
    t2s = _opencc()
    runs: list[re.Match[str]] = []
    end = 0
    for mark in re.finditer("[?\ufffd]", text):
        if mark.start() < end or (mark.group() == "?" and not _question_is_damage(text, mark.start())):
            continue  # inside a run already, or a question mark ending a sentence
        run_match = DAMAGE_RUN.match(text, mark.start())
        assert run_match is not None  # the pattern matches at every ? and U+FFFD
        runs.append(run_match)
        end = run_match.end()
    damaged = {i for m in runs for i in range(m.start(), m.end())}
    vocabulary: set[str] | None = None  # built on first need: most reports never need it
    out, repairs, cursor = [], [], 0
    for match in runs:
        run, start = match.group(), match.start()
        fixed, evidence = None, ""
        data = _run_bytes(run[1:])
        at_line_start = start == 0 or text[start - 1] == "\n"
        if data and len(data) >= 3 and data[0] == 0xA1 and at_line_start:
            candidate = _repair_pairs(data[1:])
            if candidate and vocabulary is None:
                # runs never overlap, so the undamaged text is what lies between them
                bounds = [0, *(k for m in runs for k in (m.start(), m.end())), len(text)]
                vocabulary = set().union(*(text[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds), 2)))
            if candidate and vocabulary is not None and all(ch in vocabulary for ch in candidate if _CJK.match(ch)):
                head = candidate[:-1]
                if not any(_is_suspicious(c) for c in candidate) and t2s.convert(head) == head:
                    fixed = candidate
                    evidence = (
                        f"GBK bytes {data.hex(' ')}: first byte A1 is the trail of the line's "
                        f"full-width space (A1A1, lost); re-paired from the next byte they read "
                        f"{candidate}, every character attested elsewhere in the report"
                    )
        out.append(text[cursor:start])
        if fixed is None:
            out.append(run)
            repairs.append(
                Repair(start, run, run, "unrepaired",
                       "mojibake run: bytes do not re-pair into attested text; add a row to data/errata.csv")
            )
        else:
            out.append(fixed)
            repairs.append(Repair(start, run, fixed, "realign", evidence))
        cursor = match.end()
    out.append(text[cursor:])
    result = "".join(out)
    # damage without a leading '?': stray PUA, bopomofo or box-drawing characters
    for i, ch in suspicious_chars(text):
        if i not in damaged:
            repairs.append(Repair(i, ch, ch, "unrepaired",
                                  f"stray {unicodedata.name(ch, hex(ord(ch)))}; add a row to data/errata.csv"))
    repairs.sort(key=lambda r: r.offset)
    return result, repairs


# ---------------------------------------------------------------- step 3: pinyin


def strip_pinyin(text: str) -> tuple[str, list[Repair], dict[int, str]]:
    """Remove pinyin annotations after CJK characters; return readings by output offset.

    Only parentheses holding one valid pinyin syllable are removed, so ``（一）``,
    ``(试行)``, ``（2023年）`` and ``(GEP)`` survive.

    Example:
        >>> text, log, readings = strip_pinyin("密云區(qū)生產(chǎn)总值(GEP)")
        >>> text, readings
        ('密云區生產总值(GEP)', {2: 'qū', 4: 'chǎn'})
    """
    out, repairs, readings, cursor, removed = [], [], {}, 0, 0
    for run in _ANNOTATION.finditer(text):
        owner = text[run.start() - 1]
        for match in _SINGLE.finditer(text, run.start(), run.end()):
            syllable = match.group(1)
            if not is_pinyin(syllable) or (match.start() != cursor and match.start() != run.start()):
                break
            start = match.start()
            out.append(text[cursor:start])
            readings[run.start() - 1 - removed] = syllable
            repairs.append(
                Repair(start, match.group(), "", "pinyin",
                       f"pinyin annotation of {owner} ({syllable}) added by the scraping site")
            )
            removed += match.end() - start
            cursor = match.end()
    out.append(text[cursor:])
    return "".join(out), repairs, readings


# ---------------------------------------------------------------- step 4: t2s


@lru_cache(maxsize=1)
def _opencc() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _phrase_table() -> list[tuple[str, str, str]]:
    with open(resource_path("t2s_phrases.csv"), encoding="utf-8") as handle:
        rows = [(r["traditional"], r["simplified"], r["note"]) for r in csv.DictReader(handle)]
    # longest first, so 围绕著 wins over a shorter rule at the same place
    return sorted(rows, key=lambda r: (-len(r[0]), r[0]))


@lru_cache(maxsize=1)
def _reading_table() -> dict[tuple[str, str], tuple[str, str]]:
    with open(resource_path("readings.csv"), encoding="utf-8") as handle:
        return {
            (row["traditional"], row["reading"]): (row["simplified"], row["note"])
            for row in csv.DictReader(handle)
        }


def _reading_choice(ch: str, reading: str) -> tuple[str, str] | None:
    table = _reading_table()
    if (ch, reading) in table:
        return table[(ch, reading)]
    plain = _to_plain_pinyin(reading)
    matches = {v for (c, r), v in table.items() if c == ch and _to_plain_pinyin(r) == plain}
    return matches.pop() if len(matches) == 1 else None


def to_simplified(text: str, readings: dict[int, str] | None = None) -> tuple[str, list[Repair]]:
    """Convert Traditional to Simplified with OpenCC ``t2s`` (phrase-level).

    ``readings`` maps offsets to pinyin read from annotations; where it names the
    reading of a one-to-many character (乾 gān → 干, 乾 qián → 乾; 著 zhuó → 着),
    that reading decides instead of OpenCC's guess.

    Example:
        >>> to_simplified("乾淨的報告")[0]
        '干净的报告'
        >>> to_simplified("乾坤", {0: "qián"})[0]
        '乾坤'
    """
    readings = readings or {}
    converted = _convert_t2s(text)
    if len(converted) != len(text):  # a phrase rule changed length: convert line by line
        return _to_simplified_by_line(text)
    if converted == text and not readings and not any(trad in text for trad, _, _ in _phrase_table()):
        return text, []  # already Simplified (most reports): nothing to decide
    chars: dict[int, str] = {}  # characters that differ from OpenCC's output, by offset
    # A line already in Simplified (every character OpenCC would change is a GB 2312
    # character, and no annotation gave a reading) is left to the phrase table only:
    # OpenCC's default for characters valid in both scripts (乾, 於, 著) would undo a
    # reading decided earlier, so cleaning clean text again changes nothing.
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        # an unchanged line is put back as it is: nothing to decide
        if converted[start:end] != line and _is_simplified_line(line, converted[start:end]) \
                and not any(start <= k < end for k in readings):
            chars.update((start + k, a) for k, (a, b) in enumerate(zip(line, converted[start:end], strict=True))
                         if a != b)
        start = end + 1
    notes: dict[int, str] = {}
    for offset, reading in readings.items():
        if 0 <= offset < len(text):
            choice = _reading_choice(text[offset], reading)
            if choice:
                chars[offset] = choice[0]
                notes[offset] = f"reading {reading} from the annotation: {choice[1]}"
    # Characters that are valid Simplified too (著) survive OpenCC; a phrase table
    # restores the Simplified form the converter replaced (著力 -> 着力). It runs on the
    # text as converted, readings included, so that cleaning the result again finds
    # nothing more to change; a longer phrase wins over a shorter one.
    by_phrase: set[int] = set()
    current = _with_chars(converted, chars)
    for trad, simp, note in _phrase_table():
        if trad not in current:
            continue
        changed = False
        for match in re.finditer(re.escape(trad), current):
            for k, (a, b) in enumerate(zip(trad, simp, strict=False)):
                if a != b and match.start() + k not in by_phrase:
                    chars[match.start() + k] = b
                    notes[match.start() + k] = f"phrase table t2s_phrases.csv: {note}"
                    by_phrase.add(match.start() + k)
                    changed = True
        if changed:  # later phrases match the text as changed so far
            current = _with_chars(converted, chars)
    converted = current
    repairs: list[Repair] = []
    for i, j in _diff_spans(text, converted):
        why = "; ".join(notes[k] for k in range(i, j) if k in notes) or "OpenCC t2s (phrase-level)"
        repairs.append(Repair(i, text[i:j], converted[i:j], "t2s", why))
    return converted, repairs


def _with_chars(text: str, chars: dict[int, str]) -> str:
    """``text`` with the characters at the offsets of ``chars`` replaced (one character each).

    Built from slices, not from a list of every character: a list holds one object per
    character, which for a long report is many times the text's size.
    """
    if not chars:
        return text
    pieces, cursor = [], 0
    for i in sorted(chars):
        pieces += [text[cursor:i], chars[i]]
        cursor = i + 1
    pieces.append(text[cursor:])
    return "".join(pieces)


# OpenCC converts a long text through UTF-8 copies of it; in blocks of whole lines (no
# phrase spans a line break) the copies stay small and the result is the same.
_T2S_BLOCK = 1 << 18


def _convert_t2s(text: str) -> str:
    if len(text) <= _T2S_BLOCK:
        return _opencc().convert(text)
    pieces, start = [], 0
    while start < len(text):
        end = text.find("\n", start + _T2S_BLOCK)
        end = len(text) if end < 0 else end + 1
        pieces.append(_opencc().convert(text[start:end]))
        start = end
    return "".join(pieces)


def _is_simplified_line(line: str, converted: str) -> bool:
    return all(_in_gb2312(a) for a, b in zip(line, converted, strict=False) if a != b)


def _to_simplified_by_line(text: str) -> tuple[str, list[Repair]]:
    out, repairs, offset = [], [], 0
    for line in text.split("\n"):
        new = _opencc().convert(line)
        if len(new) == len(line) and _is_simplified_line(line, new):
            new = line
        if new != line:
            repairs.append(Repair(offset, line, new, "t2s", "OpenCC t2s (phrase-level, length changed)"))
        out.append(new)
        offset += len(line) + 1
    return "\n".join(out), repairs


# ---------------------------------------------------------------- step 5: punct

_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "(": "（", ")": "）", "?": "？", "─": "—", "━": "—"}
_CJKISH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef“”‘’《》—…·]")


def _cjk_near(text: str, i: int) -> bool:
    left = text[i - 1] if i > 0 else ""
    right = text[i + 1] if i + 1 < len(text) else ""
    return bool(_CJKISH.match(left) or _CJKISH.match(right))


_WIDE_DIGITS = {chr(0xFF10 + d): str(d) for d in range(10)}


# The only characters a punctuation pass may change or pair: regex scans find them, so
# the pass costs a Python step per candidate rather than per character.
_PAREN_OR_LINE = re.compile(r"[()\n]")
_PUNCT_CANDIDATE = re.compile("[\uff10-\uff19％．?─━,:;!]")


def _punct_pass(text: str) -> str:
    chars: dict[int, str] = {}  # the changes, by offset: most passes over a clean text make none
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for m in _PAREN_OR_LINE.finditer(text):
        i, ch = m.start(), m.group()
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs.append((stack.pop(), i))
        elif ch == "\n":
            stack.clear()
    for open_, close in pairs:
        inner = text[open_ + 1 : close]
        if _CJK.search(inner) or _cjk_near(text, open_) or _cjk_near(text, close):
            chars[open_], chars[close] = "（", "）"
    for m in _PUNCT_CANDIDATE.finditer(text):
        i, ch = m.start(), m.group()
        if ch in _WIDE_DIGITS:
            chars[i] = _WIDE_DIGITS[ch]
        elif ch in "％．" and i and (text[i - 1] in _WIDE_DIGITS or "0" <= text[i - 1] <= "9"):
            # a number is written in ASCII (4.5%), whatever the page's input method typed
            if ch == "％" or (i + 1 < len(text) and text[i + 1].isdigit()):
                chars[i] = "%" if ch == "％" else "."
        if ch == "?" and _cjk_near(text, i) and not _question_is_damage(text, i):
            chars[i] = "？"
        elif _is_dash(text, i):
            chars[i] = "—"
        if ch in ",:;!":
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not between_digits and (ch != ":" or _cjk_near(text, i) or _at_line_end(text, i)):
                chars[i] = _FULL[ch]
    return _with_chars(text, chars)


# a line's leading white space (the whole line when it holds nothing else), or its trailing white space
_LINE_SPACE = re.compile(r"^[ \t\u3000]+|[ \t\u3000]+$", re.MULTILINE)


def _at_line_end(text: str, i: int) -> bool:
    # white space before the line end is removed later, so it counts as the line end here
    line_end = text.find("\n", i + 1)
    return text[i + 1 : line_end if line_end >= 0 else len(text)].strip(" \t\u3000") == ""


def normalize_punctuation(text: str) -> tuple[str, list[Repair]]:
    """Full-width punctuation (GB/T 15834) in Chinese context; ASCII kept in numbers.

    ``,`` ``:`` ``;`` ``!`` become full-width unless they stand between two digits
    (1,000 and 10:30 stay); a pair of parentheses becomes ``（）`` when it holds or
    touches Chinese; ``.``, ``%`` and ``+`` are left alone (4.5%, 6.0版, “5+2”), and
    numbers typed in full-width form become ASCII (６.１％ → 6.1%).
    White space at line ends and blank lines at the end are removed. An ASCII ``?``
    becomes ``？`` only where it ends a sentence; where the text says it marks lost
    bytes it stays, so that the damage remains visible. ``─``/``━`` used as a dash
    become ``—``.

    Example:
        >>> normalize_punctuation("增长4.5%,达到1,000户(左右);“5+2”")[0]
        '增长4.5%，达到1,000户（左右）；“5+2”\\n'
        >>> normalize_punctuation("增长６．１％，失业率3.0％以内")[0]
        '增长6.1%，失业率3.0%以内\\n'
    """
    # A converted mark can make its neighbour Chinese context too (":," -> "：，"), so
    # passes repeat until nothing changes; that is what makes the step idempotent.
    current = text
    for _ in range(len(text) + 1):
        converted = _punct_pass(current)
        if converted == current:
            break
        current = converted
    repairs: list[Repair] = [
        Repair(i, a, b, "punct", "GB/T 15834: box-drawing line used as a dash" if a in _DASHES
               else "numbers in ASCII digits (4.5%)" if a in _WIDE_DIGITS or a in "％．"
               else f"GB/T 15834: full-width {b} in Chinese context")
        for start, end in _diff_spans(text, current)
        for i, a, b in zip(range(start, end), text[start:end], current[start:end], strict=True)
    ]
    # white space at line starts and ends, found by a scan rather than by splitting the text
    # into lines (a long report would be copied twice more)
    for m in _LINE_SPACE.finditer(current):
        at_start = m.start() == 0 or current[m.start() - 1] == "\n"
        why = "white space at a line start removed" if at_start else "white space at a line end removed"
        repairs.append(Repair(m.start(), m.group(), "", "punct", why))
    joined = _LINE_SPACE.sub("", current)
    end = len(joined)
    while end and joined[end - 1] == "\n":
        end -= 1
    if len(joined) - end > 1:
        repairs.append(Repair(end + 1, joined[end + 1 :], "", "punct", "blank lines at the end removed"))
    result = "" if not end else joined if len(joined) - end == 1 else joined[:end] + "\n"
    repairs.sort(key=lambda r: r.offset)
    return result, repairs


# ---------------------------------------------------------------- pipeline


def clean_text(
    raw: str,
    *,
    errata: pd.DataFrame | None = None,
    report_id: str | None = None,
    strict: bool = False,
) -> Cleaned:
    """Repair a scraped report into canonical Simplified Chinese and log every repair.

    ``clean_text`` is idempotent: ``clean_text(clean_text(x).text).text == clean_text(x).text``.
    With ``strict=True`` damage that no step repairs raises
    :class:`~miyun_text.errors.UnrepairedDamageError`; otherwise it stays in the
    text and is logged with step ``unrepaired``.

    Example:
        >>> clean_text("現(xiàn)在,我代表區(qū)政府(試行)").text
        '现在，我代表区政府（试行）\\n'
    """
    if not isinstance(raw, str):
        raise DataTypeError(f"clean_text expects str, got {type(raw).__name__}")
    text, repairs = clean_steps(raw, errata, report_id, strict)
    return Cleaned(text, repair_frame(repairs))


def clean_steps(raw: str, errata: pd.DataFrame | None, report_id: str | None,
                strict: bool) -> tuple[str, list[Repair]]:
    """:func:`clean_text`'s text and repairs, the log as a list of :class:`Repair` (the loading
    pipeline builds Arrow tables from it, without a DataFrame per report).

    Example:
        >>> clean_steps("區(qū)", None, None, False)[0]
        '区\\n'
    """
    repairs: list[Repair] = []
    to_raw = _OffsetMap.identity(len(raw) + 1)
    text, log = apply_errata(raw, errata, report_id)
    to_raw, log = _carry_offsets(to_raw, raw, log)
    repairs += log
    before = text
    text, log = realign_mojibake(text)
    to_raw, log = _carry_offsets(to_raw, before, log)
    repairs += log
    unrepaired = [r for r in log if r.step == "unrepaired"]
    if strict and unrepaired:
        listing = "; ".join(f"raw offset {r.raw_offset}: {r.before!r}" for r in unrepaired[:10])
        raise UnrepairedDamageError(
            f"report {report_id or '(text)'}: {len(unrepaired)} damaged span(s) not repaired "
            f"({listing}); add a row for each to data/errata.csv with the corrected text and "
            "the evidence, or load with strict=False to keep them flagged"
        )
    before = text
    text, log, readings = strip_pinyin(text)
    to_raw, log = _carry_offsets(to_raw, before, log)
    repairs += log
    before = text
    text, log = to_simplified(text, readings)
    to_raw, log = _carry_offsets(to_raw, before, log)
    repairs += log
    text, log = normalize_punctuation(text)
    _, log = _carry_offsets(to_raw, text, log)
    repairs += log
    return text, repairs


def repair_summary(repairs: pd.DataFrame) -> pd.DataFrame:
    """Count repairs by step (in pipeline order), with the characters changed.

    Example:
        >>> repair_summary(clean_text("區(qū)").repairs)[["step", "repairs"]].values.tolist()
        [['errata', 0], ['realign', 0], ['unrepaired', 0], ['pinyin', 1], ['t2s', 1], ['punct', 0]]
    """
    rows = []
    for step in STEPS:
        part = repairs[repairs["step"] == step]
        rows.append(
            {
                "step": step,
                "repairs": len(part),
                "chars_before": int(part["before"].str.len().sum()) if len(part) else 0,
                "chars_after": int(part["after"].str.len().sum()) if len(part) else 0,
            }
        )
    return pd.DataFrame(rows)

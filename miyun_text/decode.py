"""Bytes to text: the encodings reports come in, and the check that a decoding reads as Chinese.

A ``.txt`` report may be UTF-8 (with or without BOM), UTF-16 (with BOM, or without one,
found by its NUL bytes), GB18030/GBK or Big5. A byte-level detector only ranks guesses;
:func:`chinese_text_problem` refuses a decoding that is mostly not Chinese, or holds
characters a Chinese report never uses, so Shift-JIS, EUC-KR, Latin-1 and double-encoded
UTF-8 are refused with an error naming the file and the likely encoding, never loaded as
garbage.
"""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import BinaryFileError, UndecodableFileError

__all__ = ["TEXT_ENCODINGS", "chinese_text_problem", "common_cjk", "decode_text", "detector_guess"]

# What a decoded report must look like: Chinese. A detector only ranks byte-level guesses;
# this check refuses a decoding that yields kana, hangul, Latin-1 letters (other than
# pinyin tone vowels), rare characters or space-separated words, i.e. garbage.
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_FOREIGN = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u0370-\u03ff\u0400-\u04ff\u00c0-\u017f]"
)
_PINYIN_VOWELS = frozenset("āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜüńňǹḿ")
_SPACED_WORDS = re.compile(r" (?=[\u4e00-\u9fff])(?<=[\u4e00-\u9fff] )")  # the leading space lets the scan skip ahead
# Text encodings accepted for .txt reports, in the order they are tried without a BOM.
TEXT_ENCODINGS = ("utf-8", "gb18030", "big5")


@lru_cache(maxsize=1)
def _cjk_nonletters() -> re.Pattern[str] | None:
    """The code points of the CJK blocks that are not letters (unassigned in this Unicode version)."""
    points = [chr(c) for a, b in _CJK_BLOCKS for c in range(a, b + 1) if unicodedata.category(chr(c))[0] != "L"]
    return re.compile("[" + "".join(points) + "]") if points else None


_OUTSIDE = threading.local()


def _collect_unencodable(err: UnicodeError) -> tuple[str | bytes, int]:
    assert isinstance(err, UnicodeEncodeError)  # registered for encoding only
    _OUTSIDE.chars.append(err.object[err.start : err.end])
    return "?", err.end


codecs.register_error("miyun_text.collect", _collect_unencodable)


def _outside_gb2312(text: str) -> str:
    """The characters of ``text`` that GB 2312 cannot encode, in text order."""
    _OUTSIDE.chars = []
    text.encode("gb2312", "miyun_text.collect")
    return "".join(_OUTSIDE.chars)


def chinese_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a Chinese report as decoded, or None when it can.

    Most letters must be Chinese characters, nearly all of them common ones (GB 2312 or
    Big5 level 1), with no kana, hangul, Greek, Cyrillic or Latin-1 letters beyond pinyin
    tone vowels, and words not separated by spaces. This is what tells GBK from Big5, and
    Shift-JIS, EUC-KR or Latin-1 bytes from Chinese.

    Example:
        >>> chinese_text_problem("密云区政府工作报告。保水护水。") is None
        True
        >>> chinese_text_problem("Government work report")
        'only 0 of 20 letters are Chinese characters'
    """
    if len(text) <= _CHECK_BLOCK:
        return _chinese_text_problem(text)
    # a long text is counted in blocks of whole lines (nothing counted spans a line break),
    # so no pass holds more than a block's copy, and the text is not kept in the cache
    total = _Counts()
    start = 0
    while start < len(text):
        end = text.find("\n", start + _CHECK_BLOCK)
        end = len(text) if end < 0 else end + 1
        total.add(_counts(text[start:end]))
        start = end
    return total.problem()


_CHECK_BLOCK = 1 << 18


class _Counts:
    """What the Chinese-text check counts in a text; counts of blocks add up to the whole text's."""

    def __init__(self) -> None:
        self.n_cjk = self.letters = self.n_foreign = self.spaced = 0
        self.foreign: set[str] = set()
        self.rare: list[str] = []
        self.n_rare = 0

    def add(self, other: _Counts) -> None:
        self.n_cjk += other.n_cjk
        self.letters += other.letters
        self.n_foreign += other.n_foreign
        self.foreign |= other.foreign
        self.n_rare += other.n_rare
        self.rare += other.rare[: max(0, 8 - len(self.rare))]
        self.spaced += other.spaced

    def problem(self) -> str | None:
        if self.letters and self.n_cjk < 0.3 * self.letters:
            return f"only {self.n_cjk} of {self.letters} letters are Chinese characters"
        if self.n_foreign > 2 + 0.005 * self.n_cjk:
            sample = "".join(sorted(self.foreign)[:8])
            return f"{self.n_foreign} characters a Chinese report never uses ({sample})"
        if self.n_rare > 2 + 0.1 * self.n_cjk:
            return f"{self.n_rare} of {self.n_cjk} Chinese characters are rare ones ({''.join(self.rare[:8])})"
        if self.spaced > 2 + 0.05 * self.n_cjk:
            return f"{self.spaced} spaces between Chinese characters (words separated as in Korean or Japanese)"
        return None


def _counts(text: str) -> _Counts:
    # Counted with whole-text regex and codec passes rather than character by character:
    # a report is ~17,000 characters, ~90 % of them Chinese.
    out = _Counts()
    rest = _CJK_RUN.sub("", text)
    out.n_cjk = len(text) - len(rest)
    nonletter = _cjk_nonletters()
    out.letters = out.n_cjk - (len(nonletter.findall(text)) if nonletter is not None else 0)
    out.letters += sum(n for ch, n in Counter(rest).items() if unicodedata.category(ch)[0] == "L")
    foreign = [ch for ch in _FOREIGN.findall(text) if ch.lower() not in _PINYIN_VOWELS]
    out.n_foreign, out.foreign = len(foreign), set(foreign)
    # GB 2312's codec names the characters outside it, in text order; Big5 level 1 is asked of those only
    rare = [ch for ch in _outside_gb2312(text) if _CJK_CHAR.match(ch) and not common_cjk(ch)]
    out.n_rare, out.rare = len(rare), rare[:8]
    out.spaced = len(_SPACED_WORDS.findall(text))
    return out


@lru_cache(maxsize=1 << 16)
def _chinese_text_problem(text: str) -> str | None:
    return _counts(text).problem()


chinese_text_problem.cache_clear = _chinese_text_problem.cache_clear  # type: ignore[attr-defined]


# Bytes are decoded in blocks: a long file's text is then built from small pieces instead
# of through the decoder's own full-size buffers (which take several times the text).
_DECODE_BLOCK = 1 << 20


def _decoded(data: bytes, encoding: str) -> str:
    """``data.decode(encoding)``, in blocks for a long file; an error is raised as a whole decode raises it."""
    if len(data) <= 4 * _DECODE_BLOCK:
        return data.decode(encoding)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(data)
    try:
        pieces = [decoder.decode(view[k : k + _DECODE_BLOCK]) for k in range(0, len(data), _DECODE_BLOCK)]
        pieces.append(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return data.decode(encoding)  # raises the same error, with its offset in the whole file
    return "".join(pieces)


def detector_guess(data: bytes) -> str:
    """charset-normalizer's best guess, for telling the user what the bytes probably are.

    Example:
        >>> detector_guess("密云区政府工作报告".encode("gbk")).split(",")[0] in {"gb18030", "gbk", "big5", "cp949"}
        True
    """
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return "no text encoding (binary data)"
    language = f", {best.language}" if best.language and best.language != "Unknown" else ""
    return f"{best.encoding}{language}"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows itself by NUL bytes on one side of each pair (ASCII, line ends)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 2 and odd >= 4 * even:
        return "utf-16-le"
    if even >= 2 and even >= 4 * odd:
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: Path, check_chinese: bool = True) -> tuple[str, str]:
    """Decode a text file: BOM, then UTF-16 by its NUL pattern, then UTF-8, GB18030, Big5.

    Every decoding must also read as Chinese (:func:`chinese_text_problem`) when
    ``check_chinese``; otherwise the file is refused, naming the likely encoding.
    Returns the text and the encoding found.

    Example:
        >>> from pathlib import Path
        >>> decode_text("密云区".encode("gbk"), Path("r.txt"))
        ('密云区', 'gb18030')
    """
    def checked(text: str, encoding: str) -> tuple[str, str]:
        problem = chinese_text_problem(text) if check_chinese else None
        if problem:
            raise UndecodableFileError(
                f"{path}: decoded as {encoding} it is not Chinese text: {problem}. charset-normalizer "
                f"reads the bytes as {detector_guess(data)}; save the report as UTF-8 (or GB18030/Big5) "
                "Chinese text"
            )
        return text, encoding

    if data.startswith(codecs.BOM_UTF8):
        try:
            return checked(_decoded(data[3:], "utf-8"), "utf-8-sig")
        except UnicodeDecodeError as err:
            raise UndecodableFileError(
                f"{path}: starts with a UTF-8 BOM but byte offset {err.start + 3} is not "
                "UTF-8; re-save the file as UTF-8"
            ) from err
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return checked(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as err:
            raise UndecodableFileError(
                f"{path}: starts with a UTF-16 BOM but byte offset {err.start} is not "
                "UTF-16; re-save the file as UTF-8"
            ) from err
    nul = data.find(b"\x00")
    if nul >= 0:
        utf16 = _utf16_without_bom(data)
        if utf16:
            try:
                text = data.decode(utf16)
            except UnicodeDecodeError:
                text = ""
            if text and chinese_text_problem(text) is None:
                return text, utf16
        raise BinaryFileError(
            f"{path}: NUL byte at offset {nul}; this is not a text file. A PDF, Word file or web page "
            "must be saved with its own extension (.pdf, .docx, .html), which is then extracted"
        )
    failures: list[str] = []
    first_error: UnicodeDecodeError | None = None
    for encoding in TEXT_ENCODINGS:
        try:
            text = _decoded(data, encoding if encoding != "big5" else "cp950")
        except UnicodeDecodeError as err:
            first_error = first_error or err
            failures.append(f"not {encoding} at byte offset {err.start}")
            continue
        problem = chinese_text_problem(text) if check_chinese else None
        if problem is None:
            return text, encoding
        failures.append(f"as {encoding}: {problem}")
    if first_error is not None and len(failures) == len(TEXT_ENCODINGS) and all(f.startswith("not") for f in failures):
        raise UndecodableFileError(
            f"{path}: byte offset {first_error.start} is neither UTF-8 nor GB18030/GBK nor Big5 "
            f"({'; '.join(failures)}); charset-normalizer reads the bytes as {detector_guess(data)}. "
            "Re-save the report as UTF-8"
        ) from first_error
    raise UndecodableFileError(
        f"{path}: not Chinese text in any accepted encoding ({'; '.join(failures)}); charset-normalizer "
        f"reads the bytes as {detector_guess(data)}. Save the report as UTF-8 Chinese text"
    )



@lru_cache(maxsize=1 << 16)
def common_cjk(ch: str) -> bool:
    """True for a character of GB 2312 or of Big5's frequent level: what reports are written in.

    Example:
        >>> common_cjk("密"), common_cjk("𠀀")
        (True, False)
    """
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    try:
        return ch.encode("big5") < b"\xc6\x7f"
    except UnicodeEncodeError:
        return False

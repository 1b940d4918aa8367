"""Segmentation tuned for policy language: a jieba tokenizer of our own plus filters.

:class:`Segmenter` owns a ``jieba.Tokenizer`` built on jieba's dictionary merged with
the shipped policy dictionary and any user dictionaries; the merged dictionary and
jieba's prefix cache live in the project's cache folder under a name derived from
their content, so a changed dictionary can never meet a stale cache. jieba's global
tokenizer is never touched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DictionaryError, MissingFileError
from .paths import cache_dir, resource_path

if TYPE_CHECKING:
    import jieba

__all__ = [
    "UNITS",
    "Segmenter",
    "content_segmenter",
    "default_segmenter",
    "import_jieba",
    "load_boilerplate",
    "load_stopwords",
    "read_user_dict",
    "token_kind",
]

# Units that follow a number in work reports; a number and its unit are one token.
UNITS = frozenset(
    "亿元 万元 千元 元 % 万人 人 万户 户 公里 平方公里 千米 米 万亩 亩 公顷 立方米 万立方米 亿立方米 "
    "个 家 项 所 处 座 条 名 位 台 辆 套 间 张 件 批 支 吨 万吨 千瓦 万千瓦 倍 次 人次 万人次 "
    "平米 万平米 平方米 万平方米 年 月 日 天 周 岁 届 分 万 亿 千 百 万株 株 棵 万棵 所学校 余".split()
)
_APPROX = ("余", "多")
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?%?$")
_TAG = re.compile(r"^[a-zA-Z]{1,4}$")


def token_kind(token: str) -> str:
    """Kind of a token: ``space``, ``punct``, ``number`` (with its unit) or ``word``.

    Example:
        >>> [token_kind(t) for t in ["保水", "，", "380亿元", "4.5%", " ", "5+2"]]
        ['word', 'punct', 'number', 'number', 'space', 'word']
    """
    if not token or token.isspace():
        return "space"
    if all(unicodedata.category(ch)[0] in "PS" for ch in token):
        return "punct"
    match = re.match(r"^[0-9]+(?:\.[0-9]+)?%?", token)
    if match:
        rest = token[match.end() :]
        if rest.startswith(_APPROX):
            rest = rest[1:]
        if rest == "" or rest in UNITS:
            return "number"
    return "word"


def read_user_dict(path: str | os.PathLike[str]) -> list[tuple[str, int | None, str | None]]:
    """Read a jieba user dictionary (``word [freq] [tag]`` per line), validating each line.

    Blank lines and lines starting with ``#`` are skipped. A malformed line raises
    :class:`~miyun_text.errors.DictionaryError` naming the file and line.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.txt"
        >>> _ = p.write_text("接诉即办 50 n\\n", encoding="utf-8")
        >>> read_user_dict(p)
        [('接诉即办', 50, 'n')]
    """
    target = Path(path)
    if not target.is_file():
        raise MissingFileError(f"{target}: user dictionary not found")
    entries = []
    with open(target, "rb") as handle:
        data = handle.read()
    try:
        lines = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    except UnicodeDecodeError as err:
        line_no = data[: err.start].count(b"\n") + 1
        raise DictionaryError(
            f"{target}:{line_no}: byte offset {err.start} is not UTF-8; re-save the dictionary as UTF-8"
        ) from None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        fields = text.split()
        word, freq, tag = fields[0], None, None
        problem = None
        if len(fields) > 3:
            problem = f"{len(fields)} fields; a line is 'word [freq] [tag]'"
        elif len(fields) >= 2:
            if fields[1].isascii() and fields[1].isdigit():
                freq = int(fields[1])
                if len(fields) == 3:
                    tag = fields[2]
            elif len(fields) == 2 and not any(ch.isdigit() for ch in fields[1]):
                tag = fields[1]
            else:
                problem = f"frequency {fields[1]!r} is not a whole number"
        if tag is not None and not _TAG.match(tag):
            problem = f"part-of-speech tag {tag!r} is not 1-4 ASCII letters"
        if problem is None and any(ch.isspace() for ch in word):
            problem = "the word holds white space"
        if problem:
            raise DictionaryError(f"{target}:{number}: {problem}: {text!r}")
        entries.append((word, freq, tag))
    return entries


def _read_word_list(name: str) -> frozenset[str]:
    with open(resource_path(name), encoding="utf-8") as handle:
        return frozenset(
            line.strip() for line in handle if line.strip() and not line.lstrip().startswith("#")
        )


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """The general Chinese stopword list shipped with the package (stopwords-iso, MIT).

    Example:
        >>> "的" in load_stopwords(), "保水" in load_stopwords()
        (True, False)
    """
    return _read_word_list("stopwords_zh.txt")


@lru_cache(maxsize=1)
def load_boilerplate() -> frozenset[str]:
    """Report boilerplate (推进, 加强, 全面 …): rhetoric, filtered only on request.

    Example:
        >>> "推进" in load_boilerplate()
        True
    """
    return _read_word_list("boilerplate.txt")


def import_jieba():
    """Import jieba without the warnings its compatibility shim prints on import.

    Example:
        >>> import_jieba().__name__
        'jieba'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        import jieba.posseg
    return jieba


@contextmanager
def _quiet_jieba():
    """Silence jieba's 'Building prefix dict' chatter, restoring the logger after."""
    jieba = import_jieba()
    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _jieba_dict_path() -> Path:
    jieba = import_jieba()
    return Path(jieba.__file__).resolve().parent / "dict.txt"


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _merged_dictionary(entries: list[tuple[str, int | None, str | None]], folder: Path) -> Path:
    """Write jieba's dictionary with our entries merged in; name it by content."""
    main = _jieba_dict_path()
    digest = hashlib.sha256()
    digest.update(_file_digest(main).encode())
    for word, freq, tag in entries:
        digest.update(f"{word}\t{freq}\t{tag}\n".encode())
    key = digest.hexdigest()[:20]
    target = folder / f"dict-{key}.txt"
    if target.exists():
        return target
    ours = {word for word, _, _ in entries}
    lines = []
    with open(main, encoding="utf-8") as handle:
        for line in handle:
            if line.split(" ", 1)[0] not in ours:
                lines.append(line if line.endswith("\n") else line + "\n")
    from .io import write_text_atomic

    for word, freq, tag in entries:
        # jieba's dictionary needs a frequency; one high enough to win over the parts
        lines.append(f"{word} {freq or _suggest_freq(word)} {tag or 'nz'}\n")
    write_text_atomic(target, "".join(lines))
    return target


def _suggest_freq(word: str) -> int:
    return 2000 + 500 * len(word)


@lru_cache(maxsize=8)
def _load_tokenizer(dictionary: str, cache: str) -> jieba.Tokenizer:
    """A private jieba.Tokenizer per (dictionary, cache): Segmenters that differ only in
    their filters share it, since a loaded tokenizer is never modified afterwards."""
    jieba = import_jieba()
    tokenizer = jieba.Tokenizer(dictionary=dictionary)
    tokenizer.tmp_dir = cache
    tokenizer.cache_file = f"jieba-{Path(dictionary).stem}.cache"
    with _quiet_jieba():
        tokenizer.initialize()
    return tokenizer


class Segmenter:
    """Segment report text with jieba, the policy dictionary and configurable filters.

    Args:
        user_dicts: extra jieba user dictionaries (``word [freq] [tag]`` lines).
        policy_dict: load the shipped policy-term dictionary.
        stopwords: drop general stopwords in :meth:`tokenize`.
        boilerplate: also drop report boilerplate (推进, 加强 …) in :meth:`tokenize`.
        keep_numbers: keep numbers and quantities (380亿元, 4.5%) in :meth:`tokenize`.
        min_length: drop tokens shorter than this in :meth:`tokenize` (2 drops single characters).
        drop_pos: POS tags to drop in :meth:`tokenize` (uses jieba.posseg; slower).
        extra_stopwords: more words to drop in :meth:`tokenize`.
        cache: folder for the merged dictionary and jieba's prefix cache.
        hmm: let jieba's HMM guess words absent from every dictionary.

    Example:
        >>> seg = Segmenter()
        >>> seg.cut("深化京津冀协同发展，接诉即办")
        ['深化', '京津冀协同发展', '，', '接诉即办']
        >>> seg.tokenize("全区税收达到119.1亿元，创历史新高")
        ['全区', '税收', '达到', '创', '历史', '新高']
    """

    def __init__(
        self,
        user_dicts: Sequence[str | os.PathLike[str]] = (),
        *,
        policy_dict: bool = True,
        stopwords: bool = True,
        boilerplate: bool = False,
        keep_numbers: bool = False,
        min_length: int = 1,
        drop_pos: Iterable[str] = (),
        extra_stopwords: Iterable[str] = (),
        cache: str | os.PathLike[str] | None = None,
        hmm: bool = True,
    ) -> None:

        entries: list[tuple[str, int | None, str | None]] = []
        if policy_dict:
            entries += read_user_dict(resource_path("policy_dict.txt"))
        for path in user_dicts:
            entries += read_user_dict(path)
        self.entries = entries
        self.cache = Path(cache) if cache is not None else cache_dir()
        self.cache.mkdir(parents=True, exist_ok=True)
        self.dictionary = _merged_dictionary(entries, self.cache) if entries else _jieba_dict_path()
        self._tokenizer: jieba.Tokenizer = _load_tokenizer(str(self.dictionary), str(self.cache))
        self._pos_tokenizer: Any = None
        self.hmm = hmm
        drop: set[str] = set(extra_stopwords)
        if stopwords:
            drop |= load_stopwords()
        if boilerplate:
            drop |= load_boilerplate()
        # our own dictionary words are never stopwords, even where a list says so
        drop -= {word for word, _, _ in entries}
        self.drop_words = frozenset(drop)
        self.keep_numbers = keep_numbers
        self.min_length = min_length
        self.drop_pos = frozenset(drop_pos)

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """The private ``jieba.Tokenizer`` (never jieba's global one)."""
        return self._tokenizer

    @staticmethod
    def _check(text: object) -> str:
        if not isinstance(text, str):
            raise TypeError(f"Segmenter expects str, got {type(text).__name__}")
        return text

    def cut(self, text: str) -> list[str]:
        """All tokens, numbers merged with their units; lossless: ``"".join(cut(t)) == t``.

        Example:
            >>> Segmenter().cut("同比增长4.5%")
            ['同比', '增长', '4.5%']
        """
        text = self._check(text)
        if not text:
            return []
        return _merge_quantities(self._tokenizer.lcut(text, HMM=self.hmm))

    def _keep(self, token: str) -> bool:
        kind = token_kind(token)
        if kind in ("space", "punct"):
            return False
        if kind == "number":
            return self.keep_numbers
        if token in self.drop_words:
            return False
        return len(token) >= self.min_length

    def tokenize(self, text: str) -> list[str]:
        """Content tokens: :meth:`cut` without punctuation, white space and filtered words.

        Example:
            >>> Segmenter(keep_numbers=True).tokenize("完成固定资产投资100亿元")
            ['完成', '固定资产投资', '100亿元']
        """
        if self.drop_pos:
            return [word for word, flag in self.pos(text) if flag not in self.drop_pos and self._keep(word)]
        return [token for token in self.cut(text) if self._keep(token)]

    def pos(self, text: str) -> list[tuple[str, str]]:
        """(word, flag) pairs from jieba.posseg on this tokenizer; quantities get flag ``m``.

        Example:
            >>> Segmenter().pos("接诉即办")
            [('接诉即办', 'nz')]
        """
        text = self._check(text)
        if not text:
            return []
        if self._pos_tokenizer is None:
            from jieba import posseg

            with _quiet_jieba():
                self._pos_tokenizer = posseg.POSTokenizer(self._tokenizer)
        pairs = [(p.word, p.flag) for p in self._pos_tokenizer.lcut(text, HMM=self.hmm)]
        merged = _merge_quantities([w for w, _ in pairs])
        if len(merged) == len(pairs):
            return pairs
        flags = dict(pairs)
        return [(w, "m" if token_kind(w) == "number" else flags.get(w, "x")) for w in merged]


def _merge_quantities(tokens: list[str]) -> list[str]:
    """Join a number with the unit tokens after it (380 + 亿元, 3800 + 余个)."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if _NUMBER.match(token):
            for width in (2, 1):
                candidate = "".join(tokens[i : i + 1 + width])
                if i + width < len(tokens) and token_kind(candidate) == "number":
                    token = candidate
                    i += width
                    break
        out.append(token)
        i += 1
    return out




@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """A shared Segmenter with the default settings, built on first use.

    Example:
        >>> default_segmenter() is default_segmenter()
        True
    """
    return Segmenter()


@lru_cache(maxsize=1)
def content_segmenter() -> Segmenter:
    """A shared Segmenter for subject matter: stopwords and boilerplate dropped, no single characters.

    Keywords and themes use it; the rhetoric analysis keeps boilerplate and uses
    :func:`default_segmenter`.

    Example:
        >>> content_segmenter().tokenize("全面推进乡村振兴")
        ['乡村振兴']
    """
    return Segmenter(boilerplate=True, min_length=2)

"""Segmentation tuned for policy language: a tokenizer of our own plus filters.

:class:`Segmenter` cuts with jieba's dictionary merged with the shipped policy
dictionary and any user dictionaries. Two backends give identical tokens: ``jieba``
(the reference: a private ``jieba.Tokenizer`` whose merged dictionary and prefix cache
live in the cache folder under a name derived from their content) and ``rjieba`` (the
Rust port jieba-rs, about 25 times faster, loaded with the same dictionary entries).
``backend="auto"`` takes rjieba when it is installed. Part-of-speech tags always come
from jieba.posseg: jieba-rs tags words outside the dictionary without jieba's POS HMM,
so its tags differ. jieba's global tokenizer is never touched, and jieba itself is
imported only when a jieba tokenizer or POS tags are needed.
"""

from __future__ import annotations

import copy
import importlib.util
import itertools
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

import numpy as np

from .cache import cache_dir
from .digest import digest
from .errors import ArgumentError, DataTypeError, DictionaryError, MissingFileError
from .io import write_text_atomic
from .paths import resource_path

if TYPE_CHECKING:
    import jieba

__all__ = [
    "BACKENDS",
    "UNITS",
    "Segmenter",
    "content_segmenter",
    "default_segmenter",
    "import_jieba",
    "load_boilerplate",
    "load_stopwords",
    "place_entries",
    "place_names",
    "quiet_jieba",
    "read_user_dict",
    "rhetoric_segmenter",
    "token_kind",
]

# Units that follow a number in work reports; a number and its unit are one token.
UNITS = frozenset(
    "亿元 万元 千元 元 % 万人 人 万户 户 公里 平方公里 千米 米 万亩 亩 公顷 立方米 万立方米 亿立方米 "
    "个 家 项 所 处 座 条 名 位 台 辆 套 间 张 件 批 支 吨 万吨 千瓦 万千瓦 倍 次 人次 万人次 "
    "平米 万平米 平方米 万平方米 年 月 日 天 周 岁 届 分 万 亿 千 百 万株 株 棵 万棵 所学校 余".split()
)
_APPROX = ("余", "多")
BACKENDS = ("auto", "jieba", "rjieba")
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?%?$")
_TAG = re.compile(r"^[a-zA-Z]{1,4}$")
# CJK that jieba-rs treats as Chinese but jieba (whose ``re_han`` stops at U+9FD5) treats
# as symbols, each its own token: the fast backend cuts around them so both agree.
_RUST_ONLY_HAN = re.compile(
    "([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef"
    "\U0002f800-\U0002fa1f])"
)
# jieba's HMM step splits a run of non-Chinese "word" characters at this pattern
# (finalseg.re_skip: 0 | . | X for "0.X"); jieba-rs keeps the run whole.
_ASCII_RUN = re.compile(r"^[a-zA-Z0-9+#&._%\-]{2,}$")
_ASCII_PAIR = re.compile(r"[a-zA-Z0-9+#&._%\-]{2}")
# jieba's own blocks (its ``re_han_default``): it cuts each alone.
_JIEBA_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_TIE_UNIT = 8  # the longest repeated run looked for (a phrase said twice at once is shorter)
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


@lru_cache(maxsize=1 << 18)
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
    jieba = _import_jieba_core()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba.posseg  # makes ``jieba.posseg`` available to callers
    return jieba


def _import_jieba_core():
    # jieba.posseg alone takes 0.7 s to import: only POS tagging pays for it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    return jieba


@contextmanager
def quiet_jieba():
    """Silence jieba's 'Building prefix dict' chatter, restoring the logger after."""
    jieba = _import_jieba_core()
    logger = jieba.default_logger
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _jieba_dict_path() -> Path:
    # found without importing jieba: its import alone costs a tenth of a second
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise MissingFileError("jieba is not installed; run: pip install -e .")
    return Path(spec.origin).resolve().parent / "dict.txt"


def _resolve_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise ArgumentError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend == "auto":
        return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"
    if backend == "rjieba" and importlib.util.find_spec("rjieba") is None:
        raise ArgumentError("backend='rjieba' needs the rjieba package: pip install rjieba (or use backend='jieba')")
    return backend


def _dictionary_key(entries: Sequence[tuple[str, int | None, str | None]]) -> str:
    """Digest of jieba's dictionary file and our entries: names the merged dictionary."""
    lines = "".join(f"{word}\t{freq}\t{tag}\n" for word, freq, tag in entries)
    return digest(_file_digest(_jieba_dict_path()), lines)[:20]


def _last_entries(
    entries: Sequence[tuple[str, int | None, str | None]],
) -> list[tuple[str, int | None, str | None]]:
    """One entry per word, the last one winning: a word listed twice must not count twice
    in the dictionary's total frequency (both backends then agree)."""
    last = {word: (word, freq, tag) for word, freq, tag in entries}
    return list(last.values())


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def _merged_dictionary(entries: list[tuple[str, int | None, str | None]], folder: Path) -> Path:
    """Write jieba's dictionary with our entries merged in; name it by content."""
    main = _jieba_dict_path()
    target = folder / f"dict-{_dictionary_key(entries)}.txt"
    if target.exists():
        return target
    ours = {word for word, _, _ in entries}
    lines = []
    with open(main, encoding="utf-8") as handle:
        for line in handle:
            if line.split(" ", 1)[0] not in ours:
                lines.append(line if line.endswith("\n") else line + "\n")
    for word, freq, tag in _last_entries(entries):
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
    jieba = _import_jieba_core()
    tokenizer = jieba.Tokenizer(dictionary=dictionary)
    tokenizer.tmp_dir = cache
    tokenizer.cache_file = f"jieba-{Path(dictionary).stem}.cache"
    with quiet_jieba():
        tokenizer.initialize()
    return tokenizer


@lru_cache(maxsize=8)
def _load_rjieba(entries: tuple[tuple[str, int | None, str | None], ...]) -> Any:
    """A jieba-rs tokenizer with our entries added to its built-in dictionary, which is
    jieba's own ``dict.txt``; adding a word that exists replaces its frequency, exactly as
    the merged dictionary file does for the jieba backend."""
    # imported here: rjieba loads its dictionary on import (about 0.3 s), which a Segmenter
    # on the jieba backend, or one never used to cut, must not pay
    import rjieba

    tokenizer = rjieba.Jieba()
    for word, freq, tag in _last_entries(entries):
        tokenizer.add_word(word, freq or _suggest_freq(word), tag or "nz")
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
        places: place names that must stay whole (the regions of the corpus's manifest,
            :func:`place_names`); those jieba already keeps whole add nothing.
        backend: ``"jieba"`` (the reference), ``"rjieba"`` (jieba-rs, same tokens, much
            faster) or ``"auto"`` (rjieba when installed). POS tags always use jieba.

    Example:
        >>> seg = Segmenter()
        >>> seg.cut("深化京津冀协同发展，接诉即办")
        ['深化', '京津冀协同发展', '，', '接诉即办']
        >>> seg.tokenize("全区税收达到119.1亿元，创历史新高")
        ['全区', '税收', '达到', '创', '历史', '新高']
        >>> Segmenter(backend="jieba").cut("接诉即办") == Segmenter(backend="rjieba").cut("接诉即办")
        True
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
        backend: str = "auto",
        places: Iterable[str] = (),
    ) -> None:
        self.backend = _resolve_backend(backend)
        entries: list[tuple[str, int | None, str | None]] = []
        if policy_dict:
            entries += read_user_dict(resource_path("policy_dict.txt"))
        self.places = tuple(sorted(set(places)))
        entries += place_entries(self.places)
        for path in user_dicts:
            entries += read_user_dict(path)
        self.entries = entries
        self.cache = Path(cache) if cache is not None else cache_dir()
        self.cache.mkdir(parents=True, exist_ok=True)
        self.dictionary_key = _dictionary_key(entries) if entries else "jieba"
        # both tokenizers load on first use, so that constructing a Segmenter stays cheap
        self._dictionary: Path | None = None
        self._tokenizer: Any = None
        self._rjieba: Any = None
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
        # each token's kind and the filters' verdict: a report repeats its words many times
        self._kinds: dict[str, tuple[str, bool]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # a Segmenter sent to a worker process travels without its loaded tokenizers:
        # the worker loads its own on first use (once per process, they are cached)
        state = dict(self.__dict__)
        state.update(_tokenizer=None, _rjieba=None, _pos_tokenizer=None, _kinds={})
        return state

    @property
    def dictionary(self) -> Path:
        """The merged dictionary file (jieba's ``dict.txt`` when there are no entries)."""
        if self._dictionary is None:
            self._dictionary = _merged_dictionary(self.entries, self.cache) if self.entries else _jieba_dict_path()
        return self._dictionary

    @property
    def tokenizer(self) -> jieba.Tokenizer:
        """The private ``jieba.Tokenizer`` (never jieba's global one), loaded on first use."""
        if self._tokenizer is None:
            self._tokenizer = _load_tokenizer(str(self.dictionary), str(self.cache))
        return self._tokenizer

    @property
    def key(self) -> str:
        """Digest of everything that decides this Segmenter's tokens: dictionary, HMM,
        backend and filters. Token tables are cached under it, so a changed dictionary or
        filter never meets a stale table.

        Example:
            >>> Segmenter().key == Segmenter().key, Segmenter().key == Segmenter(min_length=2).key
            (True, False)
        """
        # looked up by the settings themselves (frozensets keep their hash), so that a key
        # asked for every report costs a dict lookup, and a changed setting a new digest
        return _settings_key(self.dictionary_key, self.backend, self.hmm, self.keep_numbers, self.min_length,
                             frozenset(self.drop_pos), frozenset(self.drop_words))

    @property
    def cut_key(self) -> str:
        """Digest of what decides this Segmenter's cut (:meth:`cut`), without its filters:
        dictionary, HMM, backend, and whether words come from jieba.posseg. Segmenters
        with the same ``cut_key`` cut every text alike and differ only in what
        :meth:`tokenize` keeps, so one token table serves them all.

        Example:
            >>> Segmenter().cut_key == Segmenter(min_length=2, boilerplate=True).cut_key
            True
            >>> Segmenter().cut_key == Segmenter(hmm=False).cut_key
            False
        """
        # a subclass may cut in its own way: its name is part of the key
        kind = {"posseg"} if self.drop_pos else set()
        if type(self) is not Segmenter:
            kind.add(f"{type(self).__module__}.{type(self).__qualname__}")
        return _settings_key(self.dictionary_key, self.backend, self.hmm, False, 0, frozenset(kind), frozenset())

    def refilter(self, *, stopwords: bool = True, boilerplate: bool = False, keep_numbers: bool = False,
                 min_length: int = 1, extra_stopwords: Iterable[str] = ()) -> Segmenter:
        """A Segmenter with this one's dictionary, backend and HMM (so the same cut) and other filters.

        Example:
            >>> seg = Segmenter()
            >>> seg.refilter(boilerplate=True, min_length=2).key == content_segmenter().key
            True
        """
        other = copy.copy(self)
        drop: set[str] = set(extra_stopwords)
        if stopwords:
            drop |= load_stopwords()
        if boilerplate:
            drop |= load_boilerplate()
        drop -= {word for word, _, _ in self.entries}
        other.drop_words = frozenset(drop)
        other.keep_numbers = keep_numbers
        other.min_length = min_length
        other.drop_pos = frozenset()
        other._kinds = {}
        return other

    def cut_raw(self, text: str) -> list[str]:
        """The backend's own tokens, before numbers are merged with their units."""
        if self.backend == "rjieba":
            if self._rjieba is None:
                self._rjieba = _load_rjieba(tuple(self.entries))
            if _RUST_ONLY_HAN.search(text) is None:
                return self._cut_blocks(text)
            out: list[str] = []
            for n, piece in enumerate(_RUST_ONLY_HAN.split(text)):
                if n % 2:
                    out.append(piece)
                elif piece:
                    out += self._cut_blocks(piece)
            return out
        return self.tokenizer.lcut(text, HMM=self.hmm)

    def _cut_blocks(self, text: str) -> list[str]:
        """rjieba's cut, except for the blocks where a tie can decide the cut.

        Where two cuts of a block score exactly the same (密密密: 密密|密 or 密|密密; a
        repeated phrase, whose words can be taken in either order), the winner depends on how
        floating-point sums round, and jieba-rs adds in another order than jieba: those blocks
        (a character three times in a row, or a run of up to eight characters repeated at once) are cut by
        jieba itself, the reference. Both cut block by block, so the rest is unchanged, and
        the blocks between are still cut in one call.
        """
        if not _tie_prone(text):
            return self._fast_cut(text)
        out: list[str] = []
        pending: list[str] = []
        for n, block in enumerate(_JIEBA_BLOCK.split(text)):
            if n % 2 and _tie_prone(block):
                if pending:
                    out += self._fast_cut("".join(pending))
                    pending = []
                out += self.tokenizer.lcut(block, HMM=self.hmm)
            else:
                pending.append(block)
        if any(pending):
            out += self._fast_cut("".join(pending))
        return out

    @staticmethod
    def _check(text: object) -> str:
        if not isinstance(text, str):
            raise DataTypeError(f"Segmenter expects str, got {type(text).__name__}")
        return text

    def _fast_cut(self, text: str) -> list[str]:
        tokens = self._rjieba.cut(text, self.hmm)
        # Only a token of two or more ASCII word characters can need the fix below, and
        # without two such characters in a row the text holds none.
        if not self.hmm or _ASCII_PAIR.search(text) is None:
            return tokens
        out: list[str] = []
        done = 0
        for n in _ascii_words(text, tokens):
            token = tokens[n]
            if _ASCII_RUN.match(token) and not self._rjieba.has_word(token):
                out += tokens[done:n]
                out += [piece for piece in _HMM_SKIP.split(token) if piece]
                done = n + 1
        if not done:
            return tokens
        out += tokens[done:]
        return out

    def cut(self, text: str) -> list[str]:
        """All tokens, numbers merged with their units; lossless: ``"".join(cut(t)) == t``.

        Example:
            >>> Segmenter().cut("同比增长4.5%")
            ['同比', '增长', '4.5%']
        """
        text = self._check(text)
        if not text:
            return []
        return _merge_quantities(self.cut_raw(text))

    def cut_flat(self, texts: Sequence[str]) -> tuple[list[str], list[int]]:
        """:meth:`cut` of every text, as one flat list and the number of tokens of each text.

        Example:
            >>> Segmenter().cut_flat(["增长4.5%", "", "保水"])
            (['增长', '4.5%', '保水'], [2, 0, 1])
        """
        text, lengths, counts = self.cut_many(texts)
        ends = itertools.accumulate(lengths.tolist())
        return [text[a:b] for a, b in itertools.pairwise(itertools.chain([0], ends))], counts

    def cut_many(self, texts: Sequence[str]) -> tuple[str, np.ndarray, list[int]]:
        """:meth:`cut` of every text as the texts joined, each token's length in characters
        and the number of tokens of each text: the tokens are consecutive slices of the join.

        The texts are cut in one backend call, joined by line breaks: jieba never joins a
        line break to its neighbours, so the tokens are those of each text cut alone (texts
        holding line breaks of their own are each cut alone).

        Example:
            >>> text, lengths, counts = Segmenter().cut_many(["增长4.5%", "保水"])
            >>> text, lengths.tolist(), counts
            ('增长4.5%保水', [2, 4, 2], [2, 1])
        """
        texts = [self._check(text) for text in texts]
        joined = "\n".join(texts)
        tokens = self.cut_raw(joined) if joined and not any("\n" in t or "\r" in t for t in texts) else None
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)) if tokens else None
        # the backends are lossless, but a mismatch must not go unnoticed: cut each text alone then
        if tokens is None or lengths is None or int(lengths.sum()) != len(joined):
            pieces = [self.cut(text) for text in texts]
            flat = [token for piece in pieces for token in piece]
            return ("".join(flat), np.fromiter(map(len, flat), dtype=np.int64, count=len(flat)),
                    [len(piece) for piece in pieces])
        starts = np.cumsum(lengths) - lengths
        first = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)[starts]
        # a line break is always a token of its own: those are the separators; a merged
        # quantity never takes one in (a unit is never a line break)
        keep = first != 10
        text_of_token = np.cumsum(~keep)
        for start, width, merged in _merge_spans(tokens, np.flatnonzero((first >= 48) & (first <= 57)).tolist()):
            lengths[start] = len(merged)
            keep[start + 1 : start + 1 + width] = False
        counts = np.bincount(text_of_token[keep], minlength=len(texts)).tolist()
        return "".join(texts), lengths[keep], counts

    def verdict(self, token: str) -> tuple[str, bool]:
        """:func:`token_kind` and whether the filters keep the token, remembered per token.

        Example:
            >>> Segmenter().verdict("保水"), Segmenter().verdict("，"), Segmenter().verdict("的")
            (('word', True), ('punct', False), ('word', False))
        """
        known = self._kinds.get(token)
        if known is None:
            kind = token_kind(token)
            known = self._kinds[token] = (kind, self._decide(token, kind))
        return known

    def keeps(self, token: str) -> bool:
        """Whether :meth:`tokenize` keeps ``token`` (its part of speech aside).

        Example:
            >>> Segmenter().keeps("保水"), Segmenter(min_length=3).keeps("保水")
            (True, False)
        """
        return self.verdict(token)[1]

    def _decide(self, token: str, kind: str) -> bool:
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
            return [word for word, flag in self.pos(text) if flag not in self.drop_pos and self.keeps(word)]
        return [token for token in self.cut(text) if self.keeps(token)]

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
            posseg = import_jieba().posseg
            tokenizer = self.tokenizer
            with quiet_jieba():
                self._pos_tokenizer = posseg.POSTokenizer(tokenizer)
        pairs = [(p.word, p.flag) for p in self._pos_tokenizer.lcut(text, HMM=self.hmm)]
        merged = _merge_quantities([w for w, _ in pairs])
        if len(merged) == len(pairs):
            return pairs
        flags = dict(pairs)
        return [(w, "m" if token_kind(w) == "number" else flags.get(w, "x")) for w in merged]


def _merge_quantities(tokens: list[str]) -> list[str]:
    """Join a number with the unit tokens after it (380 + 亿元, 3800 + 余个)."""
    # most paragraphs hold few numbers: find them first instead of testing every token
    starts = [i for i, token in enumerate(tokens) if "0" <= token[0] <= "9"]
    spans = _merge_spans(tokens, starts)
    if not spans:
        return tokens
    out: list[str] = []
    i = 0
    for start, width, merged in spans:
        out += tokens[i:start]  # the tokens between numbers are copied as they are
        out.append(merged)
        i = start + 1 + width
    out += tokens[i:]
    return out


def _merge_spans(tokens: list[str], starts: Sequence[int]) -> list[tuple[int, int, str]]:
    """The merges :func:`_merge_quantities` makes: (position, number of unit tokens joined, merged token)."""
    spans = []
    i = 0
    for start in starts:
        if start < i:  # joined to the number before it
            continue
        i = start + 1
        token = tokens[start]
        if _NUMBER.match(token):
            for width in (2, 1):
                candidate = "".join(tokens[start : start + 1 + width])
                if start + width < len(tokens) and token_kind(candidate) == "number":
                    spans.append((start, width, candidate))
                    i = start + 1 + width
                    break
    return spans


def _ascii_words(text: str, tokens: list[str]) -> list[int]:
    """Positions of the tokens of two or more characters that open with an ASCII character,
    found with numpy over the whole token list rather than a Python test per token.

    ``tokens`` must join to ``text`` (the backends are lossless); otherwise every position is
    returned, and the caller's own per-token test decides.
    """
    if not tokens:
        return []
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    ends = np.cumsum(lengths)
    if int(ends[-1]) != len(text):
        return list(range(len(tokens)))
    first = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)[ends - lengths]
    return np.flatnonzero((lengths > 1) & (first < 0x80)).tolist()


@lru_cache(maxsize=64)
def _settings_key(dictionary_key: str, backend: str, hmm: bool, keep_numbers: bool, min_length: int,
                  drop_pos: frozenset[str], drop_words: frozenset[str]) -> str:
    """The digest behind :attr:`Segmenter.key`."""
    settings = [dictionary_key, backend, hmm, keep_numbers, min_length, sorted(drop_pos), sorted(drop_words)]
    return digest(repr(settings))[:20]


def _tie_prone(text: str) -> bool:
    """Whether ``text`` holds a Chinese character three times in a row or a run of two to
    eight Chinese characters repeated at once (as ``([一-鿕])\\1\\1|([一-鿕]{2,8})\\2`` would
    find), tested with numpy: that pattern's backtracking costs milliseconds on a whole report.

    Example:
        >>> _tie_prone("密密密000"), _tie_prone("一步一步"), _tie_prone("保水护水")
        (True, True, False)
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    chinese = (codes >= 0x4E00) & (codes <= 0x9FD5)
    for unit in range(1, _TIE_UNIT + 1):
        if len(codes) < 2 * unit + (unit == 1):
            break
        # same[i]: character i is Chinese and equals character i + unit; a repeated run of
        # `unit` characters is `unit` such positions in a row (AAA: two, as unit 1 repeats twice)
        same = (codes[:-unit] == codes[unit:]) & chinese[:-unit] & chinese[unit:]
        need = 2 if unit == 1 else unit
        counts = np.concatenate([[0], np.cumsum(same, dtype=np.int64)])
        if len(counts) > need and bool((counts[need:] - counts[:-need] == need).any()):
            return True
    return False


_ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "区", "县", "市", "省",
                   "州", "盟", "旗")


def place_names(corpus: object = None) -> tuple[str, ...]:
    """The place names of a corpus that segmentation keeps whole, sorted: each region of its
    manifest and the region without its administrative suffix (翠湖区 → 翠湖).

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` (its ``places``: those of the whole
    manifest it was loaded from, kept when it is narrowed), or a table with a ``region``
    column (paragraphs, reports, the manifest).

    Example:
        >>> import pandas as pd
        >>> place_names(pd.DataFrame({"region": ["翠湖区", "密云区", "翠湖区", None]}))
        ('密云', '密云区', '翠湖', '翠湖区')
        >>> place_names(None)
        ()
    """
    import pandas as pd

    if corpus is None:
        return ()
    if not isinstance(corpus, pd.DataFrame):
        recorded = getattr(corpus, "places", None)
        if recorded is not None:
            return tuple(recorded)
        corpus = getattr(corpus, "paragraphs", None)
    if not isinstance(corpus, pd.DataFrame) or "region" not in corpus.columns:
        return ()
    names: set[str] = set()
    for region in corpus["region"].dropna().astype(str).unique():
        region = region.strip()
        if len(region) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in region):
            continue
        names.add(region)
        suffix = next((x for x in _ADMIN_SUFFIXES if region.endswith(x)), "")
        if suffix and len(region) - len(suffix) >= 2:
            names.add(region[: -len(suffix)])
    return tuple(sorted(names))


def place_entries(places: Iterable[str]) -> list[tuple[str, int | None, str | None]]:
    """Dictionary entries (tag ``ns``) for the place names jieba and the policy dictionary would split.

    A name they already keep whole (密云区) adds no entry, so its frequency, and every
    other cut, stays as it was.

    Example:
        >>> place_entries(["翠湖区", "密云区"])
        [('翠湖区', None, 'ns')]
    """
    names = sorted(set(places))
    if not names:
        return []
    base = _default((), "default")
    return [(name, None, "ns") for name in names if base.cut(name) != [name]]


@lru_cache(maxsize=16)
def _default(places: tuple[str, ...], kind: str) -> Segmenter:
    options: dict[str, dict[str, Any]] = {"default": {}, "rhetoric": {"min_length": 2},
                                          "content": {"boilerplate": True, "min_length": 2}}
    return Segmenter(places=places, **options[kind])


def default_segmenter(corpus: object = None) -> Segmenter:
    """A shared Segmenter with the default settings, built on first use; given a corpus, its
    place names (:func:`place_names`) stay whole.

    Example:
        >>> default_segmenter() is default_segmenter()
        True
        >>> import pandas as pd
        >>> default_segmenter(pd.DataFrame({"region": ["翠湖区"]})).cut("2025年翠湖区政府")
        ['2025年', '翠湖区', '政府']
    """
    return _default(place_names(corpus), "default")


def rhetoric_segmenter(corpus: object = None) -> Segmenter:
    """A shared Segmenter for rhetoric: stopwords, numbers and single characters dropped, boilerplate kept.

    Example:
        >>> rhetoric_segmenter().tokenize("全力推进乡村振兴，增长4.5%")
        ['全力', '推进', '乡村振兴', '增长']
    """
    return _default(place_names(corpus), "rhetoric")


def content_segmenter(corpus: object = None) -> Segmenter:
    """A shared Segmenter for subject matter: stopwords and boilerplate dropped, no single characters.

    Keywords and themes use it; the rhetoric analysis keeps boilerplate and uses
    :func:`default_segmenter`. Given a corpus, its place names stay whole.

    Example:
        >>> content_segmenter().tokenize("全面推进乡村振兴")
        ['乡村振兴']
    """
    return _default(place_names(corpus), "content")

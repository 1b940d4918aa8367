"""Tokens: every paragraph cut once, kept on disk, and read by every measure.

A :class:`Tokens` object is a token table that knows the Segmenter that cut it. Its
table has one row per token of :meth:`Segmenter.cut` (all tokens, so KWIC finds
character positions and collocations stop at punctuation): ``report_id, part_no,
para_no, token_no, token, kind`` and one keep-flag column per shared filter
(:data:`FILTERS`): ``content`` (what themes and keywords count: no stopwords,
boilerplate, numbers, punctuation or single characters), ``rhetoric`` (the same with
boilerplate kept, for the rhetoric measures) and ``default`` (stopwords, numbers and
punctuation dropped). ``part_no`` and ``para_no`` are the paragraph's, as in the
paragraph table; ``part_no`` is left out for paragraph tables without it. ``kind`` is
:func:`~miyun_text.segment.token_kind`.

Segmenters with the same dictionary, backend and HMM cut alike
(:attr:`Segmenter.cut_key`) and differ only in their filters, so one table serves them
all: a measure asks :meth:`Tokens.view` for its Segmenter, gets the flag column of a
shared filter or a flag computed once per distinct token for any other filter, and a
Segmenter that cuts differently is refused (:class:`~miyun_text.errors.TokensMismatchError`),
never silently counted. Measures given a plain paragraph table cut it the same way in
memory (:func:`token_view`), so both routes count the same tokens.

Tables are cached per report as Arrow files (:mod:`miyun_text.cache`) under
``<cache>/tokens/<cut key>-<format>-<code>/<text sha256>.arrow``: the file name holds the
digest of the paragraph texts and ids, the folder the digest of the dictionary, backend
and HMM and of the segmentation code and the backends' versions, so a changed text,
dictionary or segmenter reads another file and never a stale one. For exchange,
``tokens.frame.to_parquet(...)`` writes Parquet, the format Dask, Spark or DuckDB read by
partition.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .cache import read_table, write_table
from .digest import code_digest, text_digest
from .errors import ArgumentError, TokensMismatchError
from .grouping import paragraphs_of
from .segment import Segmenter, content_segmenter

__all__ = [
    "FILTERS",
    "KINDS",
    "TOKEN_COLUMNS",
    "TokenView",
    "Tokens",
    "paragraph_tokens",
    "text_digest",
    "token_table",
    "token_view",
]

# The filters every token table carries a keep flag for, by name: the settings of
# Segmenter.refilter. They are those of content_segmenter, rhetoric_segmenter and
# default_segmenter, applied to the table's own dictionary.
FILTERS: dict[str, dict[str, Any]] = {
    "content": {"boilerplate": True, "min_length": 2},
    "rhetoric": {"min_length": 2},
    "default": {},
}
KINDS = ("word", "number", "punct", "space")
TOKEN_COLUMNS = ["report_id", "part_no", "para_no", "token_no", "token", "kind", *FILTERS]
# Bumped when the table's layout or meaning changes, so old cache files are not read.
_FORMAT = "3"


def _slices(text: str, lengths: np.ndarray) -> pa.Array:
    """Consecutive slices of ``text`` (``lengths`` in characters) as an Arrow string array,
    built on the text's UTF-8 bytes and byte offsets rather than from Python strings."""
    data = text.encode("utf-8")
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    width = 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)
    char_bytes = np.concatenate([[0], np.cumsum(width, dtype=np.int64)])
    offsets = char_bytes[np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])]
    return pa.LargeStringArray.from_buffers(len(lengths), pa.py_buffer(offsets), pa.py_buffer(data))


def _custom(seg: Segmenter) -> bool:
    """Whether ``seg`` is a subclass with a cut or a tokenize of its own (then honoured text by text)."""
    return type(seg).cut is not Segmenter.cut or type(seg).tokenize is not Segmenter.tokenize


def _cut(texts: Sequence[str], seg: Segmenter) -> tuple[pa.Array, np.ndarray, list[str] | None, np.ndarray | None]:
    """Every text's tokens as one Arrow array, the number of tokens of each text, (for a
    Segmenter that filters on part of speech, which cuts with jieba.posseg) each token's
    tag, and (for a Segmenter subclass with its own cut or tokenize) whether its tokenize
    keeps each token."""
    if _custom(seg):
        words, counts, kept = [], [], []
        for text in texts:
            cut, keep = seg.cut(text), seg.tokenize(text)
            k = 0
            for token in cut:  # tokenize's tokens, matched in order within the cut
                hit = k < len(keep) and keep[k] == token
                kept.append(hit)
                k += hit
            words += cut
            counts.append(len(cut))
        return (pa.array(words, type=pa.large_string()), np.asarray(counts, dtype="int64"), None,
                np.asarray(kept, dtype=bool))
    if seg.drop_pos:
        counts, words, flags = [], [], []
        for text in texts:
            pairs = seg.pos(text)
            counts.append(len(pairs))
            words += [w for w, _ in pairs]
            flags += [f for _, f in pairs]
        return pa.array(words, type=pa.large_string()), np.asarray(counts, dtype="int64"), flags, None
    text, lengths, counts = seg.cut_many(texts)
    return _slices(text, lengths), np.asarray(counts, dtype="int64"), None, None


class _Known:
    """Each token seen so far with some Segmenters: its kind code and every verdict, one row of
    ``table`` per token (``row`` maps the token to its row).

    One dictionary lookup per distinct token of a report, where asking each Segmenter costs
    a method call per filter: a report repeats most of the previous reports' words. The
    rows are kept in one array, so a report's verdicts are gathered by index, not rebuilt
    from Python tuples.
    """

    def __init__(self, width: int) -> None:
        self.row: dict[str, int] = {}
        self.table = np.zeros((256, width), dtype="int8")

    def rows(self, tokens: list[str], segs: Sequence[Segmenter]) -> np.ndarray:
        """The row of each of ``tokens``, adding the tokens not seen before."""
        get = self.row.get
        found = [get(token, -1) for token in tokens]
        first, others = segs[0], segs[1:]
        for n, code in enumerate(found):
            if code < 0:
                token = tokens[n]
                kind, keep = first.verdict(token)
                found[n] = self._add(token, (KINDS.index(kind), keep, *(seg.keeps(token) for seg in others)))
        return np.array(found, dtype="int64")

    def _add(self, token: str, verdicts: tuple) -> int:
        code = len(self.row)
        if code == len(self.table):
            self.table = np.concatenate([self.table, np.zeros_like(self.table)])
        self.table[code] = verdicts
        self.row[token] = code
        return code


@lru_cache(maxsize=16)
def _known(segs: tuple[Segmenter, ...]) -> _Known:
    """The verdicts of ``segs`` (by identity) on every token seen so far."""
    return _Known(1 + len(segs))


def _verdicts(tokens: pa.Array | pa.ChunkedArray, segs: Sequence[Segmenter]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each token's kind code (into :data:`KINDS`) and, per Segmenter (one at least), whether its filters keep it.

    Kind and verdicts are decided once per distinct token, then spread by index in C.
    """
    chunked = tokens if isinstance(tokens, pa.ChunkedArray) else pa.chunked_array([tokens], type=tokens.type)
    if not len(chunked):
        return np.zeros(0, dtype="int8"), [np.zeros(0, dtype=bool) for _ in segs]
    encoded = chunked.dictionary_encode().unify_dictionaries()
    index = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks])
    known = _known(tuple(segs))
    rows = known.rows(encoded.chunk(0).dictionary.to_pylist(), segs)
    table = known.table[rows[index]]
    return table[:, 0], [table[:, 1 + k].astype(bool) for k in range(len(segs))]


@lru_cache(maxsize=16)
def _filters(seg: Segmenter) -> dict[str, Segmenter]:
    """The shared filters on ``seg``'s dictionary, by name (:data:`FILTERS`).

    Kept per Segmenter (by identity): each filter remembers its verdict on every token it
    has seen, and the reports of a corpus share most of their words.
    """
    return {name: seg.refilter(**settings) for name, settings in FILTERS.items()}


def _segment(texts: Sequence[str], ids: Mapping[str, np.ndarray], seg: Segmenter) -> pa.Table:
    """Token rows of one report, without its id (the cache is shared by identical texts)."""
    token_array, counts, _, custom_keep = _cut(texts, seg)
    # each token's number within its paragraph, from 1
    ends = np.cumsum(counts, dtype="int64")
    numbers = np.arange(1, len(token_array) + 1, dtype="int32") - np.repeat(ends - counts, counts).astype("int32")
    filters = _filters(seg)
    kinds, keeps = _verdicts(token_array, list(filters.values()))
    if custom_keep is not None:  # a subclass's own tokenize decides what every filter keeps
        keeps = [custom_keep for _ in keeps]
    columns: dict[str, pa.Array] = {c: pa.array(np.asarray(ids[c], dtype="int64").repeat(counts)) for c in ids}
    columns.update({
        "token_no": pa.array(numbers, type=pa.int32()),
        "token": token_array,
        "kind": pa.DictionaryArray.from_arrays(pa.array(kinds), pa.array(KINDS)),
    })
    columns.update({name: pa.array(keep, type=pa.bool_()) for name, keep in zip(filters, keeps, strict=True)})
    return pa.table(columns)


def _cache_path(seg: Segmenter, digest: str) -> Path:
    """Where a report's table lives: the folder names the cut, the shared filters (their
    settings and word lists: a changed stopword or boilerplate list reads another folder)
    and the code; the file, the paragraphs."""
    folder = f"{seg.cut_key}-{_filters_key(seg)}-{_FORMAT}-{_code_digest()}"
    return seg.cache / "tokens" / folder / f"{digest}.arrow"


def _filters_key(seg: Segmenter) -> str:
    """Digest of what decides the keep-flag columns: each shared filter's :attr:`Segmenter.key`
    (its settings and the words it drops)."""
    return text_digest([f"{name}={flt.key}" for name, flt in _filters(seg).items()])[:12]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of the code that cuts and types tokens, and of the backends' versions: a change
    to any of them reads another cache folder, so no table cut by older code is reused."""
    here = Path(__file__).resolve().parent
    return code_digest([here / "segment.py", here / "tokens.py"], ["jieba", "rjieba"])[:12]


def report_table(texts: Sequence[str], ids: pd.DataFrame | Mapping[str, Sequence[int]], report_id: str,
                 seg: Segmenter, *, cache: bool = True, read_only: bool = False) -> pa.Table | None:
    """The token table of one report's paragraphs as an Arrow table, read from the cache or
    segmented and cached. ``ids`` holds the paragraphs' ``part_no`` (if any) and ``para_no``.
    ``read_only=True`` returns None rather than segmenting when the cache lacks the report.

    Example:
        >>> table = report_table(["保水。"], {"para_no": [1]}, "r", content_segmenter(), cache=False)
        >>> table.column_names
        ['report_id', 'para_no', 'token_no', 'token', 'kind', 'content', 'rhetoric', 'default']
    """
    if seg.drop_pos:
        raise ArgumentError("a Segmenter that filters on part of speech cuts with jieba.posseg, not the table's "
                            "cut; give the measure the paragraph table instead of a token table")
    texts = [str(t) for t in texts]
    # a DataFrame or a mapping of columns: plain int64 arrays from here on
    columns = {str(c): np.asarray(ids[c], dtype="int64") for c in ids}  # type: ignore[index]
    names = "|".join(columns)
    keys = np.column_stack(list(columns.values())).tolist() if columns else [[] for _ in texts]
    labels = [f"{names}\x01{tuple(key)}\x01" for key in keys]
    path = _cache_path(seg, text_digest([label + text for label, text in zip(labels, texts, strict=True)]))
    table = read_table(path) if cache else None
    if table is None:
        if read_only:
            return None
        table = _segment(texts, columns, seg)
        if cache:
            write_table(path, table)
    return table.add_column(0, "report_id", pa.repeat(pa.scalar(report_id, pa.large_string()), table.num_rows))


def to_frame(tables: Sequence[pa.Table], report_ids: Sequence[str]) -> pd.DataFrame:
    """One pandas token table from per-report Arrow tables (strings stay in Arrow memory).

    ``report_id`` becomes a categorical column built from the tables' lengths (each
    report's tokens are together), so no string is hashed or copied for it.
    """
    tables = [t.drop_columns(["report_id"]) if "report_id" in t.column_names else t for t in tables]
    table = pa.concat_tables(tables)
    lengths = np.array([t.num_rows for t in tables], dtype="int64")
    names = pa.array(list(report_ids), type=pa.large_string())
    codes = pa.array(np.repeat(np.arange(len(lengths), dtype="int32"), lengths))
    table = table.add_column(0, "report_id", pa.DictionaryArray.from_arrays(codes, names))
    # pandas keeps Arrow-backed strings as large_string: mapping those copies no text
    return table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)


@dataclass(frozen=True)
class TokenView:
    """The tokens of a paragraph table's rows, as a measure counts them.

    ``row`` is each token's paragraph (its row position in the table), ``token`` the
    tokens (Arrow strings), ``kind`` their kind codes (into :data:`KINDS`) and ``keep``
    whether the measure's Segmenter keeps them. Tokens follow the token table's order
    (paragraph by paragraph, each in text order); ``n_rows`` is the table's length.

    Example:
        >>> view = token_view(pd.DataFrame({"text": ["保水。", "守护密云水库"]}))
        >>> view.kept().token.to_pylist(), view.kept().row.tolist()
        (['保水', '守护', '密云水库'], [0, 1, 1])
    """

    n_rows: int
    row: np.ndarray
    token: pa.ChunkedArray
    kind: np.ndarray
    keep: np.ndarray = field(repr=False)

    def take(self, mask: np.ndarray) -> TokenView:
        """The tokens where ``mask`` (one bool per token) holds."""
        return TokenView(self.n_rows, self.row[mask], self.token.filter(pa.array(mask)), self.kind[mask],
                         self.keep[mask])

    @cached_property
    def _kept(self) -> TokenView:
        return self if self.keep.all() else self.take(self.keep)

    def kept(self) -> TokenView:
        """The tokens the Segmenter keeps (:meth:`Segmenter.tokenize`'s tokens), made once per view."""
        return self._kept

    @cached_property
    def vocabulary(self) -> tuple[np.ndarray, list[str]]:
        """Each token's code and the distinct tokens sorted in code point order (codes order as
        the tokens do), found once per view: several measures of a corpus count the same view.

        Example:
            >>> token_view(pd.DataFrame({"text": ["旅游保水旅游"]})).kept().vocabulary
            (array([1, 0, 1]), ['保水', '旅游'])
        """
        if not len(self.token):
            return np.zeros(0, dtype="int64"), []
        # one memo table for all chunks: they share one dictionary
        encoded = self.token.dictionary_encode().unify_dictionaries()
        dictionary = encoded.chunk(0).dictionary
        indices = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks])
        # Arrow sorts strings by their UTF-8 bytes, which is code point order, as Python does
        order = pc.array_sort_indices(dictionary).to_numpy()
        rank = np.empty(len(order), dtype="int64")
        rank[order] = np.arange(len(order))
        return rank[indices], dictionary.take(pa.array(order, type=pa.int64())).to_pylist()

    def by_row(self) -> list[list[str]]:
        """The tokens of each paragraph row, in row order and text order.

        Example:
            >>> token_view(pd.DataFrame({"text": ["保水。", ""]})).by_row()
            [['保水', '。'], []]
        """
        order = np.argsort(self.row, kind="stable")
        values = self.token.to_numpy(zero_copy_only=False)[order]
        bounds = np.searchsorted(self.row[order], np.arange(self.n_rows + 1))
        return [values[a:b].tolist() for a, b in itertools.pairwise(bounds.tolist())]


def _segment_view(paragraphs: pd.DataFrame, seg: Segmenter) -> TokenView:
    """Cut a paragraph table's texts now, in memory (the route of a plain table)."""
    texts = paragraphs["text"].astype(str).tolist()
    token_array, counts, flags, custom_keep = _cut(texts, seg)
    kinds, (keep,) = _verdicts(token_array, [seg])
    if custom_keep is not None:
        keep = custom_keep
    if flags is not None:
        keep &= np.array([f not in seg.drop_pos for f in flags], dtype=bool)
    row = np.repeat(np.arange(len(texts), dtype="int64"), counts)
    return TokenView(len(texts), row, pa.chunked_array([token_array], type=pa.large_string()), kinds, keep)


class Tokens:
    """A token table and the Segmenter that cut it: what measures count.

    ``frame`` is the table (one row per token, columns :data:`TOKEN_COLUMNS`; Arrow
    strings), ``segmenter`` the Segmenter whose cut it is; the keep flags are those of
    :data:`FILTERS` on its dictionary. Build one with :func:`token_table`, or take a
    corpus's (:func:`miyun_text.open_corpus`). It is not a DataFrame on purpose: a merge
    or a copy of the table cannot lose what made it.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["守护密云水库，发展乡村旅游。"]})
        >>> tokens = token_table(paras)
        >>> len(tokens), tokens.frame.loc[tokens.frame["content"], "token"].tolist()
        (7, ['守护', '密云水库', '乡村', '旅游'])
    """

    def __init__(self, frame: pd.DataFrame, segmenter: Segmenter) -> None:
        missing = [c for c in ("report_id", "para_no", "token", "kind", *FILTERS) if c not in frame.columns]
        if missing:
            raise ArgumentError(f"a token table needs the column(s) {missing}; build it with token_table()")
        self.frame = frame
        self.segmenter = segmenter
        self.filters = _filters(segmenter)

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        reports = self.frame["report_id"].nunique()
        return f"<Tokens: {len(self.frame):,} tokens of {reports} report(s), cut {self.segmenter.cut_key[:8]}>"

    def serves(self, segmenter: Segmenter) -> bool:
        """Whether ``segmenter`` cuts as this table was cut (whatever its filters).

        Example:
            >>> from miyun_text.segment import rhetoric_segmenter
            >>> token_table(pd.DataFrame({"text": ["保水"]})).serves(rhetoric_segmenter())
            True
        """
        return segmenter.cut_key == self.segmenter.cut_key

    def keep(self, segmenter: Segmenter) -> np.ndarray:
        """Whether ``segmenter``'s filters keep each token of the table (one bool per row).

        A shared filter reads its column; any other filter of the same cut is decided once
        per distinct token. A Segmenter that cuts differently raises
        :class:`~miyun_text.errors.TokensMismatchError`.
        """
        if not self.serves(segmenter):
            raise TokensMismatchError(
                "the token table was cut with another dictionary, backend or HMM setting than this Segmenter; "
                "build it with token_table(paragraphs, segmenter), or give the measure the paragraph table")
        for name, shared in self.filters.items():
            if shared.key == segmenter.key:
                return self.frame[name].to_numpy(dtype=bool)
        return _verdicts(self._arrow_tokens, [segmenter])[1][0]

    @cached_property
    def _arrow_tokens(self) -> pa.ChunkedArray:
        column = self.frame["token"]
        # (chunks are kept: combining them would copy every string)
        arrow = column.array.__arrow_array__() if hasattr(column.array, "__arrow_array__") else pa.array(column)
        return arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow])

    @cached_property
    def _id_columns(self) -> list[str]:
        return _id_columns(self.frame)

    @cached_property
    def _runs(self) -> tuple[np.ndarray, np.ndarray, pd.Index]:
        """Where each run of rows of one paragraph starts, its key, and the report index of the keys.

        A token table holds each paragraph's tokens together: paragraphs are looked up
        once per run of tokens rather than once per token (millions of rows in a corpus).
        """
        columns = self._id_columns
        report = self.frame["report_id"]
        if isinstance(report.dtype, pd.CategoricalDtype):
            reports = pd.Index(report.cat.categories.astype(str))
            codes = report.cat.codes.to_numpy(dtype="int64")
        else:
            codes, uniques = pd.factorize(report.astype(str))
            reports = pd.Index(uniques)
        numbers = [codes, *(self.frame[c].to_numpy(dtype="int64") for c in columns[1:])]
        n = len(self.frame)
        change = np.ones(n, dtype=bool)
        if n:
            change[1:] = np.logical_or.reduce([v[1:] != v[:-1] for v in numbers])
        starts = np.flatnonzero(change)
        return starts, _pack([v[starts] for v in numbers]), reports

    def _rows_of(self, paragraphs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """For each token row: the position of its paragraph in ``paragraphs`` (−1 when absent),
        and which paragraphs of ``paragraphs`` have no tokens in the table."""
        frame = _with_ids(paragraphs)
        columns = _id_columns(frame)
        if columns != self._id_columns:
            raise TokensMismatchError(f"the token table is keyed by {self._id_columns} but the paragraphs by "
                                      f"{columns}; build it from the same paragraphs")
        starts, run_keys, reports = self._runs
        frame_keys = _keys(frame, columns, reports)
        run_pos = pd.Index(frame_keys).get_indexer(pd.Index(run_keys))
        lengths = np.diff(np.append(starts, len(self.frame)))
        absent = ~np.isin(frame_keys, run_keys)
        return np.repeat(run_pos, lengths), absent

    def view(self, paragraphs: pd.DataFrame, segmenter: Segmenter) -> TokenView:
        """The tokens of ``paragraphs`` (a table of this corpus, or some of its rows) for ``segmenter``.

        Every paragraph with text must have its tokens in the table (else
        :class:`~miyun_text.errors.TokensMismatchError`: the counts would be silently wrong).

        Example:
            >>> paras = pd.DataFrame({"report_id": ["r", "r"], "para_no": [1, 2], "text": ["保水。", "守护密云水库。"]})
            >>> view = token_table(paras).view(paras.iloc[1:], content_segmenter())
            >>> view.kept().token.to_pylist(), view.n_rows
            (['守护', '密云水库'], 1)
        """
        keep = self.keep(segmenter)
        pos, absent = self._rows_of(paragraphs)
        texts = paragraphs["text"].astype(str)
        missing = absent & (texts.str.strip() != "").to_numpy()
        if missing.any():
            first = _with_ids(paragraphs).loc[missing, _id_columns(_with_ids(paragraphs))].iloc[0].tolist()
            raise TokensMismatchError(f"the token table has no tokens for paragraph {first}; build it from the same "
                                      "paragraphs (or narrow the corpus, which narrows its tokens)")
        inside = pos >= 0
        kinds = self.frame["kind"].cat.codes.to_numpy(dtype="int8")
        tokens = self._arrow_tokens
        if not inside.all():  # tokens of paragraphs the measure does not look at
            tokens = tokens.filter(pa.array(inside))
        return TokenView(len(paragraphs), pos[inside], tokens, kinds[inside], keep[inside])

    def restrict(self, paragraphs: pd.DataFrame) -> Tokens:
        """The tokens of ``paragraphs`` only (rows of the corpus the table was made from).

        Example:
            >>> paras = pd.DataFrame({"report_id": ["r", "r"], "para_no": [1, 2], "text": ["保水。", "富民。"]})
            >>> len(token_table(paras).restrict(paras.iloc[:1]))
            2
        """
        pos, _ = self._rows_of(paragraphs)
        inside = pos >= 0
        if inside.all():
            return self
        frame = self.frame[inside].reset_index(drop=True)
        if isinstance(frame["report_id"].dtype, pd.CategoricalDtype):
            frame["report_id"] = frame["report_id"].cat.remove_unused_categories()
        return Tokens(frame, self.segmenter)


def token_table(paragraphs: pd.DataFrame | Any, segmenter: Segmenter | None = None, *,
                cache: bool = True) -> Tokens:
    """Cut every paragraph once: one row per token, cached on disk per report.

    ``paragraphs`` is a paragraph table (``report_id``, ``part_no``, ``para_no``,
    ``text``); without ``report_id`` or ``para_no`` the rows count as one report
    numbered from 1. The table's cut is ``segmenter``'s (default
    :func:`~miyun_text.segment.content_segmenter`; only its dictionary, backend and
    HMM matter). Rows follow the paragraph order, then token order.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["守护密云水库，发展乡村旅游。"]})
        >>> table = token_table(paras).frame
        >>> table["token"].tolist()
        ['守护', '密云水库', '，', '发展', '乡村', '旅游', '。']
        >>> table.loc[table["rhetoric"], "token"].tolist()
        ['守护', '密云水库', '发展', '乡村', '旅游']
    """
    seg = segmenter or content_segmenter(paragraphs)  # a corpus's place names stay whole
    paragraphs = paragraphs_of(paragraphs, "token_table")
    frame = _with_ids(paragraphs)
    id_columns = _id_columns(frame)[1:]
    tables = [report_table(rows["text"].tolist(), rows[id_columns].astype("int64"), str(report_id), seg, cache=cache)
              for report_id, rows in frame.groupby("report_id", sort=False)]
    if not tables:
        tables = [_segment([], {c: np.zeros(0, dtype="int64") for c in id_columns}, seg)]
    ids = [str(r) for r in pd.unique(frame["report_id"])] if len(frame) else []
    return Tokens(to_frame([t for t in tables if t is not None], ids), seg)


def token_view(corpus: pd.DataFrame | Any, segmenter: Segmenter | None = None, *,
               caller: str = "token_view") -> TokenView:
    """The tokens a measure counts: a corpus's token table, or a paragraph table cut now.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` (its tokens are read, not cut
    again, when ``segmenter`` cuts as they were cut) or a paragraph table (cut in memory,
    the same way). ``segmenter`` defaults to :func:`~miyun_text.segment.content_segmenter`.

    Example:
        >>> view = token_view(pd.DataFrame({"text": ["全面推进乡村振兴。"]})).kept()
        >>> view.token.to_pylist()
        ['乡村振兴']
    """
    seg = segmenter or content_segmenter(corpus)
    paragraphs = paragraphs_of(corpus, caller)
    if not isinstance(corpus, pd.DataFrame):
        own_view = getattr(corpus, "view", None)  # a Corpus reads the token table it was narrowed from
        found = own_view(seg) if callable(own_view) else None
        if isinstance(found, TokenView):
            return found
        tokens = getattr(corpus, "tokens", None)
        if isinstance(tokens, Tokens) and tokens.serves(seg):
            return tokens.view(paragraphs, seg)
    return _segment_view(paragraphs, seg)


def paragraph_tokens(corpus: pd.DataFrame | Any, segmenter: Segmenter | None = None, *,
                     kept: bool = True) -> list[list[str]]:
    """Tokens of each paragraph row, in row order: :meth:`Segmenter.tokenize`'s with
    ``kept=True``, else :meth:`Segmenter.cut`'s (from the corpus's token table when it has one).

    Example:
        >>> paragraph_tokens(pd.DataFrame({"text": ["守护密云水库，发展乡村旅游。"]}))
        [['守护', '密云水库', '乡村', '旅游']]
    """
    view = token_view(corpus, segmenter, caller="paragraph_tokens")
    return (view.kept() if kept else view).by_row()


def _with_ids(paragraphs: pd.DataFrame) -> pd.DataFrame:
    frame = paragraphs
    if "report_id" not in frame.columns:
        frame = frame.assign(report_id="report")
    if "para_no" not in frame.columns:
        frame = frame.assign(para_no=range(1, len(frame) + 1))
    columns = _id_columns(frame)
    duplicated = frame.duplicated(columns)
    if duplicated.any():
        first = frame.loc[duplicated, columns].iloc[0].tolist()
        raise ArgumentError(f"paragraph {first} ({', '.join(columns)}) appears twice; a token table needs "
                            "one row per paragraph")
    return frame


def _id_columns(frame: pd.DataFrame) -> list[str]:
    return ["report_id", "part_no", "para_no"] if "part_no" in frame.columns else ["report_id", "para_no"]


def _keys(frame: pd.DataFrame, columns: list[str], reports: pd.Index) -> np.ndarray:
    """One int64 per paragraph: report (as its position in ``reports``), part and paragraph number."""
    report = reports.get_indexer(pd.Index(frame["report_id"].astype(str)))
    return _pack([report, *(frame[c].to_numpy(dtype="int64") for c in columns[1:])])


def _pack(numbers: Sequence[np.ndarray]) -> np.ndarray:
    """Report code, (part) and paragraph number in one int64: 21 bits each for the numbers."""
    key = np.asarray(numbers[0], dtype="int64") << 42
    for n, values in enumerate(reversed(numbers[1:])):
        values = np.asarray(values, dtype="int64")
        if len(values) and (values.min() < 0 or values.max() >= 1 << 21):
            raise ArgumentError(f"part and paragraph numbers must lie between 0 and {(1 << 21) - 1}")
        key |= values << (21 * n)
    return key

"""Token tables: every paragraph segmented once, kept on disk, read by every measure.

A token table has one row per token of :meth:`Segmenter.cut` (all tokens, so KWIC can
find character positions): ``report_id, part_no, para_no, token_no, token, kind, keep``
and, for a Segmenter that filters on part of speech, ``pos``. ``part_no`` and
``para_no`` are the paragraph's, as in the paragraph table (paragraphs are numbered
within their part); ``part_no`` is left out for paragraph tables without it. ``kind`` is
:func:`~miyun_text.segment.token_kind`; ``keep`` says whether the Segmenter's filters
keep the token, so the kept tokens of a paragraph are exactly ``Segmenter.tokenize``.

Tables are cached per report as Parquet files under
``<cache>/tokens/<segmenter key>/<text sha256>.parquet``: the file name holds the
digest of the paragraph texts, the folder the digest of the dictionary, backend, HMM
and filters (:attr:`Segmenter.key`), so a changed text, dictionary or filter reads
another file and never a stale one. Parquet (through pyarrow) is columnar and
compressed, keeps dtypes, and is what Dask, Spark or DuckDB read by partition.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .segment import Segmenter, token_kind

__all__ = ["TOKEN_COLUMNS", "paragraph_tokens", "text_digest", "token_table"]

TOKEN_COLUMNS = ["report_id", "part_no", "para_no", "token_no", "token", "kind", "keep"]
# Bumped when the table's layout or meaning changes, so old cache files are not read.
_FORMAT = "1"
_KINDS = ["word", "number", "punct", "space"]


def text_digest(texts: Sequence[str]) -> str:
    """sha256 of a report's paragraph texts, in order (the token cache's file name).

    Example:
        >>> text_digest(["保水。", "富民。"]) == text_digest(["保水。", "富民。"]), text_digest(["保水。富民。"])[:8]
        (True, 'ed3cb9e2')
    """
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _segment(texts: Sequence[str], ids: pd.DataFrame, seg: Segmenter) -> pd.DataFrame:
    """Token rows of one report, without its id (the cache is shared by identical texts)."""
    use_pos = bool(seg.drop_pos)
    kinds: dict[str, str] = {}
    keeps: dict[str, bool] = {}
    counts, numbers, words, flags = [], [], [], []
    for text in texts:
        if use_pos:
            pairs = seg.pos(text)
            tokens = [w for w, _ in pairs]
            flags += [f for _, f in pairs]
        else:
            tokens = seg.cut(text)
        counts.append(len(tokens))
        numbers += range(1, len(tokens) + 1)
        words += tokens
    for token in set(words):
        kinds[token] = token_kind(token)
        keeps[token] = seg._keep(token)
    frame = pd.DataFrame({
        **{c: ids[c].to_numpy().repeat(counts) for c in ids.columns},
        "token_no": pd.array(numbers, dtype="int32"),
        "token": pd.array(words, dtype="string[pyarrow]"),
        "kind": pd.Categorical([kinds[w] for w in words], categories=_KINDS),
        "keep": [keeps[w] for w in words],
    })
    if use_pos:
        frame["pos"] = pd.array(flags, dtype="string[pyarrow]")
        frame["keep"] = frame["keep"] & ~frame["pos"].isin(seg.drop_pos).to_numpy()
    return frame


def _cache_path(seg: Segmenter, digest: str) -> Path:
    return seg.cache / "tokens" / f"{seg.key}-{_FORMAT}" / f"{digest}.parquet"


def _read(path: Path) -> pd.DataFrame | None:
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError):
        return None  # absent or unreadable (an interrupted write of an older version): rebuild
    # the same dtypes as a fresh table, whatever pandas restores from the file
    for column in ("token", "pos"):
        if column in frame.columns:
            frame[column] = frame[column].astype("string[pyarrow]")
    frame["kind"] = pd.Categorical(frame["kind"].astype(str), categories=_KINDS)
    return frame


def _write(path: Path, frame: pd.DataFrame) -> None:
    from .io import write_bytes_atomic

    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, compression="zstd")
    write_bytes_atomic(path, buffer.getvalue())


def report_tokens(texts: Sequence[str], ids: pd.DataFrame, report_id: str, seg: Segmenter,
                  *, cache: bool = True) -> pd.DataFrame:
    """The token table of one report's paragraphs, read from the cache or segmented and cached.

    ``ids`` holds the paragraphs' ``part_no`` (if any) and ``para_no``, one row per text.
    """
    texts = [str(t) for t in texts]
    ids = ids.astype("int64").reset_index(drop=True)
    names = "|".join(ids.columns)
    labels = [f"{names}\x01{key}\x01" for key in ids.itertuples(index=False, name=None)]
    path = _cache_path(seg, text_digest([label + text for label, text in zip(labels, texts, strict=True)]))
    frame = _read(path) if cache else None
    if frame is None:
        frame = _segment(texts, ids, seg)
        if cache:
            _write(path, frame)
    frame.insert(0, "report_id", pd.array([report_id] * len(frame), dtype="string[pyarrow]"))
    return frame


def token_table(paragraphs: pd.DataFrame, segmenter: Segmenter | None = None, *, cache: bool = True) -> pd.DataFrame:
    """Segment every paragraph once: one row per token, cached on disk per report.

    ``paragraphs`` is a paragraph table (``report_id``, ``para_no``, ``text``); without
    ``report_id`` or ``para_no`` the rows count as one report numbered from 1. The
    default Segmenter is :func:`~miyun_text.segment.content_segmenter`, the one
    themes and keywords use. Rows follow the paragraph order, then token order.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["守护密云水库，发展乡村旅游。"]})
        >>> table = token_table(paras)
        >>> table["token"].tolist()
        ['守护', '密云水库', '，', '发展', '乡村', '旅游', '。']
        >>> table.loc[table["keep"], "token"].tolist()
        ['守护', '密云水库', '乡村', '旅游']
    """
    from .segment import content_segmenter

    if "text" not in paragraphs.columns:
        raise ValueError("paragraphs needs a 'text' column")
    seg = segmenter or content_segmenter()
    frame = _with_ids(paragraphs)
    id_columns = _id_columns(frame)[1:]
    parts = []
    for report_id, rows in frame.groupby("report_id", sort=False):
        parts.append(report_tokens(rows["text"].tolist(), rows[id_columns], str(report_id), seg, cache=cache))
    if not parts:
        empty = _segment([], frame[id_columns].iloc[:0].astype("int64"), seg)
        empty.insert(0, "report_id", pd.array([], dtype="string[pyarrow]"))
        return empty
    out = pd.concat(parts, ignore_index=True)
    out.attrs["segmenter"] = seg.key
    return out


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
        raise ValueError(f"paragraph {first} ({', '.join(columns)}) appears twice; a token table needs "
                         "one row per paragraph")
    return frame


def _id_columns(frame: pd.DataFrame) -> list[str]:
    return ["report_id", "part_no", "para_no"] if "part_no" in frame.columns else ["report_id", "para_no"]


def paragraph_tokens(paragraphs: pd.DataFrame, segmenter: Segmenter, tokens: pd.DataFrame | None = None,
                     *, kept: bool = True) -> list[list[str]]:
    """Tokens of each paragraph row, in row order: from ``tokens`` when given, else segmented now.

    With ``kept=True`` these are :meth:`Segmenter.tokenize`'s tokens, else :meth:`Segmenter.cut`'s.
    A token table made with another Segmenter configuration, or lacking a paragraph, raises
    ``ValueError``: it would silently give other numbers.

    Example:
        >>> from miyun_text.segment import content_segmenter
        >>> paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["守护密云水库，发展乡村旅游。"]})
        >>> seg = content_segmenter()
        >>> paragraph_tokens(paras, seg, token_table(paras, seg)) == paragraph_tokens(paras, seg)
        True
    """
    texts = paragraphs["text"].astype(str).tolist()
    if tokens is None:
        return list(map(segmenter.tokenize if kept else segmenter.cut, texts))
    built_with = tokens.attrs.get("segmenter")
    if built_with is not None and built_with != segmenter.key:
        raise ValueError("the token table was built with another Segmenter configuration; build it with "
                         "token_table(paragraphs, segmenter) for the Segmenter this measure uses")
    frame = _with_ids(paragraphs)
    columns = _id_columns(frame)
    rows = tokens.loc[tokens["keep"]] if kept else tokens
    words = rows["token"].astype(object).to_numpy()
    lists: dict[tuple, list[str]] = {}
    for key, start, end in _runs(rows, columns):
        lists.setdefault(key, []).extend(words[start:end].tolist())
    known: set[tuple] | None = None
    keys = zip(*(frame[c].astype(str if c == "report_id" else int) for c in columns), strict=True)
    out = []
    for key, text in zip(keys, texts, strict=True):
        if key not in lists and text.strip():
            # a paragraph may have only filtered tokens; it must still be in the table
            known = known if known is not None else {k for k, _, _ in _runs(tokens, columns)}
            if key not in known:
                raise ValueError(f"the token table has no tokens for paragraph {key} ({', '.join(columns)}); "
                                 "build it from the same paragraphs")
        out.append(lists.get(key, []))
    return out


def _runs(rows: pd.DataFrame, columns: list[str]) -> list[tuple[tuple, int, int]]:
    """Paragraph runs of a token table as (key, start, end) row ranges."""
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(f"the token table lacks column(s) {missing}; build it from the same paragraphs")
    if not len(rows):
        return []
    arrays = [rows[c].astype(str).to_numpy() if c == "report_id" else rows[c].to_numpy() for c in columns]
    # rows come in paragraph runs: cut the arrays at each change instead of grouping
    change = arrays[0][1:] != arrays[0][:-1]
    for values in arrays[1:]:
        change |= values[1:] != values[:-1]
    bounds = [0, *(change.nonzero()[0] + 1).tolist(), len(rows)]
    return [(tuple(v[a] if i == 0 else int(v[a]) for i, v in enumerate(arrays)), a, b)
            for a, b in itertools.pairwise(bounds)]

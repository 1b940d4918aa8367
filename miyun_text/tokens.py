"""Token tables: every paragraph segmented once, kept on disk, read by every measure.

A token table has one row per token of :meth:`Segmenter.cut` (all tokens, so KWIC can
find character positions): ``report_id, part_no, para_no, token_no, token, kind, keep``
and, for a Segmenter that filters on part of speech, ``pos``. ``part_no`` and
``para_no`` are the paragraph's, as in the paragraph table (paragraphs are numbered
within their part); ``part_no`` is left out for paragraph tables without it. ``kind`` is
:func:`~miyun_text.segment.token_kind`; ``keep`` says whether the Segmenter's filters
keep the token, so the kept tokens of a paragraph are exactly ``Segmenter.tokenize``.

Tables are cached per report as Arrow files under
``<cache>/tokens/<segmenter key>-<format>-<code>/<text sha256>.arrow``: the file name
holds the digest of the paragraph texts, the folder the digest of the dictionary,
backend, HMM and filters (:attr:`Segmenter.key`) and of the segmentation code and the
backends' versions, so a changed text, dictionary, filter or segmenter reads another
file and never a stale one. The cache uses Arrow's own file format (Feather
v2, LZ4-compressed) rather than Parquet: it is as columnar and typed, and a report's
table reads in about 1 ms against about 5 ms for Parquet, which is most of a warm run
over a thousand reports. For exchange, ``token_table(...).to_parquet(...)`` writes
Parquet, the format Dask, Spark or DuckDB read by partition.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .cache import read_table, write_table
from .digest import code_digest, text_digest
from .segment import Segmenter

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["TOKEN_COLUMNS", "paragraph_tokens", "text_digest", "token_positions", "token_table"]

TOKEN_COLUMNS = ["report_id", "part_no", "para_no", "token_no", "token", "kind", "keep"]
# Bumped when the table's layout or meaning changes, so old cache files are not read.
_FORMAT = "2"
_KINDS = ["word", "number", "punct", "space"]


def _slices(text: str, lengths: np.ndarray) -> pa.Array:
    """Consecutive slices of ``text`` (``lengths`` in characters) as an Arrow string array,
    built on the text's UTF-8 bytes and byte offsets rather than from Python strings."""
    import numpy as np
    import pyarrow as pa

    data = text.encode("utf-8")
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    width = 1 + (codes >= 0x80) + (codes >= 0x800) + (codes >= 0x10000)
    char_bytes = np.concatenate([[0], np.cumsum(width, dtype=np.int64)])
    offsets = char_bytes[np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])]
    return pa.LargeStringArray.from_buffers(len(lengths), pa.py_buffer(offsets), pa.py_buffer(data))


def _segment(texts: Sequence[str], ids: pd.DataFrame | Mapping[str, Sequence[int]], seg: Segmenter) -> pa.Table:
    """Token rows of one report, without its id (the cache is shared by identical texts)."""
    import numpy as np
    import pyarrow as pa

    use_pos = bool(seg.drop_pos)
    flags: list[str] = []
    if use_pos:
        counts, words = [], []
        for text in texts:
            pairs = seg.pos(text)
            counts.append(len(pairs))
            words += [w for w, _ in pairs]
            flags += [f for _, f in pairs]
        token_array = pa.array(words, type=pa.large_string())
    else:
        text, lengths, counts = seg._cut_lengths(texts)
        token_array = _slices(text, lengths)
    # each token's number within its paragraph, from 1
    ends = np.cumsum(counts, dtype="int64")
    numbers = np.arange(1, len(token_array) + 1, dtype="int32") - np.repeat(ends - counts, counts).astype("int32")
    kind_code = {kind: n for n, kind in enumerate(_KINDS)}
    # kind and filter are decided once per distinct token, then spread by index in C
    encoded = token_array.dictionary_encode()
    index = encoded.indices.to_numpy(zero_copy_only=False)
    distinct = encoded.dictionary.to_pylist()
    known = seg._kinds  # most tokens of a report were seen in earlier reports
    kinds_and_filters = [known.get(t) or seg._kind_and_keep(t) for t in distinct]
    kind_codes = np.array([kind_code[k] for k, _ in kinds_and_filters], dtype="int8")[index]
    keep = np.array([k for _, k in kinds_and_filters], dtype=bool)[index]
    if use_pos:
        keep = [bool(k) and f not in seg.drop_pos for k, f in zip(keep, flags, strict=True)]
    columns = {c: pa.array(np.asarray(ids[c], dtype="int64").repeat(counts)) for c in ids}
    columns.update({
        "token_no": pa.array(numbers, type=pa.int32()),
        "token": token_array,
        "kind": pa.DictionaryArray.from_arrays(pa.array(kind_codes), pa.array(_KINDS)),
        "keep": pa.array(keep, type=pa.bool_()),
    })
    if use_pos:
        columns["pos"] = pa.array(flags, type=pa.large_string())
    return pa.table(columns)


def _cache_path(seg: Segmenter, digest: str) -> Path:
    return seg.cache / "tokens" / f"{seg.key}-{_FORMAT}-{_code_digest()}" / f"{digest}.arrow"


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
    ``read_only=True`` returns None rather than segmenting when the cache lacks the report."""
    import numpy as np
    import pyarrow as pa

    texts = [str(t) for t in texts]
    # a DataFrame or a mapping of columns: plain int64 arrays from here on
    ids = {str(c): np.asarray(ids[c], dtype="int64") for c in ids}
    names = "|".join(ids)
    keys = np.column_stack(list(ids.values())).tolist() if ids else [[] for _ in texts]
    labels = [f"{names}\x01{tuple(key)}\x01" for key in keys]
    path = _cache_path(seg, text_digest([label + text for label, text in zip(labels, texts, strict=True)]))
    table = read_table(path) if cache else None
    if table is None:
        if read_only:
            return None
        table = _segment(texts, ids, seg)
        if cache:
            write_table(path, table)
    return table.add_column(0, "report_id", pa.repeat(pa.scalar(report_id, pa.large_string()), table.num_rows))


def to_frame(tables: Sequence[pa.Table], seg: Segmenter) -> pd.DataFrame:
    """One pandas token table from per-report Arrow tables (strings stay in Arrow memory)."""
    import pyarrow as pa

    table = pa.concat_tables(tables)
    # pandas keeps Arrow-backed strings as large_string: mapping those copies no text
    frame = table.to_pandas(types_mapper={pa.large_string(): pd.StringDtype("pyarrow")}.get)
    frame.attrs["segmenter"] = seg.key
    return frame


def token_table(paragraphs: pd.DataFrame, segmenter: Segmenter | None = None, *, cache: bool = True) -> pd.DataFrame:
    """Segment every paragraph once: one row per token, cached on disk per report.

    ``paragraphs`` is a paragraph table (``report_id``, ``part_no``, ``para_no``,
    ``text``); without ``report_id`` or ``para_no`` the rows count as one report
    numbered from 1. The default Segmenter is
    :func:`~miyun_text.segment.content_segmenter`, the one themes and keywords use.
    Rows follow the paragraph order, then token order.

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
    tables = [report_table(rows["text"].tolist(), rows[id_columns].astype("int64"), str(report_id), seg, cache=cache)
              for report_id, rows in frame.groupby("report_id", sort=False)]
    if not tables:
        import pyarrow as pa

        empty = _segment([], frame[id_columns].iloc[:0].astype("int64"), seg)
        tables = [empty.add_column(0, "report_id", pa.array([], type=pa.large_string()))]
    return to_frame(tables, seg)


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


def token_positions(paragraphs: pd.DataFrame, segmenter: Segmenter, tokens: pd.DataFrame, *,
                    kept: bool = True) -> tuple[np.ndarray, pd.Series]:
    """For each token of ``tokens`` in a paragraph of ``paragraphs``: that paragraph's row
    position, and the token (kept tokens only with ``kept=True``). Token order is kept.

    Tokens of paragraphs not in ``paragraphs`` are left out (a measure may look at a
    subset); a paragraph with text but no row in the table, or a table made with another
    Segmenter configuration, raises ``ValueError``: it would silently give other numbers.

    Example:
        >>> from miyun_text.segment import content_segmenter
        >>> paras = pd.DataFrame({"report_id": ["r", "r"], "para_no": [1, 2], "text": ["保水。", "守护密云水库。"]})
        >>> pos, words = token_positions(paras, content_segmenter(), token_table(paras))
        >>> pos.tolist(), words.tolist()
        ([0, 1, 1], ['保水', '守护', '密云水库'])
    """
    pos, words = _positions(paragraphs, segmenter, tokens, kept=kept)
    return pos, words.to_pandas(types_mapper={words.type: pd.StringDtype("pyarrow")}.get)


def _positions(paragraphs: pd.DataFrame, segmenter: Segmenter, tokens: pd.DataFrame, *,
               kept: bool = True) -> tuple[np.ndarray, pa.Array | pa.ChunkedArray]:
    """:func:`token_positions` with the tokens as an Arrow array (selected in Arrow, not pandas)."""
    import numpy as np
    import pyarrow as pa

    built_with = tokens.attrs.get("segmenter")
    if built_with is not None and built_with != segmenter.key:
        raise ValueError("the token table was built with another Segmenter configuration; build it with "
                         "token_table(paragraphs, segmenter) for the Segmenter this measure uses")
    frame = _with_ids(paragraphs)
    columns = _id_columns(frame)
    missing = [c for c in columns if c not in tokens.columns]
    if missing:
        raise ValueError(f"the token table lacks column(s) {missing}; build it from the same paragraphs")
    reports = pd.Index(pd.unique(frame["report_id"].astype(str)))
    frame_keys = _keys(frame, columns, reports)
    # A token table holds each paragraph's tokens together: paragraphs are looked up once
    # per run of tokens rather than once per token (millions of rows in a large corpus).
    starts, run_keys = _runs(tokens, columns, reports)
    run_pos = pd.Index(frame_keys).get_indexer(run_keys)
    rows = tokens["keep"].to_numpy(dtype=bool) if kept else np.ones(len(tokens), dtype=bool)
    per_run = np.add.reduceat(rows, starts) if len(starts) else np.zeros(0, dtype="int64")
    pos = np.repeat(run_pos, per_run)
    # every paragraph with text must have tokens in the table, kept or not
    present = np.isin(frame_keys, run_keys)
    texts = frame["text"].astype(str)
    absent = ~present & (texts.str.strip() != "").to_numpy()
    if absent.any():
        first = frame.loc[absent, columns].iloc[0].tolist()
        raise ValueError(f"the token table has no tokens for paragraph {first} ({', '.join(columns)}); "
                         "build it from the same paragraphs")
    # the token column selected in Arrow: masking a pandas column of millions of strings
    # costs far more than the counting that follows
    column = tokens["token"]
    # (chunks are kept: combining them would copy every string)
    words = column.array.__arrow_array__() if hasattr(column.array, "__arrow_array__") else pa.array(column)
    if not kept or not rows.all():
        words = words.filter(pa.array(rows))
    inside = pos >= 0
    if not inside.all():  # tokens of paragraphs the measure does not look at
        words = words.filter(pa.array(inside))
        pos = pos[inside]
    return pos, words


def _runs(tokens: pd.DataFrame, columns: list[str], reports: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of rows of one paragraph starts, and that paragraph's key (as in :func:`_keys`)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(tokens)
    if not n:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    change = np.zeros(n, dtype=bool)
    change[0] = True
    ids = pa.array(tokens["report_id"].astype("string[pyarrow]"))
    change[1:] |= pc.fill_null(pc.not_equal(ids[1:], ids[:-1]), True).to_numpy(zero_copy_only=False)
    numbers = {c: tokens[c].to_numpy(dtype="int64") for c in columns[1:]}
    for values in numbers.values():
        change[1:] |= values[1:] != values[:-1]
    starts = np.flatnonzero(change)
    head = {"report_id": ids.take(pa.array(starts)).to_pandas(), **{c: v[starts] for c, v in numbers.items()}}
    return starts, _keys(pd.DataFrame(head), columns, reports)


def _keys(frame: pd.DataFrame, columns: list[str], reports: pd.Index) -> np.ndarray:
    """One int64 per paragraph: report (as its position in ``reports``), part and paragraph number."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    report = pc.index_in(pa.array(frame["report_id"].astype("string[pyarrow]")), value_set=pa.array(reports))
    key = report.fill_null(-1).to_numpy(zero_copy_only=False).astype("int64") << 42
    for n, column in enumerate(reversed(columns[1:])):
        values = frame[column].to_numpy(dtype="int64")
        if len(values) and (values.min() < 0 or values.max() >= 1 << 21):
            raise ValueError(f"{column} must lie between 0 and {(1 << 21) - 1}")
        key |= values << (21 * n)
    return np.asarray(key)


def paragraph_tokens(paragraphs: pd.DataFrame, segmenter: Segmenter, tokens: pd.DataFrame | None = None,
                     *, kept: bool = True) -> list[list[str]]:
    """Tokens of each paragraph row, in row order: from ``tokens`` when given, else segmented now.

    With ``kept=True`` these are :meth:`Segmenter.tokenize`'s tokens, else :meth:`Segmenter.cut`'s.
    See :func:`token_positions` for the checks on ``tokens``.

    Example:
        >>> from miyun_text.segment import content_segmenter
        >>> paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["守护密云水库，发展乡村旅游。"]})
        >>> seg = content_segmenter()
        >>> paragraph_tokens(paras, seg, token_table(paras, seg)) == paragraph_tokens(paras, seg)
        True
    """
    import numpy as np

    if tokens is None:
        texts = paragraphs["text"].astype(str).tolist()
        return list(map(segmenter.tokenize if kept else segmenter.cut, texts))
    pos, words = token_positions(paragraphs, segmenter, tokens, kept=kept)
    order = np.argsort(pos, kind="stable")
    values = words.to_numpy(dtype=object)[order]
    bounds = np.searchsorted(pos[order], np.arange(len(paragraphs) + 1))
    return [values[a:b].tolist() for a, b in itertools.pairwise(bounds.tolist())]

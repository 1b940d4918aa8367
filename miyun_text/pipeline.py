"""The loading engine behind :func:`miyun_text.open_corpus`: report by report across processes.

:func:`load` gives what reading each raw file, :func:`~miyun_text.clean.clean_text`,
:func:`~miyun_text.structure.corpus_paragraphs` and
:func:`~miyun_text.tokens.token_table` give one after the other, with the same
values, but

* decodes, cleans, parses and segments each report in a worker process (``workers``,
  default every core), results returned in manifest order whatever order workers
  finish in;
* holds one report's intermediates at a time in each worker, which returns only the
  report's clean text, repair log, paragraphs and tokens, as Arrow tables (one
  pandas conversion for the whole corpus at the end rather than one per report);
* keeps two cache files per report: its *text* (clean text, encoding, repair log and
  paragraph table, keyed by the raw file's sha256, its errata rows, its manifest row
  and a digest of the cleaning and structure code and tables) and its *tokens*
  (:mod:`miyun_text.tokens`, keyed by the paragraph texts and the Segmenter
  configuration). A second run checks each raw file's sha256 and reads those two
  files in this process, without decoding, cleaning or starting worker processes;
  another Segmenter reuses the clean text and segments again.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from .cache import cache_dir, read_table, write_table
from .clean import REPAIR_COLUMNS, clean_steps, repair_frame
from .digest import code_digest, digest
from .errors import ArgumentError, MiyunTextError
from .grouping import panel_values, report_label
from .manifest import read_errata, read_manifest
from .paths import RESOURCES, find_data_dir
from .raw import checked_raw_path, read_raw
from .segment import Segmenter, content_segmenter
from .structure import corpus_paragraphs, paragraph_rows
from .tokens import Tokens, report_table, to_frame, token_table

__all__ = ["REPORT_COLUMNS", "Loaded", "Tables", "load", "load_tables"]

# The files whose content decides a clean text and its paragraphs: a change to any of
# them misses the cache.
_CLEAN_SOURCES = ("decode.py", "raw.py", "extract.py", "clean.py", "errata.py", "structure.py", "grouping.py",
                  "pipeline.py")
_CLEAN_TABLES = ("t2s_phrases.csv", "readings.csv")
# Bumped when the text cache's layout changes, so old files are not read.
_TEXT_FORMAT = "1"


@dataclass(frozen=True)
class Loaded:
    """What :func:`load` returns: reports (one row each), paragraphs, the repair log, and the
    token table (None when tokens were not asked for)."""

    reports: pd.DataFrame
    paragraphs: pd.DataFrame
    repairs: pd.DataFrame
    tokens: Tokens | None


@dataclass(frozen=True)
class Tables:
    """What the former ``load_tables`` returned: reports, paragraphs and tokens."""

    corpus: pd.DataFrame
    paragraphs: pd.DataFrame
    tokens: Tokens


@lru_cache(maxsize=1)
def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    # OpenCC's own tables decide the Traditional-to-Simplified step; the extractors and the
    # encoding detector decide the text of pages, PDFs and Word files; pandas and pyarrow
    # write the cached tables
    return code_digest([*(here / name for name in _CLEAN_SOURCES), *(RESOURCES / name for name in _CLEAN_TABLES)],
                       ["opencc", "trafilatura", "pypdf", "python-docx", "charset-normalizer", "pandas", "pyarrow"])


def _text_path(folder: Path, record: dict, errata: pd.DataFrame | None, strict: bool) -> Path:
    """Where a report's text cache lives: keyed by every input that decides it."""
    rows = errata.to_csv(index=False) if errata is not None and len(errata) else ""
    key = digest(f"{_TEXT_FORMAT}\n{strict}\n{_code_digest()}\n{sorted(record.items())!r}\n", rows)
    return folder / "text" / f"{key}.arrow"


@lru_cache(maxsize=1)
def _paragraph_schema() -> pa.Schema:
    """The Arrow schema of a paragraph table (with pandas' dtypes in its metadata)."""
    example = pd.DataFrame([{"report_id": "r", "year": 2024, "region": "区", "level": "区",
                             "text": "一、2023年工作回顾\n（一）保水\n保水。"}])
    return pa.Table.from_pandas(corpus_paragraphs(example), preserve_index=False).schema


def _paragraph_table(record: dict, text: str) -> pa.Table:
    """:func:`~miyun_text.structure.corpus_paragraphs` of one report, built as an Arrow table
    straight from the parsed rows (a pandas frame per report costs more than the parsing)."""
    schema = _paragraph_schema()
    rows = paragraph_rows(text, str(record["report_id"]), int(record["year"]))
    panel = panel_values(record)
    n = len(rows)
    columns = {name: [row[name] for row in rows] if rows else [] for name in schema.names if name not in panel}
    del rows  # the row dicts go before the Arrow copy is made: a long report holds tens of thousands
    columns.update({name: [value] * n for name, value in panel.items()})
    # column by column, each Python list let go once converted: never all of both at once
    arrays = [pa.array(columns.pop(name), type=schema.field(name).type) for name in schema.names]
    return pa.Table.from_arrays(arrays, schema=schema)


def _repair_table(repairs: list) -> pa.Table:
    """A report's repair log (:class:`~miyun_text.clean.Repair` rows) as an Arrow table."""
    return pa.table({column: pa.array([getattr(r, column) for r in repairs],
                                      type=pa.int64() if column.endswith("offset") else pa.string())
                     for column in REPAIR_COLUMNS})


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _write_text(path: Path, text: str, repairs: pa.Table, paragraphs: pa.Table, encoding: str,
                extraction: str) -> None:
    """One Arrow file: the paragraph table, with the clean text and repair log in its metadata.

    Uncompressed: Chinese text shrinks by a sixth under LZ4, and compressing it took most
    of the time of writing the file (about 3 ms a report against under 1 ms).
    """
    write_table(path, paragraphs.replace_schema_metadata({
        **(paragraphs.schema.metadata or {}),
        b"miyun_text": text.encode("utf-8"),
        b"encoding": encoding.encode("utf-8"),
        b"extraction": extraction.encode("utf-8"),
        b"repairs": _ipc_bytes(repairs),
    }), compression="uncompressed")


def _read_text(path: Path) -> tuple | None:
    """(text, repairs, paragraphs, encoding, extraction) from a text cache file, or None when
    absent or unreadable (then the report is cleaned again)."""
    table = read_table(path)
    meta = table.schema.metadata if table is not None else None
    if table is None or not meta or b"repairs" not in meta:
        return None
    try:
        repairs = pa.ipc.open_stream(meta[b"repairs"]).read_all()
    except (OSError, ValueError, pa.ArrowInvalid):
        return None
    keep = {k: v for k, v in meta.items() if k not in (b"miyun_text", b"encoding", b"extraction", b"repairs")}
    return (meta[b"miyun_text"].decode("utf-8"), repairs, table.replace_schema_metadata(keep),
            meta[b"encoding"].decode("utf-8"), meta[b"extraction"].decode("utf-8"))


def _token_inputs(paragraphs: pa.Table) -> tuple[list[str], dict]:
    """The paragraph texts and id columns (``part_no``, ``para_no``) the token table is keyed by."""
    return (paragraphs.column("text").to_pylist(),
            {c: paragraphs.column(c).to_numpy() for c in ("part_no", "para_no")})


# What every job of one load shares, set once per worker process rather than sent per job.
_SHARED: dict[str, Any] = {}


def _share(seg: Segmenter | None, cache: bool, strict: bool, errata_columns: list[str]) -> None:
    _SHARED.update(seg=seg, cache=cache, strict=strict,
                   no_errata=pd.DataFrame({c: pd.Series(dtype="object") for c in errata_columns}))


def _one_report(job: tuple) -> tuple:
    """Decode, clean, parse and segment one report (runs in a worker process); Arrow tables travel back."""
    record, raw_path, errata, text_path = job
    seg, cache, strict = _SHARED["seg"], _SHARED["cache"], _SHARED["strict"]
    hit = _read_text(text_path) if text_path is not None else None
    if hit is None:
        raw = read_raw(raw_path)
        rows = errata if errata is not None else _SHARED["no_errata"]
        text, repairs = clean_steps(raw.text, rows, record["report_id"], strict)
        encoding, extraction = raw.encoding, raw.extraction
        del raw  # the raw text is not needed past cleaning (a long one would stay through parsing)
        hit = (text, _repair_table(repairs), _paragraph_table(record, text), encoding, extraction)
        if text_path is not None:
            _write_text(text_path, *hit)
    text, repairs, paragraphs, encoding, extraction = hit
    if seg is None:
        return text, repairs, paragraphs, None, encoding, extraction
    tokens = report_table(*_token_inputs(paragraphs), record["report_id"], seg, cache=cache)
    assert tokens is not None
    return text, repairs, paragraphs, tokens, encoding, extraction


_BATCH = 4  # reports per job sent to a worker


def _reports(jobs: list[tuple]) -> list[tuple]:
    """:func:`_one_report` of a few reports (one job of a worker), each token table packed
    for the journey (:func:`_pack_ids`)."""
    results = [_one_report(job) for job in jobs]
    return [r if r[3] is None else (*r[:3], _pack_ids(r[3]), *r[4:]) for r in results]


# The token table's paragraph id columns: each holds one value per paragraph, repeated for
# every token of it.
_ID_COLUMNS = ("part_no", "para_no")


def _pack_ids(tokens: pa.Table) -> tuple[pa.Table, dict[str, np.ndarray], np.ndarray]:
    """A report's token table as it travels from a worker: without ``report_id`` (put back where
    the results arrive), the paragraph id columns as one value per run of tokens, no
    ``token_no`` (it counts from 1 in each run) and 32-bit string offsets.

    Pickled whole, those columns took half of the bytes each report sends to the calling
    process, and sending them costs time at both ends. :func:`_unpack_ids` restores the table.
    """
    ids = [c for c in _ID_COLUMNS if c in tokens.column_names]
    values = {c: tokens.column(c).to_numpy() for c in ids}
    change = np.ones(tokens.num_rows, dtype=bool)
    if tokens.num_rows:
        # a run is one paragraph's tokens: its ids change, or its numbering starts again
        change[1:] = np.logical_or.reduce([v[1:] != v[:-1] for v in values.values()]
                                          + [tokens.column("token_no").to_numpy()[1:] == 1])
    starts = np.flatnonzero(change)
    lengths = np.diff(np.append(starts, tokens.num_rows))
    slim = tokens.drop_columns(["report_id", *ids, "token_no"])
    slim = slim.set_column(slim.column_names.index("token"), "token", slim.column("token").cast(pa.string()))
    return slim, {c: v[starts] for c, v in values.items()}, lengths


def _unpack_ids(packed: tuple[pa.Table, dict[str, np.ndarray], np.ndarray]) -> pa.Table:
    """The token table :func:`_pack_ids` packed, every column back in its place and type."""
    table, runs, lengths = packed
    n = int(lengths.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    table = table.set_column(table.column_names.index("token"), "token", table.column("token").cast(pa.large_string()))
    table = table.add_column(0, "token_no", pa.array((np.arange(n) - starts + 1).astype("int32")))
    for i, (name, values) in enumerate(runs.items()):
        table = table.add_column(i, name, pa.array(np.repeat(values, lengths)))
    return table


def _cached_report(record: dict, text_path: Path, seg: Segmenter | None) -> tuple | None:
    """A report wholly from the cache (text, and tokens when ``seg`` is given), or None when
    something is missing."""
    hit = _read_text(text_path)
    if hit is None:
        return None
    text, repairs, paragraphs, encoding, extraction = hit
    if seg is None:
        return text, repairs, paragraphs, None, encoding, extraction
    tokens = report_table(*_token_inputs(paragraphs), record["report_id"], seg, cache=True, read_only=True)
    return None if tokens is None else (text, repairs, paragraphs, tokens, encoding, extraction)


REPORT_COLUMNS = ["label", "encoding", "extraction", "text", "n_repairs"]
CACHED_REPORT_BYTES = 4 * 2**20  # raw files up to this size have their clean text cached (a report is ~0.1 MB)


def load(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    report_ids: Iterable[str] | None = None,
    segmenter: Segmenter | None = None,
    tokens: bool = True,
    workers: int | None = None,
    strict: bool = True,
    cache: bool = True,
    progress: bool = False,
) -> Loaded:
    """Load, clean, parse and (with ``tokens``) segment the reports of the manifest, in parallel and cached.

    ``reports`` holds the manifest columns plus :data:`REPORT_COLUMNS` (``label`` such as
    ``密云区 2024``, the detected ``encoding``, ``extraction``, the clean ``text`` and
    ``n_repairs``); ``paragraphs`` equals :func:`~miyun_text.structure.corpus_paragraphs`
    of it, ``repairs`` is the repair log (``report_id`` and the columns of
    :data:`~miyun_text.clean.REPAIR_COLUMNS`), and ``tokens`` equals
    :func:`~miyun_text.tokens.token_table` of the paragraphs with ``segmenter`` (default
    :func:`~miyun_text.segment.content_segmenter`). ``report_ids`` loads those reports
    only (the whole manifest and errata are still validated). ``workers=1`` runs in this
    process; ``cache=False`` neither reads nor writes the clean-text and token caches.

    Example:
        >>> loaded = load(workers=1)  # doctest: +SKIP
        >>> loaded.tokens.frame.columns.tolist()[:6]  # doctest: +SKIP
        ['report_id', 'part_no', 'para_no', 'token_no', 'token', 'kind']
    """
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    manifest = read_manifest(folder)
    # the manifest's place names stay whole, whichever of its reports are loaded
    seg = (segmenter or content_segmenter(manifest)) if tokens else None
    # the manifest and the errata are validated before any raw file is opened
    errata = read_errata(folder, manifest["report_id"])
    if report_ids is not None:
        wanted = list(dict.fromkeys(report_ids))
        unknown = [r for r in wanted if r not in set(manifest["report_id"])]
        if unknown:
            raise ArgumentError(f"unknown report id(s) {unknown}; {folder / 'reports.csv'} lists: "
                                f"{', '.join(manifest['report_id'])}")
        manifest = manifest[manifest["report_id"].isin(wanted)].reset_index(drop=True)
    folder_cache = cache_dir() if cache else None
    # positions rather than a mask per report: the same rows, index and attrs, in one pass
    positions = errata.groupby("report_id", sort=False).indices if len(errata) else {}

    # Every raw file's sha256 is checked here, in manifest order; a report whose text (and
    # tokens) are cached is read here, the others go to the workers. A bad file stops the
    # scan, but the reports before it are processed first, so the first error in manifest
    # order is raised. A report without a text cache file goes to the workers as soon as it
    # is checked, so they start while the scan goes on.
    shared = (seg, cache, strict, list(errata.columns))
    records = manifest.to_dict("records")
    parallel = (workers or os.cpu_count() or 1) > 1 and len(records) > 1
    checked: list[tuple] = []
    sent: list[tuple[list[int], Future]] = []
    batch: list[int] = []
    failure: MiyunTextError | None = None
    with ExitStack() as stack:
        processes: ProcessPoolExecutor | None = None

        def send(indices: list[int]) -> None:
            nonlocal processes
            if processes is None:
                n_workers = max(1, min(workers or os.cpu_count() or 1, len(records) - indices[0]))
                processes = stack.enter_context(ProcessPoolExecutor(max_workers=n_workers, initializer=_share,
                                                                    initargs=shared))
            # a few reports a job keep the workers busy without holding the corpus in flight
            sent.append((indices, processes.submit(_reports, [checked[n] for n in indices])))

        for record in records:
            rows = errata.iloc[positions[record["report_id"]]] if record["report_id"] in positions else None
            try:
                raw_path = checked_raw_path(folder, record["report_id"], record["raw_sha256"])
            except MiyunTextError as err:
                failure = err
                break
            # a report far longer than any real one is cleaned again each time rather than cached:
            # its cache file would cost its size in memory several times over while being written
            cached = folder_cache is not None and raw_path.stat().st_size <= CACHED_REPORT_BYTES
            text_path = _text_path(folder_cache, record, rows, strict) if folder_cache is not None and cached else None
            checked.append((record, raw_path, rows, text_path))
            if parallel and (text_path is None or not text_path.is_file()):
                batch.append(len(checked) - 1)
                if len(batch) == _BATCH:
                    send(batch)
                    batch = []
        results: list[tuple | None] = [None] * len(checked)
        early = {n for indices, _ in sent for n in indices} | set(batch)
        probe = [n for n in range(len(checked)) if n not in early and checked[n][3] is not None]
        if probe:
            # Arrow reads and decompresses files without holding the GIL: threads read the
            # cache files of many reports at once
            with ThreadPoolExecutor(max_workers=min(len(probe), os.cpu_count() or 1)) as threads:
                for n, hit in zip(probe, threads.map(lambda n: _cached_report(checked[n][0], checked[n][3], seg),
                                                     probe), strict=True):
                    results[n] = hit
        late = [n for n in range(len(checked)) if results[n] is None and n not in early]
        bar = tqdm(total=len(early) + len(late), desc="reports", unit="report",
                   disable=not progress or not (early or late))
        if parallel:
            rest = sorted(batch + late)
            for k in range(0, len(rest), _BATCH):
                send(rest[k : k + _BATCH])
            for indices, future in sent:
                for n, result in zip(indices, future.result(), strict=True):
                    results[n] = result if result[3] is None else (*result[:3], _unpack_ids(result[3]), *result[4:])
                bar.update(len(indices))
        else:
            _share(*shared)
            for n in late:
                results[n] = _one_report(checked[n])
                bar.update()
        bar.close()
    if failure is not None:
        raise failure
    found = [r for r in results if r is not None]

    reports = manifest.copy()
    reports["label"] = [report_label(r["region"], r["year"], r["report_id"]) for r in manifest.to_dict("records")]
    reports["encoding"] = [r[4] for r in found]
    reports["extraction"] = [r[5] for r in found]
    reports["text"] = [r[0] for r in found]
    reports["n_repairs"] = pd.Series([r[1].num_rows for r in found], dtype="int64")
    empty_log = repair_frame([])
    empty_log.insert(0, "report_id", pd.Series(dtype="object"))
    if found:
        # one conversion to pandas for the whole log rather than one per report
        log = pa.concat_tables([r[1] for r in found]).to_pandas()
        log.insert(0, "report_id", np.repeat(reports["report_id"].to_numpy(dtype=object),
                                             reports["n_repairs"].to_numpy()))
        repairs = log.astype(empty_log.dtypes.to_dict())
        paragraphs = pa.concat_tables([r[2] for r in found]).to_pandas()
    else:
        repairs = empty_log
        paragraphs = corpus_paragraphs(reports)
    token_frame = None
    if seg is not None:
        if found:
            token_frame = Tokens(to_frame([r[3] for r in found], reports["report_id"].tolist()), seg)
        else:
            token_frame = token_table(paragraphs, seg, cache=False)
    return Loaded(reports, paragraphs, repairs[["report_id", *REPAIR_COLUMNS]], token_frame)


def load_tables(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    segmenter: Segmenter | None = None,
    workers: int | None = None,
    strict: bool = True,
    cache: bool = True,
) -> Tables:
    """Deprecated: use :func:`miyun_text.open_corpus`, whose Corpus holds the same tables.

    Returns ``Tables(corpus, paragraphs, tokens)``: the reports, their paragraphs and their
    :class:`~miyun_text.tokens.Tokens`.

    Example:
        >>> tables = load_tables(workers=1)  # doctest: +SKIP
    """
    warnings.warn("load_tables is deprecated; use miyun_text.open_corpus(), whose Corpus holds reports, "
                  "paragraphs, repairs and tokens", DeprecationWarning, stacklevel=2)
    loaded = load(data_dir, segmenter=segmenter, workers=workers, strict=strict, cache=cache)
    assert loaded.tokens is not None
    return Tables(loaded.reports, loaded.paragraphs, loaded.tokens)

"""A corpus in one call, report by report across processes: clean text, paragraphs, tokens.

:func:`load_tables` gives what :func:`~miyun_text.corpus.load_corpus`,
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
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .cache import cache_dir, read_table, write_table
from .clean import clean_steps
from .digest import code_digest, digest
from .grouping import panel_values
from .paths import RESOURCES, find_data_dir
from .raw import checked_raw_path, read_raw
from .segment import Segmenter
from .structure import paragraph_rows

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Tables", "load_tables"]

# The files whose content decides a clean text and its paragraphs: a change to any of
# them misses the cache.
_CLEAN_SOURCES = ("decode.py", "raw.py", "extract.py", "clean.py", "errata.py", "structure.py", "grouping.py",
                  "pipeline.py")
_CLEAN_TABLES = ("t2s_phrases.csv", "readings.csv")
# Bumped when the text cache's layout changes, so old files are not read.
_TEXT_FORMAT = "1"


@dataclass(frozen=True)
class Tables:
    """A loaded corpus: one row per report, per paragraph and per token."""

    corpus: pd.DataFrame
    paragraphs: pd.DataFrame
    tokens: pd.DataFrame


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
def _paragraph_schema():
    """The Arrow schema of a paragraph table (with pandas' dtypes in its metadata)."""
    import pyarrow as pa

    from .structure import corpus_paragraphs

    example = pd.DataFrame([{"report_id": "r", "year": 2024, "region": "区", "level": "区",
                             "text": "一、2023年工作回顾\n（一）保水\n保水。"}])
    return pa.Table.from_pandas(corpus_paragraphs(example), preserve_index=False).schema


def _paragraph_table(record: dict, text: str):
    """:func:`~miyun_text.structure.corpus_paragraphs` of one report, built as an Arrow table
    straight from the parsed rows (a pandas frame per report costs more than the parsing)."""
    import pyarrow as pa


    schema = _paragraph_schema()
    rows = paragraph_rows(text, str(record["report_id"]), int(record["year"]))
    panel = panel_values(record)
    columns = {name: [row[name] for row in rows] if rows else [] for name in schema.names if name not in panel}
    columns.update({name: [value] * len(rows) for name, value in panel.items()})
    return pa.Table.from_pydict({name: columns[name] for name in schema.names}, schema=schema)


def _repair_table(repairs: list) -> pa.Table:
    """A report's repair log (:class:`~miyun_text.clean.Repair` rows) as an Arrow table."""
    import pyarrow as pa

    from .clean import REPAIR_COLUMNS

    return pa.table({column: pa.array([getattr(r, column) for r in repairs],
                                      type=pa.int64() if column.endswith("offset") else pa.string())
                     for column in REPAIR_COLUMNS})


def _ipc_bytes(table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _write_text(path: Path, text: str, repairs, paragraphs, encoding: str, extraction: str) -> None:
    """One Arrow file: the paragraph table, with the clean text and repair log in its metadata."""
    write_table(path, paragraphs.replace_schema_metadata({
        **(paragraphs.schema.metadata or {}),
        b"miyun_text": text.encode("utf-8"),
        b"encoding": encoding.encode("utf-8"),
        b"extraction": extraction.encode("utf-8"),
        b"repairs": _ipc_bytes(repairs),
    }))


def _read_text(path: Path) -> tuple | None:
    """(text, repairs, paragraphs, encoding, extraction) from a text cache file, or None when
    absent or unreadable (then the report is cleaned again)."""
    import pyarrow as pa

    table = read_table(path)
    meta = table.schema.metadata if table is not None else None
    if not meta or b"repairs" not in meta:
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
_SHARED: dict[str, object] = {}


def _share(seg: Segmenter, cache: bool, strict: bool, errata_columns: list[str]) -> None:
    _SHARED.update(seg=seg, cache=cache, strict=strict,
                   no_errata=pd.DataFrame({c: pd.Series(dtype="object") for c in errata_columns}))


def _one_report(job: tuple):
    """Decode, clean, parse and segment one report (runs in a worker process); Arrow tables travel back."""
    from .tokens import report_table

    record, raw_path, errata, text_path = job
    seg, cache, strict = _SHARED["seg"], _SHARED["cache"], _SHARED["strict"]
    hit = _read_text(text_path) if text_path is not None else None
    if hit is None:
        raw = read_raw(raw_path)
        rows = errata if errata is not None else _SHARED["no_errata"]
        text, repairs = clean_steps(raw.text, rows, record["report_id"], strict)
        hit = (text, _repair_table(repairs), _paragraph_table(record, text), raw.encoding, raw.extraction)
        if text_path is not None:
            _write_text(text_path, *hit)
    text, repairs, paragraphs, encoding, extraction = hit
    tokens = report_table(*_token_inputs(paragraphs), record["report_id"], seg, cache=cache)
    # the report id column is the one value repeated: it is put back where the results arrive
    return text, repairs, paragraphs, tokens.drop_columns(["report_id"]), encoding, extraction


def _with_report_id(tokens: pa.Table, report_id: str) -> pa.Table:
    """A report's token table with its ``report_id`` column first (added where it is missing)."""
    import pyarrow as pa

    if "report_id" in tokens.column_names:
        return tokens
    return tokens.add_column(0, "report_id", pa.repeat(pa.scalar(report_id, pa.large_string()), tokens.num_rows))


def _cached_report(record: dict, text_path: Path, seg: Segmenter) -> tuple | None:
    """A report wholly from the cache (text and tokens), or None when either is missing."""
    from .tokens import report_table

    hit = _read_text(text_path)
    if hit is None:
        return None
    text, repairs, paragraphs, encoding, extraction = hit
    tokens = report_table(*_token_inputs(paragraphs), record["report_id"], seg, cache=True, read_only=True)
    return None if tokens is None else (text, repairs, paragraphs, tokens, encoding, extraction)


def load_tables(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    segmenter: Segmenter | None = None,
    workers: int | None = None,
    strict: bool = True,
    cache: bool = True,
) -> Tables:
    """Load, clean, parse and segment every report of the manifest, in parallel and cached.

    ``corpus`` equals :func:`~miyun_text.corpus.load_corpus` (repair log in
    ``.attrs["repairs"]``), ``paragraphs`` equals
    :func:`~miyun_text.structure.corpus_paragraphs` of it, and ``tokens`` equals
    :func:`~miyun_text.tokens.token_table` of those paragraphs with ``segmenter``
    (default :func:`~miyun_text.segment.content_segmenter`). ``workers=1`` runs in
    this process; ``cache=False`` neither reads nor writes the clean-text and token caches.

    Example:
        >>> tables = load_tables(workers=1)  # doctest: +SKIP
        >>> tables.tokens.columns.tolist()  # doctest: +SKIP
        ['report_id', 'para_no', 'token_no', 'token', 'kind', 'keep']
    """
    from .errors import MiyunTextError
    from .manifest import read_errata, read_manifest
    from .segment import content_segmenter

    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    seg = segmenter or content_segmenter()
    manifest = read_manifest(folder)
    # the manifest and the errata are validated before any raw file is opened, as in load_corpus
    errata = read_errata(folder)
    folder_cache = cache_dir() if cache else None
    # positions rather than a mask per report: the same rows, index and attrs, in one pass
    positions = errata.groupby("report_id", sort=False).indices if len(errata) else {}

    # Every raw file's sha256 is checked here, in manifest order; a report whose text and
    # tokens are cached is read here, the others go to the workers. A bad file stops the
    # scan, but the reports before it are processed first, so the first error in manifest
    # order is raised.
    checked: list[tuple] = []
    failure: MiyunTextError | None = None
    for record in manifest.to_dict("records"):
        rows = errata.iloc[positions[record["report_id"]]] if record["report_id"] in positions else None
        try:
            raw_path = checked_raw_path(folder, record["report_id"], record["raw_sha256"])
        except MiyunTextError as err:
            failure = err
            break
        text_path = _text_path(folder_cache, record, rows, strict) if folder_cache is not None else None
        checked.append((record, raw_path, rows, text_path))
    results: list[tuple | None] = [None] * len(checked)
    if folder_cache is not None and checked:
        # Arrow reads and decompresses files without holding the GIL: threads read the
        # cache files of many reports at once
        with ThreadPoolExecutor(max_workers=min(len(checked), os.cpu_count() or 1)) as pool:
            results = list(pool.map(lambda job: _cached_report(job[0], job[3], seg), checked))
    jobs = [(n, job) for n, (job, hit) in enumerate(zip(checked, results, strict=True)) if hit is None]

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    shared = (seg, cache, strict, list(errata.columns))
    if n_workers == 1:
        _share(*shared)
        done = [_one_report(job) for _, job in jobs]
    else:
        # map keeps manifest order; chunks of a few reports keep the workers busy without
        # holding the whole corpus in flight
        with ProcessPoolExecutor(max_workers=n_workers, initializer=_share, initargs=shared) as pool:
            done = list(pool.map(_one_report, [job for _, job in jobs], chunksize=4))
    for (index, _), result in zip(jobs, done, strict=True):
        results[index] = result
    if failure is not None:
        raise failure

    corpus = manifest.copy()
    corpus["encoding"] = [r[4] for r in results]
    corpus["extraction"] = [r[5] for r in results]
    corpus["text"] = [r[0] for r in results]
    corpus["n_repairs"] = [len(r[1]) for r in results]
    if results:
        import numpy as np
        import pyarrow as pa

        # one conversion to pandas for the whole log rather than one per report
        log = pa.concat_tables([r[1] for r in results]).to_pandas()
        log.insert(0, "report_id", np.repeat(corpus["report_id"].to_numpy(dtype=object),
                                             corpus["n_repairs"].to_numpy()))
        corpus.attrs["repairs"] = log
    else:
        corpus.attrs["repairs"] = pd.DataFrame()
    if results:
        import pyarrow as pa

        from .tokens import to_frame

        paragraphs = pa.concat_tables([r[2] for r in results]).to_pandas()
        tokens = to_frame([_with_report_id(r[3], report_id) for r, report_id in zip(results, corpus["report_id"],
                                                                                   strict=True)], seg)
    else:
        from .structure import corpus_paragraphs
        from .tokens import token_table

        paragraphs = corpus_paragraphs(corpus)
        tokens = token_table(paragraphs, seg, cache=False)
    return Tables(corpus, paragraphs, tokens)

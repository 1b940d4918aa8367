"""A corpus in one call, report by report across processes: clean text, paragraphs, tokens.

:func:`load_tables` gives what :func:`~miyun_text.corpus.load_corpus`,
:func:`~miyun_text.structure.corpus_paragraphs` and
:func:`~miyun_text.tokens.token_table` give one after the other, with the same
values, but

* cleans, parses and segments each report in a worker process (``workers``, default
  every core), results returned in manifest order whatever order workers finish in;
* holds one report's intermediates at a time in each worker: a worker returns only the
  report's clean text, repair log, paragraphs and tokens;
* reuses the clean text of a raw file that has not changed (cached by the raw file's
  sha256, its errata rows and a digest of the cleaning code and tables) and the
  tokens of a text already segmented with the same Segmenter configuration.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .paths import RESOURCES, cache_dir, find_data_dir
from .segment import Segmenter

__all__ = ["Tables", "load_tables"]

# The files whose content decides a clean text: a change to any of them misses the cache.
_CLEAN_SOURCES = ("corpus.py", "clean.py", "errata.py", "extract.py")
_CLEAN_TABLES = ("t2s_phrases.csv", "readings.csv")


@dataclass(frozen=True)
class Tables:
    """A loaded corpus: one row per report, per paragraph and per token."""

    corpus: pd.DataFrame
    paragraphs: pd.DataFrame
    tokens: pd.DataFrame


@lru_cache(maxsize=1)
def _code_digest() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [*(here / name for name in _CLEAN_SOURCES), *(RESOURCES / name for name in _CLEAN_TABLES)]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    # OpenCC's own tables decide the Traditional-to-Simplified step
    digest.update(_version("opencc").encode())
    return digest.hexdigest()[:20]


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "-"


def _clean_key(raw_sha256: str, errata: pd.DataFrame, strict: bool) -> str:
    digest = hashlib.sha256()
    digest.update(f"{raw_sha256}\n{strict}\n{_code_digest()}\n".encode())
    digest.update(errata.to_csv(index=False).encode())
    return digest.hexdigest()


def _cached_clean(raw_text: str, raw_sha256: str, report_id: str, errata: pd.DataFrame, strict: bool,
                  folder: Path | None) -> tuple[str, pd.DataFrame]:
    import pyarrow as pa

    from .clean import clean_text
    from .tokens import _read, _write

    path = folder / f"{_clean_key(raw_sha256, errata, strict)}.arrow" if folder is not None else None
    table = _read(path) if path is not None else None
    if table is not None and b"miyun_text" in (table.schema.metadata or {}):
        return table.schema.metadata[b"miyun_text"].decode("utf-8"), table.to_pandas()
    cleaned = clean_text(raw_text, errata=errata, report_id=report_id, strict=strict)
    if path is not None:
        table = pa.Table.from_pandas(cleaned.repairs, preserve_index=False)
        _write(path, table.replace_schema_metadata({**(table.schema.metadata or {}),
                                                    b"miyun_text": cleaned.text.encode("utf-8")}))
    return cleaned.text, cleaned.repairs


def _cached_paragraphs(record: dict, text: str, folder: Path | None):
    """The report's paragraph table as an Arrow table, cached by its text and manifest row."""
    import pyarrow as pa

    from .structure import corpus_paragraphs
    from .tokens import _read, _write

    path = None
    if folder is not None:
        digest = hashlib.sha256()
        digest.update(f"{_structure_digest()}\n{sorted(record.items())!r}\n".encode())
        digest.update(text.encode("utf-8"))
        path = folder / f"{digest.hexdigest()}.arrow"
        table = _read(path)
        if table is not None:
            return table
    table = pa.Table.from_pandas(corpus_paragraphs(pd.DataFrame([{**record, "text": text}])), preserve_index=False)
    if path is not None:
        _write(path, table)
    return table


@lru_cache(maxsize=1)
def _structure_digest() -> str:
    here = Path(__file__).resolve().parent
    return hashlib.sha256((here / "structure.py").read_bytes()).hexdigest()[:20]


# What every job of one load shares, set once per worker process rather than sent per job.
_SHARED: dict[str, object] = {}


def _share(seg: Segmenter, folder: Path | None, cache: bool, strict: bool) -> None:
    _SHARED.update(seg=seg, folder=folder, cache=cache, strict=strict)


def _one_report(job: tuple):
    """Clean, parse and segment one report (runs in a worker process); Arrow tables travel back."""
    from .tokens import _id_columns, report_table

    record, raw_text, errata = job
    seg, folder, cache, strict = _SHARED["seg"], _SHARED["folder"], _SHARED["cache"], _SHARED["strict"]
    clean_folder = folder / "clean" if folder is not None else None
    text, repairs = _cached_clean(raw_text, record["raw_sha256"], record["report_id"], errata, strict, clean_folder)
    paragraphs = _cached_paragraphs(record, text, folder / "paragraphs" if folder is not None else None)
    columns = [c for c in _id_columns(pd.DataFrame(columns=paragraphs.column_names)) if c != "report_id"]
    ids = pd.DataFrame({c: paragraphs.column(c).to_numpy() for c in columns}, dtype="int64")
    texts = paragraphs.column("text").to_pylist()
    tokens = report_table(texts, ids, record["report_id"], seg, cache=cache)
    return text, repairs, paragraphs, tokens


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
    from .corpus import load_reports, read_errata
    from .segment import content_segmenter

    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    seg = segmenter or content_segmenter()
    reports = load_reports(folder)
    errata = read_errata(folder)
    folder_cache = cache_dir() if cache else None
    manifest_columns = [c for c in reports.columns if c not in ("raw_text", "raw_path")]

    def jobs():
        for record in reports.to_dict("records"):
            rows = errata[errata["report_id"] == record["report_id"]]
            yield {c: record[c] for c in manifest_columns}, record["raw_text"], rows

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(reports)))
    shared = (seg, folder_cache, cache, strict)
    if n_workers == 1:
        _share(*shared)
        results = list(map(_one_report, jobs()))
    else:
        # map keeps manifest order; chunks of a few reports keep the workers busy without
        # holding the whole corpus in flight
        with ProcessPoolExecutor(max_workers=n_workers, initializer=_share, initargs=shared) as pool:
            results = list(pool.map(_one_report, jobs(), chunksize=4))
    corpus = reports.drop(columns=["raw_text", "raw_path"]).copy()
    corpus["text"] = [text for text, _, _, _ in results]
    corpus["n_repairs"] = [len(repairs) for _, repairs, _, _ in results]
    logs = []
    for record, (_, repairs, _, _) in zip(corpus.itertuples(index=False), results, strict=True):
        log = repairs.copy()
        log.insert(0, "report_id", record.report_id)
        logs.append(log)
    corpus.attrs["repairs"] = pd.concat(logs, ignore_index=True) if logs else pd.DataFrame()
    if results:
        import pyarrow as pa

        from .tokens import to_frame

        paragraphs = pa.concat_tables([p for _, _, p, _ in results]).to_pandas()
        tokens = to_frame([t for _, _, _, t in results], seg)
    else:
        from .structure import corpus_paragraphs
        from .tokens import token_table

        paragraphs = corpus_paragraphs(corpus)
        tokens = token_table(paragraphs, seg, cache=False)
    return Tables(corpus, paragraphs, tokens)

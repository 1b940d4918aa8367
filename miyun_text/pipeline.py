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
import io
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
_CLEAN_SOURCES = ("clean.py", "errata.py", "extract.py")
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
    return digest.hexdigest()[:20]


def _clean_key(raw_sha256: str, errata: pd.DataFrame, strict: bool) -> str:
    digest = hashlib.sha256()
    digest.update(f"{raw_sha256}\n{strict}\n{_code_digest()}\n".encode())
    digest.update(errata.to_csv(index=False).encode())
    return digest.hexdigest()


def _cached_clean(raw_text: str, raw_sha256: str, report_id: str, errata: pd.DataFrame, strict: bool,
                  folder: Path | None) -> tuple[str, pd.DataFrame]:
    from .clean import clean_text
    from .io import write_bytes_atomic

    path = folder / f"{_clean_key(raw_sha256, errata, strict)}.parquet" if folder is not None else None
    if path is not None and path.exists():
        try:
            import pyarrow.parquet as pq

            table = pq.read_table(path)
            text = table.schema.metadata[b"miyun_text"].decode("utf-8")
            return text, table.to_pandas()
        except (OSError, ValueError, KeyError):
            pass  # unreadable: clean again and rewrite it
    cleaned = clean_text(raw_text, errata=errata, report_id=report_id, strict=strict)
    if path is not None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(cleaned.repairs, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               b"miyun_text": cleaned.text.encode("utf-8")})
        buffer = io.BytesIO()
        pq.write_table(table, buffer, compression="zstd")
        write_bytes_atomic(path, buffer.getvalue())
    return cleaned.text, cleaned.repairs


def _one_report(job: tuple) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Clean, parse and segment one report (runs in a worker process)."""
    from .structure import corpus_paragraphs
    from .tokens import token_table

    record, raw_text, errata, strict, seg, clean_folder, cache = job
    text, repairs = _cached_clean(raw_text, record["raw_sha256"], record["report_id"], errata, strict, clean_folder)
    row = pd.DataFrame([{**record, "text": text}])
    paragraphs = corpus_paragraphs(row)
    tokens = token_table(paragraphs, seg, cache=cache)
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
    clean_folder = cache_dir() / "clean" if cache else None
    manifest_columns = [c for c in reports.columns if c not in ("raw_text", "raw_path")]

    def jobs():
        for record in reports.to_dict("records"):
            rows = errata[errata["report_id"] == record["report_id"]]
            yield ({c: record[c] for c in manifest_columns}, record["raw_text"], rows, strict, seg,
                   clean_folder, cache)

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(reports)))
    if n_workers == 1:
        results = list(map(_one_report, jobs()))
    else:
        # map keeps manifest order; chunks of a few reports keep the workers busy without
        # holding the whole corpus in flight
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
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
        paragraphs = pd.concat([p for _, _, p, _ in results], ignore_index=True)
        tokens = pd.concat([t for _, _, _, t in results], ignore_index=True)
    else:
        from .structure import corpus_paragraphs
        from .tokens import token_table

        paragraphs = corpus_paragraphs(corpus)
        tokens = token_table(paragraphs, seg, cache=False)
    tokens.attrs["segmenter"] = seg.key
    return Tables(corpus, paragraphs, tokens)

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
  tokens of a text already segmented with the same Segmenter configuration;
* keeps, besides those, one file per report holding everything the report contributes
  (clean text, encoding, repair log, paragraphs, tokens), keyed by all of the above
  and the manifest row: a second run checks each raw file's sha256 and reads that one
  file, in this process, without decoding, cleaning or starting worker processes.
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
    # most reports have no errata rows: their header alone is written without pandas' CSV writer
    rows = errata.to_csv(index=False) if len(errata) else ",".join(map(str, errata.columns)) + "\n"
    digest.update(rows.encode())
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


# Bumped when the per-report bundle's layout changes, so old bundles are not read.
_BUNDLE_FORMAT = "1"


@lru_cache(maxsize=1)
def _bundle_code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("pipeline.py", "tokens.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:20]


def _bundle_path(folder: Path, record: dict, errata: pd.DataFrame, strict: bool, seg: Segmenter) -> Path:
    """Where one report's bundle lives: keyed by every input that decides its contents."""
    from .tokens import _FORMAT

    digest = hashlib.sha256()
    digest.update(f"{_clean_key(record['raw_sha256'], errata, strict)}\n{_structure_digest()}\n".encode())
    digest.update(f"{sorted(record.items())!r}\n{seg.key}\n{_FORMAT}\n{_bundle_code_digest()}\n".encode())
    return folder / "reports" / f"{_BUNDLE_FORMAT}-{digest.hexdigest()}.arrow"


def _ipc_bytes(table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _write_bundle(path: Path, result: tuple) -> None:
    """One Arrow file: the report's tokens, with its other tables in the schema metadata."""
    import pyarrow as pa

    from .tokens import _write

    text, repairs, paragraphs, tokens, encoding, extraction = result
    table = tokens.drop_columns(["report_id"])
    _write(path, table.replace_schema_metadata({
        **(table.schema.metadata or {}),
        b"miyun_text": text.encode("utf-8"),
        b"encoding": encoding.encode("utf-8"),
        b"extraction": extraction.encode("utf-8"),
        b"repairs": _ipc_bytes(pa.Table.from_pandas(repairs, preserve_index=False)),
        b"paragraphs": _ipc_bytes(paragraphs),
    }))


def _read_bundle(path: Path, report_id: str) -> tuple | None:
    """A report's bundle as :func:`_one_report` returns it, or None when absent or unreadable."""
    import pyarrow as pa

    from .tokens import _read

    table = _read(path)
    meta = table.schema.metadata if table is not None else None
    if not meta or b"paragraphs" not in meta:
        return None
    try:
        repairs = pa.ipc.open_stream(meta[b"repairs"]).read_all()
        paragraphs = pa.ipc.open_stream(meta[b"paragraphs"]).read_all()
    except (OSError, ValueError, pa.ArrowInvalid):
        return None
    keep = {k: v for k, v in meta.items()
            if k not in (b"miyun_text", b"encoding", b"extraction", b"repairs", b"paragraphs")}
    table = table.replace_schema_metadata(keep or None)
    tokens = table.add_column(0, "report_id", pa.array([report_id] * table.num_rows, type=pa.large_string()))
    return (meta[b"miyun_text"].decode("utf-8"), repairs, paragraphs, tokens,
            meta[b"encoding"].decode("utf-8"), meta[b"extraction"].decode("utf-8"))


def _repair_table(repairs):
    """A repair log (pandas from a worker, Arrow from a bundle) as Arrow with one fixed schema."""
    import pyarrow as pa

    from .clean import REPAIR_COLUMNS

    schema = pa.schema([(c, pa.int64() if c.endswith("offset") else pa.string()) for c in REPAIR_COLUMNS])
    if isinstance(repairs, pa.Table):
        return repairs.select(REPAIR_COLUMNS).cast(schema)
    return pa.Table.from_pandas(repairs[REPAIR_COLUMNS], schema=schema, preserve_index=False)


# What every job of one load shares, set once per worker process rather than sent per job.
_SHARED: dict[str, object] = {}


def _share(seg: Segmenter, folder: Path | None, cache: bool, strict: bool) -> None:
    _SHARED.update(seg=seg, folder=folder, cache=cache, strict=strict)


def _one_report(job: tuple):
    """Decode, clean, parse and segment one report (runs in a worker process); Arrow tables travel back."""
    from .corpus import read_raw
    from .tokens import _id_columns, report_table

    record, raw_path, errata, bundle = job
    seg, folder, cache, strict = _SHARED["seg"], _SHARED["folder"], _SHARED["cache"], _SHARED["strict"]
    raw = read_raw(raw_path)
    clean_folder = folder / "clean" if folder is not None else None
    text, repairs = _cached_clean(raw.text, record["raw_sha256"], record["report_id"], errata, strict, clean_folder)
    paragraphs = _cached_paragraphs(record, text, folder / "paragraphs" if folder is not None else None)
    columns = [c for c in _id_columns(pd.DataFrame(columns=paragraphs.column_names)) if c != "report_id"]
    ids = pd.DataFrame({c: paragraphs.column(c).to_numpy() for c in columns}, dtype="int64")
    texts = paragraphs.column("text").to_pylist()
    tokens = report_table(texts, ids, record["report_id"], seg, cache=cache)
    result = (text, repairs, paragraphs, tokens, raw.encoding, raw.extraction)
    if bundle is not None:
        _write_bundle(bundle, result)
    return result


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
    from .corpus import _checked_raw_path, read_errata, read_manifest
    from .errors import MiyunTextError
    from .segment import content_segmenter

    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    seg = segmenter or content_segmenter()
    manifest = read_manifest(folder)
    # the manifest and the errata are validated before any raw file is opened, as in load_corpus
    errata = read_errata(folder)
    folder_cache = cache_dir() if cache else None
    # positions rather than a mask per report: the same rows, index and attrs, in one pass
    positions = errata.groupby("report_id", sort=False).indices if len(errata) else {}
    empty = errata.iloc[0:0]

    # Every raw file's sha256 is checked here, in manifest order; a report whose bundle is
    # cached is read here, the others go to the workers. A bad file stops the scan, but the
    # reports before it are processed first, so the first error in manifest order is raised.
    results: list[tuple | None] = []
    jobs: list[tuple[int, tuple]] = []
    failure: MiyunTextError | None = None
    for record in manifest.to_dict("records"):
        rows = errata.iloc[positions[record["report_id"]]] if record["report_id"] in positions else empty
        try:
            raw_path = _checked_raw_path(folder, record["report_id"], record["raw_sha256"])
        except MiyunTextError as err:
            failure = err
            break
        bundle = _bundle_path(folder_cache, record, rows, strict, seg) if folder_cache is not None else None
        hit = _read_bundle(bundle, record["report_id"]) if bundle is not None else None
        if hit is None:
            jobs.append((len(results), (record, raw_path, rows, bundle)))
        results.append(hit)

    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    shared = (seg, folder_cache, cache, strict)
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
        log = pa.concat_tables([_repair_table(r[1]) for r in results]).to_pandas()
        log.insert(0, "report_id", np.repeat(corpus["report_id"].to_numpy(dtype=object),
                                             corpus["n_repairs"].to_numpy()))
        corpus.attrs["repairs"] = log
    else:
        corpus.attrs["repairs"] = pd.DataFrame()
    if results:
        import pyarrow as pa

        from .tokens import to_frame

        paragraphs = pa.concat_tables([r[2] for r in results]).to_pandas()
        tokens = to_frame([r[3] for r in results], seg)
    else:
        from .structure import corpus_paragraphs
        from .tokens import token_table

        paragraphs = corpus_paragraphs(corpus)
        tokens = token_table(paragraphs, seg, cache=False)
    return Tables(corpus, paragraphs, tokens)

"""Load reports listed in the manifest: read-only, checksummed, encoding detected.

A report is one file in ``data/raw/`` (named ``<report_id>.txt``) plus one row in
``data/reports.csv``. Raw files are opened read-only and never written; every repair
of their text happens in :mod:`miyun_text.clean` and is logged.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import (
    BinaryFileError,
    ChecksumMismatchError,
    DuplicateReportError,
    EmptyFileError,
    ErrataError,
    ManifestError,
    MissingFileError,
    UndecodableFileError,
)
from .paths import find_data_dir

__all__ = [
    "ERRATA_COLUMNS",
    "MANIFEST_COLUMNS",
    "RawText",
    "load_corpus",
    "load_reports",
    "read_errata",
    "read_manifest",
    "read_raw",
    "sha256_file",
]

MANIFEST_COLUMNS = [
    "report_id",
    "year",
    "region",
    "level",
    "title",
    "delivered_on",
    "session",
    "source_url",
    "raw_sha256",
    "notes",
]
ERRATA_COLUMNS = ["report_id", "offset", "corrupted", "corrected", "evidence"]


@dataclass(frozen=True)
class RawText:
    """A raw report as decoded: its text, the encoding found, and its sha256."""

    path: Path
    text: str
    encoding: str
    sha256: str


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of a file, read in binary and read-only.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes(b"a")
        >>> sha256_file(p)[:12]
        'ca978112ca1b'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes by BOM, then strict UTF-8, then strict GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise UndecodableFileError(
                f"{path}: starts with a UTF-8 BOM but byte offset {err.start + 3} is not "
                "UTF-8; re-save the file as UTF-8"
            ) from err
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise UndecodableFileError(
                f"{path}: starts with a UTF-16 BOM but byte offset {err.start} is not "
                "UTF-16; re-save the file as UTF-8"
            ) from err
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BinaryFileError(
            f"{path}: NUL byte at offset {nul}; this is not a text file (a PDF or Word "
            "file must be converted to plain text first)"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            raise UndecodableFileError(
                f"{path}: byte offset {utf8_err.start} is neither UTF-8 nor GB18030/GBK; "
                "re-save the report as UTF-8"
            ) from utf8_err


def read_raw(path: str | os.PathLike[str]) -> RawText:
    """Read a raw report read-only, detect its encoding, and return its text.

    Supported: UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK. Line ends are
    normalised to ``\\n`` in the returned text; the file itself is never changed.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
        >>> _ = p.write_bytes("密云区".encode("gbk"))
        >>> read_raw(p).encoding, read_raw(p).text
        ('gb18030', '密云区')
    """
    target = Path(path)
    if not target.is_file():
        raise MissingFileError(
            f"{target}: file not found; put the report there or fix its row in reports.csv"
        )
    with open(target, "rb") as handle:  # read-only: raw data is never written
        data = handle.read()
    if not data.strip():
        raise EmptyFileError(f"{target}: file is empty; copy the full report text into it")
    text, encoding = _decode(data, target)
    if not text.strip():
        raise EmptyFileError(f"{target}: file holds only white space; copy the report text into it")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawText(target, text, encoding, hashlib.sha256(data).hexdigest())


def _csv_rows(path: Path, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise MissingFileError(f"{path}: file not found")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ManifestError(
                f"{path}:1: missing column(s) {', '.join(missing)}; the header must be "
                f"{','.join(required)}"
            )
        # line numbers are 1-based and count the header, as an editor shows them
        return [(reader.line_num, row) for row in reader]


def read_manifest(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read and validate ``data/reports.csv``: one row per report, sorted by year.

    Example:
        >>> read_manifest().loc[0, "report_id"]  # doctest: +SKIP
        'miyun_2024'
    """
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    path = folder / "reports.csv"
    rows = _csv_rows(path, MANIFEST_COLUMNS)
    seen: dict[str, int] = {}
    records = []
    for line, row in rows:
        rid = (row.get("report_id") or "").strip()
        if not rid:
            raise ManifestError(f"{path}:{line}: empty report_id; give the report a short id like miyun_2025")
        if rid in seen:
            raise DuplicateReportError(
                f"{path}:{line}: report_id {rid!r} already used on line {seen[rid]}; "
                "give each report its own id"
            )
        seen[rid] = line
        try:
            year = int(row["year"])
        except (TypeError, ValueError):
            raise ManifestError(
                f"{path}:{line}: year {row['year']!r} is not a whole number; write it like 2024"
            ) from None
        sha = (row.get("raw_sha256") or "").strip().lower()
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise ManifestError(
                f"{path}:{line}: raw_sha256 {sha!r} is not a sha256; run "
                f"`sha256sum data/raw/{rid}.txt` and paste the hex digest"
            )
        record = {c: (row.get(c) or "").strip() for c in MANIFEST_COLUMNS}
        record.update(report_id=rid, year=year, raw_sha256=sha)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=MANIFEST_COLUMNS)
    frame["year"] = frame["year"].astype("int64")
    return frame.sort_values(["year", "report_id"], kind="stable").reset_index(drop=True)


def read_errata(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Read ``data/errata.csv``, the documented corrections of damaged spans.

    Example:
        >>> len(read_errata()) > 0  # doctest: +SKIP
        True
    """
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    path = folder / "errata.csv"
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "offset" else "object") for c in ERRATA_COLUMNS})
    records = []
    for line, row in _csv_rows(path, ERRATA_COLUMNS):
        try:
            offset = int(row["offset"])
        except (TypeError, ValueError):
            raise ErrataError(f"{path}:{line}: offset {row['offset']!r} is not a whole number") from None
        if not row["corrupted"]:
            raise ErrataError(f"{path}:{line}: empty corrupted text; copy the damaged span from the raw file")
        records.append({**{c: row[c] for c in ERRATA_COLUMNS}, "offset": offset, "line": line})
    frame = pd.DataFrame.from_records(records, columns=[*ERRATA_COLUMNS, "line"])
    frame.attrs["path"] = str(path)
    return frame


def load_reports(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the manifest plus ``raw_text``, ``encoding`` and ``raw_path``, checksums verified.

    Example:
        >>> load_reports().loc[0, "encoding"]  # doctest: +SKIP
        'utf-8'
    """
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    manifest = read_manifest(folder)
    texts, encodings, paths = [], [], []
    for row in manifest.itertuples(index=False):
        raw = read_raw(folder / "raw" / f"{row.report_id}.txt")
        if raw.sha256 != row.raw_sha256:
            raise ChecksumMismatchError(
                f"{raw.path}: sha256 is {raw.sha256} but reports.csv expects "
                f"{row.raw_sha256}; the raw file changed. Restore the original file, or, "
                "if this is a new version of the report, update raw_sha256 in reports.csv"
            )
        texts.append(raw.text)
        encodings.append(raw.encoding)
        paths.append(str(raw.path))
    out = manifest.copy()
    out["raw_path"] = paths
    out["encoding"] = encodings
    out["raw_text"] = texts
    return out


def load_corpus(
    data_dir: str | os.PathLike[str] | None = None, *, strict: bool = True, progress: bool = False
) -> pd.DataFrame:
    """Load every report in the manifest and return one row per report with clean text.

    Columns: the manifest columns, ``encoding`` (as detected), ``text`` (canonical
    Simplified Chinese) and ``n_repairs``. The repair log is in ``.attrs["repairs"]``.
    With ``strict=True`` (default) unrepaired damage raises
    :class:`~miyun_text.errors.UnrepairedDamageError`; ``progress=True`` shows a
    progress bar over the reports.

    Example:
        >>> corpus = load_corpus()  # doctest: +SKIP
        >>> corpus.loc[0, "text"][:9]  # doctest: +SKIP
        '2024年北京市密云区'
    """
    from tqdm import tqdm

    from .clean import clean_text

    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    reports = load_reports(folder)
    errata = read_errata(folder)
    cleaned_texts, counts, logs = [], [], []
    rows_iter = tqdm(list(reports.itertuples(index=False)), desc="reports", unit="report", disable=not progress)
    for row in rows_iter:
        rows = errata[errata["report_id"] == row.report_id]
        cleaned = clean_text(row.raw_text, errata=rows, report_id=row.report_id, strict=strict)
        cleaned_texts.append(cleaned.text)
        counts.append(len(cleaned.repairs))
        log = cleaned.repairs.copy()
        log.insert(0, "report_id", row.report_id)
        logs.append(log)
    out = reports.drop(columns=["raw_text", "raw_path"]).copy()
    out["text"] = cleaned_texts
    out["n_repairs"] = counts
    out.attrs["repairs"] = pd.concat(logs, ignore_index=True) if logs else pd.DataFrame()
    return out

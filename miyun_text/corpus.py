"""Load reports listed in the manifest: read-only, checksummed, encoding detected.

A report is one file in ``data/raw/`` (named ``<report_id>.txt``) plus one row in
``data/reports.csv``. Raw files are opened read-only and never written; every repair
of their text happens in :mod:`miyun_text.clean` and is logged.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable
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
    MiyunTextError,
    UndecodableFileError,
)
from .paths import find_data_dir

__all__ = [
    "ERRATA_COLUMNS",
    "ERRATA_OPTIONAL_COLUMNS",
    "MANIFEST_COLUMNS",
    "YEAR_RANGE",
    "RawText",
    "check_report_id",
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
# characters decided by context, and the written reason for a row the forward model cannot reproduce
ERRATA_OPTIONAL_COLUMNS = ["context", "exception"]


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


def _csv_rows(path: Path, required: list[str],
              error: type[MiyunTextError] = ManifestError) -> list[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV with their editor line numbers; every problem raises ``error`` naming the line."""
    if not path.is_file():
        raise MissingFileError(f"{path}: file not found")
    with open(path, "rb") as handle:  # read-only; decoded strictly so a wrong encoding names its line
        data = handle.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise error(
            f"{path}:{line}: byte offset {err.start} is not UTF-8 (the file looks like "
            f"{'GBK' if _looks_gbk(data) else 'another encoding'}); re-save it as UTF-8 "
            "(Excel: Save As > CSV UTF-8)"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    start = 1  # the line where the record being read starts
    try:
        fields = reader.fieldnames or []
        missing = [c for c in required if c not in fields]
        if missing:
            raise error(
                f"{path}:1: missing column(s) {', '.join(missing)}; the header must be "
                f"{','.join(required)}"
            )
        rows = []
        # line numbers are 1-based and count the header, as an editor shows them
        start = reader.line_num + 1
        for row in reader:
            if None in row:
                raise error(
                    f"{path}:{start}: {len(fields) + len(row[None])} fields but the header has {len(fields)}; "
                    "put double quotes around a value that holds a comma"
                )
            if any(v is None for v in row.values()):
                raise error(f"{path}:{start}: fewer fields than the header's {len(fields)}; fill in every column")
            rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as err:
        raise error(
            f"{path}:{start}: malformed CSV ({err}); close every double quote and double a "
            'quote inside a quoted value ("")'
        ) from None
    return rows


def _looks_gbk(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


_REPORT_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
YEAR_RANGE = (1949, 2100)


def check_report_id(report_id: object, where: str = "report_id") -> str:
    """Return ``report_id`` if it is a safe id (``[a-z0-9][a-z0-9_-]*``), else raise ManifestError.

    Ids name files under ``data/``, so a path (``../raw/x``, ``/tmp/x``) or an upper-case
    id (which clashes on case-insensitive file systems) is refused before any file is opened.

    Example:
        >>> check_report_id("miyun_2024")
        'miyun_2024'
        >>> check_report_id("../raw/x")
        Traceback (most recent call last):
        ...
        miyun_text.errors.ManifestError: report_id: '../raw/x' is not a report id; use lower-case ...
    """
    if not isinstance(report_id, str) or not _REPORT_ID.fullmatch(report_id):
        raise ManifestError(
            f"{where}: {report_id!r} is not a report id; use lower-case letters, digits, '_' and '-', "
            "starting with a letter or digit (like miyun_2025)"
        )
    return report_id


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
        check_report_id(rid, f"{path}:{line}: report_id")
        if rid.lower() in seen:
            raise DuplicateReportError(
                f"{path}:{line}: report_id {rid!r} already used on line {seen[rid.lower()]}; "
                "give each report its own id (ids are compared ignoring case)"
            )
        seen[rid.lower()] = line
        year_text = (row.get("year") or "").strip()
        if not re.fullmatch(r"[0-9]{4}", year_text) or not YEAR_RANGE[0] <= int(year_text) <= YEAR_RANGE[1]:
            raise ManifestError(
                f"{path}:{line}: year {row['year']!r} is not a year between {YEAR_RANGE[0]} and "
                f"{YEAR_RANGE[1]}; write it in ASCII digits like 2024"
            )
        year = int(year_text)
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


def read_errata(data_dir: str | os.PathLike[str] | None = None,
                report_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Read ``data/errata.csv``, the documented corrections of damaged spans.

    Columns: ``report_id``, ``offset`` (a character offset in the raw text, from 0),
    ``corrupted``, ``corrected``, ``evidence``, and the optional ``context`` (characters
    decided by context rather than bytes) and ``exception`` (why the forward model of
    :mod:`miyun_text.errata` cannot reproduce the row), plus ``line``. With
    ``report_ids``, a row naming another report raises
    :class:`~miyun_text.errors.ErrataError`.

    Example:
        >>> len(read_errata()) > 0  # doctest: +SKIP
        True
    """
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    path = folder / "errata.csv"
    columns = [*ERRATA_COLUMNS, *ERRATA_OPTIONAL_COLUMNS]
    if not path.exists():
        frame = pd.DataFrame({c: pd.Series(dtype="int64" if c == "offset" else "object") for c in columns})
        frame["line"] = pd.Series(dtype="int64")
        return frame
    known = None if report_ids is None else set(report_ids)
    records = []
    for line, row in _csv_rows(path, ERRATA_COLUMNS, ErrataError):
        rid = row["report_id"].strip()
        check_report_id(rid, f"{path}:{line}: report_id")
        if known is not None and rid not in known:
            raise ErrataError(
                f"{path}:{line}: report {rid!r} is not in reports.csv; fix the id or delete the row "
                f"(reports: {', '.join(sorted(known)) or 'none'})"
            )
        offset_text = row["offset"].strip()
        if not offset_text.isascii() or not offset_text.isdigit():
            raise ErrataError(
                f"{path}:{line}: offset {row['offset']!r} is not a whole number from 0 up; write the "
                "character offset of the damaged span in the raw text"
            )
        if not row["corrupted"]:
            raise ErrataError(f"{path}:{line}: empty corrupted text; copy the damaged span from the raw file")
        record = {c: row.get(c) or "" for c in columns}
        record.update(report_id=rid, offset=int(offset_text), line=line)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=[*columns, "line"])
    frame = frame.astype({"offset": "int64", "line": "int64"})
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

    from .clean import REPAIR_COLUMNS, _frame, clean_text

    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    # the manifest and the errata are validated before any raw file is opened
    errata = read_errata(folder, read_manifest(folder)["report_id"])
    reports = load_reports(folder)
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
    out.attrs["repairs"] = (pd.concat(logs, ignore_index=True) if logs
                            else _frame([]).assign(report_id=pd.Series(dtype="object"))
                            [["report_id", *REPAIR_COLUMNS]])
    return out

"""Load reports listed in the manifest: read-only, checksummed, encoding detected.

A report is one file in ``data/raw/`` (named ``<report_id>`` plus ``.txt``, ``.html``,
``.htm``, ``.pdf`` or ``.docx``) plus one row in ``data/reports.csv``; :func:`add_report`
makes both in one step. Raw files are opened read-only and never written; every repair
of their text happens in :mod:`miyun_text.clean` and is logged.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .clean import _common_cjk
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

log = logging.getLogger(__name__)

__all__ = [
    "ERRATA_COLUMNS",
    "ERRATA_OPTIONAL_COLUMNS",
    "MANIFEST_COLUMNS",
    "RAW_EXTENSIONS",
    "TEXT_ENCODINGS",
    "YEAR_RANGE",
    "AddedReport",
    "RawText",
    "add_report",
    "check_report_id",
    "chinese_text_problem",
    "find_raw",
    "load_corpus",
    "load_reports",
    "read_errata",
    "read_manifest",
    "read_raw",
    "region_slug",
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
    """A raw report as decoded: its text, the encoding found, its sha256 and how the text was extracted."""

    path: Path
    text: str
    encoding: str
    sha256: str
    extraction: str = "text"


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


# What a decoded report must look like: Chinese. A detector only ranks byte-level guesses;
# this check refuses a decoding that yields kana, hangul, Latin-1 letters (other than
# pinyin tone vowels), rare characters or space-separated words, i.e. garbage.
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_FOREIGN = re.compile(
    r"[\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u0370-\u03ff\u0400-\u04ff\u00c0-\u017f]"
)
_PINYIN_VOWELS = frozenset("āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜüńňǹḿ")
_SPACED_WORDS = re.compile(r" (?=[\u4e00-\u9fff])(?<=[\u4e00-\u9fff] )")  # the leading space lets the scan skip ahead
# Text encodings accepted for .txt reports, in the order they are tried without a BOM.
TEXT_ENCODINGS = ("utf-8", "gb18030", "big5")
RAW_EXTENSIONS = (".txt", ".html", ".htm", ".pdf", ".docx")


@lru_cache(maxsize=1)
def _cjk_nonletters() -> re.Pattern[str] | None:
    """The code points of the CJK blocks that are not letters (unassigned in this Unicode version)."""
    points = [chr(c) for a, b in _CJK_BLOCKS for c in range(a, b + 1) if unicodedata.category(chr(c))[0] != "L"]
    return re.compile("[" + "".join(points) + "]") if points else None


_OUTSIDE = threading.local()


def _collect_unencodable(err: UnicodeEncodeError) -> tuple[str, int]:
    _OUTSIDE.chars.append(err.object[err.start : err.end])
    return "?", err.end


codecs.register_error("miyun_text.collect", _collect_unencodable)


def _outside_gb2312(text: str) -> str:
    """The characters of ``text`` that GB 2312 cannot encode, in text order."""
    _OUTSIDE.chars = []
    text.encode("gb2312", "miyun_text.collect")
    return "".join(_OUTSIDE.chars)


@lru_cache(maxsize=1 << 16)
def chinese_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a Chinese report as decoded, or None when it can.

    Most letters must be Chinese characters, nearly all of them common ones (GB 2312 or
    Big5 level 1), with no kana, hangul, Greek, Cyrillic or Latin-1 letters beyond pinyin
    tone vowels, and words not separated by spaces. This is what tells GBK from Big5, and
    Shift-JIS, EUC-KR or Latin-1 bytes from Chinese.

    Example:
        >>> chinese_text_problem("密云区政府工作报告。保水护水。") is None
        True
        >>> chinese_text_problem("Government work report")
        'only 0 of 20 letters are Chinese characters'
    """
    # Counted with whole-text regex and codec passes rather than character by character:
    # a report is ~17,000 characters, ~90 % of them Chinese.
    rest = _CJK_RUN.sub("", text)
    n_cjk = len(text) - len(rest)
    nonletter = _cjk_nonletters()
    letters = n_cjk - (len(nonletter.findall(text)) if nonletter is not None else 0)
    letters += sum(n for ch, n in Counter(rest).items() if unicodedata.category(ch)[0] == "L")
    if letters and n_cjk < 0.3 * letters:
        return f"only {n_cjk} of {letters} letters are Chinese characters"
    foreign = [ch for ch in _FOREIGN.findall(text) if ch.lower() not in _PINYIN_VOWELS]
    if len(foreign) > 2 + 0.005 * n_cjk:
        sample = "".join(sorted(set(foreign))[:8])
        return f"{len(foreign)} characters a Chinese report never uses ({sample})"
    # GB 2312's codec names the characters outside it, in text order; Big5 level 1 is asked of those only
    rare = [ch for ch in _outside_gb2312(text) if _CJK_CHAR.match(ch) and not _common_cjk(ch)]
    if len(rare) > 2 + 0.1 * n_cjk:
        return f"{len(rare)} of {n_cjk} Chinese characters are rare ones ({''.join(rare[:8])})"
    spaced = len(_SPACED_WORDS.findall(text))
    if spaced > 2 + 0.05 * n_cjk:
        return f"{spaced} spaces between Chinese characters (words separated as in Korean or Japanese)"
    return None


def _detector_guess(data: bytes) -> str:
    """charset-normalizer's best guess, for telling the user what the bytes probably are."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return "no text encoding (binary data)"
    language = f", {best.language}" if best.language and best.language != "Unknown" else ""
    return f"{best.encoding}{language}"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows itself by NUL bytes on one side of each pair (ASCII, line ends)."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 2 and odd >= 4 * even:
        return "utf-16-le"
    if even >= 2 and even >= 4 * odd:
        return "utf-16-be"
    return None


def _decode(data: bytes, path: Path, check_chinese: bool = True) -> tuple[str, str]:
    """Decode a text file: BOM, then UTF-16 by its NUL pattern, then UTF-8, GB18030, Big5.

    Every decoding must also read as Chinese (:func:`chinese_text_problem`) when
    ``check_chinese``; otherwise the file is refused, naming the likely encoding.
    """
    def checked(text: str, encoding: str) -> tuple[str, str]:
        problem = chinese_text_problem(text) if check_chinese else None
        if problem:
            raise UndecodableFileError(
                f"{path}: decoded as {encoding} it is not Chinese text: {problem}. charset-normalizer "
                f"reads the bytes as {_detector_guess(data)}; save the report as UTF-8 (or GB18030/Big5) "
                "Chinese text"
            )
        return text, encoding

    if data.startswith(codecs.BOM_UTF8):
        try:
            return checked(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError as err:
            raise UndecodableFileError(
                f"{path}: starts with a UTF-8 BOM but byte offset {err.start + 3} is not "
                "UTF-8; re-save the file as UTF-8"
            ) from err
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return checked(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as err:
            raise UndecodableFileError(
                f"{path}: starts with a UTF-16 BOM but byte offset {err.start} is not "
                "UTF-16; re-save the file as UTF-8"
            ) from err
    nul = data.find(b"\x00")
    if nul >= 0:
        utf16 = _utf16_without_bom(data)
        if utf16:
            try:
                text = data.decode(utf16)
            except UnicodeDecodeError:
                text = ""
            if text and chinese_text_problem(text) is None:
                return text, utf16
        raise BinaryFileError(
            f"{path}: NUL byte at offset {nul}; this is not a text file. A PDF, Word file or web page "
            "must be saved with its own extension (.pdf, .docx, .html), which is then extracted"
        )
    failures: list[str] = []
    first_error: UnicodeDecodeError | None = None
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding if encoding != "big5" else "cp950")
        except UnicodeDecodeError as err:
            first_error = first_error or err
            failures.append(f"not {encoding} at byte offset {err.start}")
            continue
        problem = chinese_text_problem(text) if check_chinese else None
        if problem is None:
            return text, encoding
        failures.append(f"as {encoding}: {problem}")
    if first_error is not None and len(failures) == len(TEXT_ENCODINGS) and all(f.startswith("not") for f in failures):
        raise UndecodableFileError(
            f"{path}: byte offset {first_error.start} is neither UTF-8 nor GB18030/GBK nor Big5 "
            f"({'; '.join(failures)}); charset-normalizer reads the bytes as {_detector_guess(data)}. "
            "Re-save the report as UTF-8"
        ) from first_error
    raise UndecodableFileError(
        f"{path}: not Chinese text in any accepted encoding ({'; '.join(failures)}); charset-normalizer "
        f"reads the bytes as {_detector_guess(data)}. Save the report as UTF-8 Chinese text"
    )


def find_raw(folder: str | os.PathLike[str], report_id: str) -> Path:
    """The raw file of a report in ``folder``: ``<report_id>`` with one accepted extension.

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "r_2024.pdf").write_bytes(b"%PDF")
        >>> find_raw(d, "r_2024").name
        'r_2024.pdf'
    """
    base = Path(folder)
    found = sorted(base / f"{report_id}{ext}" for ext in RAW_EXTENSIONS if (base / f"{report_id}{ext}").is_file())
    if not found:
        raise MissingFileError(
            f"{base / report_id}.txt: file not found (nor .html, .htm, .pdf, .docx); put the report there "
            "or fix its row in reports.csv"
        )
    if len(found) > 1:
        raise DuplicateReportError(
            f"{base}: report {report_id!r} has {len(found)} raw files ({', '.join(p.name for p in found)}); "
            "keep one and move the others out of data/raw/"
        )
    return found[0]


def read_raw(path: str | os.PathLike[str]) -> RawText:
    """Read a raw report read-only, detect its encoding (or extract its text), and return its text.

    ``.txt``: UTF-8 with or without BOM, UTF-16 with or without BOM, GB18030/GBK, Big5
    (Traditional; the t2s step of cleaning makes it Simplified, logged). ``.html``/``.htm``,
    ``.pdf`` and ``.docx``: the main text extracted by :mod:`miyun_text.extract`, recorded
    in ``extraction``. Line ends are normalised to ``\\n``; the file itself is never changed.

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
    suffix = target.suffix.lower()
    if suffix in (".txt", ""):
        text, encoding = _decode(data, target)
        extraction = "text"
    elif suffix in RAW_EXTENSIONS:
        from .extract import extract_text

        text, extraction = extract_text(data, target)
        # a page has a charset; a PDF or Word file carries its text in its own format
        encoding = extraction.split("charset ")[1].split(" ")[0] if "charset " in extraction else suffix[1:]
        problem = chinese_text_problem(text)
        if problem:
            raise UndecodableFileError(f"{target}: the extracted text is not a Chinese report: {problem}")
    else:
        raise UndecodableFileError(
            f"{target}: extension {suffix!r} is not accepted; use one of {', '.join(RAW_EXTENSIONS)}"
        )
    if not text.strip():
        raise EmptyFileError(f"{target}: file holds only white space; copy the report text into it")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawText(target, text, encoding, hashlib.sha256(data).hexdigest(), extraction)


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


def _checked_raw_path(folder: Path, report_id: str, raw_sha256: str) -> Path:
    """The report's raw file, its sha256 checked against the manifest's."""
    path = find_raw(folder / "raw", report_id)
    digest = sha256_file(path)
    if digest != raw_sha256:  # a changed file is reported as changed before it is decoded
        raise ChecksumMismatchError(
            f"{path}: sha256 is {digest} but reports.csv expects "
            f"{raw_sha256}; the raw file changed. Restore the original file, or, "
            "if this is a new version of the report, update raw_sha256 in reports.csv"
        )
    return path


def load_reports(data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Return the manifest plus ``raw_text``, ``encoding``, ``extraction`` and ``raw_path``, checksums verified.

    Each report's raw file is ``data/raw/<report_id>`` with one accepted extension
    (:func:`find_raw`); ``extraction`` says how its text was obtained (``text`` for a
    .txt file, else the extractor, its version and what it did).

    Example:
        >>> load_reports().loc[0, "encoding"]  # doctest: +SKIP
        'utf-8'
    """
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    manifest = read_manifest(folder)
    texts, encodings, paths, extractions = [], [], [], []
    for row in manifest.itertuples(index=False):
        raw = read_raw(_checked_raw_path(folder, row.report_id, row.raw_sha256))
        texts.append(raw.text)
        encodings.append(raw.encoding)
        paths.append(str(raw.path))
        extractions.append(raw.extraction)
    out = manifest.copy()
    out["raw_path"] = paths
    out["encoding"] = encodings
    out["extraction"] = extractions
    out["raw_text"] = texts
    return out


def load_corpus(
    data_dir: str | os.PathLike[str] | None = None, *, strict: bool = True, progress: bool = False
) -> pd.DataFrame:
    """Load every report in the manifest and return one row per report with clean text.

    Columns: the manifest columns, ``encoding`` (as detected), ``extraction`` (how the
    text was obtained: ``text``, or the saved page / PDF / Word extractor), ``text`` (canonical
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


# ---------------------------------------------------------------- adding a report

_REPORT_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Administrative suffixes left out of generated ids, longest first: 密云区 -> miyun, 浙江省 -> zhejiang.
_REGION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "地区", "林区",
                    "区", "县", "市", "省", "盟", "旗")
_LEVELS = {"区": "区", "县": "县", "市": "市", "省": "省", "自治区": "省", "旗": "县", "自治县": "县", "自治州": "市"}


@dataclass(frozen=True)
class AddedReport:
    """What :func:`add_report` did and found: the new row, the raw copy, and a first reading."""

    report_id: str
    raw_path: Path
    sha256: str
    encoding: str
    extraction: str
    parts: int
    sections: int
    paragraphs: int
    repairs: int
    unrepaired: pd.DataFrame

    def summary(self) -> str:
        """A few lines for people: what was added and what loading it found."""
        lines = [
            f"added {self.report_id}: {self.raw_path} (sha256 {self.sha256[:12]}…)",
            f"encoding: {self.encoding}; extraction: {self.extraction}",
            f"parts: {self.parts}, sections: {self.sections}, paragraphs: {self.paragraphs}",
            f"repairs: {self.repairs}, unrepaired spans: {len(self.unrepaired)}",
        ]
        for row in self.unrepaired.itertuples(index=False):
            lines.append(f"  unrepaired at raw offset {row.raw_offset}: {row.before!r}")
        if len(self.unrepaired):
            lines.append("add a row per unrepaired span to data/errata.csv (report_id, offset, corrupted, corrected, "
                         "evidence) before building")
        return "\n".join(lines)


def region_slug(region: str) -> str:
    """The id stem of a region: pinyin without tones, administrative suffix left out.

    The suffix (区, 县, 市, 省 …) is dropped when a name remains, as in the bundled
    ``miyun_2024``; a region spelled in Latin letters is lower-cased.

    Example:
        >>> region_slug("密云区"), region_slug("浙江省"), region_slug("长沙市"), region_slug("Miyun District")
        ('miyun', 'zhejiang', 'changsha', 'miyun-district')
    """
    from pypinyin import Style, lazy_pinyin

    name = region.strip()
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            name = name[: -len(suffix)]
            break
    syllables = lazy_pinyin(name, style=Style.NORMAL, v_to_u=False, errors=lambda chars: list(chars))
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(syllables).lower()).strip("-")
    return slug


def _new_report_id(region: str, year: int, taken: set[str]) -> str:
    stem = region_slug(region) or "report"
    if not stem[0].isalnum():
        stem = f"r{stem}"
    candidate, n = f"{stem}_{year}", 2
    while candidate in taken:
        candidate, n = f"{stem}_{year}_{n}", n + 1
    return candidate


def add_report(
    path: str | os.PathLike[str],
    *,
    region: str,
    year: int,
    level: str | None = None,
    title: str | None = None,
    delivered_on: str | None = None,
    source_url: str | None = None,
    session: str | None = None,
    report_id: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> AddedReport:
    """Add a report in one step: copy the file into ``data/raw/``, append its manifest row, read it.

    The file is read first (encoding detected or text extracted; bad input raises before
    anything is written), then copied byte for byte to ``data/raw/<report_id><ext>``, and
    a row with its sha256 is appended to ``data/reports.csv`` (written atomically, its
    columns and existing rows kept). Without ``report_id`` one is made from the region's
    pinyin and the year (密云区, 2025 → ``miyun_2025``; ``_2``, ``_3`` … when taken).
    The result says what loading found: encoding, parts, sections, paragraphs, repairs
    and unrepaired spans (which need rows in ``data/errata.csv`` before a strict build).

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp()) / "data"; (d / "raw").mkdir(parents=True)
        >>> _ = (d / "reports.csv").write_text(",".join(MANIFEST_COLUMNS) + "\\n", encoding="utf-8")
        >>> src = d.parent / "report.txt"
        >>> _ = src.write_bytes("2025年密云区政府工作报告\\n一、2024年工作回顾\\n保水。".encode("gbk"))
        >>> added = add_report(src, region="密云区", year=2025, data_dir=d)
        >>> added.report_id, added.encoding, added.parts, added.raw_path.name
        ('miyun_2025', 'gb18030', 1, 'miyun_2025.txt')
    """
    from .clean import clean_text
    from .io import write_bytes_atomic
    from .structure import parse_report

    source = Path(path)
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    manifest_path = folder / "reports.csv"
    suffix = source.suffix.lower()
    if not source.is_file():
        raise MissingFileError(f"{source}: file not found; give the path of the report file to add")
    if suffix not in RAW_EXTENSIONS:
        raise UndecodableFileError(
            f"{source}: extension {suffix or '(none)'!r} is not accepted; save the report as one of "
            f"{', '.join(RAW_EXTENSIONS)}"
        )
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ManifestError(f"year {year!r} is not a whole number; write it like 2025") from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ManifestError(f"year {year} is out of range; give the year the report was delivered, like 2025")
    if not region or not region.strip():
        raise ManifestError("region is empty; give the region as the report names it, like 密云区")
    if delivered_on and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", delivered_on.strip()):
        raise ManifestError(f"delivered_on {delivered_on!r} is not a date; write it like 2025-01-08")
    raw = read_raw(source)  # decode or extract first: bad input fails before anything is written
    manifest = read_manifest(folder)
    same = manifest[manifest["raw_sha256"] == raw.sha256]
    if len(same):
        # the same bytes twice would count one report twice in every panel measure
        raise DuplicateReportError(
            f"{source}: the corpus already holds this file as report {same['report_id'].iloc[0]!r} "
            f"({same['region'].iloc[0]} {same['year'].iloc[0]}, same sha256); nothing was added"
        )
    taken = set(manifest["report_id"]) | {p.name.split(".")[0] for p in (folder / "raw").glob("*") if p.is_file()}
    if report_id is None:
        report_id = _new_report_id(region, year, taken)
    else:
        check_report_id(report_id, "--id")
    if report_id in taken:
        raise DuplicateReportError(
            f"{manifest_path}: report_id {report_id!r} is already used (manifest or data/raw/); choose another id"
        )
    if level is None:
        suffixes = sorted(_LEVELS, key=len, reverse=True)
        level = next((_LEVELS[sfx] for sfx in suffixes if region.strip().endswith(sfx)), "")
    row = {
        "report_id": report_id,
        "year": str(year),
        "region": region.strip(),
        "level": level,
        "title": title or f"{year}年{region.strip()}政府工作报告",
        "delivered_on": (delivered_on or "").strip(),
        "session": session or "",
        "source_url": source_url or "",
        "raw_sha256": raw.sha256,
        "notes": f"Added from {source.name}; {raw.extraction}",
    }
    with open(manifest_path, "rb") as handle:
        before = handle.read()
    text = before.decode("utf-8-sig")
    header = next(csv.reader([text.splitlines()[0]])) if text.strip() else []
    if header[: len(MANIFEST_COLUMNS)] != MANIFEST_COLUMNS and set(MANIFEST_COLUMNS) - set(header):
        raise ManifestError(f"{manifest_path}:1: the header must hold {','.join(MANIFEST_COLUMNS)}")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row.get(c, "") for c in header])
    bom = before[:3] if before.startswith(codecs.BOM_UTF8) else b""
    body = text if text.endswith("\n") or not text else text + "\n"
    target = folder / "raw" / f"{report_id}{suffix}"
    write_bytes_atomic(target, source.read_bytes())
    try:
        if sha256_file(target) != raw.sha256:
            raise ChecksumMismatchError(f"{target}: the copy differs from {source}; the source changed while copying")
        write_bytes_atomic(manifest_path, bom + (body + buffer.getvalue()).encode("utf-8"))
        read_manifest(folder)  # the whole manifest still validates with the new row
    except BaseException:
        write_bytes_atomic(manifest_path, before)
        target.unlink(missing_ok=True)
        raise
    cleaned = clean_text(raw.text, report_id=report_id, strict=False)
    paragraphs = parse_report(cleaned.text, report_id, year)
    body_rows = paragraphs[paragraphs["part_no"] > 0]
    sections = body_rows.dropna(subset=["section_no"])[["part_no", "section_no"]].drop_duplicates()
    log.info("added %s from %s (%s)", report_id, source, raw.extraction)
    return AddedReport(
        report_id=report_id,
        raw_path=target,
        sha256=raw.sha256,
        encoding=raw.encoding,
        extraction=raw.extraction,
        parts=int(body_rows["part_no"].nunique()),
        sections=len(sections),
        paragraphs=len(paragraphs),
        repairs=len(cleaned.repairs) - len(cleaned.unrepaired),
        unrepaired=cleaned.unrepaired.reset_index(drop=True),
    )

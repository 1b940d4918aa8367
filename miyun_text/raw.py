"""A report's raw file: found by its id, read read-only, checksummed, decoded or extracted.

A report is one file in ``data/raw/`` named ``<report_id>`` plus ``.txt``, ``.html``,
``.htm``, ``.pdf`` or ``.docx``. Raw files are opened read-only and never written; a
``.txt`` file is decoded (:mod:`miyun_text.decode`), the others have their main text
extracted (:mod:`miyun_text.extract`), and how is recorded beside the text.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .decode import chinese_text_problem, decode_text
from .digest import sha256_file
from .errors import (
    ChecksumMismatchError,
    DuplicateReportError,
    EmptyFileError,
    InputTooLargeError,
    MissingFileError,
    NotAFileError,
    UndecodableFileError,
)
from .extract import extract_text

__all__ = ["MAX_DOCUMENT_BYTES", "MAX_TEXT_BYTES", "RAW_EXTENSIONS", "RawText", "check_size", "checked_raw_path",
           "find_raw", "read_raw", "sha256_file"]

RAW_EXTENSIONS = (".txt", ".html", ".htm", ".pdf", ".docx")
# The largest report a file may hold without --large: a government work report is 20,000 to
# 60,000 characters (about 0.2 MB of UTF-8), so 20 MB of text is a hundred reports or a
# mistake, and reading it takes several times its size in memory. PDFs and Word files carry
# pictures and fonts beside the text, so the file may be larger; its text may not.
MAX_TEXT_BYTES = 20 * 2**20
MAX_DOCUMENT_BYTES = 100 * 2**20


@dataclass(frozen=True)
class RawText:
    """A raw report as decoded: its text, the encoding found, its sha256 and how the text was extracted."""

    path: Path
    text: str
    encoding: str
    sha256: str
    extraction: str = "text"



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


def check_size(path: str | os.PathLike[str], size: int, *, text: bool) -> None:
    """Refuse a file (or, with ``text``, an extracted text) of ``size`` bytes over its limit.

    The limits are :data:`MAX_TEXT_BYTES` for text (a .txt or .html file, or the text taken
    out of any file) and :data:`MAX_DOCUMENT_BYTES` for a .pdf or .docx file.

    Example:
        >>> check_size("big.txt", 30 * 2**20, text=True)
        Traceback (most recent call last):
        ...
        miyun_text.errors.InputTooLargeError: big.txt: 30.0 MB of text is over the limit of 20 MB for one report ...
    """
    limit = MAX_TEXT_BYTES if text else MAX_DOCUMENT_BYTES
    if size > limit:
        what = "of text" if text else "of PDF or Word file"
        raise InputTooLargeError(
            f"{path}: {size / 2**20:,.1f} MB {what} is over the limit of {limit // 2**20} MB for one report (a "
            "government work report is well under 1 MB of text); check that this is the one report meant, and if "
            "it is, add it with --large (in Python: add_report(..., large=True)); reading it takes about 6 times "
            "its size in memory"
        )


def read_raw(path: str | os.PathLike[str], *, large: bool = True) -> RawText:
    """Read a raw report read-only, detect its encoding (or extract its text), and return its text.

    ``.txt``: UTF-8 with or without BOM, UTF-16 with or without BOM, GB18030/GBK, Big5
    (Traditional; the t2s step of cleaning makes it Simplified, logged). ``.html``/``.htm``,
    ``.pdf`` and ``.docx``: the main text extracted by :mod:`miyun_text.extract`, recorded
    in ``extraction``. Line ends are normalised to ``\\n``; the file itself is never changed.
    ``large=False`` (what ``miyun-text add`` uses) refuses a file or text over the size
    limits (:func:`check_size`) before reading it; reports already in the corpus are read
    whatever their size.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
        >>> _ = p.write_bytes("密云区".encode("gbk"))
        >>> read_raw(p).encoding, read_raw(p).text
        ('gb18030', '密云区')
    """
    target = Path(path)
    if target.is_dir():
        raise NotAFileError(f"{target}: is a folder, not a report file; give the path of the report file in it")
    if not target.is_file():
        raise MissingFileError(
            f"{target}: file not found; put the report there or fix its row in reports.csv"
        )
    suffix = target.suffix.lower()
    if not large:
        check_size(target, target.stat().st_size, text=suffix in (".txt", ".html", ".htm", ""))
    with open(target, "rb") as handle:  # read-only: raw data is never written
        data = handle.read()
    if not data or data.isspace():  # (not data.strip(): that would copy a long file)
        raise EmptyFileError(f"{target}: file is empty; copy the full report text into it")
    if suffix in (".txt", ""):
        text, encoding = decode_text(data, target)
        extraction = "text"
    elif suffix in RAW_EXTENSIONS:
        text, extraction = extract_text(data, target)
        if not large:
            check_size(target, sum(len(text[k : k + 2**20].encode("utf-8")) for k in range(0, len(text), 2**20)),
                       text=True)
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


def checked_raw_path(folder: Path, report_id: str, raw_sha256: str) -> Path:
    """The raw file of a report in the data folder ``folder``, its sha256 checked against the manifest's.

    A changed file raises :class:`~miyun_text.errors.ChecksumMismatchError` before it is decoded.

    Example:
        >>> import tempfile, pathlib, hashlib
        >>> d = pathlib.Path(tempfile.mkdtemp()); (d / "raw").mkdir(); _ = (d / "raw" / "r.txt").write_bytes(b"a")
        >>> checked_raw_path(d, "r", hashlib.sha256(b"a").hexdigest()).name
        'r.txt'
    """
    path = find_raw(folder / "raw", report_id)
    digest = sha256_file(path)
    if digest != raw_sha256:  # a changed file is reported as changed before it is decoded
        raise ChecksumMismatchError(
            f"{path}: sha256 is {digest} but reports.csv expects "
            f"{raw_sha256}; the raw file changed. Restore the original file, or, "
            "if this is a new version of the report, update raw_sha256 in reports.csv"
        )
    return path

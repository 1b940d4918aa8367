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
from .errors import ChecksumMismatchError, DuplicateReportError, EmptyFileError, MissingFileError, UndecodableFileError
from .extract import extract_text

__all__ = ["RAW_EXTENSIONS", "RawText", "checked_raw_path", "find_raw", "read_raw", "sha256_file"]

RAW_EXTENSIONS = (".txt", ".html", ".htm", ".pdf", ".docx")


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
        text, encoding = decode_text(data, target)
        extraction = "text"
    elif suffix in RAW_EXTENSIONS:
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

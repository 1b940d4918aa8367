"""The manifest (``data/reports.csv``) and the errata (``data/errata.csv``): read, validated, extended.

Every row is checked before any raw file is opened: ids are safe file names, years are
years, checksums are sha256 digests, and each problem names the file and line.
:func:`add_report` adds a report in one step: the raw copy and its validated row.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .clean import clean_text
from .digest import sha256_file
from .errors import (
    ChecksumMismatchError,
    DuplicateReportError,
    ErrataError,
    ManifestError,
    MissingFileError,
    MiyunTextError,
    NotAFileError,
    UndecodableFileError,
)
from .io import write_bytes_atomic
from .lock import data_lock
from .paths import find_data_dir
from .raw import RAW_EXTENSIONS, RawText, read_raw
from .structure import parse_report

log = logging.getLogger(__name__)

__all__ = [
    "ERRATA_COLUMNS",
    "ERRATA_OPTIONAL_COLUMNS",
    "MANIFEST_COLUMNS",
    "METADATA_LIMITS",
    "YEAR_RANGE",
    "AddedReport",
    "add_report",
    "check_metadata",
    "check_report_id",
    "read_errata",
    "read_manifest",
    "region_slug",
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
_OFFSET_DIGITS = 10  # a character offset has at most this many digits (no report holds 10**10 characters)


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
        record: dict[str, object] = {c: (row.get(c) or "").strip() for c in MANIFEST_COLUMNS}
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
            shown = repr(row["offset"]) if len(row["offset"]) <= 40 else repr(row["offset"][:40]) + "…"
            raise ErrataError(
                f"{path}:{line}: offset {shown} is not a whole number from 0 up; write the "
                "character offset of the damaged span in the raw text"
            )
        if len(offset_text.lstrip("0")) > _OFFSET_DIGITS:
            raise ErrataError(
                f"{path}:{line}: offset {offset_text[:12]}… has {len(offset_text):,} digits, far beyond the end of "
                "any report; write the character offset of the damaged span in the raw text"
            )
        if not row["corrupted"]:
            raise ErrataError(f"{path}:{line}: empty corrupted text; copy the damaged span from the raw file")
        entry: dict[str, object] = {c: row.get(c) or "" for c in columns}
        entry.update(report_id=rid, offset=int(offset_text), line=line)
        records.append(entry)
    frame = pd.DataFrame.from_records(records, columns=[*columns, "line"])
    frame = frame.astype({"offset": "int64", "line": "int64"})
    frame.attrs["path"] = str(path)
    return frame



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
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for people: what was added and what loading it found, warnings first."""
        lines = [f"warning: {w}" for w in self.warnings] + [
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
    # imported here, not at the top: pypinyin loads its phrase dictionary on import (about
    # 0.5 s), and only adding a report needs it, not every load of the corpus
    from pypinyin import Style, lazy_pinyin

    name = region.strip()
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            name = name[: -len(suffix)]
            break
    # characters without a reading (Latin letters, digits) are kept as they are
    syllables = lazy_pinyin(name, style=Style.NORMAL, v_to_u=False)
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


# The longest value each field may hold, in characters: a region's name is a few characters
# (内蒙古自治区 is six), a title or session a line.
METADATA_LIMITS = {"region": 40, "level": 10, "title": 200, "session": 200, "source_url": 2000}
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKUP_CHARACTER = re.compile(r"[<>]")
_URL = re.compile(r"(?:https?|ftp)://[^\s\"'<>]+", re.IGNORECASE)


def check_metadata(field: str, value: object) -> str:
    """A manifest field given by a user (``region``, ``level``, ``title``, ``session``, ``source_url``), checked.

    Returns the value stripped of surrounding white space (``""`` for None). Refused with
    :class:`~miyun_text.errors.ManifestError` naming the field: a line break or any other
    control character (terminal escape codes included), ``<`` or ``>`` (a name is text,
    never markup), more characters than :data:`METADATA_LIMITS` allows, and a source URL
    that is not ``http(s)://`` or ``ftp://``.

    Example:
        >>> check_metadata("region", " 密云区 ")
        '密云区'
        >>> check_metadata("region", "<img src=x onerror=alert(3)>区")
        Traceback (most recent call last):
        ...
        miyun_text.errors.ManifestError: --region '<img src=x onerror=alert(3)>区': holds '<' ...
    """
    text = "" if value is None else str(value).strip()
    option = "--" + field.replace("_", "-")
    shown = repr(text) if len(text) <= 60 else repr(text[:60]) + "…"
    control = _CONTROL_CHARACTER.search(text)
    if control:
        kind = "a line break" if control.group() in "\n\r\u2028\u2029" else "a control character"
        raise ManifestError(f"{option} {shown}: holds {kind} (U+{ord(control.group()):04X}) at position "
                            f"{control.start()}; give it as one line of plain text")
    markup = _MARKUP_CHARACTER.search(text)
    if markup:
        raise ManifestError(f"{option} {shown}: holds {markup.group()!r} at position {markup.start()}, which "
                            "names, titles and sessions never need; give it as plain text without < and >")
    limit = METADATA_LIMITS.get(field)
    if limit is not None and len(text) > limit:
        raise ManifestError(f"{option} {shown}: {len(text):,} characters is over the limit of {limit} for the "
                            f"{field.replace('_', ' ')}; give it in short")
    if field == "source_url" and text and not _URL.fullmatch(text):
        raise ManifestError(f"{option} {shown}: not a web address; give the http:// or https:// address where "
                            "the report was found")
    return text


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
    large: bool = False,
) -> AddedReport:
    """Add a report in one step: copy the file into ``data/raw/``, append its manifest row, read it.

    The file is read first (encoding detected or text extracted; bad input raises before
    anything is written), then copied byte for byte to ``data/raw/<report_id><ext>``, and
    a row with its sha256 is appended to ``data/reports.csv`` (written atomically, its
    columns and existing rows kept). Without ``report_id`` one is made from the region's
    pinyin and the year (密云区, 2025 → ``miyun_2025``; ``_2``, ``_3`` … when taken).
    The result says what loading found: encoding, parts, sections, paragraphs, repairs
    and unrepaired spans (which need rows in ``data/errata.csv`` before a strict build).
    A second report of a region and year already in the manifest (a second session of
    the congress, a revised text) is added with a warning in ``warnings``: both count in
    every region and year view, and the latest delivered is the one the within-report
    views describe, so ``delivered_on`` and ``session`` should tell them apart.

    Safe to run several at once: choosing the id, copying the file and appending the row
    happen under the data folder's write lock (:func:`miyun_text.lock.data_lock`); the
    copy never replaces an existing file, and a failure removes only what this call made.
    Region, level, title, session and source URL are checked (:func:`check_metadata`); a
    file over the size limits (:func:`miyun_text.raw.check_size`) needs ``large=True``.
    An interrupt after the row is written says that the report was added.

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
    source = Path(path)
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    suffix = source.suffix.lower()
    if source.is_dir():
        raise NotAFileError(f"{source}: is a folder, not a report file; give the path of the report file to add")
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
    region = check_metadata("region", region)
    if not region:
        raise ManifestError("region is empty; give the region as the report names it, like 密云区")
    if delivered_on and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", delivered_on.strip()):
        raise ManifestError(f"delivered_on {delivered_on!r} is not a date; write it like 2025-01-08")
    if level is None:
        suffixes = sorted(_LEVELS, key=len, reverse=True)
        level = next((_LEVELS[sfx] for sfx in suffixes if region.endswith(sfx)), "")
    row = {
        "year": str(year),
        "region": region,
        "level": check_metadata("level", level),
        "title": check_metadata("title", title) or f"{year}年{region}政府工作报告",
        "delivered_on": (delivered_on or "").strip(),
        "session": check_metadata("session", session),
        "source_url": check_metadata("source_url", source_url),
    }
    raw = read_raw(source, large=large)  # decode or extract first: bad input fails before anything is written
    row["raw_sha256"] = raw.sha256
    row["notes"] = _CONTROL_CHARACTER.sub(" ", f"Added from {source.name}; {raw.extraction}")
    with data_lock(folder, what="add"):
        report_id, target = _append_report(folder, source, raw, row, report_id)
        others = read_manifest(folder)
    warnings = _same_region_and_year(others[others["report_id"] != report_id], region, year, report_id,
                                     delivered_on, session)
    try:
        cleaned = clean_text(raw.text, report_id=report_id, strict=False)
        paragraphs = parse_report(cleaned.text, report_id, year)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"interrupted after adding {report_id}: {target} and its row in "
                                f"{folder / 'reports.csv'} are in place; run miyun-text clean to read it") from None
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
        warnings=warnings,
    )


def _same_region_and_year(manifest: pd.DataFrame, region: str, year: int, report_id: str,
                          delivered_on: str | None, session: str | None) -> list[str]:
    """A warning when the manifest already holds a report of this region and year."""
    same = manifest[(manifest["region"].astype(str).str.strip() == region) & (manifest["year"] == year)]
    if same.empty:
        return []

    def described(row: pd.Series) -> str:
        facts = [f"delivered {row['delivered_on']}" if row.get("delivered_on") else "no delivered_on",
                 f"session {row['session']}" if row.get("session") else "no session"]
        return f"{row['report_id']!r} ({', '.join(facts)})"

    others = "; ".join(described(row) for _, row in same.iterrows())
    missing = [name for name, value in (("--delivered-on", delivered_on), ("--session", session)) if not value]
    advice = (f" Give {' and '.join(missing)} so the two are told apart; the latest delivered is the one the "
              "within-report views describe." if missing else "")
    return [f"{region} {year} already has report {others}; this one is added as {report_id!r}, and both count in "
            f"every {region} and {year} view.{advice}"]


def _append_report(folder: Path, source: Path, raw: RawText, row: dict[str, str],
                   report_id: str | None) -> tuple[str, Path]:
    """The read-modify-write of adding a report, done under the data folder's lock.

    Reads the manifest, chooses the id, copies the file to a name no file has (never over
    one), appends the row and validates the whole manifest; on any failure, removes the
    copy and restores the manifest, and nothing else: files other commands made stay.
    """
    manifest_path = folder / "reports.csv"
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
        report_id = _new_report_id(row["region"], int(row["year"]), taken)
    else:
        check_report_id(report_id, "--id")
    if report_id in taken:
        raise DuplicateReportError(
            f"{manifest_path}: report_id {report_id!r} is already used (manifest or data/raw/); choose another id"
        )
    with open(manifest_path, "rb") as handle:
        before = handle.read()
    text = before.decode("utf-8-sig")
    header = next(csv.reader([text.splitlines()[0]])) if text.strip() else []
    if header[: len(MANIFEST_COLUMNS)] != MANIFEST_COLUMNS and set(MANIFEST_COLUMNS) - set(header):
        raise ManifestError(f"{manifest_path}:1: the header must hold {','.join(MANIFEST_COLUMNS)}")
    values = {**row, "report_id": report_id}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([values.get(c, "") for c in header])
    bom = before[:3] if before.startswith(codecs.BOM_UTF8) else b""
    body = text if text.endswith("\n") or not text else text + "\n"
    target = folder / "raw" / f"{report_id}{source.suffix.lower()}"
    _copy_to_new_file(source, target)  # made by this call from here on
    manifest_touched = False
    try:
        if sha256_file(target) != raw.sha256:
            raise ChecksumMismatchError(f"{target}: the copy differs from {source}; the source changed while copying")
        manifest_touched = True
        write_bytes_atomic(manifest_path, bom + (body + buffer.getvalue()).encode("utf-8"))
        read_manifest(folder)  # the whole manifest still validates with the new row
    except BaseException:
        if manifest_touched:
            write_bytes_atomic(manifest_path, before)
        target.unlink(missing_ok=True)
        raise
    return report_id, target


def _copy_to_new_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` through a temporary file, refusing to replace a file already there.

    The finished copy is linked into place, which fails if the name is taken; where the
    file system has no hard links, the name is checked and the copy renamed (the caller
    holds the data folder's lock, so no one else writes there meanwhile).
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:  # streamed: a large file is never in memory
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise DuplicateReportError(f"{target}: a file of this name is already in data/raw/; nothing was "
                                       "added (choose another --id, or move that file out)") from None
        except OSError:
            if target.exists():
                raise DuplicateReportError(f"{target}: a file of this name is already in data/raw/; nothing was "
                                           "added (choose another --id, or move that file out)") from None
            os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)

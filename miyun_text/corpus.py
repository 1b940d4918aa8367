"""Load the reports listed in the manifest: read-only, checksummed, repaired.

A report is one file in ``data/raw/`` (named ``<report_id>`` plus ``.txt``, ``.html``,
``.htm``, ``.pdf`` or ``.docx``) plus one row in ``data/reports.csv``; reading the raw
file is :mod:`miyun_text.raw` (decoding: :mod:`miyun_text.decode`), the manifest and
errata :mod:`miyun_text.manifest`. Every repair of the text happens in
:mod:`miyun_text.clean` and is logged.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from .clean import REPAIR_COLUMNS, clean_text, repair_frame

# The names below moved to their own modules; they stay importable from here for code
# written before the split.
from .decode import TEXT_ENCODINGS, chinese_text_problem
from .digest import sha256_file
from .manifest import (
    ERRATA_COLUMNS,
    ERRATA_OPTIONAL_COLUMNS,
    MANIFEST_COLUMNS,
    YEAR_RANGE,
    AddedReport,
    add_report,
    check_report_id,
    read_errata,
    read_manifest,
    region_slug,
)
from .paths import find_data_dir
from .raw import RAW_EXTENSIONS, RawText, checked_raw_path, find_raw, read_raw

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
        raw = read_raw(checked_raw_path(folder, row.report_id, row.raw_sha256))
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
                            else repair_frame([]).assign(report_id=pd.Series(dtype="object"))
                            [["report_id", *REPAIR_COLUMNS]])
    return out

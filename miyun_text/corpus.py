"""The corpus: one loader, one object holding every table a measure needs.

:func:`open_corpus` reads the reports listed in the manifest (read-only, checksummed,
repaired, parsed and segmented; in parallel and cached, :mod:`miyun_text.pipeline`)
and returns a :class:`Corpus`: ``reports`` (one row per report, with its display
label), ``paragraphs``, ``repairs`` (the repair log) and ``tokens`` (a
:class:`~miyun_text.tokens.Tokens`). Every measure takes a Corpus (or a plain
paragraph table), and a Corpus narrowed with :meth:`Corpus.select` or
:meth:`Corpus.where` keeps its tables consistent.

A report is one file in ``data/raw/`` (named ``<report_id>`` plus ``.txt``, ``.html``,
``.htm``, ``.pdf`` or ``.docx``) plus one row in ``data/reports.csv``; reading the raw
file is :mod:`miyun_text.raw` (decoding: :mod:`miyun_text.decode`), the manifest and
errata :mod:`miyun_text.manifest`. Every repair of the text happens in
:mod:`miyun_text.clean` and is logged.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .clean import REPAIR_COLUMNS, repair_frame

# TEXT_ENCODINGS, chinese_text_problem, sha256_file, the manifest's names and the raw
# file's moved to their own modules; they stay importable from here for code written
# before the split.
from .decode import TEXT_ENCODINGS, chinese_text_problem
from .digest import sha256_file
from .errors import ArgumentError, DataTypeError
from .grouping import report_label
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
from .pipeline import load
from .raw import RAW_EXTENSIONS, RawText, checked_raw_path, find_raw, read_raw
from .segment import Segmenter, content_segmenter, place_names
from .structure import corpus_paragraphs
from .tokens import Tokens, TokenView, token_table

__all__ = [
    "ERRATA_COLUMNS",
    "ERRATA_OPTIONAL_COLUMNS",
    "MANIFEST_COLUMNS",
    "RAW_EXTENSIONS",
    "TEXT_ENCODINGS",
    "YEAR_RANGE",
    "AddedReport",
    "Corpus",
    "RawText",
    "add_report",
    "check_report_id",
    "chinese_text_problem",
    "find_raw",
    "load_corpus",
    "load_reports",
    "open_corpus",
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
        raw = read_raw(checked_raw_path(folder, str(row.report_id), str(row.raw_sha256)))
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


def _values(value: object) -> list[Any] | None:
    """A selection value as a list (one value or several), None for no selection."""
    if value is None:
        return None
    if isinstance(value, (str, int, np.integer)):
        return [value]
    return list(value)  # type: ignore[call-overload]


class Corpus:
    """A loaded corpus: its reports, paragraphs, repair log and tokens, kept consistent.

    * ``reports``: one row per report: the manifest columns, ``label`` (``密云区 2024``,
      the name tables and figures show), ``encoding``, ``extraction``, ``text`` (canonical
      Simplified Chinese) and ``n_repairs``;
    * ``paragraphs``: one row per paragraph (:func:`~miyun_text.structure.corpus_paragraphs`),
      each carrying ``report_id, year, region, level, label``;
    * ``repairs``: the repair log, one row per change (``report_id`` and
      :data:`~miyun_text.clean.REPAIR_COLUMNS`);
    * ``tokens``: a :class:`~miyun_text.tokens.Tokens`, cut once (cached) and narrowed
      with the paragraphs.

    Make one with :func:`open_corpus`, or from tables with :meth:`from_tables`. Every
    measure takes a Corpus where it takes a paragraph table, and gives the same result,
    reading the token table rather than segmenting again. A Corpus is not changed in place:
    :meth:`select`, :meth:`where` and :meth:`assign` return new ones (the tokens a measure
    reads are worked out once per filter and kept).

    Example:
        >>> corpus = Corpus.from_tables(pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["密云区"],
        ...     "level": ["区"], "text": ["2024年密云区政府工作报告\\n一、2023年工作回顾\\n守护密云水库。"]}))
        >>> corpus
        <Corpus: 1 report (密云区 2024), 2 paragraphs>
        >>> corpus.body.tokens.frame["token"].tolist()
        ['守护', '密云水库', '。']
    """

    def __init__(self, reports: pd.DataFrame, paragraphs: pd.DataFrame, repairs: pd.DataFrame,
                 tokens: Tokens | None = None, *, segmenter: Segmenter | None = None,
                 places: Iterable[str] | None = None) -> None:
        self.reports = reports
        # the place names segmentation keeps whole: those of the reports it was loaded with,
        # kept when it is narrowed, so that a narrower corpus is cut as the whole one was
        self.places = tuple(places) if places is not None else place_names(reports)
        self.paragraphs = paragraphs
        self.repairs = repairs
        self._tokens = tokens
        # the token table of a wider corpus this one was narrowed from (or its own): its
        # views serve these paragraphs as they are; it is narrowed itself only when asked for
        self._source = tokens
        self._segmenter = segmenter
        self._views: dict[str, TokenView] = {}

    @classmethod
    def from_tables(cls, reports: pd.DataFrame, repairs: pd.DataFrame | None = None, *,
                    segmenter: Segmenter | None = None) -> Corpus:
        """A Corpus from a table of reports (``report_id``, ``year``, ``region``, ``level``, ``text``),
        parsed into paragraphs here; its tokens are cut when first asked for.

        Example:
            >>> reports = pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["甲区"], "level": ["区"],
            ...                         "text": ["一、工作回顾\\n保水。"]})
            >>> Corpus.from_tables(reports).paragraphs["label"].tolist()
            ['甲区 2024']
        """
        if not isinstance(reports, pd.DataFrame):
            raise DataTypeError(f"Corpus.from_tables expects a DataFrame of reports, got {type(reports).__name__}")
        reports = reports.copy()
        if "label" not in reports.columns:
            reports["label"] = [report_label(r.get("region"), r.get("year"), r.get("report_id"))
                                for r in reports.to_dict("records")]
        if repairs is None:
            repairs = repair_frame([])
            repairs.insert(0, "report_id", pd.Series(dtype="object"))
            repairs = repairs[["report_id", *REPAIR_COLUMNS]]
        return cls(reports, corpus_paragraphs(reports), repairs, segmenter=segmenter)

    def __len__(self) -> int:
        return len(self.reports)

    def __repr__(self) -> str:
        labels = self.reports["label"].astype(str).tolist() if "label" in self.reports else []
        shown = "、".join(labels[:3]) + ("…" if len(labels) > 3 else "")
        n, p = len(self.reports), len(self.paragraphs)
        return (f"<Corpus: {n} report{'s' if n != 1 else ''}{f' ({shown})' if shown else ''}, "
                f"{p:,} paragraph{'s' if p != 1 else ''}>")

    @property
    def tokens(self) -> Tokens:
        """The token table of these paragraphs (cut once, cached on disk per report)."""
        if self._tokens is None:
            if self._source is None:
                self._source = token_table(self.paragraphs, self._segmenter or content_segmenter(self))
            self._tokens = self._source.restrict(self.paragraphs)
        return self._tokens

    def view(self, segmenter: Segmenter) -> TokenView | None:
        """The tokens of these paragraphs as ``segmenter`` keeps them, read from the token
        table; None when ``segmenter`` cuts otherwise (the measure then cuts the text itself).

        Example:
            >>> from miyun_text.segment import content_segmenter
            >>> c = Corpus.from_tables(pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["甲区"],
            ...                                      "level": ["区"], "text": ["一、工作回顾\\n全面推进乡村振兴。"]}))
            >>> c.view(content_segmenter()).kept().token.to_pylist()
            ['乡村振兴']
        """
        source = self._source if self._source is not None else self.tokens
        if not source.serves(segmenter):
            return None
        # one view per filter: the measures of a corpus count the same tokens again and again
        if segmenter.key not in self._views:
            self._views[segmenter.key] = source.view(self.paragraphs, segmenter)
        return self._views[segmenter.key]

    def _narrowed(self, paragraphs: pd.DataFrame, report_ids: Iterable[str] | None = None) -> Corpus:
        ids = set(paragraphs["report_id"].astype(str)) if report_ids is None else set(report_ids)
        reports = self.reports[self.reports["report_id"].astype(str).isin(ids)].reset_index(drop=True)
        repairs = self.repairs[self.repairs["report_id"].astype(str).isin(ids)].reset_index(drop=True)
        out = Corpus(reports, paragraphs.reset_index(drop=True), repairs, segmenter=self._segmenter,
                     places=self.places)
        out._source = self._source
        return out

    def select(self, report_ids: Iterable[str] | str | None = None, *, region: object = None, year: object = None,
               level: object = None) -> Corpus:
        """The reports named (ids), or of the given region(s), year(s) and level(s), with their
        paragraphs, repairs and tokens. Each criterion is one value or a list; they combine.

        Example:
            >>> reports = pd.DataFrame({"report_id": ["a", "b"], "year": [2023, 2024], "region": ["甲区", "甲区"],
            ...                         "level": ["区", "区"], "text": ["一、回顾\\n保水。", "一、回顾\\n富民。"]})
            >>> Corpus.from_tables(reports).select(year=2024).paragraphs["text"].tolist()
            ['富民。']
        """
        keep = pd.Series(True, index=self.reports.index)
        for column, wanted in (("report_id", report_ids), ("region", region), ("year", year), ("level", level)):
            values = _values(wanted)
            if values is None:
                continue
            if column not in self.reports.columns:
                raise ArgumentError(f"select: the reports have no {column!r} column")
            present = self.reports[column].dropna().unique().tolist()
            unknown = [v for v in values if v not in present]
            if column == "report_id" and unknown:
                raise ArgumentError(f"select: report id(s) {unknown} not in the corpus; reports: {sorted(present)}")
            keep &= self.reports[column].isin(values)
        ids = self.reports.loc[keep, "report_id"].astype(str).tolist()
        paragraphs = self.paragraphs[self.paragraphs["report_id"].astype(str).isin(ids)]
        return self._narrowed(paragraphs, ids)

    def where(self, mask: Any) -> Corpus:
        """The paragraphs where ``mask`` (aligned with :attr:`paragraphs`) holds, their reports,
        repairs and tokens.

        Example:
            >>> c = Corpus.from_tables(pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["甲区"],
            ...     "level": ["区"], "text": ["一、2023年工作回顾\\n保水。\\n二、2024年工作安排\\n富民。"]}))
            >>> c.where(c.paragraphs["part_kind"] == "plan").paragraphs["text"].tolist()
            ['富民。']
        """
        mask = pd.Series(mask, index=self.paragraphs.index) if not isinstance(mask, pd.Series) else mask
        return self._narrowed(self.paragraphs[mask.astype(bool)])

    @property
    def body(self) -> Corpus:
        """The parts of every report, without the preamble (title lines and opening address, ``part_no`` 0)."""
        return self.where(self.paragraphs["part_no"] > 0)

    def assign(self, **columns: Any) -> Corpus:
        """The same corpus with paragraph columns added or replaced (as ``DataFrame.assign``).

        Example:
            >>> c = Corpus.from_tables(pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["甲区"],
            ...                                      "level": ["区"], "text": ["一、回顾\\n保水。"]}))
            >>> c.assign(topic="水").paragraphs["topic"].tolist()
            ['水']
        """
        out = Corpus(self.reports, self.paragraphs.assign(**columns), self.repairs, self._tokens,
                     segmenter=self._segmenter, places=self.places)
        out._source = self._source
        return out


def open_corpus(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    report_ids: Iterable[str] | None = None,
    workers: int | None = None,
    strict: bool = True,
    progress: bool = False,
) -> Corpus:
    """Load the corpus: every report of the manifest (or those of ``report_ids``), checksummed,
    repaired, parsed and segmented, in parallel and cached.

    ``data_dir`` is the project's ``data/`` folder (default: ``$MIYUN_TEXT_DATA``, or
    ``data/`` found from the working directory upwards). Reports are decoded, cleaned,
    parsed and segmented on ``workers`` processes (default: every core; 1 runs in this
    process), and cached per report: a second call reads the cache after checking each
    raw file's sha256. With ``strict=True`` (default) mojibake no step repairs raises
    :class:`~miyun_text.errors.UnrepairedDamageError`; ``progress=True`` shows a
    progress bar over the reports being processed.

    Example:
        >>> corpus = open_corpus()  # doctest: +SKIP
        >>> corpus.reports.loc[0, "label"], len(corpus.tokens) > 0  # doctest: +SKIP
        ('密云区 2024', True)
    """
    loaded = load(data_dir, report_ids=report_ids, workers=workers, strict=strict, progress=progress)
    places = loaded.tokens.segmenter.places if loaded.tokens is not None else None  # the manifest's
    return Corpus(loaded.reports, loaded.paragraphs, loaded.repairs, loaded.tokens, places=places)


def load_corpus(
    data_dir: str | os.PathLike[str] | None = None, *, strict: bool = True, progress: bool = False
) -> pd.DataFrame:
    """One row per report with clean text: :attr:`Corpus.reports` of :func:`open_corpus`.

    Prefer :func:`open_corpus`, which also gives the paragraphs, the repair log
    (``Corpus.repairs``) and the tokens; this view does not segment. Columns: the
    manifest columns, ``label``, ``encoding``, ``extraction``, ``text`` and ``n_repairs``.

    Example:
        >>> load_corpus().loc[0, "text"][:9]  # doctest: +SKIP
        '2024年北京市密云区'
    """
    return load(data_dir, tokens=False, strict=strict, progress=progress).reports

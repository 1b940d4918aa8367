"""Grouping paragraphs: what ``by=`` means, the panel columns every paragraph carries, report labels.

Every measure that takes ``by=`` reads it through :func:`group_columns`, so the same
names (``report``, ``region``, ``year``, ``level``, ``part``, ``part_kind``,
``section``, a column, or a list of them) mean the same groups everywhere; and every
measure checks its paragraph table's text cells with :func:`text_cells`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
import pandas as pd

from .errors import ArgumentError, DataTypeError, GroupingError

__all__ = [
    "GROUPINGS",
    "PANEL_COLUMNS",
    "By",
    "HasParagraphs",
    "check_top_k",
    "group_codes",
    "group_columns",
    "group_label",
    "narrow",
    "panel_values",
    "paragraphs_of",
    "report_label",
    "text_cells",
]

# What ``by=`` takes: a grouping name or column, a list of them, or None for one group.
By = str | Sequence[str] | None


@runtime_checkable
class HasParagraphs(Protocol):
    """Anything measures accept besides a plain paragraph table: an object with a ``.paragraphs``
    table (a :class:`~miyun_text.corpus.Corpus`), narrowed with ``where(mask)``."""

    @property
    def paragraphs(self) -> pd.DataFrame: ...

    def where(self, mask: Any) -> Any: ...


D = TypeVar("D", pd.DataFrame, HasParagraphs)

PANEL_COLUMNS = ["year", "region", "level", "label"]


def report_label(region: object, year: object, report_id: object = None) -> str:
    """The display label of a report: ``密云区 2024`` (region and year from the manifest).

    Falls back to the report id where the manifest gives no region or year.

    Example:
        >>> report_label("密云区", 2024), report_label(None, 2023, "r23")
        ('密云区 2024', 'r23')
    """
    if _missing(region) or str(region).strip() == "" or _missing(year):
        return str(report_id) if report_id is not None else "—"
    return f"{str(region).strip()} {int(str(year))}"


def _missing(value: object) -> bool:
    """None, NaN, pd.NA or NaT: a manifest cell left empty."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def panel_values(row: dict) -> dict[str, Any]:
    """The panel columns a report's paragraphs carry, from its manifest row (blank region/level: None).

    Example:
        >>> panel_values({"report_id": "r", "year": 2024, "region": "密云区", "level": ""})
        {'year': 2024, 'region': '密云区', 'level': None, 'label': '密云区 2024'}
    """
    region = row.get("region")
    region = None if region is None or pd.isna(region) else str(region).strip() or None
    level = row.get("level")
    level = None if level is None or pd.isna(level) else str(level).strip() or None
    return {"year": int(row["year"]), "region": region, "level": level,
            "label": report_label(region, row["year"], row["report_id"])}



# Named groupings: what ``by="section"`` and friends mean in a paragraph table. A name or
# a list of names (``["region", "year"]``) is accepted everywhere a measure takes ``by=``.
GROUPINGS = {
    "report": ["report_id"],
    "region": ["region"],
    "year": ["year"],
    "level": ["level"],
    "part": ["report_id", "part_no", "part_kind"],
    "part_kind": ["report_id", "part_kind"],
    "section": ["report_id", "part_no", "section_no", "section_title"],
}


def group_columns(frame: pd.DataFrame, by: str | Sequence[str]) -> list[str]:
    """The columns a grouping names: a key of :data:`GROUPINGS`, a column, or a list of either.

    A single name is looked up in :data:`GROUPINGS` first (``"section"`` is a report's
    section). In a list, a name that is a column of the table is that column, and any
    other name expands as in :data:`GROUPINGS`; the parts combine in order without
    repeating a column (``["region", "year"]``, ``["region", "part_kind"]`` pools the
    reports of a region by part kind, ``["report", "part_kind"]`` keeps them apart).
    ``"year"`` falls back to ``part_year`` in a single report's paragraph table.

    Example:
        >>> group_columns(pd.DataFrame(columns=["report_id", "part_no", "section_no", "section_title"]), "section")
        ['report_id', 'part_no', 'section_no', 'section_title']
        >>> group_columns(pd.DataFrame(columns=["report_id", "region", "year", "part_kind"]), ["region", "part_kind"])
        ['region', 'part_kind']
    """
    names = [by] if isinstance(by, str) else list(by)
    columns: list[str] = []
    for name in names:
        wanted = [name] if len(names) > 1 and name in frame.columns else GROUPINGS.get(name, [name])
        if wanted == ["year"] and "year" not in frame.columns and "part_year" in frame.columns:
            wanted = ["part_year"]
        columns += [c for c in wanted if c not in columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GroupingError(f"cannot group by {by!r}: no column(s) {missing}; available: {list(frame.columns)}; "
                            f"groupings: {', '.join(GROUPINGS)}")
    return columns


def check_top_k(top_k: object, caller: str) -> int | None:
    """``top_k`` as every function takes it: a whole number from 1 up, or None for all.

    Example:
        >>> check_top_k(5, "f"), check_top_k(None, "f")
        (5, None)
    """
    if top_k is None:
        return None
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ArgumentError(f"{caller}: top_k must be a whole number from 1 up, or None for all; got {top_k!r}")
    return int(top_k)


def group_codes(frame: pd.DataFrame, by: By) -> tuple[np.ndarray, pd.DataFrame]:
    """Each row's group number (0, 1, … in order of first appearance) and the groups' key values.

    ``by`` follows :func:`group_columns`; ``None`` puts every row in one group (with no
    key columns). Missing key values form groups of their own.

    Example:
        >>> frame = pd.DataFrame({"report_id": ["b", "a", "b"], "text": ["", "", ""]})
        >>> codes, keys = group_codes(frame, "report")
        >>> codes.tolist(), keys["report_id"].tolist()
        ([0, 1, 0], ['b', 'a'])
    """
    if by is None:
        return np.zeros(len(frame), dtype="int64"), pd.DataFrame(index=range(1 if len(frame) else 0))
    columns = group_columns(frame, by)
    grouped = frame.groupby(columns, sort=False, dropna=False)
    codes = grouped.ngroup().to_numpy(dtype="int64")
    keys = grouped.size().index.to_frame(index=False)
    # the keys keep the table's dtypes (the index would make an Int64 column float or object)
    keys = keys.astype({c: frame[c].dtype for c in columns})
    return codes, keys


def group_label(values: tuple) -> str:
    """A readable label for a group's key values, missing values shown as —.

    Example:
        >>> group_label(("miyun_2024", 1, None))
        'miyun_2024 | 1 | —'
    """
    return " | ".join("—" if pd.isna(v) else str(v) for v in values)


def paragraphs_of(data: object, caller: str = "this function") -> pd.DataFrame:
    """The checked paragraph table of what a measure was given: a paragraph table, or a
    :class:`~miyun_text.corpus.Corpus` (any object with a ``.paragraphs`` table).

    Example:
        >>> paragraphs_of(pd.DataFrame({"text": ["保水", None]}))["text"].tolist()
        ['保水', '']
    """
    paragraphs = getattr(data, "paragraphs", None)
    if not isinstance(data, pd.DataFrame) and isinstance(paragraphs, pd.DataFrame):
        data = paragraphs
    return text_cells(data, caller)


def narrow(data: D, mask: Any) -> D:
    """The paragraphs of ``data`` where ``mask`` holds, of the same kind as ``data``: a table's
    rows, or a :class:`~miyun_text.corpus.Corpus` narrowed with every table it holds.

    Example:
        >>> frame = pd.DataFrame({"year": [2023, 2024], "text": ["甲", "乙"]})
        >>> narrow(frame, frame["year"] == 2024)["text"].tolist()
        ['乙']
    """
    if isinstance(data, pd.DataFrame):
        return data[mask]
    return data.where(mask)


def text_cells(paragraphs: object, caller: str = "this function", column: str = "text") -> pd.DataFrame:
    """Check the text column of a paragraph table at a measure's entry.

    The rule every measure follows: a missing cell (``None``, ``NaN``, ``pd.NA``) is an
    empty paragraph, so it adds no words (never the words "nan" or "None"); any other
    cell that is not a ``str`` raises :class:`~miyun_text.errors.DataTypeError` (a
    ``TypeError``) naming its row, and so does a table that is not a DataFrame.

    Example:
        >>> text_cells(pd.DataFrame({"text": ["保水", None, float("nan")]}))["text"].tolist()
        ['保水', '', '']
        >>> text_cells("保水", "theme_frequencies")
        Traceback (most recent call last):
        ...
        miyun_text.errors.DataTypeError: theme_frequencies expects a Corpus or a DataFrame with a 'text' column ...
    """
    if not isinstance(paragraphs, pd.DataFrame):
        raise DataTypeError(f"{caller} expects a Corpus or a DataFrame with a {column!r} column (one row per "
                            f"paragraph), got {type(paragraphs).__name__}")
    if column not in paragraphs.columns:
        raise ArgumentError(f"{caller}: the table needs a {column!r} column (one row per paragraph); "
                            f"it has {list(paragraphs.columns)}")
    values = paragraphs[column]
    missing = values.isna()
    # a string column, or one pandas infers as strings, needs no look at each cell
    if isinstance(values.dtype, pd.StringDtype) or pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        cells = pd.Series(dtype=object)
    else:
        cells = values[~missing]
    for index, value in cells.items():
        if not isinstance(value, str):
            raise DataTypeError(f"{caller}: {column} at row {index!r} is {type(value).__name__} {value!r}, not "
                                "text; fix the cell, or drop the row")
    if not missing.any():
        return paragraphs
    out = paragraphs.copy()
    out[column] = values.astype(object).where(~missing, "")
    return out

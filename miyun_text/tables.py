"""Tables for people: rounded by column, Chinese left-aligned, missing values blank, never cut silently.

Two renderings of the same rules:

- :func:`show_table` gives a styled table (pandas ``Styler``) for notebooks and their
  HTML: no meaningless index, a "showing n of N" caption and, when the table is
  shortened, a link to the full table written as UTF-8 CSV with BOM into
  ``build/html/tables/`` beside the pages.
- :func:`text_table` gives the same table as plain text for a terminal, aligned by
  display width (a Chinese character takes two columns) and wrapped to the terminal.

Context columns (a sentence quoted for a term) are cut around the term with
:func:`centre_context`, so the term itself is never lost.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ArgumentError

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

__all__ = ["centre_context", "column_decimals", "format_value", "show_table", "tables_dir", "text_table"]

_ELLIPSIS = "…"


def centre_context(text: str, term: str, width: int = 20) -> str:
    """Cut ``text`` to ``width`` characters either side of the first ``term``, marking cuts with ….

    Where the term does not occur, the start of the text is kept (``2 * width`` characters).

    Example:
        >>> centre_context("一二三四五六七八九十保水甲乙丙丁戊己庚", "保水", width=3)
        '…八九十保水甲乙丙…'
        >>> centre_context("短句保水。", "保水", width=5)
        '短句保水。'
    """
    text = "" if text is None else str(text)
    at = text.find(term) if term else -1
    if at < 0:
        return text if len(text) <= 2 * width else text[: 2 * width] + _ELLIPSIS
    start, end = max(0, at - width), min(len(text), at + len(term) + width)
    return (_ELLIPSIS if start > 0 else "") + text[start:end] + (_ELLIPSIS if end < len(text) else "")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def column_decimals(frame: pd.DataFrame) -> dict[str, int]:
    """Decimals to show per numeric column: 0 for counts, fewer for large values, more for small.

    A float column whose values are all whole numbers shows none; otherwise the largest
    absolute value decides: ≥ 100 → 1, ≥ 1 → 2, below 1 → 3.

    Example:
        >>> import pandas as pd
        >>> column_decimals(pd.DataFrame({"n": [3, 4], "z": [2.123, -0.5], "p": [0.0012, 0.3], "r": [140.2, 3.0]}))
        {'n': 0, 'z': 2, 'p': 3, 'r': 1}
    """
    from pandas.api.types import is_bool_dtype, is_float_dtype, is_integer_dtype

    out: dict[str, int] = {}
    for name in frame.columns:
        column = frame[name]
        if is_bool_dtype(column.dtype):
            continue
        if is_integer_dtype(column.dtype):
            out[str(name)] = 0
        elif is_float_dtype(column.dtype):
            values = column.dropna().astype(float)
            values = values[values.map(math.isfinite)]
            if values.empty or (values == values.round()).all():
                out[str(name)] = 0
                continue
            top = values.abs().max()
            out[str(name)] = 1 if top >= 100 else 2 if top >= 1 else 3
    return out


def format_value(value: Any, decimals: int | None = None) -> str:
    """A cell as text: missing values blank, numbers with ``decimals`` (no separators: years stay 2024).

    Example:
        >>> format_value(1234.5678, 1), format_value(None), format_value(float("nan"), 2), format_value("保水")
        ('1234.6', '', '', '保水')
    """
    if _is_missing(value):
        return ""
    if decimals is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.{decimals}f}"
    if hasattr(value, "item") and decimals is not None:  # numpy scalars
        return format_value(value.item(), decimals)
    return str(value)


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return [str(c) for c in frame.columns if is_numeric_dtype(frame[c].dtype) and not is_bool_dtype(frame[c].dtype)]


def _meaningful_index(frame: pd.DataFrame) -> bool:
    import pandas as pd

    index = frame.index
    return not (isinstance(index, pd.RangeIndex) or (index.name is None and index.dtype.kind in "iu"))


def tables_dir() -> Path:
    """Where full tables go as CSV: ``$MIYUN_TEXT_TABLES``, else ``build/html/tables`` of the project.

    The HTML build points ``$MIYUN_TEXT_TABLES`` at the folder beside the pages, so the
    link ``tables/<name>.csv`` under a shortened table opens the full table.

    Example:
        >>> tables_dir().parts[-3:]  # doctest: +SKIP
        ('build', 'html', 'tables')
    """
    env = os.environ.get("MIYUN_TEXT_TABLES")
    if env:
        return Path(env)
    from .paths import find_data_dir

    return find_data_dir().parent / "build" / "html" / "tables"


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _flat_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Column labels as text: a pivot's (region, year) columns read ``密云区 2024``, a year ``2024``."""
    import pandas as pd

    columns = frame.columns
    if isinstance(columns, pd.MultiIndex):
        names = [str(n) for n in columns.names if n is not None]
        flat = pd.Index([" ".join(str(v) for v in label) for label in columns], name=" ".join(names) or None)
    elif all(isinstance(c, str) for c in columns):
        return frame
    else:
        flat = pd.Index([str(c) for c in columns], name=columns.name)
    if flat.has_duplicates:
        raise ArgumentError(f"columns {list(columns)} read the same as text; rename them before showing the table")
    out = frame.copy()
    out.columns = flat
    return out


def _prepare(frame: pd.DataFrame, context: Mapping[str, str] | None, width: int) -> pd.DataFrame:
    shown = frame.copy()
    for column, term_column in (context or {}).items():
        if column not in shown.columns:
            raise ArgumentError(f"context column {column!r} is not in the table (columns: {list(shown.columns)})")
        terms = shown[term_column] if term_column in shown.columns else [term_column] * len(shown)
        shown[column] = [
            "" if _is_missing(text) else centre_context(str(text), "" if _is_missing(t) else str(t), width)
            for text, t in zip(shown[column], terms, strict=True)
        ]
    return shown


def show_table(
    frame: pd.DataFrame,
    name: str | None = None,
    *,
    rows: int = 20,
    decimals: Mapping[str, int] | None = None,
    context: Mapping[str, str] | None = None,
    width: int = 20,
    caption: str | None = None,
    folder: str | os.PathLike[str] | None = None,
) -> Styler:
    """A styled table for notebooks and HTML that says how much of the table it shows.

    The first ``rows`` rows are shown with the index hidden (unless it carries labels),
    numbers rounded per column (:func:`column_decimals`, overridden by ``decimals``),
    text left-aligned and missing values blank. ``context`` maps a context column to the
    column holding its term (or to a literal term); those cells are cut around the term
    (:func:`centre_context`, ``width`` characters each side) and centred, and a KWIC
    table's ``left`` / ``term`` / ``right`` columns line up on the term. With ``name``,
    the full table is written to ``<folder>/<name>.csv`` (UTF-8 with BOM; ``folder``
    defaults to :func:`tables_dir`) and the caption links to ``tables/<name>.csv``.

    Example:
        >>> import pandas as pd, tempfile
        >>> t = pd.DataFrame({"term": ["保水", "两山", "接诉即办"], "count": [3, 2, 1], "share": [0.51234, 0.3, None]})
        >>> html = show_table(t, "terms", rows=2, folder=tempfile.mkdtemp()).to_html()
        >>> "showing 2 of 3" in html and 'href="tables/terms.csv"' in html and "0.512" in html
        True
    """
    from .escape import html_text, spreadsheet_cells
    from .io import write_csv

    if name is not None and not _NAME.match(name):
        raise ArgumentError(f"table name {name!r}: use letters, digits, '_', '-' or '.' (it becomes a file name)")
    frame = _flat_columns(frame)
    total = len(frame)
    shown = _prepare(frame.head(rows), context, width)
    link = ""
    if name is not None:
        # a meaningful index (a pivot's row labels) is part of the table, so the CSV keeps it as a column
        full = frame.reset_index() if _meaningful_index(frame) else frame
        # opened in spreadsheets: a cell such as =HYPERLINK(…) is written as text, not a formula
        write_csv(spreadsheet_cells(full), (Path(folder) if folder is not None else tables_dir()) / f"{name}.csv")
        link = f' · <a href="tables/{html.escape(name)}.csv">完整表格 full table (CSV)</a>'
    count = f"showing {len(shown)} of {total} rows" if len(shown) < total else f"all {total} rows"
    count_zh = f"显示 {len(shown)} / {total} 行" if len(shown) < total else f"共 {total} 行"
    title = f"<b>{html.escape(caption)}</b> · " if caption else ""
    digits = column_decimals(frame)
    digits.update(decimals or {})
    numeric = [c for c in _numeric_columns(shown) if c in digits]
    text_columns = [str(c) for c in shown.columns if str(c) not in numeric]
    # every cell, header and axis name is data, never markup (the Styler writes them into HTML as they are)
    shown = shown.rename_axis(index=[None if n is None else html_text(n) for n in shown.index.names],
                              columns=[None if n is None else html_text(n) for n in shown.columns.names])
    styler = shown.style
    uuid = re.sub(r"[^A-Za-z0-9_]", "_", name) if name else "table"
    styler = styler.set_uuid(uuid)
    styler = styler.format(lambda v: html_text(format_value(v, None)), na_rep="")
    for column in numeric:
        styler = styler.format(lambda v, d=digits[column]: html_text(format_value(v, d)), subset=[column], na_rep="")
    styler = styler.format_index(html_text, axis=0).format_index(html_text, axis=1)
    if not _meaningful_index(frame):
        styler = styler.hide(axis="index")
    left_cols = [c for c in text_columns if c not in (context or {}) and c not in {"left", "term"}]
    kwic = {"left", "term", "right"} <= set(shown.columns)
    centred = list(context or {}) + (["term"] if kwic else [])
    if left_cols:
        styler = styler.set_properties(subset=left_cols, **{"text-align": "left"})
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right",
                                                          "font-variant-numeric": "tabular-nums"})
    if kwic:
        styler = styler.set_properties(subset=["left"], **{"text-align": "right", "white-space": "nowrap"})
        styler = styler.set_properties(subset=["right"], **{"white-space": "nowrap"})
    if centred:
        styler = styler.set_properties(subset=centred, **{"text-align": "center"})
    if "term" in shown.columns and not kwic:
        styler = styler.set_properties(subset=["term"], **{"text-align": "left"})
    styler = styler.set_table_styles([
        {"selector": "th", "props": "text-align: left; white-space: nowrap;"},
        {"selector": "caption", "props": "caption-side: bottom; text-align: left; color: #555; font-size: 0.9em;"},
    ])
    return styler.set_caption(f"{title}{count_zh} · {count}{link}")


def _display_width(text: str) -> int:
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Break ``text`` into at most ``max_lines`` pieces of ``width`` display columns; … marks a cut."""
    from wcwidth import wcwidth

    lines, line, used = [], "", 0
    for char in text:
        w = max(wcwidth(char), 0)
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line += char
        used += w
    lines = [*lines, line] if line or not lines else lines
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _display_width(last) + 1 > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last + _ELLIPSIS]
    return lines


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _display_width(text))
    return gap + text if right else text + gap


def text_table(frame: pd.DataFrame, rows: int = 40, width: int | None = None,
               context: Mapping[str, str] | None = None, hint: str = "use --rows or --out") -> str:
    """The table as aligned plain text for a terminal, at most ``width`` columns wide.

    Columns are measured in display width (CJK characters count two); numbers are
    rounded per column and right-aligned, text left-aligned, missing values blank. When
    the table is wider than ``width`` (default: the terminal's), the widest columns are
    narrowed and their cells wrap onto further lines. A shortened table ends with
    ``showing n of N (<hint>)``.

    Example:
        >>> import pandas as pd
        >>> print(text_table(pd.DataFrame({"词": ["保水", "京津冀协同发展"], "z": [2.0, -1.25]}), rows=1, width=40))
        词      z
        保水  2.00
        showing 1 of 2 (use --rows or --out)
    """
    import shutil

    if width is None:
        width = shutil.get_terminal_size((100, 24)).columns
    total = len(frame)
    shown = _prepare(frame.head(rows), context, 20)
    # a long text column with one value throughout (a comparison's label) is said once, above the table
    notes = []
    for column in list(shown.columns):
        values = frame[column].dropna().unique() if len(frame) > 1 else []
        if len(values) == 1 and isinstance(values[0], str) and _display_width(values[0]) > 12:
            notes.append(f"{column}: {values[0]}")
            shown = shown.drop(columns=[column])
    digits = column_decimals(frame)
    numeric = set(_numeric_columns(shown)) & set(digits)
    headers = [str(c) for c in shown.columns]
    cells = [[format_value(v, digits.get(c) if c in numeric else None).replace("\n", " ") for v in shown[col]]
             for c, col in zip(headers, shown.columns, strict=True)]
    widths = [max([_display_width(h)] + [_display_width(v) for v in column]) for h, column in zip(headers, cells,
                                                                                                    strict=True)]
    gap = 2
    budget = width - gap * (len(widths) - 1)
    if sum(widths) > budget:
        # numbers and short columns keep their width; long text columns share what is left, and wrap
        fixed = [i for i, w in enumerate(widths) if headers[i] in numeric or w <= 12]
        flexible = sorted((i for i in range(len(widths)) if i not in fixed), key=lambda i: (widths[i], i))
        left = budget - sum(widths[i] for i in fixed)
        for k, i in enumerate(flexible):
            share = left // (len(flexible) - k)
            widths[i] = min(widths[i], max(8, share))
            left -= widths[i]
    lines = list(notes)

    def emit(values: Sequence[str]) -> None:
        pieces = [_wrap(v, w) for v, w in zip(values, widths, strict=True)]
        for k in range(max(len(p) for p in pieces) if pieces else 0):
            row = [_pad(p[k] if k < len(p) else "", w, headers[i] in numeric)
                   for i, (p, w) in enumerate(zip(pieces, widths, strict=True))]
            lines.append((" " * gap).join(row).rstrip())

    emit(headers)
    for r in range(len(shown)):
        emit([column[r] for column in cells])
    if len(shown) < total:
        lines.append(f"showing {len(shown)} of {total} ({hint})")
    return "\n".join(lines)

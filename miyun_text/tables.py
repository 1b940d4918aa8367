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

import functools
import html
import io
import math
import os
import re
import shutil
import unicodedata
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ArgumentError
from .escape import html_text, spreadsheet_cells, terminal_text
from .io import write_csv
from .paths import find_data_dir

# `miyun-text --help` formats its text with this module, so pandas and most of rich are
# imported inside the functions that need them (pandas alone costs ~0.3 s; see benchmarks/bench_cli.py).
if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

__all__ = ["centre_context", "column_decimals", "docs_cell", "docs_table", "format_value", "show_table",
           "tables_dir", "terminal_safe", "terminal_width", "text_block", "text_table"]

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


def docs_cell(value: object) -> str:
    """``value`` as literal text in a cell of the documentation's Markdown (Python-Markdown,
    as MkDocs reads it): one line, pipes escaped, and ``&``, ``<``, ``>`` and the characters
    that open links, emphasis or code escaped, so a value from a report or a parser is never markup.

    Example:
        >>> print(docs_cell("[a-z0-9]* <id> | x_1"))
        \\[a-z0-9\\]\\* &lt;id&gt; \\| x\\_1
    """
    text = " ".join(str(value).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\[\]*_`|])", r"\\\1", text)


def docs_table(frame: pd.DataFrame, columns: Mapping[str, str] | None = None, *, align: bool = True,
               bold: Mapping[str, object] | None = None) -> str:
    """``frame`` as a Markdown table for the documentation, every cell through :func:`docs_cell`.

    ``columns`` picks and names the columns (default: all, as named); with ``align`` numeric
    columns are right-aligned; ``bold`` (a column and a value) sets the first cell of the
    rows holding that value in bold; integers are written with thousands separators.

    Example:
        >>> import pandas as pd
        >>> print(docs_table(pd.DataFrame({"n": [2, 3], "passages": [8357, 7886]}), bold={"n": 3}))
        | n | passages |
        |---:|---:|
        | 2 | 8,357 |
        | **3** | 7,886 |
    """
    names = dict(columns) if columns is not None else {str(c): str(c) for c in frame.columns}
    rule = ["---:" if align and frame[c].dtype.kind in "if" else "---" for c in names]
    lines = ["| " + " | ".join(docs_cell(n) for n in names.values()) + " |", "|" + "|".join(rule) + "|"]
    mark = next(iter(bold.items())) if bold else None
    for row in frame[list(names)].to_dict("records"):
        cells = [docs_cell(f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v) for v in row.values()]
        if mark is not None and row[mark[0]] == mark[1]:
            cells[0] = f"**{cells[0]}**"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


_PAIRED = re.compile(r"^(?:(?:target|actual|start|end)_(?P<stem1>.+)|(?P<stem2>.+)_(?:a|b|from|to))$")


def column_decimals(frame: pd.DataFrame) -> dict[str, int]:
    """Decimals to show per numeric column: 0 for counts, fewer for large values, more for small.

    A float column whose values are all whole numbers shows none; otherwise the largest
    absolute value decides: ≥ 100 → 1, ≥ 1 → 2, below 1 → 3. Paired columns, the two
    sides of one measure (``per_10k_a`` and ``per_10k_b``, ``target_value`` and
    ``actual_value``, ``count_from`` and ``count_to``), show the same decimals, the
    larger of the two, so a reader compares like with like.

    Example:
        >>> import pandas as pd
        >>> column_decimals(pd.DataFrame({"n": [3, 4], "z": [2.123, -0.5], "p": [0.0012, 0.3], "r": [140.2, 3.0]}))
        {'n': 0, 'z': 2, 'p': 3, 'r': 1}
        >>> column_decimals(pd.DataFrame({"per_10k_a": [96.44, 3.0], "per_10k_b": [247.7, 17.69]}))
        {'per_10k_a': 2, 'per_10k_b': 2}
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
    pairs: dict[str, list[str]] = {}
    for name in out:
        match = _PAIRED.match(name)
        if match:
            pairs.setdefault(match.group("stem1") or match.group("stem2"), []).append(name)
    for names in pairs.values():
        if len(names) > 1:
            shared = max(out[n] for n in names)
            out.update(dict.fromkeys(names, shared))
    return out


def _escaped_value(value: Any, decimals: int | None = None) -> str:
    return html_text(format_value(value, decimals))


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
    rows_word = "row" if total == 1 else "rows"
    count = f"showing {len(shown)} of {total} {rows_word}" if len(shown) < total else f"{total} {rows_word}"
    count_zh = f"显示 {len(shown)} / {total} 行" if len(shown) < total else f"共 {total} 行"
    title = f"<b>{html.escape(caption)}</b> · " if caption else ""
    digits = column_decimals(frame)
    digits.update(decimals or {})
    numeric = [c for c in _numeric_columns(shown) if c in digits]
    text_columns = [str(c) for c in shown.columns if str(c) not in numeric]
    # every cell, header and axis name is data, never markup (the Styler writes them into HTML as they are)
    index_names: list[Any] = [None if n is None else html_text(n) for n in shown.index.names]
    column_names: list[Any] = [None if n is None else html_text(n) for n in shown.columns.names]
    shown = shown.rename_axis(index=index_names, columns=column_names)
    styler = shown.style
    uuid = re.sub(r"[^A-Za-z0-9_]", "_", name) if name else "table"
    styler = styler.set_uuid(uuid)
    styler = styler.format(lambda v: html_text(format_value(v, None)), na_rep="")
    for column in numeric:
        styler = styler.format(functools.partial(_escaped_value, decimals=digits[column]), subset=[column], na_rep="")
    styler = styler.format_index(html_text, axis=0).format_index(html_text, axis=1)
    if not _meaningful_index(frame):
        styler = styler.hide(axis="index")
    left_cols: list[Hashable] = [c for c in text_columns if c not in (context or {}) and c not in {"left", "term"}]
    kwic = {"left", "term", "right"} <= set(shown.columns)
    centred: list[Hashable] = [*(context or {}), *(["term"] if kwic else [])]
    if left_cols:
        styler = styler.set_properties(subset=left_cols, **{"text-align": "left"})
    if numeric:
        styler = styler.set_properties(subset=list[Hashable](numeric), **{"text-align": "right",
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


# Line and paragraph breaks inside a cell become spaces; then escape.terminal_text removes whole
# escape sequences (ESC ] 0;title BEL, ESC [ 2J) and control characters, and what is left of the
# format characters (bidi marks, zero-width joiners) goes too: none of it may reach a terminal.
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]")


def terminal_safe(text: object) -> str:
    """``text`` as one line that is safe to print: breaks become spaces; escape sequences, control
    and format characters go (:func:`miyun_text.escape.terminal_text`).

    Example:
        >>> terminal_safe("保水\\x1b[31m红\\n第二行\\u202e"), terminal_safe("怀柔\\x1b]0;owned\\x07区")
        ('保水红 第二行', '怀柔区')
    """
    clean = terminal_text(_BREAKS.sub(" ", str(text)))
    return "".join(c for c in clean if unicodedata.category(c) != "Cf")


def _console(width: int):
    """A rich console that renders into a string: no colour, markup, emoji or highlighting, so data stays data."""
    from rich.console import Console

    return Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False, legacy_windows=False,
                   emoji=False, markup=False, highlight=False, soft_wrap=False)


def terminal_width() -> int:
    """The terminal's width in columns (``$COLUMNS`` first; 100 when output is not a terminal).

    Example:
        >>> terminal_width() > 0
        True
    """
    return max(20, shutil.get_terminal_size((100, 24)).columns)


def text_block(text: str, width: int | None = None) -> str:
    """Plain text for a terminal: each line of ``text`` made safe and wrapped to ``width`` display columns.

    Example:
        >>> print(text_block("比较：密云区 2024 回顾与安排", width=16))
        比较：密云区
        2024 回顾与安排
    """
    from rich.text import Text

    console = _console(width or terminal_width())
    out = []
    for line in str(text).split("\n"):
        wrapped = Text(terminal_safe(line)).wrap(console, console.width, overflow="fold")
        out += [piece.plain.rstrip() for piece in wrapped] or [""]
    return "\n".join(out)


class _Cell:
    """A text cell for rich: wrapped to its column (headers break after ``_``), at most
    ``max_lines`` lines, the last ending in … where text was cut."""

    def __init__(self, text: str, max_lines: int = 3, header: bool = False) -> None:
        self.text = text
        self.max_lines = max_lines
        self.pieces = re.findall(r"[^_]*_|[^_]+", text) if header else [text]

    def __rich_measure__(self, console, options):
        from rich.cells import cell_len
        from rich.measure import Measurement

        widest = max([cell_len(p) for p in self.pieces] or [0])
        return Measurement(min(widest, 6), max(cell_len(self.text), 1))

    def __rich_console__(self, console, options):
        from rich.cells import cell_len
        from rich.text import Text

        width = max(1, options.max_width)
        if len(self.pieces) > 1 and max(cell_len(p) for p in self.pieces) <= width:
            lines, line = [], ""
            for piece in self.pieces:  # a header such as change_pct breaks after its underscore
                if line and cell_len(line + piece) > width:
                    lines.append(line)
                    line = ""
                line += piece
            wrapped = [Text(x) for x in [*lines, line]]
        else:
            wrapped = list(Text(self.text).wrap(console, width, overflow="fold"))
        if len(wrapped) > self.max_lines:
            wrapped = wrapped[: self.max_lines]
            last = wrapped[-1]
            last.rstrip()
            while last.plain and cell_len(last.plain) + 1 > width:
                last.right_crop(1)
            last.append(_ELLIPSIS)
        for line in wrapped:
            line.end = "\n"
            yield line


def _constant(column: pd.Series) -> tuple[bool, str]:
    """Whether a column says one thing throughout (one value, or empty), and that thing as text."""
    present = column.dropna()
    if present.empty:
        return True, "(empty)"
    if len(present) < len(column):
        return False, ""
    values = present.astype(str).unique()
    return len(values) == 1, str(values[0])


def text_table(frame: pd.DataFrame, rows: int = 40, width: int | None = None,
               context: Mapping[str, str] | None = None, hint: str = "use --rows or --out",
               decimals: Mapping[str, int] | None = None, empty: str | None = None) -> str:
    """The table as aligned plain text for a terminal, at most ``width`` columns wide.

    Laid out by rich, which counts display width (a Chinese character takes two columns).
    Numbers are rounded per column (:func:`column_decimals`, overridden by ``decimals``)
    and right-aligned; text is left-aligned and missing values blank. A column that says
    one thing throughout (one value, or empty) is said once above the table. Long text
    wraps within its column, at most three lines, the last ending in … where it was cut.
    When the columns cannot all fit, those on the right are left out and named. A
    shortened table ends with ``showing n of N (<hint>)``; an empty one says so, with
    ``empty`` explaining why. Control characters in the data never reach the terminal
    (:func:`terminal_safe`).

    Example:
        >>> import pandas as pd
        >>> print(text_table(pd.DataFrame({"词": ["保水", "京津冀协同发展"], "z": [2.0, -1.25]}), rows=1, width=40))
        词        z
        ──────────
        保水   2.00
        showing 1 of 2 (use --rows or --out)
        >>> print(text_table(pd.DataFrame({"词": []}), empty="no quoted terms in these reports", width=40))
        no rows: no quoted terms in these reports
    """
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    width = width or terminal_width()
    frame = _flat_columns(frame)
    total = len(frame)
    if total == 0:
        return text_block("no rows" + (f": {empty}" if empty else ""), width)
    shown = _prepare(frame.head(rows), context, 20)
    notes = []
    if total >= 3:
        for column in list(shown.columns):
            same, value = _constant(frame[column])
            if same and shown.shape[1] > 1:
                notes.append(f"{terminal_safe(column)} {terminal_safe(value)}")
                shown = shown.drop(columns=[column])
    digits = column_decimals(frame)
    digits.update(decimals or {})
    numeric = set(_numeric_columns(shown)) & set(digits)
    headers = [terminal_safe(c) for c in shown.columns]
    cells = [[terminal_safe(format_value(v, digits.get(c) if c in numeric else None)) for v in shown[c]]
             for c in shown.columns]
    values = [max([cell_len(v) for v in column] or [0]) for column in cells]
    header_full = [cell_len(h) for h in headers]
    # a header such as change_pct may break after its underscore rather than widen its column
    header_min = [max(cell_len(p) for p in _Cell(h, header=True).pieces) for h in headers]
    is_number = [str(c) in numeric for c in shown.columns]
    # short columns keep their width; long text columns share what is left, and wrap
    flexible = [not number and max(v, h) > 12 for number, v, h in zip(is_number, values, header_full, strict=True)]
    gap = 2

    def needed(keep: list[int], fixed: list[int], flex_min: int) -> int:
        return sum(min(max(values[i], header_min[i]), flex_min) if flexible[i] else fixed[i] for i in keep) \
            + gap * (len(keep) - 1)

    full = [max(v, h) for v, h in zip(values, header_full, strict=True)]
    short = [max(v, h) for v, h in zip(values, header_min, strict=True)]
    everything = list(range(len(headers)))
    # positions and ids (part_no, section_no, report_id) are the first to go for want of width
    trailing = [i for i in everything if i == 0 or not re.search(r"_(no|id)$", headers[i])]
    # the first layout that fits: full headers, then headers broken after "_", then without positions
    # and ids, then with narrower text columns; only then are further columns left out, from the right
    stages = [(everything, full, 24), (everything, short, 24), (trailing, short, 24), (trailing, short, 16),
              (everything, short, 12), (trailing, short, 12)]
    keep, fixed, flex_min = next(((list(k), f, m) for k, f, m in stages if needed(list(k), f, m) <= width),
                                 (list(trailing), short, 12))
    while len(keep) > 1 and needed(keep, fixed, flex_min) > width:
        fixed_right = [i for i in keep[1:] if not flexible[i]]
        keep.remove((fixed_right or keep[1:])[-1])
    left_out = [headers[i] for i in everything if i not in keep]
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), collapse_padding=True)
    for i in keep:
        table.add_column(_Cell(headers[i], header=True), justify="right" if is_number[i] else "left",
                         width=None if flexible[i] else fixed[i])
    for r in range(len(shown)):
        table.add_row(*[_Cell(cells[i][r]) if flexible[i] else Text(cells[i][r]) for i in keep])
    console = _console(width)
    console.print(table)
    lines = [line.rstrip() for line in console.file.getvalue().splitlines()]
    above = [" · ".join(notes)] if notes else []
    if left_out:
        above.append(f"not shown for want of width: {', '.join(left_out)} (--out writes every column)")
    below = [f"showing {len(shown)} of {total} ({hint})"] if len(shown) < total else []
    return "\n".join(x for x in [text_block("\n".join(above), width) if above else "", "\n".join(lines),
                                 text_block("\n".join(below), width) if below else ""] if x)

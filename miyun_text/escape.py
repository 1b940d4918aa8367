"""Values from reports, the manifest or a user, made safe for where they are shown.

A region, a title, a term or a sentence is data, never markup, a formula or a terminal
command. Each place that shows such a value passes it through the function for that place:

- :func:`html_text` for HTML text and attribute values;
- :func:`markdown_text` for Markdown that a notebook displays (findings);
- :func:`script_json` for JSON embedded in a page's ``<script>`` element;
- :func:`spreadsheet_cells` for CSV that people open in a spreadsheet (formula injection);
- :func:`terminal_text` for anything printed to a terminal (escape codes).

:data:`CONTENT_SECURITY_POLICY` is the second wall: every page of the site carries it, so
a value that escaped escaping still cannot run a script or reach the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

# imported by `miyun-text --help` (through miyun_text.tables): pandas is imported inside the two
# table functions, so the help text does not wait for it (see benchmarks/bench_cli.py)
if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "FORMULA_STARTS",
    "content_security_policy",
    "csp_meta",
    "html_text",
    "markdown_text",
    "script_json",
    "spreadsheet_cell",
    "spreadsheet_cells",
    "terminal_text",
]


def html_text(value: object) -> str:
    """``value`` as text for HTML content or a quoted attribute: ``& < > " '`` escaped.

    Example:
        >>> html_text('<img src=x onerror=alert(1)>区')
        '&lt;img src=x onerror=alert(1)&gt;区'
    """
    return html.escape(str(value), quote=True)


# ASCII punctuation Markdown (with the extensions notebooks render: tables, strikethrough, math,
# autolinks) may read as syntax; CommonMark lets a backslash escape any of it. < > & become
# entities, which every Markdown renderer passes through as text. - + . = make syntax only where
# a line starts (list items, 1. lists, setext headings), and a value never starts a line after
# its line breaks are gone unless it opens the text: there alone they are escaped, so numbers
# such as 4.8% read the same in the Markdown source as on the page.
_MARKDOWN_PUNCT = re.compile(r"([\\`*_{}\[\]()#!|~$:^])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(?=\s|[-=]*$)")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def markdown_text(value: object) -> str:
    """``value`` as literal text inside Markdown: no markup, link, emphasis, heading or math.

    Line breaks become spaces (a value cannot start a new list item or heading).

    Example:
        >>> print(markdown_text("[点击](javascript:alert(1)) <b>区</b>"))
        \\[点击\\]\\(javascript\\:alert\\(1\\)\\) &lt;b&gt;区&lt;/b&gt;
        >>> print(*map(markdown_text, ["增长4.8%", "- 1. 项", "2023. 年", "1.5万人"]))
        增长4.8% \\- 1. 项 2023\\. 年 1.5万人
    """
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _MARKDOWN_PUNCT.sub(r"\\\1", text)
    text = _MARKDOWN_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: Any) -> str:
    """JSON to embed in a ``<script>`` element: nothing in it can end the element or open a comment.

    ``<``, ``>``, ``&`` and U+2028/U+2029 are written as ``\\u`` escapes, which JSON reads back
    as the same characters. Keys are sorted and the text compact, so the same data gives
    the same bytes.

    Example:
        >>> script_json({"region": "</script><!--<script>区"})
        '{"region":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u003cscript\\\\u003e区"}'
        >>> json.loads(script_json({"a": "<&>"}))["a"]
        '<&>'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


# ---------------------------------------------------------------- the pages' policy

def content_security_policy(scripts: Iterable[str] = ()) -> str:
    """The Content-Security-Policy of a page whose only scripts are ``scripts`` (their exact text).

    Nothing is fetched from anywhere (``default-src 'none'``); images and fonts come from
    ``data:`` URLs only; inline styles are allowed (pages and tables are styled inline, and
    without network access a style can send nothing anywhere); a script runs only if its
    text is one of ``scripts`` (by sha256), so an injected ``<script>``, an event handler
    (``onerror=``) or a ``javascript:`` link does not. No base URL or form target.

    Example:
        >>> content_security_policy().split("; ")[0]
        "default-src 'none'"
        >>> "script-src 'sha256-" in content_security_policy(["run()"])
        True
    """
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
                     for s in scripts})
    parts = ["default-src 'none'", "img-src data:", "font-src data:", "style-src 'unsafe-inline'",
             "base-uri 'none'", "form-action 'none'"]
    if hashes:
        parts.insert(1, "script-src " + " ".join(hashes))
    return "; ".join(parts)


CONTENT_SECURITY_POLICY = content_security_policy()


def csp_meta(scripts: Iterable[str] = ()) -> str:
    """The ``<meta>`` element that gives a page :func:`content_security_policy`.

    Example:
        >>> csp_meta().startswith('<meta http-equiv="Content-Security-Policy" content="default-src')
        True
    """
    policy = content_security_policy(scripts)  # only ASCII letters, digits, spaces and ' - : ; + / = here
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


# ---------------------------------------------------------------- spreadsheets

# OWASP's list: a cell starting with one of these is read as a formula by Excel, LibreOffice
# or Google Sheets (=HYPERLINK(…), +cmd|…, -2+3, @SUM(…)), or starts one after a tab or CR.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def spreadsheet_cell(value: object) -> object:
    """A text cell a spreadsheet would read as a formula, with a leading ``'``; anything else as is.

    A cell that is just a number (``-3.5``, ``+2%``) is left alone: a spreadsheet reads it as
    that number, never as a formula.

    Example:
        >>> spreadsheet_cell('=HYPERLINK("http://x","点击")'), spreadsheet_cell("-3.5"), spreadsheet_cell(-3.5)
        ('\\'=HYPERLINK("http://x","点击")', '-3.5', -3.5)
        >>> spreadsheet_cell("@SUM（A1）"), spreadsheet_cell("保水")
        ("'@SUM（A1）", '保水')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`spreadsheet_cell` applied to its text columns (a copy; numbers stay numbers).

    Only columns of text (``object`` or ``string`` dtype) are looked at, and in them only
    string cells; numeric, boolean and date columns are returned unchanged. Column names
    are text too and get the same rule.

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"term": ["=1+2", "保水"], "gap": [-3.5, 1.0]})
        >>> spreadsheet_cells(t).values.tolist()
        [["'=1+2", -3.5], ['保水', 1.0]]
    """
    import pandas as pd
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for k in range(frame.shape[1]):
        series = frame.iloc[:, k]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object)
        elif not (is_object_dtype(series.dtype) or is_string_dtype(series.dtype)):
            continue
        out.isetitem(k, series.map(spreadsheet_cell, na_action="ignore").astype(series.dtype).to_numpy())
    if any(isinstance(c, str) and spreadsheet_cell(c) != c for c in frame.columns):
        out.columns = [spreadsheet_cell(c) for c in frame.columns]
    return out


# ---------------------------------------------------------------- terminals

# Whole escape sequences first (CSI, OSC and other ESC sequences), so no tail such as
# "]0;title" is left behind, then every other control character but \n and \t (\r too where
# asked: progress bars redraw their line with it); C1 controls, and the bidirectional
# overrides and isolates that make a terminal show text in another order than it is.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b]*(?:\x1b\\)?|\x1b[@-Z\\-_]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEP_CR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str, *, keep_cr: bool = False) -> str:
    """``text`` with terminal escape sequences and control characters removed (``\\n`` and ``\\t`` kept).

    Example:
        >>> terminal_text("密云\\x1b]0;owned\\x07\\x1b[2J区\\x07")
        '密云区'
    """
    text = _ESCAPE_SEQUENCE.sub("", text)
    return (_CONTROL_KEEP_CR if keep_cr else _CONTROL).sub("", text)

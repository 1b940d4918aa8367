"""Policy vocabulary: quoted expressions and numbered formulas.

Measures take text (a string, a Series of paragraphs, the paragraph table from
:func:`miyun_text.structure.parse_report`, or a ``Corpus``) and return tidy DataFrames;
on text without quotes they return empty frames with the right columns and dtypes.
Quantities, indicators and target attainment have their own modules
(:mod:`miyun_text.quantities`, :mod:`miyun_text.indicators`,
:mod:`miyun_text.attainment`); their names are importable from here as before.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Any

import pandas as pd

from .attainment import ATTAINMENT_COLUMNS, target_attainment
from .errors import DataTypeError
from .grouping import paragraphs_of, text_cells
from .indicators import INDICATOR_COLUMNS, canonical_indicator, extract_indicators, normalise_indicator
from .paths import resource_path
from .quantities import Quantity, parse_quantity
from .structure import split_sentences

__all__ = [
    "ATTAINMENT_COLUMNS",
    "INDICATOR_COLUMNS",
    "QUOTE_KINDS",
    "Quantity",
    "canonical_indicator",
    "extract_indicators",
    "formulas",
    "normalise_indicator",
    "parse_quantity",
    "quote_kind",
    "quoted_terms",
    "target_attainment",
]

QUOTE_KINDS = ("slogan", "programme", "honour", "metaphor", "other")
_QUOTE = re.compile(r"“([^“”\n]{1,40})”")
_NUMERALS = "一二两三四五六七八九十百千万"


def _paragraphs(data: str | pd.Series | pd.DataFrame | Any) -> pd.DataFrame:
    """Accept a string, a Series of texts, a paragraph table or a Corpus; return a paragraph table."""
    if isinstance(getattr(data, "paragraphs", None), pd.DataFrame):
        return paragraphs_of(data, "a Corpus")
    if isinstance(data, str):
        return pd.DataFrame({"text": [data]})
    if isinstance(data, pd.Series):
        return text_cells(pd.DataFrame({"text": data.tolist()}), "a Series of texts")
    if isinstance(data, pd.DataFrame) and "text" in data.columns:
        return text_cells(data, "a paragraph table")
    raise DataTypeError(
        f"expected a Corpus, a str, a Series of texts or a DataFrame with a 'text' column, got {type(data).__name__}"
    )


@lru_cache(maxsize=1)
def _kind_rules() -> dict:
    import yaml

    with open(resource_path("vocabulary.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def quote_kind(term: str) -> str:
    """Kind of a quoted expression: slogan, programme, honour, metaphor or other.

    Example:
        >>> quote_kind("保水、护山、守规、兴城"), quote_kind("百千工程"), quote_kind("护城河")
        ('slogan', 'programme', 'metaphor')
    """
    rules = _kind_rules()
    for kind in ("metaphor", "honour", "slogan", "programme"):
        rule = rules.get(kind, {})
        if term in rule.get("terms", []):
            return kind
    for kind in ("metaphor", "honour", "slogan", "programme"):
        rule = rules.get(kind, {})
        if any(term.endswith(s) for s in rule.get("suffixes", [])):
            return kind
        if any(c in term for c in rule.get("contains", [])):
            return kind
    return "other"


def quoted_terms(corpus: str | pd.Series | pd.DataFrame | Any) -> pd.DataFrame:
    """Every “…” expression with its count, first context and kind, most frequent first.

    Example:
        >>> quoted_terms("坚持“两山”理论。践行“两山”理念，打造“三好生”。")[["term", "count", "kind"]].values.tolist()
        [['两山', 2, 'slogan'], ['三好生', 1, 'honour']]
    """
    paragraphs = _paragraphs(corpus)
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for text in paragraphs["text"].astype(str):
        for sentence in split_sentences(text):
            for match in _QUOTE.finditer(sentence):
                term = match.group(1).strip()
                counts[term] += 1
                first.setdefault(term, sentence)
    rows = [
        {"term": t, "count": n, "kind": quote_kind(t), "first_context": first[t]}
        for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    frame = pd.DataFrame(rows, columns=["term", "count", "kind", "first_context"])
    return frame.astype({"term": "string", "count": "int64", "kind": "string", "first_context": "string"})


_FORMULA_PATTERNS = [
    # numeral formulas in quotes: “两山” “七有” “五好两宜” “三区三线” “百千工程”
    ("numbered", re.compile(rf"“([{_NUMERALS}][^“”，、。]{{0,5}}?(?:[{_NUMERALS}][^“”，、。]{{0,3}})?)”")),
    # digit formulas: “5+2”, 1+9+N, “1+5”
    ("digits", re.compile(r"(?<![\d.])(\d+(?:\+(?:\d+|[A-Z]))+)(?![\d.])")),
    # 两个确立, 四个意识: numeral + 个 + two-character idea
    ("numeral-个", re.compile(rf"(?<![\d{_NUMERALS}])([两三四五六七八九十]个[\u4e00-\u9fff]{{2}})(?=[”，、。；的]|$)")),
    # enumerations: 一条…带、四条…带
    ("enumeration", re.compile(rf"(一条[^、，。“”]{{2,16}}?带、[{_NUMERALS}]条[^、，。“”]{{2,16}}?带)")),
]


def formulas(corpus: str | pd.Series | pd.DataFrame | Any) -> pd.DataFrame:
    """Numbered formulas and abbreviations (两山, 七有, 五好两宜, “5+2”, 1+9+N, 两个确立, 一条…四条…).

    Example:
        >>> formulas("坚持“两山”理论，完善“5+2”体系，深化1+9+N机制。")[["formula", "form"]].values.tolist()
        [['1+9+N', 'digits'], ['5+2', 'digits'], ['两山', 'numbered']]
    """
    paragraphs = _paragraphs(corpus)
    counts: Counter[tuple[str, str]] = Counter()
    first: dict[str, str] = {}
    for text in paragraphs["text"].astype(str):
        for sentence in split_sentences(text):
            seen_here: set[tuple[int, int]] = set()
            for form, pattern in _FORMULA_PATTERNS:
                for match in pattern.finditer(sentence):
                    span = match.span(1)
                    if any(a <= span[0] < b for a, b in seen_here):
                        continue
                    seen_here.add(span)
                    term = match.group(1)
                    if form == "numbered" and term.startswith(("一年", "两年", "三年", "一批", "一系列")):
                        continue
                    counts[(term, form)] += 1
                    first.setdefault(term, sentence)
    rows = [
        {"formula": t, "form": f, "count": n, "first_context": first[t]}
        for (t, f), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    ]
    frame = pd.DataFrame(rows, columns=["formula", "form", "count", "first_context"])
    return frame.astype({"formula": "string", "form": "string", "count": "int64", "first_context": "string"})

"""Theme frequencies: what a report spends its words on, by report, part, section or year.

The lexicon (``resources/themes.yaml``) maps 10 themes to their terms; counts are of
content tokens (stopwords and boilerplate dropped), rates per 10,000 such tokens.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import ResourceError
from .paths import resource_path
from .segment import Segmenter, content_segmenter
from .structure import GROUPINGS, group_columns, group_label
from .tokens import token_positions

__all__ = [
    "GROUPINGS",
    "THEME_COLUMNS",
    "load_themes",
    "theme_coverage",
    "theme_frequencies",
    "theme_of",
    "uncovered_terms",
]

THEME_COLUMNS = ["group", "theme", "label", "count", "n_tokens", "per_10k", "share"]


@lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "themes" not in data:
        raise ResourceError(f"{path}: a theme lexicon needs a top-level 'themes:' mapping")
    shared = {str(k): set(v) for k, v in (data.get("shared") or {}).items()}
    rows, owner = [], {}
    for theme, spec in data["themes"].items():
        for key in ("label", "definition", "terms"):
            if key not in spec:
                raise ResourceError(f"{path}: theme {theme!r} lacks {key!r}")
        for term in spec["terms"]:
            term = str(term)
            if term in owner and term not in shared:
                raise ResourceError(
                    f"{path}: term {term!r} is in themes {owner[term]!r} and {theme!r}; keep it in one, "
                    "or list it under 'shared:' with both themes"
                )
            owner.setdefault(term, theme)
            rows.append({"theme": theme, "label": spec["label"], "definition": spec["definition"], "term": term})
    for term, themes in shared.items():
        for theme in themes:
            if theme not in data["themes"]:
                raise ResourceError(f"{path}: shared term {term!r} names unknown theme {theme!r}")
            if not any(r["term"] == term and r["theme"] == theme for r in rows):
                spec = data["themes"][theme]
                rows.append({"theme": theme, "label": spec["label"], "definition": spec["definition"], "term": term})
    return pd.DataFrame(rows, columns=["theme", "label", "definition", "term"])


def load_themes(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The theme lexicon, one row per (theme, term): theme, label, definition, term.

    Example:
        >>> lex = load_themes()
        >>> lex["theme"].nunique(), lex.query("term == '密云水库'")["label"].item()
        (10, '保水生态')
    """
    target = Path(path) if path else resource_path("themes.yaml")
    return _load(str(target)).copy()


def theme_of(term: str, lexicon: pd.DataFrame | None = None) -> list[str]:
    """The themes a term belongs to (usually one; several only where the lexicon says so).

    Example:
        >>> theme_of("保水"), theme_of("北大怀密医学中心")
        (['water_ecology'], ['innovation', 'livelihood'])
    """
    lex = lexicon if lexicon is not None else load_themes()
    return sorted(lex.loc[lex["term"] == term, "theme"].unique().tolist())


def theme_frequencies(
    paragraphs: pd.DataFrame,
    by: str | Sequence[str] = "section",
    *,
    lexicon: pd.DataFrame | None = None,
    segmenter: Segmenter | None = None,
    tokens: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Theme counts per group: count, rate per 10,000 content tokens and share of theme hits.

    ``paragraphs`` is the table of :func:`miyun_text.structure.parse_report` (or any
    table with a ``text`` column); ``by`` is ``"report"``, ``"part"``, ``"part_kind"``,
    ``"section"``, ``"year"`` or column name(s). Every group gets a row for every theme
    (zeros included), in the order groups first appear, then lexicon order. The group
    columns are kept beside ``group``, a readable label.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "text": ["守护密云水库，发展乡村旅游。"]})
        >>> tf = theme_frequencies(paras, by="report")
        >>> [int(v) for v in tf.set_index("theme").loc["water_ecology", ["count", "n_tokens"]]]
        [1, 4]
    """
    if "text" not in paragraphs.columns:
        raise ValueError("paragraphs needs a 'text' column")
    lex = lexicon if lexicon is not None else load_themes()
    seg = segmenter or content_segmenter()
    columns = group_columns(paragraphs, by)
    term_themes: dict[str, list[str]] = {}
    for row in lex.itertuples(index=False):
        term_themes.setdefault(row.term, []).append(row.theme)
    themes = list(dict.fromkeys(lex["theme"]))
    labels = dict(zip(lex["theme"], lex["label"], strict=True))
    rows = []
    grouped = paragraphs.groupby(columns, sort=False, dropna=False)
    if tokens is not None:
        group_counts = _table_counts(paragraphs, grouped.ngroup().to_numpy(), seg, tokens, term_themes, themes)
    for n, (keys, part) in enumerate(grouped):
        keys = keys if isinstance(keys, tuple) else (keys,)
        if tokens is None:
            words = [t for text in part["text"].astype(str) for t in seg.tokenize(text)]
            counts: Counter[str] = Counter()
            for token in words:
                for theme in term_themes.get(token, ()):
                    counts[theme] += 1
            n_tokens = len(words)
        else:
            counts, n_tokens = group_counts[n]
        hits = sum(counts.values())
        for theme in themes:
            count = counts[theme]
            rows.append({
                **dict(zip(columns, keys, strict=True)),
                "group": group_label(keys),
                "theme": theme,
                "label": labels[theme],
                "count": count,
                "n_tokens": n_tokens,
                "per_10k": count / n_tokens * 10_000 if n_tokens else 0.0,
                "share": count / hits if hits else 0.0,
            })
    out = pd.DataFrame(rows, columns=[*columns, *THEME_COLUMNS])
    return out.astype({"group": "string", "theme": "string", "label": "string", "count": "int64",
                       "n_tokens": "int64", "per_10k": "float64", "share": "float64"})


def _table_counts(paragraphs: pd.DataFrame, group_of_row, seg: Segmenter, tokens: pd.DataFrame,
                  term_themes: dict[str, list[str]], themes: list[str]) -> list[tuple[Counter[str], int]]:
    """Theme counts and token totals per group, counted on a token table without a loop over tokens."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pos, words = token_positions(paragraphs, seg, tokens)
    n_groups = int(group_of_row.max()) + 1 if len(group_of_row) else 0
    group = group_of_row[pos]
    totals = np.bincount(group, minlength=n_groups)
    terms = list(term_themes)
    # term × theme incidence: a term counts once for each theme that holds it
    incidence = np.zeros((len(terms), len(themes)), dtype="int64")
    for n, term in enumerate(terms):
        for theme in term_themes[term]:
            incidence[n, themes.index(theme)] += 1
    found = pc.index_in(pa.array(words), value_set=pa.array(terms, type=pa.large_string()))
    term = found.fill_null(-1).to_numpy(zero_copy_only=False)
    hit = term >= 0
    cell, count = np.unique(group[hit].astype("int64") * len(terms) + term[hit], return_counts=True)
    cell_group, cell_term = cell // len(terms), cell % len(terms)
    cells = np.column_stack([
        np.bincount(cell_group, weights=count * incidence[cell_term, k], minlength=n_groups)
        for k in range(len(themes))]).astype("int64") if len(themes) else np.zeros((n_groups, 0), dtype="int64")
    return [(Counter({theme: int(c) for theme, c in zip(themes, cells[g], strict=True) if c}), int(totals[g]))
            for g in range(n_groups)]


def theme_coverage(paragraphs: pd.DataFrame, *, lexicon: pd.DataFrame | None = None,
                   segmenter: Segmenter | None = None) -> float:
    """Share of content tokens that some theme holds.

    Example:
        >>> round(theme_coverage(pd.DataFrame({"text": ["守护密云水库，发展乡村旅游。"]})), 3)
        0.75
    """
    lex = lexicon if lexicon is not None else load_themes()
    seg = segmenter or content_segmenter()
    tokens = [t for text in paragraphs["text"].astype(str) for t in seg.tokenize(text)]
    terms = set(lex["term"])
    return sum(t in terms for t in tokens) / len(tokens) if tokens else 0.0


def uncovered_terms(paragraphs: pd.DataFrame, top: int = 50, *, lexicon: pd.DataFrame | None = None,
                    segmenter: Segmenter | None = None) -> pd.DataFrame:
    """The most frequent content tokens no theme holds: evidence for improving the lexicon.

    Example:
        >>> uncovered_terms(pd.DataFrame({"text": ["守护密云水库，推进垃圾分类，垃圾分类。"]}))["term"].tolist()
        ['分类', '垃圾', '守护']
    """
    lex = lexicon if lexicon is not None else load_themes()
    seg = segmenter or content_segmenter()
    terms = set(lex["term"])
    counts = Counter(t for text in paragraphs["text"].astype(str) for t in seg.tokenize(text) if t not in terms)
    total = sum(counts.values()) or 1
    rows = [{"term": t, "count": c, "share": c / total}
            for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    return pd.DataFrame(rows, columns=["term", "count", "share"]).astype(
        {"term": "string", "count": "int64", "share": "float64"})

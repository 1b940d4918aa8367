"""Theme frequencies: what a report spends its words on, by report, region, year, part or section.

The lexicon (``resources/themes.yaml``) maps 11 policy areas that every local work
report covers (economy, innovation, rural revitalisation, ecology, urban construction,
livelihood, safety and governance, culture and tourism, reform and opening, regional
coordination, the government's own conduct) to their terms; place names and one
locality's programme brands are no evidence of a theme. Counts are of content tokens
(stopwords and boilerplate dropped), rates per 10,000 such tokens.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import ResourceError
from .io import read_yaml
from .paths import resource_path
from .segment import Segmenter, content_segmenter
from .structure import GROUPINGS, group_columns, group_label, text_cells, without_formulas
from .tokens import _positions

__all__ = [
    "GROUPINGS",
    "THEME_COLUMNS",
    "load_themes",
    "theme_coverage",
    "theme_coverage_by",
    "theme_frequencies",
    "theme_of",
    "uncovered_terms",
]

THEME_COLUMNS = ["group", "theme", "label", "count", "n_tokens", "per_10k", "share"]


@lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    data = read_yaml(path)
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
        >>> lex["theme"].nunique(), lex.query("term == '保水'")["label"].item()
        (11, '生态环境')
    """
    target = Path(path) if path else resource_path("themes.yaml")
    return _load(str(target)).copy()


def theme_of(term: str, lexicon: pd.DataFrame | None = None) -> list[str]:
    """The themes a term belongs to (usually one; several only where the lexicon says so).

    Example:
        >>> theme_of("保水"), theme_of("生命健康产业")
        (['ecology'], ['economy', 'innovation'])
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
    table with a ``text`` column); ``by`` is ``"report"``, ``"region"``, ``"year"``,
    ``"part"``, ``"part_kind"``, ``"section"``, a column name, or a list
    of these (``["region", "year"]``). Every group gets a row for every theme
    (zeros included), in the order groups first appear, then lexicon order. The group
    columns are kept beside ``group``, a readable label.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "text": ["守护水源，发展乡村旅游。"]})
        >>> tf = theme_frequencies(paras, by="report")
        >>> [int(v) for v in tf.set_index("theme").loc["ecology", ["count", "n_tokens"]]]
        [1, 4]
    """
    paragraphs = without_formulas(text_cells(paragraphs, "theme_frequencies"))
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
        # the group keys alone, in the same order as iterating the groups, without a frame per group
        groups = [(keys, None) for keys in grouped.size().index]
    else:
        groups = grouped
    for n, (keys, part) in enumerate(groups):
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

    pos, words = _positions(paragraphs, seg, tokens)
    n_groups = int(group_of_row.max()) + 1 if len(group_of_row) else 0
    group = group_of_row[pos]
    totals = np.bincount(group, minlength=n_groups)
    terms = list(term_themes)
    # term × theme incidence: a term counts once for each theme that holds it
    incidence = np.zeros((len(terms), len(themes)), dtype="int64")
    for n, term in enumerate(terms):
        for theme in term_themes[term]:
            incidence[n, themes.index(theme)] += 1
    found = pc.index_in(words, value_set=pa.array(terms, type=words.type))
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
        >>> round(theme_coverage(pd.DataFrame({"text": ["守护水源，发展乡村旅游。"]})), 3)
        0.75
    """
    lex = lexicon if lexicon is not None else load_themes()
    seg = segmenter or content_segmenter()
    paragraphs = without_formulas(text_cells(paragraphs, "theme_coverage"))
    tokens = [t for text in paragraphs["text"].astype(str) for t in seg.tokenize(text)]
    terms = set(lex["term"])
    return sum(t in terms for t in tokens) / len(tokens) if tokens else 0.0


def theme_coverage_by(paragraphs: pd.DataFrame, by: str | Sequence[str] = "report", *,
                      lexicon: pd.DataFrame | None = None, segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Theme coverage per group (per report by default): the group columns, ``label``
    (``密云区 2024`` where the table has one), ``n_tokens``, ``covered`` and ``coverage``.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "text": ["守护水源，发展乡村旅游。", "守护守护。"]})
        >>> theme_coverage_by(paras)[["report_id", "covered", "n_tokens", "coverage"]].values.tolist()
        [['a', 3, 4, 0.75], ['b', 0, 2, 0.0]]
    """
    lex = lexicon if lexicon is not None else load_themes()
    seg = segmenter or content_segmenter()
    paragraphs = without_formulas(paragraphs)
    columns = group_columns(paragraphs, by)
    extra = ["label"] if "label" in paragraphs.columns and "label" not in columns else []
    terms = set(lex["term"])
    rows = []
    for keys, part in paragraphs.groupby(columns, sort=False, dropna=False):
        keys = keys if isinstance(keys, tuple) else (keys,)
        tokens = [t for text in part["text"].astype(str) for t in seg.tokenize(text)]
        covered = sum(t in terms for t in tokens)
        labels = {"label": " / ".join(dict.fromkeys(part["label"].astype(str)))} if extra else {}
        rows.append({**dict(zip(columns, keys, strict=True)), **labels, "n_tokens": len(tokens),
                     "covered": covered, "coverage": covered / len(tokens) if tokens else 0.0})
    return pd.DataFrame(rows, columns=[*columns, *extra, "n_tokens", "covered", "coverage"]).astype(
        {"n_tokens": "int64", "covered": "int64", "coverage": "float64"})


def uncovered_terms(paragraphs: pd.DataFrame, top: int = 50, *, lexicon: pd.DataFrame | None = None,
                    segmenter: Segmenter | None = None) -> pd.DataFrame:
    """The most frequent content tokens no theme holds: evidence for improving the lexicon.

    Example:
        >>> uncovered_terms(pd.DataFrame({"text": ["守护密云水库，推进垃圾分类，垃圾分类。"]}))["term"].tolist()
        ['分类', '守护', '密云水库']
    """
    lex = lexicon if lexicon is not None else load_themes()
    seg = segmenter or content_segmenter()
    terms = set(lex["term"])
    paragraphs = without_formulas(text_cells(paragraphs, "uncovered_terms"))
    counts = Counter(t for text in paragraphs["text"].astype(str) for t in seg.tokenize(text) if t not in terms)
    total = sum(counts.values()) or 1
    rows = [{"term": t, "count": c, "share": c / total}
            for t, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    return pd.DataFrame(rows, columns=["term", "count", "share"]).astype(
        {"term": "string", "count": "int64", "share": "float64"})

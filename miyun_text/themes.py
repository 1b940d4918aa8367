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
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .counting import group_counts
from .errors import ResourceError
from .grouping import GROUPINGS, By, check_top_k, group_codes, group_columns, group_label, paragraphs_of
from .io import read_yaml
from .paths import resource_path
from .segment import Segmenter, content_segmenter
from .tokens import token_view

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

THEME_COLUMNS = ["group", "theme", "theme_name", "count", "n_tokens", "per_10k", "share"]


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
            rows.append({"theme": theme, "theme_name": spec["label"], "definition": spec["definition"], "term": term})
    for term, themes in shared.items():
        for theme in themes:
            if theme not in data["themes"]:
                raise ResourceError(f"{path}: shared term {term!r} names unknown theme {theme!r}")
            if not any(r["term"] == term and r["theme"] == theme for r in rows):
                spec = data["themes"][theme]
                rows.append({"theme": theme, "theme_name": spec["label"], "definition": spec["definition"],
                             "term": term})
    return pd.DataFrame(rows, columns=["theme", "theme_name", "definition", "term"])


def load_themes(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The theme lexicon, one row per (theme, term): theme, theme_name (its Chinese name), definition, term.

    Example:
        >>> lex = load_themes()
        >>> lex["theme"].nunique(), lex.query("term == '保水'")["theme_name"].item()
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


def _kept(corpus: pd.DataFrame | Any, segmenter: Segmenter | None, caller: str):
    """The checked paragraph table and its kept content tokens."""
    paragraphs = paragraphs_of(corpus, caller)
    return paragraphs, token_view(corpus, segmenter or content_segmenter(), caller=caller).kept()


def theme_frequencies(
    corpus: pd.DataFrame | Any,
    by: By = "section",
    *,
    lexicon: pd.DataFrame | None = None,
    segmenter: Segmenter | None = None,
) -> pd.DataFrame:
    """Theme counts per group: count, rate per 10,000 content tokens and share of theme hits.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` or a paragraph table (any
    table with a ``text`` column); ``by`` is ``"report"``, ``"region"``, ``"year"``,
    ``"part"``, ``"part_kind"``, ``"section"``, a column name, or a list
    of these (``["region", "year"]``). Every group gets a row for every theme
    (zeros included), in the order groups first appear, then lexicon order. The group
    columns are kept beside ``group``, a readable label; ``theme`` is the theme's key,
    ``theme_name`` its Chinese name. A term held by two themes counts for each.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "text": ["守护水源，发展乡村旅游。"]})
        >>> tf = theme_frequencies(paras, by="report")
        >>> [int(v) for v in tf.set_index("theme").loc["ecology", ["count", "n_tokens"]]]
        [1, 4]
    """
    paragraphs, view = _kept(corpus, segmenter, "theme_frequencies")
    lex = lexicon if lexicon is not None else load_themes()
    codes, keys = group_codes(paragraphs, by)
    themes = list(dict.fromkeys(lex["theme"]))
    names = dict(zip(lex["theme"], lex["theme_name"], strict=True))
    counts = group_counts(view, codes, len(keys), terms=lex["term"].tolist())
    # term × theme incidence: a term counts once for each theme that holds it
    incidence = np.zeros((len(counts.terms), len(themes)), dtype="int64")
    position = {term: n for n, term in enumerate(counts.terms)}
    for term, theme in zip(lex["term"], lex["theme"], strict=True):
        incidence[position[term], themes.index(theme)] = 1
    grid = counts.grid() @ incidence  # groups × themes
    hits = grid.sum(axis=1)
    n_groups, n_themes = grid.shape
    n_tokens = np.repeat(counts.totals, n_themes)
    count = grid.reshape(-1)
    share_of = np.repeat(hits, n_themes)
    out = keys.iloc[np.repeat(np.arange(n_groups), n_themes)].reset_index(drop=True)
    out["group"] = np.repeat([group_label(tuple(k)) for k in keys.itertuples(index=False, name=None)], n_themes)
    out["theme"] = np.tile(themes, n_groups)
    out["theme_name"] = np.tile([names[t] for t in themes], n_groups)
    out["count"] = count
    out["n_tokens"] = n_tokens
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_10k"] = np.where(n_tokens > 0, count / np.maximum(n_tokens, 1) * 10_000, 0.0)
        out["share"] = np.where(share_of > 0, count / np.maximum(share_of, 1), 0.0)
    return out.astype({"group": "string", "theme": "string", "theme_name": "string", "count": "int64",
                       "n_tokens": "int64", "per_10k": "float64", "share": "float64"})


def theme_coverage(corpus: pd.DataFrame | Any, *, lexicon: pd.DataFrame | None = None,
                   segmenter: Segmenter | None = None) -> float:
    """Share of content tokens that some theme holds.

    Example:
        >>> round(theme_coverage(pd.DataFrame({"text": ["守护水源，发展乡村旅游。"]})), 3)
        0.75
    """
    paragraphs, view = _kept(corpus, segmenter, "theme_coverage")
    lex = lexicon if lexicon is not None else load_themes()
    counts = group_counts(view, np.zeros(len(paragraphs), dtype="int64"), 1, terms=lex["term"].tolist())
    total = int(counts.totals[0]) if len(counts.totals) else 0
    return int(counts.count.sum()) / total if total else 0.0


def theme_coverage_by(corpus: pd.DataFrame | Any, by: By = "report", *,
                      lexicon: pd.DataFrame | None = None, segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Theme coverage per group (per report by default): the group columns, ``label``
    (``密云区 2024`` where the table has one), ``n_tokens``, ``covered`` and ``coverage``.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "text": ["守护水源，发展乡村旅游。", "守护守护。"]})
        >>> theme_coverage_by(paras)[["report_id", "covered", "n_tokens", "coverage"]].values.tolist()
        [['a', 3, 4, 0.75], ['b', 0, 2, 0.0]]
    """
    paragraphs, view = _kept(corpus, segmenter, "theme_coverage_by")
    lex = lexicon if lexicon is not None else load_themes()
    columns = group_columns(paragraphs, by)
    codes, keys = group_codes(paragraphs, by)
    counts = group_counts(view, codes, len(keys), terms=lex["term"].tolist())
    covered = np.bincount(counts.group, weights=counts.count, minlength=len(keys)).astype("int64")
    out = keys.copy()
    if "label" in paragraphs.columns and "label" not in columns:
        labels = pd.Series(paragraphs["label"].astype(str).to_numpy()).groupby(codes).agg(
            lambda values: " / ".join(dict.fromkeys(values)))
        out["label"] = labels.reindex(range(len(keys))).to_numpy()
    out["n_tokens"] = counts.totals
    out["covered"] = covered
    out["coverage"] = np.where(counts.totals > 0, covered / np.maximum(counts.totals, 1), 0.0)
    return out.astype({"n_tokens": "int64", "covered": "int64", "coverage": "float64"})


def uncovered_terms(corpus: pd.DataFrame | Any, *, top_k: int | None = 10, min_count: int = 2,
                    lexicon: pd.DataFrame | None = None, segmenter: Segmenter | None = None) -> pd.DataFrame:
    """The ``top_k`` most frequent content tokens no theme holds, seen at least ``min_count``
    times: evidence for improving the lexicon. ``share`` is of all tokens no theme holds.

    Example:
        >>> paras = pd.DataFrame({"text": ["守护密云水库，推进垃圾分类，垃圾分类。"]})
        >>> uncovered_terms(paras, min_count=1)["term"].tolist(), uncovered_terms(paras)["term"].tolist()
        (['分类', '守护', '密云水库'], ['分类'])
    """
    top_k = check_top_k(top_k, "uncovered_terms")
    paragraphs, view = _kept(corpus, segmenter, "uncovered_terms")
    lex = lexicon if lexicon is not None else load_themes()
    counts = group_counts(view, np.zeros(len(paragraphs), dtype="int64"), 1)
    terms = set(lex["term"])
    pairs = [(counts.terms[t], int(c)) for t, c in zip(counts.term, counts.count, strict=True)
             if counts.terms[t] not in terms]
    total = sum(c for _, c in pairs) or 1
    ranked = [(t, c) for t, c in sorted(pairs, key=lambda kv: (-kv[1], kv[0])) if c >= min_count][:top_k]
    rows = [{"term": t, "count": c, "share": c / total} for t, c in ranked]
    return pd.DataFrame(rows, columns=["term", "count", "share"]).astype(
        {"term": "string", "count": "int64", "share": "float64"})

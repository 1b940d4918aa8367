"""Theme frequencies: what a report spends its words on, by report, region, year, part or section.

The lexicon (``resources/themes.yaml``) maps 11 policy areas that every local work
report covers (economy, innovation, rural revitalisation, ecology, urban construction,
livelihood, safety and governance, culture and tourism, reform and opening, regional
coordination, the government's own conduct) to their terms; place names and one
locality's programme brands are no evidence of a theme. Counts are of content tokens
(stopwords and boilerplate dropped), rates per 10,000 such tokens.

**Sampling uncertainty.** A report is one draw of the words a government could have
written, and a theme's share from one report has sampling error. With ``ci=0.95``,
:func:`theme_frequencies`, :func:`theme_coverage` and :func:`theme_coverage_by` add
percentile bootstrap intervals: each group's paragraphs are resampled with replacement
(as many as it has, ``n_boot`` times, from ``numpy.random.default_rng(seed)``), its counts
summed again, and the ``(1 − ci) / 2`` and ``(1 + ci) / 2`` quantiles of the replicates
taken. The paragraph is the unit resampled because words within a paragraph are not
independent (a topic runs through it); a group of one paragraph has nothing to resample,
so its interval is its value. :func:`compare_themes` bootstraps the difference between two
groups the same way and says whether its interval excludes zero.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .counting import group_counts
from .errors import ArgumentError, ResourceError
from .grouping import GROUPINGS, By, check_top_k, group_codes, group_columns, group_label, paragraphs_of
from .io import read_yaml
from .paths import resource_path
from .segment import Segmenter, content_segmenter
from .structure import without_formulas
from .tokens import token_view

__all__ = [
    "COMPARE_THEME_COLUMNS",
    "GROUPINGS",
    "THEME_COLUMNS",
    "CoverageInterval",
    "compare_themes",
    "load_themes",
    "theme_coverage",
    "theme_coverage_by",
    "theme_frequencies",
    "theme_of",
    "uncovered_terms",
]

THEME_COLUMNS = ["group", "theme", "theme_name", "count", "n_tokens", "per_10k", "share"]
INTERVAL_COLUMNS = ["per_10k_low", "per_10k_high", "share_low", "share_high"]
COMPARE_THEME_COLUMNS = ["theme", "theme_name", "a", "b", "value_a", "value_b", "difference", "low", "high",
                         "excludes_zero"]
_BOOT_CHUNK = 200  # replicates drawn at once: memory stays near 200 × paragraphs of a group


class CoverageInterval(NamedTuple):
    """Theme coverage with its bootstrap interval (:func:`theme_coverage` with ``ci``)."""

    coverage: float
    low: float
    high: float


@lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    data = read_yaml(path)
    if not isinstance(data, dict) or "themes" not in data:
        raise ResourceError(f"{path}: a theme lexicon needs a top-level 'themes:' mapping")
    shared = {str(k): set(v) for k, v in (data.get("shared") or {}).items()}
    rows: list[dict[str, str]] = []
    owner: dict[str, str] = {}
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
    """The checked paragraph table and its kept content tokens; formula paragraphs (the
    salutation, 请予审议, the closing call) are no evidence of a theme and are left out."""
    corpus = without_formulas(corpus)
    paragraphs = paragraphs_of(corpus, caller)
    return paragraphs, token_view(corpus, segmenter or content_segmenter(corpus), caller=caller).kept()


def _check_ci(ci: float | None, n_boot: int, caller: str) -> None:
    if ci is None:
        return
    if isinstance(ci, bool) or not isinstance(ci, (int, float)) or not 0 < ci < 1:
        raise ArgumentError(f"{caller}: ci={ci!r} must be a coverage between 0 and 1, such as 0.95 (or None)")
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 1:
        raise ArgumentError(f"{caller}: n_boot={n_boot!r} must be a whole number of replicates from 1 up "
                            "(1,000 or more for intervals worth reading)")


def _incidence(terms: list[str], lex: pd.DataFrame, themes: list[str]) -> np.ndarray:
    """term × theme: 1 where the theme holds the term (a term counts once for each theme holding it)."""
    incidence = np.zeros((len(terms), len(themes)), dtype="int64")
    position = {term: n for n, term in enumerate(terms)}
    for term, theme in zip(lex["term"], lex["theme"], strict=True):
        if term in position:
            incidence[position[term], themes.index(theme)] = 1
    return incidence


def _per_paragraph(view, n_rows: int, lex: pd.DataFrame, themes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Theme hits of each paragraph row (rows × themes) and its content tokens."""
    counts = group_counts(view, np.arange(n_rows, dtype="int64"), n_rows, terms=lex["term"].tolist())
    return counts.grid() @ _incidence(counts.terms, lex, themes), counts.totals


def _replicates(rows: np.ndarray, values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Sums of ``values`` over ``n_boot`` resamples (with replacement) of ``rows``: n_boot × columns."""
    n = len(rows)
    out = np.zeros((n_boot, values.shape[1]), dtype="float64")
    if n == 0:
        return out
    part = values[rows].astype("float64")
    for start in range(0, n_boot, _BOOT_CHUNK):
        size = min(_BOOT_CHUNK, n_boot - start)
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=size)  # how often each paragraph is drawn
        out[start:start + size] = weights @ part
    return out


def _quantiles(samples: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(all="ignore"):
        low, high = np.nanquantile(samples, [(1 - ci) / 2, (1 + ci) / 2], axis=0)
    return low, high


def _rates(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """per_10k and share of replicate sums whose last column is the content tokens."""
    hits, tokens = sums[:, :-1], sums[:, -1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_10k = np.where(tokens > 0, hits / np.maximum(tokens, 1) * 10_000, 0.0)
        theme_hits = hits.sum(axis=1, keepdims=True)
        share = np.where(theme_hits > 0, hits / np.maximum(theme_hits, 1), 0.0)
    return per_10k, share


def theme_frequencies(
    corpus: pd.DataFrame | Any,
    by: By = "section",
    *,
    lexicon: pd.DataFrame | None = None,
    segmenter: Segmenter | None = None,
    ci: float | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Theme counts per group: count, rate per 10,000 content tokens and share of theme hits.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` or a paragraph table (any
    table with a ``text`` column); ``by`` is ``"report"``, ``"region"``, ``"year"``,
    ``"part"``, ``"part_kind"``, ``"section"``, a column name, or a list
    of these (``["region", "year"]``). Every group gets a row for every theme
    (zeros included), in the order groups first appear, then lexicon order. The group
    columns are kept beside ``group``, a readable label; ``theme`` is the theme's key,
    ``theme_name`` its Chinese name. A term held by two themes counts for each.

    With ``ci`` (for example 0.95), the columns ``per_10k_low``, ``per_10k_high``,
    ``share_low`` and ``share_high`` hold percentile bootstrap intervals from resampling
    each group's paragraphs ``n_boot`` times (seeded by ``seed``; see the module docstring),
    and ``attrs["ci"]`` the coverage.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "text": ["守护水源，发展乡村旅游。"]})
        >>> tf = theme_frequencies(paras, by="report")
        >>> [int(v) for v in tf.set_index("theme").loc["ecology", ["count", "n_tokens"]]]
        [1, 4]
        >>> two = pd.DataFrame({"report_id": ["r", "r"], "text": ["守护水源，保护水源。", "发展乡村旅游。"]})
        >>> row = theme_frequencies(two, by="report", ci=0.95).set_index("theme").loc["ecology"]
        >>> float(row.share), float(row.share_low), float(row.share_high)  # 3 of 5 hits; resamples: 1, 0.6 or 0
        (0.6, 0.0, 1.0)
    """
    _check_ci(ci, n_boot, "theme_frequencies")
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
    out = out.astype({"group": "string", "theme": "string", "theme_name": "string", "count": "int64",
                      "n_tokens": "int64", "per_10k": "float64", "share": "float64"})
    if ci is None:
        return out
    hits, tokens = _per_paragraph(view, len(paragraphs), lex, themes)
    values = np.column_stack([hits, tokens])
    rng = np.random.default_rng(seed)
    bounds = np.zeros((n_groups, n_themes, 4))
    for g in range(n_groups):
        per_10k, share = _rates(_replicates(np.flatnonzero(codes == g), values, n_boot, rng))
        (bounds[g, :, 0], bounds[g, :, 1]), (bounds[g, :, 2], bounds[g, :, 3]) = (
            _quantiles(per_10k, ci), _quantiles(share, ci))
    for k, column in enumerate(INTERVAL_COLUMNS):
        out[column] = bounds[:, :, k].reshape(-1)
    out.attrs["ci"] = ci
    return out


def _covered_tokens(view, n_rows: int, lex: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Content tokens some theme holds, and all content tokens, of each paragraph row."""
    counts = group_counts(view, np.arange(n_rows, dtype="int64"), n_rows, terms=lex["term"].tolist())
    covered = np.bincount(counts.group, weights=counts.count, minlength=n_rows)
    return covered, counts.totals.astype("float64")


def _coverage_interval(rows: np.ndarray, values: np.ndarray, ci: float, n_boot: int,
                       rng: np.random.Generator) -> tuple[float, float]:
    sums = _replicates(rows, values, n_boot, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        coverage = np.where(sums[:, 1] > 0, sums[:, 0] / np.maximum(sums[:, 1], 1), 0.0)
    low, high = _quantiles(coverage[:, None], ci)
    return float(low[0]), float(high[0])


def theme_coverage(corpus: pd.DataFrame | Any, *, lexicon: pd.DataFrame | None = None,
                   segmenter: Segmenter | None = None, ci: float | None = None, n_boot: int = 1000,
                   seed: int = 0) -> float | CoverageInterval:
    """Share of content tokens that some theme holds.

    With ``ci`` (for example 0.95) a :class:`CoverageInterval` ``(coverage, low, high)``
    with a percentile bootstrap interval from resampling paragraphs (module docstring).

    Example:
        >>> round(theme_coverage(pd.DataFrame({"text": ["守护水源，发展乡村旅游。"]})), 3)
        0.75
        >>> [round(v, 3) for v in theme_coverage(pd.DataFrame({"text": ["守护水源。", "城市更新。"]}), ci=0.95)]
        [0.667, 0.5, 1.0]
    """
    _check_ci(ci, n_boot, "theme_coverage")
    paragraphs, view = _kept(corpus, segmenter, "theme_coverage")
    lex = lexicon if lexicon is not None else load_themes()
    counts = group_counts(view, np.zeros(len(paragraphs), dtype="int64"), 1, terms=lex["term"].tolist())
    total = int(counts.totals[0]) if len(counts.totals) else 0
    coverage = int(counts.count.sum()) / total if total else 0.0
    if ci is None:
        return coverage
    values = np.column_stack(_covered_tokens(view, len(paragraphs), lex))
    low, high = _coverage_interval(np.arange(len(paragraphs)), values, ci, n_boot, np.random.default_rng(seed))
    return CoverageInterval(coverage, low, high)


def theme_coverage_by(corpus: pd.DataFrame | Any, by: By = "report", *,
                      lexicon: pd.DataFrame | None = None, segmenter: Segmenter | None = None,
                      ci: float | None = None, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Theme coverage per group (per report by default): the group columns, ``label``
    (``密云区 2024`` where the table has one), ``n_tokens``, ``covered`` and ``coverage``;
    with ``ci``, ``coverage_low`` and ``coverage_high`` (bootstrap over each group's paragraphs).

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "text": ["守护水源，发展乡村旅游。", "守护守护。"]})
        >>> theme_coverage_by(paras)[["report_id", "covered", "n_tokens", "coverage"]].values.tolist()
        [['a', 3, 4, 0.75], ['b', 0, 2, 0.0]]
    """
    _check_ci(ci, n_boot, "theme_coverage_by")
    paragraphs, view = _kept(corpus, segmenter, "theme_coverage_by")
    lex = lexicon if lexicon is not None else load_themes()
    columns = group_columns(paragraphs, by) if by is not None else []
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
    out = out.astype({"n_tokens": "int64", "covered": "int64", "coverage": "float64"})
    if ci is None:
        return out
    values = np.column_stack(_covered_tokens(view, len(paragraphs), lex))
    rng = np.random.default_rng(seed)
    bounds = [_coverage_interval(np.flatnonzero(codes == g), values, ci, n_boot, rng) for g in range(len(keys))]
    out["coverage_low"] = [b[0] for b in bounds]
    out["coverage_high"] = [b[1] for b in bounds]
    out.attrs["ci"] = ci
    return out


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


def compare_themes(
    corpus: pd.DataFrame | Any,
    a: object,
    b: object,
    *,
    by: By = "region",
    value: str = "share",
    ci: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
    lexicon: pd.DataFrame | None = None,
    segmenter: Segmenter | None = None,
) -> pd.DataFrame:
    """Each theme's difference between two groups, with a bootstrap interval: does it exclude zero?

    ``a`` and ``b`` name two groups of ``by`` (a region, a year, a report id or label, or the
    ``group`` label of a grouping of several columns, such as ``密云区 | 2024``). ``value`` is
    ``share`` (of theme words) or ``per_10k``. Each group's paragraphs are resampled on their
    own, ``n_boot`` times (seeded), and the difference ``a − b`` taken in every replicate;
    ``low`` and ``high`` are its ``(1 ± ci) / 2`` quantiles and ``excludes_zero`` says the
    interval lies wholly above or below zero. Columns :data:`COMPARE_THEME_COLUMNS`, in
    lexicon order.

    Example:
        >>> paras = pd.DataFrame({"region": ["甲区"] * 3 + ["乙区"] * 3,
        ...     "text": ["守护水源。", "保护水源。", "守护水源，发展旅游。", "发展旅游。", "乡村旅游。", "发展旅游。"]})
        >>> d = compare_themes(paras, "甲区", "乙区").set_index("theme").loc["ecology"]
        >>> round(float(d.difference), 3), bool(d.excludes_zero)
        (0.8, True)
    """
    _check_ci(ci, n_boot, "compare_themes")
    if value not in ("share", "per_10k"):
        raise ArgumentError(f"compare_themes: value={value!r} is not 'share' or 'per_10k'")
    paragraphs, view = _kept(corpus, segmenter, "compare_themes")
    lex = lexicon if lexicon is not None else load_themes()
    themes = list(dict.fromkeys(lex["theme"]))
    names = dict(zip(lex["theme"], lex["theme_name"], strict=True))
    codes, keys = group_codes(paragraphs, by)
    labels = [group_label(tuple(k)) for k in keys.itertuples(index=False, name=None)]
    if list(keys.columns) == ["report_id"] and "label" in paragraphs.columns:
        # reports are named by their label (密云区 2024) as well as their id
        first = pd.Series(paragraphs["label"].astype(str).to_numpy()).groupby(codes).first()
        labels = [str(first[g]) for g in range(len(keys))]
    aliases = {name: g for g, k in enumerate(keys.itertuples(index=False, name=None)) for name in
               (labels[g], group_label(tuple(k)))}

    def find(name: object, side: str) -> int:
        if str(name) in aliases:
            return aliases[str(name)]
        raise ArgumentError(f"compare_themes: {side}={name!r} is no group of by={by!r}; groups: {', '.join(labels)}")

    ga, gb = find(a, "a"), find(b, "b")
    hits, tokens = _per_paragraph(view, len(paragraphs), lex, themes)
    values = np.column_stack([hits, tokens])
    rng = np.random.default_rng(seed)
    column = 0 if value == "per_10k" else 1
    point = [_rates(values[codes == g].sum(axis=0, keepdims=True).astype("float64"))[column][0] for g in (ga, gb)]
    boot_a = _rates(_replicates(np.flatnonzero(codes == ga), values, n_boot, rng))[column]
    boot_b = _rates(_replicates(np.flatnonzero(codes == gb), values, n_boot, rng))[column]
    low, high = _quantiles(boot_a - boot_b, ci)
    out = pd.DataFrame({"theme": themes, "theme_name": [names[t] for t in themes],
                        "a": labels[ga], "b": labels[gb],
                        "value_a": point[0], "value_b": point[1], "difference": point[0] - point[1],
                        "low": low, "high": high, "excludes_zero": (low > 0) | (high < 0)})
    out.attrs["ci"] = ci
    return out.astype({"theme": "string", "theme_name": "string", "a": "string", "b": "string",
                       "value_a": "float64", "value_b": "float64", "difference": "float64", "low": "float64",
                       "high": "float64", "excludes_zero": "bool"})

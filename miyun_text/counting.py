"""The one counting kernel: kept tokens counted per group and term, in arrays.

Every measure that counts words (themes, keywords, markers, year tables, comparisons)
counts them here, from the same :class:`~miyun_text.tokens.TokenView`, the way
quanteda's textstat functions share one document-feature matrix. :func:`count` gives
the counts as a long table (one row per group and term); measures use
:func:`group_counts`, which keeps them in arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .grouping import By, group_codes, paragraphs_of
from .segment import Segmenter
from .tokens import TokenView, token_view

__all__ = ["Counts", "count", "group_counts"]

# Counting group × term cells with a dense array (bincount) while it holds at most this many
# cells beyond twice the tokens counted (8 bytes each): 4 M cells, 32 MB.
_DENSE_CELLS = 2**22


@dataclass(frozen=True)
class Counts:
    """Term counts per group as arrays: one entry per (group, term) cell that is not zero.

    ``group`` and ``term`` index the cells (``term`` into ``terms``), ``count`` is the
    cell's count; ``totals`` holds each group's number of tokens (every kept token, not
    only the counted terms) and ``n_groups`` the number of groups. Cells are sorted by
    group, then term.
    """

    n_groups: int
    group: np.ndarray
    term: np.ndarray
    count: np.ndarray
    totals: np.ndarray
    terms: list[str]

    def of_group(self, g: int) -> dict[str, int]:
        """The counts of one group as ``{term: count}``.

        Example:
            >>> c = group_counts(token_view(pd.DataFrame({"text": ["保水保水旅游"]})).kept(), np.zeros(1, int), 1)
            >>> c.of_group(0)
            {'保水': 2, '旅游': 1}
        """
        cells = self.group == g
        return {self.terms[t]: int(n) for t, n in zip(self.term[cells], self.count[cells], strict=True)}

    def grid(self) -> np.ndarray:
        """The counts as a dense groups × terms array (for a small vocabulary, such as a lexicon's)."""
        out = np.zeros((self.n_groups, len(self.terms)), dtype="int64")
        out[self.group, self.term] = self.count
        return out


def _codes(view: TokenView, terms: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    """Each token's term code, and the terms: the given ones (−1 for other tokens), else every
    distinct token sorted in code point order (:attr:`TokenView.vocabulary`)."""
    if terms is None:
        return view.vocabulary
    terms = list(dict.fromkeys(terms))
    found = pc.index_in(view.token, value_set=pa.array(terms, type=view.token.type))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype("int64"), terms


def group_counts(view: TokenView, codes: np.ndarray, n_groups: int, *,
                 terms: Sequence[str] | None = None) -> Counts:
    """Count ``view``'s tokens per group (``codes``: the group of each paragraph row, −1 to
    leave a row out) and term (every distinct token, or only ``terms``).

    Example:
        >>> view = token_view(pd.DataFrame({"text": ["保水保水", "旅游保水"]})).kept()
        >>> c = group_counts(view, np.array([0, 1]), 2)
        >>> c.terms, c.count.tolist(), c.totals.tolist()
        (['保水', '旅游'], [2, 1, 1], [2, 2])
    """
    group = np.asarray(codes, dtype="int64")[view.row] if len(view.row) else np.zeros(0, dtype="int64")
    inside = group >= 0
    totals = np.bincount(group[inside], minlength=n_groups).astype("int64")
    term, vocabulary = _codes(view, terms)
    hit = inside & (term >= 0)
    width = max(len(vocabulary), 1)
    cell = group[hit] * width + term[hit]
    n_cells = n_groups * width
    if n_cells <= _DENSE_CELLS + 2 * len(cell):
        # groups × terms small beside the tokens: one pass of bincount, no sort of every token
        dense = np.bincount(cell, minlength=n_cells)
        cells = np.flatnonzero(dense)
        counts = dense[cells]
    else:  # hashed, then only the distinct cells sorted
        found, distinct = pd.factorize(cell, sort=False)
        order = np.argsort(distinct, kind="stable")
        cells, counts = distinct[order], np.bincount(found, minlength=len(distinct))[order]
    return Counts(n_groups, cells // width, cells % width, counts.astype("int64"), totals, vocabulary)


def count(corpus: pd.DataFrame | Any, by: By = "report", *, segmenter: Segmenter | None = None,
          terms: Sequence[str] | None = None) -> pd.DataFrame:
    """Kept tokens counted per group and term: the long table every measure is a view of.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` (its token table is read) or a
    paragraph table (cut now); ``by`` is a grouping (:func:`~miyun_text.grouping.group_columns`:
    ``report``, ``region``, ``year``, ``part_kind``, ``section`` …, a list of them, or
    None for the whole corpus); ``segmenter`` decides which tokens count (default
    :func:`~miyun_text.segment.content_segmenter`: content words); ``terms`` counts only
    those terms. Columns: the group columns, ``term``, ``count`` and ``n_tokens`` (the
    group's kept tokens). One row per group and term that occurs, groups in order of
    first appearance, then by count (descending) and term.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "text": ["保水保水，旅游。", "守护乡村旅游"]})
        >>> count(paras, by="report").values.tolist()
        [['a', '保水', 2, 3], ['a', '旅游', 1, 3], ['b', '乡村', 1, 3], ['b', '守护', 1, 3], ['b', '旅游', 1, 3]]
    """
    paragraphs = paragraphs_of(corpus, "count")
    codes, keys = group_codes(paragraphs, by)
    counts = group_counts(token_view(corpus, segmenter, caller="count").kept(), codes, len(keys), terms=terms)
    # ties break on the term's text (the codes of given terms follow their given order)
    alphabetical = np.argsort(np.argsort(np.array(counts.terms, dtype=object))) if counts.terms else np.zeros(0, int)
    order = np.lexsort((alphabetical[counts.term], -counts.count, counts.group))
    group, term = counts.group[order], counts.term[order]
    out = keys.iloc[group].reset_index(drop=True)
    out["term"] = pd.array([counts.terms[t] for t in term], dtype="string")
    out["count"] = counts.count[order]
    out["n_tokens"] = counts.totals[group]
    return out

"""Keywords (TF-IDF with corpus IDF, TextRank), keyword-in-context and collocations.

TF-IDF fits its IDF on the corpus's own units (paragraphs by default), so words that
every paragraph of a work report uses (建设, 推进, 全面) score low without a stoplist;
jieba's general-news IDF is available as ``idf="jieba"`` for comparison.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .counting import group_counts
from .errors import ArgumentError, DataTypeError
from .grouping import By, check_top_k, group_columns, group_label, paragraphs_of
from .segment import Segmenter, content_segmenter, default_segmenter, import_jieba
from .tokens import KINDS, TokenView, token_view

__all__ = [
    "COLLOCATION_COLUMNS",
    "KEYWORD_COLUMNS",
    "KWIC_COLUMNS",
    "collocations",
    "corpus_idf",
    "extract_keywords",
    "kwic",
    "textrank",
]

KEYWORD_COLUMNS = ["group", "term", "score", "count", "doc_freq"]
KWIC_COLUMNS = ["report_id", "part_no", "section_no", "para_no", "left", "term", "right"]
COLLOCATION_COLUMNS = ["w1", "w2", "count", "pmi", "llr"]

Docs = str | Sequence[str] | pd.Series | pd.DataFrame | Any


def _as_data(docs: Docs, caller: str) -> tuple[pd.DataFrame | Any, pd.DataFrame]:
    """What a keyword measure was given (a Corpus, a paragraph table, a str or a sequence of
    texts) as data to read tokens from, and its checked paragraph table."""
    if isinstance(docs, str):
        docs = pd.DataFrame({"text": [docs]})
    elif isinstance(docs, (pd.Series, list, tuple)):
        # missing documents (None, NaN) are empty text, as in a paragraph table
        values = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in docs]
        bad = [type(v).__name__ for v in values if not isinstance(v, str)]
        if bad:
            raise DataTypeError(f"{caller}: documents must be str, got {bad[0]}")
        docs = pd.DataFrame({"text": values})
    elif not isinstance(docs, pd.DataFrame) and not isinstance(getattr(docs, "paragraphs", None), pd.DataFrame):
        raise DataTypeError(f"{caller} expects a Corpus, a paragraph table, a str or a sequence of str, "
                            f"got {type(docs).__name__}")
    return docs, paragraphs_of(docs, caller)


def _group_labels(frame: pd.DataFrame, by: By) -> list[str]:
    if by is None:
        return ["all"] * len(frame)
    columns = group_columns(frame, by)
    keys = frame[columns]
    if "report_id" in columns and "label" in frame.columns and "label" not in columns:
        # tables show a report by its manifest label (密云区 2024), never its id; where two
        # reports share a label, the id stays beside it so their groups stay apart
        ids = frame["report_id"].astype("string")
        labels = frame["label"].astype("string").fillna(ids)
        n_ids = pd.DataFrame({"label": labels, "id": ids}).drop_duplicates().groupby("label")["id"].nunique()
        shared = (labels.map(n_ids) > 1).to_numpy(dtype=bool)
        keys = keys.assign(report_id=labels.where(~shared, labels + "（" + ids + "）"))
    rows = list(keys.itertuples(index=False, name=None))
    # one label per distinct key, not per paragraph
    named = {key: group_label(key) for key in dict.fromkeys(rows)}
    return [named[key] for key in rows]


def corpus_idf(units: Sequence[Sequence[str]]) -> dict[str, float]:
    """Smoothed IDF fitted on token lists: ``log((1 + N) / (1 + df)) + 1``.

    Example:
        >>> idf = corpus_idf([["保水", "建设"], ["建设"]])
        >>> round(idf["保水"], 3), round(idf["建设"], 3)
        (1.405, 1.0)
    """
    n = len(units)
    df: Counter[str] = Counter()
    for tokens in units:
        df.update(set(tokens))
    return {t: math.log((1 + n) / (1 + d)) + 1 for t, d in df.items()}


@lru_cache(maxsize=1)
def _jieba_idf() -> tuple[dict[str, float], float]:
    jieba = import_jieba()
    path = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
    idf: dict[str, float] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, _, value = line.strip().partition(" ")
            if value:
                idf[word] = float(value)
    values = sorted(idf.values())
    return idf, values[len(values) // 2]


def textrank(tokens: Sequence[str], window: int = 5, damping: float = 0.85, iterations: int = 50) -> dict[str, float]:
    """TextRank scores (Mihalcea & Tarau 2004) over a token sequence; deterministic.

    Tokens co-occurring within ``window`` positions are linked (weights count the
    co-occurrences); scores are the weighted PageRank, normalised to sum to 1.

    Example:
        >>> s = textrank(["保水", "生态", "保水", "富民", "保水"])
        >>> max(s, key=s.get)
        '保水'
    """
    weights: dict[str, Counter[str]] = defaultdict(Counter)
    for i, a in enumerate(tokens):
        for b in tokens[i + 1 : i + window]:
            if a != b:
                weights[a][b] += 1
                weights[b][a] += 1
    nodes = sorted(weights)
    if not nodes:
        return {t: 1.0 / len(set(tokens)) for t in set(tokens)} if tokens else {}
    out_sum = {n: sum(weights[n].values()) for n in nodes}
    score = dict.fromkeys(nodes, 1.0 / len(nodes))
    for _ in range(iterations):
        score = {
            n: (1 - damping) / len(nodes)
            + damping * sum(score[m] * w / out_sum[m] for m, w in sorted(weights[n].items()))
            for n in nodes
        }
    total = sum(score.values())
    return {n: s / total for n, s in score.items()}


def extract_keywords(
    corpus: Docs,
    *,
    by: By = None,
    method: str = "tfidf",
    top_k: int | None = 10,
    min_count: int = 2,
    idf: str = "corpus",
    segmenter: Segmenter | None = None,
) -> pd.DataFrame:
    """The ``top_k`` keywords of each group, by TF-IDF or TextRank, among terms seen at least ``min_count`` times.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus`, a paragraph table (one row per
    unit), a string or a list of strings. ``by`` is a grouping (``"report"``,
    ``"section"``, ``"year"``, a column such as ``"section_title"``, or a list); without
    it the whole input is one group. A group keyed by report is named by the report's
    ``label`` (密云区 2024) where the table has one, not its id. TF-IDF scores are the
    term's share of the group's tokens times its IDF, fitted on the rows
    (``idf="corpus"``) or taken from jieba's general table (``idf="jieba"``). ``count``
    is the term's count in the group, ``doc_freq`` the number of rows holding it. Ties
    break on count, then term; ``top_k=None`` keeps every term.

    Example:
        >>> docs = ["保水，守护密云水库", "招商引资，发展产业", "守护密云水库，保水"]
        >>> extract_keywords(docs, top_k=2)["term"].tolist()
        ['保水', '守护']
    """
    if method not in ("tfidf", "textrank"):
        raise ArgumentError(f"method must be 'tfidf' or 'textrank', not {method!r}")
    if idf not in ("corpus", "jieba"):
        raise ArgumentError(f"idf must be 'corpus' or 'jieba', not {idf!r}")
    top_k = check_top_k(top_k, "extract_keywords")
    data, frame = _as_data(corpus, "extract_keywords")
    view = token_view(data, segmenter or content_segmenter(data), caller="extract_keywords").kept()
    if method == "tfidf":
        return _tfidf(frame, by, view, idf, top_k, min_count)
    labels = _group_labels(frame, by)
    grouped: dict[str, list[str]] = {}
    doc_freq: Counter[str] = Counter()
    for tokens, label in zip(view.by_row(), labels, strict=True):
        doc_freq.update(set(tokens))
        grouped.setdefault(label, []).extend(tokens)
    rows = []
    for label, tokens in grouped.items():
        counts = Counter(tokens)
        if not counts:
            continue
        scores = textrank(tokens)
        ranked = sorted(
            (t for t in scores if counts[t] >= min_count), key=lambda t: (-scores[t], -counts[t], t)
        )
        for term in ranked[:top_k]:
            rows.append(
                {"group": label, "term": term, "score": float(scores[term]), "count": counts[term],
                 "doc_freq": doc_freq[term]}
            )
    out = pd.DataFrame(rows, columns=KEYWORD_COLUMNS)
    return out.astype({"group": "string", "term": "string", "score": "float64", "count": "int64", "doc_freq": "int64"})


def _doc_freq(rows: np.ndarray, codes: np.ndarray, n_terms: int) -> np.ndarray:
    """How many paragraphs (``rows``) hold each term (``codes``): the distinct (paragraph, term) pairs.

    The pairs are packed into one integer and sorted (32-bit where they fit): on millions of
    tokens a sort of small integers beats hashing them, and the pairs come out in order.

    Example:
        >>> _doc_freq(np.array([0, 0, 0, 1, 2]), np.array([1, 0, 1, 1, 0]), 2).tolist()
        [2, 2]
    """
    width = max(n_terms, 1)
    pairs = rows.astype("int64") * width + codes
    if len(pairs) and int(pairs.max()) < 2**31:
        pairs = pairs.astype("int32")
    pairs = np.sort(pairs)
    distinct = np.ones(len(pairs), dtype=bool)
    distinct[1:] = pairs[1:] != pairs[:-1]
    return np.bincount(pairs[distinct] % width, minlength=n_terms)


def _tfidf(frame: pd.DataFrame, by: By, view: TokenView, idf: str, top_k: int | None,
           min_count: int) -> pd.DataFrame:
    """TF-IDF keywords counted with array operations (the counting kernel), not a Python step per token."""
    label_codes, label_names = pd.factorize(pd.Series(_group_labels(frame, by), dtype=object), sort=False)
    codes, terms = view.vocabulary
    n_terms = len(terms)
    doc_freq = _doc_freq(view.row, codes, n_terms)
    if idf == "corpus":
        n = len(frame)
        weights = np.array([math.log((1 + n) / (1 + int(d))) + 1 for d in doc_freq], dtype="float64")
        fallback = max(weights.tolist(), default=1.0)
    else:
        table, fallback = _jieba_idf()
        weights = np.array([table.get(t, fallback) for t in terms], dtype="float64")
    counts = group_counts(view, np.asarray(label_codes, dtype="int64"), len(label_names))
    group, term, tally = counts.group, counts.term, counts.count
    scores = tally / counts.totals[group] * weights[term]
    order = np.lexsort((term, -tally, -scores, group))
    order = order[tally[order] >= min_count]
    group_sorted = group[order]
    first = np.r_[0, np.flatnonzero(group_sorted[1:] != group_sorted[:-1]) + 1] if len(order) else np.zeros(0, int)
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    top = order[rank < top_k] if top_k is not None else order
    out = pd.DataFrame({
        "group": [label_names[g] for g in group[top]],
        "term": [terms[t] for t in term[top]],
        "score": scores[top],
        "count": tally[top],
        "doc_freq": doc_freq[term[top]],
    }, columns=KEYWORD_COLUMNS)
    return out.astype({"group": "string", "term": "string", "score": "float64", "count": "int64", "doc_freq": "int64"})


def kwic(corpus: Docs, term: str, *, window: int = 15, whole_token: bool = False,
         segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Keyword in context: each occurrence of ``term`` with ``window`` characters each side.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus`, a paragraph table, a string or
    a list of strings. With ``whole_token=True`` an occurrence counts only where the
    Segmenter cuts it as one token (保水 in 加强保水, not in 确保水质); a Corpus then
    gives its token table rather than cutting again.

    Example:
        >>> kwic("加强保水，确保水质安全。", "保水", window=3)[["left", "term", "right"]].values.tolist()
        [['加强', '保水', '，确保'], ['水，确', '保水', '质安全']]
        >>> len(kwic("加强保水，确保水质安全。", "保水", whole_token=True))
        1
    """
    if not isinstance(term, str) or not term:
        raise ArgumentError(f"kwic: term must be a non-empty string, got {term!r}")
    data, frame = _as_data(corpus, "kwic")
    texts = frame["text"].astype(str).tolist()
    if whole_token:
        rows, starts = _token_starts(token_view(data, segmenter or default_segmenter(data), caller="kwic"), term)
    else:
        found = [(n, start) for n, text in enumerate(texts) for start in _find_all(text, term)]
        rows, starts = [r for r, _ in found], [s for _, s in found]
    records = frame.to_dict("records") if rows else []
    out = pd.DataFrame([{
        "report_id": records[row].get("report_id"),
        "part_no": records[row].get("part_no"),
        "section_no": records[row].get("section_no"),
        "para_no": records[row].get("para_no"),
        "left": texts[row][max(0, start - window) : start],
        "term": term,
        "right": texts[row][start + len(term) : start + len(term) + window],
    } for row, start in zip(rows, starts, strict=True)], columns=KWIC_COLUMNS)
    return out.astype({"report_id": "string", "part_no": "Int64", "section_no": "Int64", "para_no": "Int64",
                       "left": "string", "term": "string", "right": "string"})


def _find_all(text: str, term: str) -> list[int]:
    starts = []
    start = text.find(term)
    while start >= 0:
        starts.append(start)
        start = text.find(term, start + 1)
    return starts


def _token_starts(view: TokenView, term: str) -> tuple[list[int], list[int]]:
    """Row and character offset of every token equal to ``term``, in row order, then text order."""
    if not len(view.row):
        return [], []
    lengths = pc.utf8_length(view.token).to_numpy().astype("int64")
    ends = np.cumsum(lengths)
    # a paragraph's tokens are consecutive and in text order: offsets restart where the row changes
    run_start = np.r_[0, np.flatnonzero(view.row[1:] != view.row[:-1]) + 1]
    before = np.repeat(ends[run_start] - lengths[run_start], np.diff(np.r_[run_start, len(view.row)]))
    offsets = ends - lengths - before
    hit = pc.equal(view.token, pa.scalar(term, view.token.type)).to_numpy(zero_copy_only=False)
    rows, starts = view.row[hit], offsets[hit]
    order = np.lexsort((starts, rows))
    return rows[order].tolist(), starts[order].tolist()


def _llr(k11: int, k12: int, k21: int, k22: int) -> float:
    """Dunning's log-likelihood ratio G² for a 2×2 table."""
    def h(*ks: int) -> float:
        n = sum(ks)
        return sum(k * math.log(k / n) for k in ks if k > 0)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))


def collocations(corpus: Docs, *, top_k: int | None = 10, min_count: int = 2, sort: str = "llr",
                 segmenter: Segmenter | None = None) -> pd.DataFrame:
    """The ``top_k`` adjacent content-token bigrams seen at least ``min_count`` times, with PMI
    and log-likelihood (G²), sorted by ``sort`` (``llr``, ``pmi`` or ``count``).

    Bigrams never cross punctuation or paragraphs; numbers, white space and words the
    Segmenter drops are skipped over. PMI is ``log2(p(w1 w2) / (p(w1) p(w2)))``; G² is
    Dunning's log-likelihood on the 2×2 table of w1-first and w2-second bigram counts.
    ``top_k=None`` keeps every bigram.

    Example:
        >>> docs = ["密云水库 守护。密云水库 守护。生态 涵养。"] * 2
        >>> top = collocations(docs).iloc[0]
        >>> top["w1"], top["w2"], int(top["count"])
        ('密云水库', '守护', 4)
    """
    if sort not in ("llr", "pmi", "count"):
        raise ArgumentError(f"collocations: sort must be 'llr', 'pmi' or 'count', not {sort!r}")
    top_k = check_top_k(top_k, "collocations")
    data, _ = _as_data(corpus, "collocations")
    view = token_view(data, segmenter or default_segmenter(data), caller="collocations")
    punct, word = KINDS.index("punct"), KINDS.index("word")
    # the sequence bigrams are read from: kept words, and the punctuation that breaks runs
    chosen = (view.kind == punct) | ((view.kind == word) & view.keep)
    seq = view.take(chosen)
    is_word = seq.kind == word
    pair = is_word[:-1] & is_word[1:] & (seq.row[:-1] == seq.row[1:]) if len(seq.row) else np.zeros(0, bool)
    codes = pd.factorize(seq.token.to_numpy(zero_copy_only=False), sort=False)
    names = codes[1]
    first_codes, second_codes = codes[0][:-1][pair], codes[0][1:][pair]
    cells, counts = np.unique(first_codes.astype("int64") * max(len(names), 1) + second_codes, return_counts=True)
    pairs = {(names[c // max(len(names), 1)], names[c % max(len(names), 1)]): int(n)
             for c, n in zip(cells, counts, strict=True)}
    n = sum(pairs.values())
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    for (a, b), c in pairs.items():
        first[a] += c
        second[b] += c
    rows = []
    for (a, b), c in pairs.items():
        if c < min_count:
            continue
        pmi = math.log2(c * n / (first[a] * second[b]))
        llr = _llr(c, first[a] - c, second[b] - c, n - first[a] - second[b] + c)
        rows.append({"w1": a, "w2": b, "count": c, "pmi": pmi, "llr": llr})
    out = pd.DataFrame(rows, columns=COLLOCATION_COLUMNS)
    if len(out):
        out = out.sort_values([sort, "count", "w1", "w2"], ascending=[False, False, True, True])
        out = out if top_k is None else out.head(top_k)
    return out.reset_index(drop=True).astype({"w1": "string", "w2": "string", "count": "int64",
                                              "pmi": "float64", "llr": "float64"})

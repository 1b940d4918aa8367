"""Keywords (TF-IDF with corpus IDF, TextRank), keyword-in-context and collocations.

TF-IDF fits its IDF on the corpus's own units (paragraphs by default), so words that
every paragraph of a work report uses (建设, 推进, 全面) score low without a stoplist;
jieba's general-news IDF is available as ``idf="jieba"`` for comparison.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .segment import Segmenter, content_segmenter, default_segmenter, import_jieba, token_kind
from .structure import group_columns, group_label, text_cells
from .tokens import _positions, paragraph_tokens

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

Docs = str | Sequence[str] | pd.Series | pd.DataFrame


def _as_frame(docs: Docs) -> pd.DataFrame:
    if isinstance(docs, str):
        return pd.DataFrame({"text": [docs]})
    if isinstance(docs, pd.DataFrame):
        if "text" not in docs.columns:
            raise ValueError("a DataFrame of documents needs a 'text' column (one row per paragraph)")
        return text_cells(docs, "documents")
    if isinstance(docs, (pd.Series, list, tuple)):
        # missing documents (None, NaN) are empty text, as in a paragraph table
        values = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in docs]
        bad = [type(v).__name__ for v in values if not isinstance(v, str)]
        if bad:
            raise TypeError(f"documents must be str, got {bad[0]}")
        return pd.DataFrame({"text": values})
    raise TypeError(f"expected str, a sequence of str or a DataFrame, got {type(docs).__name__}")


def _group_labels(frame: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return ["all"] * len(frame)
    if isinstance(by, str) and by in frame.columns:
        columns = [by]  # a column of readable labels (section_labels) names its groups itself
    else:
        try:
            columns = group_columns(frame, by)
        except ValueError:
            missing = [c for c in ([by] if isinstance(by, str) else by) if c not in frame.columns]
            raise ValueError(f"no column(s) {missing} to group by; available: {list(frame.columns)}") from None
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
    docs: Docs,
    method: str = "tfidf",
    top_k: int = 20,
    *,
    by: str | Sequence[str] | None = None,
    idf: str = "corpus",
    segmenter: Segmenter | None = None,
    min_count: int = 1,
    tokens: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Top keywords per group, by TF-IDF or TextRank.

    ``docs`` is a string, a list of strings, or the paragraph table of
    :func:`miyun_text.structure.parse_report` (one row per unit). ``by`` names the
    column(s) to group by (``"section_title"``, ``["part_no", "section_no"]``,
    ``"year"``); without it the whole input is one group. A group keyed by report is
    named by the report's ``label`` (密云区 2024) where the table has one, not its id. TF-IDF scores are the term's
    share of the group's tokens times its IDF, fitted on the rows (``idf="corpus"``) or
    taken from jieba's general table (``idf="jieba"``). ``count`` is the term's count in
    the group, ``doc_freq`` the number of rows holding it. Ties break on count, then term.
    ``tokens`` is an optional :func:`~miyun_text.tokens.token_table` of the same rows
    and Segmenter: the result is the same, without segmenting again.

    Example:
        >>> docs = ["保水，守护密云水库", "招商引资，发展产业", "守护密云水库，保水"]
        >>> extract_keywords(docs, top_k=2)["term"].tolist()
        ['保水', '守护']
    """
    if method not in ("tfidf", "textrank"):
        raise ValueError(f"method must be 'tfidf' or 'textrank', not {method!r}")
    if idf not in ("corpus", "jieba"):
        raise ValueError(f"idf must be 'corpus' or 'jieba', not {idf!r}")
    if top_k < 1:
        raise ValueError(f"top_k must be at least 1, not {top_k}")
    frame = _as_frame(docs)
    seg = segmenter or content_segmenter(frame, tokens)
    if tokens is not None and method == "tfidf":
        return _table_tfidf(frame, by, seg, tokens, idf, top_k, min_count)
    units = paragraph_tokens(frame, seg, tokens)
    labels = _group_labels(frame, by)
    doc_freq: Counter[str] = Counter()
    for tokens in units:
        doc_freq.update(set(tokens))
    if idf == "corpus":
        weights = corpus_idf(units)
        fallback = max(weights.values(), default=1.0)
    else:
        weights, fallback = _jieba_idf()
    grouped: dict[str, list[str]] = {}
    for tokens, label in zip(units, labels, strict=True):
        grouped.setdefault(label, []).extend(tokens)
    rows = []
    for label, tokens in grouped.items():
        counts = Counter(tokens)
        if not counts:
            continue
        if method == "tfidf":
            total = sum(counts.values())
            scores = {t: c / total * weights.get(t, fallback) for t, c in counts.items()}
        else:
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


def _table_tfidf(frame: pd.DataFrame, by: str | Sequence[str] | None, seg: Segmenter, tokens: pd.DataFrame,
                 idf: str, top_k: int, min_count: int) -> pd.DataFrame:
    """TF-IDF keywords counted on a token table with array operations: the same numbers as
    the loop over paragraphs in :func:`extract_keywords`, without a Python step per token."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    pos, words = _positions(frame, seg, tokens)
    label_codes, label_names = pd.factorize(pd.Series(_group_labels(frame, by), dtype=object), sort=False)
    # sorted vocabulary: token codes then order as the terms do, for the tie-break on term
    # (Arrow sorts strings by their UTF-8 bytes, which is code point order, as Python does)
    encoded = pa.chunked_array([words]) if isinstance(words, pa.Array) else words
    # one memo table for all chunks: they share one dictionary
    encoded = encoded.dictionary_encode().unify_dictionaries()
    dictionary = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], type=words.type)
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks], type=pa.int32())
    order = pc.array_sort_indices(dictionary).to_numpy()
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    token_codes = rank[indices.to_numpy()]
    terms = dictionary.take(pa.array(order, type=pa.int64())).to_pylist()
    n_terms = len(terms)
    in_rows = np.unique(pos.astype("int64") * n_terms + token_codes)
    doc_freq = np.bincount(in_rows % n_terms, minlength=n_terms)
    if idf == "corpus":
        n = len(frame)
        weights = np.array([math.log((1 + n) / (1 + int(d))) + 1 for d in doc_freq], dtype="float64")
        fallback = max(weights.tolist(), default=1.0)
    else:
        table, fallback = _jieba_idf()
        weights = np.array([table.get(t, fallback) for t in terms], dtype="float64")
    cells, counts = np.unique(label_codes[pos].astype("int64") * n_terms + token_codes, return_counts=True)
    group, term = cells // n_terms, cells % n_terms
    totals = np.bincount(group, weights=counts).astype("int64")
    scores = counts / totals[group] * weights[term]
    order = np.lexsort((term, -counts, -scores, group))
    order = order[counts[order] >= min_count]
    group_sorted = group[order]
    first = np.r_[0, np.flatnonzero(group_sorted[1:] != group_sorted[:-1]) + 1] if len(order) else np.zeros(0, int)
    rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
    top = order[rank < top_k]
    out = pd.DataFrame({
        "group": [label_names[g] for g in group[top]],
        "term": [terms[t] for t in term[top]],
        "score": scores[top],
        "count": counts[top],
        "doc_freq": doc_freq[term[top]],
    }, columns=KEYWORD_COLUMNS)
    return out.astype({"group": "string", "term": "string", "score": "float64", "count": "int64", "doc_freq": "int64"})


def kwic(term: str, docs: Docs, window: int = 15, *, whole_token: bool = False,
         segmenter: Segmenter | None = None, tokens: pd.DataFrame | None = None) -> pd.DataFrame:
    """Keyword in context: each occurrence of ``term`` with ``window`` characters each side.

    With ``whole_token=True`` an occurrence counts only where the Segmenter cuts it as
    one token (保水 in 加强保水, not in 确保水质); ``tokens``, a
    :func:`~miyun_text.tokens.token_table` of the same rows and Segmenter, then saves
    segmenting again.

    Example:
        >>> kwic("保水", "加强保水，确保水质安全。", window=3)[["left", "term", "right"]].values.tolist()
        [['加强', '保水', '，确保'], ['水，确', '保水', '质安全']]
        >>> len(kwic("保水", "加强保水，确保水质安全。", whole_token=True))
        1
    """
    if not isinstance(term, str) or not term:
        raise ValueError("term must be a non-empty string")
    frame = _as_frame(docs)
    seg = segmenter or (default_segmenter(frame, tokens) if whole_token else None)
    cuts = paragraph_tokens(frame, seg, tokens, kept=False) if whole_token and seg is not None else None
    rows = []
    for n, record in enumerate(frame.to_dict("records")):
        text = str(record["text"])
        starts = []
        if cuts is not None:
            pos = 0
            for token in cuts[n]:
                if token == term:
                    starts.append(pos)
                pos += len(token)
        else:
            start = text.find(term)
            while start >= 0:
                starts.append(start)
                start = text.find(term, start + 1)
        for start in starts:
            end = start + len(term)
            rows.append({
                "report_id": record.get("report_id"),
                "part_no": record.get("part_no"),
                "section_no": record.get("section_no"),
                "para_no": record.get("para_no"),
                "left": text[max(0, start - window) : start],
                "term": term,
                "right": text[end : end + window],
            })
    out = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return out.astype({"report_id": "string", "part_no": "Int64", "section_no": "Int64", "para_no": "Int64",
                       "left": "string", "term": "string", "right": "string"})


def _llr(k11: int, k12: int, k21: int, k22: int) -> float:
    """Dunning's log-likelihood ratio G² for a 2×2 table."""
    def h(*ks: int) -> float:
        n = sum(ks)
        return sum(k * math.log(k / n) for k in ks if k > 0)

    return 2 * (h(k11, k12, k21, k22) - h(k11 + k12, k21 + k22) - h(k11 + k21, k12 + k22))


def collocations(docs: Docs, min_count: int = 3, *, segmenter: Segmenter | None = None,
                 sort: str = "llr") -> pd.DataFrame:
    """Adjacent content-token bigrams with PMI and log-likelihood (G²), at least ``min_count``.

    Bigrams never cross punctuation. PMI is ``log2(p(w1 w2) / (p(w1) p(w2)))``; G² is
    Dunning's log-likelihood on the 2×2 table of w1-first and w2-second bigram counts.

    Example:
        >>> docs = ["密云水库 守护。密云水库 守护。生态 涵养。"] * 2
        >>> top = collocations(docs, min_count=2).iloc[0]
        >>> top["w1"], top["w2"], int(top["count"])
        ('密云水库', '守护', 4)
    """
    if sort not in ("llr", "pmi", "count"):
        raise ValueError("sort must be 'llr', 'pmi' or 'count'")
    frame = _as_frame(docs)
    seg = segmenter or default_segmenter(frame)
    pairs: Counter[tuple[str, str]] = Counter()
    for text in frame["text"].astype(str):
        run: list[str] = []
        for token in [*seg.cut(text), "。"]:
            kind = token_kind(token)
            if kind == "punct":
                for a, b in itertools.pairwise(run):
                    pairs[(a, b)] += 1
                run = []
            elif kind == "word" and seg._keep(token):
                run.append(token)
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
    return out.reset_index(drop=True).astype({"w1": "string", "w2": "string", "count": "int64",
                                              "pmi": "float64", "llr": "float64"})

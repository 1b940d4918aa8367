"""Mine candidate policy terms from reports, for curation into the policy dictionary.

The shipped dictionary (``resources/policy_dict.txt`` with its sidecar
``policy_terms.csv``) was built by running :func:`mine_candidates` on the corpus and
curating the result by hand. Rerun it when a report is added and review what is new:

    >>> from miyun_text import load_corpus                        # doctest: +SKIP
    >>> new = mine_candidates(load_corpus()["text"])             # doctest: +SKIP
    >>> new[~new["in_dictionary"]].head(30)                      # doctest: +SKIP
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .cache import cache_dir
from .io import write_text_atomic
from .paths import resource_path
from .segment import import_jieba, quiet_jieba
from .vocabulary import formulas, quoted_terms

__all__ = ["CANDIDATE_COLUMNS", "mine_candidates", "plain_tokenizer", "policy_terms", "write_policy_dict"]

CANDIDATE_COLUMNS = ["term", "source", "count", "score", "in_dictionary"]

_NAME_SUFFIXES = (
    "医学中心", "中心", "医院", "学校", "小学", "中学", "大学", "集团", "公司", "园区", "科学城", "示范区",
    "水库", "基地", "平台", "工程", "行动", "试验区", "功能区", "生活圈", "发展带", "论坛", "大会",
)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=1)
def policy_terms() -> pd.DataFrame:
    """The curated policy terms: term, kind, source, note (the dictionary's sidecar).

    Example:
        >>> policy_terms().query("term == '接诉即办'")["kind"].item()
        'concept'
    """
    with open(resource_path("policy_terms.csv"), encoding="utf-8") as handle:
        return pd.DataFrame(list(csv.DictReader(handle)), columns=["term", "kind", "source", "note"])


def _plain_tokens(text: str) -> list[str]:
    return plain_tokenizer().lcut(text)


@lru_cache(maxsize=1)
def plain_tokenizer():
    """A plain ``jieba.Tokenizer`` with jieba's own dictionary only (the baseline).

    Example:
        >>> plain_tokenizer().lcut("接诉即办")
        ['接诉', '即', '办']
    """
    tokenizer = import_jieba().Tokenizer()
    tokenizer.tmp_dir = str(cache_dir())
    with quiet_jieba():
        tokenizer.initialize()
    return tokenizer


def mine_candidates(texts: Iterable[str], min_count: int = 2, max_ngram: int = 3) -> pd.DataFrame:
    """Candidate policy terms from clean report texts, with where each came from.

    Sources: ``quoted`` (“…” expressions of up to 10 characters), ``formula``
    (numbered formulas such as 两山, “5+2”, 1+9+N), ``ngram`` (runs of 2 to
    ``max_ngram`` plain-jieba tokens that recur at least ``min_count`` times and hold
    together: pointwise mutual information of their parts above 3 bits), and
    ``name`` (programmes, places and institutions by their endings: 中心, 医院,
    水库, 科学城 …). ``in_dictionary`` says whether the shipped dictionary has it.

    Example:
        >>> df = mine_candidates(["推进“接诉即办”改革。深化“接诉即办”，建设北大怀密医学中心。"], min_count=1)
        >>> sorted(df.loc[df["source"] == "quoted", "term"])
        ['接诉即办']
    """
    texts = [t for t in texts if isinstance(t, str)]
    rows: dict[tuple[str, str], dict] = {}

    def add(term: str, source: str, count: int, score: float) -> None:
        key = (term, source)
        if key not in rows:
            rows[key] = {"term": term, "source": source, "count": 0, "score": score}
        rows[key]["count"] += count
        rows[key]["score"] = max(rows[key]["score"], score)

    series = pd.Series(texts, dtype="object")
    quoted = quoted_terms(series)
    for term, n in zip(quoted["term"].astype(str), quoted["count"].astype(int), strict=True):
        if len(term) <= 10 and not re.search(r"[、，\s]", term):
            add(term, "quoted", n, float(n))
    found = formulas(series)
    for formula, n in zip(found["formula"].astype(str), found["count"].astype(int), strict=True):
        if len(formula) <= 10:
            add(formula, "formula", n, float(n))

    unigrams: Counter[str] = Counter()
    grams: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        for run in _CJK_RUN.findall(text):
            tokens = _plain_tokens(run)
            unigrams.update(tokens)
            for n in range(2, max_ngram + 1):
                for i in range(len(tokens) - n + 1):
                    grams[tuple(tokens[i : i + n])] += 1
    total = max(sum(unigrams.values()), 1)
    for gram, count in grams.items():
        term = "".join(gram)
        if count < min_count or len(term) < 3 or len(term) > 8 or any(len(t) == 1 for t in gram[:1]):
            continue
        expected = math.prod(unigrams[t] / total for t in gram) * total
        pmi = math.log2(count / expected) if expected > 0 else 0.0
        if pmi >= 3 * (len(gram) - 1):
            add(term, "ngram", count, round(pmi, 3))
    for text in texts:
        for run in _CJK_RUN.findall(text):
            for suffix in _NAME_SUFFIXES:
                for match in re.finditer(rf"([\u4e00-\u9fff]{{2,8}}?){suffix}", run):
                    add(match.group(0), "name", 1, 0.0)
    known = set(policy_terms()["term"])
    frame = pd.DataFrame(list(rows.values()), columns=["term", "source", "count", "score"])
    frame = frame[(frame["count"] >= min_count) | frame["source"].isin(["quoted", "formula"])]
    frame["in_dictionary"] = frame["term"].isin(known)
    frame = frame.sort_values(["source", "count", "score", "term"], ascending=[True, False, False, True])
    return frame.reset_index(drop=True).astype(
        {"term": "string", "source": "string", "count": "int64", "score": "float64", "in_dictionary": "bool"}
    )


_TAGS = {"place": "ns", "institution": "nt"}


def write_policy_dict(path: str | None = None) -> Path:
    """Regenerate ``policy_dict.txt`` (jieba format) from the curated ``policy_terms.csv``.

    The CSV is the source of truth: edit it, then run ``python -m miyun_text.dictionary``.
    Frequencies grow with length so that a longer curated term wins over its parts.

    Example:
        >>> write_policy_dict("/tmp/policy_dict.txt").read_text(encoding="utf-8").count("接诉即办 ")
        1
    """
    terms = policy_terms.__wrapped__().sort_values(["kind", "term"], kind="stable")
    lines = [
        "# Policy-term dictionary in jieba user-dict format: word frequency tag.",
        "# Generated by `python -m miyun_text.dictionary` from policy_terms.csv; do not edit by hand.",
    ]
    for term, kind in zip(terms["term"].astype(str), terms["kind"].astype(str), strict=True):
        lines.append(f"{term} {2000 + 500 * len(term)} {_TAGS.get(kind, 'nz')}")
    target = Path(path) if path else resource_path("policy_dict.txt")
    return write_text_atomic(target, "\n".join(lines) + "\n")


if __name__ == "__main__":
    print(write_policy_dict())

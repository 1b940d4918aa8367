"""Rerunnable evaluation of the tuned segmentation and keywords against plain jieba.

``python -m miyun_text.evaluate`` (or ``make evaluate``) prints two measures on the
corpus, each beside plain jieba (its own dictionary, its general-news IDF):

(a) **policy terms as single tokens**: of the occurrences of dictionary terms whose
    edges fall on word boundaries of plain jieba (so 水环境 inside 地表水环境质量 does
    not count), the share that come out as one token;
(b) **keywords that match their section**: per numbered section, the share of the
    section heading's content words found among the section's top-10 keywords;
(c) **keywords that are verbs or adverbs**: the share of all top-10 keywords that
    jieba's own part-of-speech tagger labels as verbs or adverbs (建设, 推进, 加快):
    boilerplate that names no subject. Lower is better.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

import pandas as pd

__all__ = ["Evaluation", "evaluate", "heading_agreement", "single_token_rate", "term_occurrences", "verb_share"]


def _token_starts(tokens: list[str], offset: int = 0) -> dict[int, str]:
    starts, pos = {}, offset
    for token in tokens:
        starts[pos] = token
        pos += len(token)
    return starts


def term_occurrences(text: str, term: str, baseline_tokens: list[str]) -> list[int]:
    """Offsets where ``term`` stands as a unit: both its edges are boundaries of the baseline cut.

    Example:
        >>> term_occurrences("地表水环境质量，水环境改善", "水环境", ["地表水", "环境质量", "，", "水", "环境", "改善"])
        [8]
    """
    starts = _token_starts(baseline_tokens)
    bounds = set(starts) | {len(text)}
    return [m.start() for m in re.finditer(re.escape(term), text)
            if m.start() in bounds and m.end() in bounds]


def single_token_rate(texts: list[str], terms: list[str], cut, baseline_cut) -> tuple[int, int]:
    """(single-token occurrences, all occurrences) of ``terms`` under ``cut``.

    An occurrence inside a longer term of the same list that came out as one token
    counts as kept whole (高质量发展 inside 绿色高质量发展).

    Example:
        >>> single_token_rate(["接诉即办"], ["接诉即办"], lambda t: [t], lambda t: list(t))
        (1, 1)
    """
    known = set(terms)
    hits = total = 0
    for text in texts:
        for line in text.split("\n"):
            if not line:
                continue
            base = baseline_cut(line)
            tokens = _token_starts(cut(line))
            for term in terms:
                for start in term_occurrences(line, term, base):
                    total += 1
                    hits += tokens.get(start) == term or any(
                        s <= start and start + len(term) <= s + len(t) and t in known for s, t in tokens.items()
                    )
    return hits, total


def verb_share(keywords: pd.DataFrame, tag) -> float:
    """Share of keywords whose part-of-speech tag starts with v or d (verbs, adverbs).

    Example:
        >>> verb_share(pd.DataFrame({"term": ["推进", "水库"]}), {"推进": "v", "水库": "n"}.get)
        0.5
    """
    terms = keywords["term"].astype(str).tolist()
    return sum(str(tag(t))[:1] in ("v", "d") for t in terms) / len(terms) if terms else 0.0


def heading_agreement(sections: pd.DataFrame, keywords: pd.DataFrame, heading_tokens) -> pd.DataFrame:
    """Per section: heading words, how many are among the section's keywords, and the share.

    Example:
        >>> secs = pd.DataFrame({"section": ["甲"], "section_title": ["保水生态"]})
        >>> kw = pd.DataFrame({"group": ["甲", "甲"], "term": ["保水", "企业"]})
        >>> heading_agreement(secs, kw, lambda t: ["保水", "生态"])["share"].tolist()
        [0.5]
    """
    rows = []
    for label, title in sections.drop_duplicates("section")[["section", "section_title"]].itertuples(index=False):
        words = sorted(set(heading_tokens(str(title))))
        top = set(keywords.loc[keywords["group"] == label, "term"])
        found = [w for w in words if w in top]
        rows.append({"section": label, "heading_words": " ".join(words), "found": " ".join(found),
                     "share": len(found) / len(words) if words else 0.0})
    return pd.DataFrame(rows, columns=["section", "heading_words", "found", "share"])


@dataclass(frozen=True)
class Evaluation:
    """Results of :func:`evaluate`, tuned beside baseline."""

    terms_tuned: tuple[int, int]
    terms_baseline: tuple[int, int]
    headings_tuned: pd.DataFrame
    headings_baseline: pd.DataFrame
    verbs_tuned: float = 0.0
    verbs_baseline: float = 0.0

    def summary(self) -> pd.DataFrame:
        """One row per measure: tuned, baseline, gain (percentage points).

        Example:
            >>> e = Evaluation((9, 10), (1, 10), pd.DataFrame({"share": [0.5]}), pd.DataFrame({"share": [0.25]}))
            >>> e.summary()["gain_points"].tolist()
            [80.0, 25.0, 0.0]
        """
        t = self.terms_tuned[0] / self.terms_tuned[1]
        b = self.terms_baseline[0] / self.terms_baseline[1]
        ht = float(self.headings_tuned["share"].mean())
        hb = float(self.headings_baseline["share"].mean())
        return pd.DataFrame([
            {"measure": "policy terms as single tokens", "tuned": round(100 * t, 1), "baseline": round(100 * b, 1),
             "gain_points": round(100 * (t - b), 1)},
            {"measure": "heading words among section top-10 keywords", "tuned": round(100 * ht, 1),
             "baseline": round(100 * hb, 1), "gain_points": round(100 * (ht - hb), 1)},
            {"measure": "verbs and adverbs among top-10 keywords (lower is better)",
             "tuned": round(100 * self.verbs_tuned, 1), "baseline": round(100 * self.verbs_baseline, 1),
             "gain_points": round(100 * (self.verbs_baseline - self.verbs_tuned), 1)},
        ])


def evaluate(data_dir=None, top_k: int = 10) -> Evaluation:
    """Run both measures on the corpus; see the module docstring.

    Example:
        >>> evaluate().summary()  # doctest: +SKIP
    """
    from .build import section_labels
    from .corpus import open_corpus
    from .dictionary import plain_tokenizer, policy_terms
    from .keywords import extract_keywords
    from .segment import Segmenter, content_segmenter, default_segmenter, import_jieba, quiet_jieba

    loaded = open_corpus(data_dir)
    corpus, paragraphs = loaded.reports, loaded.paragraphs
    terms = policy_terms()["term"].tolist()
    plain = plain_tokenizer()
    tuned_cut = default_segmenter().cut
    texts = corpus["text"].tolist()
    terms_tuned = single_token_rate(texts, terms, tuned_cut, plain.lcut)
    terms_baseline = single_token_rate(texts, terms, plain.lcut, plain.lcut)

    sections = paragraphs.dropna(subset=["section_no"]).copy()
    sections["section"] = section_labels(sections)
    content = content_segmenter()

    def heading_words(title: str) -> list[str]:
        # both methods are judged by the same yardstick: the heading's content words
        return content.tokenize(title)

    # keywords per readable section label (the grouping named "section" is report, part and section)
    labelled = sections.rename(columns={"section": "section_label"})
    tuned_kw = extract_keywords(labelled, by="section_label", top_k=top_k, min_count=1)
    # plain jieba: its own dictionary and general-news IDF, stopwords and 1-character words dropped
    baseline_seg = Segmenter(policy_dict=False, min_length=2)
    baseline_kw = extract_keywords(labelled, by="section_label", top_k=top_k, min_count=1, idf="jieba",
                                   segmenter=baseline_seg)
    with quiet_jieba():
        tagger = import_jieba().posseg.POSTokenizer(plain)

    def tag(word: str) -> str:
        pairs = tagger.lcut(word)
        return pairs[0].flag if len(pairs) == 1 else "x"

    return Evaluation(
        terms_tuned, terms_baseline,
        heading_agreement(sections, tuned_kw, heading_words),
        heading_agreement(sections, baseline_kw, heading_words),
        verb_share(tuned_kw, tag), verb_share(baseline_kw, tag),
    )


def main() -> int:
    """Print the evaluation tables.

    Example:
        >>> main()  # doctest: +SKIP
    """
    result = evaluate()
    with pd.option_context("display.width", 160, "display.max_colwidth", 60):
        print(result.summary().to_string(index=False))
        print()
        both = result.headings_tuned.merge(result.headings_baseline, on=["section", "heading_words"],
                                           suffixes=("_tuned", "_baseline"))
        print(both[["section", "heading_words", "found_tuned", "found_baseline"]].to_string(index=False))
    from .evaluate_reuse import main as evaluate_reuse

    evaluate_reuse()
    return 0


if __name__ == "__main__":
    sys.exit(main())

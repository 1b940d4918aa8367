"""Rerunnable evaluation: segmentation and keywords against plain jieba, indicators
against a hand-annotated gold set, and the reading of real provincial reports.

``python -m miyun_text.evaluate`` (or ``make evaluate``) prints, first, three measures
on the corpus, each beside plain jieba (its own dictionary, its general-news IDF):

(a) **policy terms as single tokens**: of the occurrences of dictionary terms whose
    edges fall on word boundaries of plain jieba (so 水环境 inside 地表水环境质量 does
    not count), the share that come out as one token;
(b) **keywords that match their section**: per numbered section, the share of the
    section heading's content words found among the section's top-10 keywords;
(c) **keywords that are verbs or adverbs**: the share of all top-10 keywords that
    jieba's own part-of-speech tagger labels as verbs or adverbs (建设, 推进, 加快):
    boilerplate that names no subject. Lower is better.

Then **indicators on the gold set** (``tests/fixtures/gold/indicators.yaml``: hand-written
sentences in the phrasings of work reports, none taken from a real report, with the rows
a reader expects): precision and recall of whole rows (indicator, kind, period, basis,
direction, value, range, unit, qualifier) and of names alone, for the development slice
(used while tuning) and the held-out slice (written before the extractor, never tuned on),
and per phrasing class.

Then, where the 31 provincial reports of 2026 are found (``../shared/corpus/provinces_2026``
beside the project, or the folder in ``MIYUN_TEXT_PROVINCES``), **the reading of real
reports**: per report its parts, their kinds and spans, the headline targets for 2026
found, and its GDP growth target against a hand-written answer key
(``tests/fixtures/gold/provinces_2026_gdp_targets.csv``); and theme coverage beside the
bundled report's. Without the folder this part says so and is skipped.

Last, on the same reports, **the names of indicator rows judged by hand**: fixed-seed
random samples of the rows :func:`miyun_text.extract_indicators` gives (all rows, and
headline rows alone), each row looked up in a file of verdicts
(``tests/fixtures/gold/provinces_2026_name_audit.csv``: a digest of the row and the
verdict, ``ok`` or the kind of error — no text of the reports). A row whose name, value
or sentence changed has a new digest and shows as not judged yet;
``python -m miyun_text.evaluate --audit SEED [--headline]`` lists a sample with its
sentences and digests for judging.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import re
import sys
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .build import section_labels
from .clean import clean_text
from .corpus import load_corpus, open_corpus
from .dictionary import plain_tokenizer, policy_terms
from .digest import digest
from .errors import ResourceError
from .evaluate_reuse import main as evaluate_reuse
from .indicators import WORD_QUALIFIERS, extract_indicators
from .io import read_yaml, write_text_atomic
from .keywords import extract_keywords
from .manifest import region_slug
from .segment import Segmenter, content_segmenter, default_segmenter, import_jieba, quiet_jieba
from .structure import StructureWarning, corpus_paragraphs
from .themes import theme_coverage_by

__all__ = [
    "AUDITS",
    "AUDIT_VERDICTS",
    "Evaluation",
    "audit_key",
    "audit_sample",
    "audit_score",
    "evaluate",
    "gold_paragraphs",
    "gold_rows",
    "heading_agreement",
    "load_gold",
    "province_summary",
    "provinces_folder",
    "read_audit",
    "read_provinces",
    "score_indicators",
    "single_token_rate",
    "term_occurrences",
    "verb_share",
]

_ROOT = Path(__file__).resolve().parents[1]
GOLD = _ROOT / "tests" / "fixtures" / "gold"
DOCS_GENERATED = _ROOT / "docs" / "generated"
# The columns a gold row is compared on; a row is right only when every one agrees.
_ROW_KEY = ["indicator", "kind", "period_start", "period_end", "basis", "direction", "value", "value_high", "unit",
            "qualifier"]


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


# ---------------------------------------------------------------- indicators on the gold set


def load_gold(path: str | os.PathLike[str] | None = None, *, split: str | None = None) -> list[dict]:
    """The gold cases (``tests/fixtures/gold/indicators.yaml``), all or one ``split`` (dev, heldout).

    Example:
        >>> cases = load_gold(split="dev")
        >>> len(cases) > 100, sorted({c["split"] for c in cases})
        (True, ['dev'])
    """
    data = read_yaml(path or GOLD / "indicators.yaml")
    cases = data["cases"] if isinstance(data, dict) else data
    if not isinstance(cases, list):
        raise ResourceError(f"{path or GOLD / 'indicators.yaml'}: a gold set is a list of cases under 'cases:'")
    return [c for c in cases if split is None or c["split"] == split]


def _span(text: object) -> tuple[int, int]:
    first, _, last = str(text).partition("-")
    return int(first), int(last or first)


def gold_paragraphs(cases: list[dict]) -> pd.DataFrame:
    """A paragraph table of the gold sentences, one row per case, with its context as columns.

    Example:
        >>> gold_paragraphs([{"id": "x", "context": "review 2025 2024", "text": "增长5%。"}])[
        ...     ["report_id", "year", "part_kind", "period_start", "period_end"]].values.tolist()
        [['x', 2025, 'review', 2024, 2024]]
    """
    rows = []
    for case in cases:
        part, year, period = str(case["context"]).split()
        first, last = _span(period)
        rows.append({"report_id": case["id"], "year": int(year), "part_kind": part, "part_year": last,
                     "period_start": first, "period_end": last, "part_no": 1, "section_no": None,
                     "text": case["text"]})
    frame = pd.DataFrame(rows, columns=["report_id", "year", "part_kind", "part_year", "period_start", "period_end",
                                        "part_no", "section_no", "text"])
    return frame.astype({"section_no": "Int64"})


def gold_rows(case: dict) -> list[tuple]:
    """The expected rows of one case, as tuples in the order of the compared columns.

    Example:
        >>> gold_rows({"context": "plan 2026 2026", "rows": [["地区生产总值", "增长", "5-5.5", "%", "range"]]})
        [('地区生产总值', 'target', 2026, 2026, 'annual', '增长', 5.0, 5.5, '%', 'range')]
    """
    part, _, period = str(case["context"]).split()
    kind = "actual" if part == "review" else "target"
    out = []
    for row in case.get("rows") or []:
        indicator, direction, value, unit, qualifier = row[:5]
        over = row[5] if len(row) > 5 else {}
        first, last = _span(over.get("period", period))
        low, high = [*str(value).split("-", 1), None][:2] if value is not None else (None, None)
        out.append((indicator, over.get("kind", kind), first, last, over.get("basis", "annual"), direction,
                    float(low) if low is not None else None, float(high) if high is not None else None, unit,
                    qualifier))
    return out


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) or hasattr(value, "item"):
        value = value.item() if hasattr(value, "item") else value
    return value


def score_indicators(cases: list[dict], found: pd.DataFrame | None = None) -> dict:
    """Precision and recall of :func:`miyun_text.extract_indicators` on gold cases.

    Returns ``precision``, ``recall`` and counts (``right``, ``found``, ``expected``) of
    whole rows, ``name_precision``/``name_recall`` of names alone, ``by_class`` (a table
    per phrasing class) and ``errors`` (case id, missed rows, extra rows).

    Example:
        >>> s = score_indicators([{"id": "x", "class": "c", "context": "review 2025 2024",
        ...                        "text": "地区生产总值增长5.2%。",
        ...                        "rows": [["地区生产总值", "增长", 5.2, "%", None]]}])
        >>> s["precision"], s["recall"]
        (1.0, 1.0)
    """
    if found is None:
        found = extract_indicators(gold_paragraphs(cases))
    by_case = {rid: part for rid, part in found.groupby("report_id", sort=False)}
    totals: Counter[str] = Counter()
    classes: dict[str, Counter[str]] = {}
    errors = []
    for case in cases:
        expected = Counter(gold_rows(case))
        part = by_case.get(case["id"], found.iloc[0:0])
        got = Counter(tuple(_plain(v) for v in row) for row in part[_ROW_KEY].itertuples(index=False))
        right = sum((expected & got).values())
        names = sum((Counter(r[0] for r in expected) & Counter(r[0] for r in got)).values())
        counts = Counter(right=right, found=sum(got.values()), expected=sum(expected.values()), names=names)
        totals.update(counts)
        classes.setdefault(case["class"], Counter()).update(counts)
        if expected != got:
            errors.append((case["id"], sorted(expected - got, key=str), sorted(got - expected, key=str)))

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    table = pd.DataFrame([{"class": name, "expected": c["expected"], "found": c["found"], "right": c["right"],
                           "precision": round(ratio(c["right"], c["found"]), 3),
                           "recall": round(ratio(c["right"], c["expected"]), 3)}
                          for name, c in sorted(classes.items())])
    return {"precision": ratio(totals["right"], totals["found"]), "recall": ratio(totals["right"], totals["expected"]),
            "name_precision": ratio(totals["names"], totals["found"]),
            "name_recall": ratio(totals["names"], totals["expected"]),
            "right": totals["right"], "found": totals["found"], "expected": totals["expected"],
            "by_class": table, "errors": errors}


# ---------------------------------------------------------------- the 31 provincial reports


def provinces_folder() -> Path | None:
    """Where the 31 provincial reports of 2026 are: ``MIYUN_TEXT_PROVINCES``, else
    ``../shared/corpus/provinces_2026`` beside the project; None when neither exists.

    Example:
        >>> folder = provinces_folder()
        >>> folder is None or folder.name == "provinces_2026" or "MIYUN_TEXT_PROVINCES" in os.environ
        True
    """
    named = os.environ.get("MIYUN_TEXT_PROVINCES")
    for candidate in ([Path(named)] if named else []) + [_ROOT.parent / "shared" / "corpus" / "provinces_2026"]:
        if candidate.is_dir() and any(candidate.glob("*.csv")):
            return candidate
    return None


def read_provinces(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """The reports of a folder of collected CSVs (``province, year, title, source_url,
    publish_date, full_text``; UTF-8 with BOM) as a corpus frame: ``report_id``, ``year``,
    ``region``, ``level``, ``title``, ``text`` (cleaned as :func:`miyun_text.clean_text` does).

    Example:
        >>> folder = provinces_folder()
        >>> folder is None or len(read_provinces(folder)) == 31
        True
    """
    rows, taken = [], set()
    csv.field_size_limit(10**8)
    for path in sorted(Path(folder).glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for record in csv.DictReader(handle):
                region, year = record["province"].strip(), int(record["year"])
                # the ids `miyun-text add` would give: 山西 and 陕西 are both shanxi, the second shanxi_2026_2
                stem, n = f"{region_slug(region) or 'report'}_{year}", 2
                report_id = stem
                while report_id in taken:
                    report_id, n = f"{stem}_{n}", n + 1
                taken.add(report_id)
                level = "市" if region.endswith("市") else "省"
                rows.append({"report_id": report_id, "year": year, "region": region, "level": level,
                             "title": record.get("title", ""), "text": clean_text(record["full_text"]).text})
    return pd.DataFrame(rows, columns=["report_id", "year", "region", "level", "title", "text"])


def _gdp_key(path: Path | None = None) -> pd.DataFrame:
    return pd.read_csv(path or GOLD / "provinces_2026_gdp_targets.csv", encoding="utf-8", dtype={"qualifier": str})


def province_summary(paragraphs: pd.DataFrame, indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per report: its parts (kind and span, in order), whether an outlook of its
    plan period was found, its headline targets for its own year, and its GDP growth
    target as read and as the answer key states it.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a"], "year": [2026], "region": ["甲省"], "label": ["甲省 2026"],
        ...     "part_no": [1], "part_kind": ["plan"], "part_years": ["2026"], "period_start": [2026],
        ...     "period_end": [2026], "section_no": pd.array([None], dtype="Int64"),
        ...     "text": ["今年主要预期目标是：地区生产总值增长5%左右。"]})
        >>> province_summary(paras)[["label", "parts", "gdp_target"]].values.tolist()
        [['甲省 2026', 'plan 2026', '5%左右']]
    """
    ind = indicators if indicators is not None else extract_indicators(paragraphs)
    key = _gdp_key().set_index("province") if (GOLD / "provinces_2026_gdp_targets.csv").exists() else None
    rows = []
    for rid, part in paragraphs.groupby("report_id", sort=False):
        year = int(part["year"].iloc[0])
        region = str(part["region"].iloc[0])
        body = part[part["part_no"] > 0]
        parts = body.drop_duplicates(["part_no", "part_kind"])
        kinds = " | ".join(f"{k} {s}" for k, s in zip(parts["part_kind"], parts["part_years"], strict=True))
        outlook = ((body["part_kind"] == "outlook") & (body["part_years"] == f"{year}–{year + 4}")).any()
        mine = ind[(ind["report_id"] == rid) & (ind["kind"] == "target") & (ind["basis"] == "annual")
                   & (ind["year"] == year)]
        headline = sorted(set(mine.loc[mine["headline"].fillna(False), "indicator"]))
        gdp = mine[(mine["indicator"] == "地区生产总值") & (mine["measure"] == "growth")]
        read = gdp.iloc[0] if len(gdp) else None
        text = ""
        if read is not None:
            high_text = read["value_high_text"]
            text = f"{read['value_text']}" + (f"—{high_text}" if pd.notna(high_text) else "")
            text += "%" + (read["qualifier"] if pd.notna(read["qualifier"]) and read["qualifier"] != "range" else "")
        row = {"report_id": rid, "label": str(part["label"].iloc[0]) if "label" in part else rid,
               "parts": kinds, "outlook_found": bool(outlook), "headline_targets": len(headline),
               "headline": "、".join(headline), "gdp_target": text or None}
        if key is not None and region in key.index:
            want = key.loc[region].to_dict()
            high: float | None = None if pd.isna(want["value_high"]) else float(want["value_high"])
            qualifier: str | None = None if pd.isna(want["qualifier"]) else str(want["qualifier"])
            row["gdp_key"] = (f"{want['value']:g}" + (f"—{high:g}" if high is not None else "") + "%"
                              + (qualifier if qualifier and qualifier != "range" else ""))
            row["gdp_right"] = read is not None and float(read["value"]) == float(want["value"]) and (
                (pd.isna(read["value_high"]) and high is None) or read["value_high"] == high) and (
                (None if pd.isna(read["qualifier"]) else read["qualifier"]) == qualifier)
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- names judged by hand

# The samples judged: (seed, rows, size), drawn from the rows of the 31 reports. Seeds 101
# (100 rows) and 102 (60 headline rows) were drawn from the rows before the rules on names
# (commit 17cd943: check it out and run ``make evaluate`` to see them scored) and looked at
# while writing the rules; 201 and 202 were drawn from the rows after, and judged once.
AUDITS: tuple[tuple[int, str, int], ...] = ((201, "all", 100), (202, "headline", 60))
# What a row's name can be: right (``ok``), or wrong because it names a place, an
# organisation or company, a person, an action without its object, a time, a piece of a
# clause, a thing other than the one the number measures, or the right thing in the wrong
# scope (a subtotal read as the whole jurisdiction's indicator); ``other`` for a row
# wrong in its other fields (kind, period, value).
AUDIT_VERDICTS = ("ok", "place", "organisation", "person", "verb", "time", "fragment", "wrong_thing", "scope",
                  "other")
_AUDIT_FILE = GOLD / "provinces_2026_name_audit.csv"


def audit_key(row: pd.Series | dict) -> str:
    """The digest a hand verdict on an indicator row is filed under: report, sentence,
    indicator, number and unit (no text of the report is kept).

    Example:
        >>> row = {"report_id": "a", "sentence": "增长5%。", "indicator": "地区生产总值", "value_text": "5",
        ...        "unit": "%"}
        >>> len(audit_key(row)), audit_key(row) == audit_key(dict(row, indicator="经济"))
        (16, False)
    """
    def cell(key: str) -> str:
        value = row[key]
        return "" if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else str(value)

    return digest(*(cell(k) for k in ("report_id", "sentence", "indicator", "value_text", "unit")))[:16]


def audit_sample(indicators: pd.DataFrame, seed: int, n: int = 100, *, headline: bool = False) -> pd.DataFrame:
    """``n`` rows drawn at random with ``seed`` (Python's ``random.Random``, stable across
    versions) from ``indicators`` in their order, or from its headline rows alone; a
    ``key`` column holds :func:`audit_key`.

    Example:
        >>> from miyun_text.indicators import extract_indicators
        >>> ind = extract_indicators("地区生产总值增长5%，新建学校3所，粮食产量1400万吨。", year=2025)
        >>> audit_sample(ind, 1, 2)["indicator"].tolist()
        ['地区生产总值', '粮食产量']
    """
    rows = indicators[indicators["headline"].fillna(False).astype(bool)] if headline else indicators
    rows = rows.reset_index(drop=True)
    picked = sorted(random.Random(seed).sample(range(len(rows)), min(n, len(rows))))
    sample = rows.iloc[picked].reset_index(drop=True)
    return sample.assign(key=[audit_key(r) for r in sample.to_dict("records")])


def read_audit(path: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The hand verdicts: ``key`` → verdict (one of :data:`AUDIT_VERDICTS`).

    Example:
        >>> set(read_audit().values()) <= set(AUDIT_VERDICTS)
        True
    """
    source = Path(path) if path is not None else _AUDIT_FILE
    if not source.exists():
        return {}
    verdicts: dict[str, str] = {}
    with open(source, encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            if record.get("verdict") not in AUDIT_VERDICTS or not record.get("key"):
                raise ResourceError(f"{source}:{line}: a verdict is one of {', '.join(AUDIT_VERDICTS)} with its key, "
                                    f"not {record!r}; fix the line")
            verdicts[record["key"]] = record["verdict"]
    return verdicts


def audit_score(sample: pd.DataFrame, verdicts: dict[str, str]) -> dict:
    """Of a sample: rows judged, rows wrong, the share right among those judged, the
    count of each kind of error, and the keys not judged yet.

    Example:
        >>> audit_score(pd.DataFrame({"key": ["a", "b", "c"]}), {"a": "ok", "b": "place"})["precision"]
        0.5
    """
    found = [verdicts.get(str(k)) for k in sample["key"]]
    judged = [v for v in found if v is not None]
    wrong = Counter(v for v in judged if v != "ok")
    return {"rows": len(found), "judged": len(judged), "wrong": sum(wrong.values()),
            "precision": (len(judged) - sum(wrong.values())) / len(judged) if judged else math.nan,
            "errors": dict(sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))),
            "unjudged": [str(k) for k, v in zip(sample["key"], found, strict=True) if v is None]}


def _audit_scores(indicators: pd.DataFrame) -> list[tuple[int, str, dict]]:
    """Each judged sample of :data:`AUDITS` drawn from ``indicators`` and scored: (seed, rows, score)."""
    verdicts = read_audit()
    return [(seed, which, audit_score(audit_sample(indicators, seed, n, headline=which == "headline"), verdicts))
            for seed, which, n in AUDITS]


def audit_table(indicators: pd.DataFrame, scores: list[tuple[int, str, dict]] | None = None) -> str:
    """The judged samples of :data:`AUDITS` scored on ``indicators`` (or the ``scores`` already
    worked out), as a Markdown table.

    Example:
        >>> audit_table(pd.DataFrame(), [(1, "all", {"rows": 2, "judged": 2, "wrong": 1, "precision": 0.5,
        ...                                          "errors": {"wrong_thing": 1}})]).splitlines()[-1]
        '| all | 2 (1) | 2 | 1 | 0.50 | wrong thing 1 |'
    """
    lines = ["| rows | sample (seed) | judged | wrong | precision | errors |", "|---|---|---:|---:|---:|---|"]
    for seed, which, score in scores if scores is not None else _audit_scores(indicators):
        errors = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in score["errors"].items()) or "none"
        lines.append(f"| {which} | {score['rows']} ({seed}) | {score['judged']} | {score['wrong']} | "
                     f"{score['precision']:.2f} | {errors} |")
    return "\n".join(lines) + "\n"


def _print_audit(indicators: pd.DataFrame) -> str:
    scores = _audit_scores(indicators)
    table = audit_table(indicators, scores)
    print("\nindicator rows judged by hand (name right for what the number measures):")
    print(table)
    for seed, which, score in scores:
        if score["unjudged"]:
            print(f"  seed {seed}: {len(score['unjudged'])} not judged yet (python -m miyun_text.evaluate "
                  f"--audit {seed}" + (" --headline)" if which == "headline" else ")"))
    return table


def _print_sample(indicators: pd.DataFrame, seed: int, n: int, headline: bool) -> None:
    verdicts = read_audit()
    sample = audit_sample(indicators, seed, n, headline=headline)
    for i, row in enumerate(sample.to_dict("records")):
        sentence, name = str(row["sentence"]), str(row["name"])
        at = sentence.find(name) if name else -1
        number = sentence.find(str(row["value_text"]), max(at, 0))
        low, high = max(0, min([x for x in (at, number) if x >= 0] or [0]) - 20), max(at, number, 0) + 30
        figure = "".join(str(row[k]) for k in ("direction", "value_text", "unit", "qualifier") if pd.notna(row[k]))
        print(f"{i:3d} {row['key']} [{verdicts.get(row['key'], '?')}] {row['label']} | {row['indicator']} | "
              f"{figure} | {row['kind']} {row['basis']} {row['period_start']}-{row['period_end']}\n"
              f"      …{sentence[low:high]}…")


def _print_gold(width: int) -> None:
    for split in ("dev", "heldout"):
        cases = load_gold(split=split)
        score = score_indicators(cases)
        rows = sum(len(c.get("rows") or []) for c in cases)
        print(f"indicators, gold set {split} slice ({len(cases)} cases, {rows} rows): "
              f"precision {score['precision']:.3f}, recall {score['recall']:.3f} (whole rows; "
              f"names alone: {score['name_precision']:.3f} / {score['name_recall']:.3f})")
        with pd.option_context("display.width", width):
            print(score["by_class"].to_string(index=False))
        for case_id, missed, extra in score["errors"]:
            print(f"  {case_id}: missed {missed}; extra {extra}")
        print()


_NO_PROVINCES = ("provincial reports: skipped — no folder ../shared/corpus/provinces_2026 beside the project and "
                 "no MIYUN_TEXT_PROVINCES naming one (the 31 reports of 2026 are not shipped with the project)")


def _province_paragraphs(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    corpus = read_provinces(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        return corpus, corpus_paragraphs(corpus)


def province_figures(summary: pd.DataFrame, coverage: pd.Series, bundled: float, indicators: pd.DataFrame,
                     year: int) -> str:
    """The provincial reports' figures as the documentation quotes them (Markdown).

    Example:
        >>> summary = pd.DataFrame({"outlook_found": [True, False], "gdp_right": [True, True],
        ...                         "headline_targets": [8, 10]})
        >>> words = pd.DataFrame({"kind": ["target"], "value": [None], "qualifier": ["稳定"]})
        >>> print(province_figures(summary, pd.Series([0.25, 0.27]), 0.263, words, 2026).splitlines()[2])
        - outlook part read as an outlook for 2026–2030: 1 of 2
    """
    n = len(summary)
    in_words = indicators[(indicators["kind"] == "target") & indicators["value"].isna()
                          & indicators["qualifier"].isin(WORD_QUALIFIERS)]
    lines = [
        f"On the {n} provincial reports of {year} (`make evaluate`, where they lie beside the project):",
        "",
        f"- outlook part read as an outlook for {year}–{year + 4}: {int(summary['outlook_found'].sum())} of {n}",
    ]
    if "gdp_right" in summary:
        lines.append(f"- {year} GDP growth target found with the right value, range and qualifier (against a "
                     f"hand-written answer key): {int(summary['gdp_right'].fillna(False).sum())} of {n}")
    lines += [
        f"- headline targets per report: median {summary['headline_targets'].median():g}",
        f"- targets stated in words: {len(in_words)} rows",
        f"- theme coverage: mean {coverage.mean():.1%} (from {coverage.min():.1%} to {coverage.max():.1%}), "
        f"against {bundled:.1%} on the bundled report",
    ]
    return "\n".join(lines).replace("%", " %") + "\n"


def _provinces(width: int, write_docs: bool) -> None:
    folder = provinces_folder()
    if folder is None:
        print(_NO_PROVINCES)
        return

    corpus, paragraphs = _province_paragraphs(folder)
    indicators = extract_indicators(paragraphs)
    summary = province_summary(paragraphs, indicators)
    with pd.option_context("display.width", width, "display.max_colwidth", 70, "display.max_rows", 100):
        print(summary[["label", "parts", "headline_targets", "gdp_target", "gdp_key", "gdp_right"]].to_string(
            index=False))
    bundled = corpus_paragraphs(load_corpus())
    mine = float(theme_coverage_by(bundled, by="report")["coverage"].iloc[0])
    theirs = theme_coverage_by(paragraphs, by="report")["coverage"]
    figures = province_figures(summary, theirs, mine, indicators, int(corpus["year"].iloc[0]))
    print(f"\n{figures}")
    audit = _print_audit(indicators)
    if write_docs:
        for name, text in (("provinces.md", figures), ("name_audit.md", audit)):
            print(f"wrote {write_text_atomic(DOCS_GENERATED / name, text)}")


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation tables; with ``--audit SEED`` list that sample of indicator
    rows of the provincial reports for judging instead.

    Example:
        >>> main([])  # doctest: +SKIP
    """
    parser = argparse.ArgumentParser(prog="python -m miyun_text.evaluate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--audit", type=int, metavar="SEED", help="list the sample of indicator rows drawn with SEED")
    parser.add_argument("--headline", action="store_true", help="with --audit: draw from headline rows only")
    parser.add_argument("--n", type=int, help="with --audit: sample size (default: as in AUDITS, else 100)")
    parser.add_argument("--write-docs", action="store_true",
                        help="also write the provincial figures to docs/generated/provinces.md")
    args = parser.parse_args(argv)
    if args.audit is not None:
        folder = provinces_folder()
        if folder is None:
            print(_NO_PROVINCES)
            return 1

        size = args.n or next((n for seed, which, n in AUDITS if seed == args.audit
                               and (which == "headline") == args.headline), 60 if args.headline else 100)
        _print_sample(extract_indicators(_province_paragraphs(folder)[1]), args.audit, size, args.headline)
        return 0
    result = evaluate()
    with pd.option_context("display.width", 160, "display.max_colwidth", 60):
        print(result.summary().to_string(index=False))
        print()
        both = result.headings_tuned.merge(result.headings_baseline, on=["section", "heading_words"],
                                           suffixes=("_tuned", "_baseline"))
        print(both[["section", "heading_words", "found_tuned", "found_baseline"]].to_string(index=False))
    print()
    _print_gold(160)
    _provinces(200, args.write_docs)

    evaluate_reuse(write_docs=args.write_docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

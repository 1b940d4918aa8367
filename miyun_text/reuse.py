"""Text reuse between reports: passages of one report found again in another.

The method follows the legislative text-reuse literature (Wilkerson, Smith & Stramp,
AJPS 2015; the Legislative Influence Detector, Burgess et al., KDD 2016): cheap
candidates first, then an exact local alignment of each candidate.

1. **Units.** Each report's text is its paragraphs joined by line breaks, in table order
   (:func:`reuse_texts`; every span refers to it). A paragraph is cut into sentences at
   。！？ and ；; a unit needs at least :data:`MIN_UNIT` characters that are not
   punctuation.
2. **Candidates.** Each unit becomes the set of its character n-grams (``n``, default
   :data:`DEFAULT_N`), taken over its letters, digits and Chinese characters only, so a
   changed comma or 顿号 does not hide a copy. A MinHash of each set (``datasketch``,
   ``num_perm`` permutations, fixed seed) goes into an LSH index tuned to Jaccard
   ``threshold``; a unit's candidates are the units of the other report that share a
   band with it. ``candidates="exact"`` instead compares every pair of units that share
   an n-gram, with the exact Jaccard similarity: the reference the LSH is measured
   against (``make evaluate``), and affordable for a few reports.
3. **Alignment.** Each candidate pair is aligned with Smith-Waterman local alignment
   (Biopython's ``PairwiseAligner`` in local mode, which takes Chinese strings as they
   are; match 1, mismatch −1, gap open −2, gap extend −1). The alignment is cut where more
   than ``max_gap`` characters of either side go unmatched, and what is left of B on either
   side is aligned again (clauses copied in another order); a piece must hold at least
   :data:`MIN_UNIT` identical characters.
4. **Passages.** Each character of B is given to at most one aligned piece (the one with
   most identical characters), so a sentence A states twice is not counted twice. Pieces
   that follow each other in B (at most ``max_gap`` characters apart: the punctuation and
   line break between sentences) and lie within :data:`REORDER_REACH` characters of each
   other in A join into one passage, so a copied paragraph is one row, and so are sentences
   copied in another order. A passage is kept when B's side holds at least ``min_length``
   characters and its ``similarity`` is at least ``min_similarity``; one that fails is
   tried again as its runs of pieces in A's order.

**Formulaic language.** Work reports share much text on purpose: the guiding thought,
the Party congress, the year's tasks set from above. Such a passage is real shared text,
and it is reported; ``n_reports`` says in how many reports of the corpus B's passage is
found (A and B included; another report counts when its own aligned passages cover at
least half of it), and ``formulaic`` is true when that is at least ``formulaic_reports``
(default 5). Copying between peers is the rest. With fewer reports in the corpus than
``formulaic_reports`` no passage can be judged, and ``formulaic`` is missing (``<NA>``).

``similarity`` is ``2·M / (len_a + len_b)``, where M counts identical aligned characters
and the lengths count the characters of each side's span other than whitespace (A's span
runs from its first aligned piece to its last, so text B left out counts against it): 1.0
for an exact copy. ``length`` is the number of characters of B's passage (whitespace not counted).
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import pandas as pd
from Bio import Align

from .errors import ArgumentError, PanelError
from .escape import html_text as escape
from .grouping import paragraphs_of
from .structure import split_sentences

__all__ = [
    "DEFAULT_N",
    "MAX_UNIT",
    "MIN_UNIT",
    "REORDER_REACH",
    "REUSE_COLUMNS",
    "SHARE_COLUMNS",
    "marked_texts",
    "most_reused",
    "passages_html",
    "reuse_pairs",
    "reuse_shares",
    "reuse_texts",
    "text_reuse",
]

DEFAULT_N = 3
MIN_UNIT = 8
MAX_UNIT = 60
REORDER_REACH = MAX_UNIT
REUSE_COLUMNS = [
    "report_a", "report_b", "label_a", "label_b", "span_a", "span_b", "text_a", "text_b",
    "similarity", "length", "n_reports", "formulaic",
]
SHARE_COLUMNS = [
    "report_a", "report_b", "label_a", "label_b", "chars_a", "chars_b", "reused_a", "reused_b",
    "share_a", "share_b", "peer_share_a", "peer_share_b", "passages", "formulaic_passages",
]
PAIR_MODES = ("all", "consecutive", "levels")
# Higher levels first: a district (区) or county (县) reports below its city (市), a city below its province.
LEVEL_RANK = {"省": 0, "自治区": 0, "直辖市": 0, "市": 1, "州": 1, "盟": 1, "地区": 1,
              "区": 2, "县": 2, "旗": 2, "县级市": 2, "镇": 3, "乡": 3, "街道": 3}

_WORD = re.compile(r"[\w]")
_CLAUSE = re.compile(r"[^，、：,:]*(?:[，、：,:]+|$)")
_NON_WORD = re.compile(r"[^\w]+")


@dataclass
class _Report:
    report_id: str
    label: str
    year: int | None
    region: str | None
    level: str | None
    text: str
    units: list[tuple[int, int]] = field(default_factory=list)
    # characters other than whitespace before each offset, so any span's length is one subtraction
    solid: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))

    def chars(self, start: int, end: int) -> int:
        return int(self.solid[end] - self.solid[start])


@dataclass
class _Segment:
    a: int  # report index of A
    b: int
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matches: int


def _paragraph_table(corpus: object, caller: str) -> pd.DataFrame:
    """The paragraph table of a corpus object (``.paragraphs``) or the table itself."""
    return paragraphs_of(corpus, caller)


def _optional(value: Any) -> Any:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _reports(paragraphs: pd.DataFrame) -> list[_Report]:
    ids = paragraphs["report_id"].astype(str) if "report_id" in paragraphs.columns else \
        pd.Series("report", index=paragraphs.index)
    reports = []
    for report_id, rows in paragraphs.groupby(ids, sort=False):
        first = rows.iloc[0]
        label = _optional(first.get("label")) if "label" in rows.columns else None
        year = _optional(first.get("year")) if "year" in rows.columns else None
        region = _optional(first.get("region")) if "region" in rows.columns else None
        level = _optional(first.get("level")) if "level" in rows.columns else None
        text = "\n".join(str(t) for t in rows["text"])
        reports.append(_Report(str(report_id), str(label) if label is not None else str(report_id),
                               int(year) if year is not None else None,
                               str(region) if region is not None else None,
                               str(level) if level is not None else None, text))
    return reports


def reuse_texts(corpus: object) -> pd.Series:
    """The text each report's spans refer to: its paragraphs joined by line breaks, in table order.

    ``reuse_texts(corpus)[row.report_b][slice(*row.span_b)] == row.text_b`` for every row
    of :func:`text_reuse`.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["甲", "甲"], "text": ["第一段。", "第二段。"]})
        >>> reuse_texts(paras)["甲"]
        '第一段。\\n第二段。'
    """
    reports = _reports(_paragraph_table(corpus, "reuse_texts"))
    return pd.Series({r.report_id: r.text for r in reports}, dtype=object, name="text")


def _content_len(text: str) -> int:
    """Characters other than whitespace."""
    return len(text) - _spaces(text)


def _spaces(text: str) -> int:
    return len(text) - len("".join(text.split()))


def _cut_units(report: _Report) -> None:
    report.solid = np.concatenate([[0], np.cumsum([not ch.isspace() for ch in report.text], dtype=np.int64)])
    units = []
    offset = 0
    for paragraph in report.text.split("\n"):
        position = offset
        for sentence in split_sentences(paragraph, semicolons=True):
            for piece in _pieces(sentence):
                start = position
                position += len(piece)
                if len(_WORD.findall(piece)) >= MIN_UNIT:
                    units.append((start, position))
        offset += len(paragraph) + 1
    report.units = units


def _pieces(sentence: str) -> list[str]:
    """A sentence, or a long one cut at its commas into runs of clauses of about :data:`MAX_UNIT` characters.

    Work reports write sentences of several hundred characters (the year's general
    requirements); a clause copied into such a sentence changes too small a part of it
    for the n-gram sets of whole sentences to look alike.
    """
    if len(sentence) <= MAX_UNIT:
        return [sentence]
    pieces: list[str] = []
    for clause in _CLAUSE.findall(sentence):
        if pieces and len(pieces[-1]) + len(clause) <= MAX_UNIT:
            pieces[-1] += clause
        else:
            pieces.append(clause)
    return pieces


def _shingles(text: str, n: int) -> list[bytes]:
    words = _NON_WORD.sub("", text)
    if len(words) <= n:
        return [words.encode("utf-8")]
    return sorted({words[i:i + n].encode("utf-8") for i in range(len(words) - n + 1)})


def _resolve(reports: list[_Report], names: Any, side: str) -> list[int]:
    """Indices of the reports named by id or label (one name or a list of names)."""
    if names is None:
        return []
    wanted = [names] if isinstance(names, (str, int)) else list(names)
    by_name: dict[str, int] = {}
    for i, report in enumerate(reports):
        by_name.setdefault(report.report_id, i)
        by_name.setdefault(report.label, i)
    found = []
    for name in wanted:
        if str(name) not in by_name:
            known = ", ".join(r.label if r.label == r.report_id else f"{r.label} ({r.report_id})" for r in reports)
            raise PanelError(f"text_reuse: {side}={name!r} is no report of the corpus; give a report id or label "
                             f"of: {known}")
        found.append(by_name[str(name)])
    return list(dict.fromkeys(found))


def _order_key(reports: list[_Report], i: int) -> tuple:
    year = reports[i].year
    return (year if year is not None else 0, i)


def _pairs(reports: list[_Report], a: object, b: object, pairs: str | None) -> list[tuple[int, int]]:
    """The ordered pairs (A, B) to compare: B's passages found in A."""
    if pairs is not None and (a is not None or b is not None):
        raise PanelError(f"text_reuse: give either a=/b= or pairs={pairs!r}, not both")
    if a is not None or b is not None:
        left = _resolve(reports, a, "a") or [i for i in range(len(reports)) if i not in _resolve(reports, b, "b")]
        right = _resolve(reports, b, "b") or [i for i in range(len(reports)) if i not in left]
        out = [(i, j) for i in left for j in right if i != j]
        # a pair asked for both ways is compared once (the passages are the same), in the first order given
        seen: set[frozenset[int]] = set()
        unique = []
        for pair in out:
            if frozenset(pair) not in seen:
                seen.add(frozenset(pair))
                unique.append(pair)
        return unique
    mode = pairs or "all"
    if mode not in PAIR_MODES:
        raise PanelError(f"text_reuse: pairs={mode!r} is not one of {', '.join(PAIR_MODES)}")
    order = sorted(range(len(reports)), key=lambda i: _order_key(reports, i))
    if mode == "all":
        return [(order[x], order[y]) for x in range(len(order)) for y in range(x + 1, len(order))]
    if mode == "consecutive":
        if any(r.year is None or r.region is None for r in reports):
            raise PanelError("text_reuse: pairs='consecutive' needs the columns region and year in the paragraph "
                             "table (open the corpus with open_corpus or corpus_paragraphs)")
        places = [(str(r.region), int(r.year or 0)) for r in reports]  # none missing (checked above)
        where = {place: i for i, place in enumerate(places)}
        return [(where[(region, year - 1)], i) for i in order
                for region, year in [places[i]] if (region, year - 1) in where]
    if any(r.year is None or r.level is None for r in reports):
        raise PanelError("text_reuse: pairs='levels' needs the columns level and year in the paragraph table")
    levels = [str(r.level) for r in reports]  # none missing (checked above)
    unknown = sorted({level for level in levels if level not in LEVEL_RANK})
    if unknown:
        raise PanelError(f"text_reuse: pairs='levels' does not know the level(s) {unknown}; known: "
                         f"{', '.join(LEVEL_RANK)}")
    return [(i, j) for i in order for j in order
            if reports[i].year == reports[j].year and LEVEL_RANK[levels[i]] < LEVEL_RANK[levels[j]]]


def reuse_pairs(corpus: object, a: object = None, b: object = None, *, pairs: str | None = None) -> pd.DataFrame:
    """The pairs of reports :func:`text_reuse` compares, as ``report_a, report_b, label_a, label_b``.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["x", "y", "z"], "label": ["甲区 2023", "甲区 2024", "乙区 2024"],
        ...                       "region": ["甲区", "甲区", "乙区"], "year": [2023, 2024, 2024], "text": ["…"] * 3})
        >>> reuse_pairs(paras, pairs="consecutive")[["label_a", "label_b"]].values.tolist()
        [['甲区 2023', '甲区 2024']]
    """
    reports = _reports(_paragraph_table(corpus, "reuse_pairs"))
    rows = [{"report_a": reports[i].report_id, "report_b": reports[j].report_id,
             "label_a": reports[i].label, "label_b": reports[j].label} for i, j in _pairs(reports, a, b, pairs)]
    return pd.DataFrame(rows, columns=["report_a", "report_b", "label_a", "label_b"], dtype="string")


def _aligner():
    return Align.PairwiseAligner(mode="local", match_score=1.0, mismatch_score=-1.0,
                                 open_gap_score=-2.0, extend_gap_score=-1.0)


def _align(aligner, text_a: str, text_b: str, max_gap: int, b_offset: int = 0) -> list[tuple[int, int, int, int, int]]:
    """Aligned pieces of B's text in A's: (start_a, end_a, start_b, end_b, identical characters).

    The best local alignment is cut where more than ``max_gap`` characters of either side
    go unmatched (a rewritten clause between two copied ones), so a piece holds light
    edits only; what is left of B on either side of it is aligned again, so clauses
    copied in another order are each found.
    """
    if text_a == text_b:
        return [(0, len(text_a), b_offset, b_offset + len(text_b), len(text_a) - _spaces(text_a))]
    if len(text_b) < MIN_UNIT or aligner.score(text_a, text_b) < MIN_UNIT:
        return []
    path = aligner.align(text_a, text_b)[0].coordinates.tolist()
    blocks = [(a0, a1, b0) for a0, a1, b0, b1 in zip(path[0], path[0][1:], path[1], path[1][1:], strict=False)
              if a1 - a0 == b1 - b0 > 0]  # steps on both sequences: aligned columns (a gap moves one only)
    matched = [(a0 + k, b0 + k) for a0, a1, b0 in blocks for k in range(a1 - a0)
               if text_a[a0 + k] == text_b[b0 + k] and not text_a[a0 + k].isspace()]
    runs, run = [], matched[:1]
    for i, j in matched[1:]:
        if i - run[-1][0] - 1 > max_gap or j - run[-1][1] - 1 > max_gap:
            runs.append(run)
            run = []
        run.append((i, j))
    if run:
        runs.append(run)
    pieces = [(int(r[0][0]), int(r[-1][0]) + 1, b_offset + int(r[0][1]), b_offset + int(r[-1][1]) + 1, len(r))
              for r in runs if len(r) >= MIN_UNIT]
    b0, b1 = path[1][0], path[1][-1]
    return [*_align(aligner, text_a, text_b[:b0], max_gap, b_offset), *pieces,
            *_align(aligner, text_a, text_b[b1:], max_gap, b_offset + b1)]


def _candidates_minhash(reports: list[_Report], wanted: dict[int, set[int]], n: int, threshold: float,
                        num_perm: int, seed: int) -> Iterable[tuple[int, int, int, int]]:
    """(report A, unit of A, report B, unit of B) for every LSH candidate of a wanted pair."""
    # imported here, not at the top: datasketch costs ~0.4 s to import (it brings scipy), and build,
    # export and the explorer import this module whether or not they look for reused passages
    from datasketch import MinHash, MinHashLSH

    involved = sorted(set(wanted) | {x for s in wanted.values() for x in s})
    keys = [(r, u) for r in involved for u in range(len(reports[r].units))]
    # each n-gram is hashed once (CRC-32 of its UTF-8), then MinHash permutes the hash values
    codes: dict[bytes, int] = {}
    sets = [[codes.setdefault(g, zlib.crc32(g)) for g in _shingles(reports[r].text[slice(*reports[r].units[u])], n)]
            for r, u in keys]
    hashes = MinHash.bulk(sets, num_perm=num_perm, seed=seed, hashfunc=int)
    # a missed candidate is lost for good, a false one costs one alignment: weigh misses nine times more
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=(0.1, 0.9))
    sources = {x for s in wanted.values() for x in s}
    with lsh.insertion_session() as session:
        for k, ((r, _u), h) in enumerate(zip(keys, hashes, strict=True)):
            if r in sources:
                session.insert(k, h, check_duplication=False)
    for k, (r, u) in enumerate(keys):
        partners = wanted.get(r)
        if not partners:
            continue
        for other in sorted(lsh.query(hashes[k])):
            ra, ua = keys[other]
            if ra in partners:
                yield ra, ua, r, u


def _candidates_exact(reports: list[_Report], wanted: dict[int, set[int]], n: int,
                      threshold: float) -> Iterable[tuple[int, int, int, int]]:
    """Every unit pair of a wanted pair whose exact n-gram Jaccard similarity is at least ``threshold``."""
    sources = sorted({x for s in wanted.values() for x in s})
    postings: dict[bytes, list[tuple[int, int]]] = defaultdict(list)
    sizes: dict[tuple[int, int], int] = {}
    for r in sources:
        for u, (s, e) in enumerate(reports[r].units):
            grams = _shingles(reports[r].text[s:e], n)
            sizes[(r, u)] = len(grams)
            for gram in grams:
                postings[gram].append((r, u))
    for r in sorted(wanted):
        partners = wanted[r]
        for u, (s, e) in enumerate(reports[r].units):
            grams = _shingles(reports[r].text[s:e], n)
            shared: dict[tuple[int, int], int] = defaultdict(int)
            for gram in grams:
                for key in postings.get(gram, ()):
                    if key[0] in partners:
                        shared[key] += 1
            for key in sorted(shared):
                common = shared[key]
                if common / (len(grams) + sizes[key] - common) >= threshold:
                    yield key[0], key[1], r, u


def _segments(reports: list[_Report], wanted: dict[int, set[int]], *, n: int, threshold: float,
              candidates: str, num_perm: int, seed: int, max_gap: int) -> dict[tuple[int, int], list[_Segment]]:
    """Aligned unit pairs, keyed by the pair (A, B) as asked (wanted[B] holds the A reports)."""
    if candidates == "minhash":
        found = _candidates_minhash(reports, wanted, n, threshold, num_perm, seed)
    elif candidates == "exact":
        found = _candidates_exact(reports, wanted, n, threshold)
    else:
        raise PanelError(f"text_reuse: candidates={candidates!r} is not 'minhash' or 'exact'")
    aligner = _aligner()
    out: dict[tuple[int, int], list[_Segment]] = defaultdict(list)
    for ra, ua, rb, ub in found:
        sa, ea = reports[ra].units[ua]
        sb, eb = reports[rb].units[ub]
        for a0, a1, b0, b1, matches in _align(aligner, reports[ra].text[sa:ea], reports[rb].text[sb:eb], max_gap):
            out[(ra, rb)].append(_Segment(ra, rb, sa + a0, sa + a1, sb + b0, sb + b1, matches))
    return out


def _passages(segments: list[_Segment], max_gap: int, size: int) -> list[list[_Segment]]:
    """Each character of B given to one segment at most (most identical characters first); neighbours joined."""
    taken = np.zeros(size, dtype=bool)
    chosen = []
    for seg in sorted(segments, key=lambda s: (-s.matches, s.b_start, s.a_start)):
        if int(taken[seg.b_start:seg.b_end].sum()) * 2 > seg.b_end - seg.b_start:
            continue
        taken[seg.b_start:seg.b_end] = True
        chosen.append(seg)
    chosen.sort(key=lambda s: (s.b_start, s.a_start))
    groups: list[list[_Segment]] = []
    for seg in chosen:
        if groups:
            group = groups[-1]
            a0, a1 = min(s.a_start for s in group), max(s.a_end for s in group)
            # next in B, and in A within reach of the passage so far: copied text, in order or with
            # its sentences and clauses in another order
            if 0 <= seg.b_start - group[-1].b_end <= max_gap and seg.a_start - a1 <= REORDER_REACH \
                    and a0 - seg.a_end <= REORDER_REACH:
                group.append(seg)
                continue
        groups.append([seg])
    return groups


def _covered(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _content_in(text: str, intervals: Iterable[tuple[int, int]]) -> int:
    return sum(_content_len(text[s:e]) for s, e in intervals)


@dataclass
class _Reuse:
    reports: list[_Report]
    pairs: list[tuple[int, int]]
    passages: pd.DataFrame


def _reuse(corpus: object, a: object, b: object, *, pairs: str | None, n: int, threshold: float,
           min_length: int, min_similarity: float, max_gap: int, formulaic_reports: int | None,
           candidates: str, num_perm: int, seed: int, caller: str) -> _Reuse:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ArgumentError(f"{caller}: n={n!r} must be a whole number of characters, 1 or more (default {DEFAULT_N})")
    if not 0 < threshold <= 1:
        raise ArgumentError(f"{caller}: threshold={threshold!r} must be a Jaccard similarity in (0, 1]")
    if not 0 <= min_similarity <= 1:
        raise ArgumentError(f"{caller}: min_similarity={min_similarity!r} must lie in [0, 1]")
    reports = _reports(_paragraph_table(corpus, caller))
    for report in reports:
        _cut_units(report)
    asked = _pairs(reports, a, b, pairs)
    # the formulaic flag needs every report a B (and an A) is found in, so their pairs with the whole corpus
    judged = formulaic_reports is not None and len(reports) >= formulaic_reports
    needed = set(asked)
    if judged:
        ends = {x for pair in asked for x in pair}
        have = {frozenset(p) for p in needed}
        for x in sorted(ends):
            for y in range(len(reports)):
                if y != x and frozenset((x, y)) not in have:
                    needed.add((y, x))
                    have.add(frozenset((x, y)))
    wanted: dict[int, set[int]] = defaultdict(set)
    for i, j in needed:
        wanted[j].add(i)
    segments = _segments(reports, wanted, n=n, threshold=threshold, candidates=candidates,
                         num_perm=num_perm, seed=seed, max_gap=max_gap)

    aligned: dict[tuple[int, int], list[list[_Segment]]] = {}
    cover: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)  # (report, partner) -> spans
    for pair in sorted(needed):
        groups = _kept(reports, _passages(segments.get(pair, []), max_gap, len(reports[pair[1]].text)),
                       min_length, min_similarity, max_gap)
        aligned[pair] = groups
        i, j = pair
        for g in groups:
            cover[(j, i)].append((g[0].b_start, g[-1].b_end))
            cover[(i, j)].append((min(s.a_start for s in g), max(s.a_end for s in g)))
    masks: dict[int, np.ndarray] = {}  # per report B: one row per other report, its characters covered
    if judged:
        for x in sorted({j for _, j in asked}):
            grid = np.zeros((len(reports), len(reports[x].text)), dtype=np.int8)
            for c in range(len(reports)):
                for start, end in cover.get((x, c), []):
                    grid[c, start:end] = 1
            grid[:, np.diff(reports[x].solid) == 0] = 0  # whitespace never counts
            masks[x] = grid

    rows = []
    for i, j in asked:
        ra, rb = reports[i], reports[j]
        for g in aligned[(i, j)]:
            a0, a1 = min(s.a_start for s in g), max(s.a_end for s in g)
            b0, b1 = g[0].b_start, g[-1].b_end
            text_a, text_b = ra.text[a0:a1], rb.text[b0:b1]
            similarity, length = _similarity(reports, g)
            holders = None
            if judged:
                covered = masks[j][:, b0:b1].sum(axis=1, dtype=np.int64)
                covered[[i, j]] = 0
                holders = 2 + int((2 * covered >= length).sum())
            rows.append({"report_a": ra.report_id, "report_b": rb.report_id, "label_a": ra.label,
                         "label_b": rb.label, "span_a": (a0, a1), "span_b": (b0, b1), "text_a": text_a,
                         "text_b": text_b, "similarity": round(similarity, 4), "length": length,
                         "n_reports": holders,
                         "formulaic": (holders >= formulaic_reports)
                         if holders is not None and formulaic_reports is not None else None})
    frame = pd.DataFrame(rows, columns=REUSE_COLUMNS)
    frame = frame.astype({"report_a": "string", "report_b": "string", "label_a": "string", "label_b": "string",
                          "text_a": "string", "text_b": "string", "similarity": "float64", "length": "int64",
                          "n_reports": "Int64", "formulaic": "boolean"})
    return _Reuse(reports, asked, frame)


def _similarity(reports: list[_Report], group: list[_Segment]) -> tuple[float, int]:
    """(similarity, characters of B) of a passage: 2·M over the characters of both sides' spans.

    A's span runs from its first aligned piece to its last, so text of A that B left out
    between two copied pieces lowers the similarity, as text B added does.
    """
    a, b = reports[group[0].a], reports[group[0].b]
    len_a = a.chars(min(s.a_start for s in group), max(s.a_end for s in group))
    len_b = b.chars(group[0].b_start, group[-1].b_end)
    return min(1.0, 2 * sum(s.matches for s in group) / (len_a + len_b)), len_b


def _keep(reports: list[_Report], group: list[_Segment], min_length: int, min_similarity: float) -> bool:
    similarity, length = _similarity(reports, group)
    return length >= min_length and similarity >= min_similarity


def _kept(reports: list[_Report], groups: list[list[_Segment]], min_length: int, min_similarity: float,
          max_gap: int) -> list[list[_Segment]]:
    """The passages kept; a passage that fails as a whole is tried as its runs of pieces in A's order.

    Two sentences B copied from A with other text of A between them fail together on
    similarity (A's span holds the text left out); each may still be a passage of its own.
    """
    out = []
    for group in groups:
        if _keep(reports, group, min_length, min_similarity):
            out.append(group)
            continue
        runs = [[group[0]]]
        for seg in group[1:]:
            if 0 <= seg.a_start - runs[-1][-1].a_end <= max_gap:
                runs[-1].append(seg)
            else:
                runs.append([seg])
        out += [run for run in runs if _keep(reports, run, min_length, min_similarity)]
    return out


def text_reuse(
    corpus: object,
    a: str | Sequence[str] | None = None,
    b: str | Sequence[str] | None = None,
    *,
    pairs: str | None = None,
    n: int = DEFAULT_N,
    threshold: float = 0.3,
    min_length: int = 20,
    min_similarity: float = 0.7,
    max_gap: int = 4,
    formulaic_reports: int | None = 5,
    candidates: str = "minhash",
    num_perm: int = 64,
    seed: int = 1,
) -> pd.DataFrame:
    """Passages of report B reused from report A, one row per passage (method in the module docstring).

    ``corpus`` is a paragraph table (``report_id``, ``text``, and ``label``, ``region``,
    ``year``, ``level`` where present) or an object with a ``.paragraphs`` table.
    Which pairs: ``a`` and ``b`` name reports by id or label (one or a list; a missing side
    means every other report), or ``pairs`` chooses a design: ``"all"`` (every pair once,
    the earlier year as A; the default when neither ``a`` nor ``b`` is given),
    ``"consecutive"`` (each region's report against its report of the year before: how
    much of this year repeats last year), ``"levels"`` (each report against every report
    of a higher level in the same year: a district against its city; see
    :data:`LEVEL_RANK`). A pair is compared once, whichever way it is named.

    Columns :data:`REUSE_COLUMNS`: ``report_a, report_b, label_a, label_b``; ``span_a``
    and ``span_b`` as ``(start, end)`` offsets into :func:`reuse_texts`; ``text_a``,
    ``text_b``; ``similarity`` (1.0 for an exact copy); ``length`` (characters of B's
    passage); ``n_reports`` (reports holding B's passage) and ``formulaic``. Rows are in
    pair order, then in B's order. :func:`reuse_shares` sums the passages per pair.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "text": [
        ...     "全区新建农村公路八十公里，改造危桥十二座，公交线路通达每个行政村。明年继续办好民生实事。",
        ...     "今年我们新建农村公路八十公里，改造危桥十二座，公交线路通达每个行政村。城市更新稳步推进。"]})
        >>> row = text_reuse(paras, "a", "b").iloc[0]
        >>> row.text_b, row.span_b, float(row.similarity), int(row.length)
        ('新建农村公路八十公里，改造危桥十二座，公交线路通达每个行政村。', (4, 35), 1.0, 31)
    """
    return _reuse(corpus, a, b, pairs=pairs, n=n, threshold=threshold, min_length=min_length,
                  min_similarity=min_similarity, max_gap=max_gap, formulaic_reports=formulaic_reports,
                  candidates=candidates, num_perm=num_perm, seed=seed, caller="text_reuse").passages


def reuse_shares(
    corpus: object,
    a: str | Sequence[str] | None = None,
    b: str | Sequence[str] | None = None,
    *,
    passages: pd.DataFrame | None = None,
    pairs: str | None = None,
    **options: object,
) -> pd.DataFrame:
    """How much of each report the other holds, one row per pair compared (pairs without reuse included).

    ``share_b`` is the share of B's characters (whitespace not counted) inside passages
    found in A — how much of B is reused from A — and ``share_a`` the same for A;
    ``peer_share_*`` leaves out formulaic passages (found in many reports; missing where
    the corpus is too small to judge). ``passages`` takes the table :func:`text_reuse`
    returned for the same ``a``/``b``/``pairs``, so it is not computed twice; other
    keyword ``options`` go to :func:`text_reuse`. Columns :data:`SHARE_COLUMNS`.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "b"], "text": [
        ...     "全区新建农村公路八十公里，改造危桥十二座，公交线路通达每个行政村。",
        ...     "全区新建农村公路八十公里，改造危桥十二座，公交线路通达每个行政村。城市更新稳步推进。"]})
        >>> row = reuse_shares(paras).iloc[0]
        >>> int(row.chars_a), int(row.chars_b), int(row.reused_b), round(float(row.share_b), 3), float(row.share_a)
        (33, 42, 33, 0.786, 1.0)
    """
    reports = _reports(_paragraph_table(corpus, "reuse_shares"))
    asked = _pairs(reports, a, b, pairs)
    if passages is None:
        passages = text_reuse(corpus, a, b, pairs=pairs, **options)  # type: ignore[arg-type]
    index = {r.report_id: k for k, r in enumerate(reports)}
    spans: dict[tuple[int, int], list[tuple[tuple[int, int], tuple[int, int], object]]] = defaultdict(list)
    for row in passages.to_dict("records"):
        key = (index[str(row["report_a"])], index[str(row["report_b"])])
        flag = None if row["formulaic"] is None or pd.isna(row["formulaic"]) else bool(row["formulaic"])
        spans[key].append((tuple(row["span_a"]), tuple(row["span_b"]), flag))
    limit = options.get("formulaic_reports", 5)
    judged = limit is not None and len(reports) >= limit  # type: ignore[operator]
    rows = []
    for i, j in asked:
        ra, rb = reports[i], reports[j]
        found = spans.get((i, j), [])
        chars_a, chars_b = _content_len(ra.text), _content_len(rb.text)
        reused_a = _content_in(ra.text, _covered([s[0] for s in found]))
        reused_b = _content_in(rb.text, _covered([s[1] for s in found]))
        peer = [s for s in found if s[2] is False]
        peer_a = _content_in(ra.text, _covered([s[0] for s in peer])) if judged else None
        peer_b = _content_in(rb.text, _covered([s[1] for s in peer])) if judged else None
        rows.append({
            "report_a": ra.report_id, "report_b": rb.report_id, "label_a": ra.label, "label_b": rb.label,
            "chars_a": chars_a, "chars_b": chars_b, "reused_a": reused_a, "reused_b": reused_b,
            "share_a": reused_a / chars_a if chars_a else 0.0, "share_b": reused_b / chars_b if chars_b else 0.0,
            "peer_share_a": (peer_a / chars_a if chars_a else 0.0) if peer_a is not None else np.nan,
            "peer_share_b": (peer_b / chars_b if chars_b else 0.0) if peer_b is not None else np.nan,
            "passages": len(found), "formulaic_passages": sum(1 for s in found if s[2] is True),
        })
    frame = pd.DataFrame(rows, columns=SHARE_COLUMNS)
    return frame.astype({"report_a": "string", "report_b": "string", "label_a": "string", "label_b": "string",
                         "chars_a": "int64", "chars_b": "int64", "reused_a": "int64", "reused_b": "int64",
                         "share_a": "float64", "share_b": "float64", "peer_share_a": "float64",
                         "peer_share_b": "float64", "passages": "int64", "formulaic_passages": "int64"})


def marked_texts(text_a: str, text_b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both sides of a passage cut into runs, each marked True where the other side has the same characters.

    Runs of at least two identical characters in the same order (``difflib``'s matching
    blocks) are shared; single characters that happen to match are not marked.

    Example:
        >>> a, b = marked_texts("完成造林九千亩以上", "完成造林一万亩以上")
        >>> a
        [('完成造林', True), ('九千', False), ('亩以上', True)]
        >>> b
        [('完成造林', True), ('一万', False), ('亩以上', True)]
    """
    blocks = [m for m in SequenceMatcher(None, text_a, text_b, autojunk=False).get_matching_blocks() if m.size >= 2]

    def runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
        out: list[tuple[str, bool]] = []
        position = 0
        for start, end in spans:
            if start > position:
                out.append((text[position:start], False))
            out.append((text[start:end], True))
            position = end
        if position < len(text):
            out.append((text[position:], False))
        return out

    return runs(text_a, [(m.a, m.a + m.size) for m in blocks]), runs(text_b, [(m.b, m.b + m.size) for m in blocks])


def passages_html(passages: pd.DataFrame, *, rows: int | None = 20) -> str:
    """The passages of :func:`text_reuse` side by side as an HTML table, shared text in ``<mark>``.

    Every value is escaped (report text is data, never markup); one ``<style>`` element
    aligns the text left (as pandas' Styler writes one for each table), and no script is used.

    Example:
        >>> p = pd.DataFrame({"label_a": ["甲区 2023"], "label_b": ["乙区 2023"], "text_a": ["完成造林九千亩"],
        ...                   "text_b": ["完成造林<一万>亩"], "similarity": [0.8], "length": [9],
        ...                   "n_reports": [pd.NA], "formulaic": [pd.NA]})
        >>> html = passages_html(p)
        >>> "<mark>完成造林</mark>" in html, "&lt;一万&gt;" in html, "<一万>" in html
        (True, True, False)
    """
    def marked(runs: list[tuple[str, bool]]) -> str:
        return "".join(f"<mark>{escape(t)}</mark>" if shared else escape(t) for t, shared in runs)

    shown = passages if rows is None else passages.head(rows)
    # a style element, as pandas' Styler writes for every table shown (no inline style attributes)
    # the class twice: JupyterLab's own rule for table cells (right-aligned) is two classes strong
    lines = ["<style>table.miyun-reuse.miyun-reuse td, table.miyun-reuse.miyun-reuse th "
             "{text-align: left; vertical-align: top;}</style>",
             '<table class="miyun-reuse">', "<thead><tr><th>A</th><th>B</th><th>similarity</th><th>characters</th>"
             "<th>reports holding it</th></tr></thead>", "<tbody>"]
    for row in shown.to_dict("records"):
        a, b = marked_texts(str(row["text_a"]), str(row["text_b"]))
        n_reports, formulaic = row["n_reports"], row["formulaic"]
        holders = "" if n_reports is None or pd.isna(n_reports) else str(int(n_reports))
        if holders and formulaic is not None and not pd.isna(formulaic) and bool(formulaic):
            holders += " (formulaic)"
        lines.append(f"<tr><td><b>{escape(str(row['label_a']))}</b><br>{marked(a)}</td>"
                     f"<td><b>{escape(str(row['label_b']))}</b><br>{marked(b)}</td>"
                     f"<td>{float(row['similarity']):.2f}</td><td>{int(row['length'])}</td>"
                     f"<td>{escape(holders)}</td></tr>")
    lines += ["</tbody>", "</table>"]
    if rows is not None and len(passages) > rows:
        lines.append(f"<p>showing {rows} of {len(passages)} passages</p>")
    return "\n".join(lines)


def most_reused(shares: pd.DataFrame, *, peer: bool = False, top_k: int | None = 10) -> pd.DataFrame:
    """The pairs in which the most of one report is found in the other, each pair both ways.

    ``shares`` is :func:`reuse_shares` output. One row per reusing report and source:
    ``reuser``, ``source`` (labels), ``report_reuser``, ``report_source`` (ids), ``chars``
    and ``reused`` (of the reuser), ``share``, ``peer_share``, ``passages``; sorted by
    ``share`` (``peer``: by ``peer_share``, formulaic passages left out), largest first.

    Example:
        >>> s = pd.DataFrame({"report_a": ["x"], "report_b": ["y"], "label_a": ["甲区 2023"], "label_b": ["乙区 2023"],
        ...     "chars_a": [100], "chars_b": [50], "reused_a": [10], "reused_b": [10], "share_a": [0.1],
        ...     "share_b": [0.2], "peer_share_a": [0.1], "peer_share_b": [0.2], "passages": [1]})
        >>> most_reused(s)[["reuser", "source", "share"]].values.tolist()
        [['乙区 2023', '甲区 2023', 0.2], ['甲区 2023', '乙区 2023', 0.1]]
    """
    columns = ["reuser", "source", "report_reuser", "report_source", "chars", "reused", "share", "peer_share",
               "passages"]
    sides = []
    for me, other in (("b", "a"), ("a", "b")):
        side = shares.rename(columns={f"label_{me}": "reuser", f"label_{other}": "source",
                                      f"report_{me}": "report_reuser", f"report_{other}": "report_source",
                                      f"chars_{me}": "chars", f"reused_{me}": "reused", f"share_{me}": "share",
                                      f"peer_share_{me}": "peer_share"})
        sides.append(side[columns])
    both = pd.concat(sides, ignore_index=True)
    key = "peer_share" if peer else "share"
    both = both.sort_values([key, "reuser", "source"], ascending=[False, True, True], kind="mergesort")
    return (both if top_k is None else both.head(top_k)).reset_index(drop=True)

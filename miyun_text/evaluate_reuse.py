"""Evaluation of text reuse detection: hand-made pairs with known copies, and the 31 provincial reports of 2026.

``make evaluate`` runs :func:`main` after the segmentation evaluation. It prints

- precision and recall, counted in characters of B, on the hand-made pairs of
  ``tests/fixtures/reuse/pairs.yaml`` (exact, lightly edited and reordered copies, and a
  negative control), for several shingle sizes ``n``;
- on the provincial reports (``$MIYUN_TEXT_PROVINCES``, or ``../shared/corpus/provinces_2026``
  beside the project; skipped with the reason where absent), for the same ``n``: time, passages,
  recall of the MinHash candidates against exhaustive candidates (every pair of units sharing
  an n-gram), recall against an independent reference (the characters of B inside a
  20-character string that also occurs in A), and the share of found characters in passages
  confirmed by a verbatim run of 10 characters;
- the most-copied pairs of provinces, overall and without formulaic passages, with their
  longest passages.
"""

from __future__ import annotations

import csv
import math
import os
import random
import re
import time
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import MissingFileError
from .io import read_yaml, write_text_atomic
from .reuse import DEFAULT_N, most_reused, reuse_shares, reuse_texts, text_reuse
from .structure import parse_report
from .tables import docs_cell, docs_table

__all__ = [
    "NS",
    "handmade_pairs",
    "handmade_scores",
    "main",
    "provinces_folder",
    "read_provinces",
    "real_scores",
    "span_overlap",
    "synthetic_pairs",
]

NS = (2, 3, 4, 5, 6, 8)
ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "fixtures" / "reuse" / "pairs.yaml"
_MARK = re.compile(r"\{\{(.*?)\}\}")


def provinces_folder() -> Path:
    """Where the 31 provincial reports of 2026 are: ``$MIYUN_TEXT_PROVINCES``, else beside the project.

    Example:
        >>> provinces_folder().name
        'provinces_2026'
    """
    env = os.environ.get("MIYUN_TEXT_PROVINCES")
    return Path(env) if env else ROOT.parent / "shared" / "corpus" / "provinces_2026"


def read_provinces(folder: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The provincial reports as one paragraph table (one report per CSV, provincial level ``省``).

    Each CSV holds one row (``province, year, title, source_url, publish_date, full_text``, UTF-8
    with BOM); the text is parsed with :func:`miyun_text.structure.parse_report` and every row
    carries ``report_id`` (the province), ``year``, ``region``, ``level`` and ``label``.

    Example:
        >>> read_provinces("/nonexistent")
        Traceback (most recent call last):
        ...
        miyun_text.errors.MissingFileError: /nonexistent: no provincial reports (*.csv) here; set ...
    """
    path = Path(folder) if folder is not None else provinces_folder()
    files = sorted(path.glob("*.csv"))
    if not files:
        raise MissingFileError(f"{path}: no provincial reports (*.csv) here; set MIYUN_TEXT_PROVINCES to the "
                               "folder provinces_2026")
    csv.field_size_limit(1 << 30)
    frames = []
    for file in files:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            row = next(csv.DictReader(handle))
        year = int(row["year"])
        frame = parse_report(row["full_text"], row["province"], year)
        for k, (column, value) in enumerate({"year": year, "region": row["province"], "level": "省",
                                             "label": f"{row['province']} {year}"}.items(), start=1):
            frame.insert(k, column, value)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).astype({"year": "int64", "region": "string", "level": "string",
                                                        "label": "string"})


def handmade_pairs(path: str | os.PathLike[str] | None = None) -> list[dict]:
    """The hand-made pairs: per case its name, kind, paragraph table of A and B, and B's copied spans.

    Spans are offsets into B's text as :func:`miyun_text.reuse.reuse_texts` gives it.

    Example:
        >>> case = handmade_pairs()[0]
        >>> case["name"], case["kind"], len(case["truth"])
        ('exact', 'exact', 3)
    """
    cases = []
    pairs: Any = read_yaml(path or PAIRS)  # a list of cases (see tests/fixtures/reuse/pairs.yaml)
    for case in pairs:
        b_paragraphs, truth, offset = [], [], 0
        for paragraph in case["b"]:
            plain, shift = "", 0
            for match in _MARK.finditer(paragraph):
                plain += paragraph[shift:match.start()]
                truth.append((offset + len(plain), offset + len(plain) + len(match.group(1))))
                plain += match.group(1)
                shift = match.end()
            plain += paragraph[shift:]
            b_paragraphs.append(plain)
            offset += len(plain) + 1
        table = pd.DataFrame({"report_id": ["a"] * len(case["a"]) + ["b"] * len(b_paragraphs),
                              "text": list(case["a"]) + b_paragraphs})
        cases.append({"name": case["name"], "kind": case["kind"], "paragraphs": table, "truth": truth})
    return cases


def synthetic_pairs(k: int = 30, *, rates: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2), seed: int = 0,
                    path: str | os.PathLike[str] | None = None) -> list[dict]:
    """Generated pairs from the hand-made sentences, with copies edited at known rates (same form as the pairs).

    For each edit rate, ``k`` pairs: A is 12 sentences of the hand-made pairs (of 20 characters
    or more, none a copy of another) in paragraphs of
    three; B is 8 other sentences with 4 of A's copied into it at random places. Each character
    of a copy is replaced by another character of the pool with probability ``rate``, and a
    two-character word is inserted after it with probability ``rate / 4``; one copy in four has
    its clauses in another order. The truth is each copy's whole span in B.

    Example:
        >>> cases = synthetic_pairs(2, rates=(0.1,))
        >>> len(cases), cases[0]["kind"], len(cases[0]["truth"])
        (2, 'edited 10%', 4)
    """
    # the pool: sentences of A and the text B wrote itself, so that no two are copies of each other;
    # sentences shorter than the shortest passage reported (20 characters) are left out
    pool: list[str] = []
    pairs: Any = read_yaml(path or PAIRS)  # a list of cases (see tests/fixtures/reuse/pairs.yaml)
    for case in pairs:
        for text in [*case["a"], *(_MARK.sub("。", p) for p in case["b"])]:
            pool += [x for x in re.findall(r"[^。]+。", text) if len(x) >= 21 and x not in pool]
    chars = sorted({c for x in pool for c in x if "\u4e00" <= c <= "\u9fff"})
    words = ["进一步", "持续", "全面", "切实", "大力", "积极", "着力", "加快"]
    rng = random.Random(seed)
    cases = []
    for rate in rates:
        for number in range(k):
            picked = rng.sample(pool, 20)
            a_sentences, b_own = picked[:12], picked[12:]
            copies = []
            for sentence in rng.sample(a_sentences, 4):
                if rng.random() < 0.25:
                    clauses = re.findall(r"[^，。]+[，。]", sentence)
                    rng.shuffle(clauses)
                    sentence = "".join(clauses)
                out = ""
                for ch in sentence:
                    out += rng.choice(chars) if "\u4e00" <= ch <= "\u9fff" and rng.random() < rate else ch
                    if rng.random() < rate / 4:
                        out += rng.choice(words)
                copies.append(out)
            b_units = [(x, False) for x in b_own] + [(x, True) for x in copies]
            rng.shuffle(b_units)
            a_paragraphs = ["".join(a_sentences[i:i + 3]) for i in range(0, 12, 3)]
            b_paragraphs, truth, offset = [], [], 0
            for i in range(0, len(b_units), 3):
                paragraph = ""
                for text, copied in b_units[i:i + 3]:
                    if copied:
                        truth.append((offset + len(paragraph), offset + len(paragraph) + len(text)))
                    paragraph += text
                b_paragraphs.append(paragraph)
                offset += len(paragraph) + 1
            table = pd.DataFrame({"report_id": ["a"] * len(a_paragraphs) + ["b"] * len(b_paragraphs),
                                  "text": a_paragraphs + b_paragraphs})
            cases.append({"name": f"synthetic {rate:.0%} {number}", "kind": f"edited {rate:.0%}",
                          "paragraphs": table, "truth": truth})
    return cases


def span_overlap(found: list[tuple[int, int]], truth: list[tuple[int, int]], text: str) -> tuple[int, int, int]:
    """(characters found and true, characters found, characters true), whitespace not counted.

    Example:
        >>> span_overlap([(0, 4)], [(2, 6)], "甲乙丙丁戊己")
        (2, 4, 4)
    """
    def chars(spans: list[tuple[int, int]]) -> set[int]:
        return {i for s, e in spans for i in range(s, e) if not text[i].isspace()}

    f, t = chars(found), chars(truth)
    return len(f & t), len(f), len(t)


def handmade_scores(n: int, cases: list[dict] | None = None, **options: object) -> pd.DataFrame:
    """Precision and recall in characters of B per kind of copy (and over all), at shingle size ``n``.

    The negative control has no true characters: what is found there lowers precision.

    Example:
        >>> handmade_scores(3).set_index("kind").loc["all", ["precision", "recall"]].round(2).tolist()
        [0.99, 0.97]
    """
    rows = []
    for case in cases or handmade_pairs():
        found = text_reuse(case["paragraphs"], "a", "b", n=n, **options)  # type: ignore[arg-type]
        text = reuse_texts(case["paragraphs"])["b"]
        hit, got, true = span_overlap([tuple(s) for s in found["span_b"]], case["truth"], text)
        rows.append({"kind": case["kind"], "hit": hit, "found": got, "true": true})
    frame = pd.DataFrame(rows)
    total = frame.groupby("kind", sort=False)[["hit", "found", "true"]].sum()
    total.loc["all"] = total.sum()
    total["precision"] = (total["hit"] / total["found"]).where(total["found"] > 0, 1.0)
    total["recall"] = (total["hit"] / total["true"]).where(total["true"] > 0)
    return total.reset_index()


def _grams(text: str, size: int) -> set[str]:
    return {text[i:i + size] for i in range(len(text) - size + 1) if "\n" not in text[i:i + size]}


def _reference(text_a_grams: set[str], text_b: str, size: int) -> list[tuple[int, int]]:
    """B's characters inside a string of ``size`` characters that A also holds."""
    spans = [(i, i + size) for i in range(len(text_b) - size + 1) if text_b[i:i + size] in text_a_grams]
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def real_scores(paragraphs: pd.DataFrame, n: int, *, exhaustive: bool = True, reference: int = 20,
                confirm: int = 10, **options: Any) -> dict:
    """Time, passages and recall on a real panel at shingle size ``n`` (see the module docstring).

    Example:
        >>> real_scores(read_provinces(), 4)  # doctest: +SKIP
    """
    start = time.perf_counter()
    found = text_reuse(paragraphs, n=n, **options)
    seconds = time.perf_counter() - start
    texts = reuse_texts(paragraphs)
    grams = {rid: _grams(text, reference) for rid, text in texts.items()}
    hit = true = 0
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    found_rows = found.to_dict("records")
    for row in found_rows:
        spans.setdefault((row["report_a"], row["report_b"]), []).append(tuple(row["span_b"]))
    ids = list(texts.index)
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            a, b = ids[x], ids[y]
            h, _, t = span_overlap(spans.get((a, b), []), _reference(grams[a], texts[b], reference), texts[b])
            hit, true = hit + h, true + t
    confirmed = sum(int(row["length"]) for row in found_rows
                    if _grams(str(row["text_a"]), confirm) & _grams(str(row["text_b"]), confirm))
    total = int(found["length"].sum())
    out = {"n": n, "seconds": seconds, "passages": len(found), "characters": total,
           "recall_vs_20char": hit / true if true else float("nan"),
           "confirmed_share": confirmed / total if total else float("nan"),
           "formulaic_share": float(found.loc[found["formulaic"].fillna(False).astype(bool), "length"].sum()) / total
           if total else float("nan")}
    if exhaustive:
        start = time.perf_counter()
        full = text_reuse(paragraphs, n=n, candidates="exact", **options)
        out["seconds_exhaustive"] = time.perf_counter() - start
        mine = {(r["report_a"], r["report_b"], i) for r in found_rows for i in range(*r["span_b"])
                if not texts[r["report_b"]][i].isspace()}
        theirs = {(r["report_a"], r["report_b"], i) for r in full.to_dict("records") for i in range(*r["span_b"])
                  if not texts[r["report_b"]][i].isspace()}
        out["recall_vs_exhaustive"] = len(mine & theirs) / len(theirs) if theirs else float("nan")
        out["precision_vs_exhaustive"] = len(mine & theirs) / len(mine) if mine else float("nan")
    return out


def handmade_table() -> pd.DataFrame:
    """Precision / recall per shingle size on the hand-made and the generated pairs.

    Example:
        >>> handmade_table()  # doctest: +SKIP
    """
    cases = handmade_pairs()
    synthetic = synthetic_pairs()
    rows = []
    for n in NS:
        scores = handmade_scores(n, cases).set_index("kind")
        generated = handmade_scores(n, synthetic).set_index("kind")
        row: dict[str, object] = {"n": n}
        for kind in [k for k in scores.index if k != "none"]:
            row[kind] = f"{scores.loc[kind, 'precision']:.2f} / {scores.loc[kind, 'recall']:.2f}"
        row["control: characters found"] = int(scores["found"].loc["none"])
        for kind in [k for k in generated.index if k != "all"]:
            row[f"generated {kind}"] = f"{generated.loc[kind, 'precision']:.2f} / {generated.loc[kind, 'recall']:.2f}"
        row["all generated"] = f"{generated.loc['all', 'precision']:.2f} / {generated.loc['all', 'recall']:.2f}"
        rows.append(row)
    return pd.DataFrame(rows)


def _real_markdown(real: list[dict]) -> str:
    def fmt(value: object) -> str:
        return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"

    rows = [{"n": r["n"], "passages": f"{r['passages']:,}",
             "recall vs 20-character reference": fmt(r["recall_vs_20char"]),
             "confirmed by a 10-character run": fmt(r["confirmed_share"]), "formulaic share": fmt(r["formulaic_share"]),
             "recall vs exhaustive candidates": fmt(r.get("recall_vs_exhaustive"))} for r in real]
    return docs_table(pd.DataFrame(rows), align=False, bold={"n": DEFAULT_N})


def _shares_markdown(shares: pd.DataFrame, passages: pd.DataFrame) -> str:
    both = most_reused(shares, top_k=None)
    peer = most_reused(shares, peer=True, top_k=3)
    formulaic = passages["formulaic"].fillna(False).astype(bool)
    total = int(passages["length"].sum())
    top = both.iloc[0]
    share_formulaic = int(passages.loc[formulaic, "length"].sum()) / total
    lines = [
        f"- passages found at n = {DEFAULT_N}: {len(passages):,}; {share_formulaic:.0%} "
        "of their characters are in formulaic passages (held by five reports or more)",
        f"- share of one report found in another: from {both['share'].min():.1%} to {both['share'].max():.1%} "
        f"(median {both['share'].median():.1%}); the most: {docs_cell(top['reuser'])} in {docs_cell(top['source'])}, "
        f"{top['share']:.1%}",
        "- without formulaic passages, the most: " + "; ".join(
            f"{docs_cell(r['reuser'])} in {docs_cell(r['source'])} {r['peer_share']:.1%}"
            for r in peer.to_dict("records")),
    ]
    return "\n".join(lines).replace("%", " %") + "\n"


def main(write_docs: bool = False) -> int:
    """Print the reuse evaluation (see the module docstring); with ``write_docs`` also write
    its tables into ``docs/generated/`` (``reuse_handmade.md``, and where the provincial
    reports lie beside the project ``reuse_provinces.md`` and ``reuse_shares.md``).

    Example:
        >>> main()  # doctest: +SKIP
    """
    docs = Path(__file__).resolve().parents[1] / "docs" / "generated"
    print("\nText reuse, hand-made pairs (tests/fixtures/reuse/pairs.yaml): precision / recall in characters of B")
    table = handmade_table()
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print(table.to_string(index=False))
    print("(generated: from the hand-made sentences, copies edited at a known rate; see synthetic_pairs)")
    written = {"reuse_handmade.md": docs_table(table, align=False, bold={"n": DEFAULT_N})}
    try:
        paragraphs = read_provinces()
    except MissingFileError as err:
        print(f"\nText reuse on the provincial reports skipped: {err}")
        paragraphs = None
    if paragraphs is not None:
        print(f"\nText reuse: {paragraphs['report_id'].nunique()} provincial reports of 2026, every pair "
              f"(MinHash-LSH candidates; exhaustive: every pair of units sharing an n-gram)")
        real = [real_scores(paragraphs, n, exhaustive=n >= 3) for n in NS]
        with pd.option_context("display.width", 200, "display.max_columns", 30, "display.precision", 3):
            print(pd.DataFrame(real).to_string(index=False))
        passages = text_reuse(paragraphs, n=DEFAULT_N)
        shares = reuse_shares(paragraphs, passages=passages)
        for peer in (False, True):
            title = "without formulaic passages" if peer else "all passages"
            print(f"\nMost-copied pairs ({title}; share of the reuser's characters found in the source):")
            top = most_reused(shares, peer=peer).drop(columns=["report_reuser", "report_source"])
            print(top.to_string(index=False))
        print("\nLongest passages that are not formulaic (found in fewer than 5 reports):")
        own = passages[~passages["formulaic"].fillna(False).astype(bool)].sort_values(
            ["length", "label_a", "label_b"], ascending=[False, True, True]).head(8)
        for passage in own.to_dict("records"):
            print(f"- {passage['label_a']} / {passage['label_b']}: {passage['length']} characters, "
                  f"similarity {passage['similarity']:.2f}, in {passage['n_reports']} reports")
            print(f"  A: {passage['text_a']}")
            print(f"  B: {passage['text_b']}")
        written["reuse_provinces.md"] = _real_markdown(real)
        written["reuse_shares.md"] = _shares_markdown(shares, passages)
    if write_docs:
        for name, text in written.items():
            print(f"wrote {write_text_atomic(docs / name, text)}")
    return 0

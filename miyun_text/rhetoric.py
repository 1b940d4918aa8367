"""Rhetoric across years: distinctive vocabulary, rhetorical markers, new and faded terms.

:func:`compare` scores how two token sets differ: the log-odds ratio with an
informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words") or
log-likelihood keyness G² (Rayson & Garside 2000) with the Log Ratio effect size.
The multi-year helpers (:func:`year_table`, :func:`trajectories`, :func:`new_and_gone`,
:func:`compare_years`) compare years within one region, never pooling regions under a
year label; :func:`compare_regions` compares regions within one year. With one report,
:func:`review_vs_plan` compares its review of last year with its plan for this year,
and labels the result as a comparison within one report.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .counting import Counts, group_counts
from .errors import AmbiguousRegionError, ArgumentError, DataTypeError, GroupingError, PanelError, ResourceError
from .grouping import By, check_top_k, group_codes, group_columns, group_label, narrow, paragraphs_of
from .io import read_yaml
from .paths import resource_path
from .segment import Segmenter, rhetoric_segmenter
from .themes import theme_frequencies
from .tokens import token_view

__all__ = [
    "COMPARE_COLUMNS",
    "compare",
    "compare_regions",
    "compare_years",
    "load_markers",
    "marker_rates",
    "new_and_gone",
    "reports_with_review_and_plan",
    "review_vs_plan",
    "rhetoric_segmenter",
    "trajectories",
    "year_table",
]

COMPARE_COLUMNS = ["term", "count_a", "count_b", "per_10k_a", "per_10k_b", "score", "effect", "variance", "p_value"]
Tally = Sequence[str] | Mapping[str, int] | pd.Series


def _counts(data: Tally, name: str) -> Counter[str]:
    # a numeric Series is term -> count; a Series of text (object or string dtype) holds tokens
    if isinstance(data, pd.Series) and pd.api.types.is_numeric_dtype(data.dtype):
        return Counter({str(k): int(v) for k, v in data.items() if pd.notna(v) and v > 0})
    if isinstance(data, Mapping):
        return Counter({str(k): int(v) for k, v in data.items() if v > 0})
    if isinstance(data, (pd.Series, list, tuple)):
        # missing tokens (None, NaN) are skipped, as missing text is everywhere
        tokens = [t for t in data if not (t is None or (not isinstance(t, str) and pd.isna(t)))]
        bad = [t for t in tokens if not isinstance(t, str)]
        if bad:
            raise DataTypeError(f"{name} holds {type(bad[0]).__name__} {bad[0]!r}; tokens must be str")
        return Counter(tokens)
    raise DataTypeError(f"{name} must be a token sequence or a term->count mapping, got {type(data).__name__}")


def compare(
    a: Tally,
    b: Tally,
    *,
    method: str = "log_odds",
    min_count: int = 2,
    prior: Tally | None = None,
    prior_scale: float = 0.1,
) -> pd.DataFrame:
    """Score each term by how much more ``a`` uses it than ``b`` (positive: a; negative: b).

    ``log_odds``: for term w with counts y_a, y_b, totals n_a, n_b and prior α_w
    (``prior_scale`` × the pooled counts of a and b, or × ``prior``'s counts),
    α0 = Σα_w::

        δ_w = ln((y_a+α_w) / (n_a+α0-y_a-α_w)) - ln((y_b+α_w) / (n_b+α0-y_b-α_w))
        σ²_w ≈ 1/(y_a+α_w) + 1/(y_b+α_w);  score = z = δ_w / σ_w;  effect = δ_w

    ``g2``: E_a = n_a(y_a+y_b)/(n_a+n_b), E_b likewise; G² = 2 Σ y ln(y/E), signed by
    which side uses w more; effect = Log Ratio log2(((y_a+.5)/n_a) / ((y_b+.5)/n_b));
    p-value from χ² with one degree of freedom.

    Terms with count_a + count_b < ``min_count`` are left out. Sorted by score
    (descending), then effect, then term.

    Example:
        >>> r = compare(["保水"] * 8 + ["发展"] * 2, ["保水"] * 2 + ["发展"] * 8, method="g2")
        >>> r[["term", "count_a", "count_b"]].values.tolist()
        [['保水', 8, 2], ['发展', 2, 8]]
        >>> round(float(r["score"].iloc[0]), 3), round(float(r["score"].iloc[1]), 3)
        (3.855, -3.855)
    """
    if method not in ("log_odds", "g2"):
        raise ArgumentError(f"compare: method must be 'log_odds' or 'g2', not {method!r}")
    ca, cb = _counts(a, "a"), _counts(b, "b")
    n_a, n_b = sum(ca.values()), sum(cb.values())
    if n_a == 0 or n_b == 0:
        raise ArgumentError(f"cannot compare an empty group (a has {n_a} tokens, b has {n_b})")
    vocabulary = sorted(set(ca) | set(cb))
    rows = []
    if method == "log_odds":
        background = _counts(prior, "prior") if prior is not None else ca + cb
        alphas = {w: prior_scale * background.get(w, 0) for w in vocabulary}
        # a word missing from the background gets the smallest positive prior
        floor = min((v for v in alphas.values() if v > 0), default=prior_scale)
        alphas = {w: v if v > 0 else floor for w, v in alphas.items()}
        alpha0 = prior_scale * sum(background.values()) if prior is not None else sum(alphas.values())
    for w in vocabulary:
        ya, yb = ca.get(w, 0), cb.get(w, 0)
        if ya + yb < min_count:
            continue
        if method == "log_odds":
            al = alphas[w]
            delta = math.log((ya + al) / (n_a + alpha0 - ya - al)) - math.log((yb + al) / (n_b + alpha0 - yb - al))
            variance = 1 / (ya + al) + 1 / (yb + al)
            score, effect = delta / math.sqrt(variance), delta
            p_value = math.erfc(abs(score) / math.sqrt(2))
        else:
            total = ya + yb
            ea, eb = n_a * total / (n_a + n_b), n_b * total / (n_a + n_b)
            g2 = 2 * sum(o * math.log(o / e) for o, e in ((ya, ea), (yb, eb)) if o > 0)
            sign = 1 if ya / n_a > yb / n_b else -1 if ya / n_a < yb / n_b else 0
            score = sign * g2
            effect = math.log2(((ya + 0.5) / n_a) / ((yb + 0.5) / n_b))
            variance = math.nan
            p_value = math.erfc(math.sqrt(max(g2, 0.0) / 2))
        rows.append({
            "term": w, "count_a": ya, "count_b": yb,
            "per_10k_a": ya / n_a * 10_000, "per_10k_b": yb / n_b * 10_000,
            "score": score, "effect": effect, "variance": variance, "p_value": p_value,
        })
    out = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    if len(out):
        out = out.sort_values(["score", "effect", "term"], ascending=[False, False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    return out.astype({"term": "string", "count_a": "int64", "count_b": "int64"})




@lru_cache(maxsize=4)
def _load_markers(path: str) -> pd.DataFrame:
    data = read_yaml(path)
    if data is not None and not isinstance(data, dict):
        raise ResourceError(f"{path}: a marker lexicon is a mapping of marker classes to their words")
    rows = []
    for name, spec in (data or {}).items():
        if not isinstance(spec, dict) or "words" not in spec or "definition" not in spec:
            raise ResourceError(f"{path}: marker class {name!r} needs 'definition' and 'words'")
        for word in spec["words"]:
            rows.append({"marker": name, "marker_name": spec.get("label", name),
                         "definition": spec["definition"], "term": str(word)})
    return pd.DataFrame(rows, columns=["marker", "marker_name", "definition", "term"])


def load_markers(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The rhetorical marker lexicon, one row per (marker, term): marker (the class's key),
    marker_name (its Chinese name), definition, term.

    Example:
        >>> m = load_markers()
        >>> sorted(m["marker"].unique())
        ['achievement', 'commitment', 'hedge', 'intensifier']
    """
    return _load_markers(str(Path(path) if path else resource_path("rhetoric.yaml"))).copy()


def _token_counts(corpus: pd.DataFrame | Any, codes: np.ndarray, n_groups: int, segmenter: Segmenter | None,
            terms: Sequence[str] | None = None) -> Counts:
    """Kept rhetoric tokens counted per group (``codes``: each paragraph row's group, −1 to leave out)."""
    view = token_view(corpus, segmenter or rhetoric_segmenter(corpus), caller="a rhetoric measure").kept()
    return group_counts(view, codes, n_groups, terms=terms)


def marker_rates(corpus: pd.DataFrame | Any, by: By = "part_kind", *,
                 markers: pd.DataFrame | None = None, segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Rhetorical markers per group: count, tokens and rate per 10,000 tokens.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` or a paragraph table; tokens
    are those :func:`~miyun_text.segment.rhetoric_segmenter` keeps (boilerplate included).
    The group columns are kept beside ``group``; ``marker`` is the marker class's key,
    ``marker_name`` its Chinese name.

    Example:
        >>> paras = pd.DataFrame({"report_id": ["r"], "text": ["全力确保完成任务，力争增长4%左右"]})
        >>> marker_rates(paras, by="report").set_index("marker")["count"].to_dict()
        {'intensifier': 1, 'commitment': 2, 'achievement': 1, 'hedge': 2}
    """
    frame = paragraphs_of(corpus, "marker_rates")
    lex = markers if markers is not None else load_markers()
    classes = list(dict.fromkeys(lex["marker"]))
    names = dict(zip(lex["marker"], lex["marker_name"], strict=True))
    codes, keys = group_codes(frame, by)
    counts = _token_counts(corpus, codes, len(keys), segmenter, lex["term"].tolist())
    incidence = np.zeros((len(counts.terms), len(classes)), dtype="int64")
    position = {word: n for n, word in enumerate(counts.terms)}
    for word, cls in zip(lex["term"], lex["marker"], strict=True):
        incidence[position[word], classes.index(cls)] += 1
    grid = counts.grid() @ incidence
    n_groups, n_classes = grid.shape
    out = keys.iloc[np.repeat(np.arange(n_groups), n_classes)].reset_index(drop=True)
    out["group"] = np.repeat([group_label(tuple(k)) for k in keys.itertuples(index=False, name=None)], n_classes)
    out["marker"] = np.tile(classes, n_groups)
    out["marker_name"] = np.tile([names[c] for c in classes], n_groups)
    out["count"] = grid.reshape(-1)
    n_tokens = np.repeat(counts.totals, n_classes)
    out["n_tokens"] = n_tokens
    out["per_10k"] = np.where(n_tokens > 0, out["count"].to_numpy() / np.maximum(n_tokens, 1) * 10_000, 0.0)
    return out.astype({"group": "string", "marker": "string", "marker_name": "string", "count": "int64",
                       "n_tokens": "int64", "per_10k": "float64"})


def _year_column(paragraphs: pd.DataFrame) -> str:
    if "year" in paragraphs.columns:
        return "year"
    raise ArgumentError("the paragraph table needs a 'year' column (the report's year); "
                        "use miyun_text.open_corpus(), whose paragraphs carry it")


def _regions(paragraphs: pd.DataFrame) -> list[str]:
    if "region" not in paragraphs.columns:
        return []
    return sorted(paragraphs["region"].dropna().astype(str).unique().tolist())


def _panels(data: pd.DataFrame | Any, by: By, region: str | None,
            what: str) -> list[tuple[dict[str, object], Any]]:
    """The corpus split into the groups a year-over-year question runs within, each with its keys.

    Years are compared within one region, never across regions pooled under a year: the
    region is named with ``region=``, or the data holds one region (or no region
    column), or ``by`` holds ``region`` (then each region, and each group of the other
    names in ``by``, in turn). Several regions and neither is an error. The keys always
    hold ``region`` (None where the data names none).
    """
    paragraphs = paragraphs_of(data, what)
    _year_column(paragraphs)
    regions = _regions(paragraphs)
    if region is not None:
        if region not in regions:
            raise PanelError(f"{what}: no report of region {region!r}; regions in the corpus: {regions}")
        data = narrow(data, paragraphs["region"] == region)
        paragraphs = paragraphs_of(data, what)
        regions = [region]
    columns = group_columns(paragraphs, by) if by is not None else []
    if {"year", "part_year"} & set(columns):
        raise GroupingError(f"{what}: by={by!r} holds the year, which is what is compared; group by region, "
                            "level or another column")
    if len(regions) > 1 and "region" not in columns:
        years = paragraphs.groupby("year")["region"].nunique()
        crowded = sorted(int(y) for y in years[years > 1].index)
        where = f" (year(s) {crowded} hold several)" if crowded else ""
        raise AmbiguousRegionError(
            f"{what}: the paragraphs hold {len(regions)} regions {regions}{where}; year-over-year "
            f"comparisons work within one region: name one of {regions} (region= in Python, --region on "
            "the command line), or ask for each region in turn (by='region')")
    if not columns:
        return [({"region": regions[0] if regions else None}, data)]
    out = []
    for keys, rows in paragraphs.groupby(columns, sort=True, dropna=False).groups.items():
        values = dict(zip(columns, keys if isinstance(keys, tuple) else (keys,), strict=True))
        values = {"region": values.pop("region", regions[0] if regions else None), **values}
        out.append((values, narrow(data, paragraphs.index.isin(rows))))
    return out


def _with_keys(frame: pd.DataFrame, keys: dict[str, object]) -> pd.DataFrame:
    frame = frame.copy()
    for n, (column, value) in enumerate(keys.items()):
        dtype = "string" if column == "region" else None
        frame.insert(n, column, pd.Series([value] * len(frame), index=frame.index, dtype=dtype))
    return frame


def _by_year(data: pd.DataFrame | Any, segmenter: Segmenter | None,
             terms: Sequence[str] | None = None) -> list[tuple[Any, dict[str, int], int]]:
    """(year, {term: count}, number of tokens) for each year of the data, in year order."""
    paragraphs = paragraphs_of(data, "a rhetoric measure")
    codes, keys = group_codes(paragraphs, "year")
    counts = _token_counts(data, codes, len(keys), segmenter, terms)
    years = keys.iloc[:, 0].tolist()
    order = sorted(range(len(years)), key=lambda g: years[g])
    return [(years[g], counts.of_group(g), int(counts.totals[g])) for g in order]


_ITEMS = {"term": ["term"], "theme": ["theme", "theme_name"], "marker": ["marker", "marker_name"]}


def year_table(corpus: pd.DataFrame | Any, kind: str = "term", *, by: By = None, region: str | None = None,
               items: Iterable[str] | None = None, top_k: int | None = 10,
               segmenter: Segmenter | None = None) -> pd.DataFrame:
    """A year × item table (tidy) within one region: region, year, the item, count, n_tokens, per_10k.

    ``kind`` is ``term`` (the ``items`` given, or the ``top_k`` most frequent tokens
    overall; column ``term``), ``theme`` (the theme lexicon; ``theme``, ``theme_name``)
    or ``marker`` (marker classes; ``marker``, ``marker_name``). Years compare within
    one region: name it with ``region=`` when the corpus holds several (else
    :class:`~miyun_text.errors.AmbiguousRegionError` lists them), or group by region
    (``by="region"``, or a list holding it) for one table per group, stacked.

    Example:
        >>> paras = pd.DataFrame({"year": [2023, 2024], "text": ["保水保水发展", "保水发展发展"]})
        >>> year_table(paras, items=["保水"])[["year", "term", "count"]].values.tolist()
        [[2023, '保水', 2], [2024, '保水', 1]]
    """
    if kind not in _ITEMS:
        raise ArgumentError(f"year_table: kind must be 'term', 'theme' or 'marker', not {kind!r}")
    top_k = check_top_k(top_k, "year_table")
    frames = [_with_keys(_year_table(part, kind, items, top_k, segmenter), keys)
              for keys, part in _panels(corpus, by, region, "year_table")]
    return pd.concat(frames, ignore_index=True)


def _year_table(data: pd.DataFrame | Any, kind: str, items: Iterable[str] | None, top_k: int | None,
                segmenter: Segmenter | None) -> pd.DataFrame:
    year = "year"
    columns = [year, *_ITEMS[kind], "count", "n_tokens", "per_10k"]
    if kind == "theme":
        tf = theme_frequencies(data, by=year, segmenter=segmenter).sort_values(year, kind="mergesort")
        return tf[columns].reset_index(drop=True)
    if kind == "marker":
        mr = marker_rates(data, by=year, segmenter=segmenter).sort_values(year, kind="mergesort")
        return mr[columns].reset_index(drop=True)
    groups = _by_year(data, segmenter)
    if items is None:
        total: Counter[str] = Counter()
        for _, counts, _ in groups:
            total.update(counts)
        items = [t for t, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]]
    items = list(items)
    rows = []
    for value, counts, n_tokens in groups:
        for item in items:
            n = counts.get(item, 0)
            rows.append({"year": value, "term": item, "count": n, "n_tokens": n_tokens,
                         "per_10k": n / n_tokens * 10_000 if n_tokens else 0.0})
    return pd.DataFrame(rows, columns=columns).astype(
        {"term": "string", "count": "int64", "n_tokens": "int64", "per_10k": "float64"})


def trajectories(corpus: pd.DataFrame | Any, terms: Iterable[str], *, by: By = None, region: str | None = None,
                 segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Counts and rates of chosen terms in every year of one region: region, year, term, count, n_tokens, per_10k.

    ``region=`` and ``by=`` work as in :func:`year_table`.

    Example:
        >>> paras = pd.DataFrame({"year": [2022, 2023], "text": ["保水", "保水保水"]})
        >>> trajectories(paras, ["保水"])["count"].tolist()
        [1, 2]
    """
    return year_table(corpus, "term", by=by, region=region, items=list(terms), segmenter=segmenter)


NEW_AND_GONE_COLUMNS = ["region", "year_from", "year_to", "term", "status", "count_from", "count_to"]


# Ordinals that number a list inside a paragraph (一是…十是, 其一, 第三): structure, not vocabulary.
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]|第[一二三四五六七八九十]+)$")


def new_and_gone(corpus: pd.DataFrame | Any, *, by: By = None, region: str | None = None, min_count: int = 2,
                 segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Terms that appear (new) or vanish (gone) between consecutive years of one region.

    A term is ``new`` in year t when it occurs at least ``min_count`` times in t and
    never in the region's report before; ``gone`` when the reverse holds. ``region=``
    and ``by=`` work as in :func:`year_table`; consecutive means the region's
    next report, whatever the gap in years. Ordinals that number a list (一是, 二是,
    其一, 第三) are left out: their coming and going is layout, not vocabulary.

    Example:
        >>> paras = pd.DataFrame({"year": [2023, 2024], "text": ["疏整促疏整促", "平急两用平急两用"]})
        >>> new_and_gone(paras)[["year_from", "year_to", "term", "status"]].values.tolist()
        [[2023, 2024, '平急两用', 'new'], [2023, 2024, '疏整促', 'gone']]
    """
    rows = []
    extra: list[str] = []
    for keys, part in _panels(corpus, by, region, "new_and_gone"):
        extra = [c for c in keys if c != "region"]
        for (y0, c0, _), (y1, c1, _) in itertools.pairwise(_by_year(part, segmenter)):
            for term in sorted(set(c0) | set(c1)):
                if _ORDINAL.match(term):
                    continue  # 一是/二是 number a list in any year: their coming and going is layout
                n0, n1 = c0.get(term, 0), c1.get(term, 0)
                if n1 >= min_count and n0 == 0:
                    status = "new"
                elif n0 >= min_count and n1 == 0:
                    status = "gone"
                else:
                    continue
                rows.append({**keys, "year_from": y0, "year_to": y1, "term": term,
                             "status": status, "count_from": n0, "count_to": n1})
    out = pd.DataFrame(rows, columns=["region", *extra, *NEW_AND_GONE_COLUMNS[1:]])
    if len(out):
        out = out.sort_values(["region", *extra, "year_to", "status", "count_to", "count_from", "term"],
                              ascending=[True, *[True] * len(extra), True, False, False, False, True],
                              kind="mergesort", na_position="first")
    return out.reset_index(drop=True).astype({"region": "string", "term": "string", "status": "string"})


def _two_sides(data: pd.DataFrame | Any, mask_a: pd.Series, mask_b: pd.Series,
               segmenter: Segmenter | None) -> tuple[dict[str, int], dict[str, int]]:
    """The kept rhetoric tokens of the rows of ``mask_a`` and of ``mask_b``, counted."""
    codes = np.where(mask_a.to_numpy(dtype=bool), 0, np.where(mask_b.to_numpy(dtype=bool), 1, -1))
    counts = _token_counts(data, codes, 2, segmenter)
    return counts.of_group(0), counts.of_group(1)


def review_vs_plan(corpus: pd.DataFrame | Any, *, report_id: str | None = None, method: str = "log_odds",
                   min_count: int = 2, segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Within one report: its review of last year (a) against its plan for this year (b).

    ``report_id`` names the report when the corpus holds several; ``method`` and
    ``min_count`` are :func:`compare`'s.

    The result carries a ``comparison`` column that says so (``miyun_2024: review 2023
    vs plan 2024 (within one report)``), so it is never passed off as two reports.

    Example:
        >>> from miyun_text.structure import parse_report
        >>> p = parse_report("一、2023年工作回顾\\n完成建成完成。\\n二、2024年工作安排\\n确保推进确保。", "r", 2024)
        >>> review_vs_plan(p, min_count=1)[["term", "score"]].round(2).values.tolist()[0][0]
        '完成'
    """
    frame = paragraphs_of(corpus, "review_vs_plan")
    chosen = pd.Series(True, index=frame.index)
    if report_id is not None:
        chosen = frame["report_id"] == report_id
    ids = frame.loc[chosen, "report_id"].unique().tolist() if "report_id" in frame.columns else ["report"]
    if len(ids) != 1:
        raise ArgumentError(f"review_vs_plan works within one report; pass report_id= (one of {ids}), or "
                            "narrow the corpus to one report")
    review = chosen & (frame["part_kind"] == "review")
    plan = chosen & (frame["part_kind"] == "plan")
    if not review.any() or not plan.any():
        raise PanelError(f"report {ids[0]} has no {'review' if not review.any() else 'plan'} part to compare; "
                         "reports_with_review_and_plan() lists the reports that have both")
    a, b = _two_sides(corpus, review, plan, segmenter)
    out = compare(a, b, method=method, min_count=min_count)
    year_a = frame.loc[review, "part_year"].dropna().unique()
    year_b = frame.loc[plan, "part_year"].dropna().unique()
    name = _label_of(frame, chosen & (frame["report_id"] == ids[0]), str(ids[0])) \
        if "report_id" in frame.columns else ids[0]
    label = (f"{name}: review {year_a[0] if len(year_a) else '?'} vs plan "
             f"{year_b[0] if len(year_b) else '?'} (within one report)")
    out.insert(0, "comparison", label)
    return out


def reports_with_review_and_plan(corpus: pd.DataFrame | Any) -> list[str]:
    """Ids of the reports that have both a review part and a plan part (in corpus order).

    Example:
        >>> from miyun_text.structure import parse_report
        >>> p = parse_report("一、2023年工作回顾\\n完成。\\n二、2024年工作安排\\n推进。", "r", 2024)
        >>> reports_with_review_and_plan(p)
        ['r']
    """
    out = []
    for rid, part in paragraphs_of(corpus, "reports_with_review_and_plan").groupby("report_id", sort=False):
        kinds = set(part["part_kind"].dropna().astype(str))
        if {"review", "plan"} <= kinds:
            out.append(str(rid))
    return out


def _label_of(paragraphs: pd.DataFrame, mask: pd.Series, fallback: str) -> str:
    if "label" in paragraphs.columns:
        labels = paragraphs.loc[mask, "label"].dropna().astype(str).unique().tolist()
        if len(labels) == 1:
            return labels[0]
    return fallback


def compare_years(corpus: pd.DataFrame | Any, a: int, b: int, *, region: str | None = None,
                  method: str = "log_odds", min_count: int = 2, segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Compare one region's reports of years ``a`` and ``b``, labelled ``密云区 2023 vs 密云区 2024``.

    Name the region with ``region=`` when the corpus holds several (else
    :class:`~miyun_text.errors.AmbiguousRegionError` lists them); to compare regions
    within a year use :func:`compare_regions`. ``method`` and ``min_count`` are
    :func:`compare`'s; positive scores lean to ``a``.

    Example:
        >>> paras = pd.DataFrame({"year": [2023, 2024], "text": ["保水保水发展", "发展发展保水"]})
        >>> compare_years(paras, 2023, 2024, min_count=1)["term"].tolist()
        ['保水', '发展']
    """
    ((keys, part),) = _panels(corpus, None, region, "compare_years")
    name = keys["region"]
    frame = paragraphs_of(part, "compare_years")
    years = sorted(int(y) for y in frame["year"].dropna().unique())
    for y in (a, b):
        if y not in years:
            where = f" (region {name!r})" if name else ""
            raise PanelError(f"compare_years: no report for year {y}; years in the corpus: {years}{where}")
    mask_a, mask_b = frame["year"] == a, frame["year"] == b
    counts_a, counts_b = _two_sides(part, mask_a, mask_b, segmenter)
    out = compare(counts_a, counts_b, method=method, min_count=min_count)
    prefix = f"{name} " if name else "report "
    label_a = _label_of(frame, mask_a, f"{prefix}{a}")
    label_b = _label_of(frame, mask_b, f"{prefix}{b}")
    out.insert(0, "comparison", f"{label_a} vs {label_b}")
    return out


def compare_regions(corpus: pd.DataFrame | Any, a: str, b: str, *, year: int | None = None,
                    method: str = "log_odds", min_count: int = 2, segmenter: Segmenter | None = None) -> pd.DataFrame:
    """Compare the reports of regions ``a`` and ``b`` in one year, labelled ``密云区 2023 vs 怀柔区 2023``.

    ``year`` may be left out when the two regions share exactly one report year; with
    several shared years it must be named (else :class:`~miyun_text.errors.PanelError`
    lists them). ``method`` and ``min_count`` are :func:`compare`'s; positive scores
    lean to ``a``.

    Example:
        >>> paras = pd.DataFrame({"year": [2023, 2023], "region": ["密云区", "怀柔区"],
        ...                       "text": ["保水保水发展", "科学城科学城发展"]})
        >>> r = compare_regions(paras, "密云区", "怀柔区", min_count=1)
        >>> r["comparison"].iloc[0], r["term"].iloc[0]
        ('密云区 2023 vs 怀柔区 2023', '保水')
    """
    frame = paragraphs_of(corpus, "compare_regions")
    _year_column(frame)
    regions = _regions(frame)
    if not regions:
        raise PanelError("compare_regions needs a 'region' column; use miyun_text.open_corpus(), whose paragraphs "
                         "carry it")
    if a == b:
        raise PanelError(f"compare_regions needs two different regions, got {a!r} twice")
    for r in (a, b):
        if r not in regions:
            raise PanelError(f"compare_regions: no report of region {r!r}; regions in the corpus: {regions}")
    shared = sorted(set(frame.loc[frame["region"] == a, "year"].dropna().astype(int))
                    & set(frame.loc[frame["region"] == b, "year"].dropna().astype(int)))
    if year is None:
        if len(shared) != 1:
            raise PanelError(f"compare_regions: {a} and {b} share the report years {shared}; regions are compared "
                             "within one year: name it with year= (--year on the command line)")
        year = shared[0]
    in_year = frame["year"] == year
    present = sorted(frame.loc[in_year, "region"].dropna().astype(str).unique().tolist())
    for r in (a, b):
        if r not in present:
            raise PanelError(f"compare_regions: no report of region {r!r} for year {year}; regions with a {year} "
                             f"report: {present}; years both regions have: {shared}")
    mask_a, mask_b = in_year & (frame["region"] == a), in_year & (frame["region"] == b)
    counts_a, counts_b = _two_sides(corpus, mask_a, mask_b, segmenter)
    out = compare(counts_a, counts_b, method=method, min_count=min_count)
    label_a = _label_of(frame, mask_a, f"{a} {year}")
    label_b = _label_of(frame, mask_b, f"{b} {year}")
    out.insert(0, "comparison", f"{label_a} vs {label_b}")
    return out

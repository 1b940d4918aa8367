"""A dataset for other tools: tidy tables plus a codebook, as CSV (UTF-8 with BOM) or Parquet.

:func:`export_tables` writes one file per table — reports, paragraphs, sentences,
tokens, indicators, targets vs results, theme counts — and ``codebook.md`` describing
every column (name, type, meaning and the function that made it), so R, Stata and
Excel users can work from the files alone. Every table carries the report's region
and year, the panel's identifiers. Output is deterministic: sorted rows, no timestamps.
"""

from __future__ import annotations

import inspect
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .io import write_bytes_atomic, write_csv, write_text_atomic

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "FORMATS", "TABLES", "codebook", "export_tables", "targets_vs_results", "tidy_tables"]

FORMATS = ("csv", "parquet")

# What each table is and which function makes it.
TABLES: dict[str, str] = {
    "reports": "One row per report: the manifest (data/reports.csv) with the detected encoding and counts. "
               "Made by `miyun_text.load_corpus`.",
    "paragraphs": "One row per paragraph, in document order, with its part and section. "
                  "Made by `miyun_text.corpus_paragraphs` (the parser `miyun_text.parse_report`).",
    "sentences": "One row per sentence (split at 。！？). Made by `miyun_text.sentences`.",
    "tokens": "One row per token of every paragraph, lossless (the tokens of a paragraph join to its text). "
              "Made by `miyun_text.default_segmenter().cut`; `content` marks the tokens "
              "`miyun_text.content_segmenter().tokenize` keeps (no stopwords, boilerplate, punctuation or single "
              "characters).",
    "indicators": "One row per quantified statement (a result or a target). Made by `miyun_text.extract_indicators` "
                  "on the report body (parts after the preamble).",
    "targets": "Targets set for a year beside the results later reported for that year in the same region. "
               "Made by `miyun_text.vocabulary.target_attainment` where the package has it, otherwise by "
               "`miyun_text.export.targets_vs_results` (indicator names matched exactly).",
    "themes": "Theme term counts per part of each report. Made by `miyun_text.theme_frequencies(body, by=\"part\")` "
              "with the lexicon in miyun_text/resources/themes.yaml.",
}

# Column meanings; a test checks every exported column is described here.
COLUMNS: dict[str, str] = {
    "report_id": "Report identifier (file name of the raw report, `[a-z0-9][a-z0-9_-]*`).",
    "year": "Year the report was delivered (from the manifest).",
    "region": "Region the report covers (from the manifest), e.g. 密云区.",
    "level": "Administrative level of the region: 区, 市 or 省.",
    "title": "Title of the report.",
    "delivered_on": "Date the report was delivered (ISO 8601).",
    "session": "People's Congress session at which it was delivered.",
    "source_url": "Where the raw text was obtained.",
    "raw_sha256": "SHA-256 of the raw file, checked on every load.",
    "notes": "Free-text notes from the manifest.",
    "encoding": "Encoding detected in the raw file.",
    "n_repairs": "Number of logged repairs (errata, mojibake, pinyin, Traditional→Simplified, punctuation).",
    "n_characters": "Characters in the clean text.",
    "n_paragraphs": "Paragraphs found by the parser.",
    "part_no": "Number of the part (一、 → 1); 0 for text before the first part.",
    "part_title": "Heading of the part.",
    "part_kind": "Kind of part from its heading: review, outlook, plan, self-building (blank if none).",
    "part_year": "Year the part speaks about (the review: the year before; the plan: the report's year).",
    "section_no": "Number of the section within its part (（一） → 1); blank outside sections.",
    "section_title": "Heading of the section.",
    "para_no": "Number of the paragraph within its part, from 1 (a paragraph is report_id, part_no, para_no).",
    "lead": "Lead phrase of the paragraph (its opening clause), where it has one.",
    "text": "Paragraph text: canonical Simplified Chinese, full-width punctuation.",
    "sent_no": "Number of the sentence within its paragraph, from 1.",
    "sentence": "Sentence text.",
    "token_no": "Position of the token within its paragraph, from 1.",
    "token": "The token as cut by the Segmenter (jieba with the policy dictionary; numbers keep their unit).",
    "kind": "tokens: word, number, punct or space; indicators: actual (a result) or target.",
    "content": "True where the token counts as content (kept by content_segmenter().tokenize).",
    "indicator": "Name of the measured thing, e.g. 地区生产总值.",
    "value": "Number stated (in the unit given, 万 and 亿 kept in the unit).",
    "unit": "Unit of the value, e.g. 亿元, %, 万户.",
    "change_pct": "Growth or change in percent, where stated.",
    "qualifier": "Qualifier of the number: 左右, 以内, 以上, 余 … (blank if none).",
    "sentence_text": "Sentence the indicator was read from.",
    "target_year": "Year the target is for.",
    "target_report_id": "Report that set the target (the plan part of the year's report).",
    "target_value": "Target value.",
    "target_unit": "Unit of the target value.",
    "target_change_pct": "Target growth in percent.",
    "target_qualifier": "Qualifier of the target (左右, 以内 …).",
    "result_report_id": "Report that gave the result (the review part of the next year's report).",
    "result_value": "Reported value for the target year.",
    "result_unit": "Unit of the reported value.",
    "result_change_pct": "Reported growth in percent.",
    "met": "True where the reported growth reached the target growth; blank where either is missing.",
    "theme": "Theme key from themes.yaml.",
    "label": "Theme name in Chinese.",
    "count": "Occurrences of the theme's terms.",
    "n_tokens": "Content tokens in the group (the denominator).",
    "per_10k": "count per 10,000 content tokens.",
    "share": "Share of the group's theme-term occurrences that belong to this theme.",
}


def _with_region(frame: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    ids = corpus[["report_id", "region"]].drop_duplicates()
    out = frame.merge(ids, on="report_id", how="left", validate="many_to_one")
    columns = list(frame.columns)
    at = columns.index("report_id") + 1
    return out[[*columns[:at], "region", *columns[at:]]]


def _tokens(paragraphs: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    from .segment import content_segmenter, default_segmenter, token_kind

    seg, content = default_segmenter(), content_segmenter()
    rows = []
    for p in paragraphs.itertuples(index=False):
        text = str(p.text)
        kept = content.tokenize(text)
        k = 0
        for n, token in enumerate(seg.cut(text), start=1):
            is_content = k < len(kept) and kept[k] == token
            k += is_content
            rows.append((p.report_id, p.year, p.part_no, p.part_kind, p.section_no, p.para_no, n, token,
                         token_kind(token), is_content))
    columns = ["report_id", "year", "part_no", "part_kind", "section_no", "para_no", "token_no", "token", "kind",
               "content"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.astype({"report_id": "string", "year": "int64", "part_no": "int64", "part_kind": "string",
                         "section_no": "Int64", "para_no": "int64", "token_no": "int64", "token": "string",
                         "kind": "string", "content": "bool"})


def targets_vs_results(indicators: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Targets for year Y beside the results reported for Y in the same region (exact indicator names).

    A report's plan sets targets for its own year; the same region's next report gives
    the results for that year in its review. ``met`` compares growth rates where both
    are stated.

    Example:
        >>> import pandas as pd
        >>> ind = pd.DataFrame({"indicator": ["地区生产总值", "地区生产总值"], "value": [None, 400.0],
        ...     "unit": [None, "亿元"], "change_pct": [5.0, 5.5], "qualifier": ["左右", None],
        ...     "kind": ["target", "actual"], "year": [2024, 2024], "report_id": ["a_2024", "a_2025"]})
        >>> corpus = pd.DataFrame({"report_id": ["a_2024", "a_2025"], "region": ["甲区", "甲区"]})
        >>> targets_vs_results(ind, corpus)[["region", "target_year", "indicator", "result_change_pct", "met"]
        ...     ].values.tolist()
        [['甲区', 2024, '地区生产总值', 5.5, True]]
    """
    import pandas as pd

    columns = ["region", "target_year", "indicator", "target_report_id", "target_value", "target_unit",
               "target_change_pct", "target_qualifier", "result_report_id", "result_value", "result_unit",
               "result_change_pct", "met"]
    regions = dict(zip(corpus["report_id"], corpus["region"], strict=False))
    data = indicators.assign(region=indicators["report_id"].map(regions))
    keep = ["region", "year", "indicator", "report_id", "value", "unit", "change_pct", "qualifier"]
    targets = data[data["kind"] == "target"][keep].drop_duplicates(["region", "year", "indicator"])
    results = data[data["kind"] == "actual"][keep[:-1]].drop_duplicates(["region", "year", "indicator"])
    targets = targets.rename(columns={"year": "target_year", "report_id": "target_report_id", "value": "target_value",
                                      "unit": "target_unit", "change_pct": "target_change_pct",
                                      "qualifier": "target_qualifier"})
    results = results.rename(columns={"year": "target_year", "report_id": "result_report_id", "value": "result_value",
                                      "unit": "result_unit", "change_pct": "result_change_pct"})
    out = targets.merge(results, on=["region", "target_year", "indicator"], how="inner")
    both = out["target_change_pct"].notna() & out["result_change_pct"].notna()
    met = pd.Series(pd.NA, index=out.index, dtype="boolean")
    met[both] = (out.loc[both, "result_change_pct"].astype(float) >= out.loc[both, "target_change_pct"].astype(float))
    out["met"] = met
    out = out[columns].sort_values(["region", "target_year", "indicator"]).reset_index(drop=True)
    return out.astype({"region": "string", "target_year": "int64", "indicator": "string"})


def _attainment_function() -> Callable | None:
    from . import vocabulary

    return getattr(vocabulary, "target_attainment", None)


def tidy_tables(data_dir: str | os.PathLike[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every export table as a DataFrame, keyed by table name (see :data:`TABLES`).

    Example:
        >>> sorted(tidy_tables())  # doctest: +SKIP
        ['indicators', 'paragraphs', 'reports', 'sentences', 'targets', 'themes', 'tokens']
    """
    from .corpus import load_corpus
    from .structure import corpus_paragraphs, sentences
    from .themes import theme_frequencies
    from .vocabulary import extract_indicators

    corpus = load_corpus(data_dir)
    paragraphs = corpus_paragraphs(corpus)
    body = paragraphs[paragraphs["part_no"] > 0]
    reports = corpus.drop(columns=["text"]).copy()
    reports["n_characters"] = corpus["text"].str.len().astype("int64")
    reports["n_paragraphs"] = reports["report_id"].map(paragraphs["report_id"].value_counts()).fillna(0).astype(
        "int64")
    reports.attrs = {}
    indicators = extract_indicators(body).rename(columns={"sentence": "sentence_text"})
    front = ["report_id", "year", "part_no", "section_no"]
    indicators = indicators[front + [c for c in indicators.columns if c not in front]]
    attainment = _attainment_function()
    if attainment is not None:
        # the package's own measure, once it exists: it takes the paragraphs (or their indicators)
        first = next(iter(inspect.signature(attainment).parameters), "")
        targets = attainment(indicators if first == "indicators" else body)
    else:
        targets = targets_vs_results(extract_indicators(body), corpus)
    themes = theme_frequencies(body, by="part").drop(columns=["group"], errors="ignore")
    tables = {
        "reports": reports.sort_values(["region", "year", "report_id"]),
        "paragraphs": _with_region(paragraphs, corpus),
        "sentences": _with_region(sentences(paragraphs).drop(columns=["part_title", "section_title", "lead"]),
                                  corpus),
        "tokens": _with_region(_tokens(paragraphs), corpus),
        "indicators": _with_region(indicators, corpus),
        "targets": targets,
        "themes": _with_region(themes, corpus),
    }
    return {name: frame.reset_index(drop=True) for name, frame in tables.items()}


def _type_name(dtype) -> str:
    from pandas.api.types import is_bool_dtype, is_float_dtype, is_integer_dtype

    if is_bool_dtype(dtype):
        return "boolean"
    if is_integer_dtype(dtype):
        return "integer"
    if is_float_dtype(dtype):
        return "float"
    return "string"


def codebook(tables: dict[str, pd.DataFrame], fmt: str = "csv") -> str:
    """``codebook.md``: each table, how it was made, and each column's type and meaning.

    Example:
        >>> import pandas as pd
        >>> print(codebook({"reports": pd.DataFrame({"report_id": ["a"], "year": [2024]})}).splitlines()[-1])
        | `year` | integer | Year the report was delivered (from the manifest). |
    """
    suffix = "csv" if fmt == "csv" else "parquet"
    lines = [
        "# Codebook",
        "",
        "Tidy tables exported by `miyun-text export`, one row per observation. "
        + ("CSV files are UTF-8 with a byte-order mark (Excel opens them with Chinese intact); missing values "
           "are empty cells; true/false are written True/False."
           if fmt == "csv" else "Parquet files keep each column's type; missing values are nulls."),
        "Reading them: R `readr::read_csv(\"paragraphs.csv\")`; Stata `import delimited using paragraphs.csv, "
        "encoding(utf-8) bindquote(strict)`; pandas `pd.read_csv(\"paragraphs.csv\", encoding=\"utf-8-sig\")`.",
        "Rows join on `report_id`, `part_no` and `para_no` (a paragraph); `region` and `year` identify the panel.",
    ]
    for name, frame in tables.items():
        lines += ["", f"## {name}.{suffix}", "", TABLES.get(name, ""), "", f"{len(frame):,} rows.", "",
                  "| column | type | meaning |", "|---|---|---|"]
        for column in frame.columns:
            lines.append(f"| `{column}` | {_type_name(frame[column].dtype)} | {COLUMNS.get(str(column), '')} |")
    return "\n".join(lines) + "\n"


def _write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow", index=False)
    return write_bytes_atomic(path, buffer.getvalue())


def export_tables(data_dir: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] = "build/export",
                  *, fmt: str = "csv") -> list[Path]:
    """Write the tidy tables and ``codebook.md`` into ``out``; returns the paths written.

    Example:
        >>> [p.name for p in export_tables(out="/tmp/export")][-1]  # doctest: +SKIP
        'codebook.md'
    """
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r} is not one of {list(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            from .errors import MiyunTextError

            raise MiyunTextError("Parquet export needs pyarrow: pip install pyarrow (or use --format csv)") from None
    folder = Path(out)
    tables = tidy_tables(data_dir)
    written = []
    for name, frame in tables.items():
        if fmt == "csv":
            written.append(write_csv(frame, folder / f"{name}.csv"))
        else:
            written.append(_write_parquet(frame, folder / f"{name}.parquet"))
    written.append(write_text_atomic(folder / "codebook.md", codebook(tables, fmt)))
    return written

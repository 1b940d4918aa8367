"""A dataset for other tools: tidy tables plus a codebook, as CSV (UTF-8 with BOM) or Parquet.

:func:`export_tables` writes one file per table — reports, paragraphs, sentences,
tokens, indicators, targets vs results, theme counts — and ``codebook.md`` describing
every column (name, type, meaning and the function that made it), so R, Stata and
Excel users can work from the files alone. Every table carries the report's region
and a year, the panel's identifiers (the codebook says which year each table means).
Output is deterministic: sorted rows, no timestamps.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pandas as pd
from pandas.api.types import is_bool_dtype, is_float_dtype, is_integer_dtype

from .attainment import target_attainment
from .corpus import open_corpus
from .dtm import document_term_matrix, dtm_codebook
from .errors import ArgumentError
from .escape import spreadsheet_cells
from .grouping import By
from .indicators import extract_indicators
from .io import write_bytes_atomic, write_csv, write_text_atomic
from .reuse import reuse_shares, text_reuse
from .structure import sentences
from .themes import theme_frequencies
from .timeline import formula_timeline
from .tokens import Tokens

__all__ = [
    "COLUMNS",
    "FORMATS",
    "TABLES",
    "TABLE_COLUMNS",
    "codebook",
    "column_meaning",
    "export_tables",
    "tidy_tables",
]

FORMATS = ("csv", "parquet", "dtm")

# What each table is and which function makes it.
TABLES: dict[str, str] = {
    "reports": "One row per report: the manifest (data/reports.csv) with the report's label, the detected "
               "encoding and counts. Made by `miyun_text.open_corpus` (`Corpus.reports`).",
    "paragraphs": "One row per paragraph, in document order, with its part and section. "
                  "Made by `miyun_text.open_corpus` (`Corpus.paragraphs`; the parser `miyun_text.parse_report`).",
    "sentences": "One row per sentence (split at 。！？). Made by `miyun_text.sentences`.",
    "tokens": "One row per token of every paragraph, lossless (the tokens of a paragraph join to its text). "
              "Made by `miyun_text.open_corpus` (`Corpus.tokens`, the cut of `miyun_text.default_segmenter().cut`); "
              "`content` marks the tokens `miyun_text.content_segmenter().tokenize` keeps (no stopwords, "
              "boilerplate, punctuation or single characters).",
    "indicators": "One row per quantity stated (a result or a target), with the years and basis it is stated on. "
                  "Made by `miyun_text.extract_indicators` on the report body (parts after the preamble); names "
                  "are canonical where miyun_text/resources/indicators.csv knows the indicator.",
    "targets": "Annual targets a report's plan set for its year beside the results the same region's next report "
               "states for that year, per indicator and measure. Made by `miyun_text.target_attainment`. Coding "
               "(`miyun_text.attainment_status`), as in Li, Liu, Weng and Zhou (2019), Economic Journal 129(623), "
               "2894–2930: where more is better, a result above a floor (以上, a bare target, the top of a range) "
               "or above the band of a 左右 target (±0.5 points) is exceeded, within it met, below it missed; where "
               "less is better (CPI, unemployment, energy and carbon intensity, PM2.5) a result at or below the "
               "ceiling (within a 左右 band) is met, above it missed.",
    "themes": "Theme term counts per part of each report. Made by "
              "`miyun_text.theme_frequencies(body, by=[\"region\", \"year\", \"part\"])` "
              "with the lexicon in miyun_text/resources/themes.yaml.",
    "reuse": "Passages of report B found again in report A, one row per passage, for every pair of reports (the "
             "earlier year as A). Made by `miyun_text.text_reuse(body)`: character 3-gram shingles, MinHash-LSH "
             "candidates, Smith-Waterman local alignment; passages of 20 characters or more with similarity 0.7 "
             "or more. Offsets refer to each report's paragraphs joined by line breaks "
             "(`miyun_text.reuse_texts`). Pair tables join to `reports` through `report_a` and `report_b`.",
    "reuse_shares": "One row per pair of reports: how much of each is found in the other. Made by "
                    "`miyun_text.reuse_shares(body, passages=...)` from the `reuse` passages.",
    "formulas": "Each quoted term and numbered formula of the corpus in each report (a region in a year), zeros "
                "included: occurrences quoted or not, and the rate per 10,000 characters. Made by "
                "`miyun_text.formula_timeline(body, by=\"report\", top_k=None)`.",
}

# Column meanings; a test checks every exported column is described here.
COLUMNS: dict[str, str] = {
    "report_id": "Report identifier (file name of the raw report, `[a-z0-9][a-z0-9_-]*`).",
    "year": "Year the report was delivered (from the manifest).",
    "region": "Region the report covers (from the manifest), e.g. 密云区.",
    "level": "Administrative level of the region: 区, 县, 市 or 省 (from the manifest, by default the region's "
             "suffix).",
    "label": "Report label from the manifest, region and year (密云区 2024); the name tables and figures show.",
    "extraction": "How the text was obtained: text for a .txt file, else the saved-page, PDF or Word extractor.",
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
    "part_kind": "Kind of part from its heading: review, outlook, plan or self-building; preamble for the title "
                 "lines and opening address before the first part (part_no 0); unknown for the text of a report "
                 "whose parts could not be found.",
    "part_year": "Year the part speaks about (the review: the year before; the plan: the report's year).",
    "part_years": "Span of years the part covers (2017–2021 for a five-year review; one year otherwise).",
    "section_no": "Number of the section within its part (（一） → 1); blank outside sections.",
    "section_title": "Heading of the section.",
    "para_no": "Number of the paragraph within its part, from 1 (a paragraph is report_id, part_no, para_no).",
    "lead": "Lead phrase of the paragraph (its opening clause), where it has one.",
    "text": "Paragraph text: canonical Simplified Chinese, full-width punctuation.",
    "sent_no": "Number of the sentence within its paragraph, from 1.",
    "sentence": "Sentence text.",
    "token_no": "Position of the token within its paragraph, from 1.",
    "token": "The token as cut by the Segmenter (jieba with the policy dictionary; numbers keep their unit).",
    "kind": "Kind of the row: for tokens word, number, punct or space; for indicators actual, expected or target.",
    "content": "True where the token counts as content (kept by content_segmenter().tokenize).",
    "indicator": "Name of the measured thing, canonical where the indicator table knows it, e.g. 地区生产总值.",
    "value": "Number stated (in the unit given, 万 and 亿 kept in the unit; 下降3% is 3 with direction 下降).",
    "unit": "Unit of the value, whole: 亿元, %, 个百分点, 万元/人, 微克/立方米.",
    "qualifier": "Qualifier of the number: 左右, 以上, 以内, 以下, 不低于, 力争, 同步, range, 约, 近, 超过, 余.",
    "period_start": "First year of the period the row (or paragraph) speaks of.",
    "period_end": "Last year of the period the row (or paragraph) speaks of.",
    "formula": "True for a paragraph that is a formula of the genre (title lines, salutation, closing call).",
    "name": "Words before the number, as written.",
    "direction": "Change the number measures: 增长, 下降, 提高, 降低, 上涨, 增加, 减少; 控制在 or 稳定在 for a bound.",
    "value_high": "Upper end of a range (5%—5.5%: 5.5).",
    "value_text": "The number as written (555.68): the precision the report used.",
    "value_high_text": "The upper end of a range as written.",
    "headline": "True for an indicator a report's 主要预期目标 commonly sets (from the indicator table).",
    "canonical": "True where the name is an indicator of miyun_text/resources/indicators.csv.",
    "basis_words": "Wording of the price or coverage basis: 按不变价计算, 同口径, 预计 … (blank if none).",
    "better": "Which way is better for the indicator: higher, or lower (CPI, unemployment, intensities).",
    "target_high": "Upper end of a target range.",
    "target_text": "The target as the plan words it (增长5%左右).",
    "actual_qualifier": "Qualifier of the result as stated (增长4.5%左右).",
    "actual_text": "The result as the review words it.",
    "evidence": "How the result was read: number, or words (完成预期目标, 主要目标任务全面完成).",
    "measure": "growth (a change in %), change (in points or units) or level (a value in its unit).",
    "target_value": "Target stated in the plan (for 同步, the economy's actual growth that year).",
    "target_qualifier": "Qualifier of the target as stated: 左右, 以内, 以下, 以上, 同步 … (blank for a bare target).",
    "actual_value": "Result the next report states for the target year (blank where it states none).",
    "gap": "actual_value − target_value, in the unit of the measure.",
    "met": "True where the status is met or exceeded, False where missed; blank where either is missing.",
    "status": "exceeded, met, missed (see the targets table for the rule), no result stated, or no target stated "
              "(a headline result the plan set no target for).",
    "target_report": "Report whose plan set the target (the region's report of the target year).",
    "target_label": "Label of the report whose plan set the target (密云区 2022).",
    "actual_report": "Report whose review states the result (the region's report of the next year).",
    "actual_label": "Label of the report whose review states the result (密云区 2023).",
    "target_sentence": "Sentence the target was read from.",
    "actual_sentence": "Sentence the result was read from.",
    "basis": "annual (one year's figure), period_cumulative (a change over the period), period_average (年均) "
             "or period_end (a level at the end of the period).",
    "theme": "Theme key from themes.yaml.",
    "theme_name": "Theme name in Chinese, from themes.yaml.",
    "count": "Occurrences of the theme's terms.",
    "n_tokens": "Content tokens in the group (the denominator).",
    "per_10k": "count per 10,000 content tokens.",
    "share": "Share of the group's theme-term occurrences that belong to this theme.",
    "report_a": "Report A of a pair (the source of a passage; in every pair of a panel the earlier year).",
    "report_b": "Report B of a pair (the report whose passage is found in A).",
    "label_a": "Label of report A (密云区 2023).",
    "label_b": "Label of report B (密云区 2024).",
    "start_a": "Offset where the passage begins in A's text (paragraphs joined by line breaks), from 0.",
    "end_a": "Offset just after the passage in A's text.",
    "start_b": "Offset where the passage begins in B's text.",
    "end_b": "Offset just after the passage in B's text.",
    "text_a": "The passage as A writes it.",
    "text_b": "The passage as B writes it.",
    "similarity": "2 × identical aligned characters / (characters of both sides); 1.0 for an exact copy.",
    "length": "Characters of B's passage (whitespace not counted).",
    "n_reports": "Reports of the corpus holding B's passage (A and B included); blank when the corpus has fewer "
                 "reports than needed to judge (5).",
    "formulaic": "True where the passage is found in 5 or more reports: the genre's shared language rather than "
                 "copying between two reports; blank when it cannot be judged.",
    "chars_a": "Characters of report A (whitespace not counted).",
    "chars_b": "Characters of report B (whitespace not counted).",
    "reused_a": "Characters of A inside passages found in B.",
    "reused_b": "Characters of B inside passages found in A.",
    "share_a": "reused_a / chars_a: the share of A found in B.",
    "share_b": "reused_b / chars_b: the share of B found in A (how much of B is reused from A).",
    "peer_share_a": "share_a without formulaic passages; blank when formulaic passages cannot be judged.",
    "peer_share_b": "share_b without formulaic passages; blank when formulaic passages cannot be judged.",
    "passages": "Passages found between the two reports.",
    "formulaic_passages": "Of these, passages found in 5 or more reports.",
    "source": "How the item was found: formula (a numbered formula) or quoted (a quoted term).",
    "quoted": "Occurrences written in quotation marks (“…”).",
    "chars": "Characters of the report (whitespace not counted): the denominator of per_10k.",
    "first_year": "First year the item is used anywhere in the corpus.",
    "last_year": "Last year the item is used anywhere in the corpus.",
}

# Where a column means something particular in one table, that table's meaning wins.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "indicators": {
        "year": "Last year of the period the number is for: the year before the report for results of its "
                "review, the report's year for its plan's targets, 2030 for a target to 2030.",
        "kind": "actual (a result), expected (an estimate: 预计, 初步统计) or target.",
        "label": "Label of the report the indicator was read from (密云区 2024).",
        "sentence": "Sentence the indicator was read from.",
    },
    "targets": {
        "year": "Year the targets are for (the year of the report that set them).",
        "unit": "Unit of the measure: % for growth, the stated unit for a level.",
    },
    "tokens": {"kind": "word, number, punct or space."},
    "formulas": {
        "formula": "A quoted term (“…”) or numbered formula (两山, 5+2, 四个意识) found in the corpus.",
        "kind": "Form of a numbered formula (numbered, digits, numeral-个, enumeration) or kind of a quoted term "
                "(slogan, programme, honour, metaphor, other).",
        "count": "Occurrences of the item in the report, quoted or not.",
        "per_10k": "count per 10,000 characters of the report.",
    },
}


_SAFE_CELLS_NOTE = (
    "**Cells that look like formulas.** A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage "
    "return (for example a quoted slogan `=1+2` or `@SUM（…）`) is written with a leading `'`, OWASP's rule "
    "against formula injection: Excel, LibreOffice and Google Sheets then show it as text instead of running "
    "it. Numeric columns are never changed, and a text cell that is just a number (`-3.5`) is left as it is. "
    "To get the text exactly, strip one leading `'` from such cells, export with `miyun-text export "
    "--raw-cells`, or use `--format parquet`.")
_RAW_CELLS_NOTE = (
    "**Cells that look like formulas** are written as they are (`--raw-cells`): a text cell beginning with `=`, "
    "`+`, `-`, `@`, a tab or a carriage return may run as a formula when the file is opened in a spreadsheet.")


def column_meaning(table: str, column: str) -> str:
    """What a column of an export table means (the table's own meaning first, then :data:`COLUMNS`).

    Example:
        >>> column_meaning("tokens", "kind"), column_meaning("paragraphs", "label")[:12]
        ('word, number, punct or space.', 'Report label')
    """
    return TABLE_COLUMNS.get(table, {}).get(column, COLUMNS.get(column, ""))


def _tokens(paragraphs: pd.DataFrame, tokens: Tokens) -> pd.DataFrame:
    """The corpus's token table with each token's panel and part columns, for people."""
    keys = [c for c in ("report_id", "part_no", "para_no") if c in tokens.frame.columns]
    where = paragraphs[[*keys, "year", "region", "label", "part_kind", "section_no"]].astype({"report_id": "string"})
    frame = tokens.frame[[*keys, "token_no", "token", "kind", "content"]].astype({"report_id": "string"})
    frame = frame.merge(where, on=keys, how="left", validate="many_to_one")
    columns = ["report_id", "year", "region", "label", "part_no", "part_kind", "section_no", "para_no", "token_no",
               "token", "kind", "content"]
    return frame[columns].astype({"report_id": "string", "year": "int64", "region": "string", "label": "string",
                                  "part_no": "int64",
                                  "part_kind": "string", "section_no": "Int64", "para_no": "int64",
                                  "token_no": "int64", "token": "string", "kind": "string", "content": "bool"})


def tidy_tables(data_dir: str | os.PathLike[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every export table as a DataFrame, keyed by table name (see :data:`TABLES`).

    Example:
        >>> sorted(tidy_tables())  # doctest: +SKIP
        ['indicators', 'paragraphs', 'reports', 'sentences', 'targets', 'themes', 'tokens']
    """
    loaded = open_corpus(data_dir)
    corpus, paragraphs = loaded.reports, loaded.paragraphs
    body = loaded.body
    reports = corpus.drop(columns=["text"]).copy()
    reports["n_characters"] = corpus["text"].str.len().astype("int64")
    reports["n_paragraphs"] = reports["report_id"].map(paragraphs["report_id"].value_counts()).fillna(0).astype(
        "int64")
    found = extract_indicators(body)
    front = ["report_id", "year", "region", "label", "part_no", "section_no"]
    # one name per column: the sentence is `sentence` here as in the notebooks and the command line
    indicators = found[front + [c for c in found.columns if c not in front]]
    themes = theme_frequencies(body, by=["region", "year", "part"]).drop(columns=["group"], errors="ignore")
    labels = corpus.set_index("report_id")["label"].astype("string")
    themes.insert(list(themes.columns).index("region") + 1, "label", themes["report_id"].map(labels))
    targets = target_attainment(body, indicators=found)
    for side in ("target", "actual"):  # every table names its reports by label, beside the ids it joins on
        targets.insert(list(targets.columns).index(f"{side}_report") + 1, f"{side}_label",
                       targets[f"{side}_report"].map(labels))
    passages = text_reuse(body)
    spans = passages.drop(columns=["span_a", "span_b"])
    for side in ("a", "b"):
        where = list(spans.columns).index("text_a")
        spans.insert(where, f"end_{side}", [int(s[1]) for s in passages[f"span_{side}"]])
        spans.insert(where, f"start_{side}", [int(s[0]) for s in passages[f"span_{side}"]])
    spans = spans.astype({f"{e}_{s}": "int64" for e in ("start", "end") for s in ("a", "b")})
    front = ["report_id", "year", "region", "label"]
    tables = {
        "reports": reports.sort_values(["region", "year", "report_id"]),
        "paragraphs": paragraphs,
        "sentences": sentences(paragraphs).drop(columns=["part_title", "section_title", "lead"]),
        "tokens": _tokens(paragraphs, loaded.tokens),
        "indicators": indicators,
        "targets": targets,
        "themes": themes[front + [c for c in themes.columns if c not in front]],
        "reuse": spans,
        "reuse_shares": reuse_shares(body, passages=passages),
        "formulas": formula_timeline(body, by="report", top_k=None),
    }
    return {name: frame.reset_index(drop=True) for name, frame in tables.items()}


def _type_name(dtype: Any) -> str:
    if is_bool_dtype(dtype):
        return "boolean"
    if is_integer_dtype(dtype):
        return "integer"
    if is_float_dtype(dtype):
        return "float"
    return "string"


def codebook(tables: dict[str, pd.DataFrame], fmt: str = "csv", *, raw_cells: bool = False,
             rows: bool = True) -> str:
    """``codebook.md``: each table, how it was made, and each column's type and meaning.

    For CSV it also says how text cells that a spreadsheet would read as formulas were
    written (with a leading ``'``, unless ``raw_cells``). ``rows=False`` leaves out each
    table's row count (the documentation's codebook, which describes no particular data).

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
           if fmt == "csv" else "Parquet files keep each column's type and every text as it is; missing values are "
           "nulls."),
        "Reading them: R `readr::read_csv(\"paragraphs.csv\")`; Stata `import delimited using paragraphs.csv, "
        "encoding(utf-8) bindquote(strict)`; pandas `pd.read_csv(\"paragraphs.csv\", encoding=\"utf-8-sig\")`.",
        "Rows join on `report_id`, `part_no` and `para_no` (a paragraph); `region` and `year` identify the panel "
        "(`targets` joins through `target_report` and `actual_report`).",
    ]
    if fmt == "csv":
        lines += ["", _RAW_CELLS_NOTE if raw_cells else _SAFE_CELLS_NOTE]
    for name, frame in tables.items():
        lines += ["", f"## {name}.{suffix}", "", TABLES.get(name, ""), "",
                  *([f"{len(frame):,} rows.", ""] if rows else []), "| column | type | meaning |", "|---|---|---|"]
        for column in frame.columns:
            lines.append(f"| `{column}` | {_type_name(frame[column].dtype)} | {column_meaning(name, str(column))} |")
    return "\n".join(lines) + "\n"


def _write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow", index=False)
    return write_bytes_atomic(path, buffer.getvalue())


def export_tables(data_dir: str | os.PathLike[str] | None = None, out: str | os.PathLike[str] = "build/export",
                  *, fmt: str = "csv", raw_cells: bool = False, by: By = "report",
                  weighting: str = "count") -> list[Path]:
    """Write the tidy tables and ``codebook.md`` into ``out``; returns the paths written.

    In CSV, a text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return is written with a leading ``'`` so that a spreadsheet shows it as text instead
    of running it as a formula (:func:`miyun_text.escape.spreadsheet_cells`); numeric
    columns are untouched. ``raw_cells=True`` writes every cell as it is. Parquet always
    keeps the text as it is.

    ``fmt="dtm"`` writes a document-term matrix of the report bodies instead
    (:func:`miyun_text.dtm.document_term_matrix` with ``by`` and ``weighting``): ``dtm.mtx``,
    ``documents.csv``, ``vocabulary.csv`` and a ``codebook.md`` with R and Python examples.

    Example:
        >>> [p.name for p in export_tables(out="/tmp/export")][-1]  # doctest: +SKIP
        'codebook.md'
    """
    if fmt not in FORMATS:
        raise ArgumentError(f"export: format {fmt!r} is not one of {list(FORMATS)}")
    folder = Path(out)
    if fmt == "dtm":

        dtm = document_term_matrix(open_corpus(data_dir).body, by=by, weighting=weighting)
        return [*dtm.write(folder, raw_cells=raw_cells), write_text_atomic(folder / "codebook.md", dtm_codebook(dtm))]
    tables = tidy_tables(data_dir)
    written = []
    for name, frame in tables.items():
        if fmt == "csv":
            written.append(write_csv(frame if raw_cells else spreadsheet_cells(frame), folder / f"{name}.csv"))
        else:
            written.append(_write_parquet(frame, folder / f"{name}.parquet"))
    written.append(write_text_atomic(folder / "codebook.md", codebook(tables, fmt, raw_cells=raw_cells)))
    return written

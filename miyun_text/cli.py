"""The ``miyun-text`` command line: the same functions the notebooks call.

Subcommands: add, clean, keywords, themes, vocab, reuse, compare, figures, render, errata, export.
Tables go to ``--out`` as UTF-8 CSV with BOM (Excel shows Chinese) or are printed aligned
for CJK width. Heavy libraries (pandas, jieba, matplotlib) load only inside a subcommand,
so ``miyun-text --help`` answers at once.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

# Only the exception family is imported here. Every other module of the package is
# imported inside the subcommand that needs it: they bring pandas, pyarrow and numpy
# (about 1 s), and `miyun-text --help` must answer within 0.3 s (benchmarks/bench_cli.py).
from .errors import MiyunTextError

if TYPE_CHECKING:
    import pandas as pd

    from .corpus import Corpus

__all__ = ["build_parser", "main"]


# What an empty table means, said instead of a bare header.
_EMPTY = {
    "quoted": "no quoted (“…”) expressions in these reports",
    "formulas": "no numbered formulas (两山, “5+2”, 1+9+N …) in these reports",
    "indicators": "no quantified results or targets found in these reports",
    "attainment": "no targets to set against results. That needs two reports of one region in consecutive years: "
                  "the plan for year Y in Y's report, its results in the report of Y+1 (add one with "
                  "'miyun-text add')",
    "keywords": "no keywords: these paragraphs hold no content tokens",
    "themes": "no theme terms in these paragraphs",
    "timeline": "no quoted terms or numbered formulas in these reports",
}


def _report_labels(paragraphs: pd.DataFrame | None) -> dict[str, str]:
    if paragraphs is None or "label" not in paragraphs.columns:
        return {}
    pairs = paragraphs[["report_id", "label"]].drop_duplicates("report_id")
    return dict(zip(pairs["report_id"].astype(str), pairs["label"].astype(str), strict=True))


def _with_labels(frame: pd.DataFrame, paragraphs: pd.DataFrame | None) -> pd.DataFrame:
    """The table naming each report by its label (密云区 2024) beside its id, for a CSV."""
    labels = _report_labels(paragraphs)
    if not labels:
        return frame
    out = frame.copy()
    if "report_id" in out.columns and "label" not in out.columns:
        out.insert(list(out.columns).index("report_id") + 1, "label", out["report_id"].astype(str).map(labels))
    for side in ("target", "actual"):  # target attainment joins two reports: both named, as in the export
        if f"{side}_report" in out.columns and f"{side}_label" not in out.columns:
            out.insert(list(out.columns).index(f"{side}_report") + 1, f"{side}_label",
                       out[f"{side}_report"].astype(str).map(labels))
    return out


def _for_people(frame: pd.DataFrame, paragraphs: pd.DataFrame | None) -> pd.DataFrame:
    """The table as a person reads it in a terminal (--out keeps every column).

    A theme's Chinese name is ``theme_name``, so ``label`` is only ever the report's label;
    a report is named by its label rather than its id; a section by one label such as
    一（二）高质量抓好经济 rather than three columns; the ``group`` key is left out where the
    columns it joins are shown.
    """
    import pandas as pd

    from .build import section_labels

    out = frame.copy()
    if "theme" in out.columns and "label" in out.columns:
        out = out.rename(columns={"label": "theme_name"})
    labels = _report_labels(paragraphs)
    if "report_id" in out.columns and labels:
        if "label" in out.columns:
            out = out.drop(columns=["report_id"])
        else:
            out.insert(list(out.columns).index("report_id"), "label", out["report_id"].astype(str).map(labels))
            out = out.drop(columns=["report_id"])
    for column in [c for c in out.columns if str(c).endswith("_report")]:  # target_report, actual_report
        out[column] = out[column].map(lambda v: labels.get(str(v), v))
    if {"part_no", "section_no", "section_title"} <= set(out.columns):
        has = out["section_no"].notna() & out["part_no"].notna()
        names = pd.Series("", index=out.index, dtype="string")
        if has.any():
            names[has] = section_labels(out[has]).to_numpy()
        numerals = "〇一二三四五六七八九十"
        part_only = ~has & out["part_no"].notna()
        names[part_only] = pd.array([f"{numerals[int(n)] if int(n) <= 10 else n}（—）"
                                     for n in out.loc[part_only, "part_no"]], dtype="string")
        out.insert(list(out.columns).index("part_no"), "section", names)
        out = out.drop(columns=["part_no", "section_no", "section_title"])
    grouping = {"label", "region", "year", "part_no", "part_kind", "section", "section_no"}
    if "group" in out.columns and grouping & set(out.columns):
        out = out.drop(columns=["group"])
    return out


def _emit(frame: pd.DataFrame, args: argparse.Namespace, context: dict[str, str] | None = None, *,
          paragraphs: pd.DataFrame | None = None, empty: str | None = None) -> None:
    """Print the table for people, or write it whole to --out (UTF-8 CSV with BOM, reports named by label)."""
    if args.out:
        from .escape import spreadsheet_cells
        from .io import write_csv

        frame = _with_labels(frame, paragraphs)
        # opened in spreadsheets: a cell such as =HYPERLINK(…) is written as text unless --raw-cells
        path = write_csv(frame if args.raw_cells else spreadsheet_cells(frame), args.out)
        print(f"wrote {len(frame)} rows to {path}")
    else:
        from .tables import text_table

        print(text_table(_for_people(frame, paragraphs), rows=args.rows, context=context, empty=empty))


def _only(reports: pd.DataFrame, ids: list[str] | None) -> pd.DataFrame:
    """The rows of the reports named by --report (all without it); an unknown id is an error."""
    if not ids:
        return reports
    unknown = sorted(set(ids) - set(reports["report_id"]))
    if unknown:
        raise MiyunTextError(f"unknown report id(s) {unknown}; known: {reports['report_id'].tolist()}")
    return reports[reports["report_id"].isin(ids)]


def _corpus(args: argparse.Namespace) -> Corpus:
    """The corpus the subcommand reads (the reports of --report, or all): the parts of each
    report, without the preamble."""
    from .corpus import open_corpus

    return open_corpus(args.data, report_ids=args.report).body


def _cmd_clean(args: argparse.Namespace) -> None:
    from .build import build_processed

    for name, path in build_processed(args.data, progress=True).items():
        print(f"{name}: {path}")


def _cmd_add(args: argparse.Namespace) -> None:
    from .manifest import add_report

    added = add_report(
        args.path,
        region=args.region,
        year=args.year,
        level=args.level,
        title=args.title,
        delivered_on=args.delivered_on,
        session=args.session,
        source_url=args.source_url,
        report_id=args.id,
        data_dir=args.data,
        large=args.large,
    )
    print(added.summary())


def _cmd_keywords(args: argparse.Namespace) -> None:
    from .build import section_labels
    from .keywords import extract_keywords

    corpus = _corpus(args)
    by = None if args.by == ["all"] else args.by[0] if len(args.by) == 1 else args.by
    if by == "section":
        # the sections, each named by its readable label (一（一）高规格保水保生态)
        corpus = corpus.where(corpus.paragraphs["section_no"].notna())
        corpus = corpus.assign(section_label=section_labels(corpus.paragraphs).to_numpy())
        by = "section_label"
    _emit(extract_keywords(corpus, by=by, method=args.method, top_k=args.top_k, min_count=args.min_count,
                           idf=args.idf), args, paragraphs=corpus.paragraphs, empty=_EMPTY["keywords"])


def _cmd_themes(args: argparse.Namespace) -> None:
    from .themes import theme_coverage_by, theme_frequencies

    by = args.by[0] if len(args.by) == 1 else args.by
    corpus = _corpus(args)
    if args.coverage:
        by = "report" if args.by == ["section"] else by
        _emit(theme_coverage_by(corpus, by=by, ci=args.ci, n_boot=args.n_boot), args,
              paragraphs=corpus.paragraphs, empty=_EMPTY["themes"])
    else:
        _emit(theme_frequencies(corpus, by=by, ci=args.ci, n_boot=args.n_boot), args,
              paragraphs=corpus.paragraphs, empty=_EMPTY["themes"])


def _cmd_vocab(args: argparse.Namespace) -> None:
    from .timeline import formula_timeline
    from .vocabulary import extract_indicators, formulas, quoted_terms, target_attainment

    tables: dict[str, Callable[..., pd.DataFrame]] = {
        "quoted": quoted_terms, "formulas": formulas, "indicators": extract_indicators,
        "attainment": target_attainment, "timeline": lambda p: formula_timeline(p, top_k=None)}
    table = tables[args.kind]
    context = {"quoted": {"first_context": "term"}, "formulas": {"first_context": "formula"},
               "indicators": {"sentence": "indicator"},
               "attainment": {"target_sentence": "indicator", "actual_sentence": "indicator"},
               "timeline": None}[args.kind]
    corpus = _corpus(args)
    found = table(corpus)
    if args.kind == "indicators" and not args.out:
        from .indicators import figure_table

        # for people: each figure as the report words it, its period and basis (--out writes every column)
        found, context = figure_table(found), {"sentence": "figure"}
    _emit(found, args, context, paragraphs=corpus.paragraphs, empty=_EMPTY[args.kind])


def _cmd_reuse(args: argparse.Namespace) -> None:
    from .reuse import reuse_shares, text_reuse

    options = {"n": args.n, "min_length": args.min_length, "formulaic_reports": args.formulaic_reports or None}
    corpus = _corpus(args)
    passages = text_reuse(corpus, args.a, args.b, pairs=args.pairs, **options)
    if args.shares:
        shares = reuse_shares(corpus, args.a, args.b, pairs=args.pairs, passages=passages, **options)
        _emit(shares, args)
        return
    if not args.out:
        passages = passages.drop(columns=["report_a", "report_b", "span_a"])
    _emit(passages, args)


def _cmd_compare(args: argparse.Namespace) -> None:
    from .panel import focus_report
    from .rhetoric import compare_regions, compare_years, review_vs_plan

    corpus = _corpus(args)
    if args.regions:
        result = compare_regions(corpus, args.regions[0], args.regions[1], year=args.year, method=args.method,
                                 min_count=args.min_count)
    elif args.years:
        result = compare_years(corpus, args.years[0], args.years[1], region=args.region, method=args.method,
                               min_count=args.min_count)
    else:
        result = review_vs_plan(corpus, report_id=focus_report(corpus), method=args.method,
                                min_count=args.min_count)
    if args.out:
        _emit(result, args)
    else:
        print(comparison_text(result, args.rows, args.method))


# What the columns of a comparison mean, one line per statistic.
_COMPARE_HELP = {
    "log_odds": "score: z of the log-odds ratio with an informative Dirichlet prior (> 0 more in A, < 0 more in B; "
                "|z| > 1.96 is the 5 % level); effect: the log-odds ratio; variance: its variance.",
    "g2": "score: G² keyness, signed (> 0 more in A, < 0 more in B; 3.84 is the 5 % level); effect: Log Ratio, "
          "log2 of the ratio of relative frequencies; p_value: χ² p-value of G².",
}


def comparison_text(result: pd.DataFrame, rows: int = 40, method: str = "log_odds", width: int | None = None) -> str:
    """A comparison for the terminal: what the columns mean, then the top terms of each side.

    ``rows`` is shared between the two sides (half each), so neither side is hidden
    behind the other's longer list.

    Example:
        >>> import pandas as pd
        >>> r = pd.DataFrame({"term": ["建成", "推进", "力争"], "score": [2.5, 0.4, -3.0], "effect": [1.0, 0.1, -1.2],
        ...                   "comparison": ["甲区 2022 vs 甲区 2023"] * 3})
        >>> [line for line in comparison_text(r, rows=2).splitlines() if line.startswith("more in")]
        ['more in 甲区 2022 (2 terms):', 'more in 甲区 2023 (1 terms):']
    """
    from .tables import column_decimals, text_block, text_table

    label = str(result["comparison"].iloc[0]) if "comparison" in result.columns and len(result) else "A vs B"
    a, _, b = label.partition(" vs ")
    body = result.drop(columns=["comparison"], errors="ignore")
    half = max(1, (rows + 1) // 2)
    b = re.sub(r"\s*\([^()]*\)$", "", b) or "B"  # a note on the whole comparison is said once, above
    lines = [text_block(f"comparison: {label}\nA = {a}, B = {b} (count_a and per_10k_a are A's)\n"
                        + _COMPARE_HELP.get(method, ""), width)]
    # both sides in the same decimals, column by column
    decimals = column_decimals(body)
    sides = [(a, body[body["score"] > 0].sort_values(["score", "term"], ascending=[False, True], kind="mergesort")),
             (b, body[body["score"] < 0].sort_values(["score", "term"], ascending=[True, True], kind="mergesort"))]
    for name, side in sides:
        lines += ["", text_block(f"more in {name} ({len(side)} terms):", width)]
        lines.append(text_table(side, rows=half, width=width, decimals=decimals) if len(side) else "(none)")
    return "\n".join(lines)


def _cmd_figures(args: argparse.Namespace) -> None:
    from .build import make_figures

    for path in make_figures(args.data, args.folder):
        print(path)


def _cmd_render(args: argparse.Namespace) -> None:
    from .build import render_notebooks

    notebooks = args.notebooks or None
    for path in render_notebooks(notebooks, html_dir=args.html, progress=not args.quiet, force=args.force):
        print(path)


def _cmd_errata(args: argparse.Namespace) -> None:
    from .corpus import load_reports, read_errata, read_manifest
    from .errata import check_errata

    errata = read_errata(args.data, read_manifest(args.data)["report_id"])
    reports = _only(load_reports(args.data), args.report)
    counts = {"ok": 0, "exception": 0, "failed": 0}
    for report in reports.to_dict("records"):
        rows = errata[errata["report_id"] == report["report_id"]]
        if rows.empty:
            continue
        checks = check_errata(str(report["raw_text"]), rows, str(report["report_id"]), propose=args.propose)
        for check in checks.to_dict("records"):
            counts[check["status"]] += 1
            where = f"{report['report_id']} offset {check['offset']} (errata line {check['line']})"
            corrected = rows.loc[rows["offset"] == check["offset"], "corrected"].iloc[0]
            if check["status"] == "ok":
                print(f"ok        {where}: {corrected}; {check['damage']}"
                      + (f"; decided by context: {check['context']}" if check["context"] else ""))
            elif check["status"] == "exception":
                print(f"exception {where}: {corrected}; {check['exception']}")
            else:
                print(f"FAILED    {where}: {check['problem']}")
                for candidate in check["proposals"]:
                    print(f"          reproduces the bytes: {candidate}")
    print(f"{sum(counts.values())} errata rows: {counts['ok']} reproduced, {counts['exception']} written "
          f"exceptions, {counts['failed']} failed")
    if counts["failed"]:
        raise MiyunTextError(f"{counts['failed']} errata row(s) failed the forward model; fix them in data/errata.csv")


def _prefix(args: argparse.Namespace | None) -> str:
    return f"miyun-text {args.command}" if args is not None else "miyun-text"


def _count(text: str) -> int:
    """argparse type: a whole number from 0 up."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return value


def _counts_are_non_negative(parser: argparse.ArgumentParser) -> None:
    """Give every count option (--rows, --min-count, --top-k) the non-negative type."""
    for action in parser._actions:
        if action.dest in {"rows", "min_count", "top_k", "propose", "min_length", "formulaic_reports"}:
            action.type = _count
        for sub in (action.choices or {}).values() if isinstance(action.choices, dict) else ():
            _counts_are_non_negative(sub)


def _cmd_export(args: argparse.Namespace) -> None:
    from .export import export_tables

    by = args.by[0] if len(args.by) == 1 else args.by
    for path in export_tables(args.data, args.out, fmt=args.format, raw_cells=args.raw_cells,
                              by=None if by == "all" else by, weighting=args.weighting):
        print(path)


class _HelpFormatter(argparse.HelpFormatter):
    """Help wrapped to the terminal, Chinese counted two columns wide; a description's own
    line breaks (one item per line) are kept; every option with a value by default shows it."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line if line else "" for line in self._lines(text, width - len(indent)))

    def _split_lines(self, text: str, width: int) -> list[str]:
        return self._lines(" ".join(text.split()), width)

    @staticmethod
    def _lines(text: str, width: int) -> list[str]:
        from .tables import text_block

        return text_block(text, max(20, width)).split("\n")

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "%(default)" in text or action.default in (None, False, argparse.SUPPRESS) or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``miyun-text`` (one subparser per subcommand).

    Example:
        >>> build_parser().parse_args(["keywords", "--top-k", "5"]).top_k
        5
    """
    parser = argparse.ArgumentParser(
        prog="miyun-text", formatter_class=_HelpFormatter,
        description="Chinese government work reports as data: repair, structure, keywords, themes, "
                    "policy vocabulary and rhetoric, from the same functions the notebooks call.",
        epilog="Run 'miyun-text COMMAND --help' for a command's options.",
    )
    parser.add_argument("--data", default=None, help="the project's data/ folder (default: $MIYUN_TEXT_DATA, or data/ "
                                                     "found from the working directory upwards)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=f"{summary}.\n\n{description}",
                              formatter_class=_HelpFormatter)

    def table_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--report", action="append", metavar="ID",
                       help="limit to this report id (repeatable; default: every report)")
        p.add_argument("--out", metavar="FILE", help="write the whole table here as UTF-8 CSV with BOM "
                                                     "(default: print it)")
        p.add_argument("--rows", type=int, default=40, help="rows to print without --out")
        p.add_argument("--raw-cells", action="store_true",
                       help="with --out: write text cells beginning with = + - @ as they are (default: with a "
                            "leading ' so that spreadsheets show them as text, not formulas)")

    p = add("clean", "verify checksums, repair the raw reports, write data/processed/",
            "Reads data/reports.csv and data/raw/, repairs each report (errata, mojibake, pinyin, "
            "Traditional to Simplified, punctuation) and writes clean texts, paragraphs.csv, repairs.csv "
            "and repair_summary.csv.")
    p.set_defaults(func=_cmd_clean)

    p = add("add", "add a report (.txt, .html, .pdf, .docx): copy it to data/raw/, append its row",
            "Copies the file byte for byte into data/raw/<id>.<ext>, records its sha256 in data/reports.csv and "
            "prints what loading it found: encoding, parts, sections, paragraphs, repairs, unrepaired spans.")
    p.add_argument("path", help="the report file as received")
    p.add_argument("--region", required=True, help="the region as the report names it, e.g. 密云区")
    p.add_argument("--year", required=True, type=int, help="the year the report was delivered, e.g. 2025")
    p.add_argument("--level", help="区, 县, 市 or 省 (default: from the region's suffix)")
    p.add_argument("--title", help="the report's title (default: <year>年<region>政府工作报告)")
    p.add_argument("--delivered-on", help="date delivered, YYYY-MM-DD (decides which report of a year is the "
                                          "latest)")
    p.add_argument("--session", help="the congress session it was delivered at, e.g. 区第三届人民代表大会第四次会议")
    p.add_argument("--source-url", help="where the report was found")
    p.add_argument("--id", help="report id, [a-z0-9][a-z0-9_-]* (default: region pinyin and year, e.g. miyun_2025)")
    p.add_argument("--large", action="store_true",
                   help="accept a file over the size limits (20 MB of text, 100 MB of PDF or Word file)")
    p.set_defaults(func=_cmd_add)

    p = add("keywords", "keywords per group (TF-IDF with corpus IDF, or TextRank)",
            "Prints the top keywords of each group of paragraphs: term, score, count and document frequency.")
    p.add_argument("--method", choices=["tfidf", "textrank"], default="tfidf", help="how terms are scored")
    p.add_argument("--by", nargs="+", default=["section"],
                   help="grouping: report, region, year, part, part_kind, section, a column, or several "
                        "(--by region year); all: the whole corpus as one group")
    p.add_argument("--idf", choices=["corpus", "jieba"], default="corpus",
                   help="IDF from the corpus's own paragraphs or jieba's general table")
    p.add_argument("--top-k", type=int, default=10, help="keywords per group")
    p.add_argument("--min-count", type=int, default=2, help="leave out terms seen fewer times in the group")
    table_options(p)
    p.set_defaults(func=_cmd_keywords)

    p = add("themes", "theme counts and rates per 10,000 content tokens",
            "Counts the terms of each theme in resources/themes.yaml per group, with rate and share; "
            "--coverage gives the share of content tokens the themes hold.")
    p.add_argument("--by", nargs="+", default=["section"],
                   help="grouping: report, region, year, part, part_kind, section, or several (--by region year)")
    p.add_argument("--coverage", action="store_true",
                   help="theme coverage (share of content tokens a theme holds) per report, or per --by group")
    p.add_argument("--ci", type=float, default=None,
                   help="add bootstrap intervals of this coverage, e.g. 0.95 (paragraphs resampled, seed 0)")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates with --ci")
    table_options(p)
    p.set_defaults(func=_cmd_themes)

    p = add("vocab", "quoted terms, numbered formulas, quantified results and targets, or target attainment",
            "quoted: every “…” expression with count, kind and its first context;\n"
            "formulas: numbered formulas such as 两山 or “5+2”;\n"
            "indicators: quantities with period, basis, value, unit, qualifier and whether a result or a target;\n"
            "attainment: each region's targets for a year against the results its next report states;\n"
            "timeline: each quoted term and formula per year: count, rate per 10,000 characters, regions using it.")
    p.add_argument("kind", choices=["quoted", "formulas", "indicators", "attainment", "timeline"],
                   help="which table")
    table_options(p)
    p.set_defaults(func=_cmd_vocab)

    p = add("reuse", "passages of one report found again in another (text reuse), or the share reused per pair",
            "Character n-gram shingles, MinHash-LSH candidates and Smith-Waterman local alignment find the passages\n"
            "of report B reused from report A. Without --a/--b every pair of reports is compared; --pairs consecutive\n"
            "compares each region's report with its report of the year before, --pairs levels each report with\n"
            "the reports of a higher level in the same year (a district with its city). n_reports counts the\n"
            "reports holding a passage; formulaic marks passages found in at least --formulaic-reports reports.")
    p.add_argument("--a", nargs="+", metavar="REPORT", help="the source report(s), by id or label (default: every "
                                                          "report not given as --b)")
    p.add_argument("--b", nargs="+", metavar="REPORT", help="the reusing report(s), by id or label (default: every "
                                                          "report not given as --a)")
    p.add_argument("--pairs", choices=["all", "consecutive", "levels"],
                   help="a design of pairs instead of --a/--b (default without them: all)")
    p.add_argument("--shares", action="store_true",
                   help="one row per pair: the share of each report's characters found in the other")
    p.add_argument("-n", type=int, default=3, help="characters per shingle (n-gram)")
    p.add_argument("--min-length", type=int, default=20, help="shortest passage reported, in characters")
    p.add_argument("--formulaic-reports", type=int, default=5,
                   help="a passage in at least this many reports is formulaic (0: do not judge)")
    table_options(p)
    p.set_defaults(func=_cmd_reuse)

    p = add("compare", "distinctive terms: review vs plan of a report, two years of a region, or two regions",
            "Log-odds with an informative Dirichlet prior (z scores) or G² keyness. Without --years or --regions it "
            "compares the review and the plan within the last report given. Years are compared within one region.")
    p.add_argument("--method", choices=["log_odds", "g2"], default="log_odds", help="the statistic")
    p.add_argument("--years", type=int, nargs=2, metavar=("A", "B"),
                   help="compare the reports of two years (default: review vs plan within one report)")
    p.add_argument("--region", help="the region whose years are compared (needed when the corpus holds several)")
    p.add_argument("--regions", nargs=2, metavar=("A", "B"), help="compare two regions' reports of --year")
    p.add_argument("--year", type=int, help="the year in which --regions are compared (needed when they share "
                                            "several report years)")
    p.add_argument("--min-count", type=int, default=2, help="leave out terms seen fewer times in both groups")
    table_options(p)
    p.set_defaults(func=_cmd_compare)

    p = add("figures", "build the standard figures",
            "Writes every standard figure as PNG and SVG, byte for byte reproducible.")
    p.add_argument("--folder", default="figures", help="folder to write the figures into")
    p.set_defaults(func=_cmd_figures)

    p = add("render", "execute the notebooks and render HTML into build/html/",
            "Runs each notebook headless and writes self-contained pages (fonts, figures and data embedded), "
            "an index, the explorer and the full tables as CSV. A notebook whose inputs (the notebook, the "
            "package, the data, the installed packages, MIYUN_TEXT_* settings) and outputs are unchanged since "
            "its last run is not executed again; one line per notebook says which it was.")
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/NN_*.ipynb)")
    p.add_argument("--html", default="build/html", help="folder for the pages")
    p.add_argument("--force", action="store_true", help="execute every notebook, even an unchanged one")
    p.add_argument("--quiet", action="store_true", help="no line per notebook (default: say executed or reused)")
    p.set_defaults(func=_cmd_render)

    p = add("export", "write tidy tables and a codebook for R, Stata or Excel",
            "Writes reports, paragraphs, sentences, tokens, indicators, targets vs results, theme counts, text "
            "reuse and formulas, one file per table, plus codebook.md describing every column; or, with "
            "--format dtm, a document-term matrix with its codebook.")
    p.add_argument("--format", choices=["csv", "parquet", "dtm"], default="csv",
                   help="csv: UTF-8 with BOM; parquet: Apache Parquet through pyarrow; dtm: a document-term matrix "
                        "(Matrix Market dtm.mtx, documents.csv, vocabulary.csv) for R's Matrix and quanteda or "
                        "scikit-learn")
    p.add_argument("--by", nargs="+", default=["report"],
                   help="with --format dtm: what a document is (report, section, part, region year …; all: one)")
    p.add_argument("--weighting", choices=["count", "binary", "proportion", "tfidf"], default="count",
                   help="with --format dtm: the matrix's cells")
    p.add_argument("--out", default="build/export", metavar="DIR", help="folder to write the tables into")
    p.add_argument("--raw-cells", action="store_true",
                   help="CSV: write text cells beginning with = + - @ as they are (default: with a leading ' so "
                        "that spreadsheets show them as text, not formulas)")
    p.set_defaults(func=_cmd_export)

    p = add("errata", "check every errata row with the forward model of the damage",
            "Rebuilds each correction as the scrape made it, damages it the same way and compares with the raw bytes; "
            "for a row that fails it proposes corrections that do reproduce them.")
    p.add_argument("action", choices=["check"],
                   help="check: reproduce each row's damage from its correction and compare with the raw bytes")
    p.add_argument("--report", action="append", help="limit to this report id (repeatable)")
    p.add_argument("--propose", type=_count, default=5,
                   help="corrections to propose for a row that fails (0: none)")
    p.set_defaults(func=_cmd_errata)
    _counts_are_non_negative(parser)
    return parser


class _TerminalStream:
    """A text stream that writes to ``stream`` without escape sequences or control characters.

    Everything the command line prints may hold text from reports or the manifest; a
    region such as ``\x1b]0;…\x07\x1b[2J`` must not retitle or clear the terminal.
    """

    def __init__(self, stream, *, keep_cr: bool = False) -> None:
        self._stream = stream
        self._keep_cr = keep_cr  # progress bars redraw their line with \r

    def write(self, text: str) -> int:
        from .escape import terminal_text

        self._stream.write(terminal_text(text, keep_cr=self._keep_cr))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (1 with a clear message on bad input).

    What it prints is stripped of terminal escape sequences and control characters.

    Example:
        >>> main(["vocab", "formulas", "--rows", "1"])  # doctest: +SKIP
    """
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _TerminalStream(out), _TerminalStream(err, keep_cr=True)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _run(argv: Sequence[str] | None) -> int:
    """The command line's work: parse, run the subcommand, turn errors into one line and a status."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        args.func(args)
    except KeyboardInterrupt as err:  # an interrupt may say what was done before it (add: the report is in)
        print(f"miyun-text: {str(err) or 'interrupted'}", file=sys.stderr)
        return 130
    except MiyunTextError as err:
        print(f"miyun-text: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        # permission, is-a-directory, missing file, read-only cache: one line naming the path
        path = err.filename2 if err.filename2 is not None else err.filename
        what = err.strerror or str(err)
        print(f"{_prefix(args)}: {path}: {what}" if path is not None else f"{_prefix(args)}: {what}",
              file=sys.stderr)
        return 1
    except (ValueError, TypeError) as err:
        print(f"{_prefix(args)}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

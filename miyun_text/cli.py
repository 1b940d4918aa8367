"""The ``miyun-text`` command line: the same functions the notebooks call.

Subcommands: add, clean, keywords, themes, vocab, compare, figures, render, errata. Tables go to
``--out`` as UTF-8 CSV with BOM (Excel shows Chinese) or are printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from .errors import MiyunTextError

__all__ = ["build_parser", "main"]


def _emit(frame: pd.DataFrame, out: str | None, rows: int) -> None:
    if out:
        from .io import write_csv

        path = write_csv(frame, out)
        print(f"wrote {len(frame)} rows to {path}")
    else:
        with pd.option_context("display.max_colwidth", 40, "display.width", 160):
            print(frame.head(rows).to_string(index=False))


def _paragraphs(args: argparse.Namespace) -> pd.DataFrame:
    from .corpus import load_corpus
    from .structure import corpus_paragraphs

    corpus = load_corpus(args.data)
    if args.report:
        unknown = sorted(set(args.report) - set(corpus["report_id"]))
        if unknown:
            raise MiyunTextError(f"unknown report id(s) {unknown}; known: {corpus['report_id'].tolist()}")
        corpus = corpus[corpus["report_id"].isin(args.report)]
    paragraphs = corpus_paragraphs(corpus)
    return paragraphs[paragraphs["part_no"] > 0]


def _cmd_clean(args: argparse.Namespace) -> None:
    from .build import build_processed

    for name, path in build_processed(args.data, progress=True).items():
        print(f"{name}: {path}")


def _cmd_add(args: argparse.Namespace) -> None:
    from .corpus import add_report

    added = add_report(
        args.path,
        region=args.region,
        year=args.year,
        level=args.level,
        title=args.title,
        delivered_on=args.delivered_on,
        source_url=args.source_url,
        report_id=args.id,
        data_dir=args.data,
    )
    print(added.summary())


def _cmd_keywords(args: argparse.Namespace) -> None:
    from .build import section_labels
    from .keywords import extract_keywords

    paragraphs = _paragraphs(args)
    by = None if args.by == "all" else args.by
    if by == "section":
        paragraphs = paragraphs.dropna(subset=["section_no"]).copy()
        paragraphs["section"] = section_labels(paragraphs)
    _emit(extract_keywords(paragraphs, args.method, args.top_k, by=by, idf=args.idf), args.out, args.rows)


def _cmd_themes(args: argparse.Namespace) -> None:
    from .themes import theme_coverage_by, theme_frequencies

    by = args.by[0] if len(args.by) == 1 else args.by
    if args.coverage:
        by = "report" if args.by == ["section"] else by
        _emit(theme_coverage_by(_paragraphs(args), by=by), args.out, args.rows)
    else:
        _emit(theme_frequencies(_paragraphs(args), by=by), args.out, args.rows)


def _cmd_vocab(args: argparse.Namespace) -> None:
    from .vocabulary import extract_indicators, formulas, quoted_terms, target_attainment

    table = {"quoted": quoted_terms, "formulas": formulas, "indicators": extract_indicators,
             "attainment": target_attainment}[args.kind]
    _emit(table(_paragraphs(args)), args.out, args.rows)


def _cmd_compare(args: argparse.Namespace) -> None:
    from .panel import focus_report
    from .rhetoric import compare_regions, compare_years, review_vs_plan

    paragraphs = _paragraphs(args)
    if args.regions:
        if args.year is None:
            raise MiyunTextError("compare --regions A B needs --year Y (regions are compared within one year)")
        result = compare_regions(paragraphs, args.year, args.regions[0], args.regions[1], args.method,
                                 min_count=args.min_count)
    elif args.years:
        result = compare_years(paragraphs, args.years[0], args.years[1], args.method, min_count=args.min_count,
                               region=args.region)
    else:
        result = review_vs_plan(paragraphs, args.method, report_id=focus_report(paragraphs),
                                min_count=args.min_count)
    _emit(result, args.out, args.rows)


def _cmd_figures(args: argparse.Namespace) -> None:
    from .build import make_figures

    for path in make_figures(args.data, args.folder):
        print(path)


def _cmd_render(args: argparse.Namespace) -> None:
    from .build import render_notebooks

    notebooks = args.notebooks or None
    for path in render_notebooks(notebooks, html_dir=args.html, progress=not args.quiet):
        print(path)


def _cmd_errata(args: argparse.Namespace) -> None:
    from .corpus import load_reports, read_errata, read_manifest
    from .errata import check_errata

    errata = read_errata(args.data, read_manifest(args.data)["report_id"])
    reports = load_reports(args.data)
    if args.report:
        unknown = sorted(set(args.report) - set(reports["report_id"]))
        if unknown:
            raise MiyunTextError(f"unknown report id(s) {unknown}; known: {reports['report_id'].tolist()}")
        reports = reports[reports["report_id"].isin(args.report)]
    counts = {"ok": 0, "exception": 0, "failed": 0}
    for report in reports.itertuples(index=False):
        rows = errata[errata["report_id"] == report.report_id]
        if rows.empty:
            continue
        for check in check_errata(report.raw_text, rows, report.report_id, propose=args.propose).itertuples():
            counts[check.status] += 1
            where = f"{report.report_id} offset {check.offset} (errata line {check.line})"
            corrected = rows.loc[rows["offset"] == check.offset, "corrected"].iloc[0]
            if check.status == "ok":
                print(f"ok        {where}: {corrected}; {check.damage}"
                      + (f"; decided by context: {check.context}" if check.context else ""))
            elif check.status == "exception":
                print(f"exception {where}: {corrected}; {check.exception}")
            else:
                print(f"FAILED    {where}: {check.problem}")
                for candidate in check.proposals:
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
        if action.dest in {"rows", "min_count", "top_k", "propose"}:
            action.type = _count
        for sub in (action.choices or {}).values() if isinstance(action.choices, dict) else ():
            _counts_are_non_negative(sub)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``miyun-text`` (one subparser per subcommand).

    Example:
        >>> build_parser().parse_args(["keywords", "--top-k", "5"]).top_k
        5
    """
    parser = argparse.ArgumentParser(prog="miyun-text", description="Chinese government work reports as data.")
    parser.add_argument("--data", default=None, help="the project's data/ folder (default: found from here)")
    sub = parser.add_subparsers(dest="command", required=True)

    def table_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--report", action="append", help="limit to this report id (repeatable)")
        p.add_argument("--out", help="write the table here as UTF-8 CSV with BOM")
        p.add_argument("--rows", type=int, default=40, help="rows to print without --out (default 40)")

    p = sub.add_parser("clean", help="verify checksums, repair the raw reports, write data/processed/")
    p.set_defaults(func=_cmd_clean)

    p = sub.add_parser("add", help="add a report (.txt, .html, .pdf, .docx): copy it to data/raw/, append its row")
    p.add_argument("path", help="the report file as received")
    p.add_argument("--region", required=True, help="the region as the report names it, e.g. 密云区")
    p.add_argument("--year", required=True, type=int, help="the year the report was delivered, e.g. 2025")
    p.add_argument("--level", help="区, 县, 市 or 省 (default: from the region's suffix)")
    p.add_argument("--title", help="the report's title (default: <year>年<region>政府工作报告)")
    p.add_argument("--delivered-on", help="date delivered, YYYY-MM-DD")
    p.add_argument("--source-url", help="where the report was found")
    p.add_argument("--id", help="report id, [a-z0-9][a-z0-9_-]* (default: region pinyin and year, e.g. miyun_2025)")
    p.set_defaults(func=_cmd_add)

    p = sub.add_parser("keywords", help="keywords per group (TF-IDF with corpus IDF, or TextRank)")
    p.add_argument("--method", choices=["tfidf", "textrank"], default="tfidf")
    p.add_argument("--by", default="section", help="section, part_no, part_kind, report_id, year or all")
    p.add_argument("--idf", choices=["corpus", "jieba"], default="corpus")
    p.add_argument("--top-k", type=int, default=10)
    table_options(p)
    p.set_defaults(func=_cmd_keywords)

    p = sub.add_parser("themes", help="theme counts and rates per 10,000 content tokens")
    p.add_argument("--by", nargs="+", default=["section"],
                   help="report, region, year, part, part_kind, section, or several (--by region year)")
    p.add_argument("--coverage", action="store_true",
                   help="theme coverage (share of content tokens a theme holds) per report, or per --by group")
    table_options(p)
    p.set_defaults(func=_cmd_themes)

    p = sub.add_parser("vocab", help="quoted terms, numbered formulas or quantified results and targets")
    p.add_argument("kind", choices=["quoted", "formulas", "indicators", "attainment"])
    table_options(p)
    p.set_defaults(func=_cmd_vocab)

    p = sub.add_parser("compare", help="distinctive terms: review vs plan of a report, or two years")
    p.add_argument("--method", choices=["log_odds", "g2"], default="log_odds")
    p.add_argument("--years", type=int, nargs=2, metavar=("A", "B"), help="compare the reports of two years")
    p.add_argument("--region", help="the region whose years are compared (needed when the corpus holds several)")
    p.add_argument("--regions", nargs=2, metavar=("A", "B"), help="compare two regions' reports of --year")
    p.add_argument("--year", type=int, help="the year in which --regions are compared")
    p.add_argument("--min-count", type=int, default=3)
    table_options(p)
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("figures", help="build the standard figures")
    p.add_argument("--folder", default="figures")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser("render", help="execute the notebooks and render HTML into build/html/")
    p.add_argument("notebooks", nargs="*", help="notebooks to run (default: notebooks/NN_*.ipynb)")
    p.add_argument("--html", default="build/html")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser("errata", help="check every errata row with the forward model of the damage")
    p.add_argument("action", choices=["check"])
    p.add_argument("--report", action="append", help="limit to this report id (repeatable)")
    p.add_argument("--propose", type=_count, default=5,
                   help="corrections to propose for a row that fails (default 5; 0: none)")
    p.set_defaults(func=_cmd_errata)
    _counts_are_non_negative(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (1 with a clear message on bad input).

    Example:
        >>> main(["vocab", "formulas", "--rows", "1"])  # doctest: +SKIP
    """
    args = None
    try:
        args = build_parser().parse_args(argv)
        args.func(args)
    except KeyboardInterrupt:
        print("miyun-text: interrupted", file=sys.stderr)
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

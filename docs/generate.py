"""Write the documentation's generated files into ``docs/generated/``.

The pages quote no figure by hand: tables are included from here with pymdownx.snippets
(``--8<-- "cli.md"``), and single figures in the prose (``{{ raw_chars }}``) come from
``facts.json`` through ``hooks.py``. Everything written here is computed from the package
and the bundled data, so it is deterministic; ``tests/test_docs.py`` regenerates it and
fails when a committed file is stale. Benchmark tables (``bench_*.md``) are written by the
benchmark scripts and the provincial figures (``provinces.md``) by ``make evaluate``: they
depend on the machine or on reports not shipped, and are not regenerated here.

Run: ``make docs`` (or ``.venv/bin/python docs/generate.py``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from miyun_text.tables import docs_cell, docs_table

ROOT = Path(__file__).resolve().parents[1]
GENERATED = Path(__file__).resolve().parent / "generated"
# the files this script writes (the others in generated/ come from benchmarks and make evaluate)
FILES = ("cli.md", "codebook.md", "repair_steps.md", "evaluation.md", "gold.md", "facts.json")


def cli_reference() -> str:
    """Every subcommand of ``miyun-text`` with its description and options, from the parser itself."""
    from miyun_text.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    lines = ["Options every subcommand takes (before the subcommand's name):", "",
             *_options(parser, skip_help=True), ""]
    for name, command in sub.choices.items():
        summary, _, description = (command.description or "").partition("\n\n")
        usage = " ".join(command.format_usage().split())
        lines += [f"### miyun-text {name}", "", docs_cell(summary), "", f"`{usage.removeprefix('usage: ')}`", ""]
        if description.strip():
            lines += [docs_cell(description), ""]
        options = _options(command, skip_help=True)
        lines += [*options, ""] if len(options) > 2 else []
    return "\n".join(lines).rstrip() + "\n"


def _options(parser: argparse.ArgumentParser, *, skip_help: bool) -> list[str]:
    rows = ["| argument | default | meaning |", "|---|---|---|"]
    for action in parser._actions:
        if (skip_help and isinstance(action, argparse._HelpAction)) or isinstance(action, argparse._SubParsersAction):
            continue
        names = ", ".join(action.option_strings) or action.dest
        if action.choices and not isinstance(action.choices, dict):
            names += " {" + "\\|".join(str(c) for c in action.choices) + "}"
        elif action.nargs != 0 and action.option_strings:
            metavar = action.metavar or action.dest.upper()
            names += " " + (" ".join(metavar) if isinstance(metavar, tuple) else str(metavar))
            if action.nargs in ("+", "*"):
                names += " …"
        default = action.default
        shown = "" if default in (None, False, argparse.SUPPRESS) else (
            " ".join(map(str, default)) if isinstance(default, list) else str(default))
        if action.required:
            shown = "required"
        meaning = (action.help or "").replace("%(default)s", shown)
        code = " ".join(names.split()).replace("|", "\\|")
        rows.append(f"| `{code}` | {docs_cell(shown)} | {docs_cell(meaning)} |")
    return rows


def codebook_reference() -> str:
    """The export's codebook for CSV, its headings one level down to sit inside a page."""
    from miyun_text.export import codebook, tidy_tables

    text = codebook(tidy_tables(ROOT / "data"), "csv", rows=False)
    text = text.split("\n", 2)[2]  # the page has its own title
    return re.sub(r"^## ", "### ", text, flags=re.M)


def repair_steps(corpus) -> str:
    """Repairs per cleaning step on the bundled report, and the characters each step removed or changed."""
    from miyun_text.clean import repair_summary

    repairs = corpus.repairs
    summary = repair_summary(repairs[repairs["report_id"] == "miyun_2024"])
    pairs = zip(summary["chars_before"], summary["chars_after"], strict=True)
    summary["chars"] = [f"{int(a):,} → {int(b):,}" for a, b in pairs]
    return docs_table(summary, {"step": "step", "repairs": "repairs on miyun_2024",
                            "chars": "characters before → after"})


def evaluation_table() -> str:
    """Tuned segmentation and keywords against plain jieba on the bundled report."""
    from miyun_text.evaluate import evaluate

    summary = evaluate().summary()
    for column in ("tuned", "baseline"):
        summary[column] = [f"{v:.1f} %" for v in summary[column]]
    return docs_table(summary, {"measure": "measure", "tuned": "tuned", "baseline": "plain jieba"})


def gold_table() -> str:
    """Precision and recall of whole indicator rows on the two slices of the gold set."""
    import pandas as pd

    from miyun_text.evaluate import load_gold, score_indicators

    rows = []
    for split, name in (("dev", "development (used while tuning)"), ("heldout", "held-out")):
        cases = load_gold(split=split)
        score = score_indicators(cases)
        rows.append({"slice": name, "cases": len(cases), "rows": sum(len(c.get("rows") or []) for c in cases),
                     "precision": f"{score['precision']:.3f}", "recall": f"{score['recall']:.3f}"})
    return docs_table(pd.DataFrame(rows), {"slice": "slice", "cases": "cases", "rows": "rows",
                                       "precision": "precision", "recall": "recall"})


def facts(corpus) -> dict[str, str]:
    """Single figures the prose quotes, each computed here."""
    from miyun_text import open_corpus
    from miyun_text.dictionary import policy_terms
    from miyun_text.manifest import read_errata
    from miyun_text.themes import load_themes, theme_coverage

    raw = (ROOT / "data" / "raw" / "miyun_2024.txt").read_bytes().decode("utf-8-sig")
    report = corpus.select(report_ids=["miyun_2024"])
    body = report.body.paragraphs
    parts = body.drop_duplicates("part_no")
    sections = body.dropna(subset=["section_no"]).groupby("part_no")["section_no"].nunique()
    themes = load_themes()
    errata = read_errata()
    panel_body = open_corpus(ROOT / "tests" / "fixtures" / "panel").body.paragraphs
    panel = {r: theme_coverage(p) for r, p in panel_body.groupby("region") if r != "密云区"}
    return {
        "raw_chars": f"{len(raw):,}",
        "clean_chars": f"{len(report.reports['text'].iloc[0]):,}",
        "parts": str(len(parts)),
        "sections_part_1": str(int(sections.iloc[0])),
        "policy_terms": f"{len(policy_terms()):,}",
        "themes": str(themes["theme"].nunique()),
        "theme_terms": f"{len(themes):,}",
        "coverage_bundled": f"{100 * theme_coverage(body):.1f} %",
        "coverage_panel": ", ".join(f"{r} {100 * c:.1f} %" for r, c in sorted(panel.items())),
        "errata_rows": str(len(errata)),
        "errata_context_rows": str(int((errata["context"].fillna("") != "").sum())),
    }


def generate(out: Path = GENERATED) -> list[Path]:
    """Write every generated file into ``out``; returns the paths written."""
    from miyun_text import open_corpus
    from miyun_text.io import write_text_atomic

    corpus = open_corpus(ROOT / "data")
    texts = {
        "cli.md": cli_reference(),
        "codebook.md": codebook_reference(),
        "repair_steps.md": repair_steps(corpus),
        "evaluation.md": evaluation_table(),
        "gold.md": gold_table(),
        "facts.json": json.dumps(facts(corpus), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
    }
    out.mkdir(parents=True, exist_ok=True)
    return [write_text_atomic(out / name, text) for name, text in texts.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GENERATED, help="folder to write into (default: docs/generated)")
    args = parser.parse_args(argv)
    for path in generate(args.out):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

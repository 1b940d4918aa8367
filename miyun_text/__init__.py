"""miyun-text: Chinese government work reports as data.

The public functions are importable from the package root; submodules load on first
use, so ``import miyun_text`` stays fast (jieba, pandas and matplotlib load lazily).

Example:
    >>> import miyun_text
    >>> miyun_text.__version__
    '0.1.0'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "open_corpus": "corpus",
    "Corpus": "corpus",
    "Tokens": "tokens",
    "count": "counting",
    "load_corpus": "corpus",
    "load_reports": "corpus",
    "read_manifest": "corpus",
    "read_raw": "corpus",
    "clean_text": "clean",
    "repair_summary": "clean",
    "parse_report": "structure",
    "corpus_paragraphs": "structure",
    "split_sentences": "structure",
    "sentences": "structure",
    "Segmenter": "segment",
    "default_segmenter": "segment",
    "content_segmenter": "segment",
    "rhetoric_segmenter": "segment",
    "token_table": "tokens",
    "load_tables": "pipeline",
    "extract_keywords": "keywords",
    "kwic": "keywords",
    "collocations": "keywords",
    "theme_frequencies": "themes",
    "load_themes": "themes",
    "uncovered_terms": "themes",
    "theme_coverage": "themes",
    "quoted_terms": "vocabulary",
    "formulas": "vocabulary",
    "extract_indicators": "indicators",
    "indicator_table": "indicators",
    "annual_figures": "indicators",
    "period_figures": "indicators",
    "figure_table": "indicators",
    "normalise_indicator": "indicators",
    "parse_quantity": "quantities",
    "find_quantities": "quantities",
    "compare": "rhetoric",
    "review_vs_plan": "rhetoric",
    "compare_years": "rhetoric",
    "compare_regions": "rhetoric",
    "reports_with_review_and_plan": "rhetoric",
    "report_label": "grouping",
    "target_attainment": "attainment",
    "attainment_status": "attainment",
    "theme_coverage_by": "themes",
    "marker_rates": "rhetoric",
    "year_table": "rhetoric",
    "new_and_gone": "rhetoric",
    "trajectories": "rhetoric",
    "mine_candidates": "dictionary",
    "show_table": "tables",
    "MiyunTextError": "errors",
    "text_reuse": "reuse",
    "reuse_shares": "reuse",
    "reuse_pairs": "reuse",
    "reuse_texts": "reuse",
    "most_reused": "reuse",
    "formula_timeline": "timeline",
    "compare_themes": "themes",
    "document_term_matrix": "dtm",
    "formula_spread": "timeline",
    "formula_findings": "timeline",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


# The public names load their module on first use (PEP 562): `import miyun_text` must stay
# within 0.1 s (benchmarks/bench_scale.py), and the modules bring pandas, pyarrow and numpy.
def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'miyun_text' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

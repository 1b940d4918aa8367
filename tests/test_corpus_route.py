"""Every measure gives the same result from a Corpus (its cached token table) as from its paragraph table."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import FIXTURES
from pandas.testing import assert_frame_equal

import miyun_text as mt
from miyun_text import panel

# name -> the measure, called the same way on a Corpus and on its paragraph table
MEASURES = {
    "count by report": lambda d: mt.count(d, by="report"),
    "count by region and year, rhetoric tokens": lambda d: mt.count(d, by=["region", "year"],
                                                                    segmenter=mt.rhetoric_segmenter()),
    "themes by report": lambda d: mt.theme_frequencies(d, by="report"),
    "themes by section": lambda d: mt.theme_frequencies(d, by="section"),
    "themes by part kind": lambda d: mt.theme_frequencies(d, by="part_kind"),
    "themes by region and year": lambda d: mt.theme_frequencies(d, by=["region", "year"]),
    "theme coverage": lambda d: pd.DataFrame({"coverage": [mt.theme_coverage(d)]}),
    "theme coverage by report": lambda d: mt.theme_coverage_by(d),
    "uncovered terms": lambda d: mt.uncovered_terms(d, top_k=30),
    "keywords tf-idf by report": lambda d: mt.extract_keywords(d, by="report", top_k=8),
    "keywords tf-idf, jieba IDF, by section": lambda d: mt.extract_keywords(d, by="section_title", top_k=3,
                                                                            idf="jieba", min_count=2),
    "keywords textrank by region": lambda d: mt.extract_keywords(d, by="region", method="textrank", top_k=6),
    "kwic whole tokens": lambda d: mt.kwic(d, "发展", whole_token=True),
    "kwic characters": lambda d: mt.kwic(d, "生态", window=6),
    "collocations": lambda d: mt.collocations(d, top_k=None),
    "markers by year": lambda d: mt.marker_rates(d, by="year"),
    "markers by report and part kind": lambda d: mt.marker_rates(d, by=["report", "part_kind"]),
    "year table of terms": lambda d: mt.year_table(d, "term", by="region", top_k=15),
    "year table of themes": lambda d: mt.year_table(d, "theme", region="密云区"),
    "year table of markers": lambda d: mt.year_table(d, "marker", by="region"),
    "trajectories": lambda d: mt.trajectories(d, ["发展", "科学城"], by="region"),
    "new and gone": lambda d: mt.new_and_gone(d, by="region", min_count=1),
    "new and gone by region and level": lambda d: mt.new_and_gone(d, by=["region", "level"]),
    "review vs plan": lambda d: mt.review_vs_plan(d, report_id="miyun_2023", min_count=1),
    "review vs plan, G²": lambda d: mt.review_vs_plan(d, report_id="huairou_2023", method="g2"),
    "compare years": lambda d: mt.compare_years(d, 2022, 2023, region="怀柔区", min_count=1),
    "compare regions": lambda d: mt.compare_regions(d, "密云区", "平谷区", year=2023, min_count=1),
    "compare regions, the one shared year": lambda d: mt.compare_regions(d, "怀柔区", "延庆区"),
    "quoted terms": lambda d: mt.quoted_terms(d),
    "formulas": lambda d: mt.formulas(d),
    "indicators": lambda d: mt.extract_indicators(d),
    "target attainment": lambda d: mt.target_attainment(d),
    "panel overview": lambda d: panel.panel_overview(d),
    "theme findings": lambda d: pd.DataFrame({"text": [panel.theme_findings(d)]}),
    "rhetoric findings": lambda d: pd.DataFrame({"text": [panel.rhetoric_findings(d, min_count=1)]}),
    "text reuse": lambda d: mt.text_reuse(d),
    "reuse shares, consecutive years": lambda d: mt.reuse_shares(d, pairs="consecutive"),
    "formula timeline": lambda d: mt.formula_timeline(d, top_k=None, min_count=1),
    "formula timeline by report": lambda d: mt.formula_timeline(d, by="report", min_count=1),
}


@pytest.fixture(scope="module")
def body():
    """Six reports of four regions (two of them over two years), their parts without the preamble."""
    return mt.open_corpus(FIXTURES / "panel", workers=1).body


@pytest.mark.parametrize("name", MEASURES)
def test_a_measure_of_a_corpus_equals_the_measure_of_its_paragraphs(body, name):
    measure = MEASURES[name]
    expected = measure(body.paragraphs)
    assert len(expected), f"{name}: the fixture gives no rows; the comparison would prove nothing"
    assert_frame_equal(measure(body), expected)


def test_a_narrowed_corpus_equals_the_narrowed_paragraphs(body):
    miyun = body.select(region="密云区")
    rows = body.paragraphs[body.paragraphs["region"] == "密云区"]
    assert set(miyun.reports["report_id"]) == {"miyun_2022", "miyun_2023"}
    assert_frame_equal(mt.theme_frequencies(miyun, by="year"), mt.theme_frequencies(rows, by="year"))
    assert_frame_equal(mt.compare_years(miyun, 2022, 2023), mt.compare_years(rows, 2022, 2023))
    assert miyun.tokens.frame["report_id"].unique().tolist() == ["miyun_2022", "miyun_2023"]


def test_measures_of_a_corpus_read_its_token_table_rather_than_cut_again(body, monkeypatch):
    from miyun_text import tokens

    body.tokens  # noqa: B018  (cut, or read from the cache, before the check)

    def fail(*args, **kwargs):
        raise AssertionError("cut again although the corpus holds its tokens")

    monkeypatch.setattr(tokens, "_segment_view", fail)
    for name in ("themes by section", "keywords tf-idf by report", "kwic whole tokens", "collocations",
                 "markers by year", "compare years", "new and gone"):
        MEASURES[name](body)


def test_the_counting_kernel_counts_alike_with_a_dense_array_and_with_hashing(body, monkeypatch):
    from miyun_text import counting

    dense = {name: MEASURES[name](body) for name in ("count by report", "keywords tf-idf by report",
                                                     "themes by section")}
    monkeypatch.setattr(counting, "_DENSE_CELLS", -(10**12))  # every count hashed, as for a large vocabulary
    for name, expected in dense.items():
        assert_frame_equal(MEASURES[name](body.select(report_ids=list(body.reports["report_id"]))), expected)

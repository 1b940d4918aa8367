"""The 31 real provincial reports of 2026, where they are beside the project (never shipped with it)."""

from __future__ import annotations

import warnings

import pytest

from miyun_text.evaluate import province_summary, provinces_folder, read_provinces

FOLDER = provinces_folder()
pytestmark = pytest.mark.skipif(
    FOLDER is None,
    reason="the 31 provincial reports of 2026 are not in ../shared/corpus/provinces_2026 beside the project "
           "(set MIYUN_TEXT_PROVINCES to their folder to run these tests)")


@pytest.fixture(scope="module")
def provinces():
    from miyun_text.structure import StructureWarning, corpus_paragraphs

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        return corpus_paragraphs(read_provinces(FOLDER))


def test_outlook_parts_and_gdp_targets(provinces):
    summary = province_summary(provinces)
    assert len(summary) == 31
    assert summary["outlook_found"].all(), summary.loc[~summary["outlook_found"], "label"].tolist()
    assert summary["gdp_right"].mean() >= 0.9, summary.loc[~summary["gdp_right"], ["label", "gdp_target", "gdp_key"]]
    # every part of every report has a kind its title or first paragraph gives
    assert not summary["parts"].str.contains("unknown").any()


def test_theme_coverage_is_within_five_points_of_the_bundled_report(provinces, body):
    from miyun_text.themes import theme_coverage, theme_coverage_by

    bundled = theme_coverage(body)
    coverage = theme_coverage_by(provinces)["coverage"]
    assert abs(coverage.mean() - bundled) <= 0.05 and (abs(coverage - bundled) <= 0.05).all()


def test_headline_targets_of_the_target_paragraphs_are_canonical(provinces):
    from miyun_text.indicators import extract_indicators

    ind = extract_indicators(provinces)
    stated = ind[(ind["kind"] == "target") & (ind["basis"] == "annual")
                 & ind["sentence"].str.contains("主要预期目标|预期目标是|主要目标是")]
    assert len(stated) >= 180
    assert stated["canonical"].all(), stated.loc[~stated["canonical"], "indicator"].tolist()

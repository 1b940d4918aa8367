"""Theme lexicon and theme frequencies, on the bundled report and on reports of other districts."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import FIXTURES

from miyun_text.errors import ResourceError
from miyun_text.paths import resource_path
from miyun_text.segment import default_segmenter
from miyun_text.themes import (
    load_themes,
    theme_coverage,
    theme_coverage_by,
    theme_frequencies,
    theme_of,
    uncovered_terms,
)

OTHER_DISTRICTS = ["huairou_2023", "pinggu_2023", "yanqing_2023"]


@pytest.fixture(scope="module")
def panel():
    from miyun_text.corpus import load_corpus
    from miyun_text.structure import corpus_paragraphs

    paragraphs = corpus_paragraphs(load_corpus(FIXTURES / "panel"))
    return paragraphs[paragraphs["part_no"] > 0]


def test_lexicon_shape():
    lex = load_themes()
    assert 8 <= lex["theme"].nunique() <= 14
    per_theme = lex.drop_duplicates("theme")
    assert per_theme["definition"].str.len().min() > 60
    assert per_theme["theme_name"].is_unique
    assert {"economy", "innovation", "rural", "ecology", "urban", "livelihood", "safety", "culture_tourism",
            "reform_opening", "regional", "government"} == set(lex["theme"])


def test_no_place_names_or_local_brands_as_evidence():
    terms = set(load_themes()["term"])
    places = {"密云水库", "密云", "北京市", "首都", "北京", "承德", "河北", "朝阳", "海淀", "潮白河", "古北水镇",
              "怀柔科学城", "科学城东区", "数智密云", "密云种芯", "平安密云", "诵读密云", "滦平县", "两市三区"}
    assert not terms & places
    assert not [t for t in terms if any(name in t for name in ("密云", "怀柔", "平谷", "延庆"))]
    # a local word for a general policy area stays where its area is
    assert theme_of("保水") == ["ecology"]
    assert theme_of("帮扶") == []  # 帮扶 is relief as often as it is paired assistance


def test_every_theme_term_is_one_segmenter_token():
    seg = default_segmenter()
    split = [t for t in load_themes()["term"].unique() if len(seg.cut(t)) != 1]
    assert split == []


def test_terms_belong_to_one_theme_unless_shared():
    lex = load_themes()
    multi = lex.groupby("term")["theme"].nunique()
    shared = yaml.safe_load(resource_path("themes.yaml").read_text(encoding="utf-8"))["shared"]
    assert set(multi[multi > 1].index) == set(shared)
    assert theme_of("生命健康产业") == ["economy", "innovation"]


def test_duplicate_term_without_shared_is_an_error(tmp_path):
    path = tmp_path / "t.yaml"
    lexicon = "themes:\n  a: {label: A, definition: d, terms: [保水]}\n  b: {label: B, definition: d, terms: [保水]}\n"
    path.write_text(lexicon, encoding="utf-8")
    with pytest.raises(ResourceError, match="'保水' is in themes 'a' and 'b'"):
        load_themes(path)


def test_frequencies_by_hand():
    paras = pd.DataFrame({"report_id": ["r", "r"], "part_no": [1, 3],
                          "text": ["守护水源，保水护水。", "发展乡村旅游，守护水源。"]})
    tf = theme_frequencies(paras, by=["report_id", "part_no"])
    water = tf[(tf["theme"] == "ecology")].set_index("part_no")
    # part 1 tokens: 守护 水源 保水护水 -> 1 ecology hit (保水护水 is one token no theme holds) of 3
    assert water.loc[1, "count"] == 1 and water.loc[1, "n_tokens"] == 3
    assert water.loc[1, "per_10k"] == pytest.approx(1 / 3 * 10_000)
    assert water.loc[1, "share"] == 1.0
    # part 3 tokens: 乡村 旅游 守护 水源 -> ecology 1, rural 1, culture 1
    part3 = tf[tf["part_no"] == 3].set_index("theme")
    assert part3.loc["ecology", "share"] == pytest.approx(1 / 3)
    assert part3["count"].sum() == 3
    assert len(tf) == 2 * load_themes()["theme"].nunique()


def test_bundled_report_puts_ecology_first_in_the_water_section_and_rural_in_the_rural_one(body):
    tf = theme_frequencies(body, by="section")
    first = tf[(tf["part_no"] == 1) & (tf["section_no"] == 1)]
    assert first.sort_values("per_10k").iloc[-1]["theme"] == "ecology"
    rural = tf[(tf["part_no"] == 3) & (tf["section_no"] == 3)]
    assert rural.sort_values("per_10k").iloc[-1]["theme"] == "rural"


def test_coverage_and_uncovered_terms(body):
    coverage = theme_coverage(body)
    assert coverage == pytest.approx(0.263, abs=0.001)
    uncovered = uncovered_terms(body)
    assert len(uncovered) == 10
    assert not set(uncovered["term"]) & set(load_themes()["term"])
    assert uncovered["term"].iloc[0] == "密云"  # a place name: no theme's evidence


def test_coverage_on_other_districts_is_within_five_points_of_the_bundled_report(body, panel):
    bundled = theme_coverage(body)
    per_report = theme_coverage_by(panel).set_index("report_id")
    for rid in OTHER_DISTRICTS:
        assert abs(per_report.loc[rid, "coverage"] - bundled) <= 0.05, (rid, per_report.loc[rid, "coverage"], bundled)
    assert per_report.loc["pinggu_2023", "label"] == "平谷区 2023"


def test_every_theme_appears_in_every_other_district_report(panel):
    tf = theme_frequencies(panel[panel["report_id"].isin(OTHER_DISTRICTS)], by="report")
    absent = tf[tf["count"] == 0][["report_id", "theme"]].values.tolist()
    assert absent == []


def test_theme_frequencies_by_region_and_year(panel):
    tf = theme_frequencies(panel, by=["region", "year"])
    assert {"region", "year"} <= set(tf.columns)
    keys = tf[["region", "year"]].drop_duplicates()
    assert len(keys) == 6
    assert tf.groupby(["region", "year"])["share"].sum().round(6).eq(1.0).all()
    one = tf[(tf["region"] == "怀柔区") & (tf["year"] == 2023)].set_index("theme")
    assert one["per_10k"].idxmax() in {"innovation", "economy"}


def test_unknown_grouping():
    with pytest.raises(ValueError, match="cannot group by 'decade'"):
        theme_frequencies(pd.DataFrame({"text": ["保水"]}), by="decade")


def test_bootstrap_intervals_from_resampling_paragraphs():
    import pandas as pd

    from miyun_text.errors import ArgumentError
    from miyun_text.themes import theme_coverage, theme_coverage_by, theme_frequencies

    # one group of two paragraphs: 守护 水源 保护 水源 (ecology 3 hits of 4 tokens) and 乡村 旅游 (rural and
    # culture-tourism, 2 hits of 2 tokens). A resample is both first (share 1, rate 7500), one of each
    # (3/5, 5000) or both second (0, 0), with chances 1/4, 1/2, 1/4: the 2.5 % and 97.5 % quantiles of
    # 1,000 replicates are the two extremes.
    two = pd.DataFrame({"report_id": ["r", "r"], "text": ["守护水源，保护水源。", "发展乡村旅游。"]})
    row = theme_frequencies(two, by="report", ci=0.95).set_index("theme").loc["ecology"]
    assert (row["share"], row["share_low"], row["share_high"]) == (0.6, 0.0, 1.0)
    assert (row["per_10k"], row["per_10k_low"], row["per_10k_high"]) == (5000.0, 0.0, 7500.0)
    # a group of one paragraph has nothing to resample: its interval is its value
    one = theme_frequencies(two, by=["report_id", "text"], ci=0.95)
    assert (one["share_low"] == one["share"]).all() and (one["share_high"] == one["share"]).all()
    # seeded: the same call gives the same intervals; without ci the columns are the usual ones
    panel = pd.DataFrame({"report_id": ["r"] * 6, "text": ["守护水源。", "发展旅游。", "城市更新。", "乡村振兴。",
                                                           "保护水源，发展旅游。", "城市更新，乡村旅游。"]})
    first = theme_frequencies(panel, by="report", ci=0.9, n_boot=300, seed=7)
    assert first.equals(theme_frequencies(panel, by="report", ci=0.9, n_boot=300, seed=7))
    assert first.attrs["ci"] == 0.9 and "share_low" not in theme_frequencies(panel, by="report").columns
    assert (first["share_low"] <= first["share"]).all() and (first["share"] <= first["share_high"]).all()
    # coverage: 守护 水源 (1 of 2 covered) and 城市更新 (1 of 1): resamples give 1/2, 2/3 or 1
    cover = theme_coverage(pd.DataFrame({"text": ["守护水源。", "城市更新。"]}), ci=0.95)
    assert (round(cover.coverage, 4), cover.low, cover.high) == (0.6667, 0.5, 1.0)
    by = theme_coverage_by(panel, ci=0.95, n_boot=200)
    assert {"coverage_low", "coverage_high"} <= set(by.columns)
    with pytest.raises(ArgumentError, match=r"ci=1\.5"):
        theme_frequencies(panel, ci=1.5)
    with pytest.raises(ArgumentError, match="n_boot=0"):
        theme_coverage(panel, ci=0.95, n_boot=0)


def test_a_difference_between_two_groups_and_whether_it_excludes_zero():
    import pandas as pd

    from miyun_text.errors import ArgumentError
    from miyun_text.themes import COMPARE_THEME_COLUMNS, compare_themes

    # every paragraph of 甲区 is about water (ecology share 1), every one of 乙区 about tourism (0):
    # each resample keeps that, so the difference is 1 with the interval [1, 1]
    paras = pd.DataFrame({"region": ["甲区"] * 3 + ["乙区"] * 3 + ["丙区"] * 3,
                          "text": ["守护水源。"] * 3 + ["发展旅游。"] * 3 + ["守护水源。", "发展旅游。", "守护水源。"]})
    result = compare_themes(paras, "甲区", "乙区")
    assert list(result.columns) == COMPARE_THEME_COLUMNS
    ecology = result.set_index("theme").loc["ecology"]
    assert (ecology["value_a"], ecology["value_b"], ecology["difference"]) == (1.0, 0.0, 1.0)
    assert (ecology["low"], ecology["high"], ecology["excludes_zero"]) == (1.0, 1.0, True)
    # 丙区 mixes both: two of three paragraphs on water, and resampling can draw three of them
    mixed = compare_themes(paras, "甲区", "丙区").set_index("theme").loc["ecology"]
    assert mixed["difference"] == pytest.approx(1 / 3) and mixed["low"] == 0.0 and not mixed["excludes_zero"]
    with pytest.raises(ArgumentError, match="a='丁区' is no group of by='region'; groups: 甲区, 乙区, 丙区"):
        compare_themes(paras, "丁区", "乙区")

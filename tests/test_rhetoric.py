"""Rhetoric: hand-computed log-odds and G², their properties, markers and the multi-year path."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from miyun_text.errors import PanelError
from miyun_text.rhetoric import (
    compare,
    compare_years,
    load_markers,
    marker_rates,
    new_and_gone,
    review_vs_plan,
    trajectories,
    year_table,
)
from miyun_text.segment import default_segmenter

A = {"确保": 10, "实现": 2, "生态": 8}
B = {"确保": 2, "实现": 10, "生态": 8}


def test_log_odds_by_hand():
    # prior: pooled counts × 0.1; alpha0 = 0.1 × 40 = 4
    n_a = n_b = 20
    alpha = {w: 0.1 * (A[w] + B[w]) for w in A}
    alpha0 = sum(alpha.values())
    out = compare(A, B, method="log_odds").set_index("term")
    for w in A:
        ya, yb, al = A[w], B[w], alpha[w]
        delta = math.log((ya + al) / (n_a + alpha0 - ya - al)) - math.log((yb + al) / (n_b + alpha0 - yb - al))
        var = 1 / (ya + al) + 1 / (yb + al)
        assert out.loc[w, "effect"] == pytest.approx(delta)
        assert out.loc[w, "variance"] == pytest.approx(var)
        assert out.loc[w, "score"] == pytest.approx(delta / math.sqrt(var))
    assert out.index.tolist() == ["确保", "生态", "实现"]


def test_g2_by_hand():
    out = compare(A, B, method="g2").set_index("term")
    ya, yb = 10, 2
    e = 20 * 12 / 40
    g2 = 2 * (ya * math.log(ya / e) + yb * math.log(yb / e))
    assert out.loc["确保", "score"] == pytest.approx(g2)
    assert out.loc["实现", "score"] == pytest.approx(-g2)
    assert out.loc["确保", "effect"] == pytest.approx(math.log2((10.5 / 20) / (2.5 / 20)))
    assert out.loc["确保", "p_value"] == pytest.approx(math.erfc(math.sqrt(g2 / 2)))
    assert out.loc["生态", "score"] == 0.0
    assert out.loc["确保", "per_10k_a"] == pytest.approx(5000.0)


counts = st.dictionaries(st.sampled_from(list("甲乙丙丁戊己庚辛")), st.integers(1, 50), min_size=2, max_size=8)


@settings(max_examples=60, deadline=None)
@given(counts, counts, st.sampled_from(["log_odds", "g2"]))
def test_swapping_sides_negates_scores(a, b, method):
    ab = compare(a, b, method=method, min_count=1).set_index("term")["score"]
    ba = compare(b, a, method=method, min_count=1).set_index("term")["score"]
    assert ab.sort_index().to_numpy() == pytest.approx(-ba.sort_index().to_numpy(), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(counts, st.sampled_from(["log_odds", "g2"]))
def test_identical_inputs_score_zero(a, method):
    assert compare(a, a, method=method)["score"].abs().max() == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(counts, counts)
def test_a_shared_term_keeps_the_others_direction(a, b):
    """A term both sides use at the same rate leaves every other term's direction alone."""
    before = compare(a, b, method="g2", min_count=1).set_index("term")["score"]
    a2, b2 = Counter(a), Counter(b)
    a2["共享"] += 3 * sum(a.values())
    b2["共享"] += 3 * sum(b.values())
    after = compare(a2, b2, method="g2", min_count=1).set_index("term")["score"].drop("共享")
    for term, score in before.items():
        if abs(score) > 1e-9:
            assert math.copysign(1, score) == math.copysign(1, after[term])


def test_token_sequences_and_min_count():
    out = compare(["保水"] * 3 + ["发展"], ["发展"] * 3 + ["乡村"], min_count=2)
    assert set(out["term"]) == {"保水", "发展"}


def test_empty_group_is_an_error():
    with pytest.raises(ValueError, match="empty group"):
        compare([], ["保水"])
    with pytest.raises(ValueError, match="method"):
        compare(["a"], ["b"], method="tfidf")


def test_markers_have_definitions_and_are_tokens():
    markers = load_markers()
    assert markers.columns.tolist() == ["marker", "marker_name", "definition", "term"]
    assert set(markers["marker"]) == {"intensifier", "commitment", "achievement", "hedge"}
    assert markers.drop_duplicates("marker")["definition"].str.len().min() > 20
    seg = default_segmenter()
    assert [w for w in markers["term"].unique() if len(seg.cut(w)) != 1] == []


def test_review_speaks_of_achievement_and_plan_of_commitment(body):
    rates = marker_rates(body, by="part_kind").pivot_table(index="marker", columns="part_kind",
                                                           values="per_10k")
    assert rates.loc["achievement", "review"] > 3 * rates.loc["achievement", "plan"]
    assert rates.loc["commitment", "plan"] > 1.5 * rates.loc["commitment", "review"]


def test_review_vs_plan_reads_as_policy_language(body):
    result = review_vs_plan(body, min_count=3)
    assert result["comparison"].iloc[0] == "密云区 2024: review 2023 vs plan 2024 (within one report)"
    top = result.head(15)["term"].tolist()
    bottom = result.tail(15)["term"].tolist()
    assert {"建成", "完成", "取得"} <= set(top)
    assert {"推进", "加快", "建设"} <= set(bottom)
    for term in top + bottom:
        assert len(term) >= 2 and not any(c.isdigit() for c in term)


def test_multi_year_path_on_the_fixture_corpus(fixture_corpus):
    from miyun_text.structure import corpus_paragraphs

    paras = corpus_paragraphs(fixture_corpus)
    body = paras[paras["part_no"] > 0]
    themes = year_table(body, "theme")
    assert sorted(themes["year"].unique()) == [2021, 2022, 2023]
    markers = year_table(body, "marker")
    assert set(markers["marker"]) == {"intensifier", "commitment", "achievement", "hedge"}
    assert themes.columns.tolist() == ["region", "year", "theme", "theme_name", "count", "n_tokens", "per_10k"]
    terms = year_table(body, items=["疫情", "乡村振兴"])
    assert terms[terms["term"] == "疫情"]["count"].tolist() == [4, 0, 0]
    assert terms[terms["term"] == "乡村振兴"]["count"].tolist() == [1, 2, 3]
    assert year_table(body)["term"].nunique() == 10  # top_k: ten terms by default
    changes = new_and_gone(body, min_count=2)
    gone = changes[(changes["status"] == "gone") & (changes["year_to"] == 2022)]["term"].tolist()
    assert gone == ["疫情", "防控", "常态"]
    changes = new_and_gone(body, min_count=1)
    new = changes[(changes["status"] == "new") & (changes["year_to"] == 2022)]["term"].tolist()
    assert {"精品民宿", "冬奥"} <= set(new)
    traj = trajectories(body, ["密云水库"])
    assert traj["year"].tolist() == [2021, 2022, 2023] and (traj["count"] > 0).all()
    years = compare_years(body, 2021, 2023, min_count=2)
    assert years["comparison"].iloc[0] == "密云区 2021 vs 密云区 2023"
    assert years["term"].iloc[0] == "疫情"
    within = review_vs_plan(body, report_id="fixture_2022", min_count=1)
    assert within["comparison"].iloc[0].startswith("密云区 2022: review 2021 vs plan 2022")


def test_unknown_year_and_ambiguous_report(fixture_corpus):
    from miyun_text.structure import corpus_paragraphs

    paras = corpus_paragraphs(fixture_corpus)
    with pytest.raises(ValueError, match=r"no report for year 1999; years in the corpus: \[2021, 2022, 2023\]"):
        compare_years(paras, 1999, 2023)
    with pytest.raises(ValueError, match="within one report"):
        review_vs_plan(paras)
    with pytest.raises(ValueError, match="'year' column"):
        year_table(pd.DataFrame({"text": ["保水"]}))


@pytest.fixture(scope="module")
def panel():
    from conftest import FIXTURES

    from miyun_text.corpus import load_corpus
    from miyun_text.structure import corpus_paragraphs

    paragraphs = corpus_paragraphs(load_corpus(FIXTURES / "panel"))
    return paragraphs[paragraphs["part_no"] > 0]


def test_year_over_year_refuses_to_pool_regions(panel):
    from miyun_text.errors import AmbiguousRegionError, MiyunTextError

    for call in (lambda: year_table(panel, "theme"), lambda: new_and_gone(panel),
                 lambda: trajectories(panel, ["科技"]), lambda: compare_years(panel, 2022, 2023)):
        regions = r"4 regions \['密云区', '平谷区', '延庆区', '怀柔区'\].*region="
        with pytest.raises(AmbiguousRegionError, match=regions) as err:
            call()
        assert isinstance(err.value, MiyunTextError)
        assert "year(s) [2022, 2023] hold several" in str(err.value)


def test_year_over_year_within_one_region(panel):
    table = year_table(panel, "marker", region="怀柔区")
    assert set(table["region"]) == {"怀柔区"} and sorted(table["year"].unique()) == [2022, 2023]
    result = compare_years(panel, 2022, 2023, region="密云区", min_count=1)
    assert result["comparison"].iloc[0] == "密云区 2022 vs 密云区 2023"
    # 疫情 is in the 2022 report only; 科学城东区 in 2023 only
    assert result.set_index("term").loc["科学城东区", "count_a"] == 0
    changes = new_and_gone(panel, region="密云区", min_count=2)
    assert set(changes["region"]) == {"密云区"}
    assert set(changes["year_to"]) == {2023}
    traj = trajectories(panel, ["大科学装置"], region="怀柔区")
    assert traj["count"].tolist() == [1, 2] and traj["year"].tolist() == [2022, 2023]
    with pytest.raises(ValueError, match=r"no report of region '海淀区'; regions in the corpus"):
        year_table(panel, region="海淀区")


def test_by_groups_within_regions_and_never_by_year(panel):
    from miyun_text.errors import AmbiguousRegionError, GroupingError

    table = year_table(panel, "marker", by=["region", "level"])
    assert table.columns.tolist()[:3] == ["region", "level", "year"]
    assert_frame_equal(table.drop(columns="level"), year_table(panel, "marker", by="region"))
    with pytest.raises(AmbiguousRegionError):
        year_table(panel, "marker", by="level")  # levels pool regions under a year
    with pytest.raises(GroupingError, match="holds the year"):
        new_and_gone(panel, by=["region", "year"])


def test_by_region_computes_each_region_in_turn(panel):
    table = year_table(panel, "theme", by="region")
    assert sorted(table["region"].unique()) == ["密云区", "平谷区", "延庆区", "怀柔区"]
    years = table.groupby("region")["year"].unique().map(sorted).to_dict()
    assert years["密云区"] == [2022, 2023] and years["平谷区"] == [2023]
    changes = new_and_gone(panel, by="region", min_count=2)
    assert set(changes["region"]) == {"密云区", "怀柔区"}  # only these have two years
    assert not (changes["region"] == "平谷区").any()


def test_compare_regions_within_a_year(panel):
    from miyun_text.rhetoric import compare_regions

    result = compare_regions(panel, "怀柔区", "平谷区", year=2023)
    # the two regions share one report year: it need not be named
    assert_frame_equal(compare_regions(panel, "怀柔区", "平谷区"), result)
    assert result["comparison"].iloc[0] == "怀柔区 2023 vs 平谷区 2023"
    top = result.head(5)["term"].tolist()
    bottom = result.tail(5)["term"].tolist()
    assert "怀柔" in top and "政务服务" in top
    assert result["term"].iloc[-1] == "平谷" and "农业" in bottom
    with pytest.raises(ValueError, match=r"region '怀柔区' for year 2021; regions with a 2021 report: \[\]"):
        compare_regions(panel, "怀柔区", "平谷区", year=2021)
    with pytest.raises(PanelError, match=r"share the report years \[2022, 2023\]; .* year="):
        compare_regions(panel, "怀柔区", "密云区")


def test_labels_not_ids_in_comparisons(panel):
    from miyun_text.rhetoric import reports_with_review_and_plan

    assert reports_with_review_and_plan(panel) == ["huairou_2022", "miyun_2022", "huairou_2023", "miyun_2023",
                                                   "pinggu_2023", "yanqing_2023"]
    within = review_vs_plan(panel, report_id="yanqing_2023", min_count=1)
    assert within["comparison"].iloc[0] == "延庆区 2023: review 2022 vs plan 2023 (within one report)"


def test_new_and_gone_leaves_out_list_ordinals():
    from miyun_text.rhetoric import new_and_gone

    paras = pd.DataFrame({"region": ["甲县"] * 2 + ["乙区"] * 2, "year": [2023, 2024, 2022, 2023],
                          "text": ["一是保水，二是护山，三是兴城。一是保水，二是护山，三是兴城。",
                                   "平急两用，平急两用。", "其一，冰雪运动；其二，冰雪运动。第三，生态涵养。",
                                   "第三，生态涵养。"]})
    out = new_and_gone(paras, by="region")
    assert not out["term"].str.fullmatch(r"[一二三]是|其[一二]|第三").any()
    assert {"保水", "护山", "兴城", "平急两用"} <= set(out.loc[out["region"] == "甲县", "term"])
    assert {"冰雪", "运动"} <= set(out.loc[out["region"] == "乙区", "term"])

"""Target attainment: a plan's targets for its year against the next report's results, coded as research codes them."""

from __future__ import annotations

import pandas as pd
import pytest

from miyun_text.attainment import ATTAINMENT_COLUMNS, attainment_status, target_attainment


@pytest.fixture(scope="module")
def panel_paragraphs():
    from conftest import FIXTURES

    from miyun_text.corpus import load_corpus
    from miyun_text.structure import corpus_paragraphs

    return corpus_paragraphs(load_corpus(FIXTURES / "panel"))


@pytest.mark.parametrize("actual, target, kw, status", [
    (5.3, 5.0, {"qualifier": "左右"}, "met"),          # within the band of an approximate target
    (6.1, 5.0, {"qualifier": "左右"}, "exceeded"),     # above it: exceeded, never a shortfall
    (4.4, 5.0, {"qualifier": "左右"}, "missed"),
    (5.0, 5.0, {"qualifier": "以上"}, "met"),          # a floor reached
    (5.1, 5.0, {"qualifier": "以上"}, "exceeded"),
    (4.9, 5.0, {"qualifier": None}, "missed"),         # a bare target is a floor
    (5.6, 5.0, {"qualifier": "range", "high": 5.5}, "exceeded"),
    (5.2, 5.0, {"qualifier": "range", "high": 5.5}, "met"),
    (0.2, 2.0, {"qualifier": "左右", "better": "lower"}, "met"),   # CPI 2%左右: met at or below
    (2.4, 2.0, {"qualifier": "左右", "better": "lower"}, "met"),   # within its band
    (2.6, 2.0, {"qualifier": "左右", "better": "lower"}, "missed"),
    (5.6, 5.5, {"qualifier": "以内", "better": "lower"}, "missed"),
    (-3.1, -2.5, {"qualifier": None, "better": "lower"}, "met"),   # energy intensity 下降2.5%, fell 3.1%
    (-2.0, -2.5, {"qualifier": None, "better": "lower"}, "missed"),
])
def test_the_coding_rule(actual, target, kw, status):
    assert attainment_status(actual, target, **kw) == status


def test_the_panel(panel_paragraphs):
    t = target_attainment(panel_paragraphs)
    assert list(t.columns) == ATTAINMENT_COLUMNS
    got = {(r.region, r.indicator, r.measure): (r.target_text, r.actual_text, r.status)
           for r in t.itertuples(index=False)}
    assert got[("密云区", "地区生产总值", "growth")] == ("增长5%左右", "增长5.3%", "met")
    assert got[("密云区", "一般公共预算收入", "growth")] == ("增长3%", "增长2.1%", "missed")
    assert got[("密云区", "城镇调查失业率", "level")] == ("控制在5%以内", "3.9%", "met")
    assert got[("密云区", "居民人均可支配收入", "growth")] == ("与经济增长同步", "增长5.6%", "met")  # against GDP's 5.3
    assert got[("密云区", "固定资产投资", "growth")][2] == "no result stated"
    assert got[("密云区", "社会消费品零售总额", "growth")][2] == "no target stated"
    assert got[("怀柔区", "地区生产总值", "growth")] == ("增长6%左右", "增长4.8%", "missed")
    assert got[("怀柔区", "区级一般公共预算收入", "growth")] == ("增长5%", "增长8.8%", "exceeded")
    assert got[("怀柔区", "单位地区生产总值能耗", "growth")] == ("下降2.5%", "下降3.1%", "met")  # a ceiling
    gdp = t[(t["region"] == "怀柔区") & (t["indicator"] == "地区生产总值")].iloc[0]
    assert gdp["gap"] == pytest.approx(-1.2) and gdp["better"] == "higher" and gdp["evidence"] == "number"
    assert (gdp["target_report"], gdp["actual_report"]) == ("huairou_2022", "huairou_2023")
    assert "按不变价计算增长4.8%" in gdp["actual_sentence"]
    # only headline indicators are "not targeted", each once, in the measure its targets use
    untargeted = t[t["status"] == "no target stated"]
    assert untargeted["headline"].all() and not untargeted.duplicated(["region", "indicator"]).any()
    assert set(t["region"]) == {"密云区", "怀柔区"} and set(t["year"]) == {2022}


def _pair(region, plan, review, years=(2024, 2025)):
    return pd.DataFrame({"report_id": [f"{region}_{years[0]}", f"{region}_{years[1]}"], "region": [region] * 2,
                         "year": list(years), "part_no": [1, 1], "part_kind": ["plan", "review"],
                         "part_year": [years[0], years[0]], "section_no": pd.array([None, None], dtype="Int64"),
                         "text": [plan, review]})


def test_ranges_ceilings_words_and_five_year_figures():
    paras = pd.concat([
        _pair("甲省", "地区生产总值增长5%—5.5%；居民消费价格涨幅3%左右；城镇调查失业率5.5%以内；"
                     "一般公共预算收入增长3%；城乡居民收入增长与经济增长同步。",
              "地区生产总值增长5.7%，五年增长32.4%；居民消费价格上涨0.2%；城镇调查失业率5.6%；"
              "城镇、农村居民人均可支配收入分别增长5%和6.4%；一般公共预算收入完成预期目标。"),
        _pair("乙省", "地区生产总值增长5%左右。", "主要目标任务全面完成，经济运行稳中向好。"),
    ], ignore_index=True)
    t = target_attainment(paras)
    got = {(r.region, r.indicator): (r.target_value, r.target_high, r.actual_value, r.status, r.evidence)
           for r in t.itertuples(index=False)}
    assert got[("甲省", "地区生产总值")][2:4] == (5.7, "exceeded")  # the year's 5.7, never the five years' 32.4
    assert got[("甲省", "地区生产总值")][:2] == (5.0, 5.5)
    assert got[("甲省", "居民消费价格")][2:] == (0.2, "met", "number")
    assert got[("甲省", "城镇调查失业率")][2:4] == (5.6, "missed")
    assert got[("甲省", "一般公共预算收入")][3:] == ("met", "words")
    # a joint 同步 target meets the urban and rural results, one row each, against GDP's 5.7
    urban, rural = got[("甲省", "城镇居民人均可支配收入")], got[("甲省", "农村居民人均可支配收入")]
    assert (urban[0], urban[2], urban[3]) == (5.7, 5.0, "missed")  # below the band of 5.7 ± 0.5
    assert (rural[0], rural[2], rural[3]) == (5.7, 6.4, "exceeded")  # above it
    assert got[("乙省", "地区生产总值")][3:] == ("met", "words")


def test_a_result_with_its_own_qualifier_and_a_report_without_targets():
    paras = pd.concat([
        _pair("丙县", "地区生产总值增长6%左右。", "地区生产总值增长6%左右，农村居民人均可支配收入增长7%。"),
        _pair("丁县", "深化改革，推进乡村振兴。", "地区生产总值增长4.2%，农村居民人均可支配收入增长7%。"),
    ], ignore_index=True)
    t = target_attainment(paras)
    gdp = t[(t["region"] == "丙县") & (t["indicator"] == "地区生产总值")].iloc[0]
    assert (gdp["actual_value"], gdp["actual_qualifier"], gdp["status"]) == (6.0, "左右", "met")
    # a plan without targets: no row calls its results "not targeted"
    assert (t["region"] == "丁县").sum() == 0


def test_one_report_gives_an_empty_table_with_its_columns(body):
    t = target_attainment(body)
    assert t.empty and list(t.columns) == ATTAINMENT_COLUMNS


def test_the_tolerance_is_a_parameter(panel_paragraphs):
    wide = target_attainment(panel_paragraphs, tolerance=1.5)
    row = wide[(wide["region"] == "怀柔区") & (wide["indicator"] == "地区生产总值")].iloc[0]
    assert row["status"] == "met"

"""Quoted terms, formulas and indicators: hand-checked values from the bundled report."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from miyun_text.vocabulary import INDICATOR_COLUMNS, extract_indicators, formulas, parse_quantity, quoted_terms


@pytest.fixture(scope="module")
def indicators(body):
    return extract_indicators(body)


def _row(indicators, name, kind):
    rows = indicators[(indicators["indicator"] == name) & (indicators["kind"] == kind)]
    assert len(rows) >= 1, (name, kind)
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("name", "value", "unit", "change"),
    [
        ("地区生产总值", 380.0, "亿元", 4.5),
        ("固定资产投资", 100.0, "亿元", math.nan),
        ("地方级收入", 73.0, "亿元", 16.6),
        ("一般公共预算收入", 41.3, "亿元", 4.1),
        ("居民人均可支配收入", 46706.0, "元", 5.5),
        ("社会消费品零售总额", 175.9, "亿元", 8.0),
        ("税收", 119.1, "亿元", math.nan),
    ],
)
def test_headline_results_of_2023(indicators, name, value, unit, change):
    row = _row(indicators, name, "actual")
    assert (row["value"], row["unit"], row["year"]) == (value, unit, 2023)
    assert (math.isnan(change) and pd.isna(row["change_pct"])) or row["change_pct"] == change


@pytest.mark.parametrize(
    ("name", "value", "qualifier", "change"),
    [
        ("地区生产总值", math.nan, "左右", 4.0),  # a rate alone: value stays empty
        ("一般公共预算收入", math.nan, None, 3.0),
        ("城镇调查失业率", 4.5, "以内", math.nan),  # a rate that is the level itself
    ],
)
def test_targets_for_2024(indicators, name, value, qualifier, change):
    row = _row(indicators, name, "target")
    assert row["year"] == 2024
    if math.isnan(value):
        assert pd.isna(row["value"]) and pd.isna(row["unit"])
    else:
        assert (row["value"], row["unit"]) == (value, "%")
    assert (pd.isna(row["qualifier"]) and qualifier is None) or row["qualifier"] == qualifier
    assert (math.isnan(change) and pd.isna(row["change_pct"])) or row["change_pct"] == change


def test_other_quantities(indicators):
    assert tuple(_row(indicators, "施划机动车位", "actual")[["value", "unit", "qualifier"]]) == (3800.0, "个", "余")
    assert tuple(_row(indicators, "森林蓄积量", "actual")[["value", "unit"]]) == (555.68, "万立方米")
    assert tuple(_row(indicators, "城镇登记失业率", "actual")[["value", "qualifier"]]) == (4.5, "以内")
    # the counted thing follows the number: 明确30项先行先试任务, 集中签约18个战略投资项目
    assert tuple(_row(indicators, "先行先试任务", "actual")[["value", "unit"]]) == (30.0, "项")
    assert tuple(_row(indicators, "战略投资项目", "actual")[["value", "unit"]]) == (18.0, "个")
    assert tuple(_row(indicators, "单位", "actual")[["value", "unit", "qualifier"]]) == (30.0, "家", "余")
    assert tuple(_row(indicators, "邻里互助点", "target")[["value", "unit", "year"]]) == (30.0, "个", 2024)


def test_known_quoted_terms(body):
    q = quoted_terms(body).set_index("term")
    assert q.loc["两山", "count"] == 5  # a sixth stands in a section heading, not a paragraph
    assert q.loc["五好两宜", "count"] == 3
    assert q.loc["保水、护山、守规、兴城", "kind"] == "slogan"
    assert q.loc["百千工程", "kind"] == "programme"
    assert q.loc["三好生", "kind"] == "honour"
    assert q.loc["粮袋子", "kind"] == "metaphor"
    assert q.loc["两山", "first_context"].startswith("一年来，在市委市政府和区委的坚强领导下")


def test_known_formulas(body):
    f = formulas(body).set_index("formula")
    for term in ["两山", "七有", "五性", "三好生", "5+2", "1+9+N", "两个确立", "四个意识", "三区三线"]:
        assert term in f.index, term
    assert f.loc["1+9+N", "form"] == "digits"
    assert any(t.startswith("一条科技创新和生命健康战略发展带、四条") for t in f.index)


def test_empty_input_gives_empty_frames_with_dtypes():
    for frame in (quoted_terms("没有引号也没有数字"), formulas(""), extract_indicators("保水护水")):
        assert frame.empty
    empty = extract_indicators("")
    assert list(empty.columns) == INDICATOR_COLUMNS
    assert str(empty["value"].dtype) == "float64" and str(empty["year"].dtype) == "Int64"
    assert str(quoted_terms("")["count"].dtype) == "int64"


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "base"),
    [("1.5万亩", 1.5, "万亩", None, 15000.0), ("3800余个", 3800.0, "个", "余", 3800.0),
     ("119.1亿元", 119.1, "亿元", None, 1.191e10), ("4%左右", 4.0, "%", "左右", 4.0),
     ("近17亿立方米", 17.0, "亿立方米", "近", 1.7e9)],
)
def test_parse_quantity(text, value, unit, qualifier, base):
    q = parse_quantity(text)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)
    assert q.base_value == pytest.approx(base)


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
       st.sampled_from(["亿元", "万元", "元", "%", "万人", "户", "公里", "万亩", "个", "家"]),
       st.sampled_from(["", "余"]))
def test_parse_quantity_round_trips(number, unit, approx):
    written = f"{number}{approx}{unit}"
    q = parse_quantity(written)
    assert q is not None
    assert q.value == pytest.approx(float(number))
    assert q.unit == unit
    assert q.qualifier == (approx or None)
    scale = {"亿": 1e8, "万": 1e4}.get(unit[0], 1.0) if len(unit) > 1 else 1.0
    assert q.base_value == pytest.approx(float(number) * scale)


@given(st.text(alphabet=list("保水护水生态"), max_size=10))
def test_parse_quantity_rejects_words(text):
    assert parse_quantity(text) is None


def _one(text, year=2023, **kw):
    df = extract_indicators(text, year=year)
    return df


def test_growth_at_constant_prices_belongs_to_the_named_indicator():
    df = _one("全区地区生产总值完成435亿元，按不变价计算增长4%。")
    assert df[["indicator", "value", "unit", "change_pct"]].values.tolist() == [["地区生产总值", 435.0, "亿元", 4.0]]


def test_same_basis_growth_is_no_indicator_of_its_own():
    df = _one("区级一般公共预算收入完成32.5亿元，同口径增长8.8%。")
    assert df[["indicator", "value", "change_pct"]].values.tolist() == [["区级一般公共预算收入", 32.5, 8.8]]
    assert not df["indicator"].str.contains("同口径").any()


def test_expected_completion():
    df = _one("全年固定资产投资预计完成213亿元。")
    assert df[["indicator", "value", "unit", "kind"]].values.tolist() == [["固定资产投资", 213.0, "亿元", "actual"]]


def test_from_to_gives_start_and_end_values():
    df = _one("过去五年，地区生产总值从2280亿元增长到3200亿元。")
    rows = df[["indicator", "start_value", "value", "unit"]].values.tolist()
    assert rows == [["地区生产总值", 2280.0, 3200.0, "亿元"]]


def test_respectively_gives_two_indicators():
    df = _one("城镇、农村居民人均可支配收入分别增长4.6%和6.8%。")
    rows = df[["indicator", "change_pct"]].values.tolist()
    assert rows == [["城镇居民人均可支配收入", 4.6], ["农村居民人均可支配收入", 6.8]]


def test_dollars_and_percentage_points():
    assert _one("实际利用外资8600万美元。")[["indicator", "value", "unit"]].values.tolist() == [
        ["实际利用外资", 8600.0, "万美元"]]
    points = _one("森林覆盖率提高2个百分点。")
    assert points[["indicator", "value", "unit"]].values.tolist() == [["森林覆盖率", 2.0, "百分点"]]


def test_ceiling_target():
    df = _one("城镇调查失业率控制在5%以内。")
    rows = df[["indicator", "value", "qualifier", "kind"]].values.tolist()
    assert rows == [["城镇调查失业率", 5.0, "以内", "target"]]


def test_in_step_target_and_gdp_alias():
    df = _one("今年主要预期目标是：GDP增长5%左右；居民人均可支配收入增长与经济增长基本同步。")
    rows = df[["indicator", "change_pct", "qualifier", "kind"]].values.tolist()
    assert rows[0] == ["地区生产总值", 5.0, "左右", "target"]
    assert df.iloc[1][["indicator", "qualifier", "kind"]].tolist() == ["居民人均可支配收入", "同步", "target"]


def test_kind_from_part_and_sentence_cues_not_the_word_target():
    # outside review and plan parts, sentence cues decide; 目标 alone is no cue for a target
    paras = pd.DataFrame({"report_id": ["r"] * 3, "year": [2024] * 3, "part_no": [1, 2, 2],
                          "part_kind": ["outlook", "outlook", "outlook"], "part_year": [2024] * 3,
                          "section_no": pd.array([None] * 3, dtype="Int64"),
                          "text": ["全面完成年度目标任务，地区生产总值增长5.2%。",
                                   "今年主要预期目标是：地区生产总值增长5%左右。",
                                   "力争新增高新技术企业30家。"]})
    df = extract_indicators(paras)
    assert df[["indicator", "kind", "year"]].values.tolist() == [
        ["地区生产总值", "actual", 2023], ["地区生产总值", "target", 2024], ["高新技术企业", "target", 2024]]
    # in a review part even 预期目标 reports a result; in a plan part every number is a target
    paras["part_kind"] = ["review", "plan", "plan"]
    assert extract_indicators(paras)["kind"].tolist() == ["actual", "target", "target"]


def test_revenue_names_kept_apart():
    from miyun_text.vocabulary import normalise_indicator

    names = {normalise_indicator(n) for n in ("一般公共预算收入", "区级一般公共预算收入", "地方级收入")}
    assert len(names) == 3
    assert normalise_indicator("GDP") == normalise_indicator("地区生产总值（GDP）") == "地区生产总值"


@pytest.fixture(scope="module")
def panel_paragraphs():
    from conftest import FIXTURES

    from miyun_text.corpus import load_corpus
    from miyun_text.structure import corpus_paragraphs

    return corpus_paragraphs(load_corpus(FIXTURES / "panel"))


def test_target_attainment_on_the_panel(panel_paragraphs):
    from miyun_text.vocabulary import ATTAINMENT_COLUMNS, target_attainment

    t = target_attainment(panel_paragraphs)
    assert list(t.columns) == ATTAINMENT_COLUMNS
    got = {}
    for r in t.itertuples(index=False):
        qualifier = None if pd.isna(r.target_qualifier) else r.target_qualifier
        got[(r.region, r.year, r.indicator)] = (r.target_value, qualifier, r.actual_value, r.status)
    nan = got[("密云区", 2022, "固定资产投资")][2]
    assert got[("密云区", 2022, "地区生产总值")] == (5.0, "左右", 5.3, "met")  # within ±0.5
    assert got[("密云区", 2022, "一般公共预算收入")] == (3.0, None, 2.1, "missed")  # a bare target is a floor
    assert got[("密云区", 2022, "城镇调查失业率")] == (5.0, "以内", 3.9, "met")  # a ceiling
    assert got[("密云区", 2022, "固定资产投资")][:2] == (6.0, "以上") and nan != nan
    assert got[("密云区", 2022, "固定资产投资")][3] == "no result stated"
    assert got[("密云区", 2022, "居民人均可支配收入")] == (5.3, "同步", 5.6, "met")  # in step with GDP's 5.3
    assert got[("密云区", 2022, "社会消费品零售总额")][3] == "no target stated"
    assert got[("怀柔区", 2022, "地区生产总值")] == (6.0, "左右", 4.8, "missed")  # outside the band
    assert got[("怀柔区", 2022, "区级一般公共预算收入")] == (5.0, None, 8.8, "met")
    assert got[("怀柔区", 2022, "城镇居民人均可支配收入")] == (5.0, None, 4.6, "missed")
    assert got[("怀柔区", 2022, "农村居民人均可支配收入")] == (6.5, None, 6.8, "met")
    assert got[("怀柔区", 2022, "万元地区生产总值能耗")] == (-2.5, None, -3.1, "met")  # a decline to reach
    # regions with one report, and the last year of each region, have nothing to join
    assert set(t["region"]) == {"密云区", "怀柔区"} and set(t["year"]) == {2022}
    gdp = t[(t["region"] == "怀柔区") & (t["indicator"] == "地区生产总值")].iloc[0]
    assert gdp["gap"] == pytest.approx(-1.2) and gdp["target_report"] == "huairou_2022"
    assert gdp["actual_report"] == "huairou_2023" and "按不变价计算增长4.8%" in gdp["actual_sentence"]


def test_target_attainment_tolerance_is_a_parameter(panel_paragraphs):
    from miyun_text.vocabulary import target_attainment

    wide = target_attainment(panel_paragraphs, tolerance=1.5)
    row = wide[(wide["region"] == "怀柔区") & (wide["indicator"] == "地区生产总值")].iloc[0]
    assert bool(row["met"]) is True


def test_target_attainment_joins_the_bundled_report_with_the_panel(paragraphs, panel_paragraphs):
    from miyun_text.vocabulary import target_attainment

    both = pd.concat([panel_paragraphs, paragraphs], ignore_index=True)
    t = target_attainment(both)
    miyun = t[(t["region"] == "密云区") & (t["year"] == 2023)].set_index("indicator")
    assert miyun.loc["地区生产总值", ["target_value", "actual_value", "status"]].tolist() == [4.5, 4.5, "met"]
    assert miyun.loc["一般公共预算收入", ["actual_value", "status"]].tolist() == [4.1, "met"]
    assert miyun.loc["居民人均可支配收入", ["target_value", "actual_value", "status"]].tolist() == [4.5, 5.5, "met"]


def test_target_attainment_with_one_report_is_empty_with_columns(body):
    from miyun_text.vocabulary import ATTAINMENT_COLUMNS, target_attainment

    t = target_attainment(body)
    assert t.empty and list(t.columns) == ATTAINMENT_COLUMNS


@pytest.mark.parametrize("text, expected", [
    ("地区生产总值（GDP）增长6%。", [["地区生产总值", None, None, 6.0]]),
    ("全区生产总值增速达到6.2%。", [["地区生产总值", None, None, 6.2]]),
    ("一般公共预算收入完成62.1亿元，可比增长6.8%。", [["一般公共预算收入", 62.1, "亿元", 6.8]]),
    ("经济增长预期目标为5%左右。", [["地区生产总值", None, None, 5.0]]),
    ("实现地区生产总值1.13万亿元，同比增长5.5%。", [["地区生产总值", 1.13, "万亿元", 5.5]]),
    ("城乡居民人均可支配收入分别增长5.1%、6.3%。",
     [["城镇居民人均可支配收入", None, None, 5.1], ["农村居民人均可支配收入", None, None, 6.3]]),
    ("城乡居民人均可支配收入分别达到75000元和36000元，分别增长5%和7%。",
     [["城镇居民人均可支配收入", 75000.0, "元", 5.0], ["农村居民人均可支配收入", 36000.0, "元", 7.0]]),
])
def test_more_headline_phrasings(text, expected):
    df = extract_indicators(text, year=2023)
    got = df[["indicator", "value", "unit", "change_pct"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == expected


def test_targets_listed_with_commas_keep_their_order_and_qualifiers():
    text = ("今年全区经济社会发展的主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长4%，"
            "居民收入增长与经济增长基本同步，城镇调查失业率控制在5%以内。")
    df = extract_indicators(text, year=2024).fillna({"qualifier": ""})
    assert df[["indicator", "qualifier", "kind"]].values.tolist() == [
        ["地区生产总值", "左右", "target"], ["一般公共预算收入", "", "target"],
        ["居民人均可支配收入", "同步", "target"], ["城镇调查失业率", "以内", "target"]]


def test_district_owned_output_and_urban_rural_shorthand():
    review = ("区属地区生产总值达到412.6亿元、增长7.4%；地方一般公共预算收入18.3亿元、增长6.2%；"
              "预计规模以上工业增加值突破900亿元，增长9%以上。")
    df = extract_indicators(review, year=2023)
    assert df[["indicator", "value", "change_pct", "kind"]].values.tolist() == [
        ["地区生产总值", 412.6, 7.4, "actual"], ["地方一般公共预算收入", 18.3, 6.2, "actual"],
        ["规模以上工业增加值", 900.0, 9.0, "actual"]]
    plan = ("主要预期目标：区属地区生产总值增长7%，一般公共预算收入同口径增长6%，"
            "城、乡居民人均可支配收入分别增长6%、7.5%。")
    df = extract_indicators(plan, year=2024)
    assert df[["indicator", "change_pct", "kind"]].values.tolist() == [
        ["地区生产总值", 7.0, "target"], ["一般公共预算收入", 6.0, "target"],
        ["城镇居民人均可支配收入", 6.0, "target"], ["农村居民人均可支配收入", 7.5, "target"]]


def _pair(region, plan, review, years=(2022, 2023), ids=("a", "b")):
    return pd.DataFrame({"report_id": list(ids), "region": [region] * 2, "year": list(years), "part_no": [1, 1],
                         "part_kind": ["plan", "review"], "part_year": [years[0], years[0]],
                         "section_no": pd.array([None, None], dtype="Int64"), "text": [plan, review]})


@pytest.fixture(scope="module")
def small_pairs():
    return pd.concat([
        _pair("甲县", "地区生产总值增长6.5%左右；一般公共预算收入增长6%；实际利用外资1.5亿美元；"
                     "规上工业增加值占地区生产总值比重提高2个百分点。",
              "地区生产总值按可比价格计算增长7.1%；一般公共预算收入增长6.5%；实际利用外资1.62亿美元。"
              "规上工业增加值增长8.4%，占地区生产总值比重提高1.6个百分点。", ids=("jia_2022", "jia_2023")),
        _pair("乙区", "地区生产总值增长5%左右；城乡居民人均可支配收入增长与经济增长基本同步。",
              "地区生产总值按不变价计算增长5.4%。城镇、农村居民人均可支配收入分别增长4.9%和6.5%。",
              years=(2024, 2025), ids=("yi_2024", "yi_2025")),
    ], ignore_index=True)


def test_attainment_exceeded_share_and_in_step_with_urban_and_rural(small_pairs):
    from miyun_text.vocabulary import target_attainment

    t = target_attainment(small_pairs)
    got = {(r.region, r.indicator): (r.target_value, r.actual_value, r.met, r.status)
           for r in t.itertuples(index=False)}
    # above a 左右 band: not met as the band reads, but its own status, not a shortfall
    assert got[("甲县", "地区生产总值")] == (6.5, 7.1, False, "exceeded")
    assert got[("甲县", "一般公共预算收入")] == (6.0, 6.5, True, "met")  # a bare target is a floor: no "exceeded"
    assert got[("甲县", "实际利用外资")] == (1.5, 1.62, True, "met")
    # 占…比重 after an indicator is that indicator's share, so the 提高N个百分点 target joins
    assert got[("甲县", "规上工业增加值占地区生产总值比重")] == (2.0, 1.6, False, "missed")
    # a joint 同步 income target answered by urban and rural results, one row each, against GDP's 5.4
    assert got[("乙区", "城镇居民人均可支配收入")] == (5.4, 4.9, True, "met")
    assert got[("乙区", "农村居民人均可支配收入")] == (5.4, 6.5, True, "met")
    assert not (t["status"] == "no result stated").any()
    assert t.loc[t["status"] == "no target stated", "indicator"].tolist() == ["规上工业增加值"]
    wide = target_attainment(small_pairs, tolerance=1.0)
    assert wide.loc[wide["indicator"] == "地区生产总值", "status"].tolist() == ["met", "met"]


@pytest.mark.parametrize("text, expected", [
    # five-year review, a plan and a one-year review of three regions: the basis words go with their row
    ("五年来，地区生产总值从5530亿元增长到6810亿元，年均增长4.3%；一般公共预算收入达到523亿元，同口径增长9.1%；"
     "城镇、农村居民人均可支配收入年均分别增长4.1%和6.2%。",
     [["地区生产总值", 6810.0, 4.3, "年均"], ["一般公共预算收入", 523.0, 9.1, "同口径"],
      ["城镇居民人均可支配收入", None, 4.1, "年均"], ["农村居民人均可支配收入", None, 6.2, "年均"]]),
    ("全区地区生产总值完成512.6亿元，按不变价计算增长5.4%，高于年初预期目标0.4个百分点。",
     [["地区生产总值", 512.6, 5.4, "按不变价计算"]]),
    ("全县地区生产总值预计完成213亿元，按可比价格计算增长6.1%；规上工业增加值增长8.4%。",
     [["地区生产总值", 213.0, 6.1, "预计、按可比价格计算"], ["规上工业增加值", None, 8.4, None]]),
])
def test_basis_wording_is_kept_and_rates_leave_value_empty(text, expected):
    df = extract_indicators(text, year=2021)
    got = df[["indicator", "value", "change_pct", "basis"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == expected
    assert not df["indicator"].str.endswith("年").any()
    assert df.loc[df["value"].isna(), "unit"].isna().all()  # no rate masquerades as a level


@pytest.mark.parametrize("text, expected", [
    # a difference from a benchmark, a reach without its subject, a predicate after the counted thing
    ("地区生产总值增长5.4%，高于年初预期目标0.4个百分点。", ["地区生产总值"]),
    ("科学设施开放共享水平持续提升，全年服务用户超过3000人次。", []),
    ("力争新型燃料电池研究平台等3个交叉研究平台竣工，新建养老床位200张。", ["交叉研究平台", "养老床位"]),
    ("一般公共预算收入增长3.1%，低于预期目标1.9个百分点；城镇新增就业1.2万人。", ["一般公共预算收入", "城镇新增就业"]),
])
def test_words_that_name_no_indicator_give_no_row(text, expected):
    assert extract_indicators(text, year=2024)["indicator"].tolist() == expected

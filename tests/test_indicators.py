"""Indicators: results and targets with their period, basis, name and number as written."""

from __future__ import annotations

import pandas as pd
import pytest

from miyun_text.indicators import INDICATOR_COLUMNS, canonical_indicator, extract_indicators, indicator_table


def _rows(text, year=2023, columns=("indicator", "direction", "value", "unit", "qualifier")):
    got = extract_indicators(text, year=year)[list(columns)].astype(object)
    return got.where(got.notna(), None).values.tolist()


@pytest.fixture(scope="module")
def bundled(body):
    return extract_indicators(body)


@pytest.mark.parametrize(
    ("name", "direction", "text", "unit", "kind"),
    [
        ("地区生产总值", None, "380", "亿元", "expected"),  # 预计: an estimate of the year's result
        ("地区生产总值", "增长", "4.5", "%", "expected"),
        ("地方级收入", "增长", "16.6", "%", "expected"),
        ("一般公共预算收入", None, "41.3", "亿元", "expected"),
        ("居民人均可支配收入", None, "46706", "元", "expected"),
        ("社会消费品零售总额", "增长", "8", "%", "expected"),
        ("税收收入", None, "119.1", "亿元", "actual"),
        ("森林蓄积量", None, "555.68", "万立方米", "actual"),
    ],
)
def test_results_of_2023_in_the_bundled_report(bundled, name, direction, text, unit, kind):
    rows = bundled[(bundled["indicator"] == name) & (bundled["value_text"] == text)]
    assert len(rows) == 1, (name, text)
    row = rows.iloc[0]
    assert (row["unit"], row["kind"], row["year"], row["basis"]) == (unit, kind, 2023, "annual")
    assert (None if pd.isna(row["direction"]) else row["direction"]) == direction
    assert row["value"] == float(text)


def test_targets_for_2024_in_the_bundled_report(bundled):
    targets = bundled[(bundled["kind"] == "target") & bundled["headline"]]
    got = targets[["indicator", "direction", "value_text", "unit", "qualifier", "year"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        ["地区生产总值", "增长", "4", "%", "左右", 2024],
        ["一般公共预算收入", "增长", "3", "%", None, 2024],
        ["城镇调查失业率", "控制在", "4.5", "%", "以内", 2024],
        ["居民人均可支配收入", "增长", None, None, "同步", 2024],
    ]


def test_counted_things_and_words_that_name_no_indicator(bundled):
    names = set(bundled["indicator"])
    # the counted thing follows the number: 明确30项先行先试任务, 集中签约18个战略投资项目
    assert {"先行先试任务", "战略投资项目", "机动车位", "高新技术企业"} <= names
    assert not names & {"首次", "过去三年", "实际", "确定经济", "集中签", "扎实推进"}
    assert bundled["indicator"].str.contains(r"\d").sum() == 0


def test_columns_and_dtypes():
    empty = extract_indicators("")
    assert list(empty.columns) == INDICATOR_COLUMNS and empty.empty
    assert str(empty["period_start"].dtype) == "Int64" and str(empty["headline"].dtype) == "boolean"


@pytest.mark.parametrize("text, expected", [
    ("全区地区生产总值完成435亿元，按不变价计算增长4%。",
     [["地区生产总值", None, 435.0, "亿元", None], ["地区生产总值", "增长", 4.0, "%", None]]),
    ("区级一般公共预算收入完成32.5亿元，同口径增长8.8%。",
     [["区级一般公共预算收入", None, 32.5, "亿元", None], ["区级一般公共预算收入", "增长", 8.8, "%", None]]),
    ("地区生产总值增长5.2%、约4.4万亿元。",
     [["地区生产总值", "增长", 5.2, "%", None], ["地区生产总值", None, 4.4, "万亿元", "约"]]),
    ("城镇、农村居民人均可支配收入分别增长4.6%和6.8%。",
     [["城镇居民人均可支配收入", "增长", 4.6, "%", None], ["农村居民人均可支配收入", "增长", 6.8, "%", None]]),
    ("学前教育毛入园率、九年义务教育巩固率、高中阶段毛入学率分别为93.8%、99.3%、94.6%。",
     [["学前教育毛入园率", None, 93.8, "%", None], ["九年义务教育巩固率", None, 99.3, "%", None],
      ["高中阶段毛入学率", None, 94.6, "%", None]]),
    ("实际利用外资8600万美元。", [["实际利用外资", None, 8600.0, "万美元", None]]),
    ("森林覆盖率提高2个百分点。", [["森林覆盖率", "提高", 2.0, "个百分点", None]]),
    ("城镇调查失业率控制在5%以内。", [["城镇调查失业率", "控制在", 5.0, "%", "以内"]]),
    ("细颗粒物年均浓度控制在27微克/立方米左右。", [["细颗粒物浓度", "控制在", 27.0, "微克/立方米", "左右"]]),
    ("全员劳动生产率达到28万元/人左右。", [["全员劳动生产率", None, 28.0, "万元/人", "左右"]]),
    ("万元GDP能耗下降3%，单位地区生产总值能耗降幅达到3.1%。",
     [["单位地区生产总值能耗", "下降", 3.0, "%", None], ["单位地区生产总值能耗", "下降", 3.1, "%", None]]),
])
def test_phrasings(text, expected):
    assert _rows(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("地区生产总值增长5%—5.5%。", [5.0, 5.5, "range"]),
    ("地区生产总值增长4.5%-5%。", [4.5, 5.0, "range"]),
    ("地区生产总值增长5%至5.5%。", [5.0, 5.5, "range"]),
])
def test_ranges_keep_their_upper_bound_and_give_one_row(text, expected):
    assert _rows(text, 2026, ("value", "value_high", "qualifier")) == [expected]


@pytest.mark.parametrize("text, expected", [
    # a difference from a benchmark, a rank, a restated target, a reach without its subject
    ("地区生产总值增长5.4%，高于年初预期目标0.4个百分点。", ["地区生产总值"]),
    ("区域创新能力跃居全国第 2位，首次进入全国前十。", []),
    ("确定经济增长5%左右的目标，兼顾了需要与可能。", []),
    ("科学设施开放共享水平持续提升，全年服务用户超过3000人次。", []),
    ("力争新型储能材料实验平台等4个交叉创新平台竣工，新建养老床位160张。", ["交叉创新平台", "养老床位"]),
])
def test_words_that_name_no_indicator_give_no_row(text, expected):
    assert extract_indicators(text, year=2024)["indicator"].tolist() == expected


def _paragraph(text, part_kind, report_year, period):
    return pd.DataFrame({"report_id": ["r"], "year": [report_year], "part_kind": [part_kind],
                         "part_year": [period[1]], "period_start": [period[0]], "period_end": [period[1]],
                         "part_no": [1], "section_no": pd.array([None], dtype="Int64"), "text": [text]})


def test_five_year_figures_are_period_figures_never_a_years_result():
    review = _paragraph("五年来，全省刑事案件总量下降28.4%，地区生产总值年均增长5.4%，居民人均可支配收入达到4.3万元。",
                        "review", 2026, (2021, 2025))
    got = extract_indicators(review)[["indicator", "kind", "period_start", "period_end", "basis"]]
    assert got.values.tolist() == [
        ["刑事案件", "actual", 2021, 2025, "period_cumulative"],
        ["地区生产总值", "actual", 2021, 2025, "period_average"],
        ["居民人均可支配收入", "actual", 2021, 2025, "period_end"]]
    # inside a one-year review: the year's figure, and the five years' beside it
    year = _paragraph("2025年全省生产总值增长5.3%，五年增长32.4%；过去三年，规上工业增加值年均增长9.2%。",
                      "review", 2026, (2025, 2025))
    got = extract_indicators(year)[["indicator", "value", "period_start", "period_end", "basis"]]
    assert got.values.tolist() == [
        ["地区生产总值", 5.3, 2025, 2025, "annual"],
        ["地区生产总值", 32.4, 2021, 2025, "period_cumulative"],
        ["规模以上工业增加值", 9.2, 2023, 2025, "period_average"]]


def test_outlook_goals_are_targets_for_the_plan_period():
    outlook = _paragraph("到2030年，居民人均可支配收入达到7.5万元左右，地区生产总值年均增长5%左右。",
                         "outlook", 2026, (2026, 2030))
    got = extract_indicators(outlook)[["indicator", "kind", "year", "period_start", "basis", "qualifier"]]
    assert got.values.tolist() == [
        ["居民人均可支配收入", "target", 2030, 2026, "period_end", "左右"],
        ["地区生产总值", "target", 2030, 2026, "period_average", "左右"]]


def test_parts_decide_the_kind_and_sentence_cues_decide_elsewhere():
    paras = pd.DataFrame({"report_id": ["r"] * 3, "year": [2024] * 3, "part_no": [1, 2, 2],
                          "part_kind": ["outlook"] * 3, "part_year": [2024] * 3,
                          "section_no": pd.array([None] * 3, dtype="Int64"),
                          "text": ["全面完成年度目标任务，地区生产总值增长5.2%。",
                                   "今年主要预期目标是：地区生产总值增长5%左右。",
                                   "力争新增高新技术企业30家。"]})
    got = extract_indicators(paras)[["indicator", "kind", "year"]]
    assert got.values.tolist() == [["地区生产总值", "actual", 2024], ["地区生产总值", "target", 2024],
                                   ["高新技术企业", "target", 2024]]
    paras["part_kind"] = ["review", "plan", "plan"]
    assert extract_indicators(paras)["kind"].tolist() == ["actual", "target", "target"]


def test_canonical_names_and_the_table():
    for alias in ("GDP", "全省生产总值", "经济增长", "地区生产总值（GDP）"):
        assert canonical_indicator(alias) == "地区生产总值", alias
    assert canonical_indicator("万元GDP能耗") == canonical_indicator("单位地区生产总值能耗") == "单位地区生产总值能耗"
    assert canonical_indicator("CPI") == "居民消费价格" and canonical_indicator("PM2.5平均浓度") == "细颗粒物浓度"
    assert canonical_indicator("城镇调查失业率平均值") == "城镇调查失业率"
    names = {canonical_indicator(n) for n in ("一般公共预算收入", "区级一般公共预算收入", "地方级收入")}
    assert len(names) == 3
    assert canonical_indicator("首次") is None and canonical_indicator("过去三年") is None
    table = indicator_table()
    assert table["indicator"].is_unique and set(table["better"]) <= {"higher", "lower", ""}
    assert table.set_index("indicator").loc["居民消费价格", "better"] == "lower"


def test_a_broken_indicator_table_names_the_file_and_line(tmp_path):
    from miyun_text.errors import ResourceError
    from miyun_text.indicators import indicator_table

    bad = tmp_path / "indicators.csv"
    bad.write_text("indicator,aliases,pattern,unit,measure,better,headline,definition\n"
                   "甲,,,%,growth,upward,yes,x\n", encoding="utf-8")
    with pytest.raises(ResourceError, match=r"indicators.csv:2: better must be"):
        indicator_table(bad)


def test_development_slice_of_the_gold_set():
    # the held-out slice is scored by `make evaluate` only, never by the tests
    from miyun_text.evaluate import load_gold, score_indicators

    score = score_indicators(load_gold(split="dev"))
    assert score["precision"] >= 0.95 and score["recall"] >= 0.90


@pytest.mark.parametrize(("name", "problem"), [
    ("上饶", "place"), ("崇阳", "place"), ("青山区", "place"), ("上饶东湖、崇阳、通山", "place"),
    ("恒通集团", "organisation"), ("华宇公司产值", "organisation"), ("宏达电子", "organisation"),
    ("江西恒通", "organisation"),
    ("张明", "person"), ("李华", "person"),
    ("选派", "verb"), ("加快推进", "verb"), ("高质量建好", "verb"), ("完工", "verb"),
    ("首期", "time"), ("年度", "time"), ("过去三年", "time"), ("“十四五”时期", "time"),
    ("中职学校由", "fragment"), ("的村集体经营性收入", "fragment"),
])
def test_a_place_a_body_a_person_a_verb_or_a_time_is_no_name(name, problem):
    from miyun_text.indicators import name_problem

    assert name_problem(name, "个") == problem


@pytest.mark.parametrize("name", ["高新技术企业", "上市公司", "三级子公司", "村镇银行", "高水平大学", "城中村",
                                  "和美乡村", "示范区", "千亿县", "参保率", "地区生产总值", "接待游客", "省政协提案"])
def test_counted_things_and_measures_stay_names(name):
    from miyun_text.indicators import name_problem

    assert name_problem(name, "个") is None


def test_a_verb_may_name_an_activity_measured_in_people_or_area():
    from miyun_text.indicators import name_problem

    assert name_problem("招生", "万人") is None and name_problem("招生", "个") == "verb"


def test_the_thing_counted_after_the_number_names_the_row():
    from miyun_text.indicators import extract_indicators

    text = ("新增上饶、崇阳2个过千亿元城市，通山、上饶2家高新区进入全国前列，"
            "宏达电子、瑞丰新材等0.6万个重大产业项目投产达效，选派260名科技特派员。")
    rows = extract_indicators(text, year=2025)
    assert rows[["indicator", "value"]].values.tolist() == [
        ["过千亿元城市", 2.0], ["高新区", 2.0], ["重大产业项目", 0.6], ["科技特派员", 260.0]]


def test_places_and_firms_before_their_own_figures_give_no_row():
    from miyun_text.indicators import extract_indicators

    rows = extract_indicators("全市接待游客增长12%，其中青山区增长18.5%，恒通集团产值增长35%。", year=2025)
    assert rows["indicator"].tolist() == ["接待游客"]


def test_a_class_a_voltage_and_a_span_of_months_are_no_quantities():
    from miyun_text.indicators import extract_indicators

    rows = extract_indicators("建成20万吨级航道和500千伏线路2条，增速连续22个月居全国前列。", year=2025)
    assert rows[["indicator", "value", "unit"]].values.tolist() == [["线路", 2.0, "条"]]


def test_targets_stated_in_words():
    from miyun_text.indicators import extract_indicators, figure_text

    paragraphs = pd.DataFrame({
        "report_id": ["x"], "year": [2026], "part_kind": ["plan"], "part_year": [2026], "period_start": [2026],
        "period_end": [2026], "part_no": [1], "section_no": pd.array([None], dtype="Int64"),
        "text": ["主要预期目标是：居民收入增速高于经济增速，进出口总额实现正增长，粮食产量保持稳定，"
                 "城镇居民人均可支配收入增速高于全国平均水平，完成国家下达的节能降碳任务。"]})
    rows = extract_indicators(paragraphs)
    got = [(r["indicator"], r["qualifier"], r["direction"]) for r in rows.to_dict("records")]
    assert got == [("居民人均可支配收入", "快于", "增长"), ("进出口总额", "正增长", "增长"),
                   ("粮食产量", "稳定", "稳定在"), ("城镇居民人均可支配收入", "高于全国", "增长"),
                   ("单位地区生产总值能耗", "国家下达", "下降"),
                   ("单位地区生产总值二氧化碳排放", "国家下达", "下降")]
    assert rows["value"].isna().all() and (rows["kind"] == "target").all()
    assert [figure_text(r) for r in rows.to_dict("records")][:2] == ["快于经济增长", "正增长"]
    # a result in words in a review is left to target_attainment
    assert extract_indicators("全年居民收入增速快于经济增速，完成国家下达的节能降碳任务。", year=2025).empty

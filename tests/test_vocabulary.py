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
        ("地区生产总值", 4.0, "左右", 4.0),
        ("一般公共预算收入", 3.0, None, 3.0),
        ("城镇调查失业率", 4.5, "以内", math.nan),
    ],
)
def test_targets_for_2024(indicators, name, value, qualifier, change):
    row = _row(indicators, name, "target")
    assert (row["value"], row["unit"], row["year"]) == (value, "%", 2024)
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

"""Quantities: numbers with whole units, ranges and qualifiers, kept as written."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from miyun_text.quantities import find_quantities, parse_quantity


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier", "base"),
    [("1.5万亩", 1.5, "万亩", None, 15000.0), ("3800余个", 3800.0, "个", "余", 3800.0),
     ("119.1亿元", 119.1, "亿元", None, 1.191e10), ("4%左右", 4.0, "%", "左右", 4.0),
     ("近17亿立方米", 17.0, "亿立方米", "近", 1.7e9), ("1.13万亿元", 1.13, "万亿元", None, 1.13e12),
     ("58万元/人左右", 58.0, "万元/人", "左右", 5.8e5), ("29微克/立方米", 29.0, "微克/立方米", None, 29.0),
     ("0.9人/百亿元", 0.9, "人/百亿元", None, 0.9), ("2个百分点", 2.0, "个百分点", None, 2.0),
     ("突破900亿元", 900.0, "亿元", "超过", 9e10), ("不低于8万人", 8.0, "万人", "不低于", 8e4)],
)
def test_parse_quantity(text, value, unit, qualifier, base):
    q = parse_quantity(text)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)
    assert q.base_value == pytest.approx(base)


@pytest.mark.parametrize("text", ["5%—5.5%", "5%-5.5%", "5%至5.5%", "5—5.5%", "5%～5.5%", "5%到5.5%", "5-5.5%"])
def test_ranges_keep_both_ends(text):
    q = parse_quantity(text)
    assert (q.value, q.value_high, q.unit, q.qualifier, q.text, q.high_text) == (5.0, 5.5, "%", "range", "5", "5.5")


def test_numbers_are_kept_as_written():
    assert [q.text for q in find_quantities("森林蓄积量达到555.68万立方米，居民收入46706元，增长9.65%")] == [
        "555.68", "46706", "9.65"]


@pytest.mark.parametrize("text", [
    "跃居全国第 2位", "前20位", "习近平总书记第3次亲临视察", "2025年11月", "连续5年获评优秀", "PM2.5与臭氧协同控制",
    "5G网络", "“1+4”改革", "经济总量连续跨过2个万亿元关口"])
def test_numbers_that_measure_nothing_are_no_quantities(text):
    assert find_quantities(text) == []


def test_a_span_counted_in_years_is_a_quantity_where_it_names_a_span():
    assert [(q.value, q.unit) for q in find_quantities("劳动年龄人口平均受教育年限达到11.8年")] == [(11.8, "年")]


def test_listed_numbers_share_the_last_unit():
    found = find_quantities("分别提高12.6、28.3和41个百分点；分别高于全国8.3个、6个百分点")
    assert [(q.text, q.unit) for q in found] == [("12.6", "个百分点"), ("28.3", "个百分点"), ("41", "个百分点"),
                                                 ("8.3", "个百分点"), ("6", "个百分点")]


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
       st.sampled_from(["亿元", "万元", "元", "%", "万人", "户", "公里", "万亩", "个", "家", "万元/人"]),
       st.sampled_from(["", "余"]))
def test_parse_quantity_round_trips(number, unit, approx):
    written = f"{number}{approx}{unit}"
    q = parse_quantity(written)
    assert q is not None
    assert q.value == pytest.approx(float(number)) and q.text == str(number)
    assert q.unit == unit
    assert q.qualifier == (approx or None)
    scale = {"亿": 1e8, "万": 1e4}.get(unit[0], 1.0) if len(unit) > 1 else 1.0
    assert q.base_value == pytest.approx(float(number) * scale)


@given(st.text(alphabet=list("保水护水生态"), max_size=10))
def test_parse_quantity_rejects_words(text):
    assert parse_quantity(text) is None

"""Formula life cycles: counts, regions and rates per year and per report, spread and findings."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import FIXTURES

from miyun_text.errors import PanelError
from miyun_text.timeline import SPREAD_COLUMNS, TIMELINE_COLUMNS, formula_findings, formula_spread, formula_timeline

# Four regions over three years, written for these tests: “河长制” is quoted when new (2021, 甲区),
# then written plainly as it spreads; “5+2” must not be counted inside 1+5+2.
PANEL = [
    ("a21", "甲区", 2021, "全面推行“河长制”，落实“5+2”工作体系。"),
    ("b21", "乙区", 2021, "推进政务服务改革，完善1+5+2政策体系。"),
    ("a22", "甲区", 2022, "深化河长制，巩固“5+2”体系，践行“两山”理念。"),
    ("b22", "乙区", 2022, "全面推行河长制。"),
    ("c22", "丙区", 2022, "推进城市更新。"),
    ("a23", "甲区", 2023, "河长制提质增效，践行“两山”理念。"),
    ("b23", "乙区", 2023, "河长制全面见效，践行“两山”理念。"),
    ("c23", "丙区", 2023, "落实河长制，践行两山理念。"),
    ("d23", "丁区", 2023, "落实“河长制”。"),
]


@pytest.fixture(scope="module")
def panel():
    return pd.DataFrame([{"report_id": r, "region": g, "year": y, "label": f"{g} {y}", "text": t}
                         for r, g, y, t in PANEL])


def test_counts_regions_and_rates_per_year(panel):
    t = formula_timeline(panel, min_count=1)
    assert list(t.columns) == TIMELINE_COLUMNS
    # most frequent first, ties by name
    assert t["formula"].drop_duplicates().tolist() == ["河长制", "两山", "5+2", "1+5+2"]
    river = t[t["formula"] == "河长制"].set_index("year")
    assert river["count"].tolist() == [1, 2, 4] and river["quoted"].tolist() == [1, 0, 1]
    assert river["n_regions"].tolist() == [1, 2, 4] and river["regions_total"].tolist() == [2, 3, 4]
    assert river.loc[2022, "regions"] == "甲区、乙区" and river["region_share"].tolist() == [0.5, 2 / 3, 1.0]
    chars_2021 = len("全面推行“河长制”，落实“5+2”工作体系。") + len("推进政务服务改革，完善1+5+2政策体系。")
    assert river.loc[2021, "chars"] == chars_2021
    assert river.loc[2021, "per_10k"] == pytest.approx(1e4 / chars_2021)
    assert (river["first_year"] == 2021).all() and (river["last_year"] == 2023).all()
    digits = t[t["formula"] == "5+2"].set_index("year")
    assert digits["count"].tolist() == [1, 1, 0]  # 1+5+2 is another formula
    assert t[t["formula"] == "两山"]["first_year"].iloc[0] == 2022


def test_rates_per_report(panel):
    t = formula_timeline(panel, by="report", min_count=1)
    row = t[(t["formula"] == "河长制") & (t["report_id"] == "b22")].iloc[0]
    assert (row["count"], row["chars"]) == (1, len("全面推行河长制。"))
    assert row["per_10k"] == pytest.approx(1e4 / 8)
    assert len(t) == 4 * len(PANEL)  # every item in every report, zeros included


def test_top_k_and_min_count(panel):
    assert formula_timeline(panel, top_k=1, min_count=1)["formula"].unique().tolist() == ["河长制"]
    assert "1+5+2" in set(formula_timeline(panel, top_k=None, min_count=1)["formula"])
    assert "1+5+2" not in set(formula_timeline(panel, top_k=None, min_count=2)["formula"])


def test_spread_and_findings(panel):
    spread = formula_spread(panel, min_count=1).set_index("formula")
    assert list(spread.reset_index().columns) == SPREAD_COLUMNS
    river = spread.loc["河长制"]
    assert (river["first_year"], river["peak_year"], river["first_regions"]) == (2021, 2023, "甲区")
    assert river["spread_per_year"] == pytest.approx((1.0 - 0.5) / 2) and not river["new"]
    hills = spread.loc["两山"]
    assert hills["new"] and hills["first_share"] == pytest.approx(1 / 3)
    assert hills["spread_per_year"] == pytest.approx(3 / 4 - 1 / 3)  # 丁区 2023 does not use it
    assert spread.index[0] == "两山"  # fastest first
    text = formula_findings(panel, min_count=1)
    assert "**最新的提法**（2022年首次出现）：两山（2022年 甲区）" in text
    assert "两山（2022年 1/3 个地区 → 2023年 3/4，每年增加 41.7% 的地区）" in text


def test_one_year_and_missing_year():
    one = pd.DataFrame({"report_id": ["a"], "region": ["甲区"], "year": [2024],
                        "text": ["践行“两山”理念，“两山”转化。"]})
    assert formula_findings(one).startswith("- 语料只有 2024 年的报告")
    with pytest.raises(PanelError, match="no 'year' column"):
        formula_timeline(pd.DataFrame({"text": ["“两山”"]}))
    with pytest.raises(ValueError, match="by='region'"):
        formula_timeline(one, by="region")


def test_fixture_panel(tmp_path):
    from miyun_text.corpus import load_corpus
    from miyun_text.structure import corpus_paragraphs

    paragraphs = pd.concat([corpus_paragraphs(load_corpus(FIXTURES / "corpus")),
                            corpus_paragraphs(load_corpus(FIXTURES / "panel"))], ignore_index=True)
    t = formula_timeline(paragraphs, top_k=None)
    assert sorted(t["year"].unique().tolist()) == [2021, 2022, 2023]
    assert t.groupby("year")["regions_total"].first().tolist() == [1, 2, 4]
    rule = t[t["formula"] == "放管服"].set_index("year")
    assert rule["n_regions"].tolist() == [0, 1, 2] and rule.loc[2023, "regions"] == "怀柔区、延庆区"  # manifest order


def test_a_word_quoted_once_is_no_slogan():
    plain = "坚持人民至上，为了人民，依靠人民，" * 7
    paras = pd.DataFrame({"report_id": ["a", "b"], "region": ["甲区", "乙区"], "year": [2023, 2023],
                          "text": [plain + "践行“人民”城市理念。", "推进“两个维护”，落实“5+2”体系。" + plain]})
    kept = set(formula_timeline(paras, top_k=None, min_count=1)["formula"])
    # 人民: 1 quoted of 43 occurrences (2 %); 两个维护 and 5+2 are formulas by their form
    assert kept == {"两个维护", "5+2"}
    assert "人民" in set(formula_timeline(paras, top_k=None, min_count=1, min_quoted_share=0.02)["formula"])

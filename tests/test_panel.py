"""The corpus as a panel: keys on every paragraph, groupings, overview, figures and findings."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from conftest import FIXTURES

from miyun_text import panel, plots
from miyun_text.indicators import indicator_table
from miyun_text.structure import GROUPINGS, corpus_paragraphs, group_columns


@pytest.fixture(scope="module")
def panel_body():
    from miyun_text.corpus import load_corpus

    paragraphs = corpus_paragraphs(load_corpus(FIXTURES / "panel"))
    return paragraphs[paragraphs["part_no"] > 0]


def test_every_paragraph_carries_region_year_level_and_label(paragraphs, panel_body):
    assert paragraphs[["region", "year", "level", "label"]].drop_duplicates().values.tolist() == [
        ["密云区", 2024, "区", "密云区 2024"]]
    labels = panel_body.drop_duplicates("report_id").set_index("report_id")["label"].to_dict()
    assert labels["huairou_2022"] == "怀柔区 2022" and labels["yanqing_2023"] == "延庆区 2023"
    assert panel_body["region"].notna().all()


def test_groupings_and_their_combinations(panel_body):
    assert {"report", "region", "year", "part", "part_kind", "section"} <= set(GROUPINGS)
    assert group_columns(panel_body, ["region", "year"]) == ["region", "year"]
    assert group_columns(panel_body, ["region", "part_kind"]) == ["region", "part_kind"]
    assert group_columns(panel_body, ["report", "part_kind"]) == ["report_id", "part_kind"]
    assert group_columns(panel_body, "part_kind") == ["report_id", "part_kind"]


@pytest.mark.parametrize("by", ["report", "region", "year", "part_kind", "section", ["region", "year"],
                                ["region", "part_kind"]])
def test_every_measure_takes_the_same_by(panel_body, by):
    from miyun_text.keywords import extract_keywords
    from miyun_text.rhetoric import marker_rates
    from miyun_text.themes import theme_coverage_by, theme_frequencies

    columns = group_columns(panel_body, by)
    n_groups = len(panel_body.drop_duplicates(columns))
    assert len(theme_frequencies(panel_body, by=by).drop_duplicates(columns)) == n_groups
    assert len(marker_rates(panel_body, by=by).drop_duplicates(columns)) == n_groups
    assert len(theme_coverage_by(panel_body, by=by)) == n_groups
    assert extract_keywords(panel_body, top_k=2, min_count=1, by=by)["group"].nunique() == n_groups


def test_overview_and_shape(panel_body):
    overview = panel.panel_overview(panel_body).set_index("region")
    assert overview.loc["怀柔区", "years"] == "2022、2023" and overview.loc["平谷区", "n_reports"] == 1
    assert panel.multi_year_regions(panel_body) == ["密云区", "怀柔区"]
    assert panel.multi_region_years(panel_body) == [2022, 2023]
    assert panel.focus_report(panel_body) == "yanqing_2023"
    view = panel.focus(panel_body)
    assert view["about"] == "（延庆区 2023）" and view["source"] == "数据来源：2023年延庆区政府工作报告"
    assert view["titles"]["theme_title"] == "主题侧重：回顾（2022年）与安排（2023年）"


def test_one_report_has_no_panel_figures_and_says_what_a_second_would_add(body):
    assert panel.theme_figures(body) == {} and panel.rhetoric_figures(body) == {}
    assert panel.attainment_figures(body) == {}
    assert "加入同一地区另一年份的报告" in panel.theme_findings(body)
    assert "同一地区至少两年" in panel.rhetoric_findings(body)


def test_panel_figures_titles_and_sources_from_the_data(panel_body):
    figures = {**panel.theme_figures(panel_body), **panel.attainment_figures(panel_body)}
    assert sorted(figures) == ["targets_vs_results_密云区", "targets_vs_results_怀柔区", "themes_by_region_2022",
                               "themes_by_region_2023", "themes_over_years_密云区", "themes_over_years_怀柔区"]
    texts = lambda fig: [t.get_text() for t in fig.findobj(plt.Text)]  # noqa: E731
    small = figures["themes_over_years_怀柔区"]
    assert "怀柔区：各主题占比的逐年变化（2022—2023年）" in texts(small)
    assert "数据来源：2022—2023年怀柔区政府工作报告" in texts(small)
    assert len([ax for ax in small.axes if ax.get_visible()]) == 11
    heat = figures["themes_by_region_2023"]
    assert [t.get_text() for t in heat.axes[0].get_yticklabels()] == ["怀柔区 2023", "密云区 2023", "平谷区 2023",
                                                                       "延庆区 2023"]
    chart = figures["targets_vs_results_怀柔区"]
    labels = texts(chart)
    assert " 目标增长6%左右" in labels and " 实绩增长4.8%" in labels
    assert "2022年 地区生产总值" in [t.get_text() for t in chart.axes[0].get_yticklabels()]
    # canonical names only, annual figures only: no row is named by stray words
    names = {t.get_text().split(" ", 1)[1] for t in chart.axes[0].get_yticklabels()}
    assert names <= set(indicator_table()["indicator"])
    miyun = texts(figures["targets_vs_results_密云区"])
    assert " 未报告结果" in miyun and " 未提出目标" in miyun  # shown, not drawn as a gap
    for fig in figures.values():
        plt.close(fig)


def test_findings_follow_the_numbers(panel_body):
    from miyun_text.attainment import target_attainment

    text = panel.attainment_findings(target_attainment(panel_body), corpus=panel_body)
    assert "- **怀柔区 2022年**：年度目标 5 项，次年报告中超过 2 项、达到 1 项、未达到 2 项" in text
    assert ("（城镇居民人均可支配收入：目标增长5%，实绩增长4.6%；地区生产总值：目标增长6%左右，实绩增长4.8%）"
            in text)
    assert "未报告结果 1 项（固定资产投资）" in text
    assert "另有 1 项主要指标的实绩未设目标（社会消费品零售总额）" in text
    assert "报告提出目标 0 项" not in text and "年度目标 0 项" not in text
    themes = panel.theme_findings(panel_body)
    assert "- **怀柔区 2022—2023年**：占比上升最多的是" in themes
    rhetoric = panel.rhetoric_findings(panel_body)
    assert rhetoric.count("\n") == 1 and "怀柔区 2022 → 2023" in rhetoric


def test_pooling_several_reports_in_a_profile_does_not_fail(panel_body):
    from miyun_text.themes import theme_frequencies

    fig = plots.theme_profile(theme_frequencies(panel_body, by="part_kind"))
    assert len(fig.axes[0].patches) == 2 * 11
    plt.close(fig)
    assert plots.comparison_sides(pd.DataFrame({"comparison": ["密云区 2022 vs 密云区 2023"]})) == (
        "密云区 2022", "密云区 2023")


def test_standard_figures_for_a_latest_report_without_sections_or_review():
    from miyun_text.build import standard_figures

    corpus = pd.DataFrame({
        "report_id": ["a_2023", "a_2024"], "year": [2023, 2024], "region": ["甲区", "甲区"], "level": ["区", "区"],
        "text": ["一、2022年工作回顾\n（一）生态\n保护水源，地区生产总值增长5%。\n二、2023年工作安排\n（一）经济\n"
                 "今年主要预期目标是：地区生产总值增长5%左右。推进乡村振兴，发展乡村旅游。",
                 "一、2024年工作安排\n今年主要预期目标是：地区生产总值增长4.5%左右。推进科技创新，保护生态环境，"
                 "发展文化旅游，建设美丽乡村。"]})
    body = corpus_paragraphs(corpus)
    body = body[body["part_no"] > 0]
    names = []
    for name, fig in standard_figures(body, top_k=3):
        names.append(name)
        plt.close(fig)
    # no review in the latest report: no review-vs-plan figures for it; the older report still has one
    assert "themes_review_vs_plan" not in names and "rhetoric_markers" not in names
    assert {"themes_by_section", "keywords_by_section", "distinctive_terms_a_2023", "themes_over_years_甲区",
            "targets_vs_results_甲区"} <= set(names)


def test_indicator_chart_keeps_every_report(panel_body):
    from miyun_text.indicators import extract_indicators

    indicators = extract_indicators(panel_body)
    fig = plots.indicator_chart(indicators[indicators["indicator"] == "地区生产总值"])
    names = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "地区生产总值（怀柔区 2022）" in names and "地区生产总值（平谷区 2023）" in names
    assert len(names) == 6  # one row per report
    plt.close(fig)


def test_attainment_chart_and_findings_show_exceeded_other_units_and_a_plan_without_targets():
    from miyun_text.attainment import target_attainment

    paras = pd.DataFrame({"report_id": ["a_2022", "a_2023", "b_2022", "b_2023", "c_2022", "c_2023"],
                          "region": ["甲县"] * 2 + ["乙区"] * 2 + ["丙区"] * 2, "year": [2022, 2023] * 3,
                          "part_no": [1] * 6, "part_kind": ["plan", "review"] * 3, "part_year": [2022] * 6,
                          "section_no": pd.array([None] * 6, dtype="Int64"),
                          "text": ["地区生产总值增长6.5%左右；城镇新增就业1.5万人。",
                                   "地区生产总值增长7.1%；城镇新增就业1.62万人，五年增长32.4%。",
                                   "地区生产总值增长5%左右。", "地区生产总值增长4.2%。",
                                   "深化改革，推进乡村振兴。", "地区生产总值增长5.1%。"]})
    att = target_attainment(paras)
    figures = panel.attainment_figures(paras, att)
    assert sorted(figures) == ["targets_vs_results_乙区", "targets_vs_results_甲县"]
    texts = [t.get_text() for t in figures["targets_vs_results_甲县"].findobj(plt.Text)]
    assert "实绩（超过目标）" in texts and " 实绩增长7.1%" in texts  # never the five years' 32.4%
    note = next(t for t in texts if t.startswith("图中只画增长率与比率"))
    assert "2022年 城镇新增就业：目标1.5万人，实绩1.62万人（超过）" in note
    assert not any(t.startswith("图中只画") for t in [x.get_text() for x in
                                                      figures["targets_vs_results_乙区"].findobj(plt.Text)])
    for fig in figures.values():
        plt.close(fig)
    text = panel.attainment_findings(att, corpus=paras)
    assert "- **甲县 2022年**：年度目标 2 项，次年报告中超过 2 项、达到 0 项、未达到 0 项" in text
    assert "超过目标的是地区生产总值：目标增长6.5%左右，实绩增长7.1%；城镇新增就业：目标1.5万人，实绩1.62万人" in text
    assert "- **乙区 2022年**：年度目标 1 项，次年报告中超过 0 项、达到 0 项、未达到 1 项（地区生产总值" in text
    assert "- **丙区 2022年**：2022年报告没有提出可量化的年度目标" in text


def test_the_latest_report_is_the_latest_delivered_not_the_last_id():
    paras = pd.DataFrame({"report_id": ["zz_2024", "aa_2024", "mm_2023"], "year": [2024, 2024, 2023],
                          "region": ["甲区"] * 3, "label": ["甲区 2024", "甲区 2024", "甲区 2023"],
                          "part_kind": ["review"] * 3, "part_year": [2023, 2023, 2022], "text": ["完成。"] * 3})
    reports = pd.DataFrame({"report_id": ["zz_2024", "aa_2024", "mm_2023"],
                            "delivered_on": ["2024-01-05", "2024-02-20", "2023-01-06"]})
    focus_report, focus = panel.focus_report, panel.focus
    assert focus_report(paras) == "zz_2024"  # without dates: the latest year, then the last id
    assert focus_report(paras, reports) == "aa_2024"  # a second session of the year, delivered later
    assert focus(paras, reports)["report_id"] == "aa_2024"
    assert focus_report(paras.assign(delivered_on=paras["report_id"].map(
        reports.set_index("report_id")["delivered_on"]))) == "aa_2024"
    # a report without a date counts as delivered on 1 January of its year
    undated = reports.assign(delivered_on=["2024-01-05", "", "2023-01-06"])
    assert focus_report(paras, undated) == "zz_2024"


def test_focus_of_a_corpus_takes_its_reports_delivery_dates():
    from miyun_text.corpus import Corpus

    reports = pd.DataFrame({"report_id": ["b", "a"], "year": [2024, 2024], "region": ["甲区"] * 2, "level": ["区"] * 2,
                            "delivered_on": ["2024-01-10", "2024-03-01"],
                            "text": ["一、2023年工作回顾\n完成。", "一、2023年工作回顾\n建成。"]})
    corpus = Corpus.from_tables(reports)
    assert panel.focus_report(corpus) == "a" and panel.focus(corpus.body)["report_id"] == "a"
    assert panel.focus_report(corpus.paragraphs) == "b"  # without dates: the last id

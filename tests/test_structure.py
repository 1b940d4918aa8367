"""Report structure: parts, sections, paragraphs, leads and sentences."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from miyun_text.structure import chinese_numeral, parse_report, sentences, split_sentences

PART_ONE = [
    "高规格保水保生态，绿色基础更牢固",
    "高质量抓好经济，发展动能更强劲",
    "高站位推进乡村振兴，“密云样板”更凸显",
    "高水平建设城市，城乡环境更宜居",
    "高品质保障民生，发展成果更惠民",
    "高效能统筹安全发展，和谐社会更安定",
    "高标准加强自身建设，政府工作更见实效",
]
PART_THREE = [
    "聚焦保水保生态，全力筑牢生态屏障",
    "聚焦绿色高质量发展，全力推动“两山”转化",
    "聚焦富民强集体，全力推进乡村振兴",
    "聚焦增进民生福祉，全力深化为民服务",
    "聚焦提升城市品质，全力建设宜居城市",
    "聚焦平安密云建设，全力提升社会治理效能",
]


def test_four_parts_with_kinds_and_years(paragraphs):
    parts = paragraphs[paragraphs["part_no"] > 0].drop_duplicates("part_no")
    assert parts["part_no"].tolist() == [1, 2, 3, 4]
    assert parts["part_title"].tolist()[0] == "2023年工作回顾"
    assert parts["part_title"].tolist()[2] == "2024年政府工作安排"
    assert parts["part_title"].tolist()[3] == "全面加强政府自身建设"
    assert parts["part_kind"].tolist() == ["review", "outlook", "plan", "self-building"]
    assert parts["part_year"].tolist() == [2023, 2024, 2024, 2024]


def test_sections_of_part_one_and_three(paragraphs):
    for part, titles in ((1, PART_ONE), (3, PART_THREE)):
        sections = paragraphs[(paragraphs["part_no"] == part)].dropna(subset=["section_no"])
        found = sections.drop_duplicates("section_no")
        assert found["section_no"].tolist() == list(range(1, len(titles) + 1))
        assert found["section_title"].tolist() == titles
    assert paragraphs.loc[paragraphs["part_no"].isin([2, 4]), "section_no"].isna().all()


def test_paragraph_counts_and_leads(paragraphs):
    assert len(paragraphs) == 60
    assert (paragraphs["part_no"] == 0).sum() == 5
    leads = paragraphs.dropna(subset=["lead"])
    assert leads["lead"].tolist()[:3] == ["密云水库守护全面提质", "生态环境质量持续领先", "生态系统价值持续增长"]
    assert "坚持依法行政，建设法治政府" in leads["lead"].tolist()
    assert len(leads) == 39


def test_closing_address_leaves_the_last_section(paragraphs):
    closing = paragraphs[paragraphs["text"].str.startswith("各位代表，取得这些成绩")]
    assert closing["part_no"].item() == 1 and closing["section_no"].isna().item()


def test_ascii_brackets_and_numbered_parts():
    text = "报告\n第一部分 2023年工作回顾\n(一)保水护水\n密云水库守护全面提质。\n第二部分 2024年工作安排\n做好工作。"
    df = parse_report(text, "x", 2024)
    assert df["part_no"].tolist() == [0, 1, 2]
    assert df["section_no"].tolist()[1] == 1
    assert df["section_title"].tolist()[1] == "保水护水"
    assert df["part_kind"].tolist()[1:] == ["review", "plan"]


def test_report_without_sections():
    df = parse_report("一、工作回顾\n甲。\n二、工作安排\n乙。", "x", 2024)
    assert df["section_no"].isna().all()
    # a review without a year speaks about the year before the report
    assert df["part_year"].tolist() == [2023, 2024]


def test_chinese_numerals():
    assert [chinese_numeral(s) for s in ["一", "九", "十", "十一", "二十", "九十九"]] == [1, 9, 10, 11, 20, 99]


def test_sentence_splitter_keeps_closing_quotes():
    assert split_sentences("他说：“好！”然后。还有；再有") == ["他说：“好！”", "然后。", "还有；再有"]
    assert split_sentences("还有；再有", semicolons=True) == ["还有；", "再有"]


@given(st.text(alphabet=list("保水。！？；“”甲乙 "), max_size=40))
def test_sentence_splitter_is_lossless(text):
    assert "".join(split_sentences(text)) == text


def test_sentence_table(paragraphs):
    table = sentences(paragraphs)
    assert table["sentence"].str.len().sum() == paragraphs["text"].str.len().sum()
    assert table.iloc[0]["sent_no"] == 1


def test_parse_report_rejects_non_strings():
    import pytest

    with pytest.raises(TypeError):
        parse_report(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- layouts real reports use

import re  # noqa: E402
import warnings  # noqa: E402

import pytest  # noqa: E402
from conftest import FIXTURES  # noqa: E402

from miyun_text.structure import (  # noqa: E402
    StructureWarning,
    _mark,
    _plain_part,
    classify_part,
    part_years,
    without_formulas,
)

LAYOUTS = FIXTURES / "layouts"
# file -> [(part_title, part_kind, part_year, part_years, number of sections)], preamble left out
EXPECTED = {
    "huairou_2023_numbered": [
        ("2022年工作回顾", "review", 2022, "2022", 3),
        ("2023年工作安排", "plan", 2023, "2023", 2),
        ("全面加强政府自身建设", "self-building", 2023, "2023", 0),
    ],
    "huzhou_2023_bufen": [
        ("2022年工作情况", "review", 2022, "2022", 3),
        ("2023年工作总体要求和目标任务", "plan", 2023, "2023", 4),
        ("加强政府自身建设", "self-building", 2023, "2023", 0),
    ],
    "yanqing_2019_plain": [
        ("2018年工作回顾", "review", 2018, "2018", 3),
        ("2019年工作任务", "plan", 2019, "2019", 4),
        ("政府自身建设", "self-building", 2019, "2019", 0),
    ],
    "zhengding_2025_inline": [
        ("过去一年工作回顾", "review", 2024, "2024", 4),
        ("2025年工作总体要求和重点任务", "plan", 2025, "2025", 3),
        ("持续加强政府自身建设", "self-building", 2025, "2025", 0),
    ],
    "miyun_2022_five_year": [
        ("过去五年工作回顾", "review", 2021, "2017–2021", 4),
        ("今后五年的奋斗目标", "outlook", 2026, "2022–2026", 0),
        ("2022年工作安排", "plan", 2022, "2022", 2),
        ("全面加强政府自身建设", "self-building", 2022, "2022", 0),
    ],
    "mianyang_2024_arabic": [
        ("2023年工作回顾", "review", 2023, "2023", 3),
        ("2024年主要目标和重点任务", "plan", 2024, "2024", 2),
        ("全面加强政府自身建设", "self-building", 2024, "2024", 0),
    ],
}


def _layout(name: str):
    return parse_report((LAYOUTS / f"{name}.txt").read_text(encoding="utf-8"), name)


def _parts(df):
    rows = []
    for (_, title, kind, year, span), group in df[df["part_no"] > 0].groupby(
        ["part_no", "part_title", "part_kind", "part_year", "part_years"], sort=False
    ):
        rows.append((title, kind, int(year), span, group["section_no"].dropna().nunique()))
    return rows


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_parts_kinds_years_and_section_counts(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", StructureWarning)
        df = _layout(name)
    assert _parts(df) == EXPECTED[name]
    assert df["part_no"].iloc[0] == 0 and (df["part_no"] == 0).sum() == 4  # title, date, address, opening


def _body_sentences(text: str) -> list[str]:
    """Sentences of lines that are not headings standing alone (a heading has no 。！？)."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if re.search("[。！？]", line):
            found += [s for s in split_sentences(line) if re.search("[。！？]", s)]
    return found


@pytest.mark.parametrize("name", [*sorted(EXPECTED), "shunyi_2021_unknown"])
def test_no_body_sentence_is_lost(name):
    text = (LAYOUTS / f"{name}.txt").read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        joined = "".join(parse_report(text, name)["text"])
    for sentence in _body_sentences(text):
        core = re.sub(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十\d]+[、.])", "", sentence)
        assert core in joined, sentence


def test_inline_sections_keep_their_body():
    df = _layout("zhengding_2025_inline")
    first = df[(df["part_no"] == 1) & (df["section_no"] == 1)]
    assert first["section_title"].iloc[0] == "坚持项目支撑，经济基础更加坚实"
    assert "深化项目建设年活动" in first["text"].iloc[0]
    short = df[(df["part_no"] == 1) & (df["section_no"] == 3)]
    assert short["section_title"].tolist() == ["民生保障更加有力"]
    assert "新增城镇就业5200人。" in short["text"].iloc[0]
    # 一是…二是… lead lists stay text in the section they belong to
    lead_list = df[df["text"].str.startswith("一是古城保护")]
    assert lead_list["section_no"].tolist() == [4]


def test_a_sentence_opening_with_yi_inside_a_part_is_not_a_heading():
    df = _layout("huairou_2023_numbered")
    row = df[df["text"].str.startswith("一、要坚持需求牵引")]
    assert row["part_no"].tolist() == [2] and row["section_no"].tolist() == [1]


def test_subitems_below_sections_stay_text():
    bufen = _layout("huzhou_2023_bufen")
    assert bufen["text"].str.startswith("（一）助企纾困精准有力").sum() == 1
    arabic = _layout("mianyang_2024_arabic")
    assert arabic[arabic["text"].str.startswith("（1）")]["section_no"].tolist() == [2]


def test_unparseable_report_is_one_unknown_part_with_a_warning():
    text = (LAYOUTS / "shunyi_2021_unknown.txt").read_text(encoding="utf-8")
    with pytest.warns(StructureWarning, match="shunyi_2021_unknown: no part headings"):
        df = parse_report(text, "shunyi_2021_unknown")
    assert df["part_kind"].tolist() == ["preamble"] * 2 + ["unknown"] * 5
    assert df["part_year"].unique().tolist() == [2021]


def test_malformed_numerals_do_not_raise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        assert parse_report("一一、甲")["text"].tolist() == ["一一、甲"]
    with pytest.raises(ValueError):
        chinese_numeral("一一")


def test_part_kind_from_words_and_years():
    assert classify_part("2022年工作情况", 2023) == "review"
    assert classify_part("2025年工作总体要求和重点任务", 2025) == "plan"
    assert classify_part("今年主要预期目标", 2025) == "plan"
    assert classify_part("2024年经济社会发展", 2024) == "plan"
    assert part_years("过去五年工作回顾", "review", 2022) == (2021, "2017–2021")
    assert part_years("2017—2021年工作回顾", "review", 2022) == (2021, "2017–2021")
    assert part_years("过去一年工作回顾", "review", 2025) == (2024, "2024")


_PIECES = ["一、", "二、", "三、", "十一、", "一一、", "（一）", "(二)", "（1）", "1.", "2、", "第一部分", "第二部分 ",
           "部分", "2023年工作回顾", "2024年工作安排", "政府自身建设", "各位代表，", "保水。", "甲乙丙丁", "？", "；",
           "\n", "\n", "\n", "一是", "1.5万亩", "（", "）", "〇", "十"]


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from([None, 2024]))
def test_parse_report_never_raises_and_keeps_every_body_character(pieces, year):
    text = "".join(pieces)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StructureWarning)
        df = parse_report(text, "p", year)
    texts = set(df["text"])
    titles = set(df["part_title"]) | set(df["section_title"])
    previous = ""
    for line in (line.strip() for line in text.split("\n")):
        if not line:
            continue
        after_bufen, previous = previous.endswith("部分"), line
        # a line holding a sentence is body: kept whole, after its number, or joined with the
        # next line where it stops in the middle of a word
        if re.search("[。！？]", line):
            assert any(line.endswith(t) or line in t for t in texts if t), line
        elif not any(line in t for t in texts):  # otherwise it was read as a heading
            heading = _mark(line) is not None or _plain_part(line) or after_bufen
            assert heading or any(t and t in line for t in titles), line


def test_arabic_parts_and_sections_numbered_through():
    arabic = parse_report(
        "2023年某县政府工作报告\n1、2022年工作回顾\n（一）经济发展\n增长5%。\n（二）民生改善\n就业稳定。\n"
        "2、2023年工作安排\n（一）抓项目\n项目。"
    )
    assert _parts(arabic) == [
        ("2022年工作回顾", "review", 2022, "2022", 2),
        ("2023年工作安排", "plan", 2023, "2023", 1),
    ]
    through = parse_report(
        "政府工作报告\n2023年工作回顾\n一、甲\n甲文。\n二、乙\n乙文。\n2024年工作安排\n三、丙\n丙文。", "t", 2024
    )
    body = through[through["part_no"] > 0]
    assert body["section_no"].tolist() == [1, 2, 3]
    assert body["part_no"].tolist() == [1, 1, 2]


def test_report_year_from_the_title_or_date_line_not_a_part_heading():
    df = parse_report(
        "政府工作报告\n——2025年1月8日在区人民代表大会上\n一、2024年工作回顾\n保水。\n二、工作安排\n护水。"
    )
    assert df["part_year"].tolist() == [2025, 2025, 2024, 2025]


# ---------------------------------------------------------------- five-year parts, periods, formulas


def _kinds(df):
    parts = df[df["part_no"] > 0].drop_duplicates(["part_no", "part_kind"])
    return [(t, k, y, s) for t, k, y, s in parts[["part_title", "part_kind", "part_year", "part_years"]]
            .itertuples(index=False)]


FIVE_YEAR = (
    "2026年某省政府工作报告\n各位代表：\n现在，我代表省人民政府，向大会报告工作，请予审议。\n"
    "一、2025年工作回顾\n过去一年，经济运行稳中有进，地区生产总值增长5%。\n"
    "各位代表！2025年主要目标任务顺利完成。五年来，我们接续奋斗。\n"
    "——综合实力跃升的五年。地区生产总值年均增长5.5%。\n"
    "二、“十四五”时期主要成就和“十五五”时期目标任务\n"
    "过去五年，我们攻坚克难，居民收入持续增长。\n"
    "“十五五”时期是关键时期。地区生产总值年均增长5%左右。\n"
    "三、2026年重点工作\n今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。\n"
    "四、全面加强政府自身建设\n坚持依法行政。\n各位代表，让我们团结奋斗！"
)


def test_five_year_parts_and_a_mixed_part_split_where_the_outlook_begins():
    df = parse_report(FIVE_YEAR, "p", 2026)
    assert _kinds(df) == [
        ("2025年工作回顾", "review", 2025, "2025"),
        ("“十四五”时期主要成就和“十五五”时期目标任务", "review", 2025, "2021–2025"),
        ("“十四五”时期主要成就和“十五五”时期目标任务", "outlook", 2030, "2026–2030"),
        ("2026年重点工作", "plan", 2026, "2026"),
        ("全面加强政府自身建设", "self-building", 2026, "2026"),
    ]
    # within the one-year review, the paragraphs after 五年来 speak of the five years
    review = df[df["part_no"] == 1]
    assert review[["period_start", "period_end"]].values.tolist() == [[2025, 2025], [2025, 2025], [2021, 2025]]


@pytest.mark.parametrize("title, year, expected", [
    ("“十五五”时期主要目标任务", 2026, ("outlook", 2030, "2026–2030")),
    ("“十四五”时期工作回顾", 2026, ("review", 2025, "2021–2025")),
    ("2025年和“十四五”时期工作回顾", 2026, ("review", 2025, "2021–2025")),
    ("关于《某省国民经济和社会发展第十五个五年规划纲要（草案）》的说明", 2026, ("outlook", 2030, "2026–2030")),
    ("乘势而上谋新篇，推动“十五五”开好局、起好步", 2026, ("plan", 2026, "2026")),
    ("“十三五”时期工作回顾", 2021, ("review", 2020, "2016–2020")),  # the first year of the 14th plan
])
def test_plan_periods_in_titles(title, year, expected):
    df = parse_report(f"报告\n一、{title}\n甲。", "r", year)
    row = df[df["part_no"] == 1].iloc[0]
    assert (row["part_kind"], row["part_year"], row["part_years"]) == expected


def test_a_part_of_two_kinds_without_a_paragraph_that_divides_them():
    df = parse_report("报告\n一、“十四五”时期主要成就和“十五五”时期目标任务\n甲。\n乙。", "r", 2026)
    assert set(df.loc[df["part_no"] == 1, "part_kind"]) == {"review_outlook"}
    assert set(df.loc[df["part_no"] == 1, "part_years"]) == {"2021–2025、2026–2030"}


def test_a_part_titled_by_slogans_is_read_from_its_first_paragraph():
    text = ("报告\n一、稳中求进勇担当，各项事业取得新成效\n2025年是“十四五”收官之年。一年来，经济增长5%。\n"
            "二、接续奋斗谋新篇\n“十五五”时期是关键时期。\n三、乘势而上开新局\n2026年是开局之年。")
    assert [k[1:] for k in _kinds(parse_report(text, "r", 2026))] == [
        ("review", 2025, "2025"), ("outlook", 2030, "2026–2030"), ("plan", 2026, "2026")]


def test_formulas_are_marked_and_leave_no_theme_evidence():
    from miyun_text.themes import theme_frequencies

    df = parse_report(FIVE_YEAR, "p", 2026)
    formulas = df.loc[df["formula"], "text"].tolist()
    assert formulas[:3] == ["2026年某省政府工作报告", "各位代表：",
                            "现在，我代表省人民政府，向大会报告工作，请予审议。"]
    assert formulas[-1] == "各位代表，让我们团结奋斗！" and df["formula"].sum() == 4
    body = df[df["part_no"] > 0]
    assert without_formulas(body)["text"].str.startswith("各位代表，让我们").sum() == 0
    government = theme_frequencies(df, by="report_id").set_index("theme").loc["government", "count"]
    assert government == 1  # 依法行政 in the self-building part, not 政府, 人大, 政协 of the opening


def test_a_line_broken_inside_a_sentence_is_joined():
    df = parse_report("报告\n一、2026年工作安排\n今年是开局之年。今年经济社会发展的\n主要预期目标\n"
                      "是：地区生产总值增长5%左右。", "r", 2026)
    assert df["text"].tolist()[-1] == "今年是开局之年。今年经济社会发展的主要预期目标是：地区生产总值增长5%左右。"
    assert df["part_no"].max() == 1

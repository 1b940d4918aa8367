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
    assert df["part_year"].tolist() == [2024, 2024]


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

"""Repair of the bundled report and the properties of each cleaning step."""

from __future__ import annotations

import re
import unicodedata

import opencc
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miyun_text.clean import (
    ALLOWED_NON_GB2312,
    clean_text,
    is_pinyin,
    normalize_punctuation,
    outside_gb2312,
    realign_mojibake,
    repair_summary,
    strip_pinyin,
    suspicious_chars,
    to_simplified,
)
from miyun_text.errors import UnrepairedDamageError

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# ------------------------------------------------------------------ acceptance on the bundled report


def test_no_pinyin_annotation_left(text):
    assert not re.search(r"[(（][a-zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü]{1,7}[)）]", text)


def test_opencc_t2s_changes_nothing(text):
    assert opencc.OpenCC("t2s").convert(text) == text


def test_no_mojibake_characters_left(text):
    assert suspicious_chars(text) == []
    assert "\ufffd" not in text and "?" not in text
    assert not any(0xE000 <= ord(c) <= 0xF8FF or 0x3100 <= ord(c) <= 0x312F or 0x2500 <= ord(c) <= 0x257F
                   for c in text)


def test_every_character_is_gb2312_or_allowlisted(text):
    assert outside_gb2312(text) == []
    def encodable(ch):
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return True

    outside = {c for c in text if c != "\n" and not encodable(c)}
    assert outside == {"—", "·"}  # the only characters beyond GB 2312 the report needs
    assert outside <= ALLOWED_NON_GB2312


def test_every_repaired_span_is_logged(opened, raw_text):
    repairs = opened.repairs
    errata = pd.read_csv(__import__("conftest").DATA / "errata.csv", encoding="utf-8")
    logged = repairs[repairs["step"] == "errata"]
    assert logged["raw_offset"].tolist() == errata["offset"].tolist()
    assert logged["after"].tolist() == errata["corrected"].tolist()
    realigned = repairs[repairs["step"] == "realign"]
    expected = [[27683, "?。ㄋ模┚劢乖鲞M", "（四）聚焦增進"]]
    assert realigned[["raw_offset", "before", "after"]].values.tolist() == expected
    # every '?' of the raw text lies inside a logged repair
    spans = [(r.raw_offset, r.raw_offset + len(r.before)) for r in repairs[repairs["step"].isin(["errata", "realign"])]
             .itertuples()]
    for match in re.finditer(r"\?", raw_text):
        assert any(a <= match.start() < b for a, b in spans), match.start()


def test_repair_counts(opened):
    summary = repair_summary(opened.repairs).set_index("step")["repairs"]
    assert summary["errata"] == 23
    assert summary["realign"] == 1
    assert summary["unrepaired"] == 0
    assert summary["pinyin"] == 3136
    assert summary["t2s"] > 3000


def test_known_repairs_read_as_the_original(text):
    for phrase in [
        "（二）高质量抓好经济，发展动能更强劲",
        "（四）聚焦增进民生福祉，全力深化为民服务",
        "科研聚集和成果转化态势初显",
        "建成全市唯一的规模化玉米制种基地",
        "拧紧燃气“安全阀”，为15.1万户居民更换燃气安全配件。",
        "深化“朝·密”“海·密”合作，提升学校教育教学质量",
        "着力提升“山水田园 画境密云”",
        "地区生产总值380亿元，同比增长4.5%；",
        "持续完善“5+2”保水体系",
    ]:
        assert phrase in text, phrase


def test_clean_text_is_idempotent_on_the_bundled_report(text):
    again = clean_text(text)
    assert again.text == text
    assert again.repairs.empty


# ------------------------------------------------------------------ steps


def test_pinyin_removed_only_where_parentheses_hold_pinyin():
    out, log, readings = strip_pinyin("區(qū)（一）(试行)（2023年）值(GEP)發(fā)")
    assert out == "區（一）(试行)（2023年）值(GEP)發"
    assert [r.before for r in log] == ["(qū)", "(fā)"]
    assert readings == {0: "qū", 21: "fā"}


def test_is_pinyin():
    assert all(is_pinyin(s) for s in ["qū", "zhuǎn", "lǜ", "er", "xiàng"])
    assert not any(is_pinyin(s) for s in ["GEP", "abc", "xyz", "", "试", "Qū"])


def test_reading_decides_one_to_many_characters():
    assert to_simplified("乾坤", {0: "qián"})[0] == "乾坤"
    assert to_simplified("乾燥", {0: "gān"})[0] == "干燥"
    text, log = to_simplified("著力推进", {})
    assert text == "着力推进"
    assert "t2s_phrases.csv" in log[0].evidence
    assert to_simplified("显著成果")[0] == "显著成果"


def test_punctuation_full_width_in_chinese_context():
    out, log = normalize_punctuation("现在,我代表区政府:增长4.5%;“5+2”(试行)!1,000户,10:30开会")
    assert out == "现在，我代表区政府：增长4.5%；“5+2”（试行）！1,000户，10:30开会\n"
    assert {r.step for r in log} == {"punct"}


def test_punctuation_keeps_question_marks_visible():
    assert normalize_punctuation("这是?乱码")[0] == "这是?乱码\n"


def test_realign_repairs_a_heading_and_flags_what_it_cannot():
    text, log = realign_mojibake("四、推進聚焦增進民生。\n?。ㄋ模┚劢乖鲞M\n?xì)夂")
    assert text.splitlines()[1] == "（四）聚焦增進"
    assert [r.step for r in log] == ["realign", "unrepaired"]


def test_realign_rejects_unattested_characters():
    # bytes of （五）聚焦提升城市 with a lost pair: re-pairing gives 汕, seen nowhere else
    _text, log = realign_mojibake("（五）\n?。ㄎ澹┚劢固嵘鞘衅焚|")
    assert [r.step for r in log] == ["unrepaired"]


def test_strict_mode_raises_on_damage():
    import pytest

    from miyun_text.errors import UnrepairedDamageError

    with pytest.raises(UnrepairedDamageError, match="raw offset 2"):
        clean_text("燃气?xì)夂", strict=True)


def test_clean_text_rejects_non_strings():
    import pytest

    with pytest.raises(TypeError, match="bytes"):
        clean_text(b"abc")  # type: ignore[arg-type]


# ------------------------------------------------------------------ properties

def _reading_table():
    import csv

    from miyun_text.paths import resource_path

    with open(resource_path("readings.csv"), encoding="utf-8") as handle:
        return [(row["traditional"], row["reading"]) for row in csv.DictReader(handle)]


def _page_readings(limit: int = 60):
    """Annotated characters as the scraped page writes them, learned from the bundled raw text."""
    from conftest import DATA

    from miyun_text.errata import page_table

    raw = (DATA / "raw" / "miyun_2024.txt").read_text(encoding="utf-8")
    readings = page_table(raw).readings
    return [f"{ch}({r})" for ch in sorted(readings)[:limit] for r in readings[ch][:1]]


# annotated characters: one per row of the reading table (乾(qián), 著(zhuó) …) and the page's own (區(qū) …)
_ANNOTATED = [f"{trad}({reading})" for trad, reading in _reading_table()] + _page_readings()
_alphabet = st.sampled_from(
    [*list("區發報告密云保水乾著於淨坤力眼随意味（）()“”,:;!?。、 \t\u3000\n0123456789.%+qūfāzhìabcGEP"),
     "(qū)", "(fā)", "(zhì)", *_ANNOTATED]
)
_texts = st.lists(_alphabet, max_size=60).map("".join)


def test_reading_table_feeds_the_generator():
    assert "乾(qián)" in _ANNOTATED and "著(zhuó)" in _ANNOTATED and len(_ANNOTATED) >= 80


@settings(settings.get_profile("idempotence"))
@given(_texts)
def test_cleaning_is_idempotent(raw):
    once = clean_text(raw).text
    assert clean_text(once).text == once


@pytest.mark.parametrize("raw", ["乾(qián)", "乾(qián)淨", "於(wū)是", "著(zhù)力", "隨著(zhù)", "a: \nb", "区: \t\n",
                                 "保水, \u3000\n"])
def test_cleaning_twice_changes_nothing(raw):
    once = clean_text(raw).text
    assert clean_text(once).text == once
    assert clean_text(once).repairs.empty


def test_reading_decides_and_stays():
    assert clean_text("乾(qián)").text == "乾\n"
    assert clean_text("乾淨").text == "干净\n"
    assert clean_text("a: \nb").text == "a：\nb\n"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_cleaning_never_raises_on_arbitrary_unicode(raw):
    assert isinstance(clean_text(raw).text, str)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_texts, st.text(max_size=60)))
def test_no_cjk_character_disappears_unlogged(raw):
    """CJK characters removed = CJK characters in logged 'before' minus those in 'after'."""
    cleaned = clean_text(raw)
    removed = len(CJK.findall(raw)) - len(CJK.findall(cleaned.text))
    logged = sum(len(CJK.findall(b)) - len(CJK.findall(a)) for b, a in
                 zip(cleaned.repairs["before"], cleaned.repairs["after"], strict=True))
    assert removed == logged


def test_clean_text_output_is_nfc_stable(text):
    assert unicodedata.normalize("NFC", text) == text


def test_stray_mojibake_characters_are_flagged():
    text, log = realign_mojibake("保水ㄋ工作\ue000")
    assert text == "保水ㄋ工作\ue000"
    assert [(r.offset, r.step) for r in log] == [(2, "unrepaired"), (5, "unrepaired")]


# ------------------------------------------------------------------ damage only where the text says so


def test_box_drawing_dashes_are_punctuation_not_damage():
    cleaned = clean_text("政府工作报告\n── 2025年1月8日在区第二届人民代表大会第五次会议上\n━━2024年1月\n", strict=True)
    assert cleaned.text.splitlines()[1].startswith("—— 2025年1月8日")
    assert cleaned.text.splitlines()[2] == "——2024年1月"
    assert set(cleaned.repairs["step"]) == {"punct"}
    assert cleaned.repairs["evidence"].str.contains("dash").all()


def test_question_mark_ending_a_sentence_is_punctuation():
    raw = "如何推动高质量发展?我们的回答是坚持改革。\n成绩是怎么取得的?\n靠什么?靠实干。“我们怎么办?”\n"
    cleaned = clean_text(raw, strict=True)
    assert cleaned.text == raw.replace("?", "？")
    assert cleaned.repairs["step"].tolist() == ["punct"] * 4


@pytest.mark.parametrize(
    "raw",
    ["朱?基同志", "保水?工作", "?。ㄋ模┚劢乖鲞M", "燃?xì)夂", "密云??茖W", "發力?!耙粭l",
     "共同富裕\ue000", "替换\ufffd字符"],
)
def test_damage_with_evidence_is_still_flagged(raw):
    with pytest.raises(UnrepairedDamageError):
        clean_text(raw, strict=True)
    assert "unrepaired" in set(clean_text(raw).repairs["step"])


def test_damage_left_in_the_text_stays_visible():
    assert clean_text("朱?基同志").text == "朱?基同志\n"
    assert suspicious_chars("朱?基同志") == [(1, "?")]
    assert suspicious_chars("为什么?因为要保水。") == []

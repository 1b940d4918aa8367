"""The forward model of the scrape's damage, run on every erratum and on damage made here."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import DATA

from miyun_text.corpus import read_errata
from miyun_text.errata import (
    _damaged_spans,
    check_errata,
    page_table,
    propose_corrections,
    reproduce,
    scrape_decode,
)


@pytest.fixture(scope="module")
def errata():
    return read_errata(DATA)


@pytest.fixture(scope="module")
def checked(raw_text, errata):
    return check_errata(raw_text, errata[errata["report_id"] == "miyun_2024"], "miyun_2024")


@pytest.fixture(scope="module")
def table(raw_text, errata):
    return page_table(raw_text, _damaged_spans(raw_text, errata))


# ------------------------------------------------------------------ the bundled table


def test_every_erratum_reproduces_the_raw_bytes(checked):
    assert len(checked) == 23
    failed = checked[checked["status"] == "failed"]
    assert failed.empty, failed[["offset", "problem"]].to_string()
    # a row the model cannot reproduce must say why in the exception column
    for row in checked.itertuples():
        assert row.reproduced or row.exception.strip(), row.offset
    assert checked["reproduced"].sum() == 23
    assert (checked["produced"] == checked["expected"]).all()


def test_damage_found_per_row(checked):
    damage = dict(zip(checked["offset"], checked["damage"], strict=True))
    assert damage[18900] == "byte 0 (A1) shown as '?'"  # the heading's indentation space
    assert damage[3741] == "byte 0 (9A) followed by an inserted annotation"
    assert damage[12378] == "byte 1 (9F) lost"
    assert damage[12354] == "byte 0 (9A) followed by an inserted annotation; byte 9 (FE) shown as '?'"
    assert damage[27909] == "byte 0 (BA) shown as '?'; byte 11 (F7) shown as '?'"
    assert checked["kind"].value_counts().to_dict() == {"lost": 15, "annotation": 8}


def test_context_column_lists_characters_the_bytes_do_not_show(checked, errata):
    assert checked["context"].tolist() == errata["context"].tolist()
    context = dict(zip(errata["offset"], errata["context"], strict=True))
    assert context[18900] == "水保"  # 水's AE and the second 保's B1 fell in a dropped pair
    assert context[27909] == "海作"  # 海 lost its lead, 作 its trail
    assert context[12378] == "责"
    assert context[3741] == ""  # every byte shows; 氣's lead is confirmed by 細 (xì)


def test_offset_18900_reads_bao_shui_bao_sheng_tai(errata, raw_text, table):
    row = errata.set_index("offset").loc[18900]
    assert row["corrected"] == "（一）聚焦保水保生态"
    old = reproduce(raw_text, 18900, row["corrupted"], "（一）聚焦保水生态", table)
    assert not old.reproduced
    assert old.produced.startswith("?。ㄒ唬┚劢贡K鷳B")  # one 保 short: the raw's I (A3 C9) is missing


def test_evidence_of_12354_and_27909_describes_the_raw(errata):
    evidence = dict(zip(errata["offset"], errata["evidence"], strict=True))
    assert "second '?'" in evidence[12354] and "FE A1" not in evidence[12354]
    assert "second '?'" in evidence[27909] and "',' after it stands" in evidence[27909]


def test_a_wrong_row_fails_unless_an_exception_says_why(raw_text, errata):
    rows = errata[errata["offset"] == 18900].copy()
    rows["corrected"] = "（一）聚焦保水生态"
    rows["context"] = ""
    result = check_errata(raw_text, rows, "miyun_2024").iloc[0]
    assert result["status"] == "failed"
    assert "exception column" in result["problem"]
    rows["exception"] = "the page's bytes here are not the report's"
    assert check_errata(raw_text, rows, "miyun_2024").iloc[0]["status"] == "exception"


def test_a_wrong_context_column_fails(raw_text, errata):
    rows = errata[errata["offset"] == 27909].copy()
    rows["context"] = "海"
    result = check_errata(raw_text, rows, "miyun_2024").iloc[0]
    assert result["status"] == "failed" and "'海作'" in result["problem"]


def test_proposals_for_the_old_correction_put_bao_shui_bao_sheng_tai_first(raw_text, errata, table, text):
    row = errata.set_index("offset").loc[18900]
    proposals = propose_corrections(raw_text, 18900, row["corrupted"], "（一）聚焦保水生态", table, clean=text,
                                    limit=3, stop=20762)
    assert proposals[0] == "（一）聚焦保水保生态"
    for candidate in proposals:
        assert reproduce(raw_text, 18900, row["corrupted"], candidate, table, 20762).reproduced


# ------------------------------------------------------------------ the pieces


def test_scrape_decode_rules():
    assert scrape_decode("保水".encode("gbk")) == "保水"
    assert scrape_decode(bytes.fromhex("a3c9 a3bf a3a1")) == "I?!"  # full-width ASCII row folds
    assert scrape_decode(bytes.fromhex("aeb1 fea3 41")) == "A"  # user-defined pairs vanish
    assert scrape_decode(bytes.fromhex("a8c1 41")) == "A"  # unassigned pair vanishes
    assert scrape_decode(b"\x9a(x") == "?x"  # a lead byte before '(' becomes '?'
    assert scrape_decode(b"a\xb1\xa3b") == "a保b"  # ASCII keeps the decoder in step


def test_page_table_learns_forms_and_readings(table):
    assert table.forms["资"] == (("資", None),)  # converted but never annotated
    assert table.forms["转"][0] == ("轉", "zhuǎn")
    assert table.forms["保"] == (("保", None),)
    assert table.readings["細"] == ("xì",)
    assert table.forms_of("（") == (("（", None),)
    assert table.forms_of("阀") == (("閥", None),)  # not in the report: the converter's form, unannotated


# ------------------------------------------------------------------ damage made here, on other reports


def _oracle_decode(data: bytes) -> str:
    """An independent reading of the scrape's decoder, from Python's own GBK codec."""
    out, i = [], 0
    while i < len(data):
        if data[i] < 0x80:
            out.append(chr(data[i]))
            i += 1
        elif data[i + 1] < 0x40:
            out.append("?")
            i += 2
        else:
            ch = data[i : i + 2].decode("gbk", errors="ignore")
            if ch and "\uff01" <= ch <= "\uff5e":
                ch = chr(ord(ch) - 0xFEE0)
            out.append("" if not ch or "\ue000" <= ch <= "\uf8ff" else ch)
            i += 2
    return "".join(out)


def _page(text: str, table) -> str:
    return "".join(f + (f"({r})" if r else "") for ch in text for f, r in [table.forms_of(ch)[0]])


def _make_erratum(before: str, text: str, table, kind: str) -> tuple[str, int, str, str]:
    """Damage ``text`` as the page would show it after ``before``; return raw, offset, corrupted, corrected.

    The corrupted span runs to where the decoded text is the page text again, and the
    correction is the Simplified text of the page characters that span stands for.
    """
    import re

    import opencc

    page_before = _page(before, table)
    page = ("\u3000" if kind == "lost" else "") + _page(text, table)
    data = page.encode("gbk")
    if kind == "lost":
        damaged = "?" + _oracle_decode(data[1:])
    else:
        pair = (page_before.encode("gbk")[-1:] + data[:1]).decode("gbk")
        damaged = _oracle_decode(data[:1] + f"({table.readings[pair][0]})".encode("gbk") + data[1:])
    for k in range(1, len(damaged)):
        tail = damaged[k:]
        if page.endswith(tail) and not re.match(r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü)]", tail):
            break
    else:
        raise AssertionError("the decoder never got back in step")
    prefix = page[: len(page) - len(tail)]
    corrected = opencc.OpenCC("t2s").convert(re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", prefix))
    return page_before + damaged, len(page_before), damaged[:k], corrected.lstrip("\u3000")


# Three reports of other districts, years and layouts, each damaged in a heading and in the body.
OTHER_REPORTS = [
    ("huairou_2022", "二、2022年工作安排\n", "（一）聚焦保水保生态,全力推进乡村振兴。"),
    ("yanqing_2023", "第二部分　今年的工作\n", "（三）高质量推进城市建设,提升服务水平。"),
    ("pinggu_2021", "一、过去五年的工作\n", "（五）聚焦提升城市品质,完善公共服务。"),
]


@pytest.mark.parametrize(("report_id", "before", "text"), OTHER_REPORTS)
def test_model_reproduces_lost_lead_damage_on_other_reports(report_id, before, text, table):
    raw, offset, corrupted, corrected = _make_erratum(before, text, table, "lost")
    assert corrupted.startswith("?。") and corrected.startswith("（")
    rows = pd.DataFrame([{"offset": offset, "corrupted": corrupted, "corrected": corrected, "exception": ""}])
    result = check_errata(raw, rows, report_id, table).iloc[0]
    assert result["status"] == "ok", result["problem"]
    assert result["damage"] == "byte 0 (A1) shown as '?'"
    wrong = rows.assign(corrected=corrected[:-1])
    assert check_errata(raw, wrong, report_id, table).iloc[0]["status"] == "failed"


@pytest.mark.parametrize(("before", "text"), [("燃", "气候投资,稳步推进。"), ("碳", "气象服务,全面提升。")])
def test_model_reproduces_an_inserted_annotation(before, text, table):
    raw, offset, corrupted, corrected = _make_erratum(before, text, table, "annotation")
    assert corrupted.startswith("?xì)") and corrected.startswith("气")
    rows = pd.DataFrame([{"offset": offset, "corrupted": corrupted, "corrected": corrected}])
    result = check_errata(raw, rows, "other", table).iloc[0]
    assert result["status"] == "ok", result["problem"]
    assert result["damage"] == "byte 0 (9A) followed by an inserted annotation"

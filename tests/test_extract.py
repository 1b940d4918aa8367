"""Ingestion of any report: saved pages, PDFs, Word files, every accepted encoding, and `add`."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from miyun_text.cli import main
from miyun_text.corpus import (
    MANIFEST_COLUMNS,
    add_report,
    chinese_text_problem,
    find_raw,
    load_corpus,
    load_reports,
    read_manifest,
    read_raw,
    region_slug,
)
from miyun_text.errors import (
    BinaryFileError,
    DuplicateReportError,
    ManifestError,
    MissingFileError,
    UndecodableFileError,
)
from miyun_text.extract import ExtractionError, extract_pdf
from miyun_text.structure import parse_report

ENCODINGS = FIXTURES / "encodings"
EXTRACT = FIXTURES / "extract"
FIRST_LINES = ["2025年北京市密云区政府工作报告", "——2025年1月8日在北京市密云区第三届人民代表大会第五次会议上",
               "各位代表："]


# ---------------------------------------------------------------- encodings, one real file each


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("utf8.txt", "utf-8"),
        ("utf8_bom.txt", "utf-8-sig"),
        ("utf16le_bom.txt", "utf-16"),
        ("utf16be_bom.txt", "utf-16"),
        ("utf16le.txt", "utf-16-le"),
        ("utf16be.txt", "utf-16-be"),
        ("gbk.txt", "gb18030"),
        ("gb18030.txt", "gb18030"),
    ],
)
def test_accepted_encodings_decode_to_the_same_report(name, encoding):
    raw = read_raw(ENCODINGS / name)
    assert raw.encoding == encoding
    assert raw.text.splitlines()[:3] == FIRST_LINES
    assert "\r" not in raw.text
    assert raw.extraction == "text"


def test_gb18030_four_byte_character():
    assert "䶮字" in read_raw(ENCODINGS / "gb18030.txt").text


def test_big5_is_read_then_made_simplified_by_t2s():
    from miyun_text.clean import clean_text

    raw = read_raw(ENCODINGS / "big5.txt")
    assert raw.encoding == "big5"
    assert raw.text.startswith("2025年北京市密雲區政府工作報告")
    cleaned = clean_text(raw.text, strict=True)
    assert cleaned.text == read_raw(ENCODINGS / "utf8.txt").text
    assert (cleaned.repairs["step"] == "t2s").sum() > 5  # every conversion logged


@pytest.mark.parametrize(
    ("name", "likely"),
    [("shift_jis.txt", "cp932"), ("euc_kr.txt", "cp949"), ("latin1.txt", "cp125"), ("utf8_as_latin1.txt", "utf_8")],
)
def test_foreign_bytes_are_refused_naming_the_file_and_likely_encoding(name, likely):
    with pytest.raises(UndecodableFileError, match=rf"{name}: .*charset-normalizer reads the bytes as {likely}"):
        read_raw(ENCODINGS / name)


def test_chinese_text_check():
    assert chinese_text_problem("密云区政府工作报告。保水护水。") is None
    assert "rare" in chinese_text_problem("枾塤嬫惌晎偺嬈柋曬崘偱偡丅嶐擭丄抧堟憤惗嶻")
    korean_as_gbk = "剐款备 沥何 诀公 焊绊辑涝聪促 瘤抄秦 瘤开 醚积魂篮 刘啊沁嚼聪促 快府绰 荐磊盔 焊龋甫"
    assert "spaces" in chinese_text_problem(korean_as_gbk)
    assert "never uses" in chinese_text_problem("密云区の業務報告です。これは日本語です。ひらがなとカタカナ")
    # pinyin tone marks of a scraped page are not foreign letters
    assert chinese_text_problem("密云區(qū)生產(chǎn)總值(zhí)。") is None


def _plain_chinese_text_problem(text: str) -> str | None:
    """The check's definition, character by character (the package counts with whole-text passes)."""
    import unicodedata
    from collections import Counter

    from miyun_text.decode import _CJK_CHAR, _FOREIGN, _PINYIN_VOWELS, common_cjk

    counts = Counter(text)
    letters = sum(n for ch, n in counts.items() if unicodedata.category(ch)[0] == "L")
    cjk = [ch for ch in text if _CJK_CHAR.match(ch)]
    if letters and len(cjk) < 0.3 * letters:
        return f"only {len(cjk)} of {letters} letters are Chinese characters"
    foreign = [ch for ch in _FOREIGN.findall(text) if ch.lower() not in _PINYIN_VOWELS]
    if len(foreign) > 2 + 0.005 * len(cjk):
        return f"{len(foreign)} characters a Chinese report never uses ({''.join(sorted(set(foreign))[:8])})"
    rare = [ch for ch in cjk if not common_cjk(ch)]
    if len(rare) > 2 + 0.1 * len(cjk):
        return f"{len(rare)} of {len(cjk)} Chinese characters are rare ones ({''.join(rare[:8])})"
    spaced = sum(1 for i in range(1, len(text) - 1)
                 if text[i] == " " and "\u4e00" <= text[i - 1] <= "\u9fff" and "\u4e00" <= text[i + 1] <= "\u9fff")
    if spaced > 2 + 0.05 * len(cjk):
        return f"{spaced} spaces between Chinese characters (words separated as in Korean or Japanese)"
    return None


# Common and rare CJK, code points the CJK blocks leave unassigned, kana, hangul, Latin-1,
# pinyin tone vowels, spaces and punctuation.
_MIXED = st.sampled_from(
    list("密云区保水政府工作报告㐀䶵鿿\u9ffd\ufa6e\ufa6f丟衹嬫惌枾塤") + list("かナ한글ñÄāǜ abc，。 \n?")
)


@settings(max_examples=400, deadline=None)
@given(st.text(_MIXED, max_size=60))
def test_chinese_text_check_equals_its_definition(sample):
    chinese_text_problem.cache_clear()
    assert chinese_text_problem(sample) == _plain_chinese_text_problem(sample)


def test_binary_bytes_are_still_binary():
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    path = Path(__file__).parent / "fixtures" / "extract" / "make_extract_fixtures.py"  # any text file to name
    from miyun_text.decode import decode_text

    with pytest.raises(BinaryFileError, match=r"NUL byte at offset 8.*saved with its own extension"):
        decode_text(data, path)


# ---------------------------------------------------------------- saved pages, PDFs, Word files


@pytest.mark.parametrize(("name", "charset"), [("page_gbk.html", "gb18030"), ("page_utf8.htm", "utf-8")])
def test_saved_page_main_text_with_its_charset(name, charset):
    raw = read_raw(EXTRACT / name)
    assert raw.encoding == charset
    assert raw.extraction.startswith("html (trafilatura 2.3.1, charset") and "declared by the page" in raw.extraction
    lines = raw.text.splitlines()
    assert lines[0] == "2025年北京市怀柔区政府工作报告"
    assert lines[1] == "各位代表："
    assert "2025年是“十四五”规划收官之年。全区经济社会发展的主要预期目标是：地区生产总值增长5%左右。" in lines
    for boilerplate in ("首页", "政务公开</a>", "分享到", "微博", "版权所有", "京ICP备", "统计代码", "广告", "&nbsp;",
                        "&ldquo;", "字号", "color"):
        assert boilerplate not in raw.text


def test_pdf_lines_are_joined_into_whole_paragraphs():
    raw = read_raw(EXTRACT / "report.pdf")
    assert raw.encoding == "pdf"
    assert "2 page(s)" in raw.extraction and "2 page-number line(s) dropped" in raw.extraction
    lines = raw.text.splitlines()
    assert lines[0] == "2025年北京市怀柔区政府工作报告"
    review = [line for line in lines if line.startswith("过去一年")]
    assert review == [
        "过去一年，全区上下坚持稳中求进工作总基调，地区生产总值增长5.5%，一般公共预算收入增长6.2%，"
        "怀柔科学城建设取得新进展，综合性国家科学中心五个大科学装置全面投入运行，科技成果转化步伐明显加快。"
    ]
    assert not any(line.startswith("- ") for line in lines)
    parsed = parse_report(raw.text, "pdf", 2025)
    assert parsed.drop_duplicates("part_no")["part_kind"].tolist() == ["preamble", "review", "plan", "self-building"]


def test_pdf_and_page_and_word_file_give_the_same_report():
    pdf = read_raw(EXTRACT / "report.pdf").text.splitlines()
    docx = read_raw(EXTRACT / "report.docx").text.splitlines()
    page = read_raw(EXTRACT / "page_gbk.html").text.splitlines()
    assert pdf == page == docx[: len(pdf)]
    closing = "各位代表，让我们团结一心，奋力谱写怀柔高质量发展新篇章！"
    assert docx[len(pdf) :] == ["指标 2025年目标", "地区生产总值 增长5%左右", closing]


def test_what_pypdf_reads_past_goes_into_the_extraction_note_not_onto_the_terminal(capfd):
    data = (FIXTURES / "extract" / "report.pdf").read_bytes()
    pointer = re.search(rb"startxref\s+(\d+)", data)
    damaged = data[: pointer.start(1)] + str(int(pointer.group(1)) + 7).encode() + data[pointer.end(1):]
    text, how = extract_pdf(damaged)
    assert text == extract_pdf(data)[0]
    assert "pypdf noted 2 problem(s) it read past, first: incorrect startxref pointer" in how
    assert capfd.readouterr().err == ""


def test_scanned_pdf_needs_ocr():
    with pytest.raises(ExtractionError, match=r"scanned\.pdf: this PDF has no text layer .*OCR is needed"):
        read_raw(EXTRACT / "scanned.pdf")


def test_broken_pdf_and_docx_get_clear_errors(tmp_path):
    with pytest.raises(ExtractionError, match="cannot be read as a PDF"):
        extract_pdf(b"%PDF-1.4 truncated", tmp_path / "x.pdf")
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(ExtractionError, match=r"x\.docx: cannot be read as a Word \.docx file"):
        read_raw(bad)


def test_extraction_is_deterministic_and_leaves_the_file_alone():
    path = EXTRACT / "report.pdf"
    before = (path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
    first, second = read_raw(path), read_raw(path)
    assert first == second
    assert (path.stat().st_mtime_ns, first.sha256) == before


# ---------------------------------------------------------------- raw files found by id


def test_raw_file_found_by_id_with_any_accepted_extension(tmp_path):
    shutil.copy(EXTRACT / "report.docx", tmp_path / "huairou_2025.docx")
    assert find_raw(tmp_path, "huairou_2025").name == "huairou_2025.docx"
    (tmp_path / "huairou_2025.txt").write_text("怀柔", encoding="utf-8")
    with pytest.raises(DuplicateReportError, match=r"'huairou_2025' has 2 raw files \(huairou_2025\.docx, "):
        find_raw(tmp_path, "huairou_2025")
    with pytest.raises(MissingFileError, match=r"miyun_2030\.txt: file not found \(nor \.html"):
        find_raw(tmp_path, "miyun_2030")


# ---------------------------------------------------------------- add a report in one step


def _project(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "corpus", data)
    return data


def test_region_slug_and_generated_ids():
    assert [region_slug(r) for r in ("密云区", "怀柔区", "浙江省", "湖州市", "正定县", "内蒙古自治区", "长沙市")] == [
        "miyun", "huairou", "zhejiang", "huzhou", "zhengding", "neimenggu", "changsha"]
    assert region_slug("城区") == "chengqu"


def test_add_report_copies_bytes_and_appends_a_valid_row(tmp_path):
    data = _project(tmp_path)
    manifest_before = (data / "reports.csv").read_bytes()
    added = add_report(ENCODINGS / "gbk.txt", region="密云区", year=2025, delivered_on="2025-01-08",
                       source_url="http://example.org/r.html", data_dir=data)
    assert added.report_id == "miyun_2025"
    assert added.raw_path == data / "raw" / "miyun_2025.txt"
    assert added.raw_path.read_bytes() == (ENCODINGS / "gbk.txt").read_bytes()
    assert added.sha256 == hashlib.sha256(added.raw_path.read_bytes()).hexdigest()
    assert (added.encoding, added.parts, added.sections, added.unrepaired.empty) == ("gb18030", 2, 1, True)
    assert (data / "reports.csv").read_bytes().startswith(manifest_before)
    manifest = read_manifest(data)
    assert list(manifest.columns) == MANIFEST_COLUMNS
    row = manifest.set_index("report_id").loc["miyun_2025"]
    assert (row["region"], row["level"], row["year"]) == ("密云区", "区", 2025)
    assert row["title"] == "2025年密云区政府工作报告"
    assert row["raw_sha256"] == added.sha256 and row["delivered_on"] == "2025-01-08"
    corpus = load_corpus(data)
    assert corpus["report_id"].tolist()[-1] == "miyun_2025"
    assert corpus["year"].tolist() == [2021, 2022, 2023, 2025]


def test_add_report_takes_pages_pdfs_and_word_files_and_dedupes_ids(tmp_path):
    data = _project(tmp_path)
    ids = [add_report(EXTRACT / name, region="怀柔区", year=2025, data_dir=data).report_id
           for name in ("report.pdf", "page_gbk.html", "report.docx")]
    assert ids == ["huairou_2025", "huairou_2025_2", "huairou_2025_3"]
    assert sorted(p.name for p in (data / "raw").glob("huairou_*")) == [
        "huairou_2025.pdf", "huairou_2025_2.html", "huairou_2025_3.docx"]
    reports = load_reports(data).set_index("report_id")
    assert reports.loc["huairou_2025_2", "extraction"].startswith("html (trafilatura")
    assert reports.loc["huairou_2025", "encoding"] == "pdf"
    texts = load_corpus(data).set_index("report_id")["text"]
    assert texts["huairou_2025"].splitlines()[:10] == texts["huairou_2025_2"].splitlines()[:10]


def test_add_report_refuses_bad_input_without_writing(tmp_path):
    data = _project(tmp_path)
    before = sorted(p.name for p in (data / "raw").iterdir()), (data / "reports.csv").read_bytes()
    with pytest.raises(UndecodableFileError, match=r"shift_jis\.txt"):
        add_report(ENCODINGS / "shift_jis.txt", region="密云区", year=2025, data_dir=data)
    with pytest.raises(ExtractionError, match="OCR"):
        add_report(EXTRACT / "scanned.pdf", region="密云区", year=2025, data_dir=data)
    with pytest.raises(ManifestError, match=r"is not a report id"):
        add_report(ENCODINGS / "utf8.txt", region="密云区", year=2025, report_id="Miyun 2025", data_dir=data)
    with pytest.raises(DuplicateReportError, match="fixture_2021"):
        add_report(ENCODINGS / "utf8.txt", region="密云区", year=2025, report_id="fixture_2021", data_dir=data)
    first = add_report(ENCODINGS / "utf8.txt", region="密云区", year=2025, data_dir=data)
    with pytest.raises(DuplicateReportError, match=rf"already holds this file as report '{first.report_id}'"):
        add_report(ENCODINGS / "utf8.txt", region="怀柔区", year=2026, data_dir=data)
    before = sorted(p.name for p in (data / "raw").iterdir()), (data / "reports.csv").read_bytes()
    with pytest.raises(ManifestError, match="not a date"):
        add_report(ENCODINGS / "utf8.txt", region="密云区", year=2025, delivered_on="8/1/2025", data_dir=data)
    (tmp_path / "r.rtf").write_bytes(b"{\\rtf1 report}")
    with pytest.raises(UndecodableFileError, match=r"extension '\.rtf' is not accepted"):
        add_report(tmp_path / "r.rtf", region="密云区", year=2025, data_dir=data)
    with pytest.raises(MissingFileError, match="give the path of the report file"):
        add_report(tmp_path / "missing.txt", region="密云区", year=2025, data_dir=data)
    assert (sorted(p.name for p in (data / "raw").iterdir()), (data / "reports.csv").read_bytes()) == before


def test_add_report_keeps_a_bom_manifest_and_the_bundled_report(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    for name in ("reports.csv", "errata.csv"):
        shutil.copy(DATA / name, data / name)
    (data / "reports.csv").write_bytes(b"\xef\xbb\xbf" + (DATA / "reports.csv").read_bytes())
    added = add_report(ENCODINGS / "utf16le.txt", region="密云区", year=2025, data_dir=data)
    assert (data / "reports.csv").read_bytes().startswith(b"\xef\xbb\xbfreport_id,")
    assert read_manifest(data)["report_id"].tolist() == ["miyun_2024", added.report_id]


def test_cli_add_prints_what_it_found(tmp_path, capsys):
    data = _project(tmp_path)
    code = main(["--data", str(data), "add", str(ENCODINGS / "big5.txt"), "--region", "密云区", "--year", "2025",
                 "--title", "2025年北京市密云区政府工作报告", "--id", "miyun-2025b"])
    out = capsys.readouterr().out
    assert code == 0
    assert "added miyun-2025b" in out and "encoding: big5" in out
    assert "parts: 2, sections: 1, paragraphs: 6" in out and "unrepaired spans: 0" in out
    refused = ["--data", str(data), "add", str(ENCODINGS / "euc_kr.txt"), "--region", "密云区", "--year", "2025"]
    assert main(refused) == 1
    assert "euc_kr.txt" in capsys.readouterr().err


def test_page_without_a_usable_charset_is_judged_by_its_words():
    from opencc import OpenCC

    from miyun_text.extract import extract_html

    body = ("<html><body><article><p>各位代表：</p><p>现在，我代表区人民政府向大会报告工作，请予审议。</p>"
            "<p>过去一年，全区经济运行稳中有进，生态保护取得新成效。</p></article></body></html>")
    assert extract_html(body.encode("gbk"))[1].endswith("charset gb18030 detected)")
    assert "charset big5 detected" in extract_html(OpenCC("s2t").convert(body).encode("big5"))[1]
    wrong = body.replace("<html>", '<html><head><meta charset="utf-8"></head>').encode("gbk")
    text, how = extract_html(wrong)
    assert text.startswith("各位代表：\n现在") and "declares utf-8, which its bytes are not" in how
    with pytest.raises(ExtractionError, match=r"k\.html: the page's text is not Chinese.*cp949"):
        extract_html(("<html><body><p>" + "밀운구 정부 업무 보고서입니다. 지난해 총생산은 증가했습니다. " * 3
                      + "</p></body></html>").encode("euc-kr"), "k.html")


def test_a_second_report_of_a_region_and_year_is_added_with_a_warning_and_its_session(tmp_path, capsys):
    data = _project(tmp_path)
    first = add_report(ENCODINGS / "big5.txt", region="密云区", year=2025, delivered_on="2025-01-08", data_dir=data)
    assert first.report_id == "miyun_2025" and first.warnings == []
    code = main(["--data", str(data), "add", str(ENCODINGS / "utf16le.txt"), "--region", "密云区", "--year", "2025",
                 "--session", "区第三届人民代表大会第五次会议"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == (
        "warning: 密云区 2025 already has report 'miyun_2025' (delivered 2025-01-08, no session); this one is added "
        "as 'miyun_2025_2', and both count in every 密云区 and 2025 view. Give --delivered-on so the two are told "
        "apart; the latest delivered is the one the within-report views describe.")
    assert "added miyun_2025_2" in out
    row = read_manifest(data).set_index("report_id").loc["miyun_2025_2"]
    assert row["session"] == "区第三届人民代表大会第五次会议"
    other = add_report(ENCODINGS / "gbk.txt", region="怀柔区", year=2025, data_dir=data)
    assert other.warnings == []  # another region of the same year is no second report

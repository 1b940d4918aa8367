"""Ingestion: manifest, checksums, encodings and the errors bad input gets."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import DATA, FIXTURES
from pandas.testing import assert_frame_equal

from miyun_text.corpus import load_corpus, load_reports, open_corpus, read_manifest, read_raw
from miyun_text.errors import (
    BinaryFileError,
    ChecksumMismatchError,
    DuplicateReportError,
    EmptyFileError,
    ErrataError,
    ManifestError,
    MissingFileError,
    MiyunTextError,
    UndecodableFileError,
    UnrepairedDamageError,
)

RAW_SHA = "ad82fe8615a6b937d6771577cd33c5792127362641dcdc3767776415ddfcf8e8"
HEADER = "report_id,year,region,level,title,delivered_on,session,source_url,raw_sha256,notes\n"


def make_project(tmp_path: Path, raw: bytes, report_id: str = "r_2024", sha: str | None = None) -> Path:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / f"{report_id}.txt").write_bytes(raw)
    digest = sha or hashlib.sha256(raw).hexdigest()
    (data / "reports.csv").write_text(HEADER + f"{report_id},2024,密云区,区,标题,2024-01-04,会议,,{digest},\n",
                                      encoding="utf-8")
    return data


def test_bundled_raw_file_is_the_shared_corpus_byte_for_byte():
    assert hashlib.sha256((DATA / "raw" / "miyun_2024.txt").read_bytes()).hexdigest() == RAW_SHA
    shared = DATA.parents[1] / "shared" / "corpus" / "miyun_2024_raw.txt"
    if shared.exists():
        assert shared.read_bytes() == (DATA / "raw" / "miyun_2024.txt").read_bytes()


def test_manifest_row_of_the_bundled_report():
    row = read_manifest(DATA).iloc[0]
    assert row["report_id"] == "miyun_2024"
    assert row["year"] == 2024
    assert row["region"] == "密云区" and row["level"] == "区"
    assert row["delivered_on"] == "2024-01-04"
    assert row["session"] == "第三届人民代表大会第四次会议"
    assert row["source_url"] == "http://m.ilynn.cn/document_detail/119169.html"
    assert row["raw_sha256"] == RAW_SHA


def test_load_corpus_returns_manifest_columns_encoding_and_clean_text(corpus, opened):
    assert list(corpus["report_id"]) == ["miyun_2024"]
    assert corpus.loc[0, "encoding"] == "utf-8"
    assert corpus.loc[0, "text"].startswith("2024年北京市密云区政府工作报告—全文\n政府工作报告\n")
    assert corpus.loc[0, "n_repairs"] == len(opened.repairs)
    assert corpus.loc[0, "label"] == "密云区 2024"
    assert_frame_equal(corpus, opened.reports)


def test_loading_never_writes_the_raw_file():
    path = DATA / "raw" / "miyun_2024.txt"
    before = (path.stat().st_mtime_ns, path.read_bytes())
    load_reports(DATA)
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_encodings_are_detected(tmp_path, encoding, expected):
    path = tmp_path / "r.txt"
    path.write_bytes("密云区政府工作报告\r\n保水".encode(encoding))
    raw = read_raw(path)
    assert raw.encoding == expected
    assert raw.text == "密云区政府工作报告\n保水"


def test_fixture_corpus_mixes_encodings(fixture_corpus):
    assert fixture_corpus["encoding"].tolist() == ["utf-8", "gb18030", "utf-8-sig"]
    assert fixture_corpus["year"].tolist() == [2021, 2022, 2023]


def test_checksum_mismatch_names_file_and_fix(tmp_path):
    data = make_project(tmp_path, "保水".encode(), sha="0" * 64)
    with pytest.raises(ChecksumMismatchError, match=r"r_2024\.txt: sha256 is .* update raw_sha256"):
        load_reports(data)


def test_missing_raw_file(tmp_path):
    data = make_project(tmp_path, "保水".encode())
    (data / "raw" / "r_2024.txt").unlink()
    with pytest.raises(MissingFileError, match=r"r_2024\.txt: file not found"):
        load_reports(data)


def test_empty_file(tmp_path):
    data = make_project(tmp_path, b"  \n")
    with pytest.raises(EmptyFileError, match=r"r_2024\.txt: file is empty"):
        load_reports(data)


def test_binary_file_names_the_offset(tmp_path):
    data = make_project(tmp_path, b"%PDF-1.4\x00\x01")
    with pytest.raises(BinaryFileError, match="NUL byte at offset 8"):
        load_reports(data)


def test_undecodable_file_names_the_offset(tmp_path):
    data = make_project(tmp_path, "保水".encode() + b"\xff\xff\xff")
    with pytest.raises(UndecodableFileError, match="byte offset 6"):
        load_reports(data)


def test_duplicate_report_id_names_both_lines(tmp_path):
    data = make_project(tmp_path, "保水".encode())
    with open(data / "reports.csv", "a", encoding="utf-8") as handle:
        handle.write(f"r_2024,2025,密云区,区,标题,,,,{'a' * 64},\n")
    with pytest.raises(DuplicateReportError, match=r"reports\.csv:3: report_id 'r_2024' already used on line 2"):
        read_manifest(data)


def test_manifest_missing_column(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "reports.csv").write_text("report_id,year\nx,2024\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="missing column"):
        read_manifest(data)


def test_manifest_bad_year(tmp_path):
    data = make_project(tmp_path, "保水".encode())
    text = (data / "reports.csv").read_text(encoding="utf-8").replace(",2024,", ",二〇二四,")
    (data / "reports.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError, match=r"reports\.csv:2: year"):
        read_manifest(data)


def test_errors_share_one_base_class():
    for cls in (ChecksumMismatchError, EmptyFileError, ErrataError, UnrepairedDamageError):
        assert issubclass(cls, MiyunTextError)


def test_errata_mismatch_names_the_errata_line(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    shutil.copy(DATA / "reports.csv", data / "reports.csv")
    lines = (DATA / "errata.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("miyun_2024,3741,", "miyun_2024,3740,")
    (data / "errata.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ErrataError, match=r"errata\.csv:2: .*it occurs at offset\(s\) \[3741\]"):
        load_corpus(data)


def test_missing_errata_row_raises_unrepaired_damage(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    shutil.copy(DATA / "reports.csv", data / "reports.csv")
    lines = (DATA / "errata.csv").read_text(encoding="utf-8").splitlines()
    (data / "errata.csv").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(UnrepairedDamageError, match=r"raw offset 32664: '\?\?v深推進'.*data/errata\.csv"):
        load_corpus(data)
    flagged = open_corpus(data, strict=False).repairs
    assert flagged[flagged["step"] == "unrepaired"]["raw_offset"].tolist() == [32664]


def test_adding_a_report_is_one_file_and_one_row(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "corpus", data)
    raw = "2024年北京市密云区政府工作报告\n一、2023年工作回顾\n保水。".encode()
    (data / "raw" / "fixture_2024.txt").write_bytes(raw)
    with open(data / "reports.csv", "a", encoding="utf-8") as handle:
        handle.write(f"fixture_2024,2024,密云区,区,标题,,,,{hashlib.sha256(raw).hexdigest()},\n")
    assert load_corpus(data)["year"].tolist() == [2021, 2022, 2023, 2024]

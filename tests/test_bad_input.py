"""Every documented input problem: our error class, a message naming the place, raw files untouched.

Each case works on a copy of data/ in a temporary folder and checks afterwards that
every raw file still has the sha256 it had before.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DATA, ROOT

from miyun_text.build import build_processed
from miyun_text.clean import clean_text
from miyun_text.cli import main
from miyun_text.corpus import load_corpus, read_errata, read_manifest
from miyun_text.errors import (
    DictionaryError,
    DuplicateReportError,
    ErrataError,
    ManifestError,
    MiyunTextError,
    ResourceError,
)
from miyun_text.segment import read_user_dict

HEADER = "report_id,year,region,level,title,delivered_on,session,source_url,raw_sha256,notes\n"
SMALL = ("2024年北京市怀柔区政府工作报告\n一、2023年工作回顾\n保水工作扎实推进。\n"
         "二、2024年工作安排\n守护好水库。\n").encode()


def _hashes(data: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((data / "raw").iterdir())}


@pytest.fixture
def bundled(tmp_path):
    """A copy of the project's data/ (raw, manifest, errata) and the raw files' sha256."""
    data = tmp_path / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    for name in ("reports.csv", "errata.csv"):
        shutil.copy(DATA / name, data / name)
    before = _hashes(data)
    yield data
    assert _hashes(data) == before  # raw files are never written


@pytest.fixture
def small(tmp_path):
    """A one-report project whose text needs no repair at all, and its raw sha256."""
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / "huairou_2024.txt").write_bytes(SMALL)
    _manifest(data, [("huairou_2024", "2024", hashlib.sha256(SMALL).hexdigest())])
    before = _hashes(data)
    yield data
    assert _hashes(data) == before


def _manifest(data: Path, rows: list[tuple[str, str, str]], encoding: str = "utf-8") -> None:
    body = "".join(f"{rid},{year},怀柔区,区,标题,,,,{sha},\n" for rid, year, sha in rows)
    (data / "reports.csv").write_bytes((HEADER + body).encode(encoding))


# ------------------------------------------------------------------ errata that prove themselves


def test_an_erratum_the_bytes_do_not_reproduce_fails_the_check(bundled, capsys):
    text = (bundled / "errata.csv").read_text(encoding="utf-8").replace("（一）聚焦保水保生态", "（一）聚焦保水生态")
    (bundled / "errata.csv").write_text(text, encoding="utf-8")
    assert main(["--data", str(bundled), "errata", "check", "--propose", "1"]) == 1
    captured = capsys.readouterr()
    assert "FAILED    miyun_2024 offset 18900 (errata line 17)" in captured.out
    assert "reproduces the bytes: （一）聚焦保水保生态" in captured.out
    assert captured.err.strip() == ("miyun-text: 1 errata row(s) failed the forward model; fix them in "
                                    "data/errata.csv")


# ------------------------------------------------------------------ safe ids and a safe processed folder


@pytest.mark.parametrize("report_id", ["../raw/miyun_2024", "/tmp/miyun_2024", "Miyun_2024", "_x", "a b"])
def test_report_id_that_is_a_path_is_refused_before_any_file_is_opened(bundled, report_id):
    sha = hashlib.sha256((bundled / "raw" / "miyun_2024.txt").read_bytes()).hexdigest()
    _manifest(bundled, [(report_id, "2024", sha)])
    with pytest.raises(ManifestError, match=r"reports\.csv:2: report_id: .* is not a report id"):
        build_processed(bundled)
    assert not (bundled / "processed").exists()
    # nothing but the data folder's lock file beside the inputs
    assert sorted(p.name for p in bundled.iterdir() if p.name != ".lock") == ["errata.csv", "raw", "reports.csv"]


def test_report_ids_are_unique(small):
    sha = hashlib.sha256(SMALL).hexdigest()
    _manifest(small, [("huairou_2024", "2024", sha), ("huairou_2024", "2025", sha)])
    with pytest.raises(DuplicateReportError, match=r"reports\.csv:3: .* already used on line 2"):
        read_manifest(small)


def test_clean_with_no_repairs_builds_a_valid_folder(small):
    paths = build_processed(small)
    assert sorted(paths) == ["huairou_2024", "paragraphs", "repair_summary", "repairs"]
    repairs = pd.read_csv(paths["repairs"], encoding="utf-8-sig")
    assert list(repairs.columns) == ["report_id", "raw_offset", "offset", "before", "after", "step", "evidence"]
    assert repairs.empty
    summary = pd.read_csv(paths["repair_summary"], encoding="utf-8-sig")
    assert summary["repairs"].sum() == 0 and len(summary) == 6
    assert main(["--data", str(small), "clean"]) == 0


def test_an_empty_manifest_builds_empty_tables_with_their_columns(small):
    (small / "reports.csv").write_text(HEADER, encoding="utf-8")
    paths = build_processed(small)
    assert sorted(p.name for p in (small / "processed").iterdir()) == [
        "paragraphs.csv", "repair_summary.csv", "repairs.csv"]
    assert list(pd.read_csv(paths["repair_summary"], encoding="utf-8-sig").columns) == [
        "report_id", "step", "repairs", "chars_before", "chars_after"]
    paragraphs = pd.read_csv(paths["paragraphs"], encoding="utf-8-sig")
    assert paragraphs.empty and "text" in paragraphs.columns


def test_files_of_reports_gone_from_the_manifest_disappear(small):
    build_processed(small)
    (small / "processed" / "stale_2019.txt").write_text("old", encoding="utf-8")
    build_processed(small)
    assert sorted(p.name for p in (small / "processed").iterdir()) == [
        "huairou_2024.txt", "paragraphs.csv", "repair_summary.csv", "repairs.csv"]
    assert not [p for p in small.iterdir() if p.name.startswith(".processed")]


def test_a_failed_build_leaves_the_processed_folder_as_it_was(small):
    build_processed(small)
    before = {p.name: p.read_bytes() for p in (small / "processed").iterdir()}
    _manifest(small, [("huairou_2024", "2024", "0" * 64)])
    with pytest.raises(MiyunTextError, match="sha256"):
        build_processed(small)
    assert {p.name: p.read_bytes() for p in (small / "processed").iterdir()} == before


# ------------------------------------------------------------------ idempotence


@pytest.mark.parametrize(("raw", "once"), [("乾(qián)", "乾\n"), ("a: \nb", "a：\nb\n"), ("保水; \t\n", "保水；\n")])
def test_cleaning_twice_gives_the_same_text(raw, once):
    assert clean_text(raw).text == once
    assert clean_text(once).text == once


# ------------------------------------------------------------------ every error is ours


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_manifest_in_the_wrong_encoding(small, encoding):
    _manifest(small, [("huairou_2024", "2024", hashlib.sha256(SMALL).hexdigest())], encoding=encoding)
    with pytest.raises(ManifestError, match=r"reports\.csv:\d+: byte offset \d+ is not UTF-8.*re-save it as UTF-8"):
        read_manifest(small)


def test_errata_in_the_wrong_encoding(bundled):
    text = (bundled / "errata.csv").read_text(encoding="utf-8")
    (bundled / "errata.csv").write_bytes(text.encode("gb18030"))
    with pytest.raises(ErrataError, match=r"errata\.csv:2: byte offset \d+ is not UTF-8 \(the file looks like GBK\)"):
        load_corpus(bundled)


def test_user_dictionary_in_the_wrong_encoding(small):
    path = small / "words.txt"
    path.write_bytes("保水 5 n\n接诉即办 3\n".encode("gbk"))
    with pytest.raises(DictionaryError, match=r"words\.txt:1: byte offset 0 is not UTF-8"):
        read_user_dict(path)


def test_theme_lexicon_in_the_wrong_encoding(small):
    from miyun_text.themes import load_themes

    path = small / "themes.yaml"
    path.write_bytes("themes:\n  water:\n    label: 保水\n".encode("gbk"))
    with pytest.raises(ResourceError, match=r"themes\.yaml:3: byte offset \d+ is not UTF-8"):
        load_themes(path)


@pytest.mark.parametrize("year", ["20240000000000000000", "1066", "２０２４", "2024.0", ""])
def test_out_of_range_or_malformed_years(small, year):
    _manifest(small, [("huairou_2024", year, hashlib.sha256(SMALL).hexdigest())])
    with pytest.raises(ManifestError, match=r"reports\.csv:2: year .* is not a year between 1949 and 2100"):
        read_manifest(small)


@pytest.mark.parametrize("line", ["保水 ² n", "保水 ²", "保水 ５ n", "保水 -3 n"])
def test_odd_frequencies_in_a_user_dictionary(small, line):
    path = small / "words.txt"
    path.write_text(f"接诉即办 3 n\n{line}\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"words\.txt:2: frequency .* is not a whole number"):
        read_user_dict(path)


@pytest.mark.parametrize(
    ("body", "where"),
    [('huairou_2024,2024,"怀柔区,区,标题,,,,x,\n', "reports.csv:2: malformed CSV"),
     ("huairou_2024,2024,怀柔区,区,标题,a,b,c,d,e,f,g\n", "reports.csv:2: 12 fields but the header has 10"),
     ('huairou_2024,2024,"怀柔"区,区,标题,,,,x,\n', "reports.csv:2: malformed CSV")],
)
def test_malformed_csv_quoting(small, body, where):
    (small / "reports.csv").write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ManifestError, match=where.replace(".", r"\.")):
        read_manifest(small)


def test_errata_rows_for_an_unknown_report(bundled):
    with open(bundled / "errata.csv", "a", encoding="utf-8") as handle:
        handle.write("miyun_2025,10,?x,气,evidence,,\n")
    with pytest.raises(ErrataError, match=r"errata\.csv:25: report 'miyun_2025' is not in reports\.csv"):
        load_corpus(bundled)


@pytest.mark.parametrize("offset", ["-5", "1e3", "３"])
def test_negative_or_malformed_errata_offsets(bundled, offset):
    with open(bundled / "errata.csv", "a", encoding="utf-8") as handle:
        handle.write(f"miyun_2024,{offset},?x,气,evidence,,\n")
    with pytest.raises(ErrataError, match=r"errata\.csv:25: offset .* is not a whole number from 0 up"):
        read_errata(bundled)


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_missing_text_cells_are_empty_paragraphs_not_words(missing):
    from miyun_text.keywords import extract_keywords
    from miyun_text.themes import theme_frequencies
    from miyun_text.vocabulary import quoted_terms

    texts = pd.Series(["守护密云水库。", missing, "推进“两山”转化。"], dtype=object)
    paragraphs = pd.DataFrame({"report_id": ["r"] * 3, "text": texts})
    terms = extract_keywords(paragraphs, top_k=20, min_count=1)["term"].tolist()
    assert not {"nan", "None", "NA", "<NA>"} & set(terms)
    assert "密云水库" in terms
    assert theme_frequencies(paragraphs, by="report")["n_tokens"].iloc[0] == 4
    assert quoted_terms(paragraphs)["term"].tolist() == ["两山"]
    assert quoted_terms(paragraphs["text"])["term"].tolist() == ["两山"]
    from miyun_text.structure import sentences

    assert sentences(paragraphs)["sentence"].tolist() == ["守护密云水库。", "推进“两山”转化。"]


def test_other_non_text_cells_are_refused_naming_the_row():
    from miyun_text.themes import theme_frequencies

    with pytest.raises(TypeError, match=r"text at row 1 is int 5, not text"):
        theme_frequencies(pd.DataFrame({"report_id": ["r", "r"], "text": ["保水", 5]}), by="report")


def test_theme_frequencies_of_a_string_is_a_type_error():
    from miyun_text.themes import theme_frequencies

    with pytest.raises(TypeError, match="theme_frequencies expects a Corpus or a DataFrame"):
        theme_frequencies("text")


def test_compare_accepts_the_packages_own_series():
    from miyun_text.rhetoric import compare

    a = pd.Series(["保水", "保水", "发展", None], dtype="string")
    b = pd.Series(["发展", "发展", "保水"], dtype="string")
    result = compare(a, b, method="g2")
    assert result[["term", "count_a", "count_b"]].values.tolist() == [["保水", 2, 1], ["发展", 1, 2]]
    counts = compare(a.value_counts(), b.value_counts(), method="g2")
    assert counts["term"].tolist() == result["term"].tolist()


# ------------------------------------------------------------------ the command line


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_out_to_a_directory(small, capsys):
    assert main(["--data", str(small), "vocab", "quoted", "--out", str(small)]) == 1
    assert _one_line(capsys.readouterr().err) == f"miyun-text vocab: {small}: is a folder; give a file name"


def test_out_to_a_read_only_folder(small, capsys, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(kwargs.get("dir")))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = small / "ro" / "quoted.csv"
    assert main(["--data", str(small), "vocab", "quoted", "--out", str(target)]) == 1
    assert _one_line(capsys.readouterr().err) == f"miyun-text vocab: {target}: Permission denied"


def test_unwritable_figures_folder(bundled, capsys):
    blocker = bundled.parent / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    assert main(["--data", str(bundled), "figures", "--folder", str(blocker / "figs")]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"miyun-text figures: {blocker / 'figs'}") and "Not a directory" in line


def test_missing_notebook(tmp_path, capsys):
    missing = tmp_path / "nothere.ipynb"
    assert main(["render", str(missing), "--quiet", "--html", str(tmp_path / "html")]) == 1
    assert _one_line(capsys.readouterr().err) == f"miyun-text render: {missing}: No such file or directory"


def test_read_only_cache(small):
    blocker = small.parent / "cache_file"
    blocker.write_text("not a folder", encoding="utf-8")
    env = {**os.environ, "MIYUN_TEXT_CACHE": str(blocker / "cache")}
    result = subprocess.run([sys.executable, "-m", "miyun_text.cli", "--data", str(small), "themes", "--rows", "2"],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert line.startswith(f"miyun-text themes: {blocker / 'cache'}")


def test_ctrl_c_exits_130_with_one_line(small, capsys, monkeypatch):
    import miyun_text.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_clean", interrupted)
    assert main(["--data", str(small), "clean"]) == 130
    assert _one_line(capsys.readouterr().err) == "miyun-text: interrupted"


@pytest.mark.parametrize("argv", [["themes", "--rows", "-1"], ["compare", "--min-count", "-2"],
                                  ["keywords", "--top-k", "-3"], ["themes", "--rows", "x"]])
def test_negative_counts_are_refused_by_the_parser(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "is negative; give 0 or more" in err or "'x' is not a whole number" in err


# ------------------------------------------------------------------ hostile and oversized inputs


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from its objects (numbered from 1; object 1 is the catalog), with a correct xref table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _add(data: Path, source: Path, capsys, *extra: str) -> str:
    """Run `miyun-text add` on ``source``: it must fail with status 1 and one line, adding nothing."""
    manifest = (data / "reports.csv").read_bytes()
    raw = sorted(p.name for p in (data / "raw").iterdir())
    assert main(["--data", str(data), "add", str(source), "--region", "怀柔区", "--year", "2025", *extra]) == 1
    assert (data / "reports.csv").read_bytes() == manifest
    assert sorted(p.name for p in (data / "raw").iterdir()) == raw
    return _one_line(capsys.readouterr().err)


def test_a_pdf_that_reaches_a_pypdf_limit_is_an_extraction_error(small, capsys):
    from miyun_text.corpus import read_raw
    from miyun_text.extract import ExtractionError

    # a /ToUnicode map of 16 million codes: pypdf raises its LimitReachedError
    cmap = (b"begincmap\n1 begincodespacerange\n<00000000> <FFFFFFFF>\nendcodespacerange\n1 beginbfrange\n"
            b"<00000000> <00FFFFFF> <4E00>\nendbfrange\nendcmap\n")
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>")
    source = small.parent / "limit.pdf"
    source.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                             page, _stream(b"BT /F1 12 Tf 72 720 Td <00000001> Tj ET"),
                             b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
                             _stream(cmap)]))
    with pytest.raises(ExtractionError, match=r"limit\.pdf: this PDF holds a stream that expands beyond pypdf's "
                                              r"safety limit \(Maximum /ToUnicode size"):
        read_raw(source)
    assert "safety limit" in _add(small, source, capsys)


def test_a_password_protected_pdf_is_named_as_such(small, capsys):
    import io

    from pypdf import PdfReader, PdfWriter

    from miyun_text.corpus import read_raw
    from miyun_text.extract import ExtractionError

    fixture = (ROOT / "tests" / "fixtures" / "extract" / "report.pdf").read_bytes()
    # an owner password alone does not stop reading, in any of the ciphers PDFs use
    # (AES needs the cryptography package, a dependency for this reason)
    cases = [("secret", "RC4-128"), ("", "RC4-128"), ("secret", "AES-256"), ("", "AES-128"), ("", "AES-256")]
    for user, algorithm in cases:
        readable = not user
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(fixture)))
        writer.encrypt(user_password=user, owner_password="owner", algorithm=algorithm)
        buffer = io.BytesIO()
        writer.write(buffer)
        source = small.parent / f"locked_{bool(user)}.pdf"
        source.write_bytes(buffer.getvalue())
        if readable:
            assert read_raw(source).text.startswith("2025年北京市怀柔区政府工作报告")
        else:
            with pytest.raises(ExtractionError, match=r"locked_True\.pdf: this PDF is password-protected"):
                read_raw(source)
            assert "password-protected" in _add(small, source, capsys)


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(small, capsys, monkeypatch):
    import io
    import zipfile

    import docx

    from miyun_text.corpus import read_raw
    from miyun_text.extract import MAX_UNZIPPED_BYTES, ExtractionError

    def never(*args, **kwargs):
        raise AssertionError("the archive was unpacked")

    monkeypatch.setattr(docx, "Document", never)
    fixture = ROOT / "tests" / "fixtures" / "extract" / "report.docx"
    # one part of 300 MB of spaces packs into 300 kB: over both the size and the ratio limit
    buffer = io.BytesIO()
    with zipfile.ZipFile(fixture) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            if member.filename != "word/document.xml":
                bomb.writestr(member, source.read(member))
        with bomb.open("word/document.xml", "w") as part:
            block = b" " * (1 << 20)
            for _ in range(MAX_UNZIPPED_BYTES // len(block) + 32):
                part.write(block)
    source = small.parent / "bomb.docx"
    source.write_bytes(buffer.getvalue())
    assert source.stat().st_size < 2_000_000
    with pytest.raises(ExtractionError, match=r"bomb\.docx: would unpack to 30\d\.\d MB, over the limit of "
                                              r"268\.4 MB for a Word file"):
        read_raw(source)
    line = _add(small, source, capsys)
    assert "save the report's text as a .txt file" in line and ".doc must be saved" not in line
    ratio = io.BytesIO()
    with zipfile.ZipFile(ratio, "w", zipfile.ZIP_DEFLATED) as small_bomb:
        small_bomb.writestr("word/document.xml", b" " * (40 << 20))
    source.write_bytes(ratio.getvalue())
    with pytest.raises(ExtractionError, match=r"would unpack 41\.9 MB from .* times; a Word report packs at most"):
        read_raw(source)


def test_an_old_word_file_or_a_locked_docx_gets_its_own_advice(small, capsys):
    from miyun_text.corpus import read_raw
    from miyun_text.extract import ExtractionError

    source = small.parent / "old.docx"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)  # an OLE compound file
    with pytest.raises(ExtractionError, match=r"old\.docx: this is an old Word \.doc file, or a password-protected "
                                              r"\.docx"):
        read_raw(source)
    assert "save it as .docx" in _add(small, source, capsys)


def test_a_symlinked_processed_folder_is_refused_and_nothing_is_left_behind(small, capsys):
    elsewhere = small.parent / "elsewhere"
    elsewhere.mkdir()
    (small / "processed").symlink_to(elsewhere)
    with pytest.raises(MiyunTextError, match=r"processed: is a symbolic link \(to .*elsewhere\); the build replaces"):
        build_processed(small)
    assert main(["--data", str(small), "clean"]) == 1
    assert "rm " in _one_line(capsys.readouterr().err)
    assert sorted(p.name for p in small.iterdir()) == [".lock", "processed", "raw", "reports.csv"]
    assert (small / "processed").is_symlink() and not list(elsewhere.iterdir())


def test_leftovers_of_a_killed_build_are_removed(small):
    (small / ".processed-abc123").mkdir()
    (small / ".processed-old-4242").mkdir()
    (small / ".processed-old-4242" / "x.txt").write_text("old", encoding="utf-8")
    build_processed(small)
    assert sorted(p.name for p in small.iterdir()) == [".lock", "processed", "raw", "reports.csv"]


# ------------------------------------------------------------------ one writer at a time

# a process that holds the lock of folder argv[1] for argv[2] seconds
HOLD = ("import sys, time\nfrom miyun_text.lock import data_lock\nwith data_lock(sys.argv[1]):\n"
        "    print('held', flush=True)\n    time.sleep(float(sys.argv[2]))\n")


def test_a_second_writer_waits_naming_the_holder_then_gives_up(small, capsys):
    from miyun_text.errors import DataLockedError
    from miyun_text.lock import data_lock

    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(small), "30"], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DataLockedError, match=rf"still being written by process {holder.pid} on .* \(.*-c "
                                                  rf".*\) after 1 s; wait for it to finish"):
            with data_lock(small, timeout=1, what="clean"):
                pass
        assert f"is being written by process {holder.pid}" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    with data_lock(small, timeout=5):  # the lock died with its process: nothing stale to clear
        pass
    assert not (small / ".lock.holder").exists()


def test_a_second_writer_that_waits_runs_once_the_first_is_done(small, capsys):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(small), "1"], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    assert holder.stdout.readline().strip() == "held"
    build_processed(small)  # waits, then builds
    assert holder.wait() == 0
    err = capsys.readouterr().err
    assert f"is being written by process {holder.pid}" in err and "before this clean starts" in err
    assert (small / "processed" / "huairou_2024.txt").exists()


# ------------------------------------------------------------------ what the terminal and spreadsheets see


def test_terminal_escape_codes_in_the_data_are_never_printed(small, capsys):
    sha = hashlib.sha256(SMALL).hexdigest()
    region = "怀柔\x1b]0;owned\x07\x1b[2J区\u202e"
    (small / "reports.csv").write_text(HEADER + f'huairou_2024,2024,"{region}",区,标题,,,,{sha},\n', encoding="utf-8")
    assert main(["--data", str(small), "themes", "--by", "region", "--rows", "3"]) == 0
    out = capsys.readouterr().out
    assert "怀柔区" in out and "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_formula_cells_are_written_as_text_unless_raw_cells(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    raw = SMALL + ("推进“=HYPERLINK(\"http://example.com\",\"点击\")”和“@SUM(A1)”及“-3.5”。\n"
                   "万元地区生产总值能耗下降3.5%。\n").encode()
    (data / "raw" / "huairou_2024.txt").write_bytes(raw)
    _manifest(data, [("huairou_2024", "2024", hashlib.sha256(raw).hexdigest())])
    before = _hashes(data)
    out = tmp_path / "quoted.csv"
    assert main(["--data", str(data), "vocab", "quoted", "--out", str(out)]) == 0
    terms = pd.read_csv(out, encoding="utf-8-sig")["term"].tolist()
    assert "'=HYPERLINK（\"http://example.com\"，\"点击\"）" in terms and "'@SUM（A1）" in terms
    assert "-3.5" in terms  # a plain number is no formula
    assert main(["--data", str(data), "vocab", "quoted", "--out", str(out), "--raw-cells"]) == 0
    assert "@SUM（A1）" in pd.read_csv(out, encoding="utf-8-sig")["term"].tolist()
    export = tmp_path / "export"
    assert main(["--data", str(data), "export", "--out", str(export)]) == 0
    assert _hashes(data) == before
    sentences = pd.read_csv(export / "sentences.csv", encoding="utf-8-sig")
    assert not sentences.select_dtypes("object").apply(lambda c: c.str.match(r"[=+\-@]").fillna(False)).any().any()
    assert "leading `'`" in (export / "codebook.md").read_text(encoding="utf-8")
    indicators = pd.read_csv(export / "indicators.csv", encoding="utf-8-sig")  # numbers stay numbers
    assert indicators["value"].tolist() == [3.5] and indicators["direction"].tolist() == ["下降"]
    assert indicators["value"].dtype == "float64" and indicators["year"].dtype == "int64"


def test_ctrl_c_during_render_prints_one_line(tmp_path):
    """Ctrl-C reaches the command and its kernel's process group alike; one line, status 130."""
    import signal
    import time

    import nbformat

    notebook = tmp_path / "01_wait.ipynb"
    started = tmp_path / "started"
    cell = f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(60)"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)]), notebook)
    env = {k: v for k, v in os.environ.items() if k != "MIYUN_TEXT_DATA"}
    command = [sys.executable, "-m", "miyun_text.cli", "render", str(notebook), "--html", str(tmp_path / "html")]
    # as a terminal does: the command in a process group of its own, SIGINT to the whole group
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        for _ in range(600):
            if started.exists() or process.poll() is not None:
                break
            time.sleep(0.1)
        assert started.exists(), process.communicate()
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert _one_line(err) == "miyun-text: interrupted"


def _add_when_released(barrier, results, source, data, region, report_id):
    """One `add` of a concurrent trial (in a forked process): start with the others, report the outcome."""
    from miyun_text.manifest import add_report

    barrier.wait()
    try:
        added = add_report(source, region=region, year=2025, report_id=report_id, data_dir=data)
        results.put(("added", added.report_id, added.sha256))
    except MiyunTextError as err:
        results.put(("refused", type(err).__name__, str(err)))
    except BaseException as err:  # anything else is a failure of the test, reported to it
        results.put(("crashed", type(err).__name__, str(err)))


def test_concurrent_adds_lose_nothing_and_add_nothing_unreported(tmp_path):
    """20 trials of 3–5 `add`s started at once: every report said added is in the manifest with its raw file."""
    import multiprocessing

    from miyun_text.manifest import read_manifest as manifest_of

    context = multiprocessing.get_context("fork")
    for trial in range(20):
        data = tmp_path / f"trial{trial}" / "data"
        (data / "raw").mkdir(parents=True)
        (data / "raw" / "huairou_2024.txt").write_bytes(SMALL)
        _manifest(data, [("huairou_2024", "2024", hashlib.sha256(SMALL).hexdigest())])
        n = 3 + trial % 3
        # the same region and year with generated ids (they collide), distinct ids, or one id for all
        ids = [None] * n if trial % 3 == 0 else [f"r{k}_2025" for k in range(n)] if trial % 3 == 1 else ["same"] * n
        sources = []
        for k in range(n):
            source = tmp_path / f"trial{trial}" / f"source{k}.txt"
            source.write_bytes(SMALL + f"第{k}份报告。\n".encode())
            sources.append(source)
        barrier, results = context.Barrier(n), context.Queue()
        workers = [context.Process(target=_add_when_released, args=(barrier, results, sources[k], data, "密云区",
                                                                     ids[k])) for k in range(n)]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
        assert not [o for o in outcomes if o[0] == "crashed"], outcomes
        added = {o[1]: o[2] for o in outcomes if o[0] == "added"}
        refused = [o for o in outcomes if o[0] == "refused"]
        assert len(added) == (1 if trial % 3 == 2 else n), outcomes
        assert all(o[1] == "DuplicateReportError" for o in refused), refused
        rows = manifest_of(data).set_index("report_id")["raw_sha256"].to_dict()
        assert rows == {"huairou_2024": hashlib.sha256(SMALL).hexdigest(), **added}, (trial, outcomes)
        files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (data / "raw").iterdir()}
        assert files == {f"{rid}.txt": sha for rid, sha in rows.items()}, (trial, outcomes)


# ------------------------------------------------------------------ what a user types as metadata, and sizes


@pytest.mark.parametrize(("field", "value", "message"), [
    ("region", "怀柔\n区", r"--region '怀柔\\n区': holds a line break \(U\+000A\) at position 2"),
    ("region", "怀柔区\x1b]0;x\x07\x1b[2J", r"--region .*: holds a control character \(U\+001B\) at position 3"),
    ("region", "<img src=x onerror=alert(3)>区", r"--region .*: holds '<' at position 0"),
    ("title", "<script>alert(5)</script>报告", r"--title .*: holds '<'"),
    ("session", '"><svg onload=alert(4)>', r"--session .*: holds '>' at position 1"),
    ("region", "怀" * 41 + "区", r"--region .*: 42 characters is over the limit of 40 for the region"),
    ("title", "报告" * 101, r"--title .*: 202 characters is over the limit of 200"),
    ("source_url", "javascript:alert(9)", r"--source-url 'javascript:alert\(9\)': not a web address"),
])
def test_metadata_with_markup_control_characters_or_too_long_is_refused(small, capsys, field, value, message):
    from miyun_text.manifest import add_report

    source = small.parent / "report.txt"
    source.write_bytes(SMALL + "新的报告。\n".encode())
    manifest = (small / "reports.csv").read_bytes()
    options = {"region": "怀柔区", field: value}
    with pytest.raises(ManifestError, match=message):
        add_report(source, year=2025, data_dir=small, **options)
    assert (small / "reports.csv").read_bytes() == manifest and len(list((small / "raw").iterdir())) == 1
    argv = ["--data", str(small), "add", str(source), "--year", "2025"]
    argv += [] if field == "region" else ["--region", "怀柔区"]
    if field != "session":  # the command line has no --session option
        argv += [f"--{field.replace('_', '-')}", value]
        assert main(argv) == 1
        line = _one_line(capsys.readouterr().err)
        assert f"--{field.replace('_', '-')} " in line and "\x1b" not in line


def test_plain_metadata_is_kept_as_given(small):
    from miyun_text.manifest import add_report

    source = small.parent / "report.txt"
    source.write_bytes(SMALL + "新的报告。\n".encode())
    added = add_report(source, region=" 怀柔区 ", year=2025, title="2025年怀柔区政府工作报告（草案）",
                       session="第三届人民代表大会第五次会议", source_url="https://example.org/r?a=1&b=2",
                       data_dir=small)
    row = read_manifest(small).set_index("report_id").loc[added.report_id]
    assert (row["region"], row["title"], row["session"]) == ("怀柔区", "2025年怀柔区政府工作报告（草案）",
                                                             "第三届人民代表大会第五次会议")
    (small / "raw" / f"{added.report_id}.txt").unlink()  # leave the folder as the fixture made it
    _manifest(small, [("huairou_2024", "2024", hashlib.sha256(SMALL).hexdigest())])


def test_a_folder_given_as_the_report_gets_its_own_message(small, capsys):
    from miyun_text.errors import NotAFileError
    from miyun_text.manifest import add_report
    from miyun_text.raw import read_raw

    folder = small.parent / "reports"
    folder.mkdir()
    with pytest.raises(NotAFileError, match=r"reports: is a folder, not a report file"):
        add_report(folder, region="怀柔区", year=2025, data_dir=small)
    with pytest.raises(NotAFileError, match="is a folder"):
        read_raw(folder)
    assert "is a folder, not a report file" in _add(small, folder, capsys)


def test_a_file_over_the_size_limit_needs_large(small, capsys, monkeypatch):
    from miyun_text import raw
    from miyun_text.errors import InputTooLargeError
    from miyun_text.manifest import add_report

    source = small.parent / "long.txt"
    source.write_bytes(SMALL + "保水护水。".encode() * 200)
    monkeypatch.setattr(raw, "MAX_TEXT_BYTES", 2 * 2**10)  # 2 kB stands for 20 MB: the same check, quickly
    with pytest.raises(InputTooLargeError, match=r"long\.txt: 0\.0 MB of text is over the limit of 0 MB for one "
                                                 r"report .* add it with --large"):
        add_report(source, region="怀柔区", year=2025, data_dir=small)
    assert "--large" in _add(small, source, capsys)
    assert main(["--data", str(small), "add", str(source), "--region", "怀柔区", "--year", "2025", "--large"]) == 0
    assert "added huairou_2025" in capsys.readouterr().out
    assert load_corpus(small).shape[0] == 2  # a corpus reads what was added with --large, whatever its size
    (small / "raw" / "huairou_2025.txt").unlink()
    _manifest(small, [("huairou_2024", "2024", hashlib.sha256(SMALL).hexdigest())])


def test_a_pdf_whose_text_is_over_the_limit_needs_large(small, monkeypatch):
    from miyun_text import raw
    from miyun_text.errors import InputTooLargeError

    monkeypatch.setattr(raw, "MAX_TEXT_BYTES", 100)
    pdf = ROOT / "tests" / "fixtures" / "extract" / "report.pdf"
    with pytest.raises(InputTooLargeError, match=r"report\.pdf: .* MB of text is over the limit"):
        raw.read_raw(pdf, large=False)
    monkeypatch.setattr(raw, "MAX_DOCUMENT_BYTES", 100)
    with pytest.raises(InputTooLargeError, match=r"report\.pdf: .* MB of PDF or Word file is over the limit"):
        raw.read_raw(pdf, large=False)
    assert raw.read_raw(pdf).text.startswith("2025年")


def test_an_absurd_errata_offset_names_the_file_and_line(bundled):
    errata = bundled / "errata.csv"
    lines = errata.read_text(encoding="utf-8").splitlines()
    first = lines[1].split(",", 2)
    lines[1] = ",".join([first[0], "9" * 5000, first[2]])
    errata.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ErrataError, match=r"errata\.csv:2: offset 999999999999… has 5,000 digits, far beyond the "
                                          r"end of any report"):
        read_errata(bundled)


def test_ctrl_c_after_the_report_was_added_says_so(small, capsys, monkeypatch):
    from miyun_text import manifest

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(manifest, "parse_report", interrupted)
    source = small.parent / "report.txt"
    source.write_bytes(SMALL + "新的报告。\n".encode())
    assert main(["--data", str(small), "add", str(source), "--region", "怀柔区", "--year", "2025"]) == 130
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("miyun-text: interrupted after adding huairou_2025: ") and "run miyun-text clean" in line
    assert "huairou_2025" in set(read_manifest(small)["report_id"])
    (small / "raw" / "huairou_2025.txt").unlink()
    _manifest(small, [("huairou_2024", "2024", hashlib.sha256(SMALL).hexdigest())])


def test_a_failed_add_removes_only_what_it_made(small, monkeypatch):
    from miyun_text import manifest

    stranger = small / "raw" / "other_2025.txt"  # not in the manifest: someone else's file
    stranger.write_bytes(b"not mine")
    before = (small / "reports.csv").read_bytes()
    source = small.parent / "report.txt"
    source.write_bytes(SMALL + "新的报告。\n".encode())
    with pytest.raises(DuplicateReportError, match=r"other_2025.*already used"):
        manifest.add_report(source, region="怀柔区", year=2025, report_id="other_2025", data_dir=small)
    assert stranger.read_bytes() == b"not mine"
    calls = []

    def failing_check(folder):
        calls.append(folder)
        if len(calls) == 2:  # the check of the manifest with the new row
            raise ManifestError("reports.csv:3: refused for the test")
        return read_manifest(folder)

    monkeypatch.setattr(manifest, "read_manifest", failing_check)
    with pytest.raises(ManifestError, match="refused for the test"):
        manifest.add_report(source, region="怀柔区", year=2025, data_dir=small)
    assert (small / "reports.csv").read_bytes() == before
    assert sorted(p.name for p in (small / "raw").iterdir()) == ["huairou_2024.txt", "other_2025.txt"]
    stranger.unlink()


def test_long_texts_are_checked_and_decoded_in_blocks_with_the_same_result(raw_text, monkeypatch):
    from miyun_text import decode

    whole = decode.chinese_text_problem(raw_text), decode.chinese_text_problem("ｱｲｳ" * 50 + raw_text[:3000])
    data = raw_text.encode("gb18030")
    decoded = decode.decode_text(data, Path("r.txt"))
    monkeypatch.setattr(decode, "_CHECK_BLOCK", 500)
    monkeypatch.setattr(decode, "_DECODE_BLOCK", 256)
    decode.chinese_text_problem.cache_clear()
    assert (decode.chinese_text_problem(raw_text), decode.chinese_text_problem("ｱｲｳ" * 50 + raw_text[:3000])) == whole
    assert decode.decode_text(data, Path("r.txt")) == decoded
    broken = data[:5001] + b"\xff" + data[5001:]
    with pytest.raises(decode.UndecodableFileError, match=r"not gb18030 at byte offset 5001;"):
        decode.decode_text(broken, Path("r.txt"))

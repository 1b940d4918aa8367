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
    assert sorted(p.name for p in bundled.iterdir()) == ["errata.csv", "raw", "reports.csv"]


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

"""The miyun-text command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DATA

from miyun_text.cli import main

SUBCOMMANDS = ["clean", "keywords", "themes", "vocab", "compare", "figures", "render", "errata"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: miyun-text" in capsys.readouterr().out


def test_vocab_writes_excel_friendly_csv(tmp_path):
    out = tmp_path / "quoted.csv"
    assert main(["--data", str(DATA), "vocab", "quoted", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "两山" in data.decode("utf-8-sig")


def test_keywords_and_themes_print_tables(capsys):
    assert main(["--data", str(DATA), "keywords", "--by", "part_kind", "--top-k", "3"]) == 0
    assert main(["--data", str(DATA), "themes", "--by", "part_kind", "--rows", "5"]) == 0
    out = capsys.readouterr().out
    assert "review" in out and "per_10k" in out


def test_compare_labels_the_comparison(capsys):
    assert main(["--data", str(DATA), "compare", "--rows", "3"]) == 0
    assert "within one report" in capsys.readouterr().out


def test_bad_report_id_exits_1(capsys):
    assert main(["--data", str(DATA), "themes", "--report", "nope"]) == 1
    assert "unknown report id(s) ['nope']" in capsys.readouterr().err


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "miyun_text.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "clean" in result.stdout

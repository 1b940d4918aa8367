"""The miyun-text command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DATA

from miyun_text.cli import main

SUBCOMMANDS = ["add", "clean", "keywords", "themes", "vocab", "compare", "figures", "render", "errata", "export"]


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "usage: miyun-text" in out
    # a description beyond the usage line, and every option that has a value by default says it
    assert out.split("\n\n")[1].strip() and "options:" in out
    from miyun_text.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, __import__("argparse")._SubParsersAction)).choices[command]
    for action in sub._actions:
        assert action.help, (command, action.dest)
        if action.option_strings and action.default not in (None, False, "==SUPPRESS=="):
            assert f"(default: {action.default})" in " ".join(out.split()), (command, action.dest)


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


def test_tables_are_aligned_cut_with_a_note_and_fit_the_terminal(capsys, monkeypatch):
    from wcwidth import wcswidth

    monkeypatch.setenv("COLUMNS", "72")
    assert main(["--data", str(DATA), "vocab", "quoted", "--rows", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "showing 4 of 131 (use --rows or --out)"
    assert all(wcswidth(line) <= 72 for line in lines)
    assert lines[0].split() == ["term", "count", "kind", "first_context"]
    assert any("“两山”" in line for line in lines)  # the context shows the term, however far into the sentence


def test_compare_says_the_comparison_once(capsys):
    assert main(["--data", str(DATA), "compare", "--rows", "3"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "comparison: 密云区 2024: review 2023 vs plan 2024 (within one report)"
    assert out.count("within one report") == 1


def test_help_does_not_import_pandas():
    code = "import sys; from miyun_text.cli import build_parser; build_parser(); print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

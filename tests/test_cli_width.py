"""Every table and help text of the command line fits the terminal it is printed in (80 and 100 columns)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import DATA, FIXTURES
from wcwidth import wcswidth

from miyun_text.cli import main
from miyun_text.tables import terminal_safe, text_table

PANEL = str(FIXTURES / "panel")
TABLE_COMMANDS = [["themes"], ["themes", "--by", "report"], ["themes", "--coverage"], ["keywords"],
                  ["keywords", "--by", "report"], ["vocab", "quoted"], ["vocab", "formulas"], ["vocab", "indicators"],
                  ["vocab", "attainment"], ["compare"]]


def _widest(text: str) -> int:
    return max(wcswidth(line) for line in text.splitlines())


@pytest.mark.parametrize("width", [80, 100])
def test_every_table_command_fits_the_terminal(width, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(width))
    commands = [[str(DATA), *c] for c in TABLE_COMMANDS]
    commands += [[PANEL, "vocab", "attainment"], [PANEL, "themes", "--coverage"],
                 [PANEL, "compare", "--regions", "平谷区", "延庆区", "--year", "2023"]]
    for data, *command in commands:
        assert main(["--data", data, *command, "--rows", "12"]) == 0, command
        out = capsys.readouterr().out
        assert _widest(out) <= width, (command, out)
        assert "miyun_2024" not in out and "huairou_2022" not in out, command  # reports named by label


def test_themes_say_the_report_once_and_name_sections_and_theme_names(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["--data", str(DATA), "themes", "--rows", "30"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "label 密云区 2024"
    assert lines[1].split() == ["section", "theme", "theme_name", "count", "n_tokens", "per_10k", "share"]
    row = next(line for line in lines if line.startswith("一（一）高规格保水保生态") and "ecology" in line)
    assert row.split() == ["一（一）高规格保水保生态", "ecology", "生态环境", "47", "354", "1327.7", "0.540"]


def test_indicators_show_each_figure_as_worded_and_fit(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["--data", str(DATA), "vocab", "indicators", "--rows", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "label 密云区 2024"  # one report: said once
    assert lines[1].split() == ["indicator", "kind", "period", "basis", "figure", "sentence"]
    at = next(k for k, line in enumerate(lines) if line.startswith("地区生产总值"))
    gdp = lines[at:at + 3]
    assert gdp[0].split()[:5] == ["地区生产总值", "expected", "2023", "annual", "380亿元"]
    assert gdp[2].endswith("…")  # the sentence wraps to three lines and says where it was cut
    assert re.fullmatch(r"showing 3 of \d{2,} \(use --rows or --out\)", lines[-1])
    assert max(wcswidth(line) for line in lines) <= 80


def test_an_empty_table_says_why(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["--data", str(DATA), "vocab", "attainment"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no rows: no targets to set against results. That needs two reports of one region")
    assert _widest(out) <= 80 and "target_qualifier" not in out


def test_control_characters_of_the_data_never_reach_the_terminal():
    frame = pd.DataFrame({"term": ["保\x1b[2J水", "红\u202e字", "行\n断"], "note": ["\x07铃", "x\x9by", "同"]})
    out = text_table(frame, width=40)
    assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c in "\u202e" for c in out)
    assert "保水" in out and "红字" in out and "行 断" in out  # whole escape sequences removed
    assert terminal_safe("a\tb\u2028c\u200fd") == "a b cd"


def test_columns_are_never_squeezed_below_their_header_or_a_readable_width():
    frame = pd.DataFrame({"indicator": ["地区生产总值", "地方级收入"] * 2, "change_pct": [4.5, 5.0, 6.1, 7.0],
                          "sentence": [f"初步预计，全年实现地区生产总值{n}亿元，同比增长4.5%。" * 3 for n in range(4)],
                          "part_no": [1, 1, 2, 2], "report_id": ["a", "b", "a", "b"]})
    lines = text_table(frame, width=60).splitlines()
    assert _widest("\n".join(lines)) <= 60
    # positions and ids go first; the header breaks after its underscore rather than squeeze the sentence
    assert " ".join(lines[:2]) == "not shown for want of width: part_no, report_id (--out writes every column)"
    assert lines[2].split() == ["change_"] and lines[3].split() == ["indicator", "pct", "sentence"]
    assert wcswidth(lines[5]) == 60 and lines[7].endswith("…")


@pytest.mark.parametrize("width", [80, 100])
def test_help_wraps_to_the_terminal(width, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(width))
    for command in ([], ["add"], ["vocab"], ["compare"], ["render"], ["export"], ["themes"], ["errata"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        out = capsys.readouterr().out
        assert _widest(out) <= width, command
        if command == ["vocab"]:  # a description's own lines (one kind of table each) are kept
            assert "\nformulas: numbered formulas" in out and "\nattainment: each region's" in out

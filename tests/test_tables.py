"""Tables for people: styled HTML tables that say what they show, and CJK-aligned terminal tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from wcwidth import wcswidth

from miyun_text.tables import centre_context, column_decimals, show_table, text_table


def test_context_is_centred_on_the_term_even_far_into_a_sentence(body):
    from miyun_text.vocabulary import quoted_terms

    quoted = quoted_terms(body)
    at = [str(c).find(f"“{t}”") for t, c in zip(quoted["term"], quoted["first_context"], strict=True)]
    late = quoted[[a > 60 for a in at]]
    assert len(late) > 5  # the old cut at 60 characters lost these terms
    for term, context in zip(late["term"], late["first_context"], strict=True):
        shown = centre_context(context, term, width=20)
        assert term in shown and shown.startswith("…")
        left, right = shown.split(term, 1)
        assert len(left) == 21 and (len(right) == 21 or not right.endswith("…"))


def test_show_table_rounds_aligns_blanks_and_links_the_full_csv(tmp_path):
    frame = pd.DataFrame({
        "term": ["保水", "两山", "接诉即办", "京津冀"],
        "count": pd.array([12, 3, None, 1], dtype="Int64"),
        "z": [2.123456, -1.5, 0.25, None],
        "p_value": [0.000123, 0.5, 0.25, 0.9],
        "per_10k": [537.84, 12.0, 3.3, 0.0],
    })
    html = show_table(frame, "terms", rows=3, folder=tmp_path).to_html()
    assert "showing 3 of 4 rows" in html and "显示 3 / 4 行" in html
    assert 'href="tables/terms.csv"' in html
    data = (tmp_path / "terms.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and len(pd.read_csv(tmp_path / "terms.csv", encoding="utf-8-sig")) == 4
    cells = re.findall(r"<td [^>]*>(.*?)</td>", html)
    assert cells[:5] == ["保水", "12", "2.12", "0.000", "537.8"]
    assert cells[5:10] == ["两山", "3", "-1.50", "0.500", "12.0"]
    assert cells[10:15] == ["接诉即办", "", "0.25", "0.250", "3.3"]  # missing is blank, not <NA>
    assert "<NA>" not in html and "nan" not in html
    assert 'class="blank level0 index' not in html and "row_heading" not in html  # no meaningless index
    assert re.search(r"#T_terms_row\d_col0[^}]*text-align: left", html)
    assert re.search(r"#T_terms_row\d_col1[^}]*text-align: right", html)


def test_show_table_says_all_rows_when_nothing_is_cut_and_keeps_a_meaningful_index(tmp_path):
    frame = pd.DataFrame({"n": [1, 2]}, index=pd.Index(["回顾", "安排"], name="part"))
    html = show_table(frame, rows=5).to_html()
    assert "共 2 行 · 2 rows" in html and "回顾" in html and "tables/" not in html
    assert "共 1 行 · 1 row<" in show_table(frame.head(1), rows=5).to_html()


def test_pivot_of_regions_and_years_reads_as_labels_and_its_csv_keeps_the_rows(tmp_path):
    long = pd.DataFrame({"label": ["生态", "生态", "民生", "民生"], "region": ["密云区", "怀柔区"] * 2,
                         "year": [2023, 2024, 2023, 2024], "per_10k": [12.345, 8.0, None, 3.5]})
    pivot = long.pivot_table(index="label", columns=["region", "year"], values="per_10k", sort=False)
    html = show_table(pivot, "themes_panel", folder=tmp_path).to_html()
    assert re.findall(r'class="col_heading[^"]*" >([^<]*)<', html) == ["密云区 2023", "怀柔区 2024"]
    assert re.findall(r'class="row_heading[^"]*" >([^<]*)<', html) == ["生态", "民生"]
    assert re.findall(r"<td [^>]*>(.*?)</td>", html) == ["12.35", "8.00", "", "3.50"]
    full = pd.read_csv(tmp_path / "themes_panel.csv", encoding="utf-8-sig")
    assert list(full.columns) == ["label", "密云区 2023", "怀柔区 2024"] and full["label"].tolist() == ["生态", "民生"]
    by_year = show_table(long.pivot_table(index="label", columns="year", values="per_10k"), "by_year",
                         folder=tmp_path).to_html()
    assert re.findall(r'class="col_heading[^"]*" >([^<]*)<', by_year) == ["2023", "2024"]


def test_kwic_table_lines_up_on_the_term(body, tmp_path):
    from miyun_text.keywords import kwic

    html = show_table(kwic(body, "保水"), "kwic", rows=5, folder=tmp_path).to_html()
    assert re.search(r"#T_kwic_row\d_col\d[^}]*text-align: right", html)  # left context
    assert "showing 5 of 22 rows" in html


def test_bad_table_name_is_refused():
    with pytest.raises(ValueError, match="file name"):
        show_table(pd.DataFrame({"a": [1]}), "../x")


def test_column_decimals_follow_magnitude():
    frame = pd.DataFrame({"year": [2023, 2024], "rate": [4.5, 16.6], "big": [380.0, 12345.6], "whole": [2.0, 3.0]})
    assert column_decimals(frame) == {"year": 0, "rate": 2, "big": 1, "whole": 0}


def _starts(header: str) -> list[int]:
    """Display-column offsets where each header word starts."""
    return [wcswidth(header[: m.start()]) for m in re.finditer(r"\S+", header)]


def test_text_table_aligns_cjk_by_display_width_and_fits_the_terminal():
    frame = pd.DataFrame({
        "term": ["保水", "京津冀协同发展", "5+2"],
        "count": [22, 3, 2],
        "context": ["密云水库守护全面提质。" * 6, "短", "a" * 10],
    })
    out = text_table(frame, rows=2, width=60)
    lines = out.splitlines()
    assert all(wcswidth(line) <= 60 for line in lines)
    _, count, context = _starts(lines[0])
    assert set(lines[1]) == {"─"}  # a rule under the header
    first = lines[2]
    assert wcswidth(first[: first.index("密云水库")]) == context
    assert wcswidth(first[: first.index("22") + 2]) == count + len("count")  # numbers right-aligned
    second = next(line for line in lines if line.startswith("京津冀"))
    assert wcswidth(second[: second.index("短")]) == context  # same column after 7 wide characters
    assert wcswidth(second[: second.index("3") + 1]) == count + len("count")
    assert lines[-1] == "showing 2 of 3 (use --rows or --out)"
    wrapped = [line for line in lines if "密云" in line or "提质" in line]
    assert len(wrapped) == 3 and wrapped[-1].endswith("…")  # long text wraps, at most three lines


def test_text_table_blanks_missing_values_and_says_nothing_when_complete():
    out = text_table(pd.DataFrame({"词": ["保水", None], "n": pd.array([1, None], dtype="Int64")}), width=40)
    assert "<NA>" not in out and "None" not in out and "showing" not in out

"""The command line on a panel of reports: regions, years, coverage and target attainment."""

from __future__ import annotations

from conftest import FIXTURES

from miyun_text.cli import main

PANEL = str(FIXTURES / "panel")


def test_compare_years_within_a_named_region(capsys):
    assert main(["--data", PANEL, "compare", "--region", "密云区", "--years", "2022", "2023", "--rows", "3"]) == 0
    assert "密云区 2022 vs 密云区 2023" in capsys.readouterr().out


def test_compare_years_without_a_region_names_the_regions(capsys):
    assert main(["--data", PANEL, "compare", "--years", "2022", "2023"]) == 1
    err = capsys.readouterr().err
    assert "regions ['密云区', '平谷区', '延庆区', '怀柔区']" in err and "region=" in err and "Traceback" not in err


def test_compare_regions_within_a_year(capsys):
    assert main(["--data", PANEL, "compare", "--regions", "平谷区", "延庆区", "--year", "2023", "--rows", "3"]) == 0
    assert "平谷区 2023 vs 延庆区 2023" in capsys.readouterr().out
    # one report year shared: --year may be left out; several shared years must be named
    assert main(["--data", PANEL, "compare", "--regions", "平谷区", "延庆区", "--rows", "3"]) == 0
    assert "平谷区 2023 vs 延庆区 2023" in capsys.readouterr().out
    assert main(["--data", PANEL, "compare", "--regions", "怀柔区", "密云区"]) == 1
    err = capsys.readouterr().err
    assert "share the report years [2022, 2023]" in err and "--year" in err and "Traceback" not in err


def test_themes_by_region_and_year_and_coverage(tmp_path, capsys):
    out = tmp_path / "themes.csv"
    assert main(["--data", PANEL, "themes", "--by", "region", "year", "--out", str(out)]) == 0
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("region,year,group,theme,theme_name")
    assert main(["--data", PANEL, "themes", "--coverage"]) == 0
    printed = capsys.readouterr().out
    assert "平谷区 2023" in printed and "coverage" in printed


def test_vocab_attainment(tmp_path):
    out = tmp_path / "attainment.csv"
    assert main(["--data", PANEL, "vocab", "attainment", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "怀柔区,2022,地区生产总值,growth,%,higher,True,6.0,,左右,增长6%左右,4.8,,增长4.8%,-1.2" in text


def test_keywords_by_report_name_the_reports_by_label(capsys):
    assert main(["--data", PANEL, "keywords", "--by", "report", "--top-k", "1"]) == 0
    printed = capsys.readouterr().out
    assert "怀柔区 2022" in printed and "延庆区 2023" in printed
    assert "huairou_2022" not in printed and "yanqing_2023" not in printed
    # --by takes the same groupings as everywhere, several at once; --min-count the same minimum
    assert main(["--data", PANEL, "keywords", "--by", "region", "part_kind", "--top-k", "1", "--min-count", "1"]) == 0
    assert "怀柔区 | review" in capsys.readouterr().out


def test_compare_prints_both_sides_and_says_what_the_columns_mean(capsys):
    assert main(["--data", PANEL, "compare", "--region", "密云区", "--years", "2022", "2023", "--rows", "6",
                 "--min-count", "3"]) == 0
    printed = capsys.readouterr().out
    assert "A = 密云区 2022, B = 密云区 2023" in printed and "score: z of the log-odds ratio" in printed
    assert "effect: the log-odds ratio; variance: its variance" in printed
    first, second = printed.split("more in 密云区 2022 (")[1].split("more in 密云区 2023 (")
    assert "企业" in first and "乡村振兴" in second  # the top term of each side, three rows each
    assert first.count("\n") >= 4 and second.count("\n") >= 4
    assert main(["--data", PANEL, "compare", "--regions", "平谷区", "延庆区", "--year", "2023", "--method", "g2"]) == 0
    printed = capsys.readouterr().out
    assert "score: G² keyness" in printed and "more in 平谷区 2023" in printed and "more in 延庆区 2023" in printed

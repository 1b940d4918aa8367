"""The dataset export: tidy tables and a codebook, as CSV with BOM or Parquet."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from conftest import DATA, FIXTURES

from miyun_text.cli import main
from miyun_text.export import COLUMNS, TABLES, column_meaning, export_tables, tidy_tables
from miyun_text.vocabulary import ATTAINMENT_COLUMNS

NAMES = ["reports", "paragraphs", "sentences", "tokens", "indicators", "targets", "themes", "reuse", "reuse_shares",
         "formulas"]


@pytest.fixture(scope="module")
def panel_export(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    assert main(["--data", str(FIXTURES / "corpus"), "export", "--out", str(out)]) == 0
    return out


def test_every_table_and_the_codebook_are_written_as_csv_with_bom(panel_export):
    assert sorted(p.name for p in panel_export.iterdir()) == sorted([f"{n}.csv" for n in NAMES] + ["codebook.md"])
    for name in NAMES:
        data = (panel_export / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
    reports = pd.read_csv(panel_export / "reports.csv", encoding="utf-8-sig")
    assert reports["year"].tolist() == [2021, 2022, 2023]
    assert reports["encoding"].tolist() == ["utf-8", "gb18030", "utf-8-sig"]
    assert reports["n_paragraphs"].tolist() == [8, 8, 8]


def test_tables_are_tidy_and_carry_the_panel_identifiers(panel_export):
    paragraphs = pd.read_csv(panel_export / "paragraphs.csv", encoding="utf-8-sig")
    tokens = pd.read_csv(panel_export / "tokens.csv", encoding="utf-8-sig", keep_default_na=False)
    for frame in (paragraphs, tokens):
        assert {"report_id", "region", "year"} <= set(frame.columns)
        assert set(frame["region"]) == {"密云区"}
    assert paragraphs.drop_duplicates("report_id")[["year", "level", "label"]].values.tolist() == [
        [2021, "区", "密云区 2021"], [2022, "区", "密云区 2022"], [2023, "区", "密云区 2023"]]
    # tokens are lossless: each paragraph's tokens join to its text
    key = ["report_id", "part_no", "para_no"]
    joined = tokens.sort_values([*key, "token_no"]).groupby(key)["token"].agg("".join)
    texts = paragraphs.set_index(key)["text"]
    assert joined.reindex(texts.index).tolist() == texts.tolist()
    assert not tokens.duplicated([*key, "token_no"]).any()
    content = tokens[tokens["content"].astype(str) == "True"]["token"]
    assert "，" not in set(content) and len(content) > 0


def test_targets_meet_the_next_reports_results_within_a_region(panel_export):
    targets = pd.read_csv(panel_export / "targets.csv", encoding="utf-8-sig")
    # the fixture's reviews restate none of the growth targets its plans set
    got = targets[["year", "indicator", "target_report", "actual_report", "target_value", "met", "status"]
                  ].fillna({"met": ""}).astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        [2021, "地区生产总值", "fixture_2021", "fixture_2022", 6.0, "", "no result stated"],
        [2021, "一般公共预算收入", "fixture_2021", "fixture_2022", 3.0, "", "no result stated"],
        # a headline result its plan set no target for
        [2021, "农村居民人均可支配收入", "fixture_2021", "fixture_2022", None, "", "no target stated"],
        [2022, "地区生产总值", "fixture_2022", "fixture_2023", 5.0, "", "no result stated"],
        [2022, "城镇调查失业率", "fixture_2022", "fixture_2023", 5.0, "", "no result stated"],
    ]
    # several regions: each region's plan meets its own next report, never another region's
    panel = tidy_tables(FIXTURES / "panel")["targets"]
    # the columns of target_attainment, each report also named by its label
    assert [c for c in panel.columns if c not in ("target_label", "actual_label")] == ATTAINMENT_COLUMNS
    assert panel.loc[0, ["target_label", "actual_label"]].tolist() == ["密云区 2022", "密云区 2023"]
    assert set(panel["region"]) == {"密云区", "怀柔区"} and set(panel["year"]) == {2022}
    got = panel.set_index(["region", "indicator"])
    assert got.loc[("密云区", "地区生产总值"), ["target_value", "actual_value", "status", "target_report",
                                           "actual_report"]].tolist() == [5.0, 5.3, "met", "miyun_2022", "miyun_2023"]
    assert got.loc[("怀柔区", "地区生产总值"), ["target_value", "actual_value", "status", "target_report",
                                           "actual_report"]].tolist() == [6.0, 4.8, "missed", "huairou_2022",
                                                                          "huairou_2023"]
    assert got.loc[("密云区", "社会消费品零售总额"), "status"] == "no target stated"


def test_codebook_describes_every_column(panel_export):
    book = (panel_export / "codebook.md").read_text(encoding="utf-8")
    for name in NAMES:
        frame = pd.read_csv(panel_export / f"{name}.csv", encoding="utf-8-sig", nrows=1)
        assert f"## {name}.csv" in book and TABLES[name][:30] in book
        section = book.split(f"## {name}.csv")[1].split("\n## ")[0]
        for column in frame.columns:
            assert column in COLUMNS, f"{name}.{column} is not described in export.COLUMNS"
            assert f"| `{column}` |" in section and f" | {column_meaning(name, column)} |" in section
    assert "| `year` | integer |" in book and "| `text` | string |" in book and "| `content` | boolean |" in book
    # a column that means something else in one table says so there
    assert "| `theme_name` | string | Theme name in Chinese, from themes.yaml. |" in book.split("## themes.csv")[1]
    assert "| `label` | string | Report label" in book.split("## paragraphs.csv")[1].split("\n## ")[0]
    assert "| `year` | integer | Year the targets are for" in book.split("## targets.csv")[1]
    assert "| `met` | boolean |" in book and "| `gap` | float |" in book


def test_parquet_keeps_types_and_equals_the_csv(tmp_path):
    written = export_tables(DATA, tmp_path, fmt="parquet")
    assert {p.suffix for p in written} == {".parquet", ".md"}
    tables = tidy_tables(DATA)
    tokens = pd.read_parquet(tmp_path / "tokens.parquet")
    assert str(tokens["content"].dtype) == "bool" and str(tokens["year"].dtype) == "int64"
    assert len(tokens) == len(tables["tokens"]) > 8000
    indicators = pd.read_parquet(tmp_path / "indicators.parquet")
    gdp = indicators[(indicators["indicator"] == "地区生产总值") & (indicators["kind"] == "expected")]
    assert gdp[["value_text", "unit", "direction", "basis", "region"]].fillna("").values.tolist() == [
        ["380", "亿元", "", "annual", "密云区"], ["4.5", "%", "增长", "annual", "密云区"]]
    assert "## tokens.parquet" in (tmp_path / "codebook.md").read_text(encoding="utf-8")


def test_export_is_deterministic(tmp_path):
    first = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in export_tables(DATA, tmp_path / "a")}
    second = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in export_tables(DATA, tmp_path / "b")}
    assert first == second


def test_unknown_format_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--format", "xlsx"])
    assert "invalid choice: 'xlsx'" in capsys.readouterr().err


def test_one_name_per_column_across_export_command_line_and_notebooks(tmp_path):
    """The codebook's names are the names everywhere: the export, the command line's full tables of
    the same measures, and the notebook tables built from them (`sentence`, never `sentence_text`)."""
    import json
    import re

    from conftest import FIXTURES, ROOT

    from miyun_text.cli import main
    from miyun_text.export import COLUMNS, TABLE_COLUMNS, tidy_tables

    panel = FIXTURES / "panel"
    tables = tidy_tables(panel)
    documented = set(COLUMNS) | {c for table in TABLE_COLUMNS.values() for c in table}
    for name, frame in tables.items():
        assert set(frame.columns) <= documented, (name, set(frame.columns) - documented)
        # every table names its reports by label, beside the ids it joins on
        for ids in [c for c in frame.columns if c == "report_id" or c.endswith("_report")]:
            named = "label" if ids == "report_id" else ids.replace("_report", "_label")
            assert named in frame.columns, (name, ids)
    for command, table in ((["vocab", "indicators"], "indicators"), (["vocab", "attainment"], "targets"),
                           (["themes", "--by", "region", "year", "part"], "themes")):
        out = tmp_path / f"{table}.csv"
        assert main(["--data", str(panel), *command, "--out", str(out)]) == 0
        header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        extra = set(header) - {"group"} - set(tables[table].columns)
        assert not extra, (command, extra)
    notebook = json.loads((ROOT / "notebooks" / "03_policy_vocabulary.ipynb").read_text(encoding="utf-8"))
    source = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    for listed in re.findall(r"columns = \[([^\]]*)\]", source):
        names = re.findall(r'"([^"]+)"', listed)
        assert set(names) <= set(tables["indicators"].columns) | set(tables["targets"].columns), names
    assert "sentence_text" not in source and "sentence" in tables["indicators"].columns
    book = (tmp_path / "book.md")
    from miyun_text.export import codebook

    book.write_text(codebook(tables), encoding="utf-8")
    text = book.read_text(encoding="utf-8")
    assert "preamble for the title lines" in text and "区, 县, 市 or 省" in text
    assert "| `theme_name` | string | Theme name in Chinese" in text


def test_reuse_tables_hold_offsets_into_each_reports_text(panel_export):
    from miyun_text.corpus import load_corpus
    from miyun_text.reuse import reuse_texts
    from miyun_text.structure import corpus_paragraphs

    reuse = pd.read_csv(panel_export / "reuse.csv", encoding="utf-8-sig")
    paragraphs = corpus_paragraphs(load_corpus(FIXTURES / "corpus"))
    texts = reuse_texts(paragraphs[paragraphs["part_no"] > 0])
    assert len(reuse) > 0
    for row in reuse.itertuples(index=False):
        assert texts[row.report_b][row.start_b:row.end_b] == row.text_b
    shares = pd.read_csv(panel_export / "reuse_shares.csv", encoding="utf-8-sig")
    assert shares[["label_a", "label_b"]].values.tolist() == [
        ["密云区 2021", "密云区 2022"], ["密云区 2021", "密云区 2023"], ["密云区 2022", "密云区 2023"]]

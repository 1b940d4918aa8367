"""`make report` on a copy of data/ with the fixture reports added: several regions and years.

The copy holds the bundled report, the three-year fixture corpus (密云区 2021–2023) and
reports of three other districts (怀柔区 2022–2023, 平谷区 2023, 延庆区 2023); the build
writes processed data, runs every notebook and renders HTML, as `make report` does.
"""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest
from conftest import DATA, FIXTURES, ROOT

from miyun_text.build import build_processed, notebook_paths, render_notebooks

NOTEBOOKS = notebook_paths(ROOT / "notebooks")
OTHER_DISTRICTS = ["huairou_2022", "huairou_2023", "pinggu_2023", "yanqing_2023"]


def _add_reports(data, source, ids=None):
    rows = list(csv.DictReader((source / "reports.csv").open(encoding="utf-8")))
    rows = [r for r in rows if ids is None or r["report_id"] in ids]
    for row in rows:
        shutil.copyfile(source / "raw" / f"{row['report_id']}.txt", data / "raw" / f"{row['report_id']}.txt")
    with (data / "reports.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writerows(rows)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    data = root / "data"
    (data / "raw").mkdir(parents=True)
    for name in ("reports.csv", "errata.csv"):
        shutil.copyfile(DATA / name, data / name)
    shutil.copyfile(DATA / "raw" / "miyun_2024.txt", data / "raw" / "miyun_2024.txt")
    _add_reports(data, FIXTURES / "corpus")
    _add_reports(data, FIXTURES / "panel", OTHER_DISTRICTS)
    processed = build_processed(data)
    figures = root / "figures"
    paths = render_notebooks(NOTEBOOKS, html_dir=root / "html", executed_dir=root / "executed",
                             parameters={"data_dir": str(data), "figures_dir": str(figures), "provinces_dir": None},
                             progress=False)
    return root, processed, paths


def test_processed_data_holds_every_report_with_its_label(built):
    import pandas as pd

    _, processed, _ = built
    paragraphs = pd.read_csv(processed["paragraphs"], encoding="utf-8-sig")
    assert set(paragraphs["label"]) == {"密云区 2021", "密云区 2022", "密云区 2023", "密云区 2024", "延庆区 2023",
                                        "平谷区 2023", "怀柔区 2022", "怀柔区 2023"}


def test_every_notebook_runs_without_errors_on_the_panel(built):
    root, _, paths = built
    names = {p.name for p in paths}
    for nb in NOTEBOOKS:
        assert f"{nb.stem}.report.html" in names
        executed = nbformat.read(root / "executed" / nb.name, as_version=4)
        for cell in executed.cells:
            for output in cell.get("outputs", []):
                assert output.output_type != "error", (nb.name, output.get("evalue"))
                assert not (output.output_type == "stream" and output.name == "stderr"), (nb.name, output.text)


def test_panel_figures_are_named_from_the_data(built):
    root, _, _ = built
    names = {p.name for p in (root / "figures").iterdir()}
    expected = {
        "themes_over_years_密云区.png", "themes_over_years_怀柔区.png", "themes_by_region_2022.png",
        "themes_by_region_2023.png", "markers_over_years_密云区.png", "markers_over_years_怀柔区.png",
        "distinctive_terms_密云区_2023_2024.png", "new_and_gone_密云区_2021_2022.png",
        "distinctive_terms_怀柔区_2022_2023.png", "targets_vs_results_密云区.png",
        "targets_vs_results_怀柔区.png", "text_reuse.png", "formula_spread.png",
        # the within-report figures describe the latest report, under the names they have with one report
        "themes_by_section.png", "themes_review_vs_plan.png", "results_vs_targets.png", "wordcloud.png",
        "distinctive_terms_fixture_2021.png", "distinctive_terms_pinggu_2023.png",
    }
    assert expected <= names, expected - names
    assert not [n for n in names if "fixture" in n and "distinctive_terms_fixture" not in n]


def test_findings_are_written_from_the_data(built):
    root, _, _ = built
    themes = (root / "html" / "02_themes_and_keywords.report.html").read_text(encoding="utf-8")
    assert "怀柔区 2022—2023年" in themes and "2023年各地区" in themes
    vocabulary = (root / "html" / "03_policy_vocabulary.report.html").read_text(encoding="utf-8")
    # met, missed and missing cases in one build
    assert "怀柔区 2022年" in vocabulary and "未达到 2 项" in vocabulary
    assert "密云区 2023年" in vocabulary and "达到 2 项" in vocabulary
    assert "未报告结果" in vocabulary
    rhetoric = (root / "html" / "04_rhetoric.report.html").read_text(encoding="utf-8")
    assert "密云区 2023 → 2024" in rhetoric and "怀柔区 2022 → 2023" in rhetoric


def test_every_site_table_names_its_reports_by_label(built):
    root, _, _ = built
    tables = sorted((root / "html" / "tables").glob("*.csv"))
    assert len(tables) > 10
    for path in tables:
        header = next(csv.reader(path.open(encoding="utf-8-sig")))
        assert "report_id" not in header or "label" in header, (path.name, header)
    indicators = next(csv.reader((root / "html" / "tables" / "indicators.csv").open(encoding="utf-8-sig")))
    assert indicators[0] == "label"

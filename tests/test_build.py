"""Processed data: deterministic, atomic, Excel-friendly."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
from conftest import DATA

from miyun_text.build import build_processed


def _copy(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    for name in ("reports.csv", "errata.csv"):
        shutil.copy(DATA / name, data / name)
    return data


def test_processed_outputs_are_byte_identical_across_runs(tmp_path):
    data = _copy(tmp_path)
    first = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in build_processed(data).items()}
    second = {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in build_processed(data).items()}
    assert first == second
    assert set(first) == {"miyun_2024", "paragraphs", "repairs", "repair_summary"}


def test_processed_files_read_well(tmp_path):
    data = _copy(tmp_path)
    paths = build_processed(data)
    assert paths["repairs"].read_bytes().startswith(b"\xef\xbb\xbf")
    repairs = pd.read_csv(paths["repairs"], encoding="utf-8-sig")
    assert list(repairs.columns) == ["report_id", "raw_offset", "offset", "before", "after", "step", "evidence"]
    summary = pd.read_csv(paths["repair_summary"], encoding="utf-8-sig").set_index("step")
    assert summary.loc["errata", "repairs"] == 23 and summary.loc["unrepaired", "repairs"] == 0
    text = paths["miyun_2024"].read_text(encoding="utf-8")
    assert text.endswith("\n") and "（二）高质量抓好经济" in text
    assert not list((data / "processed").glob(".*.tmp"))


def test_committed_processed_data_is_current(tmp_path):
    """data/processed/ in the repository is what the pipeline builds today."""
    data = _copy(tmp_path)
    for name, path in build_processed(data).items():
        committed = DATA / "processed" / path.name
        assert committed.exists(), name
        assert committed.read_bytes() == path.read_bytes(), name

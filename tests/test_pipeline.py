"""load_tables: the same corpus, paragraphs and tokens as the step-by-step route, in parallel and cached."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
from conftest import DATA, FIXTURES
from pandas.testing import assert_frame_equal

from miyun_text import pipeline
from miyun_text.corpus import MANIFEST_COLUMNS, load_corpus
from miyun_text.io import write_csv
from miyun_text.pipeline import load_tables
from miyun_text.segment import content_segmenter
from miyun_text.structure import corpus_paragraphs
from miyun_text.tokens import token_table

# A report in the 第一部分 layout from another district, with no sections.
HUAIROU = """2022年北京市怀柔区政府工作报告
各位代表：
第一部分　2021年工作回顾
怀柔科学城建设提速，综合性国家科学中心加快建设。
全区地区生产总值增长6.5%，一般公共预算收入完成34.2亿元。
第二部分　2022年工作安排
坚持生态涵养，守护好雁栖湖和怀柔水库。
各位代表，让我们团结奋斗！
"""


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    """A data folder of five reports: three years of 密云 (three encodings), the bundled
    report with its errata, and 怀柔 in another layout."""
    folder = tmp_path_factory.mktemp("panel") / "data"
    shutil.copytree(FIXTURES / "corpus", folder)
    shutil.copy(DATA / "raw" / "miyun_2024.txt", folder / "raw" / "miyun_2024.txt")
    shutil.copy(DATA / "errata.csv", folder / "errata.csv")
    (folder / "raw" / "huairou_2022.txt").write_bytes(HUAIROU.encode("utf-8"))
    manifest = pd.read_csv(folder / "reports.csv", encoding="utf-8-sig", dtype=str).fillna("")
    bundled = pd.read_csv(DATA / "reports.csv", encoding="utf-8-sig", dtype=str).fillna("")
    huairou = {c: "" for c in MANIFEST_COLUMNS} | {
        "report_id": "huairou_2022", "year": "2022", "region": "怀柔区", "level": "区",
        "title": "2022年北京市怀柔区政府工作报告",
        "raw_sha256": hashlib.sha256(HUAIROU.encode("utf-8")).hexdigest()}
    write_csv(pd.concat([manifest, bundled, pd.DataFrame([huairou])], ignore_index=True)[MANIFEST_COLUMNS],
              folder / "reports.csv")
    return folder


def _stepwise(folder):
    corpus = load_corpus(folder)
    paragraphs = corpus_paragraphs(corpus)
    return corpus, paragraphs, token_table(paragraphs, content_segmenter(), cache=False)


def _assert_same(tables, expected):
    corpus, paragraphs, tokens = expected
    assert_frame_equal(tables.corpus, corpus)
    assert_frame_equal(tables.corpus.attrs["repairs"], corpus.attrs["repairs"])
    assert_frame_equal(tables.paragraphs, paragraphs)
    assert_frame_equal(tables.tokens, tokens)


def test_parallel_load_equals_the_stepwise_route_in_manifest_order(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    expected = _stepwise(panel)
    assert expected[0]["region"].nunique() == 2 and expected[0]["year"].nunique() == 4
    cold = load_tables(panel, workers=2)
    _assert_same(cold, expected)
    assert cold.corpus["report_id"].tolist() == ["fixture_2021", "fixture_2022", "huairou_2022", "fixture_2023",
                                                 "miyun_2024"]
    assert cold.tokens["report_id"].unique().tolist() == cold.corpus["report_id"].tolist()
    assert int(cold.corpus.set_index("report_id").loc["miyun_2024", "n_repairs"]) > 20
    # warm: everything from the cache, the same values again
    _assert_same(load_tables(panel, workers=2), expected)
    _assert_same(load_tables(panel, workers=1, cache=False), expected)


def test_unchanged_raw_files_are_not_cleaned_or_segmented_again(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    first = load_tables(panel, workers=1)

    def fail(*args, **kwargs):
        raise AssertionError("cleaned or segmented again although nothing changed")

    with monkeypatch.context() as patch:
        patch.setattr("miyun_text.pipeline.clean_steps", fail)
        patch.setattr("miyun_text.tokens._segment", fail)
        patch.setattr("miyun_text.structure.corpus_paragraphs", fail)
        again = load_tables(panel, workers=1)
    assert_frame_equal(again.tokens, first.tokens)
    assert_frame_equal(again.corpus, first.corpus)


def test_a_changed_raw_file_errata_row_or_cleaning_code_is_cleaned_again(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    load_tables(panel, workers=1)
    cleaned = []
    original = pipeline.clean_steps

    def counting(raw, errata, report_id, strict):
        cleaned.append(report_id)
        return original(raw, errata, report_id, strict)

    monkeypatch.setattr(pipeline, "clean_steps", counting)
    folder = tmp_path / "changed"
    shutil.copytree(panel, folder)
    text = HUAIROU.replace("6.5%", "6.6%").encode("utf-8")
    (folder / "raw" / "huairou_2022.txt").write_bytes(text)
    manifest = pd.read_csv(folder / "reports.csv", encoding="utf-8-sig", dtype=str).fillna("")
    manifest.loc[manifest["report_id"] == "huairou_2022", "raw_sha256"] = hashlib.sha256(text).hexdigest()
    write_csv(manifest, folder / "reports.csv")
    tables = load_tables(folder, workers=1)
    assert cleaned == ["huairou_2022"]
    assert "6.6%" in tables.corpus.set_index("report_id").loc["huairou_2022", "text"]
    assert "6.6%" in tables.tokens["token"].tolist()
    # a change to the cleaning code misses every cached clean text
    monkeypatch.setattr(pipeline, "_code_digest", lambda: "another version")
    cleaned.clear()
    load_tables(folder, workers=1)
    assert sorted(cleaned) == sorted(manifest["report_id"])


def test_an_unreadable_cache_file_is_rebuilt(panel, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(cache))
    first = load_tables(panel, workers=1)
    for path in cache.rglob("*.arrow"):
        path.write_bytes(b"not an arrow file")
    again = load_tables(panel, workers=1)
    assert_frame_equal(again.tokens, first.tokens)
    assert_frame_equal(again.paragraphs, first.paragraphs)
    assert_frame_equal(again.corpus, first.corpus)


def test_a_fully_cached_corpus_is_read_without_worker_processes(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    first = load_tables(panel, workers=2)
    assert len(list((tmp_path / "cache" / "text").glob("*.arrow"))) == len(first.corpus)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started although every report is cached")

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(pipeline, "read_raw", no_pool)
    again = load_tables(panel, workers=2)
    _assert_same(again, (first.corpus, first.paragraphs, first.tokens))
    assert again.corpus["encoding"].tolist() == first.corpus["encoding"].tolist()


def test_another_segmenter_or_a_changed_raw_file_never_reads_a_stale_cache(panel, tmp_path, monkeypatch):
    from miyun_text.segment import Segmenter

    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    load_tables(panel, workers=1)
    other = Segmenter(boilerplate=True, min_length=3)

    def fail(*args, **kwargs):
        raise AssertionError("cleaned again although only the Segmenter changed")

    with monkeypatch.context() as patch:
        patch.setattr("miyun_text.pipeline.clean_steps", fail)
        tables = load_tables(panel, workers=1, segmenter=other)
    assert_frame_equal(tables.tokens, token_table(tables.paragraphs, other, cache=False))
    assert not tables.tokens.loc[tables.tokens["keep"], "token"].str.len().lt(3).any()
    # a raw file changed behind the manifest's back is still refused, cached or not
    folder = tmp_path / "changed"
    shutil.copytree(panel, folder)
    load_tables(folder, workers=1)
    (folder / "raw" / "huairou_2022.txt").write_bytes(HUAIROU.replace("6.5%", "6.6%").encode("utf-8"))
    from miyun_text.errors import ChecksumMismatchError

    with pytest.raises(ChecksumMismatchError, match="huairou_2022"):
        load_tables(folder, workers=1)

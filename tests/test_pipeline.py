"""open_corpus: the same reports, paragraphs, repairs and tokens as the step-by-step route, in parallel and cached."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest
from conftest import DATA, FIXTURES
from pandas.testing import assert_frame_equal

from miyun_text import pipeline
from miyun_text.clean import REPAIR_COLUMNS, clean_text
from miyun_text.corpus import Corpus, open_corpus
from miyun_text.grouping import report_label
from miyun_text.io import write_csv
from miyun_text.manifest import MANIFEST_COLUMNS, read_errata, read_manifest
from miyun_text.raw import checked_raw_path, read_raw
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
    """The corpus read one report after another with the public steps, nothing cached."""
    manifest = read_manifest(folder)
    errata = read_errata(folder, manifest["report_id"])
    reports, logs = manifest.copy(), []
    encodings, extractions, texts = [], [], []
    for row in manifest.itertuples(index=False):
        raw = read_raw(checked_raw_path(folder, row.report_id, row.raw_sha256))
        cleaned = clean_text(raw.text, errata=errata[errata["report_id"] == row.report_id], report_id=row.report_id,
                             strict=True)
        encodings.append(raw.encoding)
        extractions.append(raw.extraction)
        texts.append(cleaned.text)
        logs.append(cleaned.repairs.assign(report_id=row.report_id)[["report_id", *REPAIR_COLUMNS]])
    reports["label"] = [report_label(r.region, r.year, r.report_id) for r in manifest.itertuples(index=False)]
    reports["encoding"], reports["extraction"], reports["text"] = encodings, extractions, texts
    reports["n_repairs"] = pd.Series([len(log) for log in logs], dtype="int64")
    paragraphs = corpus_paragraphs(reports)
    return (reports, pd.concat(logs, ignore_index=True), paragraphs,
            token_table(paragraphs, content_segmenter(), cache=False).frame)


def _assert_same(corpus: Corpus, expected):
    reports, repairs, paragraphs, tokens = expected
    assert_frame_equal(corpus.reports, reports)
    assert_frame_equal(corpus.repairs, repairs, check_dtype=False)
    assert_frame_equal(corpus.paragraphs, paragraphs)
    assert_frame_equal(corpus.tokens.frame, tokens)


def test_parallel_load_equals_the_stepwise_route_in_manifest_order(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    expected = _stepwise(panel)
    assert expected[0]["region"].nunique() == 2 and expected[0]["year"].nunique() == 4
    cold = open_corpus(panel, workers=2)
    _assert_same(cold, expected)
    assert cold.reports["report_id"].tolist() == ["fixture_2021", "fixture_2022", "huairou_2022", "fixture_2023",
                                                  "miyun_2024"]
    assert cold.tokens.frame["report_id"].unique().tolist() == cold.reports["report_id"].tolist()
    assert int(cold.reports.set_index("report_id").loc["miyun_2024", "n_repairs"]) > 20
    # warm: everything from the cache, the same values again
    _assert_same(open_corpus(panel, workers=2), expected)
    loaded = pipeline.load(panel, workers=1, cache=False)
    _assert_same(Corpus(loaded.reports, loaded.paragraphs, loaded.repairs, loaded.tokens), expected)


def test_unchanged_raw_files_are_not_cleaned_or_segmented_again(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    first = open_corpus(panel, workers=1)

    def fail(*args, **kwargs):
        raise AssertionError("cleaned or segmented again although nothing changed")

    with monkeypatch.context() as patch:
        patch.setattr("miyun_text.pipeline.clean_steps", fail)
        patch.setattr("miyun_text.tokens._segment", fail)
        patch.setattr("miyun_text.pipeline.corpus_paragraphs", fail)
        again = open_corpus(panel, workers=1)
    assert_frame_equal(again.tokens.frame, first.tokens.frame)
    assert_frame_equal(again.reports, first.reports)


def test_a_changed_raw_file_errata_row_or_cleaning_code_is_cleaned_again(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    open_corpus(panel, workers=1)
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
    corpus = open_corpus(folder, workers=1)
    assert cleaned == ["huairou_2022"]
    assert "6.6%" in corpus.reports.set_index("report_id").loc["huairou_2022", "text"]
    assert "6.6%" in corpus.tokens.frame["token"].tolist()
    # a change to the cleaning code misses every cached clean text
    monkeypatch.setattr(pipeline, "_code_digest", lambda: "another version")
    cleaned.clear()
    open_corpus(folder, workers=1)
    assert sorted(cleaned) == sorted(manifest["report_id"])


def test_an_unreadable_cache_file_is_rebuilt(panel, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(cache))
    first = open_corpus(panel, workers=1)
    for path in cache.rglob("*.arrow"):
        path.write_bytes(b"not an arrow file")
    again = open_corpus(panel, workers=1)
    assert_frame_equal(again.tokens.frame, first.tokens.frame)
    assert_frame_equal(again.paragraphs, first.paragraphs)
    assert_frame_equal(again.reports, first.reports)


def test_a_fully_cached_corpus_is_read_without_worker_processes(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    first = open_corpus(panel, workers=2)
    assert len(list((tmp_path / "cache" / "text").glob("*.arrow"))) == len(first.reports)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started although every report is cached")

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(pipeline, "read_raw", no_pool)
    again = open_corpus(panel, workers=2)
    _assert_same(again, (first.reports, first.repairs, first.paragraphs, first.tokens.frame))


def test_another_segmenter_or_a_changed_raw_file_never_reads_a_stale_cache(panel, tmp_path, monkeypatch):
    from miyun_text.segment import Segmenter

    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    open_corpus(panel, workers=1)
    stricter = Segmenter(boilerplate=True, min_length=3)  # the same cut, another filter
    other = Segmenter(hmm=False)  # another cut

    def fail(*args, **kwargs):
        raise AssertionError("cleaned again although only the Segmenter changed")

    with monkeypatch.context() as patch:
        patch.setattr("miyun_text.pipeline.clean_steps", fail)
        same_cut = pipeline.load(panel, workers=1, segmenter=stricter).tokens
        patch.setattr("miyun_text.tokens._segment", fail)
        with pytest.raises(AssertionError, match="cleaned again"):
            pipeline.load(panel, workers=1, segmenter=other)
    kept = same_cut.frame.loc[same_cut.keep(stricter), "token"]
    assert len(kept) and not kept.str.len().lt(3).any()
    loaded = pipeline.load(panel, workers=1, segmenter=other)
    assert_frame_equal(loaded.tokens.frame, token_table(loaded.paragraphs, other, cache=False).frame)
    # a raw file changed behind the manifest's back is still refused, cached or not
    folder = tmp_path / "changed"
    shutil.copytree(panel, folder)
    open_corpus(folder, workers=1)
    (folder / "raw" / "huairou_2022.txt").write_bytes(HUAIROU.replace("6.5%", "6.6%").encode("utf-8"))
    from miyun_text.errors import ChecksumMismatchError

    with pytest.raises(ChecksumMismatchError, match="huairou_2022"):
        open_corpus(folder, workers=1)


def test_a_corpus_of_some_reports_and_a_narrowed_corpus_keep_their_tables_together(panel, tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    full = open_corpus(panel, workers=1)
    two = open_corpus(panel, report_ids=["huairou_2022", "miyun_2024"], workers=1)
    assert two.reports["report_id"].tolist() == ["huairou_2022", "miyun_2024"]
    narrowed = full.select(["huairou_2022", "miyun_2024"])
    for corpus in (two, narrowed):
        assert set(corpus.paragraphs["report_id"]) == set(corpus.repairs["report_id"]) | {"huairou_2022"}
        assert corpus.tokens.frame["report_id"].unique().tolist() == ["huairou_2022", "miyun_2024"]
    assert_frame_equal(narrowed.reports, two.reports)
    assert_frame_equal(narrowed.repairs, two.repairs)
    assert_frame_equal(narrowed.tokens.frame, two.tokens.frame)
    by_region = full.select(region="密云区", year=[2022, 2024])
    assert by_region.reports["report_id"].tolist() == ["fixture_2022", "miyun_2024"]
    plan = full.where(full.paragraphs["part_kind"] == "plan")
    assert set(plan.tokens.frame["part_no"]) <= set(plan.paragraphs["part_no"])
    assert len(plan.tokens) < len(full.tokens) and (plan.paragraphs["part_kind"] == "plan").all()
    from miyun_text.errors import ArgumentError

    with pytest.raises(ArgumentError, match=r"unknown report id\(s\) \['nope'\]"):
        open_corpus(panel, report_ids=["nope"], workers=1)
    with pytest.raises(ArgumentError, match="not in the corpus"):
        full.select("nope")


def test_an_empty_manifest_gives_every_table_with_its_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "data"
    (folder / "raw").mkdir(parents=True)
    (folder / "reports.csv").write_text(",".join(MANIFEST_COLUMNS) + "\n", encoding="utf-8")
    corpus = open_corpus(folder, workers=1)
    assert len(corpus) == 0 and corpus.repairs.columns.tolist() == ["report_id", *REPAIR_COLUMNS]
    assert "label" in corpus.reports.columns and "text" in corpus.paragraphs.columns and len(corpus.tokens) == 0

"""The offline explorer: its data from the package's functions, and the page driven in a real Chromium.

The browser tests need Debian's ``chromium`` (``.ci/run`` installs it with apt) and the
``playwright`` package; where either is missing they skip and say which.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from miyun_text.explorer import explorer_data, explorer_page
from miyun_text.keywords import kwic
from miyun_text.site import embed_font, external_references
from miyun_text.structure import corpus_paragraphs

CANDIDATES = ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
CHROMIUM = next((p for p in CANDIDATES if p and Path(p).exists()), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def panel(corpus, fixture_corpus):
    """Several regions and years: the bundled report, the three-year fixtures, and a second region."""
    other = fixture_corpus[fixture_corpus["report_id"] == "fixture_2023"].copy()
    other["report_id"], other["region"] = "other_2023", "怀柔区"
    parts = [pd.DataFrame(f[["report_id", "year", "region", "text"]].to_dict("list")) for f in (corpus, fixture_corpus,
                                                                                                other)]
    frame = pd.concat(parts, ignore_index=True)
    return frame, corpus_paragraphs(frame)


def test_data_holds_every_paragraph_and_labels_from_the_manifest(panel):
    frame, paragraphs = panel
    data = explorer_data(frame, paragraphs)
    assert [r["label"] for r in data["reports"]] == ["密云区 2021", "密云区 2022", "密云区 2023", "密云区 2024",
                                                      "怀柔区 2023"]
    assert len(data["paragraphs"]) == len(paragraphs)
    assert sum(len(p[5]) for p in data["paragraphs"]) == paragraphs["text"].str.len().sum()
    labels = [c["label"] for c in data["comparisons"]]
    assert "密云区 2024：回顾2023 对 安排2024（报告内比较）" in labels
    # every pair of years within a region, never across regions
    pairs = {"密云区：2021年报告 对 2022年报告", "密云区：2021年报告 对 2024年报告", "密云区：2023年报告 对 2024年报告"}
    assert pairs <= set(labels)
    assert not any("怀柔区：" in label for label in labels)


def test_long_panels_compare_neighbouring_years_and_the_ends():
    from miyun_text.explorer import _year_pairs

    assert len(_year_pairs([2021, 2022, 2023, 2024, 2025])) == 10
    assert _year_pairs(list(range(2018, 2024))) == [(2018, 2019), (2019, 2020), (2020, 2021), (2021, 2022),
                                                    (2022, 2023), (2018, 2023)]


def test_comparison_scores_are_the_package_compare(body):
    from miyun_text.rhetoric import review_vs_plan

    corpus = pd.DataFrame({"report_id": ["miyun_2024"], "year": [2024], "region": ["密云区"], "text": [""]})
    data = explorer_data(corpus, body)
    terms = {t[0]: t for t in data["comparisons"][0]["terms"]}
    expected = review_vs_plan(body, report_id="miyun_2024").set_index("term")
    for term in ("建成", "推进"):
        assert terms[term][1:3] == [expected.loc[term, "count_a"], expected.loc[term, "count_b"]]
        assert terms[term][5] == pytest.approx(expected.loc[term, "score"], abs=1e-3)


def test_page_is_self_contained(panel):
    frame, paragraphs = panel
    page = embed_font(explorer_page(frame, paragraphs))
    assert external_references(page) == []
    assert '<html lang="zh-CN">' in page and "data:font/woff2;base64," in page
    data = json.loads(re.search(r'id="explorer-data">(.*?)</script>', page, re.S).group(1).replace("<\\/", "</"))
    assert data["window"] == 15


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium here (install Debian's chromium: apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def explorer_file(panel, tmp_path_factory):
    frame, paragraphs = panel
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_text(embed_font(explorer_page(frame, paragraphs)), encoding="utf-8")
    return path


def _counts(page, selector: str) -> dict[str, int]:
    rows = page.locator(f"{selector} tr").all_inner_texts()
    return {r.split("\t")[0].strip(): int(r.split("\t")[1]) for r in rows if "\t" in r}


def test_search_counts_match_kwic_and_filters_apply(browser, explorer_file, panel):
    frame, paragraphs = panel
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(explorer_file.as_uri())
    page.fill("#q", "保水")
    expected = kwic(paragraphs, "保水")
    assert int(page.inner_text("#total")) == len(expected) > 20
    labels = dict(zip(frame["report_id"], frame["region"] + " " + frame["year"].astype(str), strict=True))
    by_report = expected["report_id"].map(labels).value_counts().to_dict()
    assert _counts(page, "#by-report") == by_report
    assert page.locator("#kwic tr").count() == len(expected)
    first = page.locator("#kwic tr").first.inner_text().split("\t")
    assert first[4] == "保水" and first[3] == expected.iloc[0]["left"] and first[5] == expected.iloc[0]["right"]
    # filters: plan parts of one year
    page.select_option("#part", "plan")
    plan = paragraphs[paragraphs["part_kind"] == "plan"]
    assert int(page.inner_text("#total")) == len(kwic(plan, "保水"))
    page.select_option("#year", "2024")
    assert int(page.inner_text("#total")) == len(kwic(plan[plan["year"] == 2024], "保水"))
    page.select_option("#region", "怀柔区")
    assert int(page.inner_text("#total")) == 0
    assert page.url.endswith("#q=" + "%E4%BF%9D%E6%B0%B4")
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    page.close()


def test_hash_opens_a_query_and_views_switch(browser, explorer_file, panel):
    _, paragraphs = panel
    page = browser.new_page()
    page.goto(explorer_file.as_uri() + "#q=" + "密云水库")
    assert page.input_value("#q") == "密云水库"
    assert int(page.inner_text("#total")) == len(kwic(paragraphs, "密云水库"))
    page.click("#tab-compare")
    assert page.is_hidden("#view-search") and page.is_visible("#view-compare")
    comparisons = explorer_data(*panel)["comparisons"]
    assert page.locator("#cmp option").count() == len(comparisons)
    assert page.locator("#scatter circle").count() == len(comparisons[0]["terms"])
    page.select_option("#cmp", label="密云区 2024：回顾2023 对 安排2024（报告内比较）")
    assert page.locator("#top-a li").count() == 20 and page.locator("#top-b li").count() == 20
    assert "建成" in page.inner_text("#top-a") and "推进" in page.inner_text("#top-b")
    page.select_option("#cmp", label="密云区：2021年报告 对 2023年报告")
    index = [c["label"] for c in comparisons].index("密云区：2021年报告 对 2023年报告")
    assert page.locator("#scatter circle").count() == len(comparisons[index]["terms"])
    term = page.locator("#top-a li a").first.inner_text()
    page.locator("#top-a li a").first.click()
    assert page.is_visible("#view-search") and page.input_value("#q") == term
    assert int(page.inner_text("#total")) == len(kwic(paragraphs, term))
    page.close()


def test_chinese_is_drawn_with_the_embedded_font(browser, explorer_file):
    page = browser.new_page()
    page.goto(explorer_file.as_uri())
    page.evaluate("document.fonts.ready")
    families = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Miyun Noto Sans CJK SC" in f for f in families)
    assert page.evaluate("document.fonts.check('16px \"Miyun Noto Sans CJK SC\"', '检索与比较')")
    page.close()


def test_reuse_data_is_the_package_reuse(panel):
    from miyun_text.reuse import reuse_shares

    frame, paragraphs = panel
    data = explorer_data(frame, paragraphs)
    reuse = data["reuse"]
    labels = [r["label"] for r in data["reports"]]
    assert reuse["design"] == "all" and len(reuse["cells"]) == 2 * 10  # five reports, ten pairs, both ways
    body = paragraphs[paragraphs["part_no"] > 0]
    shares = reuse_shares(body)
    row = shares[(shares["report_a"] == "fixture_2023") & (shares["report_b"] == "other_2023")].iloc[0]
    cell = next(c for c in reuse["cells"] if labels[c[0]] == "怀柔区 2023" and labels[c[1]] == "密云区 2023")
    assert cell[2] == pytest.approx(row["share_b"], abs=1e-4) and cell[2] > 0.9  # the same text under two regions
    pair = next(p for p in reuse["pairs"] if {labels[p[0]], labels[p[1]]} == {"怀柔区 2023", "密云区 2023"})
    assert pair[2] == row["passages"] and all(side[1] for passage in pair[3] for side in passage[0])
    one = frame[frame["report_id"] == "miyun_2024"]
    assert explorer_data(one, paragraphs[paragraphs["report_id"] == "miyun_2024"])["reuse"] is None


def test_reuse_view_shows_the_passages_of_a_cell_escaped(browser, tmp_path):
    # a shared passage that holds markup: it must show as text, never as an element
    shared = "完成老旧小区改造<img src=x onerror=alert(1)>十二个，新建停车位三千个，城市面貌明显改善。"
    frame = pd.DataFrame({"report_id": ["x", "y"], "year": [2023, 2023], "region": ["甲区", "乙区"],
                          "text": ["一、2022年工作回顾\n" + shared + "\n全区经济运行平稳。",
                                   "一、2022年工作回顾\n乡村振兴扎实推进。\n" + shared]})
    path = tmp_path / "explorer.html"
    path.write_text(embed_font(explorer_page(frame, corpus_paragraphs(frame))), encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.click("#tab-reuse")
    assert page.is_visible("#view-reuse") and page.locator("#reuse-map rect[data-pair]").count() == 2
    page.locator('#reuse-map rect[data-pair="1,0"]').click()
    assert page.inner_text("#reuse-title").startswith("甲区 2023 ← 乙区 2023：1 段")  # reports by region: 乙 first
    assert "<img src=x onerror=alert(1)>" in page.inner_text("#reuse-passages")
    assert page.locator("#reuse-passages img").count() == 0 and page.locator("#reuse-passages mark").count() == 2
    page.select_option("#reuse-value", "3")  # without formulaic passages: two reports cannot tell, cells grey
    assert page.locator('#reuse-map rect[fill="#eee"]').count() == 2
    page.close()

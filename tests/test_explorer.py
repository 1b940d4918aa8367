"""The offline explorer: its data from the package's functions, and the page driven in a real Chromium.

The browser tests need Debian's ``chromium`` (``.ci/run`` installs it with apt) and the
``playwright`` package; where either is missing they skip and say which.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from miyun_text.explorer import explorer_data
from miyun_text.keywords import kwic
from miyun_text.site import embed_font, explorer_page, external_references
from miyun_text.structure import corpus_paragraphs


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
def explorer_file(panel, tmp_path_factory):
    frame, paragraphs = panel
    path = tmp_path_factory.mktemp("explorer") / "explorer.html"
    path.write_text(embed_font(explorer_page(frame, paragraphs), fallback=True), encoding="utf-8")
    return path


def _counts(page, selector: str) -> dict[str, int]:
    rows = page.locator(f"{selector} tr").all_inner_texts()
    return {r.split("\t")[0].strip(): int(r.split("\t")[1]) for r in rows if "\t" in r}


def test_search_counts_match_kwic_in_both_modes_and_filters_apply(browser, explorer_file, panel):
    frame, paragraphs = panel
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(explorer_file.as_uri())
    page.fill("#q", "保水")
    # whole words by default: kwic(whole_token=True), what the distinctive terms count
    words, substrings = kwic(paragraphs, "保水", whole_token=True), kwic(paragraphs, "保水")
    assert int(page.inner_text("#total")) == len(words) and 0 < len(words) < len(substrings)
    assert page.inner_text("#other") == f"（子串 substring：{len(substrings)}）"
    labels = dict(zip(frame["report_id"], frame["region"] + " " + frame["year"].astype(str), strict=True))
    assert _counts(page, "#by-report") == words["report_id"].map(labels).value_counts().to_dict()
    assert page.locator("#kwic tr").count() == len(words)
    first = page.locator("#kwic tr").first.inner_text().split("\t")
    assert first[4] == "保水" and first[3] == words.iloc[0]["left"] and first[5] == words.iloc[0]["right"]
    page.check("#mode-sub")
    assert int(page.inner_text("#total")) == len(substrings) > 20
    assert _counts(page, "#by-report") == substrings["report_id"].map(labels).value_counts().to_dict()
    assert page.url.endswith("#q=" + "%E4%BF%9D%E6%B0%B4&m=sub")
    # filters: plan parts of one year
    page.select_option("#part", "plan")
    plan = paragraphs[paragraphs["part_kind"] == "plan"]
    assert int(page.inner_text("#total")) == len(kwic(plan, "保水"))
    page.select_option("#year", "2024")
    assert int(page.inner_text("#total")) == len(kwic(plan[plan["year"] == 2024], "保水"))
    page.select_option("#region", "怀柔区")
    assert int(page.inner_text("#total")) == 0
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    page.close()


def test_a_distinctive_term_opens_with_the_counts_the_comparison_shows(browser, explorer_file, panel):
    _, paragraphs = panel
    page = browser.new_page()
    page.goto(explorer_file.as_uri() + "#q=" + "密云水库")
    assert page.input_value("#q") == "密云水库" and page.is_checked("#mode-word")
    assert int(page.inner_text("#total")) == len(kwic(paragraphs, "密云水库", whole_token=True))
    page.click("#tab-compare")
    assert page.is_hidden("#view-search") and page.is_visible("#view-compare")
    comparisons = explorer_data(*panel)["comparisons"]
    assert page.locator("#cmp option").count() == len(comparisons)
    assert page.locator("#scatter circle").count() == len(comparisons[0]["terms"])
    # within one report: 保水 13 : 3 in the list is 13 in the review and 3 in the plan of the search
    page.select_option("#cmp", label="密云区 2024：回顾2023 对 安排2024（报告内比较）")
    assert page.locator("#top-a li").count() == 20 and page.locator("#top-b li").count() == 20
    item = page.locator("#top-a li", has_text="保水").first
    assert item.inner_text().startswith("保水 13 : 3")
    item.locator("a").click()
    assert page.is_visible("#view-search") and page.input_value("#q") == "保水" and page.is_checked("#mode-word")
    assert _counts(page, "#by-kind") == {"回顾 review": 13, "安排 plan": 3}
    # two years of a region: the list's counts are the search's counts in those years
    page.click("#tab-compare")
    page.select_option("#cmp", label="密云区：2021年报告 对 2023年报告")
    index = [c["label"] for c in comparisons].index("密云区：2021年报告 对 2023年报告")
    assert page.locator("#scatter circle").count() == len(comparisons[index]["terms"])
    term, count_a, count_b = comparisons[index]["terms"][0][:3]
    page.locator(f'#top-a li a[data-term="{term}"]').click()
    assert page.input_value("#q") == term and page.input_value("#region") == "密云区"
    years = _counts(page, "#by-year")
    assert (years.get("2021", 0), years.get("2023", 0)) == (count_a, count_b)
    miyun = paragraphs[paragraphs["region"] == "密云区"]
    assert int(page.inner_text("#total")) == len(kwic(miyun, term, whole_token=True))
    page.close()


def test_chinese_is_drawn_with_the_embedded_font(browser, explorer_file):
    page = browser.new_page()
    page.goto(explorer_file.as_uri())
    page.evaluate("document.fonts.ready")
    families = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Miyun Noto Sans CJK SC" in f for f in families)
    assert page.evaluate("document.fonts.check('16px \"Miyun Noto Sans CJK SC\"', '检索与比较')")
    page.close()


# Draw one character in a canvas with a font stack; the pixels say which font drew it.
_GLYPH = """([text, family]) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext("2d");
  ctx.font = "48px " + family;
  ctx.fillText(text, 4, 52);
  return Array.from(ctx.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3)).join(",");
}"""


def test_characters_outside_the_corpus_typed_into_the_search_are_drawn(browser, explorer_file):
    """A character the corpus never uses (鼋) and a Traditional one (閥) are drawn by the bundled
    font that follows the page's subset, not left to a system font (there is none here)."""
    page = browser.new_page()
    page.goto(explorer_file.as_uri())
    page.fill("#q", "鼋閥")
    page.evaluate("document.fonts.ready")
    stack = page.evaluate("getComputedStyle(document.getElementById('q')).fontFamily")
    assert "Miyun Noto Sans CJK SC full" in stack
    for char in "鼋閥":
        drawn = page.evaluate(_GLYPH, [char, stack])
        bundled = page.evaluate(_GLYPH, [char, '"Miyun Noto Sans CJK SC full"'])
        nothing = page.evaluate(_GLYPH, [char, "monospace"])
        assert drawn == bundled != nothing, char
        assert any(int(v) for v in drawn.split(",")), char
    assert page.input_value("#q") == "鼋閥" and page.inner_text("#total") == "0"
    page.close()


_BOXES = """(selector) => [...document.querySelectorAll(selector)].map((e) => {
  const r = e.getBoundingClientRect();
  return [e.textContent, r.left, r.top, r.right, r.bottom];
})"""


def _overlapping(boxes):
    return [(a[0], b[0]) for k, a in enumerate(boxes) for b in boxes[k + 1:]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_scatter_labels_never_overlap_and_the_axes_are_read(browser, explorer_file, panel, viewport, tmp_path_factory):
    """Measured in the DOM at a desktop and a phone size; the screenshots are kept for a person to look at."""
    width, height = viewport
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(explorer_file.as_uri())
    page.click("#tab-compare")
    shots = tmp_path_factory.mktemp("explorer-shots")
    comparisons = [c["label"] for c in explorer_data(*panel)["comparisons"]]
    for k, label in enumerate(comparisons[:4]):
        page.select_option("#cmp", label=label)
        labels = page.evaluate(_BOXES, "#scatter text.label")
        # the bundled report's comparison has room for many labels; a short fixture's terms crowd a few spots
        least = (10 if width > 600 else 6) if label.startswith("密云区 2024") else 2
        assert len(labels) >= least, (label, labels)
        assert _overlapping(labels) == [], label
        plot = page.evaluate("(() => { const r = document.querySelector('#scatter svg').getBoundingClientRect();"
                             " return [r.left, r.top, r.right, r.bottom]; })()")
        assert all(plot[0] <= b[1] and b[3] <= plot[2] and plot[1] <= b[2] and b[4] <= plot[3] for b in labels)
        for axis in ("x", "y"):
            ticks = page.evaluate(_BOXES, f"#scatter text.tick.{axis}")
            assert len(ticks) >= 4 and ticks[0][0] == "0" and _overlapping(ticks) == [], (label, axis, ticks)
            title = page.text_content(f"#scatter text.axis-title.{axis}")
            assert "每万词频次（对数刻度）" in title and "rate per 10,000 tokens, log scale" in title
        page.locator("#view-compare").screenshot(path=str(shots / f"compare_{width}x{height}_{k}.png"))
    # nothing runs off the side of a phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()


def test_every_choice_is_bilingual_and_an_empty_search_stays_readable(browser, explorer_file, tmp_path_factory):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(explorer_file.as_uri() + "#q=" + "没有这个词")
    options = page.evaluate("[...document.querySelectorAll('#region option, #part option')]"
                            ".map((o) => o.textContent)")
    parts = page.evaluate("[...document.querySelectorAll('#part option')].map((o) => o.textContent)")
    assert "序言 preamble" in parts and all(re.search(r"[\u4e00-\u9fff]", o) for o in options)
    assert all(re.search(r"[a-z]", o) for o in parts)
    assert page.inner_text("#total") == "0"
    # with no hits the count tables keep their captions on one line each
    captions = page.evaluate(_BOXES, ".counts caption")
    assert len(captions) == 3 and all(b[4] - b[2] < 30 for b in captions), captions
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path_factory.mktemp("explorer-shots") / "search_empty_390x844.png"))


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

"""Nothing from the data is ever markup: the site built from hostile reports, driven in a real Chromium.

One site is built (processed data, every notebook executed, every page rendered) from a
data folder whose reports carry script payloads in their region, title, session, notes,
source URL, section headings and text. Every page is then opened twice: with the pages'
Content-Security-Policy bypassed, so that escaping alone must keep every payload inert,
and as shipped, where no policy violation may occur. A page with a payload pasted in
unescaped shows that the policy stops what escaping might miss.

Needs Debian's ``chromium`` (``.ci/run`` installs it with apt) and ``playwright``; where
either is missing the browser tests skip and say which.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from miyun_text.build import build_processed, notebook_paths, render_notebooks

# Each payload calls alert() with its own number, so a dialog names the payload that ran.
REGION = "<img src=x onerror=alert(3)>区"
REGION_B = "<!--<script>县"  # the explorer's data once lost its script to this
TITLE = "<script>alert(5)</script>{year}年报告"
SESSION = '"><svg onload=alert(4)>'
HEADING = "</script><script>alert(1)</script>怀柔科学城建设提速"
IN_TEXT = "<img src=x onerror=alert(2)>"
PAYLOADS_IN_TEXT = (
    f"{IN_TEXT}我们在“<svg onload=alert(11)>”和“=1+2”“@SUM(A1)”指引下，"
    "见[点击](javascript:alert(12))、<a href=\"javascript:alert(14)\">链接</a>与\"><svg onload=alert(13)>，"
    "{{7*7}}${alert(15)}</style><script>alert(16)</script>\u2028"
)


def _payload_data(data: Path) -> None:
    """A data folder: a region whose name is a payload, in two years (its latest report is the focus of the
    within-report views), and a second hostile region."""
    (data / "raw").mkdir(parents=True)
    rows = []
    for year in (2022, 2023):
        text = (FIXTURES / "panel" / "raw" / f"huairou_{year}.txt").read_text(encoding="utf-8")
        text = text.replace("（一）", "（一）" + HEADING.replace("怀柔科学城建设提速", ""), 1)
        text = text.replace("过去一年，", "过去一年，" + PAYLOADS_IN_TEXT, 1)
        raw = text.encode("utf-8")
        (data / "raw" / f"hostile_{year}.txt").write_bytes(raw)
        rows.append({"report_id": f"hostile_{year}", "year": year, "region": REGION, "level": "区",
                     "title": TITLE.format(year=year), "delivered_on": f"{year}-01-06", "session": SESSION,
                     "source_url": "javascript:alert(9)", "raw_sha256": hashlib.sha256(raw).hexdigest(),
                     "notes": "<!--<script>"})
    raw = (FIXTURES / "corpus" / "raw" / "fixture_2023.txt").read_bytes()
    (data / "raw" / "calm_2023.txt").write_bytes(raw)
    rows.append({"report_id": "calm_2023", "year": 2023, "region": REGION_B, "level": "县",
                 "title": "2023年报告", "delivered_on": "", "session": "", "source_url": "",
                 "raw_sha256": hashlib.sha256(raw).hexdigest(), "notes": ""})
    with (data / "reports.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    _payload_data(data)
    build_processed(data)
    render_notebooks(notebook_paths(ROOT / "notebooks"), html_dir=root / "html", executed_dir=root / "executed",
                     parameters={"data_dir": str(data), "figures_dir": str(root / "figures")}, data_dir=data,
                     progress=False)
    return root / "html", data


# Records what a page did: dialogs, script errors, policy violations, elements a payload would make.
_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + (e.sample || e.blockedURI)));
"""
_INJECTED = """() => ({
  images: document.querySelectorAll('img[src="x"]').length,
  handlers: document.querySelectorAll('[onerror],[onload],[onclick]').length,
  scripts: [...document.scripts].filter((s) => s.type !== 'application/json').length,
  svgs: document.querySelectorAll('svg[onload]').length,
  jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
  frames: document.querySelectorAll('iframe').length,
})"""


def _open(context, path: Path, suffix: str = ""):
    page = context.new_page()
    seen = {"dialogs": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri() + suffix)
    page.wait_for_load_state("load")
    return page, seen


def _pages(html: Path) -> list[Path]:
    return sorted(html.glob("*.html"))


def test_the_site_has_every_page(site):
    html, _ = site
    names = {p.name for p in _pages(html)}
    stems = [p.stem for p in notebook_paths(ROOT / "notebooks")]
    assert names == {"index.html", "explorer.html"} | {f"{s}.html" for s in stems} | {f"{s}.report.html"
                                                                                      for s in stems}


def test_escaping_alone_keeps_every_payload_inert(site, browser):
    """The policy bypassed: no dialog, no script error, no element or handler made from the data."""
    html, _ = site
    context = browser.new_context(bypass_csp=True)
    context.add_init_script(_WATCH)
    for path in _pages(html):
        page, seen = _open(context, path)
        if path.name == "explorer.html":  # draw every view the data reaches
            page.fill("#q", "<")
            page.click("#tab-compare")
            for k in range(page.locator("#cmp option").count()):
                page.select_option("#cmp", index=k)
        injected = page.evaluate(_INJECTED)
        expected_scripts = 1 if path.name == "explorer.html" else 0
        assert injected == {"images": 0, "handlers": 0, "scripts": expected_scripts, "svgs": 0, "jsLinks": 0,
                            "frames": 0}, path.name
        assert seen == {"dialogs": [], "errors": []}, path.name
        page.close()
    context.close()


def test_every_page_carries_the_policy_and_nothing_violates_it(site, browser):
    html, _ = site
    context = browser.new_context()
    context.add_init_script(_WATCH)
    for path in _pages(html):
        text = path.read_text(encoding="utf-8")
        head = text.split("</head>", 1)[0]
        assert head.count('http-equiv="Content-Security-Policy"') == 1, path.name
        assert "default-src 'none'" in head and "unsafe-eval" not in head, path.name
        assert ("script-src 'sha256-" in head) == (path.name == "explorer.html"), path.name
        page, seen = _open(context, path)
        assert page.evaluate("window.__violations") == [], path.name
        assert seen == {"dialogs": [], "errors": []}, path.name
        page.close()
    context.close()


def test_the_policy_stops_a_payload_that_escaped_escaping(site, browser, tmp_path):
    html, _ = site
    page_text = (html / "02_themes_and_keywords.report.html").read_text(encoding="utf-8")
    planted = tmp_path / "planted.html"
    planted.write_text(page_text.replace("</body>", '<img src=x onerror="alert(97)"><script>alert(98)</script>'
                                                    '<a id="js" href="javascript:alert(99)">x</a></body>'),
                       encoding="utf-8")
    context = browser.new_context()
    context.add_init_script(_WATCH)
    page, seen = _open(context, planted)
    page.click("#js")
    page.wait_for_timeout(200)
    assert seen["dialogs"] == []
    assert len(page.evaluate("window.__violations")) >= 3  # the handler, the script and the link were each refused
    context.close()


def test_payloads_are_shown_as_text(site, browser):
    html, _ = site
    context = browser.new_context()
    shown = {}
    for name in ("index.html", "01_corpus_and_cleaning.report.html", "02_themes_and_keywords.report.html",
                 "03_policy_vocabulary.report.html", "04_rhetoric.report.html"):
        page, _ = _open(context, html / name)
        shown[name] = page.inner_text("body")
        page.close()
    context.close()
    assert REGION in shown["index.html"] and TITLE.format(year=2022) in shown["index.html"]
    assert REGION_B in shown["index.html"]
    corpus_page = shown["01_corpus_and_cleaning.report.html"]
    assert TITLE.format(year=2023) in corpus_page and HEADING in corpus_page
    assert f"有两个以上年份的地区：{REGION}" in corpus_page  # Markdown written from the data
    assert f"{REGION} 2022—2023年" in shown["02_themes_and_keywords.report.html"]  # findings
    assert f"{REGION} 2022 → 2023" in shown["04_rhetoric.report.html"]
    assert "<svg onload=alert(11)>" in shown["03_policy_vocabulary.report.html"]  # a quoted term
    assert f"{REGION} 2022年" in shown["03_policy_vocabulary.report.html"]


def test_the_explorer_finds_the_right_counts_and_reads_any_hash(site, browser):
    import pandas as pd

    from miyun_text.corpus import open_corpus
    from miyun_text.keywords import kwic

    html, data = site
    paragraphs = open_corpus(data).paragraphs
    context = browser.new_context()
    context.add_init_script(_WATCH)
    page, seen = _open(context, html / "explorer.html")
    data_text = page.inner_text("#explorer-data")
    assert "<" not in data_text and "\u2028" not in data_text
    labels = json.loads(data_text)["reports"]
    assert {r["label"] for r in labels} == {f"{REGION} 2022", f"{REGION} 2023", f"{REGION_B} 2023"}
    page.check("#mode-sub")  # substrings: any text, markup-like or not, is found where it stands
    for term in ("科学城", IN_TEXT, "<"):
        page.fill("#q", term)
        expected = kwic(paragraphs, term)
        assert int(page.inner_text("#total")) == len(expected) > 0, term
    page.fill("#q", IN_TEXT)
    assert page.locator("#kwic td.term").first.inner_text() == IN_TEXT
    assert set(page.locator("#by-report tr td:first-child").all_inner_texts()) == {f"{REGION} 2022",
                                                                                    f"{REGION} 2023"}
    for region in pd.unique(paragraphs["region"]):
        page.select_option("#region", region)
        assert int(page.inner_text("#total")) == len(kwic(paragraphs[paragraphs["region"] == region], IN_TEXT))
    page.close()
    # a hash with a malformed escape is searched as written; a well-formed one is decoded
    for suffix, term in (("#q=100%", "100%"), ("#q=%E4", "%E4"), ("#q=%E7%A7%91%E5%AD%A6%E5%9F%8E", "科学城")):
        page, seen = _open(context, html / "explorer.html", suffix + "&m=sub")
        assert page.input_value("#q") == term and page.is_checked("#mode-sub")
        assert int(page.inner_text("#total")) == len(kwic(paragraphs, term))
        assert seen == {"dialogs": [], "errors": []}
        page.close()
    context.close()


def test_downloadable_tables_neutralise_formulas(site):
    html, _ = site
    import pandas as pd

    quoted = pd.read_csv(html / "tables" / "quoted_terms.csv", encoding="utf-8-sig")
    assert {"'=1+2", "'@SUM（A1）"} <= set(quoted["term"])
    assert not quoted["term"].str.match(r"[=+\-@\t\r]").any()

"""The HTML site in ``build/html/``: self-contained pages, an index, navigation, the explorer.

Every page works from a folder, or mailed on its own, on a machine with no network and
no Chinese font: no script, style or font is loaded from elsewhere (the notebook
template drops require.js, MathJax and mermaid, which no notebook uses), the page says
``lang="zh-CN"``, figures are embedded, and a subset of the bundled Noto Sans CJK SC
holding just the characters the page uses is embedded as WOFF2. Each page has a header
linking to the index and to the previous and next page.

:func:`write_site` writes the pages of executed notebooks, ``index.html`` (the corpus,
the analyses with thumbnails, build date and version) and ``explorer.html``
(:mod:`miyun_text.explorer`).
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import html
import io
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

# nbconvert, nbformat, fontTools and PIL are imported inside the functions that render
# pages and fonts (about 1 s together): building processed data or figures imports this
# module through build without rendering anything
from . import __version__
from .cache import cache_dir, read_blob, trim, write_blob
from .corpus import open_corpus
from .digest import digest, installed_distributions, sha256_file
from .errors import MiyunTextError
from .escape import csp_meta, html_text
from .explorer import explorer_parts
from .io import write_bytes_atomic
from .paths import RESOURCES
from .style import font_path

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = [
    "FONT_FAMILY",
    "MAX_PAGE_BYTES",
    "Page",
    "embed_font",
    "explorer_page",
    "external_references",
    "font_face_css",
    "navigation",
    "notebook_pages",
    "notebook_title",
    "page_characters",
    "page_headers",
    "render_notebook_page",
    "standalone_page",
    "subset_font",
    "write_site",
]

FONT_FAMILY = "Miyun Noto Sans CJK SC"
MAX_PAGE_BYTES = 4 * 1024 * 1024
_FONT_MARK = "/*miyun-font-face*/"
_TEMPLATES = RESOURCES / "templates"
# Characters every page may show even when its text does not hold them (digits, Latin,
# the navigation's arrows and the common full-width punctuation).
_BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "←→·…—“”‘’、。，：；！？（）《》【】　目录上一页下一页"


@dataclass(frozen=True)
class Page:
    """One page of the site: its file name and title (for navigation links).

    Example:
        >>> Page("index.html", "目录").file
        'index.html'
    """

    file: str
    title: str


def page_characters(text: str) -> str:
    """The sorted distinct characters a page can show: its text with entities decoded, plus basics.

    Example:
        >>> "保" in page_characters("<p>&#20445;水</p>")
        True
    """
    visible = html.unescape(re.sub(r"data:[^\"')\s]+", "", text))
    return "".join(sorted((set(visible) | set(_BASE_CHARS)) - {"\n", "\r", "\t"}))


def _font_file() -> Path:
    return font_path()


@lru_cache(maxsize=32)
def subset_font(characters: str) -> bytes:
    """WOFF2 of the bundled font reduced to ``characters`` (cached on disk by content).

    Deterministic: the font's timestamps are kept, so the same characters give the same bytes.

    Example:
        >>> data = subset_font("保水ABC")
        >>> data[:4], len(data) < 20_000
        (b'wOF2', True)
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = _font_file()
    key = digest(source.read_bytes()[:4096], str(source.stat().st_size), characters)[:24]
    cached = cache_dir() / "fonts" / f"subset-{key}.woff2"
    hit = read_blob(cached)
    if hit is not None:
        return hit
    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]  # keep the copyright and licence notice (SIL OFL) in the subset
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    data = buffer.getvalue()
    write_blob(cached, data)
    return data


def _all_characters() -> str:
    """Every character the bundled font has a glyph for."""
    from fontTools.ttLib import TTFont

    return "".join(chr(c) for c in sorted(TTFont(_font_file(), lazy=True).getBestCmap()))


def font_face_css(characters: str, *, fallback: bool = False) -> str:
    """CSS declaring the embedded font (data: URL) and making it the pages' first choice.

    With ``fallback``, the whole bundled font (GB 2312 and every character of the
    project's text) follows the page's subset as a second family, for text the page
    does not hold yet: what a reader types into the explorer. A browser decodes it only
    when a character needs it.

    Example:
        >>> css = font_face_css("保水")
        >>> "@font-face" in css and "data:font/woff2;base64," in css
        True
    """
    data = base64.b64encode(subset_font(characters)).decode("ascii")
    family = f'"{FONT_FAMILY}"'
    faces = (f"@font-face{{font-family:{family};src:url(data:font/woff2;base64,{data}) format('woff2');"
             "font-weight:100 900;font-style:normal;font-display:block}\n")
    if fallback:
        whole = base64.b64encode(subset_font(_all_characters())).decode("ascii")
        family += f',"{FONT_FAMILY} full"'
        faces += (f"@font-face{{font-family:\"{FONT_FAMILY} full\";src:url(data:font/woff2;base64,{whole}) "
                  "format('woff2');font-weight:100 900;font-style:normal;font-display:swap}\n")
    return (
        faces
        + f":root{{--jp-content-font-family:{family},system-ui,sans-serif;"
        f"--jp-ui-font-family:{family},system-ui,sans-serif;"
        f"--jp-code-font-family:Menlo,Consolas,'DejaVu Sans Mono',{family},monospace;}}\n"
        f"body{{font-family:{family},system-ui,sans-serif}}\n"
        f"pre,code,kbd,samp{{font-family:Menlo,Consolas,'DejaVu Sans Mono',{family},monospace}}\n"
    )


def embed_font(page: str, characters: str | None = None, *, fallback: bool = False) -> str:
    """Put the subset font for ``page``'s characters where the page marks it (or before ``</head>``);
    with ``fallback``, the whole bundled font after it (:func:`font_face_css`).

    Example:
        >>> out = embed_font("<html><head></head><body>保水</body></html>")
        >>> out.count("@font-face")
        1
    """
    chars = characters or page_characters(page)
    css = font_face_css(chars, fallback=fallback)
    if _FONT_MARK in page:
        return page.replace(_FONT_MARK, css, 1)
    return page.replace("</head>", f"<style>{css}</style></head>", 1)


_EXTERNAL = [
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?!data:)([^\"'\s>]+)", re.I),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.I),
    re.compile(r"@import\s+(?:url\()?[\"']?([^\"');\s]+)", re.I),
    re.compile(r"url\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.I),
    re.compile(r"<(?:img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.I),
]


def external_references(page: str) -> list[str]:
    """Scripts, styles, fonts or media a page would fetch from elsewhere (links to click do not count).

    Example:
        >>> external_references('<script src="https://cdn.example/require.js"></script><a href="https://x.org">x</a>')
        ['https://cdn.example/require.js']
    """
    found: list[str] = []
    for pattern in _EXTERNAL:
        found += pattern.findall(page)
    return found


_escape = html_text


def navigation(index: Page, previous: Page | None, following: Page | None, *,
               extra: Sequence[tuple[str, str]] = ()) -> str:
    """The header every page carries: the index, the previous and next page, and extra links.

    Example:
        >>> nav = navigation(Page("index.html", "目录"), None, Page("02.report.html", "主题"))
        >>> 'href="index.html"' in nav and 'href="02.report.html"' in nav and 'rel="next"' in nav
        True
    """
    def link(page: Page | None, rel: str, arrow: str, label: str) -> str:
        if page is None:
            return f'<span class="miyun-nav-off">{arrow} {label}</span>'
        text = f"{arrow} {label}：{_escape(page.title)}" if arrow == "←" else f"{label}：{_escape(page.title)} {arrow}"
        return f'<a rel="{rel}" href="{_escape(page.file)}">{text}</a>'

    parts = [link(previous, "prev", "←", "上一页"), f'<a rel="index" href="{_escape(index.file)}">目录 Index</a>',
             link(following, "next", "→", "下一页")]
    parts += [f'<a href="{_escape(href)}">{_escape(label)}</a>' for href, label in extra]
    return '<nav class="miyun-nav" aria-label="site">' + " <span>·</span> ".join(parts) + "</nav>"


NAV_CSS = (
    ".miyun-nav{font-size:14px;padding:8px 12px;margin:0 0 12px;border-bottom:1px solid #ddd;background:#fafafa;"
    "line-height:1.8}.miyun-nav a{color:#1F4E79;text-decoration:none;margin:0 2px}"
    ".miyun-nav a:hover{text-decoration:underline}.miyun-nav-off{color:#999}"
    "table caption a{color:#1F4E79}"
)


@lru_cache(maxsize=2)
def _exporter(with_code: bool):
    from nbconvert import HTMLExporter

    options = {} if with_code else {"exclude_input": True, "exclude_input_prompt": True,
                                   "exclude_output_prompt": True}
    # html_text: the site's one escaping of data for pages, used by the template for figures' alt text
    return HTMLExporter(template_name="miyun", extra_template_basedirs=[str(_TEMPLATES)], embed_images=True,
                        filters={"html_text": html_text}, **options)


def render_notebook_page(notebook, title: str, nav: str, *, with_code: bool) -> str:
    """One executed notebook as a page: no CDN scripts, ``lang="zh-CN"``, the header, a place for the font.

    :func:`embed_font` then puts the page's font subset in that place.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 保水")])
        >>> page = render_notebook_page(nb, "保水", "<nav></nav>", with_code=False)
        >>> 'lang="zh-CN"' in page, external_references(page), "@font-face" in embed_font(page)
        (True, [], True)
    """
    exporter = _exporter(with_code)
    # notebook pages run no script at all: the policy allows none
    resources = {"metadata": {"name": title}, "miyun_nav": nav, "miyun_css": NAV_CSS, "miyun_font_mark": _FONT_MARK,
                 "miyun_csp": csp_meta()}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


# Metadata that records how and when a notebook ran (papermill's timings, the execution
# record): it changes on every run but is never shown, so pages are rendered without it.
_RUN_METADATA = ("papermill", "miyun_text")
_RUN_CELL_METADATA = ("papermill", "execution")


def _shown_notebook(notebook):
    """A copy of ``notebook`` holding only what its pages show.

    Left out: the metadata of its run, and the plain-text form of an output that also has
    one the page shows instead (it holds memory addresses such as ``<Styler at 0x7f…>``,
    different on every run).
    """
    priority = _exporter(False).config.NbConvertBase.display_data_priority
    richer = set(priority[: priority.index("text/plain")]) if "text/plain" in priority else set()
    shown = copy.deepcopy(notebook)
    for name in _RUN_METADATA:
        shown.metadata.pop(name, None)
    for cell in shown.cells:
        for name in _RUN_CELL_METADATA:
            cell.metadata.pop(name, None)
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data and "text/plain" in data and richer & set(data):
                del data["text/plain"]
    return shown


def _files_digest(paths: Sequence[Path]) -> list[tuple[str, str]]:
    found = []
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        found += [(p.name, sha256_file(p)) for p in files]
    return found


@lru_cache(maxsize=1)
def _site_digest() -> str:
    """What decides a notebook page besides the notebook: this module, the template, the font,
    and the installed packages (nbconvert, its filters, fontTools)."""
    parts = [_files_digest([Path(__file__), Path(__file__).with_name("escape.py"), _TEMPLATES,
                            _font_file()]), list(installed_distributions())]
    return digest(json.dumps(parts))


def _pages_cache() -> Path:
    return cache_dir() / "pages"


def notebook_pages(notebook: NotebookNode, title: str, report_nav: str, code_nav: str) -> tuple[str, str]:
    """The two finished pages of an executed notebook: the report (code hidden) and the page with code.

    Both carry the same embedded font subset (the characters of either). They are cached
    under the cache folder by the notebook's content (without the metadata of its run),
    the title, the headers and the site's code, template, font and packages, so an
    unchanged notebook gives the same bytes again without nbconvert.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 保水")])
        >>> report, code = notebook_pages(nb, "保水", "<nav></nav>", "<nav></nav>")
        >>> report.count("@font-face"), 'lang="zh-CN"' in code
        (1, True)
    """
    import nbformat

    shown = _shown_notebook(notebook)
    head = json.dumps([_site_digest(), title, report_nav, code_nav], ensure_ascii=False)
    key = digest(head, nbformat.writes(shown))
    files = (_pages_cache() / f"{key}.report.html", _pages_cache() / f"{key}.html")
    hits = [read_blob(f) for f in files]
    if hits[0] is not None and hits[1] is not None:
        return hits[0].decode("utf-8"), hits[1].decode("utf-8")
    report = render_notebook_page(shown, title, report_nav, with_code=False)
    code = render_notebook_page(shown, title, code_nav, with_code=True)
    # one font for both versions of a notebook: the same characters, built once
    chars = page_characters(report + code)
    pages = embed_font(report, chars), embed_font(code, chars)
    for page, file in zip(pages, files, strict=True):
        write_blob(file, page.encode("utf-8"))
    trim(_pages_cache(), PAGES_KEPT, "*.html")
    return pages


PAGES_KEPT = 128


def explorer_page(corpus: pd.DataFrame, paragraphs: pd.DataFrame, nav: str = "") -> str:
    """The explorer (:mod:`miyun_text.explorer`) as one HTML page: data and script embedded (the site embeds the font).

    Example:
        >>> import pandas as pd
        >>> from miyun_text.structure import corpus_paragraphs
        >>> corpus = pd.DataFrame({"report_id": ["r"], "year": [2024], "region": ["甲区"],
        ...                        "text": ["一、2023年工作回顾\\n保水。"]})
        >>> page = explorer_page(corpus, corpus_paragraphs(corpus))
        >>> 'id="explorer-data"' in page and "<script src" not in page
        True
    """
    body, style, script = explorer_parts(corpus, paragraphs)
    return standalone_page("检索与比较 · miyun-text", body, nav, style=style, script=script)


def standalone_page(title: str, body: str, nav: str, *, style: str = "", script: str = "") -> str:
    """A page of the site outside the notebooks (index, explorer) in the same frame.

    Example:
        >>> page = standalone_page("目录", "<h1>目录</h1>", "<nav></nav>")
        >>> page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page
        True
    """
    base = ("body{max-width:64em;margin:0 auto;padding:0 1em 2em;line-height:1.6;color:#222}"
            "table{border-collapse:collapse;font-size:14px}th,td{padding:3px 8px;border-bottom:1px solid #e4e4e4;"
            "text-align:left;vertical-align:top}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
            "h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}")
    code = f"\n{script}\n" if script else ""
    tail = f"<script>{code}</script>\n" if script else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"{csp_meta([code] if script else [])}\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{_escape(title)}</title>\n<style>{_FONT_MARK}</style>\n"
        f"<style>{base}{NAV_CSS}{style}</style>\n</head>\n<body>\n{nav}\n{body}\n{tail}</body>\n</html>\n"
    )


def _notebook_title(notebook, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _description(notebook) -> str:
    """One line: the notebook's ``description`` metadata, else the first sentence of its English summary."""
    described = notebook.metadata.get("description")
    if described:
        return str(described)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and "**English summary.**" in cell.source:
            text = cell.source.split("**English summary.**", 1)[1].split("\n\n")[0]
            text = re.sub(r"\s+", " ", text.replace("`", "")).strip()
            first = re.split(r"(?<=\.)\s", text, maxsplit=1)[0]
            return first if len(first) <= 240 else first[:240].rsplit(" ", 1)[0] + " …"
    return ""


def _thumbnail_alt(notebook) -> str:
    """The alt text of the notebook's first figure (written from its data when it was saved)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if isinstance(output, dict) and "image/png" in output.get("data", {}):
                return str(output.get("metadata", {}).get("image/png", {}).get("alt", ""))
    return ""


def _thumbnail(notebook, width: int = 360) -> str | None:
    """The notebook's first figure, scaled down, as a PNG data URL."""
    from PIL import Image

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}) if isinstance(output, dict) else {}
            png = data.get("image/png")
            if png:
                image = Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")
                height = max(1, round(image.height * width / image.width))
                image = image.resize((width, height), Image.Resampling.LANCZOS)
                buffer = io.BytesIO()
                image.save(buffer, format="PNG", optimize=True)
                return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return None


def build_date() -> str:
    """Today's date (UTC) for the index, or ``$SOURCE_DATE_EPOCH``'s for reproducible builds.

    Example:
        >>> len(build_date())
        10
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch
              else _dt.datetime.now(_dt.timezone.utc))
    return moment.date().isoformat()


def _corpus_table(corpus: pd.DataFrame, repairs: pd.DataFrame, paragraphs: pd.DataFrame) -> str:
    rows = []
    for r in corpus.sort_values(["region", "year", "report_id"]).to_dict("records"):
        log = repairs[repairs["report_id"] == r["report_id"]] if len(repairs) else repairs
        damage = int(log["step"].isin(["errata", "realign"]).sum()) if len(log) else 0
        unrepaired = int((log["step"] == "unrepaired").sum()) if len(log) else 0
        n_par = int((paragraphs["report_id"] == r["report_id"]).sum())
        rows.append(
            f"<tr><td>{_escape(r['region'])}</td><td class=num>{int(r['year'])}</td><td>{_escape(r['title'])}</td>"
            f"<td><code>{_escape(r['report_id'])}</code></td><td class=num>{int(r['n_repairs']):,}</td>"
            f"<td class=num>{damage}</td><td class=num>{unrepaired}</td><td class=num>{n_par}</td>"
            f"<td class=num>{len(str(r['text'])):,}</td></tr>"
        )
    head = ("<tr><th>地区 region</th><th class=num>年份 year</th><th>标题 title</th><th>编号 id</th>"
            "<th class=num>修复 repairs</th><th class=num>乱码修复 mojibake fixed</th>"
            "<th class=num>未修复 unrepaired</th><th class=num>段落 paragraphs</th>"
            "<th class=num>字数 characters</th></tr>")
    return f"<table class=corpus>{head}{''.join(rows)}</table>"


def _index_body(corpus: pd.DataFrame, paragraphs: pd.DataFrame, entries: list[dict], version: str,
                tables: list[str], repairs: pd.DataFrame | None = None) -> str:
    regions = list(dict.fromkeys(corpus.sort_values(["region"])["region"].astype(str)))
    years = sorted({int(y) for y in corpus["year"]})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    repairs = repairs if isinstance(repairs, pd.DataFrame) and len(repairs) else pd.DataFrame(
        {"report_id": [], "step": []})
    cards = []
    for e in entries:
        alt = e.get("alt") or e["title"]
        thumb = (f'<img src="{e["thumbnail"]}" alt="{_escape(alt)}" width="180">' if e["thumbnail"]
                 else '<div class="nothumb"></div>')
        cards.append(
            f'<li class="card"><a href="{_escape(e["report"])}">{thumb}</a><div><h3>'
            f'<a href="{_escape(e["report"])}">{_escape(e["title"])}</a></h3><p>{_escape(e["description"])}</p>'
            f'<p><a href="{_escape(e["report"])}">报告 report</a> · <a href="{_escape(e["code"])}">含代码 with code</a>'
            "</p></div></li>"
        )
    table_links = " · ".join(f'<a href="tables/{_escape(t)}">{_escape(t)}</a>' for t in tables)
    return (
        "<h1>政府工作报告文本分析</h1>\n"
        "<p>Chinese government work reports read as data: repair, structure, themes, policy vocabulary and "
        "rhetoric, rendered from the project's notebooks. Every page here works offline and without "
        "Chinese fonts installed.</p>\n"
        f"<h2>语料 Corpus</h2>\n<p>{len(corpus)} 份报告 reports · 地区 regions：{_escape('、'.join(regions))} · "
        f"年份 years：{span}</p>\n"
        f"{_corpus_table(corpus, repairs, paragraphs)}\n"
        "<h2>分析 Analyses</h2>\n<ul class=cards>" + "".join(cards) + "</ul>\n"
        "<h2>检索与比较 Explorer</h2>\n<p><a href=\"explorer.html\">explorer.html</a>：检索任一词语的出现次数与上下文，"
        "比较两组文本的区分性词语 (term search with keyword in context; distinctive terms between two groups).</p>\n"
        + (f"<h2>完整表格 Full tables (CSV, UTF-8 with BOM)</h2>\n<p>{table_links}</p>\n" if tables else "")
        + f'<footer><p class="meta">构建日期 built {build_date()} · miyun-text {_escape(version)}</p></footer>'
    )


INDEX_CSS = (".cards{list-style:none;padding:0}.card{display:flex;gap:16px;align-items:flex-start;margin:0 0 18px}"
             ".card img,.nothumb{width:180px;min-width:180px;border:1px solid #ddd;background:#fff}"
             ".nothumb{height:100px;background:#f3f3f3}.card h3{margin:0 0 4px;font-size:1.05em}"
             ".card p{margin:2px 0}.meta{color:#666;font-size:13px;margin-top:2em}")


def _finish(page: str, path: Path) -> Path:

    head = page.split("</head>", 1)[0]
    if head.count('http-equiv="Content-Security-Policy"') != 1 or "default-src 'none'" not in head:
        raise MiyunTextError(f"{path}: the page does not carry the site's Content-Security-Policy in its head; "
                             "build it with site.standalone_page or the miyun notebook template")
    found = external_references(page)
    if found:
        raise MiyunTextError(f"{path}: the page would load {found[:3]} from elsewhere; pages must be "
                             "self-contained (remove the outside reference or embed it)")
    data = page.encode("utf-8")
    if len(data) > MAX_PAGE_BYTES:
        raise MiyunTextError(f"{path}: {len(data) / 1e6:.1f} MB is over the {MAX_PAGE_BYTES / 1e6:.1f} MB limit for "
                             "a page; show fewer rows or figures on it")
    return write_bytes_atomic(path, data)


def notebook_title(notebook: NotebookNode, fallback: str) -> str:
    """The notebook's title: its first ``# `` heading (``fallback`` without one).

    Example:
        >>> import nbformat
        >>> notebook_title(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 主题")]), "02")
        '主题'
    """
    return _notebook_title(notebook, fallback)


def page_headers(notebooks: Sequence[tuple[str, str]], *, explorer: bool = True) -> list[tuple[str, str]]:
    """The headers of each notebook's two pages, from the (stem, title) of every notebook in order.

    Report pages lead from one to the next and on to the explorer; pages with code lead
    from one to the next; each links to its other version.

    Example:
        >>> report, code = page_headers([("01_a", "甲"), ("02_b", "乙")])[1]
        >>> 'href="explorer.html"' in report, 'href="02_b.report.html"' in code
        (True, True)
    """
    index = Page("index.html", "目录")
    reports = [Page(f"{stem}.report.html", title) for stem, title in notebooks]
    reports += [Page("explorer.html", "检索与比较")] if explorer else []
    codes = [Page(f"{stem}.html", title + "（含代码）") for stem, title in notebooks]
    headers = []
    for k, (stem, _) in enumerate(notebooks):
        pair = []
        for chain, other, label in ((reports, f"{stem}.html", "含代码 with code"),
                                    (codes, f"{stem}.report.html", "仅报告 report only")):
            pair.append(navigation(index, chain[k - 1] if k > 0 else index,
                                   chain[k + 1] if k + 1 < len(chain) else None, extra=[(other, label)]))
        headers.append((pair[0], pair[1]))
    return headers


def write_site(
    notebooks: Sequence[tuple[Path, object]],
    html_dir: str | os.PathLike[str] = "build/html",
    data_dir: str | os.PathLike[str] | None = None,
    *,
    explorer: bool = True,
) -> list[Path]:
    """Write the site: two pages per executed notebook, ``index.html`` and ``explorer.html``.

    ``notebooks`` pairs each notebook's path (its stem names the pages) with the
    executed notebook node. Report pages (code hidden) lead from one to the next and
    on to the explorer; pages with code lead from one to the next; each page links to
    its other version.

    Example:
        >>> write_site([], "/tmp/site")  # doctest: +SKIP
    """
    folder = Path(html_dir)
    loaded = open_corpus(data_dir)
    corpus, paragraphs = loaded.reports, loaded.paragraphs
    index = Page("index.html", "目录")
    entries: list[dict[str, Any]] = []
    for path, notebook in notebooks:
        stem = Path(path).stem
        title = _notebook_title(notebook, stem)
        entries.append({"stem": stem, "title": title, "notebook": notebook, "report": f"{stem}.report.html",
                        "code": f"{stem}.html", "description": _description(notebook),
                        "thumbnail": _thumbnail(notebook), "alt": _thumbnail_alt(notebook)})
    reports = [Page(e["report"], e["title"]) for e in entries] + ([Page("explorer.html", "检索与比较")] if explorer
                                                                  else [])
    written: list[Path] = []
    headers = page_headers([(e["stem"], e["title"]) for e in entries], explorer=explorer)
    for e, (report_nav, code_nav) in zip(entries, headers, strict=True):
        report, code = notebook_pages(e["notebook"], e["title"], report_nav, code_nav)
        written.append(_finish(report, folder / e["report"]))
        written.append(_finish(code, folder / e["code"]))
    if explorer:
        previous = reports[-2] if len(reports) > 1 else index
        nav = navigation(index, previous, None)
        page = explorer_page(corpus, paragraphs, nav)
        # what a reader types may hold characters the corpus does not: the whole font follows the
        # page's subset, unless that would take the page over the size limit
        with_fallback = embed_font(page, fallback=True)
        page = with_fallback if len(with_fallback.encode("utf-8")) <= MAX_PAGE_BYTES else embed_font(page)
        written.append(_finish(page, folder / "explorer.html"))
    tables = sorted(p.name for p in (folder / "tables").glob("*.csv")) if (folder / "tables").is_dir() else []
    body = _index_body(corpus, paragraphs, entries, __version__, tables, loaded.repairs)
    nav = navigation(index, None, reports[0] if reports else None)
    page = standalone_page("政府工作报告文本分析 · miyun-text", body, nav, style=INDEX_CSS)
    written.append(_finish(embed_font(page), folder / "index.html"))
    return written


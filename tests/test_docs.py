"""The documentation site builds offline, strictly, with every link and anchor resolved.

``mkdocs build --strict`` fails on a page missing from the navigation, a link to a page or
an anchor that does not exist, and a docstring mkdocstrings cannot render; the checks here
add what MkDocs does not: no page loads anything from the network, every link between
built pages resolves (the API reference's anchors included), and every public module of
the package has its API reference.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT

DOCS = ROOT / "docs"
PAGES = DOCS / "pages"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for attribute in ("href", "src"):
            if values.get(attribute):
                self.links.append((f"{tag}.{attribute}", str(values[attribute])))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                            "-f", str(DOCS / "mkdocs.yml"), "-d", str(out)],
                           cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    return out


def _pages(site: Path) -> dict[Path, _Links]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(path.read_text(encoding="utf-8"))
        pages[path] = parser
    return pages


def test_no_page_loads_anything_from_the_network(site):
    remote = [(page.name, kind, url) for page, links in _pages(site).items() for kind, url in links.links
              if kind != "a.href" and urlsplit(url).scheme in ("http", "https", "")
              and urlsplit(url).netloc]
    assert not remote, remote
    css = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", css)


def test_every_link_between_pages_resolves(site):
    pages = _pages(site)
    broken = []
    for page, links in pages.items():
        for _, url in links.links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if parts.path.startswith("/"):
                continue  # the theme's link to the site root, resolved by the web server
            if not target.exists():
                broken.append((page.name, url))
            elif parts.fragment and target.suffix == ".html" and target in pages and \
                    unquote(parts.fragment) not in pages[target].ids:
                broken.append((page.name, url))
    assert not broken, broken


def test_every_public_module_has_an_api_reference():
    documented = set(re.findall(r"^::: (miyun_text\.\w+)", "\n".join(
        p.read_text(encoding="utf-8") for p in PAGES.rglob("*.md")), re.M))
    modules = {f"miyun_text.{p.stem}" for p in (ROOT / "miyun_text").glob("*.py") if not p.stem.startswith("_")}
    assert modules - documented == set(), f"add these to the API reference: {sorted(modules - documented)}"


def test_the_chinese_font_is_embedded(site):
    font = site / "fonts" / "cjk.woff2"
    assert font.read_bytes()[:4] == b"wOF2"


def test_the_generated_figures_are_fresh(tmp_path):
    """Every figure docs/generate.py computes is what the committed docs/generated/ holds."""
    sys.path.insert(0, str(DOCS))
    try:
        import generate
    finally:
        sys.path.remove(str(DOCS))
    generate.generate(tmp_path)
    stale = [name for name in generate.FILES
             if (tmp_path / name).read_bytes() != (DOCS / "generated" / name).read_bytes()]
    assert not stale, f"stale in docs/generated/: {stale}; run `make docs` and commit them"


def test_every_figure_a_page_quotes_is_generated():
    facts = json.loads((DOCS / "generated" / "facts.json").read_text(encoding="utf-8"))
    quoted = set(re.findall(r"\{\{ *([a-z0-9_]+) *\}\}", "\n".join(
        p.read_text(encoding="utf-8") for p in PAGES.rglob("*.md"))))
    assert quoted and quoted <= set(facts), sorted(quoted - set(facts))
    included = set(re.findall(r'^--8<-- "([^"]+)"', "\n".join(
        p.read_text(encoding="utf-8") for p in PAGES.rglob("*.md")), re.M))
    assert {"cli.md", "codebook.md", "repair_steps.md", "evaluation.md", "gold.md"} <= included
    assert all((DOCS / "generated" / name).is_file() for name in included), included


def test_the_readme_stays_short():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    links = re.findall(r"\]\((docs/pages/[^)#]+)", readme)
    assert links and all((ROOT / link).is_file() for link in links), links

"""MkDocs hooks.

* Figures in the prose come from ``generated/facts.json`` (written by ``generate.py``): a
  page's ``{{ name }}`` is replaced by that figure, and an unknown name fails the build.
* Generated tables are included with pymdownx.snippets (``--8<-- "cli.md"``); its base path
  is set here to ``docs/generated``, so the site builds from any working directory.
* After the build, a subset of the bundled CJK font covering every character the pages
  show is embedded (the same font and subsetting as the notebook pages).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

GENERATED = Path(__file__).resolve().parent / "generated"
_FACT = re.compile(r"\{\{ *([a-z0-9_]+) *\}\}")


def on_config(config, **kwargs):
    config["mdx_configs"].setdefault("pymdownx.snippets", {})["base_path"] = [str(GENERATED)]
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    facts = json.loads((GENERATED / "facts.json").read_text(encoding="utf-8"))

    def fact(match: re.Match[str]) -> str:
        if match.group(1) not in facts:
            raise PluginError(f"{page.file.src_path}: no figure named {match.group(1)!r} in generated/facts.json "
                              "(add it to docs/generate.py and run make docs)")
        return facts[match.group(1)]

    return _FACT.sub(fact, markdown)


def on_post_build(config, **kwargs) -> None:
    from miyun_text.io import write_bytes_atomic
    from miyun_text.site import subset_font

    site = Path(config["site_dir"])
    characters: set[str] = set()
    for page in site.rglob("*.html"):
        text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
        characters.update(ch for ch in text if ord(ch) > 0x2000)
    write_bytes_atomic(site / "fonts" / "cjk.woff2", subset_font("".join(sorted(characters))))

"""MkDocs hooks: after the build, embed a subset of the bundled CJK font covering every
character the pages show (the same font and subsetting as the notebook pages)."""

from __future__ import annotations

import html
import re
from pathlib import Path


def on_post_build(config, **kwargs) -> None:
    from miyun_text.io import write_bytes_atomic
    from miyun_text.site import subset_font

    site = Path(config["site_dir"])
    characters: set[str] = set()
    for page in site.rglob("*.html"):
        text = html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
        characters.update(ch for ch in text if ord(ch) > 0x2000)
    write_bytes_atomic(site / "fonts" / "cjk.woff2", subset_font("".join(sorted(characters))))

"""The bundled font: which characters it holds, and how it is rebuilt from Noto Sans CJK SC.

The font in ``resources/fonts/`` is Noto Sans CJK SC (SIL OFL 1.1) reduced to GB 2312
plus every character the project's own text can show: the raw reports and the errata
(whose evidence quotes Traditional characters of the scrape, such as 閥), the resources
(the reading table's Traditional forms) and the README. Figures and every page's subset
are cut from it, so a character outside it would be drawn by no font on a machine
without Chinese fonts. Rebuild it after adding text that brings new characters::

    python -m miyun_text.font_subset --source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

(Debian's ``fonts-noto-cjk`` package; the collection's Simplified Chinese face is taken).
The rebuild keeps every glyph the font holds and adds the missing ones with the
options the bundled file was made with, so outlines, and figures, stay the same.
"""

from __future__ import annotations

import argparse
import io
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

from .io import write_bytes_atomic
from .paths import RESOURCES
from .style import font_path

__all__ = ["missing_characters", "project_characters", "rebuild_font"]

# head.modified of the bundled file: kept, so that a rebuild with the same characters gives the same bytes
_MODIFIED = 3878695396
_TEXT_SUFFIXES = {".txt", ".csv", ".yaml", ".md", ".js", ".json"}


def _drawable(char: str) -> bool:
    return unicodedata.category(char)[0] not in "CZ" or char == "\u3000"


def project_characters(root: str | Path | None = None) -> set[str]:
    """Every drawable character of the project's text: raw reports, errata, resources, README
    and the documentation's pages.

    Raw files that are not UTF-8 (GBK, Big5, the refused encodings of the test fixtures)
    are read as the loader reads them only when they load; here they are skipped, since
    their clean text is Simplified Chinese that GB 2312 and the corpus already cover.

    Example:
        >>> "閥" in project_characters()
        True
    """
    base = Path(root) if root is not None else RESOURCES.parents[1]
    files = [base / "README.md", base / "data" / "errata.csv"]
    files += sorted((base / "docs").rglob("*.md")) if (base / "docs").is_dir() else []
    files += sorted((base / "data" / "raw").glob("*.txt")) if (base / "data" / "raw").is_dir() else []
    files += sorted(p for p in RESOURCES.iterdir() if p.is_file() and p.suffix in _TEXT_SUFFIXES)
    found: set[str] = set()
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (FileNotFoundError, UnicodeDecodeError):
            continue
        found |= {c for c in text if ord(c) >= 0x80 and _drawable(c)}
    return found


def missing_characters(characters: Iterable[str], font: str | Path | None = None) -> list[str]:
    """The characters the (bundled) font has no glyph for, sorted.

    Example:
        >>> missing_characters("保水")
        []
    """
    cmap = TTFont(font or font_path(), lazy=True).getBestCmap()
    return sorted({c for c in characters if ord(c) not in cmap})


def rebuild_font(source: str | Path, out: str | Path | None = None, extra: Iterable[str] = ()) -> list[str]:
    """Rebuild the bundled font from the full Noto Sans CJK SC: its characters plus the missing ones.

    ``source`` is an OTF of Noto Sans CJK SC or Noto's CJK collection (``.ttc``, whose
    Simplified Chinese face is used). Returns the characters added.

    Example:
        >>> rebuild_font("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # doctest: +SKIP
        ['瞭', '繫', '閥', '餘', '麼']
    """
    target = Path(out) if out is not None else font_path()
    current = TTFont(font_path()).getBestCmap()
    added = missing_characters(set(project_characters()) | set(extra))
    if str(source).lower().endswith((".ttc", ".otc")):
        faces = TTCollection(source, lazy=True).fonts
        number = next(i for i, f in enumerate(faces) if f["name"].getDebugName(1) == "Noto Sans CJK SC")
        font = TTFont(source, fontNumber=number, recalcTimestamp=False)
    else:
        font = TTFont(source, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chr(c) for c in current) + "".join(added))
    subsetter.subset(font)
    font["head"].modified = _MODIFIED
    buffer = io.BytesIO()
    font.save(buffer)
    write_bytes_atomic(target, buffer.getvalue())
    return added


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the bundled font (see the module's docstring).

    Example:
        >>> main(["--help"])  # doctest: +SKIP
    """
    parser = argparse.ArgumentParser(prog="python -m miyun_text.font_subset", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="Noto Sans CJK SC (.otf) or Noto's CJK collection (.ttc)")
    args = parser.parse_args(argv)
    added = rebuild_font(args.source)
    print(f"added {len(added)} characters: {''.join(added)}" if added else "nothing to add")
    return 0


if __name__ == "__main__":
    sys.exit(main())

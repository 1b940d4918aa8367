"""Main text out of saved web pages, PDFs and Word files: a logged, deterministic step of loading.

Researchers save reports as they find them: a web page (``.html``/``.htm``), a PDF
with a text layer, a Word file (``.docx``). The raw file stays exactly what was
received; :func:`extract_text` reads its bytes and returns the report's plain text,
one paragraph per line, plus a note of how it was obtained (the ``extraction``
column of the corpus). The same bytes always give the same text.

- Web pages: the page's own charset (``<meta charset>``), then trafilatura for the
  main text (menus, footers, share buttons, scripts and entities gone).
- PDFs: pypdf's text layer, page by page; lines that a page wrapped are joined back
  into whole paragraphs (no space or hyphen logic between Chinese characters); bare
  page numbers are dropped. A PDF without a text layer is a scan and needs OCR first.
- Word files: python-docx, paragraphs and table cells in document order.

Every problem a file causes, however malformed (pypdf's and python-docx's own errors,
a damaged zip, an encrypted PDF), becomes an :class:`ExtractionError` naming the file and
what to do. A Word file is a zip archive: it is refused before it is unpacked when it
would expand to more than :data:`MAX_UNZIPPED_BYTES`, or by more than
:data:`MAX_ZIP_RATIO` times, which no report does and a zip bomb does.
"""

from __future__ import annotations

import io
import logging
import math
import re
import zipfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from lxml import html as lxml_html

# pypdf, python-docx and trafilatura (about 1.3 s together) are imported inside the readers
# of their formats: every corpus load imports this module, and a corpus of .txt needs none of them
from .decode import TEXT_ENCODINGS, chinese_text_problem, decode_text, detector_guess
from .errors import CorpusError

__all__ = ["EXTRACTORS", "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "ExtractionError", "check_zip", "extract_docx",
           "extract_html", "extract_pdf", "extract_text"]

log = logging.getLogger(__name__)


class ExtractionError(CorpusError):
    """A saved page, PDF or Word file holds no report text that can be extracted."""


_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_FULL_WIDTH_PUNCT = "，。；：！？、“”‘’（）《》【】…—"
_LAYOUT_SPACE = re.compile(
    rf"[ \t\u00a0]+(?=[{_FULL_WIDTH_PUNCT}])|(?<=[{_FULL_WIDTH_PUNCT}])[ \t\u00a0]+"
    r"|(?<=[\u4e00-\u9fff])[ \t\u00a0]+(?=[\u4e00-\u9fff])"
)
_XML_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Charsets pages declare, mapped to the codec that reads them (GB18030 is a superset of GB2312/GBK).
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                    "big5": "cp950", "big5-hkscs": "big5hkscs", "utf8": "utf-8"}


def _page_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    return _CHARSET_ALIASES.get(name, name)


def _page_heading(markup: str) -> str | None:
    """The page's first ``<h1>``: the report's title, which the main-text extractor sets aside."""
    try:
        tree = lxml_html.fromstring(_XML_PROLOG.sub("", markup))
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return None
    for node in tree.iter("h1"):
        text = re.sub(r"\s+", " ", node.text_content()).strip()
        if text:
            return text
    return None


_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def _detect_page_charset(data: bytes, path: str | Path) -> tuple[str, str]:
    """Decode a page without a usable declared charset: BOM, then the first encoding whose text reads as Chinese."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data, Path(path), check_chinese=False)
    for encoding in TEXT_ENCODINGS:
        try:
            markup = data.decode(encoding if encoding != "big5" else "cp950")
        except UnicodeDecodeError:
            continue
        if chinese_text_problem(_TAGS.sub(" ", markup)) is None:  # judge the words, not the markup
            return markup, encoding
    raise ExtractionError(
        f"{path}: the page's text is not Chinese in UTF-8, GB18030 or Big5; charset-normalizer reads the "
        f"bytes as {detector_guess(data)}. Save the page again from the browser (Save as: web page, HTML only)"
    )


def extract_html(data: bytes, path: str | Path = "page.html") -> tuple[str, str]:
    """Main text of a saved web page and a note of the method.

    The page's declared charset (``<meta charset>``) is honoured; a BOM wins over it, and
    without one (or when the bytes are not in it) the first of UTF-8, GB18030 and Big5
    whose words read as Chinese is taken, and the note says so.

    Example:
        >>> page = ('<html><head><meta charset="gbk"></head><body><div>首页 | 政务公开</div>'
        ...         '<article><p>各位代表：</p><p>现在，我代表区人民政府向大会报告工作。</p>'
        ...         '<p>过去一年，全区经济运行稳中有进&nbsp;，生态保护取得新成效。</p></article>'
        ...         '<footer>版权所有</footer></body></html>').encode("gbk")
        >>> text, how = extract_html(page)
        >>> text.splitlines()[0], how.split(" (")[0]
        ('各位代表：', 'html')
    """
    import trafilatura
    from trafilatura.settings import use_config

    declared = _page_charset(data)
    markup, charset, source = None, None, "declared by the page"
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        try:
            markup, charset = data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            source = f"detected (the page declares {declared}, which its bytes are not)"
    else:
        source = "detected"
    if markup is None:
        markup, charset = _detect_page_charset(data, path)
    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal-based timeout: same result in any thread
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "10")
    text = trafilatura.extract(
        _XML_PROLOG.sub("", markup),
        config=config,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        favor_recall=True,
    )
    if not text or not text.strip():
        raise ExtractionError(
            f"{path}: no main text found in this web page; open it in a browser, copy the report text "
            "into a .txt file and add that instead"
        )
    # white space in markup is layout (line breaks inside <p>, &nbsp;), not text, where it
    # touches full-width punctuation or stands between Chinese characters
    lines = [_LAYOUT_SPACE.sub("", line.strip()) for line in text.splitlines() if line.strip()]
    heading = _page_heading(markup)
    if heading and heading not in lines[:3]:
        lines.insert(0, heading)  # trafilatura keeps the title as metadata; the report opens with it
    return "\n".join(lines) + "\n", f"html (trafilatura {version('trafilatura')}, charset {charset} {source})"


_PAGE_NUMBER = re.compile(r"^[\s\-—－–·•第]*\d{1,4}[\s\-—－–·•页]*$|^[\s\-—－–]*[ivxlcIVXLC]{1,6}[\s\-—－–]*$")
_HEADING_START = re.compile(
    r"^(?:第[一二三四五六七八九十\d]{1,3}部分|[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|\d{1,2}[、.．](?!\d)|各位代表)"
)
_PARAGRAPH_END = "。！？：；”」…"


def _width(line: str) -> float:
    return sum(0.5 if ch.isascii() else 1.0 for ch in line)


def _join_lines(lines: list[str], indented: list[bool] | None = None) -> list[str]:
    """Join lines a page wrapped back into paragraphs.

    A line reaching (nearly) the full text width continues on the next line unless the
    next one opens a heading or is indented (a paragraph's first line); a shorter line
    ends its paragraph. Chinese is joined without a space; two Latin letters or digits
    get one.

    Example:
        >>> _join_lines(["一、回顾", "过去一年，全区经济稳中有进，生态", "保护取得新成效。", "保水护水。"])
        ['一、回顾', '过去一年，全区经济稳中有进，生态保护取得新成效。', '保水护水。']
    """
    if not lines:
        return []
    indented = indented or [False] * len(lines)
    widths = sorted(_width(line) for line in lines)
    full = widths[math.ceil(0.9 * (len(widths) - 1))]  # the full text width, robust to a few wide lines
    paragraphs: list[str] = []
    for k, line in enumerate(lines):
        wrapped = (k > 0 and _width(lines[k - 1]) >= 0.85 * full and not _HEADING_START.match(line)
                   and not indented[k])
        if not wrapped:
            paragraphs.append(line)
            continue
        left, right = paragraphs[-1][-1], line[0]
        glue = " " if left.isascii() and left.isalnum() and right.isascii() and right.isalnum() else ""
        paragraphs[-1] += glue + line
    return paragraphs


def extract_pdf(data: bytes, path: str | Path = "report.pdf") -> tuple[str, str]:
    """Text layer of a PDF, lines joined into whole paragraphs, and a note of the method.

    Raises :class:`ExtractionError` for a PDF without a text layer (a scan): run OCR
    (for example ``ocrmypdf --language chi_sim in.pdf out.pdf``) and add the result.

    Example:
        >>> extract_pdf(b"%PDF-1.4 not really")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        miyun_text.extract.ExtractionError: report.pdf: cannot be read as a PDF ...
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, LimitReachedError

    try:
        with _PdfWarnings() as noted:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                _decrypt(reader, path)
            pages = [page.extract_text() or "" for page in reader.pages]
    except ExtractionError:
        raise
    except DependencyError as err:  # AES encryption without a crypto library, or an image filter
        raise ExtractionError(
            f"{path}: this PDF is encrypted in a way pypdf reads only with an extra library ({err}); "
            "pip install cryptography, or print the PDF to a new, unencrypted PDF and add that"
        ) from err
    except LimitReachedError as err:
        raise ExtractionError(
            f"{path}: this PDF holds a stream that expands beyond pypdf's safety limit ({err}); it is damaged "
            "or built to exhaust memory. Save the report's text as a .txt file and add that"
        ) from err
    except MemoryError as err:
        raise ExtractionError(f"{path}: reading this PDF ran out of memory; save the report's text as a .txt "
                              "file and add that") from err
    # pypdf's own errors (PyPdfError and below), and the plain ones a malformed file raises inside it
    except Exception as err:
        raise ExtractionError(
            f"{path}: cannot be read as a PDF ({type(err).__name__}: {err}); check that the download is "
            "complete, or save the report's text as a .txt file"
        ) from err
    lines, indented, dropped = [], [], 0
    for page in pages:
        for raw_line in page.splitlines():
            line = _LAYOUT_SPACE.sub("", raw_line.strip(" \t\u3000\u00a0"))
            if not line:
                continue
            if _PAGE_NUMBER.match(line):
                dropped += 1
                continue
            lines.append(line)
            indented.append(raw_line[:2] in ("  ", "\u3000\u3000") or raw_line.startswith("\u3000"))
    if not lines:
        raise ExtractionError(
            f"{path}: this PDF has no text layer ({len(pages)} page(s) of images: a scan); OCR is needed. "
            "Run OCR first (for example `ocrmypdf --language chi_sim in.pdf out.pdf`) and add the "
            "OCR'd PDF, or add the report's text as a .txt file"
        )
    paragraphs = _join_lines(lines, indented)
    how = (f"pdf (pypdf {version('pypdf')}, {len(pages)} page(s), {len(lines)} lines joined into "
           f"{len(paragraphs)} paragraphs, {dropped} page-number line(s) dropped"
           + (f"; pypdf noted {len(noted)} problem(s) it read past, first: {noted[0]}" if noted else "") + ")")
    return "\n".join(paragraphs) + "\n", how


class _PdfWarnings(logging.Handler):
    """Collects what pypdf logs while it reads a damaged but readable PDF ("Ignoring wrong
    pointing object" …), so it goes into the extraction note rather than onto the user's
    terminal, where Python's last-resort handler would print it with no file named."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))

    def __enter__(self) -> list[str]:
        logger = logging.getLogger("pypdf")
        self._propagate, logger.propagate = logger.propagate, False
        logger.addHandler(self)
        return self.messages

    def __exit__(self, *exc: object) -> None:
        logger = logging.getLogger("pypdf")
        logger.removeHandler(self)
        logger.propagate = self._propagate


def _decrypt(reader, path: str | Path) -> None:
    """Open an encrypted PDF that needs no password to read (only one to edit or print); else refuse it."""
    from pypdf import PasswordType

    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise ExtractionError(
            f"{path}: this PDF is password-protected (it needs a password to open); open it with the password "
            "and save or print an unprotected copy, or save the report's text as a .txt file, and add that"
        )


# A Word file's parts unpacked: a report is a few MB of XML plus its pictures; a zip bomb is
# gigabytes from a few MB. Both limits are read from the archive's directory, before unpacking.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
MAX_ZIP_RATIO = 100
_ZIP_RATIO_FROM = 16 * 1024 * 1024  # below this a high ratio (a page of repeated XML) is harmless
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def check_zip(data: bytes, path: str | Path = "report.docx") -> int:
    """Check a zip container (a .docx) before it is unpacked; returns its unpacked size in bytes.

    Refused with :class:`ExtractionError`: a file that is no zip (an old Word ``.doc`` or a
    password-protected ``.docx`` is an OLE file instead), one that would unpack to more
    than :data:`MAX_UNZIPPED_BYTES`, and one that would grow more than
    :data:`MAX_ZIP_RATIO` times (a zip bomb). Only the archive's directory is read.

    Example:
        >>> import io, zipfile
        >>> buffer = io.BytesIO()
        >>> with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        ...     z.writestr("word/document.xml", b"0" * (32 * 1024 * 1024))
        >>> check_zip(buffer.getvalue())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        miyun_text.extract.ExtractionError: report.docx: would unpack 33.6 MB from 32.6 kB (1,029 times; ...
    """
    if data.startswith(_OLE):
        raise ExtractionError(
            f"{path}: this is an old Word .doc file, or a password-protected .docx (both are OLE files, not "
            "zip); open it in Word or LibreOffice, remove any password and save it as .docx, then add that"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as err:
        raise ExtractionError(
            f"{path}: cannot be read as a Word .docx file, which is a zip archive ({err}); check that the "
            "download is complete, or open it in Word and save it again as .docx"
        ) from err
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_UNZIPPED_BYTES:
        raise ExtractionError(
            f"{path}: would unpack to {_size(unpacked)}, over the limit of {_size(MAX_UNZIPPED_BYTES)} "
            "for a Word file; no report is that large, so the file is damaged or built to exhaust memory. Open "
            "it in Word and save the report's text as a .txt file, and add that"
        )
    if unpacked > _ZIP_RATIO_FROM and unpacked > MAX_ZIP_RATIO * packed:
        raise ExtractionError(
            f"{path}: would unpack {_size(unpacked)} from {_size(packed)} ({unpacked / packed:,.0f} "
            f"times; a Word report packs at most about {MAX_ZIP_RATIO} times), so it is a zip bomb or damaged. "
            "Open it in Word and save the report's text as a .txt file, and add that"
        )
    return unpacked


def extract_docx(data: bytes, path: str | Path = "report.docx") -> tuple[str, str]:
    """Paragraphs (and table cells) of a Word file in document order, and a note of the method.

    Example:
        >>> import docx, io
        >>> doc = docx.Document(); _ = doc.add_paragraph("各位代表："); _ = doc.add_paragraph("现在报告工作。")
        >>> buffer = io.BytesIO(); doc.save(buffer)
        >>> extract_docx(buffer.getvalue())[0]
        '各位代表：\\n现在报告工作。\\n'
    """
    import docx
    from docx.oxml.ns import qn

    check_zip(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # python-docx raises zipfile, KeyError, lxml and its own errors for a bad file
        raise ExtractionError(
            f"{path}: cannot be read as a Word .docx file ({type(err).__name__}: {err}); check that it is the "
            "report saved from Word as .docx (not a .docx renamed from another format), or save its text as .txt"
        ) from err
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(node.text or "" for node in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))).strip() for cell in row.iter(qn("w:tc"))]
                lines.append(" ".join(c for c in cells if c))
    lines = [line.strip() for line in lines if line.strip()]
    if not lines:
        raise ExtractionError(f"{path}: this Word file holds no text; check that it is the report")
    return "\n".join(lines) + "\n", f"docx (python-docx {version('python-docx')}, {len(lines)} paragraphs)"


EXTRACTORS: dict[str, Callable[[bytes, str | Path], tuple[str, str]]] = {
    ".html": extract_html,
    ".htm": extract_html,
    ".pdf": extract_pdf,
    ".docx": extract_docx,
}


def extract_text(data: bytes, path: str | Path) -> tuple[str, str]:
    """Extract the report text from a saved page, PDF or Word file, chosen by ``path``'s extension.

    Example:
        >>> extract_text(b"<html><body><p>\\xe5\\xaf\\x86\\xe4\\xba\\x91</p></body></html>", "r.html")[0]
        '密云\\n'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in EXTRACTORS:
        raise ExtractionError(f"{path}: no extractor for {suffix!r}; accepted: {', '.join(sorted(EXTRACTORS))}")
    text, how = EXTRACTORS[suffix](data, path)
    log.info("%s: extracted %d characters: %s", path, len(text), how)
    return text, how

"""A forward model of the scrape's damage, run on every row of ``data/errata.csv``.

An erratum says: the raw text holds ``corrupted`` at ``offset`` and the report said
``corrected``. The bytes can check that claim. The scraping site turned the
Simplified text into Traditional characters, added the pinyin of some of them
(``區(qū)``), and its GBK bytes were damaged before decoding. :func:`reproduce` rebuilds
what the page held and damages it the same way:

1. **Page form.** Each character of ``corrected`` takes the form the page gives it
   elsewhere, learned from the undamaged raw text (:func:`page_table`): its
   Traditional variant and, where the page annotates that character, its pinyin
   (``资`` → ``資``, never annotated; ``转`` → ``轉(zhuǎn)``). A heading at a line start
   also had the page's full-width indentation space (GBK A1 A1).
2. **Bytes.** The page form is encoded as GBK together with the raw characters that
   follow the span (the decoder is in step again there).
3. **Damage**, read off the corrupted text:

   - ``lost``: the first (lead) byte is lost and shown as ``?``;
   - ``annotation``: an annotation was inserted between the two bytes of the first
     character; its reading is that of the pair formed by the previous character's
     trail byte and that lead byte (``燃`` BC + ``氣`` 9A read ``細`` xì). Where the
     annotation is the character's own, its trail byte was lost instead;
   - where the raw shows one ``?`` more than that damage gives, one more byte of the
     span is shown as ``?`` (the model tries each byte and reports which).
4. **Decoding** one byte late with the scrape's rules (:func:`scrape_decode`): ASCII
   re-synchronises; user-defined and unassigned pairs are dropped; A3 A1–A3 FE (the
   full-width ASCII row) fold to ASCII; a lead byte before a byte below 0x40 becomes
   ``?`` together with that byte.

The row is reproduced when the decoded text equals the raw text at ``offset`` (the
corrupted span and the raw characters after it). A row the bytes cannot reproduce
needs a written reason in the table's ``exception`` column. Characters of
``corrected`` with a byte the raw does not show (lost, dropped, or hidden in a
``?``) are decided by context; the ``context`` column lists them.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from opencc import OpenCC

from .clean import DAMAGE_RUN

__all__ = [
    "ERRATA_CHECK_COLUMNS",
    "PageTable",
    "Reproduction",
    "check_errata",
    "context_chars",
    "page_table",
    "propose_corrections",
    "reproduce",
    "scrape_decode",
]

_TONED = "āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ANNOTATED = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])\(([a-z" + _TONED + r"]{1,7})\)")
_INSERTED = re.compile(r"\?([a-z" + _TONED + r"]{1,7})\)")
# The decoder is in step again after this many raw characters past a span.
_FOLLOW = 8
_INDENT = "\u3000"
# The most page forms tried for one correction (characters with several variants).
_MAX_FORMS = 64

ERRATA_CHECK_COLUMNS = ["report_id", "offset", "line", "status", "kind", "reproduced", "expected", "produced",
                        "context", "damage", "exception", "detail", "problem", "proposals"]


@dataclass(frozen=True)
class PageTable:
    """How the scraped page writes each character, learned from a report's undamaged text.

    ``forms`` maps a Simplified character to its page forms, most frequent first: the
    Traditional variant and the annotation's reading (``None`` when the page leaves the
    character unannotated). ``readings`` maps a page character to the readings its
    annotations give.
    """

    forms: dict[str, tuple[tuple[str, str | None], ...]]
    readings: dict[str, tuple[str, ...]]

    def forms_of(self, ch: str) -> tuple[tuple[str, str | None], ...]:
        """The page forms of one character of canonical text (itself when not Chinese).

        Example:
            >>> table = page_table("密云區(qū)政府")
            >>> table.forms_of("区"), table.forms_of("（")
            ((('區', 'qū'),), (('（', None),))
        """
        if not _CJK.match(ch):
            return ((ch, None),)
        if ch in self.forms:
            return self.forms[ch]
        # unattested: the converter's Traditional form, unannotated (the page's reading is unknown)
        return ((_s2t().convert(ch), None),)


@lru_cache(maxsize=1)
def _t2s():
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():
    return OpenCC("s2t")


def page_table(raw: str, damaged: list[tuple[int, int]] | None = None) -> PageTable:
    """Learn the page's character forms and readings from the raw text outside ``damaged`` spans.

    Example:
        >>> t = page_table("資金。轉(zhuǎn)化,轉(zhuǎn)型")
        >>> t.forms["资"], t.forms["转"], t.readings["轉"]
        ((('資', None),), (('轉', 'zhuǎn'),), ('zhuǎn',))
    """
    skip: set[int] = set()
    for start, end in damaged or []:
        skip.update(range(start, end))
    forms: dict[str, Counter] = defaultdict(Counter)
    readings: dict[str, Counter] = defaultdict(Counter)
    for i, ch in enumerate(raw):
        if i in skip or not _CJK.match(ch):
            continue
        match = _ANNOTATED.match(raw, i)
        reading = match.group(2) if match and not skip.intersection(range(i, match.end())) else None
        forms[_t2s().convert(ch)][(ch, reading)] += 1
        if reading:
            readings[ch][reading] += 1
    return PageTable(
        {s: tuple(f for f, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1] or ""))) for s, c in
         forms.items()},
        {ch: tuple(r for r, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for ch, c in readings.items()},
    )


def _fold(pair: bytes) -> str:
    return chr(pair[1] - 0x80)


def _pairs(data: bytes) -> list[tuple[int, int, str]]:
    """The decoder's reading of ``data``: (start, length, text) per unit, '' where dropped."""
    out, i = [], 0
    while i < len(data):
        lead = data[i]
        if lead < 0x80:
            out.append((i, 1, chr(lead)))
            i += 1
            continue
        if i + 1 >= len(data) or lead in (0x80, 0xFF):
            out.append((i, 1, "?"))
            i += 1
            continue
        trail = data[i + 1]
        if trail < 0x40:
            out.append((i, 2, "?"))
        elif lead == 0xA3 and 0xA1 <= trail <= 0xFE:
            out.append((i, 2, _fold(data[i : i + 2])))
        else:
            try:
                ch = data[i : i + 2].decode("gbk")
            except UnicodeDecodeError:
                ch = ""
            out.append((i, 2, "" if 0xE000 <= ord(ch or "\x00") <= 0xF8FF else ch))
        i += 2
    return out


def scrape_decode(data: bytes) -> str:
    """Decode GBK bytes as the scrape did.

    ASCII stands alone; user-defined and unassigned pairs vanish; the full-width ASCII
    row (A3 A1–A3 FE) folds to ASCII; a lead byte before a byte below 0x40 gives ``?``.

    Example:
        >>> scrape_decode(bytes.fromhex("a3a8 d2bb a3a9 aec9 a3c9 9a28"))
        '(一)I?'
    """
    return "".join(text for _, _, text in _pairs(data))


@dataclass(frozen=True)
class Reproduction:
    """The outcome of the forward model for one correction.

    ``page`` is the page form tried (with the following raw characters), ``produced``
    what the damaged bytes decode to, ``expected`` the raw text there, ``context`` the
    characters of the correction with a byte the raw does not show.
    """

    kind: str
    reproduced: bool
    page: str
    produced: str
    expected: str
    context: str
    damage: str
    detail: str


def _kind(corrupted: str) -> tuple[str, str | None]:
    match = _INSERTED.match(corrupted)
    if match:
        return "annotation", match.group(1)
    return "lost", None


def _page_variants(text: str, table: PageTable) -> list[str]:
    options = []
    for ch in text:
        forms = table.forms_of(ch)
        options.append([f + (f"({r})" if r else "") for f, r in forms])
    variants = []
    for combo in itertools.product(*options):
        variants.append("".join(combo))
        if len(variants) >= _MAX_FORMS:
            break
    return variants


def _following(raw: str, end: int, stop: int) -> str:
    tail = raw[end : min(end + _FOLLOW, stop)]
    kept = []
    for ch in tail:
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            break
        kept.append(ch)
    return "".join(kept)


def _context(page: str, corrected: str, table: PageTable, shown: set[int], offset_bytes: int) -> str:
    """Characters of ``corrected`` with a byte not among ``shown`` (byte offsets in the page bytes)."""
    out, pos = [], offset_bytes
    cursor = 0
    for ch in corrected:
        # find this character's page form at the cursor (form + optional annotation)
        forms = table.forms_of(ch) or ((ch, None),)
        for form, reading in forms:
            piece = form + (f"({reading})" if reading else "")
            if page.startswith(piece, cursor):
                break
        else:
            piece = page[cursor : cursor + 1]
            form = piece
        n = len(form.encode("gbk"))
        if any(pos + k not in shown for k in range(n)):
            out.append(ch)
        size = len(piece.encode("gbk"))
        pos += size
        cursor += len(piece)
    return "".join(out)


def _damage(data: bytes, ops: tuple[tuple[str, int], ...], inserted: bytes = b"") -> tuple[bytes, list[int | None]]:
    """Apply damage to page bytes: ``("?", k)`` shows byte k as ``?``, ``("lost", k)`` drops it,
    ``("insert", k)`` puts ``inserted`` after it. Returns the bytes and, per byte, its page offset."""
    out = bytearray()
    origin: list[int | None] = []
    by_pos = {k: kind for kind, k in ops}
    for k, byte in enumerate(data):
        kind = by_pos.get(k)
        if kind == "lost":
            continue
        if kind == "?":
            out.append(0x3F)
            origin.append(None)
            continue
        out.append(byte)
        origin.append(k)
        if kind == "insert":
            out += inserted
            origin += [None] * len(inserted)
    return bytes(out), origin


_DAMAGE_TEXT = {"?": "shown as '?'", "lost": "lost", "insert": "followed by an inserted annotation"}


def _describe(ops: tuple[tuple[str, int], ...], data: bytes) -> str:
    return "; ".join(f"byte {k} ({data[k]:02X}) {_DAMAGE_TEXT[kind]}" for kind, k in ops)


def _plans(kind: str) -> list[tuple[tuple[str, int], ...]]:
    """The first damage the corrupted text shows, simplest first."""
    if kind == "annotation":
        return [(("insert", 0),), (("lost", 1),)]
    return [(("?", 0),)]


def reproduce(raw: str, offset: int, corrupted: str, corrected: str, table: PageTable,
              stop: int | None = None) -> Reproduction:
    """Run the forward model for one erratum; see the module text for the steps.

    ``stop`` bounds the raw characters used after the span (the next erratum's offset).

    Example:
        >>> raw = "四、聚焦保水保生態(tài)\\n?。ㄒ唬┚劢贡KI鷳B(tài),全力"
        >>> r = reproduce(raw, 15, "?。ㄒ唬┚劢贡KI鷳B", "（一）聚焦保水保生态", page_table(raw[:15]))
        >>> r.reproduced, r.context, r.damage
        (True, '水保', "byte 0 (A1) shown as '?'")
    """
    kind, reading = _kind(corrupted)
    end = offset + len(corrupted)
    follow = _following(raw, end, len(raw) if stop is None else stop)
    expected = raw[offset:end] + follow
    variants = _page_variants(corrected, table)
    indent = _INDENT if kind == "lost" and (offset == 0 or raw[offset - 1] == "\n") else ""
    unattested = "".join(ch for ch in corrected if _CJK.match(ch) and ch not in table.forms)
    inserted = f"({reading})".encode("gbk") if reading else b""
    best: Reproduction | None = None
    for variant in variants:
        # the last character's annotation, when the page gave one, is already in the raw after the span
        last = _ANNOTATED.search(variant, max(len(variant) - 12, 0))
        if last and last.end() == len(variant) and follow.startswith(f"({last.group(2)})"):
            variant = variant[: last.start() + 1]
        page = indent + variant
        try:
            data = (page + follow).encode("gbk")
            span_bytes = len(page.encode("gbk"))
        except UnicodeEncodeError:
            continue
        notes = []
        if unattested:
            notes.append(f"page form of {unattested} not attested; taken unannotated")
        plans = _plans(kind)
        tried = 0
        while tried < len(plans):
            plan = plans[tried]
            tried += 1
            detail = list(notes)
            confirmed = False
            if plan[0][0] == "insert":
                previous = raw[offset - 1 : offset]
                try:
                    pair = (previous.encode("gbk")[-1:] + data[:1]).decode("gbk") if previous else ""
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pair = ""
                known = table.readings.get(pair, ())
                if known and reading not in known:
                    continue  # the inserted reading must be that of the misread pair
                confirmed = bool(known)
                if not known:
                    detail.append(f"reading of {pair or 'the misread pair'} not attested; annotation taken as given")
            damaged, origin = _damage(data, plan, inserted)
            units = _pairs(damaged)
            produced = "".join(text for _, _, text in units)
            if len(plan) == 1 and "?" in corrupted[1:]:
                # the raw shows a '?' more: one more byte of the span shown as '?'
                plans += [(*plan, ("?", k)) for k in range(2, span_bytes)]
            if produced != expected and best is not None:
                continue
            # a page byte is shown when the unit holding it decoded to a character
            shown = {origin[pos + k] for pos, size, text in units if text and text != "?" for k in range(size)}
            if confirmed:
                shown.add(0)  # the lead byte is confirmed by the inserted annotation's reading
            decided = {pos for pos in shown if pos is not None}
            context = _context(page, corrected, table, decided, len(indent.encode("gbk")))
            result = Reproduction(kind, produced == expected, page + follow, produced, expected, context,
                                  _describe(plan, data), "; ".join(detail))
            if result.reproduced:
                return result
            best = best or result
    if best is None:
        return Reproduction(kind, False, "", "", expected, "", "", "correction not encodable as GBK")
    return best


def context_chars(raw: str, offset: int, corrupted: str, corrected: str, table: PageTable) -> str:
    """The characters of ``corrected`` whose bytes the raw does not fully show.

    Example:
        >>> raw = "四、聚焦保水保生態(tài)\\n?。ㄒ唬┚劢贡KI鷳B(tài),全力"
        >>> context_chars(raw, 15, "?。ㄒ唬┚劢贡KI鷳B", "（一）聚焦保水保生态", page_table(raw[:15]))
        '水保'
    """
    return reproduce(raw, offset, corrupted, corrected, table).context


def _damaged_spans(raw: str, rows: pd.DataFrame) -> list[tuple[int, int]]:
    spans = [(int(offset), int(offset) + len(str(corrupted)))
             for offset, corrupted in zip(rows["offset"], rows["corrupted"], strict=True)]
    spans += [(m.start(), m.end()) for m in DAMAGE_RUN.finditer(raw)]
    return spans


def check_errata(raw: str, errata: pd.DataFrame, report_id: str | None = None,
                 table: PageTable | None = None, propose: int = 0, clean: str | None = None) -> pd.DataFrame:
    """Run the forward model on every errata row of one report; one result row each.

    Columns: report_id, offset, line, status (``ok``; ``exception``: not reproduced, with
    a written reason; ``failed``: not reproduced without one, or a ``context`` column that
    disagrees with the bytes), kind (``lost`` or ``annotation``), reproduced, expected
    (raw text), produced (the model's), context (characters decided by context), damage,
    exception, detail, problem (what to fix) and proposals: for a row that fails and is
    not reproduced, up to ``propose`` corrections that do reproduce the bytes (see
    :func:`propose_corrections`; ``clean`` is the clean text that ranks them). ``table``
    defaults to the page forms learned from this report's undamaged text; pass one learned
    from other pages of the same site for a short report.

    Example:
        >>> raw = "資金保水,空氣\\n?。ㄒ唬┚劢贡KI鷳B(tài),全力"
        >>> rows = pd.DataFrame([{"offset": 8, "corrupted": "?。ㄒ唬┚劢贡KI鷳B",
        ...                       "corrected": "（一）聚焦保水生态", "exception": ""}])
        >>> check_errata(raw, rows, "r")[["reproduced", "produced"]].values.tolist()
        [[False, '?。ㄒ唬┚劢贡K鷳B(tài),全力']]
    """
    rows = errata.sort_values("offset", kind="stable")
    table = table if table is not None else page_table(raw, _damaged_spans(raw, rows))
    offsets = [int(o) for o in rows["offset"]]
    out = []
    for k, row in enumerate(rows.to_dict("records")):
        stop = offsets[k + 1] if k + 1 < len(offsets) else len(raw)
        result = reproduce(raw, int(row["offset"]), str(row["corrupted"]), str(row["corrected"]), table, stop)
        exception = row.get("exception")
        exception = "" if exception is None or pd.isna(exception) else str(exception).strip()
        written = row.get("context")
        written = None if written is None or pd.isna(written) else str(written)
        status, problem = "ok", ""
        if not result.reproduced:
            status = "exception" if exception else "failed"
            if not exception:
                problem = (f"the damaged bytes of {row['corrected']!r} read {result.produced!r}, the raw has "
                           f"{result.expected!r}; fix the correction, or write why in the exception column")
        elif written is not None and written != result.context:
            status = "failed"
            problem = f"context column says {written!r}, the bytes leave {result.context!r} to context"
        proposals: list[str] = []
        if status == "failed" and not result.reproduced and propose > 0:
            proposals = propose_corrections(raw, int(row["offset"]), str(row["corrupted"]), str(row["corrected"]),
                                            table, clean=clean, limit=propose, stop=stop)
        out.append({
            "report_id": report_id if report_id is not None else row.get("report_id", ""),
            "offset": int(row["offset"]),
            "line": row.get("line", -1),
            "status": status,
            "kind": result.kind,
            "reproduced": result.reproduced,
            "expected": result.expected,
            "produced": result.produced,
            "context": result.context,
            "damage": result.damage,
            "exception": exception,
            "detail": result.detail,
            "problem": problem,
            "proposals": proposals,
        })
    return pd.DataFrame(out, columns=ERRATA_CHECK_COLUMNS)


def _attestation(raw: str, candidate: str) -> int:
    """How much of ``candidate`` the text attests: occurrences of its longest attested substring."""
    for size in range(len(candidate), 0, -1):
        best = max(raw.count(candidate[i : i + size]) for i in range(len(candidate) - size + 1))
        if best:
            return size * 1000 + best
    return 0


def propose_corrections(raw: str, offset: int, corrupted: str, corrected: str, table: PageTable,
                        clean: str | None = None, limit: int = 5, stop: int | None = None) -> list[str]:
    """Corrections one character away from ``corrected`` that reproduce the bytes.

    Candidates insert, replace or delete one character, drawn from the characters the
    report attests; they are ranked by how much of them the clean text (``clean``,
    else ``raw``) attests, then alphabetically.

    Example:
        >>> raw = "聚焦保水保生態(tài)\\n?。ㄒ唬┚劢贡KI鷳B(tài),全力"
        >>> propose_corrections(raw, 13, "?。ㄒ唬┚劢贡KI鷳B", "（一）聚焦保水生态", page_table(raw[:13]),
        ...                     clean="聚焦保水保生态")[0]
        '（一）聚焦保水保生态'
    """
    reference = clean if clean is not None else raw
    alphabet = sorted(table.forms)
    seen: set[str] = set()
    found: list[tuple[int, str]] = []
    n = len(corrected)
    edits: list[str] = []
    for i in range(n + 1):
        edits += [corrected[:i] + ch + corrected[i:] for ch in alphabet]
        if i < n:
            edits.append(corrected[:i] + corrected[i + 1 :])
            edits += [corrected[:i] + ch + corrected[i + 1 :] for ch in alphabet if ch != corrected[i]]
    for candidate in edits:
        if not candidate or candidate in seen:
            continue
        seen.add(candidate)
        if reproduce(raw, offset, corrupted, candidate, table, stop).reproduced:
            found.append((-_attestation(reference, candidate), candidate))
    return [c for _, c in sorted(found)[:limit]]

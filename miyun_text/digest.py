"""One way to fingerprint things: files, texts, code and installed packages (sha256).

Checksums of raw reports, cache keys and the keys that decide whether a notebook is
executed again are all made here, so that one change of hashing touches one module.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

__all__ = ["code_digest", "digest", "installed_distributions", "sha256_file", "text_digest"]


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 of a file, read in binary and read-only.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"; _ = p.write_bytes(b"a")
        >>> sha256_file(p)[:12]
        'ca978112ca1b'
    """
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def digest(*parts: str | bytes) -> str:
    """The hex sha256 of ``parts`` in order (text as UTF-8), each part closed by a NUL byte.

    Example:
        >>> digest("保水", "富民") == digest("保水", "富民"), digest("保水富民") == digest("保水", "富民")
        (True, False)
    """
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part.encode("utf-8") if isinstance(part, str) else part)
        sha.update(b"\x00")
    return sha.hexdigest()


def text_digest(texts: Iterable[str]) -> str:
    """sha256 of a sequence of texts, in order (a report's paragraphs: the token cache's file name).

    Example:
        >>> text_digest(["保水。", "富民。"]) == text_digest(["保水。", "富民。"]), text_digest(["保水。富民。"])[:8]
        (True, 'ed3cb9e2')
    """
    return digest(*texts)


def code_digest(files: Iterable[Path], packages: Iterable[str] = ()) -> str:
    """Digest of some files' names and bytes and of installed packages' versions.

    Cache keys include it, so that changed code or an upgraded library never meets a
    result computed by the old one. A missing file or package counts as such.

    Example:
        >>> from miyun_text.paths import RESOURCES
        >>> code_digest([RESOURCES / "themes.yaml"], ["pandas"]) == code_digest([RESOURCES / "themes.yaml"], ["pandas"])
        True
    """
    # importlib.metadata is imported where it is used: it costs 0.03 s, and a Segmenter's first
    # cut (a fresh process must stay within 0.5 s) reaches this module only for digest()
    from importlib import metadata

    sha = hashlib.sha256()
    for path in files:
        sha.update(Path(path).name.encode())
        sha.update(Path(path).read_bytes() if Path(path).exists() else b"-")
    for package in packages:
        try:
            sha.update(f"{package}=={metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            sha.update(f"{package} absent\n".encode())
    return sha.hexdigest()[:20]


@lru_cache(maxsize=1)
def installed_distributions() -> tuple[str, ...]:
    """``name==version`` of every installed distribution, sorted: part of what decides a notebook's output.

    Example:
        >>> any(d.startswith("pandas==") for d in installed_distributions())
        True
    """
    from importlib import metadata

    names = set()
    for dist in metadata.distributions():
        name = dist.metadata["Name"] or ""
        names.add(f"{re.sub(r'[-_.]+', '-', name).lower()}=={dist.version}")
    return tuple(sorted(names))

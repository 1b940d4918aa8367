"""Atomic, deterministic writers for generated files.

Generated files are written to a temporary file beside the target and renamed into
place, so that an interrupted build never leaves a half-written CSV or PNG behind.
"""

from __future__ import annotations

import errno
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .errors import ResourceError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_yaml", "write_atomic", "write_bytes_atomic", "write_csv", "write_text_atomic", "write_text_blocks"]


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    ``durable=False`` skips the flush to disk, for cache files that can always be rebuilt.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
        >>> write_bytes_atomic(p, b"abc").read_bytes()
        b'abc'
    """
    return write_atomic(path, lambda handle: handle.write(data), durable=durable)


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], object], *, durable: bool = True) -> Path:
    """Call ``write(handle)`` on a temporary binary file beside ``path``, then rename it into place.

    For writers that stream (a CSV, an Arrow file): the content never exists whole in memory.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.bin"
        >>> write_atomic(p, lambda handle: handle.write(b"abc")).read_bytes()
        b'abc'
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder; give a file name", str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        # name the file the caller asked for, not a temporary name beside it
        raise type(err)(err.errno, err.strerror, str(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` with ``\\n`` line ends, atomically.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
        >>> write_text_atomic(p, "密云\\n").read_text(encoding="utf-8")
        '密云\\n'
    """
    return write_bytes_atomic(path, text.encode(encoding))


def write_text_blocks(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """:func:`write_text_atomic` for a long text: encoded a block at a time, never as a whole.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
        >>> write_text_blocks(p, "密云\\n" * 3).read_text(encoding="utf-8")
        '密云\\n密云\\n密云\\n'
    """
    block = 1 << 20

    def write(handle) -> None:
        for start in range(0, len(text), block):
            handle.write(text[start : start + block].encode(encoding))

    return write_atomic(path, write)


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a DataFrame as UTF-8 CSV with BOM (so Excel shows Chinese), atomically.

    Example:
        >>> import tempfile, pathlib, pandas as pd
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> write_csv(pd.DataFrame({"词": ["保水"]}), p).read_bytes()[:3]
        b'\\xef\\xbb\\xbf'
    """
    def write(handle) -> None:
        # written straight into the file: a large table never exists as one string in memory
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        df.to_csv(text, index=False, lineterminator="\n")
        text.flush()
        text.detach()  # the handle stays open for the flush to disk and the rename

    return write_atomic(path, write)


def read_yaml(path: str | os.PathLike[str]) -> object:
    """Read a UTF-8 YAML file; a wrong encoding or bad YAML raises ResourceError naming the line.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
        >>> _ = p.write_bytes("a: 保水".encode("gbk"))
        >>> read_yaml(p)
        Traceback (most recent call last):
        ...
        miyun_text.errors.ResourceError: ...x.yaml:1: byte offset 3 is not UTF-8; re-save the file as UTF-8
    """
    # yaml is imported here: this module is imported on the way to a Segmenter's first cut
    # (through the cache), which must not pay for a YAML parser it does not use (0.05 s)
    import yaml

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ResourceError(f"{path}:{line}: byte offset {err.start} is not UTF-8; re-save the file as UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise ResourceError(f"{path}{where}: not valid YAML ({getattr(err, 'problem', err)}); fix the file") from None

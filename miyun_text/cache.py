"""The cache folder and the one way files are kept in it.

Everything in the cache can be rebuilt, and every entry is content-addressed: its name
holds a digest (:mod:`miyun_text.digest`) of all that decides it (inputs, settings,
code and library versions), so an entry is never updated, only written once and read
many times, and a changed input simply reads another name. Entries are written
atomically (a temporary file renamed into place), so worker processes that build the
same entry at once both leave a whole file, and no lock is needed.

Two kinds of entries:

* tables (a report's clean text and paragraphs, its tokens) as Arrow IPC files
  (Feather v2, LZ4-compressed): columnar and typed like Parquet, but a report's token
  table reads in about 1 ms against about 5 ms for Parquet, and Arrow reads without
  holding Python's lock, so threads read many reports at once; that is most of a warm
  run over a thousand reports;
* bytes (rendered pages, font subsets), as plain files, with :func:`trim` keeping the
  most recently used ones.

A general-purpose cache library (diskcache, joblib.Memory) was weighed and left out:
diskcache keeps values in SQLite and pickles them, joblib.Memory pickles results, and
both add locking and an index that immutable, content-addressed files do not need,
while a pickled DataFrame reads slower than an Arrow file and is tied to the pandas
version that wrote it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .io import write_atomic, write_bytes_atomic

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["cache_dir", "read_blob", "read_table", "trim", "write_blob", "write_table"]


def cache_dir() -> Path:
    """Return the cache folder (``$MIYUN_TEXT_CACHE`` or ``~/.cache/miyun-text``).

    Example:
        >>> cache_dir().is_dir()
        True
    """
    env = os.environ.get("MIYUN_TEXT_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "miyun-text"
    base.mkdir(parents=True, exist_ok=True)
    return base


def read_table(path: Path) -> pa.Table | None:
    """A cached Arrow table, or None when absent or unreadable (then the caller rebuilds it).

    Example:
        >>> import tempfile, pathlib, pyarrow as pa
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.arrow"
        >>> read_table(p) is None, read_table(write_table(p, pa.table({"a": [1]}))).num_rows
        (True, 1)
    """
    # pyarrow is imported here, not at the top: the Segmenter finds its cache folder in
    # this module, and a fresh process's first cut must not pay pyarrow's import (0.2 s)
    import pyarrow as pa
    import pyarrow.feather as feather

    try:
        return feather.read_table(path, memory_map=False, use_threads=False)
    except (OSError, ValueError, pa.ArrowInvalid):
        return None


def write_table(path: Path, table: pa.Table, *, compression: str = "lz4") -> Path:
    """Write an Arrow table to the cache atomically (an Arrow file, LZ4-compressed unless
    ``compression="uncompressed"``).

    The file is renamed into place but not flushed to disk: every file here can be
    rebuilt, and one a crash leaves unreadable makes :func:`read_table` return None,
    so the flush would only cost time (a few ms a file, thousands of files a corpus).
    :func:`read_table` reads either kind.
    """
    import pyarrow.feather as feather

    # written straight into the file: a long report's table is not copied into memory twice more
    return write_atomic(path, lambda handle: feather.write_feather(table, handle, compression=compression),
                        durable=False)


def read_blob(path: Path) -> bytes | None:
    """The bytes of a cache entry, marked as recently used, or None when it is absent.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "page.html"
        >>> read_blob(p), read_blob(write_blob(p, b"<p>"))
        (None, b'<p>')
    """
    try:
        _touch(path)  # recently used: kept when the folder is trimmed
        return path.read_bytes()
    except FileNotFoundError:  # not cached yet, or trimmed meanwhile by another process
        return None


def write_blob(path: Path, data: bytes) -> Path:
    """Write a cache entry atomically, without the flush to disk (it can be rebuilt)."""
    written = write_bytes_atomic(path, data, durable=False)
    _touch(written)
    return written


_last_use = 0


def _touch(path: Path) -> None:
    """Mark ``path`` as used now, strictly after every entry this process marked before.

    The clock can give two writes in quick succession the same time (its resolution is
    coarser than a nanosecond), and then trimming could not tell which was used last;
    a time one nanosecond past the previous mark keeps the order.
    """
    global _last_use
    now = max(time.time_ns(), _last_use + 1)
    _last_use = now
    os.utime(path, ns=(now, now))


def trim(folder: Path, keep: int, pattern: str = "*") -> None:
    """Remove all but the ``keep`` most recently used entries of ``folder`` matching ``pattern``.

    Every change of a notebook's outputs or of the site's code adds entries that will
    never be asked for again; this keeps the folder from growing without end.

    Example:
        >>> import tempfile, pathlib
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> for n in range(3): _ = write_blob(d / f"{n}.html", b"x")
        >>> trim(d, 2, "*.html"); len(list(d.glob("*.html")))
        2
    """
    found = []
    for path in folder.glob(pattern):
        try:
            found.append((path.stat().st_mtime_ns, path.name, path))
        except FileNotFoundError:
            pass
    for _, _, path in sorted(found, reverse=True)[keep:]:
        path.unlink(missing_ok=True)

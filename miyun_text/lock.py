"""One writer at a time in a data folder.

``miyun-text add``, ``clean`` (:func:`~miyun_text.build.build_processed`) and ``render``
read and write ``data/`` in several steps (read the manifest, choose an id, copy the raw
file, append the row; or build ``processed/`` and swap it in). Two of them at once would
interleave those steps and lose a report or a row, so each holds :func:`data_lock` on the
folder while it works. The lock is an operating-system file lock (``filelock``) on
``data/.lock``: it is released when the process ends, however it ends, so it can never be
left stale. Beside it, ``data/.lock.holder`` names the holder (process id, host, command,
since when) for the message a second writer shows while it waits, or when it gives up.
Readers (loading the corpus) take no lock.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import DataLockedError
from .escape import terminal_text
from .io import write_bytes_atomic

__all__ = ["LOCK_NAME", "LOCK_TIMEOUT", "data_lock", "lock_holder"]

LOCK_NAME = ".lock"
LOCK_TIMEOUT = 600.0  # seconds a second writer waits: longer than a full `make report` on a busy machine
_HOLDER_SUFFIX = ".holder"
_held: dict[Path, int] = {}  # folders this process holds, with the nesting depth
_held_guard = threading.Lock()


def lock_holder(folder: str | os.PathLike[str]) -> str | None:
    """Who holds the lock on ``folder`` as its holder recorded it, or None when no one says.

    Example:
        >>> import tempfile
        >>> lock_holder(tempfile.mkdtemp()) is None
        True
    """
    try:
        record = json.loads((Path(folder) / (LOCK_NAME + _HOLDER_SUFFIX)).read_text(encoding="utf-8"))
        return f"process {record['pid']} on {record['host']} ({record['command']}, since {record['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _command() -> str:

    argv = [os.path.basename(sys.argv[0]), *sys.argv[1:]] if sys.argv and sys.argv[0] else ["python"]
    text = " ".join(argv)
    return terminal_text(text if len(text) <= 200 else text[:199] + "…")


def _announce(message: str) -> None:

    print(terminal_text(message), file=sys.stderr, flush=True)


@contextmanager
def data_lock(folder: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT, what: str = "write") -> Iterator[Path]:
    """Hold the write lock on a data folder for the ``with`` block; yields the folder.

    When another process holds it, one line on stderr names that process, and this one
    waits up to ``timeout`` seconds, then raises :class:`~miyun_text.errors.DataLockedError`
    naming it. The same process may take the lock again inside the block (nested calls).
    A folder where no lock file can be made (read-only) is not locked: no one can write
    there either.

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> with data_lock(folder):
        ...     lock_holder(folder).startswith("process ")
        True
        >>> lock_holder(folder) is None
        True
    """
    path = Path(folder).resolve()
    with _held_guard:
        depth = _held.get(path, 0)
        if depth:
            _held[path] = depth + 1
    if depth:
        try:
            yield path
        finally:
            with _held_guard:
                _held[path] -= 1
        return
    lock: FileLock | None = FileLock(path / LOCK_NAME, thread_local=False)
    try:
        _acquire(lock, path, timeout, what)
    except OSError as err:
        if err.errno not in (errno.EACCES, errno.EROFS, errno.EPERM):
            raise
        lock = None  # a folder no one may write to needs no write lock
    if lock is None:
        yield path
        return
    holder_file = path / (LOCK_NAME + _HOLDER_SUFFIX)
    with _held_guard:
        _held[path] = 1
    try:

        record = {"pid": os.getpid(), "host": socket.gethostname(), "command": _command(),
                  "since": _dt.datetime.now().isoformat(timespec="seconds")}
        try:
            write_bytes_atomic(holder_file, json.dumps(record, ensure_ascii=False).encode("utf-8"), durable=False)
        except OSError:
            pass  # the lock holds without its note; a waiter then says "another process"
        yield path
    finally:
        with _held_guard:
            _held.pop(path, None)
        holder_file.unlink(missing_ok=True)
        lock.release()


def _acquire(lock, path: Path, timeout: float, what: str) -> None:
    try:
        lock.acquire(timeout=0)
        return
    except Timeout:
        pass
    holder = lock_holder(path) or "another process"
    _announce(f"miyun-text: {path} is being written by {holder}; waiting up to {timeout:.0f} s for it to finish "
              f"before this {what} starts")
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        holder = lock_holder(path) or "another process"
        raise DataLockedError(
            f"{path / LOCK_NAME}: {path} is still being written by {holder} after {timeout:.0f} s; wait for it "
            f"to finish (or stop it), then run this {what} again"
        ) from None

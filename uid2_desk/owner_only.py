"""Files readable by their owner only (mode 0600): the desk's databases hold DII, tokens and
the local operator's client secrets.

One helper for every SQLite file the desk writes (the journal, the publisher's user store, the
operator's database). It creates a missing file with mode 0600 itself, so the file is never
readable by others, not even for the instant before a ``chmod``; and it narrows a file that
an older desk (or a copy) left readable by others, together with SQLite's side files.
SQLite gives new ``-wal`` and ``-shm`` files the database file's mode, so once the database is
private its side files are born private too.

No Qt, no SQLite: plain ``os`` calls, usable from any layer.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Owner read/write, nobody else.
FILE_MODE = 0o600
#: SQLite's side files of a database ``x``: ``x-wal``, ``x-shm`` (WAL mode), ``x-journal``.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Permission bits that let someone other than the owner in.
_OTHERS = stat.S_IRWXG | stat.S_IRWXO


def side_files(path: Path) -> tuple[Path, ...]:
    """SQLite's side files of the database at ``path`` (whether they exist or not)."""
    return tuple(path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES)


def make_owner_only(path: Path) -> None:
    """Create ``path`` with :data:`FILE_MODE`, or narrow an existing file and its side files.

    A file (or side file) whose mode lets its group or others in is set to
    :data:`FILE_MODE`; one already private is left alone. Side files that do not exist, and
    files of another user (which we may not ``chmod``), are skipped: SQLite may still open
    them, and they are not ours to change. Raises ``OSError`` when ``path`` cannot be created.
    """
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    for file in (path, *side_files(path)):
        try:
            if stat.S_IMODE(file.stat().st_mode) & _OTHERS:
                file.chmod(FILE_MODE)
        except (FileNotFoundError, PermissionError):
            continue

"""Files readable by their owner only: the desk's user store holds DII and tokens."""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Owner read/write, nobody else. SQLite gives new ``-wal`` and ``-shm`` files the database
#: file's mode, so a private database keeps its side files private too.
FILE_MODE = 0o600
_SIDE_FILES = ("-wal", "-shm", "-journal")


def make_owner_only(path: Path) -> None:
    """Create ``path`` with :data:`FILE_MODE`, or narrow an existing file and its side files.

    Creating the file ourselves means it is never readable by others, not even for the
    instant before a chmod; stores written by earlier versions (0644) are narrowed on open.
    Raises ``OSError`` when the file cannot be created.
    """
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    for file in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        try:
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(FILE_MODE)
        except (FileNotFoundError, PermissionError):
            continue  # absent, or another user's file: not ours to narrow

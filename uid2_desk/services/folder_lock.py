"""One desk per data folder: an exclusive lock on the folder, taken at start-up.

Two desks on one folder overwrite each other (one's logout lost under the other's refresh
from its in-memory copy), so every desk (window, kiosk, ``uid2-desk run``) takes
:class:`FolderLock` first. The lock is the OS's advisory lock on ``<folder>/desk.lock``
(``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows): the OS releases it when the
process dies, however it dies, so a crash never leaves a folder locked. The file also holds
the owner's process id, so a second desk can say which process holds the folder.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from uid2_desk.protocol.errors import Uid2DeskError

LOCK_FILE = "desk.lock"


class FolderInUseError(Uid2DeskError):
    """Another desk already uses this data folder.

    Attributes:
        folder: the data folder.
        holder: the process id of the desk holding it, if it could be read.
    """

    def __init__(self, folder: Path, holder: int | None) -> None:
        self.folder = folder
        self.holder = holder
        who = "another UID2 Desk" if holder is None else f"another UID2 Desk (process {holder})"
        super().__init__(
            f"The data folder {folder} is already in use by {who}. Close that desk first, or "
            "start this one on another folder with --data-dir."
        )


class FolderLock:
    """The exclusive lock on one data folder; :meth:`release` (or process exit) frees it."""

    def __init__(self, folder: Path, handle: IO[str]) -> None:
        self.folder = folder
        self._handle: IO[str] | None = handle

    @classmethod
    def acquire(cls, folder: Path) -> FolderLock:
        """Take the folder's lock now, or raise :class:`FolderInUseError` (never waits)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOCK_FILE
        # "a+": never truncate what the holder wrote before we know we hold the lock.
        handle = open(path, "a+", encoding="ascii")  # noqa: SIM115 - held until release()
        try:
            _lock(handle)
        except OSError:
            handle.seek(0)
            text = handle.read().strip()
            handle.close()
            raise FolderInUseError(folder, int(text) if text.isdigit() else None) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        return cls(folder, handle)

    @property
    def held(self) -> bool:
        """Whether this lock is still held."""
        return self._handle is not None

    def release(self) -> None:
        """Free the folder (idempotent)."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        with contextlib.suppress(OSError):
            handle.seek(0)
            handle.truncate()
            _unlock(handle)
        handle.close()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

"""The journal's readers: WAL reader connections on threads of their own, never the writer's.

In WAL mode a reader sees the last commit made before its read began and never blocks the
writer (nor waits for it), so an export of a whole session or a text filter over a million
entries runs here while appends keep committing on the
:class:`~uid2_desk.journal.writer_thread.JournalWriter`. Each reader thread opens its own
read-only connection the first time it is used; :meth:`ReaderPool.close` closes them all.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from uid2_desk.journal.store import Journal
from uid2_desk.protocol.errors import StorageError

_T = TypeVar("_T")

#: Two readers: the view's page or filter never waits behind a long export.
READERS = 2


class ReaderPool:
    """Read-only journals, one per reader thread; see the module docstring."""

    def __init__(self, path: Path, *, readers: int = READERS) -> None:
        """Readers open lazily on first use; the writer must have created the file first."""
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(
            max_workers=readers, thread_name_prefix="uid2-journal-read"
        )
        self._local = threading.local()
        self._opened: list[Journal] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[[Journal], _T]) -> Future[_T]:
        """Run ``fn(journal)`` on a reader thread with that thread's read-only journal."""
        return self._executor.submit(lambda: fn(self._journal()))

    def _journal(self) -> Journal:
        journal: Journal | None = getattr(self._local, "journal", None)
        if journal is None:
            journal = Journal(_open_reader(self.path), self.path)
            self._local.journal = journal
            with self._lock:
                self._opened.append(journal)
        return journal

    def close(self) -> None:
        """Wait for running reads, then close every reader connection (blocking)."""
        self._executor.shutdown(wait=True)
        with self._lock:
            opened, self._opened = self._opened, []
        for journal in opened:
            journal.release()


def read_only_journal(path: Path) -> Journal:
    """A journal on a read-only connection of its own (close it with ``release``)."""
    return Journal(_open_reader(path), Path(path))


def _open_reader(path: Path) -> sqlite3.Connection:
    try:
        # check_same_thread=False only so close() may run on the closing thread once the
        # reader threads are gone; while they live, each connection stays on its own thread.
        # Read-only through the URI, not PRAGMA query_only: a text filter keeps its FTS hits
        # in a TEMP table (journal/fts_hits.py), which query_only would refuse as well.
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        db = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=10.0, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise StorageError(
            f"Could not read the journal at {path} ({exc}). Check that the file is still there "
            "and readable."
        ) from exc
    return db

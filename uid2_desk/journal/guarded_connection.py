"""The connection a :class:`~uid2_desk.journal.store.Journal` stands on, with its guards.

SQLite connections are thread-bound, so every call first checks that it runs on the thread
that opened the journal and that the journal is still open. Every ``sqlite3`` failure becomes
a :class:`~uid2_desk.protocol.errors.StorageError` with a message for a person, and each write
is one ``BEGIN IMMEDIATE`` ... ``COMMIT`` (or part of the enclosing bulk transaction).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from uid2_desk.journal.storage_advice import advice
from uid2_desk.protocol.errors import StorageError


class GuardedConnection:
    """One SQLite connection used only by its owning thread, with transaction helpers.

    Attributes:
        path: the database file.
    """

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        """Wrap an already configured connection; the calling thread becomes its owner."""
        self._db = db
        self.path = path
        self._owner = threading.get_ident()
        self._in_bulk = False
        self._closed = False

    def _check_thread(self) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(
                "a Journal is used only by the thread that opened it; use AsyncJournal from "
                "asyncio code"
            )

    def _check_usable(self) -> None:
        if self._closed:
            raise RuntimeError("this Journal is closed")
        self._check_thread()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        self._check_usable()
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(
                f"Could not {action} the journal at {self.path} ({exc}). {advice(exc)}"
            ) from exc

    @contextmanager
    def _write(self, action: str) -> Iterator[None]:
        """One transaction (or part of the enclosing bulk one)."""
        if self._in_bulk:
            with self._errors(action):
                yield
            return
        with self._errors(action):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                # Not reached in tests with no transaction: only an error SQLite answers by
                # rolling back itself (a full disk or an I/O error, at a write or the COMMIT).
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

"""The durable, append-only journal: one SQLite file in WAL mode, one connection, one thread.

Durability. Each append is one ``BEGIN IMMEDIATE`` ... ``COMMIT`` with ``synchronous=FULL``:
the commit returns only after the WAL has been fsync'ed, so an entry returned by an append
(and therefore reported to any listener) survives ``kill -9`` *and* a power cut. With
``NORMAL`` in WAL mode a commit would survive a killed process (the WAL pages are already in
the OS cache) but could be lost with the power; a kiosk on a booth can lose power, and the
desk appends a few entries per second at most while FULL still manages hundreds per second
(``tests/benchmarks/bench_journal.py``), so FULL it is, with ``fullfsync`` for macOS.
``Journal.bulk()`` groups many appends into one commit for imports and benchmarks.

Threads. A :class:`Journal` belongs to the thread that opened it (SQLite connections are
thread-bound); calls from another thread raise ``RuntimeError``. Asyncio code uses
:class:`~uid2_desk.journal.async_journal.AsyncJournal`, which writes through one on its writer
thread (appends committed in groups) and reads through others on reader threads.

Reading. :meth:`Journal.entries` returns light entries (``exchange=None``) unless
``with_exchanges=True``; :meth:`Journal.get` and :meth:`Journal.exchange` load the bytes.
See :mod:`uid2_desk.journal.schema` for the tables, indexes and text search.

Secrets. Before anything is written, credential headers that are not masked are masked
(:func:`~uid2_desk.journal.masking.scrub_headers`) and event details whose key names a secret
are replaced by ``[masked]``.

Errors. Every ``sqlite3`` failure surfaces as :class:`StorageError` with a message for a person.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from uid2_desk.journal.connection import open_connection
from uid2_desk.journal.reading import JournalReading
from uid2_desk.journal.writing import JournalWriting


class Journal(JournalWriting, JournalReading):
    """A synchronous journal on one SQLite connection; see the module docstring.

    Writing (:mod:`~uid2_desk.journal.writing`) and reading (:mod:`~uid2_desk.journal.reading`)
    live in their own modules; this class opens and closes the connection they share.

    Attributes:
        path: the database file.
    """

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Open (creating or migrating as needed) the journal at ``path``.

        Raises :class:`StorageError` when the file cannot be opened, is not a journal, or was
        written by a newer version of the desk.
        """
        path = Path(path)
        return cls(open_connection(path), path)

    def close(self) -> None:
        """Close the connection (idempotent). Everything appended is already committed."""
        if self._closed:
            return
        self._check_thread()
        self._closed = True
        with contextlib.suppress(sqlite3.Error):  # only a planner hint; closing matters more
            self._db.execute("PRAGMA optimize")
        self._db.close()

    def release(self) -> None:
        """Close the connection from any thread, once its owning thread has stopped.

        For the reader pool, whose threads end before their connections are closed.
        """
        self._closed = True
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

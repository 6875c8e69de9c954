"""The local operator's SQLite database: one file per data directory, WAL mode.

One connection, shared between the event-loop thread, the request-log writer thread and
whoever calls the admin API, behind one lock. Every statement is short (the hot path reads
in-memory caches; see :mod:`uid2_desk.operator.state.keys` and friends), so holding the lock never
stalls the server in a way that shows. ``sqlite3.Error`` is translated into
:class:`~uid2_desk.protocol.errors.StorageError` here and nowhere else.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from uid2_desk.owner_only import make_owner_only
from uid2_desk.protocol.errors import StorageError

DB_FILENAME = "operator.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS clients (
    name TEXT PRIMARY KEY,
    site_id INTEGER NOT NULL,
    roles TEXT NOT NULL,
    key_id TEXT NOT NULL UNIQUE,
    api_key TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS keysets (
    id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS keys (
    id INTEGER PRIMARY KEY,
    keyset_id INTEGER NOT NULL,
    site_id INTEGER NOT NULL,
    secret BLOB NOT NULL,
    created_s INTEGER NOT NULL,
    activates_s INTEGER NOT NULL,
    expires_s INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS salt_buckets (
    id INTEGER PRIMARY KEY,
    salt TEXT NOT NULL,
    last_updated_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS optouts (
    first_level_hash TEXT PRIMARY KEY,
    advertising_id TEXT NOT NULL,
    identity_type INTEGER NOT NULL,
    optout_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS optouts_by_advertising_id ON optouts (advertising_id);
CREATE TABLE IF NOT EXISTS served_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    client TEXT,
    key_id TEXT,
    status TEXT,
    http_status INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    fault TEXT
);
"""


class OperatorStore:
    """A lock-protected SQLite connection to ``DATA_DIR/operator.sqlite3``.

    The database holds the operator's client credentials, so the file is created with
    mode 0600 (and tightened to 0600 when an existing one is looser).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._closed = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            make_owner_only(path)  # it holds the clients' API keys and secrets
            self._conn = sqlite3.connect(
                path, check_same_thread=False, isolation_level=None, timeout=10.0
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(
                f"the local operator's database {path} cannot be opened ({exc}); check that "
                "the data directory is writable, or start with another --data-dir"
            ) from None

    @classmethod
    def open_in(cls, data_dir: Path) -> OperatorStore:
        """Open (creating if needed) the database inside ``data_dir``."""
        return cls(data_dir / DB_FILENAME)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the block in one transaction (rolled back on error)."""
        with self._lock, self._translate():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                # SQLite has already rolled back after some errors (a full disk): only roll
                # back what is still open, so the caller sees the real cause.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one read statement under the lock and return all rows."""
        with self._lock, self._translate():
            return list(self._conn.execute(sql, params).fetchall())

    def get_meta(self, name: str) -> str | None:
        """Read one value of the ``meta`` table."""
        rows = self.query("SELECT value FROM meta WHERE name = ?", (name,))
        return str(rows[0][0]) if rows else None

    def close(self) -> None:
        """Close the connection; later calls fail with :class:`StorageError`."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()

    @contextlib.contextmanager
    def _translate(self) -> Iterator[None]:
        if self._closed:
            raise StorageError("the local operator has been closed; open it again to use it")
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(
                f"the local operator's database {self.path} failed ({exc}); the disk may be "
                "full or the file damaged"
            ) from None

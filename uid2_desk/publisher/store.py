"""The publisher's server-side store: test users and their current identities, in SQLite.

Like a real publisher's user database, it keeps each user's identity between visits, so
closing and reopening the desk is "the user returns to the site". It lives in
``<data dir>/desk.sqlite3``, apart from the journal, readable by its owner only (0600). No API
key or client secret is ever written here: only what the operator handed to the publisher.

:class:`UserStore` is synchronous and owns one connection;
:class:`~uid2_desk.publisher.async_user_store.AsyncUserStore` runs it on one worker thread so
the event loop (and the GUI thread under qasync) never waits on disk. A row and its
:class:`~uid2_desk.publisher.user_record.UserRecord` convert in
:mod:`~uid2_desk.publisher.user_record`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from uid2_desk.owner_only import make_owner_only
from uid2_desk.protocol.errors import StorageError
from uid2_desk.publisher.model import ChainLink
from uid2_desk.publisher.user_record import COLUMNS, UserRecord, record_from_row, record_row

STORE_FILE = "desk.sqlite3"
_T = TypeVar("_T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    entered TEXT NOT NULL,
    normalized TEXT,
    hash_b64 TEXT NOT NULL,
    environment TEXT NOT NULL,
    label TEXT NOT NULL,
    send_raw INTEGER NOT NULL,
    policy TEXT NOT NULL,
    interval_ms INTEGER NOT NULL,
    state TEXT NOT NULL,
    identity_json TEXT,
    identity_set_ms INTEGER,
    attempts INTEGER NOT NULL,
    last_attempt_ms INTEGER,
    last_error TEXT,
    mode TEXT NOT NULL DEFAULT 'server',
    device TEXT NOT NULL DEFAULT '',
    browser_held INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS chain (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at_ms INTEGER NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    advertising_token TEXT,
    journal_seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chain_user ON chain(user_id, seq);
"""


class UserStore:
    """Synchronous SQLite access to ``desk.sqlite3``; every sqlite error becomes StorageError."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            make_owner_only(path)  # it holds DII and tokens
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
            self._add_columns()
        except (OSError, sqlite3.Error) as exc:
            raise _storage_error("open", path, exc) from None

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._db.close()

    def load(self) -> list[UserRecord]:
        """Every user, in the order they were added."""
        return self._run("read", self._load)

    def save(self, record: UserRecord) -> None:
        """Insert or update the user's row (the chain is appended separately)."""
        self._run("write", lambda: self._save(record))

    def add_link(self, user_id: str, link: ChainLink) -> None:
        """Append one generate/refresh to the user's chain."""
        self._run(
            "write",
            lambda: self._db.execute(
                "INSERT INTO chain (user_id, at_ms, action, outcome, advertising_token,"
                " journal_seq) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    user_id,
                    link.at_ms,
                    link.action,
                    link.outcome,
                    link.advertising_token,
                    link.journal_seq,
                ),
            ),
        )

    def remove(self, user_id: str) -> None:
        """Delete the user and their chain."""
        self._run("write", lambda: self._db.execute("DELETE FROM users WHERE id = ?", (user_id,)))

    def _add_columns(self) -> None:
        # Stores written before client-side sign-in lack mode and device (every user then was
        # signed in by the publisher's server); before the hand-off, browser_held (no user
        # was handed to a web page).
        present = {row[1] for row in self._db.execute("PRAGMA table_info(users)")}
        for column, declared in (
            ("mode", "TEXT NOT NULL DEFAULT 'server'"),
            ("device", "TEXT NOT NULL DEFAULT ''"),
            ("browser_held", "INTEGER NOT NULL DEFAULT 0"),
        ):
            if column not in present:
                self._db.execute(f"ALTER TABLE users ADD COLUMN {column} {declared}")

    def _run(self, what: str, call: Callable[[], _T]) -> _T:
        with self._lock:
            try:
                return call()
            except sqlite3.Error as exc:
                raise _storage_error(what, self.path, exc) from None

    def _save(self, r: UserRecord) -> None:
        self._db.execute(
            f"INSERT INTO users ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET label=excluded.label, send_raw=excluded.send_raw,"
            " policy=excluded.policy, interval_ms=excluded.interval_ms, state=excluded.state,"
            " identity_json=excluded.identity_json, identity_set_ms=excluded.identity_set_ms,"
            " attempts=excluded.attempts, last_attempt_ms=excluded.last_attempt_ms,"
            " last_error=excluded.last_error, mode=excluded.mode, device=excluded.device,"
            " browser_held=excluded.browser_held",
            record_row(r),
        )

    def _load(self) -> list[UserRecord]:
        links: dict[str, list[ChainLink]] = {}
        for row in self._db.execute(
            "SELECT user_id, at_ms, action, outcome, advertising_token, journal_seq"
            " FROM chain ORDER BY seq"
        ):
            links.setdefault(row[0], []).append(ChainLink(*row[1:]))
        records = []
        for row in self._db.execute(f"SELECT {COLUMNS} FROM users ORDER BY position"):
            records.append(record_from_row(row, tuple(links.get(row[0], ()))))
        return records


def _storage_error(what: str, path: Path, exc: OSError | sqlite3.Error) -> StorageError:
    return StorageError(
        f"The desk could not {what} its user store {path} ({exc}). Check that the data "
        "directory is writable and not used by another desk, or start with --data-dir."
    )

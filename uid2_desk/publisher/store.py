"""The publisher's server-side store: test users and their current identities, in SQLite.

Like a real publisher's user database, it keeps each user's identity between visits, so
closing and reopening the desk is "the user returns to the site". It lives in
``<data dir>/desk.sqlite3``, apart from the journal, readable by its owner only (0600). No API
key or client secret is ever written here: only what the operator handed to the publisher.

:class:`UserStore` is synchronous and owns one connection; :class:`AsyncUserStore` runs it
on one worker thread so the event loop (and the GUI thread under qasync) never waits on disk.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from uid2_desk.owner_only import make_owner_only
from uid2_desk.protocol.errors import PayloadError, StorageError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.model import ChainLink, TestUser, UserState
from uid2_desk.publisher.refresh.policy import DEFAULT_INTERVAL_MS, PolicyKind

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
    last_error TEXT
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


@dataclass(frozen=True)
class UserRecord:
    """One row of the store: a user, their identity and their refresh bookkeeping.

    Attributes:
        user: who.
        state: the state last recorded (time may have moved it on since; the publisher
            re-derives and journals the difference on its next tick).
        identity: the current identity, if any.
        identity_set_ms: desk time when it was stored.
        policy: the refresh policy.
        interval_ms: the interval policy's period.
        attempts: consecutive failed refresh attempts.
        last_attempt_ms: desk time of the latest failed attempt.
        last_error: the latest user-facing error.
        chain: generates and refreshes, oldest first.
    """

    user: TestUser
    state: UserState
    identity: Identity | None = None
    identity_set_ms: int | None = None
    policy: PolicyKind = PolicyKind.MANUAL
    interval_ms: int = DEFAULT_INTERVAL_MS
    attempts: int = 0
    last_attempt_ms: int | None = None
    last_error: str | None = None
    chain: tuple[ChainLink, ...] = ()


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

    def _run(self, what: str, call: Callable[[], _T]) -> _T:
        with self._lock:
            try:
                return call()
            except sqlite3.Error as exc:
                raise _storage_error(what, self.path, exc) from None

    def _save(self, r: UserRecord) -> None:
        u = r.user
        identity_json = json.dumps(r.identity.to_body()) if r.identity is not None else None
        self._db.execute(
            "INSERT INTO users (id, kind, entered, normalized, hash_b64, environment, label,"
            " send_raw, policy, interval_ms, state, identity_json, identity_set_ms, attempts,"
            " last_attempt_ms, last_error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET label=excluded.label, send_raw=excluded.send_raw,"
            " policy=excluded.policy, interval_ms=excluded.interval_ms, state=excluded.state,"
            " identity_json=excluded.identity_json, identity_set_ms=excluded.identity_set_ms,"
            " attempts=excluded.attempts, last_attempt_ms=excluded.last_attempt_ms,"
            " last_error=excluded.last_error",
            (
                u.id,
                u.kind.value,
                u.entered,
                u.normalized,
                u.hash_b64,
                u.environment,
                u.label,
                int(u.send_raw),
                r.policy.value,
                r.interval_ms,
                r.state.value,
                identity_json,
                r.identity_set_ms,
                r.attempts,
                r.last_attempt_ms,
                r.last_error,
            ),
        )

    def _load(self) -> list[UserRecord]:
        links: dict[str, list[ChainLink]] = {}
        for row in self._db.execute(
            "SELECT user_id, at_ms, action, outcome, advertising_token, journal_seq"
            " FROM chain ORDER BY seq"
        ):
            links.setdefault(row[0], []).append(ChainLink(*row[1:]))
        records = []
        for row in self._db.execute(
            "SELECT id, kind, entered, normalized, hash_b64, environment, label, send_raw,"
            " policy, interval_ms, state, identity_json, identity_set_ms, attempts,"
            " last_attempt_ms, last_error FROM users ORDER BY position"
        ):
            records.append(_record_from_row(row, tuple(links.get(row[0], ()))))
        return records


def _record_from_row(row: tuple[object, ...], chain: tuple[ChainLink, ...]) -> UserRecord:
    (
        uid,
        kind,
        entered,
        normalized,
        hash_b64,
        env,
        label,
        send_raw,
        policy,
        interval_ms,
        state,
        identity_json,
        identity_set_ms,
        attempts,
        last_attempt_ms,
        last_error,
    ) = row
    user = TestUser(
        id=str(uid),
        kind=DiiKind(str(kind)),
        entered=str(entered),
        normalized=None if normalized is None else str(normalized),
        hash_b64=str(hash_b64),
        environment=str(env),
        label=str(label),
        send_raw=bool(send_raw),
    )
    identity: Identity | None = None
    record_state = UserState(str(state))
    if identity_json is not None:
        try:
            identity = Identity.from_body(json.loads(str(identity_json)))
        except (PayloadError, ValueError):
            # A damaged row must not stop the desk from opening; the user shows as invalid.
            record_state = UserState.INVALID
    return UserRecord(
        user=user,
        state=record_state,
        identity=identity,
        identity_set_ms=_opt_int(identity_set_ms),
        policy=PolicyKind(str(policy)),
        interval_ms=int(str(interval_ms)),
        attempts=int(str(attempts)),
        last_attempt_ms=_opt_int(last_attempt_ms),
        last_error=None if last_error is None else str(last_error),
        chain=chain,
    )


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _storage_error(what: str, path: Path, exc: OSError | sqlite3.Error) -> StorageError:
    return StorageError(
        f"The desk could not {what} its user store {path} ({exc}). Check that the data "
        "directory is writable and not used by another desk, or start with --data-dir."
    )


class AsyncUserStore:
    """:class:`UserStore` on one worker thread: every call is awaited, never blocking the loop."""

    def __init__(self, store: UserStore) -> None:
        self.sync = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-store")
        self._closed = False

    @classmethod
    async def open(cls, data_dir: Path) -> AsyncUserStore:
        """Open (creating if needed) ``<data_dir>/desk.sqlite3``."""
        store = await asyncio.to_thread(UserStore, data_dir / STORE_FILE)
        return cls(store)

    async def _call(self, fn: Callable[[], _T]) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def load(self) -> list[UserRecord]:
        """Every user, in the order they were added."""
        return await self._call(self.sync.load)

    async def save(self, record: UserRecord) -> None:
        """Insert or update the user's row."""
        await self._call(lambda: self.sync.save(record))

    async def add_link(self, user_id: str, link: ChainLink) -> None:
        """Append one generate/refresh to the user's chain."""
        await self._call(lambda: self.sync.add_link(user_id, link))

    async def remove(self, user_id: str) -> None:
        """Delete the user and their chain."""
        await self._call(lambda: self.sync.remove(user_id))

    async def close(self) -> None:
        """Close the database and stop the worker thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        await self._call(self.sync.close)
        self._executor.shutdown(wait=True)

"""A journal written by schema v1 opens with the current code, with its data intact."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.journal.recorded import T0, Recorded
from uid2_desk.journal import EntryKind, Journal, JournalFilter
from uid2_desk.journal.codec import exchange_to_json
from uid2_desk.journal.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import Exchange

#: The v1 schema, written out by hand as a v1 desk created it.
V1_SCHEMA = """
CREATE TABLE entry (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, kind TEXT NOT NULL,
    name TEXT NOT NULL, session TEXT NOT NULL, user TEXT, environment TEXT NOT NULL,
    step TEXT, outcome TEXT, summary TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '[]',
    exchange TEXT
);
"""


def v1_exchange_json(ex: Exchange) -> dict[str, object]:
    """``ex`` in the v1 stored form, spelled out field by field as a v1 desk wrote it.

    Written out here rather than by the current codec, so a change to the codec's writer
    cannot hide a reader that no longer understands what v1 desks left on disk. Only the
    fields an error reply uses are supported: no envelopes.
    """
    assert ex.request_envelope is None
    assert ex.response_envelope is None
    t = ex.timings
    return {
        "format": 1,
        "endpoint": ex.endpoint,
        "url": ex.url,
        "method": ex.method,
        "started_ms": ex.started_ms,
        "timings": {
            "total_ms": t.total_ms,
            "connect_ms": t.connect_ms,
            "send_ms": t.send_ms,
            "wait_ms": t.wait_ms,
            "receive_ms": t.receive_ms,
        },
        "request_headers": [list(h) for h in ex.request_headers],
        "request_plaintext": ex.request_plaintext,
        "request_body": {"text": ex.request_body.decode()},
        "request_envelope": None,
        "http_status": ex.http_status,
        "response_headers": [list(h) for h in ex.response_headers],
        "response_body": {"text": ex.response_body.decode()},
        "response_envelope": None,
        "response_plaintext": ex.response_plaintext,
        "nonce_ok": ex.nonce_ok,
        "operator_status": ex.operator_status,
        "server_time_ms": ex.server_time_ms,
        "server_date": ex.server_date,
        "error": ex.error,
        "extra": [list(p) for p in ex.extra],
    }


_INSERT = (
    "INSERT INTO entry (seq, at_ms, kind, name, session, user, environment, step, outcome,"
    " summary, detail, exchange) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _make_v1(path: Path, recorded: Recorded) -> None:
    """A v1 journal: Jane's generate and her refresh refused as expired, between events."""
    generate, expired = recorded.generate, recorded.expired_refresh
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    rows = [
        (1, T0, "event", "sign_in_requested", "s1", "jane@example.com", "local", "1-b",
         None, "jane signs in", '[["kind", "email"], ["sent", "email"]]', None),
        (2, generate.started_ms, "exchange", "/v2/token/generate", "s1", "jane@example.com",
         "local", "1-d", None, "generate for jane", "[]",
         json.dumps(exchange_to_json(generate))),
        (3, expired.started_ms, "exchange", "/v2/token/refresh", "s1", "jane@example.com",
         "local", "3-b", "error", "refresh refused", "[]",
         json.dumps(v1_exchange_json(expired))),
        (5, expired.started_ms + 9_000, "event", "logout", "s1", "jane@example.com", "local",
         "4-a", None, "bye", "[]", None),
    ]  # fmt: skip
    db.executemany(_INSERT, rows)
    # Entries 4, 6 and 7 existed once and were deleted: their numbers must stay used.
    db.execute("UPDATE sqlite_sequence SET seq = 7 WHERE name = 'entry'")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()


def test_a_v1_journal_is_migrated_with_every_entry_preserved(
    tmp_path: Path, recorded: Recorded
) -> None:
    path = tmp_path / "journal.db"
    _make_v1(path, recorded)
    with Journal.open(path) as j:
        entries = j.entries(with_exchanges=True)
        assert [(e.seq, e.kind, e.name, e.step) for e in entries] == [
            (1, EntryKind.EVENT, "sign_in_requested", "1-b"),
            (2, EntryKind.EXCHANGE, "/v2/token/generate", "1-d"),
            (3, EntryKind.EXCHANGE, "/v2/token/refresh", "3-b"),
            (5, EntryKind.EVENT, "logout", "4-a"),
        ]
        assert entries[0].detail == (("kind", "email"), ("sent", "email"))
        assert entries[1].exchange == recorded.generate
        assert entries[1].outcome == "success"  # classified during the migration
        assert (entries[1].http_status, entries[1].method, entries[1].duration_ms) == (
            200,
            "POST",
            recorded.generate.timings.total_ms,
        )
        refused = entries[2].exchange
        assert refused == recorded.expired_refresh
        assert refused.http_status == 400
        assert refused.response_body == (
            b'{"message":"Expired Token presented","status":"expired_token"}'
        )
        assert [e.summary for e in entries] == [
            "jane signs in",
            "generate for jane",
            "refresh refused",
            "bye",
        ]


def test_a_migrated_journal_filters_and_continues_numbering(
    tmp_path: Path, recorded: Recorded
) -> None:
    path = tmp_path / "journal.db"
    _make_v1(path, recorded)
    with Journal.open(path) as j:
        assert [e.seq for e in j.entries(JournalFilter(text="expired_token"))] == [3]
        assert [e.seq for e in j.entries(JournalFilter(endpoint="/v2/token/generate"))] == [2]
        assert j.count(JournalFilter(user="jane@example.com")) == 4
        nxt = j.append_event("x", at_ms=1, session="s2", user=None, environment="e", step=None)
        assert nxt.seq == 8
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"entry_session", "entry_user", "entry_name", "entry_outcome"} <= indexes
    finally:
        db.close()


def test_a_fresh_journal_and_a_migrated_one_have_the_same_schema(
    tmp_path: Path, recorded: Recorded
) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    _make_v1(old, recorded)
    Journal.open(fresh).close()
    Journal.open(old).close()

    def schema(path: Path) -> list[tuple[str, str]]:
        db = sqlite3.connect(path)
        try:
            rows = db.execute(
                "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
            )
            return [(name, " ".join(sql.split())) for name, sql in rows]
        finally:
            db.close()

    assert schema(fresh) == schema(old)


def test_a_migration_that_fails_is_rolled_back_and_reported(tmp_path: Path) -> None:
    # A file that claims schema 1 but lacks its tables: the step to 2 cannot run on it.
    path = tmp_path / "claims-v1.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 1")
    db.execute("CREATE TABLE unrelated (x)")
    db.close()
    with pytest.raises(StorageError, match="not a journal UID2 Desk can read"):
        Journal.open(path)
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (1,)  # nothing half-done kept
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"unrelated"}
    finally:
        db.close()


def test_a_journal_another_desk_migrated_while_this_one_waited_is_not_migrated_twice(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shared.db"
    first = sqlite3.connect(path, isolation_level=None, timeout=10)
    first.execute("BEGIN IMMEDIATE")  # the first desk starts migrating the empty file
    second = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    waiting = threading.Event()
    second.set_trace_callback(lambda sql: waiting.set() if sql == "BEGIN IMMEDIATE" else None)
    outcome: list[BaseException | None] = []

    def second_desk() -> None:
        try:
            migrate(second, path)  # reads schema 0, then waits for the first desk's lock
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=second_desk)
    thread.start()
    try:
        assert waiting.wait(10)
        for version, step in enumerate(MIGRATIONS):
            step(first)
            first.execute(f"PRAGMA user_version = {version + 1}")
        first.execute("COMMIT")
        thread.join(10)
        assert outcome == [None]
        assert second.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    finally:
        thread.join(10)
        first.close()
        second.close()
    with Journal.open(path) as journal:
        assert journal.count() == 0

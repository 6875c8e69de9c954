"""A journal written by schema v1 opens with the current code, with its data intact."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.journal import exchanges as records
from uid2_desk.journal import EntryKind, Journal, JournalFilter
from uid2_desk.journal.codec import exchange_to_json

#: The v1 schema, written out by hand as a v1 desk created it.
V1_SCHEMA = """
CREATE TABLE entry (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, kind TEXT NOT NULL,
    name TEXT NOT NULL, session TEXT NOT NULL, user TEXT, environment TEXT NOT NULL,
    step TEXT, outcome TEXT, summary TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '[]',
    exchange TEXT
);
"""

#: A v1 exchange record written by hand: a refresh refused with 400 expired_token.
HAND_WRITTEN_EXCHANGE = {
    "format": 1,
    "endpoint": "/v2/token/refresh",
    "url": "http://127.0.0.1:8080/v2/token/refresh",
    "method": "POST",
    "started_ms": 1704067290000,
    "timings": {
        "total_ms": 9.5,
        "connect_ms": None,
        "send_ms": None,
        "wait_ms": None,
        "receive_ms": None,
    },
    "request_headers": [["Content-Type", "application/x-www-form-urlencoded"]],
    "request_plaintext": "AAAA",
    "request_body": {"text": "AAAA"},
    "request_envelope": None,
    "http_status": 400,
    "response_headers": [["Content-Type", "application/json"]],
    "response_body": {"text": '{"message":"Expired Token","status":"expired_token"}'},
    "response_envelope": None,
    "response_plaintext": '{"message":"Expired Token","status":"expired_token"}',
    "nonce_ok": None,
    "operator_status": "expired_token",
    "server_time_ms": None,
    "server_date": None,
    "error": "The refresh token has expired.",
    "extra": [],
}

_INSERT = (
    "INSERT INTO entry (seq, at_ms, kind, name, session, user, environment, step, outcome,"
    " summary, detail, exchange) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _make_v1(path: Path) -> None:
    generate = records.generate(started_ms=records.T0 + 1)
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    rows = [
        (1, records.T0, "event", "sign_in_requested", "s1", "jane@example.com", "local", "1-b",
         None, "jane signs in", '[["kind", "email"], ["sent", "email"]]', None),
        (2, records.T0 + 1, "exchange", "/v2/token/generate", "s1", "jane@example.com", "local",
         "1-d", None, "generate for jane", "[]", json.dumps(exchange_to_json(generate))),
        (3, records.T0 + 90_000, "exchange", "/v2/token/refresh", "s1", "jane@example.com",
         "local", "3-b", "error", "refresh refused", "[]", json.dumps(HAND_WRITTEN_EXCHANGE)),
        (5, records.T0 + 99_000, "event", "logout", "s1", "jane@example.com", "local", "4-a",
         None, "bye", "[]", None),
    ]  # fmt: skip
    db.executemany(_INSERT, rows)
    # Entries 4, 6 and 7 existed once and were deleted: their numbers must stay used.
    db.execute("UPDATE sqlite_sequence SET seq = 7 WHERE name = 'entry'")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()


def test_a_v1_journal_is_migrated_with_every_entry_preserved(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    _make_v1(path)
    with Journal.open(path) as j:
        entries = j.entries(with_exchanges=True)
        assert [(e.seq, e.kind, e.name, e.step) for e in entries] == [
            (1, EntryKind.EVENT, "sign_in_requested", "1-b"),
            (2, EntryKind.EXCHANGE, "/v2/token/generate", "1-d"),
            (3, EntryKind.EXCHANGE, "/v2/token/refresh", "3-b"),
            (5, EntryKind.EVENT, "logout", "4-a"),
        ]
        assert entries[0].detail == (("kind", "email"), ("sent", "email"))
        assert entries[1].exchange == records.generate(started_ms=records.T0 + 1)
        assert entries[1].outcome == "success"  # classified during the migration
        assert (entries[1].http_status, entries[1].method, entries[1].duration_ms) == (
            200,
            "POST",
            42.0,
        )
        refused = entries[2].exchange
        assert refused is not None
        assert refused.http_status == 400
        assert refused.response_body == b'{"message":"Expired Token","status":"expired_token"}'
        assert refused.error == "The refresh token has expired."
        assert [e.summary for e in entries] == [
            "jane signs in",
            "generate for jane",
            "refresh refused",
            "bye",
        ]


def test_a_migrated_journal_filters_and_continues_numbering(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    _make_v1(path)
    with Journal.open(path) as j:
        assert [e.seq for e in j.entries(JournalFilter(text="expired_token"))] == [3]
        assert [e.seq for e in j.entries(JournalFilter(endpoint="/v2/token/generate"))] == [2]
        assert j.count(JournalFilter(user="jane@example.com")) == 4
        nxt = j.append_event("x", at_ms=1, session="s2", user=None, environment="e", step=None)
        assert nxt.seq == 8
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"entry_session", "entry_user", "entry_name", "entry_outcome"} <= indexes
    finally:
        db.close()


def test_a_fresh_journal_and_a_migrated_one_have_the_same_schema(tmp_path: Path) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    _make_v1(old)
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

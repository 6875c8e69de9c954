"""The journal's SQLite schema and its migrations, versioned with ``PRAGMA user_version``.

Every database, new or old, is brought to :data:`SCHEMA_VERSION` by running the migrations
after its current version in order, each in its own transaction together with the version bump.
A fresh file therefore goes through exactly the path an old one does, so the migrations are
exercised on every start, not only on upgrade day.

- **v1**: one ``entry`` table; the exchange as JSON text inline.
- **v2**: the exchange moves to its own table (zlib-compressed), leaving ``entry`` rows small
  (about 250 bytes) so paging, counting and text search scan little; light columns for the
  log (``method``, ``http_status``, ``duration_ms``); a compact lower-cased ``search`` column;
  indexes for every filter dimension. Each index on one column also holds the rowid (``seq``),
  so "``user = ? AND seq > ? ORDER BY seq LIMIT n``" is a pure index range scan.

- **v3**: ``entry_fts``, an external-content FTS5 table over ``search`` with the ``trigram``
  tokenizer, kept in step with ``entry`` by triggers (so every writer, the migration included,
  keeps it right). A word of three characters or more is looked up in it, so a text filter over
  1,000,000 entries takes milliseconds instead of a scan (``tests/benchmarks/bench_journal.py``);
  trigrams keep substring matches inside words (``optout`` finds ``refresh-optout@...``).
  Shorter words fall back to ``instr()`` over ``search``, which trigrams cannot answer.
- **v4**: ``entry_fts`` made again with ``columnsize=0`` and rebuilt from ``entry``: FTS5 no
  longer keeps a row of token counts per entry (``entry_fts_docsize``), which only ranking
  (``bm25``, ``rank``) reads and the journal never asks for. That row was a third of an
  append's SQL (one append's SQL: 0.415 ms with it, 0.27 ms without, on the 2-core machine).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from uid2_desk.journal.codec import encode_exchange, exchange_from_json
from uid2_desk.journal.model import EntryKind, classify_exchange
from uid2_desk.protocol.errors import StorageError

SCHEMA_VERSION = 4

_V1 = """
CREATE TABLE entry (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    session     TEXT    NOT NULL,
    user        TEXT,
    environment TEXT    NOT NULL,
    step        TEXT,
    outcome     TEXT,
    summary     TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '[]',
    exchange    TEXT
);
"""

_V2_TABLES = """
CREATE TABLE entry_v2 (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    session     TEXT    NOT NULL,
    user        TEXT,
    environment TEXT    NOT NULL,
    step        TEXT,
    outcome     TEXT,
    summary     TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '[]',
    method      TEXT,
    http_status INTEGER,
    duration_ms REAL,
    search      TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE exchange (
    seq INTEGER PRIMARY KEY,
    doc BLOB    NOT NULL
);
"""

_V2_INDEXES = """
CREATE INDEX entry_session ON entry(session);
CREATE INDEX entry_user    ON entry(user);
CREATE INDEX entry_name    ON entry(name);
CREATE INDEX entry_outcome ON entry(outcome);
CREATE INDEX entry_kind    ON entry(kind);
"""


#: The triggers that keep ``entry_fts`` in step with ``entry`` (v3, made again in v4).
_FTS_TRIGGERS = (
    "CREATE TRIGGER entry_fts_insert AFTER INSERT ON entry BEGIN"
    " INSERT INTO entry_fts (rowid, search) VALUES (new.seq, new.search); END",
    "CREATE TRIGGER entry_fts_delete AFTER DELETE ON entry BEGIN"
    " INSERT INTO entry_fts (entry_fts, rowid, search) VALUES ('delete', old.seq, old.search);"
    " END",
    "CREATE TRIGGER entry_fts_update AFTER UPDATE OF search ON entry BEGIN"
    " INSERT INTO entry_fts (entry_fts, rowid, search) VALUES ('delete', old.seq, old.search);"
    " INSERT INTO entry_fts (rowid, search) VALUES (new.seq, new.search); END",
)

#: Statements, not one script: a trigger body holds ";" of its own.
_V3_FTS = (
    "CREATE VIRTUAL TABLE entry_fts USING fts5("
    "search, content='entry', content_rowid='seq', tokenize='trigram')",
    *_FTS_TRIGGERS,
    "INSERT INTO entry_fts (entry_fts) VALUES ('rebuild')",
)

#: v4: the same index without the per-row token counts only ranking reads.
_V4_FTS = (
    "DROP TRIGGER entry_fts_insert",
    "DROP TRIGGER entry_fts_delete",
    "DROP TRIGGER entry_fts_update",
    "DROP TABLE entry_fts",
    "CREATE VIRTUAL TABLE entry_fts USING fts5(search, content='entry', content_rowid='seq',"
    " tokenize='trigram', columnsize=0)",
    *_FTS_TRIGGERS,
    "INSERT INTO entry_fts (entry_fts) VALUES ('rebuild')",
)


def search_text(
    *,
    name: str,
    step: str | None,
    outcome: str | None,
    http_status: int | None,
    user: str | None,
    summary: str,
    detail: tuple[tuple[str, str], ...],
    operator_status: str | None = None,
    error: str | None = None,
) -> str:
    """The compact, lower-cased text a :class:`JournalFilter` ``text`` is matched against."""
    parts = [name, step, outcome, None if http_status is None else str(http_status), user]
    parts += [summary, operator_status, error]
    parts += [value for _, value in detail]
    return " ".join(p for p in parts if p).lower()


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the current transaction.

    ``Connection.executescript`` would COMMIT a pending transaction first, which would split a
    migration from its version bump.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _to_v1(db: sqlite3.Connection) -> None:
    run_script(db, _V1)


def _high_water_mark(db: sqlite3.Connection, table: str) -> int:
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return int(row[0]) if row else 0


def _to_v2(db: sqlite3.Connection) -> None:
    """Split exchanges out of ``entry``, add the light and search columns and the indexes."""
    run_script(db, _V2_TABLES)
    rows = db.execute(
        "SELECT seq, at_ms, kind, name, session, user, environment, step, outcome, summary,"
        " detail, exchange FROM entry ORDER BY seq"
    ).fetchall()
    for row in rows:
        seq, at_ms, kind, name, session, user, env, step, outcome, summary, detail_json, doc = row
        detail = tuple((str(k), str(v)) for k, v in json.loads(detail_json or "[]"))
        method = http_status = duration_ms = operator_status = error = None
        if doc is not None:
            exchange = exchange_from_json(json.loads(doc))
            method, http_status = exchange.method, exchange.http_status
            duration_ms, operator_status = exchange.timings.total_ms, exchange.operator_status
            error = exchange.error
            if outcome is None and kind == EntryKind.EXCHANGE:
                outcome = classify_exchange(exchange).value
            db.execute(
                "INSERT INTO exchange (seq, doc) VALUES (?, ?)", (seq, encode_exchange(exchange))
            )
        search = search_text(
            name=name,
            step=step,
            outcome=outcome,
            http_status=http_status,
            user=user,
            summary=summary,
            detail=detail,
            operator_status=operator_status,
            error=error,
        )
        db.execute(
            "INSERT INTO entry_v2 (seq, at_ms, kind, name, session, user, environment, step,"
            " outcome, summary, detail, method, http_status, duration_ms, search)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                at_ms,
                kind,
                name,
                session,
                user,
                env,
                step,
                outcome,
                summary,
                detail_json,
                method,
                http_status,
                duration_ms,
                search,
            ),
        )
    # Carry the AUTOINCREMENT high-water mark over, so seqs of pruned entries are never reused.
    mark = max(_high_water_mark(db, "entry"), _high_water_mark(db, "entry_v2"))
    db.execute("DELETE FROM sqlite_sequence WHERE name = 'entry_v2'")
    db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('entry_v2', ?)", (mark,))
    db.execute("DROP TABLE entry")
    db.execute("ALTER TABLE entry_v2 RENAME TO entry")
    run_script(db, _V2_INDEXES)


def _to_v3(db: sqlite3.Connection) -> None:
    """Index ``search`` with FTS5 trigrams, filled from the existing rows."""
    for statement in _V3_FTS:
        db.execute(statement)


def _to_v4(db: sqlite3.Connection) -> None:
    """Make ``entry_fts`` again without per-row token counts, filled from the existing rows.

    A fresh file goes v3 then v4 and so builds the index twice, over no rows: nothing.
    """
    for statement in _V4_FTS:
        db.execute(statement)


#: ``MIGRATIONS[n]`` brings a database from version ``n`` to ``n + 1``.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_to_v1, _to_v2, _to_v3, _to_v4)


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the database to :data:`SCHEMA_VERSION`, one transaction per step."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"The journal at {path} was written by a newer UID2 Desk (schema {version}; this "
            f"version reads up to {SCHEMA_VERSION}). Upgrade the desk, or move the file aside "
            "to start a fresh journal."
        )
    while version < SCHEMA_VERSION:
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version < SCHEMA_VERSION:
                MIGRATIONS[version](db)
                version += 1
                db.execute(f"PRAGMA user_version = {version}")
            db.execute("COMMIT")
        except BaseException:
            # Not reached in tests with no transaction: only an error SQLite answers by
            # rolling back itself (a full disk or an I/O error during a step or the COMMIT).
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

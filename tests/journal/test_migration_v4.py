"""A v3 journal (FTS index with per-row token counts) migrates to v4 and filters the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.journal.schema import MIGRATIONS, SCHEMA_VERSION

_INSERT = (
    "INSERT INTO entry (at_ms, kind, name, session, user, environment, step, outcome, summary,"
    " search) VALUES (?, 'event', 'tick', ?, ?, 'local', NULL, ?, ?, ?)"
)
#: Filters of every kind the journal answers: long words (FTS), short ones (instr), both.
TEXTS = ("optout", "user3@", "refresh-optout7", "ok 12", "zz", "no-such-thing", "exa 4")


def _make_v3(path: Path) -> None:
    """A v3 file as a v3 desk left it: its own migrations, then entries through its triggers."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        for to_next in MIGRATIONS[:3]:
            db.execute("BEGIN")
            to_next(db)
            db.execute("COMMIT")
        db.execute("PRAGMA user_version = 3")
        db.execute("BEGIN")
        for i in range(60):
            user = f"refresh-optout{i}@example.com" if i % 4 == 0 else f"user{i}@example.com"
            outcome = ("ok", "optout", "error")[i % 3]
            summary = f"{user}: tick {i} {outcome}"
            search = f"tick {outcome} {user} {summary}".lower()
            db.execute(_INSERT, (i, f"s{i // 20}", user, outcome, summary, search))
        db.execute("DELETE FROM entry WHERE seq IN (5, 6)")  # through the v3 delete trigger
        db.execute("COMMIT")
    finally:
        db.close()


def _v3_hits(path: Path, text: str) -> list[int]:
    """What a plain scan finds: every word a substring of the entry's search text."""
    db = sqlite3.connect(path)
    try:
        words = text.lower().split()
        where = " AND ".join("instr(search, ?) > 0" for _ in words)
        rows = db.execute(f"SELECT seq FROM entry WHERE {where} ORDER BY seq", words)
        return [seq for (seq,) in rows]
    finally:
        db.close()


def test_a_v3_journal_gets_the_leaner_index_and_finds_the_same_entries(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    _make_v3(path)
    expected = {text: _v3_hits(path, text) for text in TEXTS}
    assert expected["optout"]  # the filters do find something
    assert expected["user3@"]
    db = sqlite3.connect(path)
    try:  # the v3 index answers as a scan does, and keeps a docsize row per entry
        (docsize,) = db.execute("SELECT count(*) FROM entry_fts_docsize").fetchone()
        assert docsize == 58
        hits = db.execute("SELECT rowid FROM entry_fts WHERE entry_fts MATCH '\"optout\"'")
        assert sorted(seq for (seq,) in hits) == expected["optout"]
    finally:
        db.close()

    with Journal.open(path) as journal:
        for text in TEXTS:
            found = journal.entries(JournalFilter(text=text), limit=None)
            assert [e.seq for e in found] == expected[text], text
            assert journal.count(JournalFilter(text=text)) == len(expected[text])
        # The triggers made again keep the index in step: an append, then a prune.
        new = journal.append_event(
            "tick", at_ms=1, session="s9", user="late-optout@example.com", environment="e",
            step=None,
        )  # fmt: skip
        assert journal.entries(JournalFilter(text="late-optout"))[0].seq == new.seq
        journal.prune(keep_sessions=1)
        assert journal.count(JournalFilter(text="optout")) == 1

    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entry_fts'").fetchone()
        assert "columnsize=0" in sql.replace(" ", "")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "entry_fts_docsize" not in tables
        triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert triggers == {"entry_fts_insert", "entry_fts_delete", "entry_fts_update"}
        db.execute("INSERT INTO entry_fts (entry_fts) VALUES ('integrity-check')")
    finally:
        db.close()

"""A group of prepared entries written with one SQL statement, both tables at once.

Why one statement. The writer thread runs SQLite without Python's interpreter lock (GIL), but
takes the lock back after every ``sqlite3_step`` and ``sqlite3_reset``; while the event loop
is busy making the next entries ready, each take-back waits for Python's switch interval
(5 ms). A group written as ``BEGIN``, the last seq, one ``INSERT`` per table and ``COMMIT``
took the lock back about ten times, so under a burst the writer sat idle most of the time.
:data:`INSERT_GROUP` inserts a whole group's ``entry`` and ``exchange`` rows in one statement,
which SQLite runs as its own transaction (``synchronous=FULL``: one fsync'ed commit): the
lock is taken back twice per group.

How. The rows go in as one JSON array (each row a :class:`~uid2_desk.journal.prepare.
PreparedEntry` ``row``: the ``entry`` columns after ``seq``, then the length of its stored
exchange, 0 for an event) and the exchanges as one blob, cut with ``substr`` at offsets a
window function sums from those lengths. A connection-local (``TEMP``) view takes the
insert, and its ``INSTEAD OF`` trigger writes each row into ``entry`` and ``exchange``; the
journal file's schema is untouched. The seqs are given by the caller (the next after the
last it wrote, first read in SQL): the statement writes nothing unless the first is above the
highest seq ever given, which it checks once, inside its own transaction, so if anyone else
wrote in between nothing is written (the connection's change count does not move).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from uid2_desk.journal.prepare import PreparedEntry

#: The ``entry`` columns after ``seq``, in the order of a prepared row.
COLUMNS = (
    "at_ms, kind, name, session, user, environment, step, outcome, summary, detail, method,"
    " http_status, duration_ms, search"
)
_NAMES = COLUMNS.split(", ")
#: Where a prepared row holds the length of its stored exchange.
DOC_LENGTH = len(_NAMES)

INSERT_ENTRY = (
    f"INSERT INTO entry (seq, {COLUMNS}) VALUES (?{', ?' * len(_NAMES)})"  # seq None: the next
)
INSERT_DOC = "INSERT INTO exchange (seq, doc) VALUES (?, ?)"
#: The highest seq ever given (AUTOINCREMENT's mark, or a row's if the mark is behind).
_HIGHEST_SEQ = (
    "max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'entry'), 0),"
    " coalesce((SELECT max(seq) FROM entry), 0))"
)
LAST_SEQ = f"SELECT {_HIGHEST_SEQ}"

_VIEW = (
    "CREATE TEMP VIEW IF NOT EXISTS journal_group AS SELECT "
    + ", ".join(f"NULL AS {name}" for name in ("seq", *_NAMES, "doc"))
    + " WHERE 0"
)
# Names in a trigger's INSERT cannot be qualified: a TEMP trigger finds the main tables.
_TRIGGER = (
    "CREATE TEMP TRIGGER IF NOT EXISTS journal_group_insert INSTEAD OF INSERT ON journal_group"
    f" BEGIN INSERT INTO entry (seq, {COLUMNS}) VALUES (NEW.seq, "
    + ", ".join(f"NEW.{name}" for name in _NAMES)
    + "); INSERT INTO exchange (seq, doc) SELECT NEW.seq, NEW.doc WHERE NEW.doc IS NOT NULL; END"
)
#: ``?1`` the first seq, ``?2`` the exchanges' blob, ``?3`` the rows as JSON; no row at all
#: unless ``?1`` is above every seq given so far (a scalar subquery: evaluated once).
INSERT_GROUP = (
    f"INSERT INTO journal_group (seq, {COLUMNS}, doc) SELECT ?1 + key, "
    + ", ".join(f"value ->> {i}" for i in range(DOC_LENGTH))
    + f", CASE WHEN value ->> {DOC_LENGTH} > 0 THEN substr(?2, 1 + coalesce(sum(value ->>"
    f" {DOC_LENGTH}) OVER (ORDER BY key ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),"
    f" value ->> {DOC_LENGTH}) END FROM json_each(?3) WHERE ?1 > {_HIGHEST_SEQ}"
)
#: ``->>`` came with SQLite 3.38; older libraries take the rows one by one.
ONE_STATEMENT_GROUPS = sqlite3.sqlite_version_info >= (3, 38, 0)

_ROWS_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, check_circular=False)


def install(db: sqlite3.Connection) -> None:
    """Make the connection's TEMP view and trigger (idempotent; the file is not touched)."""
    db.execute(_VIEW)
    db.execute(_TRIGGER)


def group_parameters(group: Sequence[PreparedEntry]) -> tuple[bytes, str] | None:
    """The blob and the rows JSON for :data:`INSERT_GROUP`, or ``None``: write row by row.

    JSON cannot hold an infinite or NaN duration, and SQLite's JSON text ends at a NUL: such
    groups, and every group on a SQLite without ``->>``, go through :func:`insert_rows`.
    """
    if not ONE_STATEMENT_GROUPS:
        return None
    try:
        rows = _ROWS_JSON.encode([p.row for p in group])
    except ValueError:
        return None
    if "\\u0000" in rows:
        return None
    return b"".join([p.doc for p in group if p.doc is not None]), rows


def insert_rows(db: sqlite3.Connection, first_seq: int, group: Sequence[PreparedEntry]) -> None:
    """Insert the group row by row with seqs from ``first_seq`` (inside a transaction)."""
    numbered = list(enumerate(group, first_seq))
    db.executemany(INSERT_ENTRY, [(s, *p.row[:DOC_LENGTH]) for s, p in numbered])
    docs = [(s, p.doc) for s, p in numbered if p.doc is not None]
    if docs:
        db.executemany(INSERT_DOC, docs)

"""Writing the journal: exchanges and lifecycle events, bulk transactions and pruning.

Before anything is written, credential headers that are not masked are masked
(:func:`~uid2_desk.journal.masking.scrub_headers`) and event details whose key names a secret
are replaced by ``[masked]``. Each append is one committed transaction unless it runs inside
:meth:`JournalWriting.bulk`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from uid2_desk.journal.guarded_connection import GuardedConnection
from uid2_desk.journal.model import JournalEntry
from uid2_desk.journal.prepare import PreparedEntry, prepare_event, prepare_exchange
from uid2_desk.protocol.exchange import Exchange

#: Column order of :data:`_INSERT_ENTRY`'s parameters after ``seq``.
_INSERT_ENTRY = (
    "INSERT INTO entry (seq, at_ms, kind, name, session, user, environment, step, outcome,"
    " summary, detail, method, http_status, duration_ms, search)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_DOC = "INSERT INTO exchange (seq, doc) VALUES (?, ?)"
#: A bulk block's rows in one statement each: the entry rows as one JSON array of arrays, the
#: exchanges as one blob with a JSON array of ``[seq, offset, length]``. One statement is one
#: ``sqlite3_step``, during which the writer holds no GIL: ``executemany`` steps once per row
#: and takes the GIL back between rows, and while the event loop is busy making the next
#: entries ready, each of those hand-backs waits for Python's switch interval (5 ms). Under a
#: burst that convoy left the writer idle most of the time (2,000 appends: 0.28 of bare
#: SQLite's rate with ``executemany``, 0.55 with this, measured side by side at load 6).
_INSERT_ENTRIES = (
    "INSERT INTO entry (seq, at_ms, kind, name, session, user, environment, step, outcome,"
    " summary, detail, method, http_status, duration_ms, search) SELECT "
    + ", ".join(f"value ->> {i}" for i in range(15))
    + " FROM json_each(?)"
)
_INSERT_DOCS = (
    "INSERT INTO exchange (seq, doc)"
    " SELECT value ->> 0, substr(?2, value ->> 1, value ->> 2) FROM json_each(?1)"
)
#: A bulk block writes what it queued every so many entries (each statement's JSON and blob
#: stay a few megabytes however many entries the block holds); a writer's group is smaller.
FLUSH_ROWS = 1024
_ROWS_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
#: ``->>`` came with SQLite 3.38; older libraries take the rows one by one.
ONE_STATEMENT_GROUPS = sqlite3.sqlite_version_info >= (3, 38, 0)
#: The highest seq ever given (AUTOINCREMENT's mark, or a row's if the mark is behind).
_LAST_SEQ = (
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'entry'), 0),"
    " coalesce((SELECT max(seq) FROM entry), 0))"
)


class JournalWriting(GuardedConnection):
    """The write half of :class:`~uid2_desk.journal.store.Journal`.

    Inside :meth:`bulk`, appends are not executed one by one: each gets the next ``seq``
    (the transaction holds the write lock, so nobody else can take one) and its rows wait in
    memory until the block ends, or until anything else touches the connection, and are then
    written with one statement per table (see :data:`_INSERT_ENTRIES`). The per-entry Python
    work is what limits a burst, not SQLite.
    """

    _pending_entries: list[tuple[object, ...]]
    _pending_docs: list[tuple[int, bytes]]
    _next_seq: int | None = None

    def append_exchange(
        self,
        exchange: Exchange,
        *,
        session: str,
        user: str | None,
        environment: str,
        step: str | None,
        outcome: str | None = None,
        summary: str | None = None,
        detail: Iterable[tuple[str, str]] = (),
    ) -> JournalEntry:
        """Record an exchange; return the committed entry (full, with the scrubbed exchange).

        ``outcome`` defaults to :func:`classify_exchange`, ``summary`` to a one-line
        description; ``detail`` pairs are kept as an event's are (why it was made...).
        Credential headers that are not masked are masked before writing.
        """
        return self.append_prepared(
            prepare_exchange(
                exchange,
                session=session,
                user=user,
                environment=environment,
                step=step,
                outcome=outcome,
                summary=summary,
                detail=detail,
            )
        )

    def append_event(
        self,
        name: str,
        *,
        at_ms: int,
        session: str,
        user: str | None,
        environment: str,
        step: str | None,
        outcome: str | None = None,
        summary: str = "",
        detail: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> JournalEntry:
        """Record a lifecycle event (``sign_in_requested``, ``identity_set``, ``logout``...).

        ``detail`` is a mapping or key/value pairs (kept in order). Values whose key names a
        secret (``secret``, ``api_key``...) are stored as ``[masked]``.
        """
        return self.append_prepared(
            prepare_event(
                name,
                at_ms=at_ms,
                session=session,
                user=user,
                environment=environment,
                step=step,
                outcome=outcome,
                summary=summary,
                detail=detail,
            )
        )

    def append_prepared(self, prepared: PreparedEntry) -> JournalEntry:
        """Record an entry made ready by :mod:`~uid2_desk.journal.prepare`; return it committed.

        The prepared entry gets its ``seq`` in place: it was made for this append and nobody
        else holds it yet, and copying a 15-field frozen dataclass (``dataclasses.replace``,
        ~10 µs) was a large part of the writer's Python work per entry under a burst.
        """
        seq = self._insert(prepared.row, prepared.doc)
        object.__setattr__(prepared.entry, "seq", seq)  # frozen for its readers, not its maker
        return prepared.entry

    def _insert(self, row: tuple[object, ...], doc: bytes | None) -> int:
        """Write (or, inside :meth:`bulk`, queue) one entry row and its exchange; its seq."""
        if self._in_bulk:
            self._check_usable()
            if self._next_seq is None:
                with self._errors("record an entry in"):
                    (last,) = self._db.execute(_LAST_SEQ).fetchone()
                self._next_seq = int(last) + 1
            seq = self._next_seq
            self._next_seq = seq + 1
            self._pending_entries.append((seq, *row))
            if doc is not None:
                self._pending_docs.append((seq, doc))
            if len(self._pending_entries) >= FLUSH_ROWS:  # a long block (an import) stays small
                with self._errors("record entries in"):
                    self._flush_pending()
            return seq
        with self._write("record an entry in"):
            written = self._db.execute(_INSERT_ENTRY, (None, *row)).lastrowid
            assert written is not None  # an INSERT into a rowid table always sets it
            if doc is not None:
                self._db.execute(_INSERT_DOC, (written, doc))
        return written

    def _flush_pending(self) -> None:
        """Write the rows queued by appends inside :meth:`bulk` (on its connection, in it)."""
        entries, docs = self._pending_entries, self._pending_docs
        if not entries:
            return
        self._pending_entries, self._pending_docs = [], []
        if not ONE_STATEMENT_GROUPS:
            self._db.executemany(_INSERT_ENTRY, entries)
            # Not reached in tests without docs: this path is for SQLite before 3.38, which this
            # machine does not have; test_bulk_queue only emulates it with mixed blocks.
            if docs:
                self._db.executemany(_INSERT_DOC, docs)
            return
        rows: str | None
        try:
            rows = _ROWS_JSON.encode(entries)
        except ValueError:  # an infinite or NaN duration, which JSON cannot hold
            rows = None
        # SQLite's JSON text ends at a NUL: such rows, like those JSON cannot hold, are bound
        # as they are.
        if rows is None or "\\u0000" in rows:
            self._db.executemany(_INSERT_ENTRY, entries)
        else:
            self._db.execute(_INSERT_ENTRIES, (rows,))
        if docs:
            spans, offset = [], 1  # substr() counts from 1
            for seq, doc in docs:
                spans.append((seq, offset, len(doc)))
                offset += len(doc)
            self._db.execute(_INSERT_DOCS, (json.dumps(spans), b"".join(d for _, d in docs)))

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        # Anything else done inside a bulk block (a read, a prune) sees the queued rows.
        with super()._errors(action):
            if self._in_bulk and self._pending_entries:
                self._flush_pending()
            yield

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Group the appends made inside the block into one transaction (one fsync).

        Entries returned inside the block are committed only when it exits normally; on an
        exception none of them is. For imports, the writer's groups and benchmarks.
        """
        self._check_thread()
        if self._in_bulk:
            raise RuntimeError("Journal.bulk() blocks do not nest")
        self._pending_entries, self._pending_docs = [], []
        with self._write("record entries in"):
            self._in_bulk = True
            try:
                yield
                self._flush_pending()
            finally:
                self._in_bulk = False
                self._next_seq = None
                self._pending_entries, self._pending_docs = [], []

    @contextmanager
    def group(self) -> Iterator[None]:
        """Like :meth:`bulk`, but joins an enclosing bulk transaction instead of refusing it."""
        if self._in_bulk:
            yield
            return
        with self.bulk():
            yield

    def prune(self, keep_sessions: int) -> int:
        """Delete every session but the ``keep_sessions`` most recently active ones.

        Returns the number of entries deleted. Sequence numbers are never reused. Freed pages
        are returned to the file system (incremental vacuum), except inside :meth:`bulk`.
        """
        if keep_sessions < 0:
            raise ValueError("keep_sessions must be 0 or more")
        doomed = (
            "SELECT session FROM entry GROUP BY session ORDER BY max(seq) DESC LIMIT -1 OFFSET ?"
        )
        with self._write("prune"):
            self._db.execute(
                "DELETE FROM exchange WHERE seq IN"
                f" (SELECT seq FROM entry WHERE session IN ({doomed}))",
                (keep_sessions,),
            )
            deleted = self._db.execute(
                f"DELETE FROM entry WHERE session IN ({doomed})", (keep_sessions,)
            ).rowcount
        if not self._in_bulk:
            with self._errors("reclaim space in"):
                # executescript steps the pragma to the end; execute() would free one page.
                self._db.executescript("PRAGMA incremental_vacuum;")
        return int(deleted)

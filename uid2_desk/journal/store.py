"""The durable, append-only journal: one SQLite file in WAL mode, one connection, one thread.

Durability. Each append is one ``BEGIN IMMEDIATE`` ... ``COMMIT`` with ``synchronous=FULL``:
the commit returns only after the WAL has been fsync'ed, so an entry returned by an append
(and therefore reported to any listener) survives ``kill -9`` *and* a power cut. With
``NORMAL`` in WAL mode a commit would survive a killed process (the WAL pages are already in
the OS cache) but could be lost with the power; a kiosk on a booth can lose power, and the
desk appends a few entries per second at most while FULL still manages hundreds per second
(``tests/benchmarks/bench_journal.py``), so FULL it is. ``Journal.bulk()`` groups many appends
into one commit for imports and benchmarks.

Threads. A :class:`Journal` belongs to the thread that opened it (SQLite connections are
thread-bound); calls from another thread raise ``RuntimeError``. Asyncio code uses
:class:`~uid2_desk.journal.async_journal.AsyncJournal`, which owns one on a worker thread.

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
import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from uid2_desk.journal.codec import decode_exchange, encode_exchange
from uid2_desk.journal.connection import open_connection
from uid2_desk.journal.masking import MASKED, is_secret_name, scrub_headers
from uid2_desk.journal.model import (
    EntryKind,
    JournalEntry,
    JournalFilter,
    classify_exchange,
    summarize_exchange,
)
from uid2_desk.journal.queries import LIGHT_COLUMNS, filter_sql, row_to_entry
from uid2_desk.journal.schema import search_text
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import Exchange

_NO_FILTER = JournalFilter()


class Journal:
    """A synchronous journal on one SQLite connection; see the module docstring.

    Attributes:
        path: the database file.
    """

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        """Use :meth:`open`; this wraps an already configured connection."""
        self._db = db
        self.path = path
        self._owner = threading.get_ident()
        self._in_bulk = False
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------

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

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    # -- writing ---------------------------------------------------------------------------

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
    ) -> JournalEntry:
        """Record an exchange; return the committed entry (full, with the scrubbed exchange).

        ``outcome`` defaults to :func:`classify_exchange`, ``summary`` to a one-line
        description. Credential headers that are not masked are masked before writing.
        """
        exchange = dataclasses.replace(
            exchange,
            request_headers=scrub_headers(exchange.request_headers),
            response_headers=scrub_headers(exchange.response_headers),
        )
        entry = JournalEntry(
            seq=0,
            at_ms=exchange.started_ms,
            kind=EntryKind.EXCHANGE,
            session=session,
            user=user,
            environment=environment,
            step=step,
            outcome=outcome if outcome is not None else classify_exchange(exchange).value,
            summary=summary if summary is not None else summarize_exchange(exchange),
            exchange=exchange,
            name=exchange.endpoint,
            method=exchange.method,
            http_status=exchange.http_status,
            duration_ms=exchange.timings.total_ms,
        )
        return self._insert(entry, encode_exchange(exchange))

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
        items = detail.items() if isinstance(detail, Mapping) else (detail or ())
        pairs = tuple((str(k), MASKED if is_secret_name(str(k)) else str(v)) for k, v in items)
        entry = JournalEntry(
            seq=0,
            at_ms=at_ms,
            kind=EntryKind.EVENT,
            session=session,
            user=user,
            environment=environment,
            step=step,
            outcome=outcome,
            summary=summary,
            exchange=None,
            detail=pairs,
            name=name,
        )
        return self._insert(entry, None)

    def _insert(self, entry: JournalEntry, doc: bytes | None) -> JournalEntry:
        ex = entry.exchange
        search = search_text(
            name=entry.name,
            step=entry.step,
            outcome=entry.outcome,
            http_status=entry.http_status,
            user=entry.user,
            summary=entry.summary,
            detail=entry.detail,
            operator_status=ex.operator_status if ex else None,
            error=ex.error if ex else None,
        )
        with self._write("record an entry in"):
            cursor = self._db.execute(
                "INSERT INTO entry (at_ms, kind, name, session, user, environment, step, outcome,"
                " summary, detail, method, http_status, duration_ms, search)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.at_ms,
                    entry.kind.value,
                    entry.name,
                    entry.session,
                    entry.user,
                    entry.environment,
                    entry.step,
                    entry.outcome,
                    entry.summary,
                    json.dumps([list(p) for p in entry.detail], ensure_ascii=False),
                    entry.method,
                    entry.http_status,
                    entry.duration_ms,
                    search,
                ),
            )
            seq = cursor.lastrowid
            assert seq is not None  # an INSERT into a rowid table always sets it
            if doc is not None:
                self._db.execute("INSERT INTO exchange (seq, doc) VALUES (?, ?)", (seq, doc))
        return dataclasses.replace(entry, seq=seq)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Group the appends made inside the block into one transaction (one fsync).

        Entries returned inside the block are committed only when it exits normally; on an
        exception none of them is. For imports and benchmarks, not for live traffic.
        """
        self._check_thread()
        if self._in_bulk:
            raise RuntimeError("Journal.bulk() blocks do not nest")
        with self._write("record entries in"):
            self._in_bulk = True
            try:
                yield
            finally:
                self._in_bulk = False

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

    # -- reading ---------------------------------------------------------------------------

    def get(self, seq: int) -> JournalEntry | None:
        """The full entry ``seq`` (exchange loaded), or ``None`` if there is none."""
        with self._errors("read"):
            row = self._db.execute(
                f"SELECT {LIGHT_COLUMNS}, x.doc FROM entry e LEFT JOIN exchange x ON x.seq = e.seq"
                " WHERE e.seq = ?",
                (seq,),
            ).fetchone()
        if row is None:
            return None
        return row_to_entry(row, None if row[14] is None else decode_exchange(row[14]))

    def exchange(self, seq: int) -> Exchange | None:
        """Only the exchange of entry ``seq`` (``None`` for events and unknown seqs)."""
        with self._errors("read"):
            row = self._db.execute("SELECT doc FROM exchange WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else decode_exchange(row[0])

    def entries(
        self,
        f: JournalFilter = _NO_FILTER,
        *,
        after_seq: int = 0,
        before_seq: int | None = None,
        limit: int | None = 500,
        with_exchanges: bool = False,
    ) -> list[JournalEntry]:
        """Entries matching ``f`` with ``after_seq < seq < before_seq``, in ascending ``seq``.

        Paging forward: pass the last ``seq`` seen as ``after_seq``. With ``before_seq`` the
        *newest* ``limit`` entries below it are returned (still ascending): the tail of the
        log is ``entries(before_seq=last_seq() + 1)``. ``limit=None`` returns them all.
        Entries are light unless ``with_exchanges``.
        """
        conds, params = filter_sql(f)
        conds.append("e.seq > ?")
        params.append(after_seq)
        if before_seq is not None:
            conds.append("e.seq < ?")
            params.append(before_seq)
        order = "DESC" if before_seq is not None else "ASC"
        columns = f"{LIGHT_COLUMNS}, x.doc" if with_exchanges else LIGHT_COLUMNS
        join = " LEFT JOIN exchange x ON x.seq = e.seq" if with_exchanges else ""
        where = " AND ".join(conds)
        sql = f"SELECT {columns} FROM entry e{join} WHERE {where} ORDER BY e.seq {order}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        with self._errors("read"):
            rows = self._db.execute(sql, params).fetchall()
        if before_seq is not None:
            rows.reverse()
        if with_exchanges:
            return [
                row_to_entry(r, None if r[14] is None else decode_exchange(r[14])) for r in rows
            ]
        return [row_to_entry(r, None) for r in rows]

    def count(self, f: JournalFilter = _NO_FILTER) -> int:
        """How many entries match ``f``."""
        conds, params = filter_sql(f)
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        with self._errors("count"):
            (n,) = self._db.execute(f"SELECT count(*) FROM entry e{where}", params).fetchone()
        return int(n)

    def last_seq(self) -> int:
        """The highest ``seq`` present, 0 for an empty journal."""
        with self._errors("read"):
            (n,) = self._db.execute("SELECT coalesce(max(seq), 0) FROM entry").fetchone()
        return int(n)

    def sessions(self) -> list[str]:
        """Every session with entries, oldest first (by its first entry)."""
        with self._errors("read"):
            rows = self._db.execute(
                "SELECT session FROM entry GROUP BY session ORDER BY min(seq)"
            ).fetchall()
        return [r[0] for r in rows]

    # -- plumbing --------------------------------------------------------------------------

    def _check_thread(self) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(
                "a Journal is used only by the thread that opened it; use AsyncJournal from "
                "asyncio code"
            )

    def _check_usable(self) -> None:
        if self._closed:
            raise RuntimeError("this Journal is closed")
        self._check_thread()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        self._check_usable()
        try:
            yield
        except sqlite3.Error as exc:
            raise StorageError(
                f"Could not {action} the journal at {self.path} ({exc}). Check that the disk "
                "has free space and that no other program locks the file, then try again."
            ) from exc

    @contextmanager
    def _write(self, action: str) -> Iterator[None]:
        """One transaction (or part of the enclosing :meth:`bulk` one)."""
        if self._in_bulk:
            with self._errors(action):
                yield
            return
        with self._errors(action):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

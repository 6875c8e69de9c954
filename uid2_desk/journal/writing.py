"""Writing the journal: exchanges and lifecycle events, bulk transactions and pruning.

Before anything is written, credential headers that are not masked are masked
(:func:`~uid2_desk.journal.masking.scrub_headers`) and event details whose key names a secret
are replaced by ``[masked]``. Each append is one committed transaction unless it runs inside
:meth:`JournalWriting.bulk`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from uid2_desk.journal import group_insert
from uid2_desk.journal.group_insert import INSERT_DOC, INSERT_ENTRY, INSERT_GROUP, LAST_SEQ
from uid2_desk.journal.guarded_connection import GuardedConnection
from uid2_desk.journal.model import JournalEntry
from uid2_desk.journal.prepare import PreparedEntry, prepare_event, prepare_exchange
from uid2_desk.protocol.exchange import Exchange

#: A bulk block writes what it queued every so many entries (each statement's JSON and blob
#: stay a few megabytes however many entries the block holds); a writer's group is smaller.
FLUSH_ROWS = 1024


class JournalWriting(GuardedConnection):
    """The write half of :class:`~uid2_desk.journal.store.Journal`.

    Inside :meth:`bulk`, appends are not executed one by one: each gets the next ``seq``
    (the transaction holds the write lock, so nobody else can take one) and its rows wait in
    memory until the block ends, or until anything else touches the connection, and are then
    written with one statement (see :mod:`~uid2_desk.journal.group_insert`). The per-entry Python
    work is what limits a burst, not SQLite.
    """

    _pending: list[PreparedEntry]
    _next_seq: int | None = None
    #: The seq :meth:`append_group` tries first (``None``: read the journal's last).
    _group_seq: int | None = None
    _group_ready = False

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
        if self._in_bulk:
            self._check_usable()
            if self._next_seq is None:
                with self._errors("record an entry in"):
                    (last,) = self._db.execute(LAST_SEQ).fetchone()
                self._next_seq = int(last) + 1
            seq = self._next_seq
            self._next_seq = seq + 1
            self._pending.append(prepared)
            if len(self._pending) >= FLUSH_ROWS:  # a long block (an import) stays small
                with self._errors("record entries in"):
                    self._flush_pending()
        else:
            with self._write("record an entry in"):
                written = self._db.execute(INSERT_ENTRY, (None, *prepared.row[:-1])).lastrowid
                assert written is not None  # an INSERT into a rowid table always sets it
                if prepared.doc is not None:
                    self._db.execute(INSERT_DOC, (written, prepared.doc))
            seq = written
            self._group_seq = None
        object.__setattr__(prepared.entry, "seq", seq)  # frozen for its readers, not its maker
        return prepared.entry

    def append_group(self, group: Sequence[PreparedEntry]) -> list[JournalEntry]:
        """Record prepared entries in one transaction; return them committed, in order.

        The writer thread's way (see :mod:`~uid2_desk.journal.group_insert`): one statement
        in its own transaction when the rows allow, else a :meth:`bulk` block. The first seq
        is the one after the last this connection wrote; if another connection wrote since,
        the statement writes nothing and it is tried again from the journal's last seq.
        """
        self._check_thread()
        parameters = None if self._in_bulk or not group else group_insert.group_parameters(group)
        if parameters is not None:
            with self._errors("record entries in"):
                self._install_group_insert()
                for _ in range(3):
                    if self._group_seq is None:
                        (last,) = self._db.execute(LAST_SEQ).fetchone()
                        self._group_seq = int(last) + 1
                    first, changes = self._group_seq, self._db.total_changes
                    self._db.execute(INSERT_GROUP, (first, *parameters))
                    if self._db.total_changes != changes:
                        self._group_seq = first + len(group)
                        for seq, prepared in enumerate(group, first):
                            object.__setattr__(prepared.entry, "seq", seq)
                        return [p.entry for p in group]
                    # Nothing written: another connection took seqs since; read the last again.
                    self._group_seq = None
        # Inside a block, rows JSON cannot carry, or seqs taken again and again: a bulk block
        # reads the last seq inside its own transaction.
        with self.group():
            return [self.append_prepared(p) for p in group]

    def _flush_pending(self) -> None:
        """Write the rows queued by appends inside :meth:`bulk` (on its connection, in it)."""
        pending = self._pending
        if not pending:
            return
        self._pending = []
        assert self._next_seq is not None  # given out for each queued entry
        first = self._next_seq - len(pending)
        parameters = group_insert.group_parameters(pending)
        if parameters is None:
            group_insert.insert_rows(self._db, first, pending)
            return
        changes = self._db.total_changes
        self._db.execute(INSERT_GROUP, (first, *parameters))
        if self._db.total_changes == changes:  # not expected: the seqs were read in this block
            raise sqlite3.IntegrityError("the journal's seqs moved inside a transaction")

    def _install_group_insert(self) -> None:
        # Outside any transaction: a rolled-back block would take the TEMP view with it.
        if not self._group_ready:
            group_insert.install(self._db)
            self._group_ready = True

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        # Anything else done inside a bulk block (a read, a prune) sees the queued rows.
        with super()._errors(action):
            if self._in_bulk and self._pending:
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
        self._pending = []
        self._group_seq = None  # whatever the block writes, the next group reads the last seq
        with self._errors("prepare a group for"):
            self._install_group_insert()
        with self._write("record entries in"):
            self._in_bulk = True
            try:
                yield
                self._flush_pending()
            finally:
                self._in_bulk = False
                self._next_seq = None
                self._pending = []

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

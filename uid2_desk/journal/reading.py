"""Reading the journal: single entries, their exchanges, filtered pages, counts and sessions.

Entries come back light (``exchange=None``) unless asked for with ``with_exchanges=True``;
:meth:`JournalReading.get` and :meth:`JournalReading.exchange` load the stored bytes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from uid2_desk.journal.codec import decode_exchange
from uid2_desk.journal.fts_hits import FtsHits
from uid2_desk.journal.guarded_connection import GuardedConnection
from uid2_desk.journal.model import JournalEntry, JournalFilter
from uid2_desk.journal.queries import LIGHT_COLUMNS, filter_sql, row_to_entry
from uid2_desk.journal.sessions import SessionInfo
from uid2_desk.protocol.exchange import Exchange

_NO_FILTER = JournalFilter()
#: Rows fetched at a time when streaming: a session of any size costs this much memory.
STREAM_BATCH = 500
#: An export decodes (and its consumer encodes) rows in Python on a reader thread, holding the
#: GIL all along; an append needs it on the writer's thread and then on the loop's, and under
#: CPU load each hand-over could wait for the reader to be scheduled again. Napping every
#: :data:`NAP_EVERY` rows (about 3 ms of work) for :data:`NAP_S` hands it over at known
#: moments: the export takes ~10 % longer; the appends' p99 wait beside a 100,000-entry export
#: fell from 45–137 ms to 24–45 ms on the shared 2-core machine (tests/benchmarks).
NAP_EVERY = 32
NAP_S = 0.0003


class JournalReading(GuardedConnection):
    """The read half of :class:`~uid2_desk.journal.store.Journal`."""

    _fts_hits: FtsHits | None = None

    def _fts_condition(self, words: tuple[str, ...]) -> tuple[str, list[object]]:
        # A count and the page after it share one FTS lookup (see fts_hits).
        if self._fts_hits is None:
            self._fts_hits = FtsHits(self._db)
        return self._fts_hits.condition(words)

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
        with self._errors("read"):
            conds, params = filter_sql(f, self._fts_condition)
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

    def iter_entries(
        self, f: JournalFilter = _NO_FILTER, *, with_exchanges: bool = True
    ) -> Iterator[JournalEntry]:
        """Every entry matching ``f`` in ascending ``seq``, fetched :data:`STREAM_BATCH` at a time.

        For exports: memory stays bounded whatever the session's size. The read is one
        statement, so it sees one snapshot of the journal (WAL) from start to end.
        """
        conds, params = filter_sql(f)
        columns = f"{LIGHT_COLUMNS}, x.doc" if with_exchanges else LIGHT_COLUMNS
        join = " LEFT JOIN exchange x ON x.seq = e.seq" if with_exchanges else ""
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        with self._errors("read"):
            cursor = self._db.execute(
                f"SELECT {columns} FROM entry e{join}{where} ORDER BY e.seq", params
            )
        try:
            while True:
                with self._errors("read"):
                    rows = cursor.fetchmany(STREAM_BATCH)
                if not rows:
                    return
                for i, r in enumerate(rows, 1):
                    doc = r[14] if with_exchanges else None
                    yield row_to_entry(r, None if doc is None else decode_exchange(doc))
                    if i % NAP_EVERY == 0:
                        time.sleep(NAP_S)  # (releases the GIL; see NAP_EVERY)
        finally:
            cursor.close()

    def count(self, f: JournalFilter = _NO_FILTER) -> int:
        """How many entries match ``f``."""
        with self._errors("count"):
            conds, params = filter_sql(f, self._fts_condition)
            where = f" WHERE {' AND '.join(conds)}" if conds else ""
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

    def session_infos(self) -> list[SessionInfo]:
        """Every session with entries, newest first (by its first entry), in one query."""
        with self._errors("read"):
            rows = self._db.execute(
                "SELECT session, min(seq), min(at_ms), max(at_ms), count(*),"
                " sum(kind = 'exchange') FROM entry GROUP BY session ORDER BY min(seq) DESC"
            ).fetchall()
        return [
            SessionInfo(
                session=session,
                started_ms=int(started),
                last_ms=int(last),
                entries=int(entries),
                exchanges=int(exchanges or 0),
                first_seq=int(first),
            )
            for session, first, started, last, entries, exchanges in rows
        ]

    def seqs(self, f: JournalFilter = _NO_FILTER) -> list[int]:
        """The ``seq`` of every entry matching ``f`` (one session's, say), ascending.

        For a paged view: 100,000 numbers come back in tens of milliseconds, and the view
        then fetches the rows it shows a page at a time (:meth:`entries` with ``after_seq``).
        """
        conds, params = filter_sql(f)
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        with self._errors("read"):
            rows = self._db.execute(f"SELECT e.seq FROM entry e{where} ORDER BY e.seq", params)
            return [int(r[0]) for r in rows]

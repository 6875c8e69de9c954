"""Writing the journal: exchanges and lifecycle events, bulk transactions and pruning.

Before anything is written, credential headers that are not masked are masked
(:func:`~uid2_desk.journal.masking.scrub_headers`) and event details whose key names a secret
are replaced by ``[masked]``. Each append is one committed transaction unless it runs inside
:meth:`JournalWriting.bulk`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from uid2_desk.journal.codec import encode_exchange
from uid2_desk.journal.guarded_connection import GuardedConnection
from uid2_desk.journal.masking import MASKED, is_secret_name, scrub_headers
from uid2_desk.journal.model import (
    EntryKind,
    JournalEntry,
    classify_exchange,
    summarize_exchange,
)
from uid2_desk.journal.schema import search_text
from uid2_desk.protocol.exchange import Exchange


class JournalWriting(GuardedConnection):
    """The write half of :class:`~uid2_desk.journal.store.Journal`."""

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
            detail=_pairs(detail),
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
        pairs = _pairs(detail.items() if isinstance(detail, Mapping) else (detail or ()))
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


def _pairs(items: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Detail pairs as stored: values whose key names a secret become ``[masked]``."""
    return tuple((str(k), MASKED if is_secret_name(str(k)) else str(v)) for k, v in items)

"""The log of every request the operator served, from any client, kept in its database.

The request path only appends to an in-memory buffer; the operator's background writer
(:mod:`uid2_desk.operator.writer`) moves it into SQLite with :meth:`RequestLog.flush` (and
:meth:`RequestLog.read` flushes first, so a reader always sees every request answered before
it asked). No API key or secret is ever
stored: a row names the client and the key's short id.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from uid2_desk.operator.store import OperatorStore

#: Rows returned by one read unless asked otherwise.
DEFAULT_READ_LIMIT = 1000


@dataclass(frozen=True)
class ServedRequest:
    """One request the operator answered (or dropped).

    Attributes:
        id: ascending row id (0 until stored).
        time_ms: when it arrived, by the operator's clock (epoch ms).
        method / path: the HTTP method and path (no query string).
        client: ``publisher``, ``dsp``, ``sharer``, or ``None`` when no valid key was sent.
        key_id: the short id of the API key used, never the key.
        status: the UID2 ``status`` answered (``success``, ``optout``, ``client_error``...),
            ``None`` when the reply had none (404, 413, CORS preflight, injected fault).
        http_status: the HTTP status code; 0 when the connection was dropped.
        latency_ms: time from arrival to the last byte handed to the server.
        fault: the injected fault that shaped the reply, if any.
    """

    id: int
    time_ms: int
    method: str
    path: str
    client: str | None
    key_id: str | None
    status: str | None
    http_status: int
    latency_ms: float
    fault: str | None


_COLUMNS = "time_ms, method, path, client, key_id, status, http_status, latency_ms, fault"


class RequestLog:
    """Buffered, append-only log of served requests backed by the operator's database."""

    def __init__(self, store: OperatorStore) -> None:
        self._store = store
        self._pending: deque[ServedRequest] = deque()
        self._flush_lock = threading.Lock()

    def append(self, entry: ServedRequest) -> None:
        """Queue one entry (cheap; safe from any thread)."""
        self._pending.append(entry)

    def flush(self) -> None:
        """Write every queued entry now."""
        with self._flush_lock:
            batch: list[ServedRequest] = []
            while self._pending:
                batch.append(self._pending.popleft())
            if not batch:
                return
            try:
                self._insert(batch)
            except Exception:
                # Put the batch back in order so the next flush retries it.
                self._pending.extendleft(reversed(batch))
                raise

    def _insert(self, batch: list[ServedRequest]) -> None:
        with self._store.transaction() as conn:
            conn.executemany(
                f"INSERT INTO served_requests ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.time_ms,
                        e.method,
                        e.path,
                        e.client,
                        e.key_id,
                        e.status,
                        e.http_status,
                        e.latency_ms,
                        e.fault,
                    )
                    for e in batch
                ],
            )

    def read(self, after_id: int = 0, limit: int = DEFAULT_READ_LIMIT) -> list[ServedRequest]:
        """Entries with ``id > after_id``, oldest first, at most ``limit`` of them."""
        self.flush()
        rows = self._store.query(
            f"SELECT id, {_COLUMNS} FROM served_requests WHERE id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        return [
            ServedRequest(
                id=int(r[0]),
                time_ms=int(r[1]),
                method=str(r[2]),
                path=str(r[3]),
                client=r[4],
                key_id=r[5],
                status=r[6],
                http_status=int(r[7]),
                latency_ms=float(r[8]),
                fault=r[9],
            )
            for r in rows
        ]

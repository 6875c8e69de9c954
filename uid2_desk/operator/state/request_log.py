"""The log of every request the operator served, from any client, kept in its database.

The request path only appends to an in-memory buffer; the operator's background writer
(:mod:`uid2_desk.operator.state.writer`) moves it into SQLite with :meth:`RequestLog.flush` (and
:meth:`RequestLog.read` tries to write the queue first, so a reader normally sees every request
answered before it asked). No API key or secret is ever stored: a row names the client and the key's
short id.

The table is capped: the writer's flush also prunes it to the newest :data:`MAX_STORED_ROWS`
rows, a batch of :data:`PRUNE_BATCH_ROWS` at a time, so a kiosk that runs for weeks (or an
SDK hammering the operator) does not grow the database for ever, and no single delete holds
the store's lock for long. Reads by id (``after_id``) are unaffected: ids only grow.

Faults. The buffer holds at most :data:`MAX_PENDING` entries: when the database refuses writes
(a full disk) the newest requests beyond that are counted in :attr:`RequestLog.dropped`
instead of growing memory without bound. A flush writes at most :data:`MAX_BATCH` entries a
transaction, and a failed batch goes back to the front of the queue. A read whose flush fails
still returns what is stored.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass

from uid2_desk.operator.state.store import OperatorStore

_log = logging.getLogger(__name__)

#: The most served requests waiting in memory for the database (about 450 bytes each).
MAX_PENDING = 10_000
#: The most rows one flush transaction writes.
MAX_BATCH = 2_000
#: Rows returned by one read unless asked otherwise.
DEFAULT_READ_LIMIT = 1000
#: The newest served requests kept in the database; older ones are pruned.
MAX_STORED_ROWS = 50_000
#: Rows deleted by one prune: the table is pruned once this many rows are over the cap, so
#: it holds between :data:`MAX_STORED_ROWS` and ``MAX_STORED_ROWS + PRUNE_BATCH_ROWS - 1``
#: rows after every flush.
PRUNE_BATCH_ROWS = 1_000


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
    """Buffered, append-only log of served requests backed by the operator's database.

    Attributes:
        max_rows: the newest rows kept (see :data:`MAX_STORED_ROWS`).
        prune_batch: rows deleted by one prune (see :data:`PRUNE_BATCH_ROWS`).
        max_pending: entries held in memory at most (see :data:`MAX_PENDING`).
        dropped: entries not kept because the queue was full.
    """

    def __init__(
        self,
        store: OperatorStore,
        *,
        max_rows: int = MAX_STORED_ROWS,
        prune_batch: int = PRUNE_BATCH_ROWS,
        max_pending: int = MAX_PENDING,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.max_rows = max_rows
        self.prune_batch = prune_batch
        self.max_pending = max_pending
        self._max_batch = max_batch
        self.dropped = 0
        self._store = store
        self._pending: deque[ServedRequest] = deque()
        self._flush_lock = threading.Lock()
        self._stored: int | None = None  # rows in the table, counted once, then tracked

    def append(self, entry: ServedRequest) -> None:
        """Queue one entry (cheap; safe from any thread); counted as dropped when full."""
        # A racy length check: at worst a few entries over the bound, never unbounded.
        if len(self._pending) >= self.max_pending:
            self.dropped += 1
            return
        self._pending.append(entry)

    @property
    def pending(self) -> int:
        """Entries waiting in memory for the database."""
        return len(self._pending)

    def flush(self) -> None:
        """Write every queued entry now, then prune the table back under its cap.

        The background writer calls this; a prune deletes whole batches of the oldest rows,
        each in its own transaction, so the store's lock is released between them.
        """
        with self._flush_lock:
            self._write_pending()
            self._prune()

    def _write_pending(self) -> None:
        """Move the queued entries into the table, a capped batch a transaction.

        The caller holds the flush lock. A failed batch goes back to the front of the queue
        (in order) for the next flush, and the error is raised.
        """
        while self._pending:
            batch: list[ServedRequest] = []
            while self._pending and len(batch) < self._max_batch:
                batch.append(self._pending.popleft())
            try:
                self._insert(batch)
            except Exception:
                self._pending.extendleft(reversed(batch))
                raise
            if self._stored is not None:
                self._stored += len(batch)

    def _prune(self) -> None:
        """Delete the oldest rows, a batch at a time, while a whole batch is over the cap."""
        if self._stored is None:
            self._stored = int(self._store.query("SELECT count(*) FROM served_requests")[0][0])
        while self._stored - self.max_rows >= self.prune_batch:
            with self._store.transaction() as conn:
                deleted = conn.execute(
                    "DELETE FROM served_requests WHERE id IN "
                    "(SELECT id FROM served_requests ORDER BY id LIMIT ?)",
                    (self.prune_batch,),
                ).rowcount
            self._stored -= deleted
            if deleted == 0:  # the count was wrong (someone else deleted): count again
                # Not reached in tests: after each prune the count is under max_rows +
                # prune_batch, so rows deleted by another operator on this data directory
                # stop the loop first; only a prune that failed half-way, then such a
                # delete, leaves a count high enough to find the table empty.
                self._stored = None
                return

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
        with self._flush_lock:
            try:
                self._write_pending()  # pruning is the writer's job, not a reader's
            except Exception as exc:
                # The read still answers with what is stored; the writer retries the rest.
                _log.warning("served requests not yet stored (%d waiting): %s", self.pending, exc)
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

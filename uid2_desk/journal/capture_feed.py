"""Captured exchanges on their way into the journal: a bounded buffer and batch writes.

The desk's embedded operator and proxy call their capture sink on the request's thread,
which must not wait for SQLite. :class:`CaptureFeed` is that sink: it puts the exchange in a
bounded buffer and returns (counting what it had to drop when the buffer is full, so nothing
is lost silently); the desk's :class:`~uid2_desk.journal.capture_pump.CapturePump` drains it.
:func:`write_batch` appends a batch in one transaction (one fsync for many exchanges); the
capture worker of ``uid2-desk operator`` and ``proxy`` writes with it.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from uid2_desk.journal.model import JournalEntry
from uid2_desk.journal.store import Journal
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.protocol.exchange import Exchange

#: How many exchanges may wait before the feed drops the newest.
DEFAULT_LIMIT = 10_000
#: The most exchanges appended in one transaction.
BATCH = 500


class CaptureFeed:
    """A thread-safe, bounded buffer of captured exchanges (a capture sink).

    Attributes:
        dropped: how many exchanges were refused because the buffer was full.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT, *, skip_desk: bool = True) -> None:
        self._items: deque[Exchange] = deque()
        self._limit = limit
        self._skip_desk = skip_desk
        self._ready = threading.Condition()
        self.dropped = 0
        #: Called (on the capturing thread) after each exchange is taken in.
        self.on_ready: Callable[[], None] | None = None

    def __call__(self, exchange: Exchange) -> None:
        """Take one exchange (the desk's own calls are skipped: the desk journals them)."""
        if self._skip_desk:
            client = CapturedClient.of(exchange)
            if client is not None and client.is_desk:
                return
        with self._ready:
            if len(self._items) >= self._limit:
                self.dropped += 1
                return
            self._items.append(exchange)
            self._ready.notify()
        on_ready = self.on_ready
        if on_ready is not None:
            on_ready()

    def take(self, most: int, timeout: float) -> list[Exchange]:
        """Up to ``most`` waiting exchanges, waiting up to ``timeout`` s for the first."""
        with self._ready:
            if not self._items and timeout > 0:
                self._ready.wait(timeout)
            count = min(most, len(self._items))
            return [self._items.popleft() for _ in range(count)]

    def wake(self) -> None:
        """Wake a :meth:`take` that is waiting (to stop its thread)."""
        with self._ready:
            self._ready.notify_all()

    def __len__(self) -> int:
        with self._ready:
            return len(self._items)


@dataclass(frozen=True)
class CaptureSession:
    """Where captured exchanges go: a journal session and how entries are labelled.

    Attributes:
        session: the journal session id.
        environment: the environment name stored on each entry (``local``...).
        step_of: the walkthrough step of an exchange, if known.
        user_of: the test user an exchange is about (the DII, when the request named one).
    """

    session: str
    environment: str
    step_of: Callable[[Exchange], str | None]
    user_of: Callable[[Exchange], str | None]


def write_batch(
    journal: Journal, batch: list[Exchange], target: CaptureSession
) -> list[JournalEntry]:
    """Append ``batch`` to ``journal`` in one transaction, labelled for ``target``.

    Raises :class:`~uid2_desk.protocol.errors.StorageError` when the journal refuses it
    (nothing of the batch is then stored).
    """
    with journal.bulk():
        return [
            journal.append_exchange(
                exchange,
                session=target.session,
                user=target.user_of(exchange),
                environment=target.environment,
                step=target.step_of(exchange),
            )
            for exchange in batch
        ]

"""Captured exchanges on their way into the journal: a bounded buffer and a writer thread.

The operator calls its capture sink on the request's thread and must not wait for SQLite.
:class:`CaptureFeed` is that sink: it puts the exchange in a bounded buffer and returns
(counting what it had to drop when the buffer is full, so nothing is lost silently).
:class:`CaptureJournaler` drains the feed on its own thread, with its own connection, and
appends each batch in one transaction: one fsync for many exchanges, so the journal keeps up
with a client that sends hundreds of requests a second.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from uid2_desk.journal.model import JournalEntry
from uid2_desk.journal.store import Journal
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import Exchange

#: How many exchanges may wait before the feed drops the newest.
DEFAULT_LIMIT = 10_000
#: The most exchanges appended in one transaction.
BATCH = 500
#: How long the writer lets a burst gather before writing it (group commit: one fsync, and
#: one stretch of the writer thread's work, for many requests).
GATHER_S = 0.1


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


class CaptureJournaler:
    """Drains a :class:`CaptureFeed` into the journal at ``path`` on its own thread.

    ``on_entries`` is called on that thread with each committed batch (``--watch`` prints
    them). :meth:`stop` appends what is still waiting, then closes the connection.
    """

    def __init__(
        self,
        feed: CaptureFeed,
        path: Path,
        target: CaptureSession,
        on_entries: Callable[[list[JournalEntry]], None] | None = None,
    ) -> None:
        self._feed = feed
        self._path = path
        self._target = target
        self._on_entries = on_entries
        self._stopping = threading.Event()
        self._opened = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="uid2-capture", daemon=True)
        self.written = 0
        self.failed = 0
        self.last_error: str | None = None

    def start(self) -> None:
        """Open the journal on the writer thread; raise here if it cannot be opened."""
        self._thread.start()
        self._opened.wait()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Write what is waiting, then close (idempotent)."""
        self._stopping.set()
        self._feed.wake()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            journal = Journal.open(self._path)
        except BaseException as exc:
            self._error = exc
            self._opened.set()
            return
        self._opened.set()
        try:
            while True:
                batch = self._feed.take(BATCH, timeout=0.2)
                if batch and len(batch) < BATCH and not self._stopping.is_set():
                    self._stopping.wait(GATHER_S)
                    batch += self._feed.take(BATCH - len(batch), timeout=0)
                if batch:
                    try:
                        self._write(journal, batch)
                    except StorageError as exc:  # a full disk: count, say so, keep serving
                        self.failed += len(batch)
                        self.last_error = str(exc)
                elif self._stopping.is_set():
                    return
        finally:
            journal.close()

    def _write(self, journal: Journal, batch: list[Exchange]) -> None:
        entries = write_batch(journal, batch, self._target)
        self.written += len(entries)
        if self._on_entries is not None:
            self._on_entries(entries)


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

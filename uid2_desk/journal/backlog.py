"""Appends that never hold up (or throw away) the work they describe: a bounded, retried backlog.

The publisher journals an operator's answer before it applies it. If the journal cannot take
the entry (the disk is full, another program holds the write lock), the answer must still be
applied and stored: :class:`JournalBacklog` waits a short moment for the append
(:data:`WAIT_S`), and when it has not committed by then, or failed, the entry waits in a
bounded buffer and is retried in order every :data:`RETRY_S` until the journal takes it. While
anything waits, later entries queue behind it (the journal keeps its order), and
:attr:`JournalBacklog.behind` says how many; ``on_change`` hears every change so the desk can
show that the journal is behind. When the buffer is full, further entries are counted in
:attr:`JournalBacklog.dropped` rather than held without bound.

An append that timed out is not submitted twice: the backlog waits for the one already queued
on the journal's writer and only submits again if that one failed.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Awaitable, Callable

from uid2_desk.journal.async_journal import AsyncJournal
from uid2_desk.journal.model import JournalEntry
from uid2_desk.protocol.errors import StorageError

_log = logging.getLogger(__name__)

#: How long a caller waits for its append before leaving it to the backlog.
WAIT_S = 0.5
#: How long between two attempts at the oldest waiting entry.
RETRY_S = 1.0
#: The most entries held: about 2 KB each, so a few megabytes at worst.
LIMIT = 2_000

#: Makes one append on the journal.
Append = Callable[[AsyncJournal], Awaitable[JournalEntry]]
#: Hears ``(behind, dropped)`` after every change.
ChangeListener = Callable[[int, int], None]


class JournalBacklog:
    """Appends to ``journal`` that fall back to a bounded, retried buffer; see the module doc.

    Attributes:
        dropped: entries refused because the buffer was full.
    """

    def __init__(
        self,
        journal: AsyncJournal,
        *,
        limit: int = LIMIT,
        wait_s: float = WAIT_S,
        retry_s: float = RETRY_S,
        on_change: ChangeListener | None = None,
    ) -> None:
        self._journal = journal
        self._limit = limit
        self._wait_s = wait_s
        self._retry_s = retry_s
        self.on_change = on_change
        self._waiting: collections.deque[tuple[Append, asyncio.Future[JournalEntry] | None]]
        self._waiting = collections.deque()
        self._drainer: asyncio.Task[None] | None = None
        self.dropped = 0

    @property
    def behind(self) -> int:
        """How many entries wait to be journaled."""
        return len(self._waiting)

    async def append(self, make: Append) -> JournalEntry | None:
        """Journal ``make``'s entry; ``None`` when it was left to the backlog (or dropped)."""
        if self._waiting:  # keep the journal's order: behind what already waits
            self._hold(make, None)
            return None
        attempt = asyncio.ensure_future(make(self._journal))
        try:
            return await asyncio.wait_for(asyncio.shield(attempt), self._wait_s)
        except TimeoutError:
            self._hold(make, attempt)
        except (StorageError, RuntimeError) as exc:
            _log.warning("journal append failed, kept for a retry: %s", exc)
            self._hold(make, None)
        return None

    async def flush(self, timeout_s: float) -> bool:
        """Try for up to ``timeout_s`` to journal what waits; then stop retrying.

        Returns whether nothing is left waiting. For shutting down, before the journal closes.
        """
        drainer = self._drainer
        if drainer is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(drainer), timeout_s)
            drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drainer
        return not self._waiting

    def _hold(self, make: Append, attempt: asyncio.Future[JournalEntry] | None) -> None:
        if len(self._waiting) >= self._limit:
            self.dropped += 1
            if attempt is not None:  # it may still commit; nobody waits for it any more
                attempt.add_done_callback(_consume)
        else:
            self._waiting.append((make, attempt))
            if self._drainer is None or self._drainer.done():
                self._drainer = asyncio.get_running_loop().create_task(
                    self._drain(), name="uid2-journal-backlog"
                )
        self._changed()

    async def _drain(self) -> None:
        while self._waiting:
            make, attempt = self._waiting[0]
            try:
                await (attempt if attempt is not None else make(self._journal))
            except (StorageError, RuntimeError) as exc:
                self._waiting[0] = (make, None)
                _log.info("journal still refuses (%d waiting): %s", len(self._waiting), exc)
                await asyncio.sleep(self._retry_s)
                continue
            self._waiting.popleft()
            self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(len(self._waiting), self.dropped)


def _consume(future: asyncio.Future[JournalEntry]) -> None:
    # Read the outcome so asyncio does not report an exception nobody retrieved.
    # Cancelled only when the loop is torn down while a dropped attempt still waits on the
    # writer (asyncio.run cancels what is left); not reached in tests, nothing to read then.
    if not future.cancelled():
        future.exception()

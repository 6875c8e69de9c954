"""Captured exchanges into the desk's own journal, on the desk's event loop.

In the desk, the embedded operator's captures must reach the window like the desk's own
exchanges: through :class:`~uid2_desk.journal.async_journal.AsyncJournal`, whose listeners
feed the log, the inspector and the diagram. :class:`CapturePump` is an asyncio task that
waits for the :class:`~uid2_desk.journal.capture_feed.CaptureFeed` to fill (woken from the
operator's threads), labels each exchange and appends the batch in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from uid2_desk.journal.async_journal import AsyncJournal
from uid2_desk.journal.capture_feed import BATCH, CaptureFeed, CaptureSession
from uid2_desk.journal.model import LabelledExchange
from uid2_desk.protocol.errors import StorageError

_log = logging.getLogger(__name__)


class CapturePump:
    """Moves what the feed holds into the journal until stopped.

    Attributes:
        written: how many captured exchanges were journaled.
        failed: how many could not be (the journal refused the batch).
    """

    def __init__(self, feed: CaptureFeed, journal: AsyncJournal, target: CaptureSession) -> None:
        self._feed = feed
        self._journal = journal
        self._target = target
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.written = 0
        self.failed = 0

    def start(self) -> None:
        """Start pumping on the running loop; the feed wakes it from any thread."""
        loop = asyncio.get_running_loop()
        wake = self._wake

        def ready() -> None:
            # From the operator's threads; one wake-up per burst is enough (reading the flag
            # off the loop is a harmless race: at worst one extra wake-up).
            if not wake.is_set():
                loop.call_soon_threadsafe(wake.set)

        self._feed.on_ready = ready
        self._task = loop.create_task(self._run(), name="uid2-capture-pump")

    async def stop(self) -> None:
        """Journal what is waiting, then stop (idempotent)."""
        task, self._task = self._task, None
        self._feed.on_ready = None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await self._drain()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._drain()

    async def _drain(self) -> None:
        target = self._target
        while batch := self._feed.take(BATCH, timeout=0):
            labelled = [LabelledExchange(e, target.user_of(e), target.step_of(e)) for e in batch]
            try:
                await self._journal.append_exchanges(
                    labelled, session=target.session, environment=target.environment
                )
            except (StorageError, RuntimeError) as exc:  # full disk, or the journal closed
                self.failed += len(batch)
                _log.warning("%d captured exchanges not journaled: %s", len(batch), exc)
                return
            self.written += len(batch)

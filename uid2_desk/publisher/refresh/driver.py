"""Drives the publisher's clock-based work: ``tick()`` about once a second, on time for dues.

The GUI and the CLI start one :class:`PolicyDriver`; tests never need it (they advance a fake
clock and call ``await publisher.tick()`` themselves). It runs one asyncio task, sleeps until
the next due moment or one second, whichever comes first, and stops cleanly: :meth:`stop`
cancels the task and waits for it, so no task outlives the driver.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from uid2_desk.protocol.cancel_safe import settled
from uid2_desk.publisher.publisher import Publisher

log = logging.getLogger(__name__)

#: The smallest pause between two ticks, so a due time in the past cannot spin the loop.
MIN_PAUSE_S = 0.02


class PolicyDriver:
    """Calls :meth:`Publisher.tick` in a background task until stopped.

    Attributes:
        publisher: what is ticked.
        period_s: the longest pause between two ticks.
        ticks: how many ticks have run (for tests and diagnostics).
    """

    def __init__(
        self,
        publisher: Publisher,
        *,
        period_s: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.publisher = publisher
        self.period_s = period_s
        self.ticks = 0
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        """Whether the background task is alive."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start ticking on the running event loop (no-op if already running)."""
        if self.running:
            return
        self._task = asyncio.get_running_loop().create_task(self._run(), name="policy-driver")

    async def stop(self) -> None:
        """Stop ticking and wait until the task has ended (idempotent)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        # Its own cancellation ends here; one aimed at whoever called stop() goes on to them.
        await settled(task)

    async def __aenter__(self) -> PolicyDriver:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def pause_s(self) -> float:
        """How long to sleep before the next tick: until the next due moment, at most a period."""
        wake = self.publisher.next_wakeup_ms()
        if wake is None:
            return self.period_s
        until_s = (wake - self.publisher.clock.now_ms()) / 1000
        return min(self.period_s, max(MIN_PAUSE_S, until_s))

    async def _run(self) -> None:
        while True:
            try:
                await self.publisher.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                # tick() reports operation errors as notices; anything else is a bug, but a
                # bug must not silently stop every policy for the rest of the session.
                log.exception("publisher tick failed")
            self.ticks += 1
            await self._sleep(self.pause_s())

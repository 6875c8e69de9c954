"""Running the real desk services (in-process local operator) from sync pytest-qt tests.

The walkthrough's tests (player, kiosk, opt-out lab) drive coroutines on the session's qasync
loop and wait with ``qtbot.waitUntil`` (platform-notes: no ``waitSignal`` inside ``async def``
tests). Only the clock is fake: a :class:`ManualClock` under the services' ``WarpClock``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from pytestqt.qtbot import QtBot

from uid2_desk.protocol.clock import ManualClock
from uid2_desk.services import DeskServices, OperatorMode, open_services

_T = TypeVar("_T")


class LoopRunner:
    """Runs coroutines on the qasync loop while Qt keeps processing events."""

    def __init__(self, qtbot: QtBot, loop: asyncio.AbstractEventLoop) -> None:
        self.qtbot = qtbot
        self.loop = loop

    def run(self, coro: Coroutine[Any, Any, _T], timeout_ms: int = 15_000) -> _T:
        """Run ``coro`` to completion and return its result (or raise its exception)."""
        task = self.loop.create_task(coro)
        self.qtbot.waitUntil(task.done, timeout=timeout_ms)
        return task.result()

    def open_desk(self, data_dir: Path, clock: ManualClock, *, env: str = "local") -> DeskServices:
        """The desk's services on the demo lifetimes, operator in process."""
        return self.run(
            open_services(
                data_dir,
                env=env,
                operator_mode=OperatorMode.IN_PROCESS,
                lifetimes="demo",
                clock=clock,
                returning=False,
            )
        )

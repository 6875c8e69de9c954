"""A gate that holds a blocking step at its start, so a test can cancel what awaits it there.

The real step runs once the gate opens: nothing of the desk is faked, only its timing is
held (tests/integration/test_cancelled_opening.py, tests/ui/test_close_while_opening.py).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any


class Gate:
    """Holds a blocking step at its start until :meth:`open`; says when a thread reached it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.passed = threading.Event()
        self._go = threading.Event()

    def around(self, step: Callable[..., Any]) -> Callable[..., Any]:
        """``step``, held at the gate first."""

        def held(*args: Any, **kwargs: Any) -> Any:
            self.reached.set()
            self._go.wait(timeout=30)
            try:
                return step(*args, **kwargs)
            finally:
                self.passed.set()

        return held

    def open(self) -> None:
        """Let the held step run."""
        self._go.set()

    async def until_reached(self) -> None:
        """Wait (without blocking the loop) until a thread waits at the gate."""
        await _until(self.reached, "the opening never reached the gate")

    async def until_passed(self) -> None:
        """Wait until the held step has run (whatever it started is then visible)."""
        await _until(self.passed, "the held step never ran")


async def _until(event: threading.Event, failure: str) -> None:
    for _ in range(1500):
        if event.is_set():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(failure)

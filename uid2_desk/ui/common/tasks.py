"""Runs one service coroutine per user action on the qasync loop, and reports how it ended.

Slots stay thin: they hand the runner a coroutine of the publisher and a function that renders
the result. The runner counts what is in flight (the window greys its actions meanwhile),
turns a :class:`~uid2_desk.protocol.errors.Uid2DeskError` into a ``failed`` signal for the
banner, and signals ``settled`` in every case (the ``finally`` in which the UI is restored).
An unexpected exception is a bug: it is reported on the banner too, so the window never
crashes, and then passed to ``sys.excepthook`` so a test run fails loudly.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.ui.common.sentences import sentence

if TYPE_CHECKING:
    # asyncio is imported when the first action runs: it loads ssl (10 MiB, tens of
    # milliseconds), which the window's first paint does not need.
    import asyncio

_T = TypeVar("_T")
_LOG = logging.getLogger(__name__)


class TaskRunner(QObject):
    """Starts and tracks the coroutines behind the window's actions.

    Signals:
        failed(str, str): ``(what, message)`` when an action failed with a user-facing error.
        started(str): an action began.
        settled(str): an action ended, however it ended; restore the UI here.

    Attributes:
        pending: the tasks still running.
    """

    failed = Signal(str, str)
    started = Signal(str)
    settled = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pending: set[asyncio.Task[Any]] = set()

    @property
    def busy(self) -> bool:
        """Whether an action is in flight."""
        return bool(self.pending)

    def run(
        self,
        what: str,
        coro: Coroutine[Any, Any, _T],
        on_result: Callable[[_T], None] | None = None,
    ) -> asyncio.Task[None]:
        """Start ``coro`` on the running loop; ``on_result`` renders its value on success."""
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            raise RuntimeError("TaskRunner.run needs a running asyncio (qasync) loop") from None
        task = loop.create_task(self._guard(what, coro, on_result))
        self.pending.add(task)
        task.add_done_callback(lambda done: self._finish(what, done))
        self.started.emit(what)
        return task

    def _finish(self, what: str, task: asyncio.Task[None]) -> None:
        # Runs after the task is done, so `busy` is already up to date for the listeners.
        self.pending.discard(task)
        self.settled.emit(what)

    def cancel_all(self) -> None:
        """Cancel every pending action (on close)."""
        for task in list(self.pending):
            task.cancel()

    async def _guard(
        self,
        what: str,
        coro: Coroutine[Any, Any, _T],
        on_result: Callable[[_T], None] | None,
    ) -> None:
        import asyncio

        try:
            result = await coro
            if on_result is not None:
                on_result(result)
        except Uid2DeskError as err:
            self.failed.emit(what, sentence(str(err)))
        except asyncio.CancelledError:
            raise
        except Exception as err:
            _LOG.exception("%s failed unexpectedly", what)
            self.failed.emit(
                what,
                f"Unexpected internal error ({type(err).__name__}: {err}). The desk keeps "
                "running; please report this with the exchange log exported as JSONL.",
            )
            sys.excepthook(*sys.exc_info())

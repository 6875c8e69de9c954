"""Re-runs the integration checks as entries arrive: throttled, and never on the GUI thread.

A client at 200 requests a second must not make the desk re-check 200 times a second, nor
stall the window while it does. :class:`ChecksRefresher` is poked on every journal entry;
the first poke starts a short timer, further pokes while it runs add nothing, and when it
fires the session is read and checked in a worker process
(:func:`~uid2_desk.publisher.checks.session.check_session_file`): in the desk's own process,
reading thousands of exchanges and checking them held the GIL against the window and set off
the cycle collector, the window's longest stall under an outside client's load. A poke while
a run is in flight asks for one more run after it, and the wait before it grows with how long
the last run took (a long session under a steady stream is re-checked at most a third of the
time, not back to back).

The worker is started with ``spawn`` (a fork of a process running Qt threads is not safe)
on the first run, and stays for the next ones: one interpreter start, not one a run.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    import asyncio

    from uid2_desk.publisher.checks import Finding
    from uid2_desk.services import DeskServices

#: Entries arriving within this long are checked together.
REFRESH_DELAY_MS = 400

_LOG = logging.getLogger(__name__)


@functools.cache
def checks_process() -> ProcessPoolExecutor:
    """The worker process the checks run in (started on first use, shared by every window)."""
    from uid2_desk.publisher.checks.session import start_worker

    spawn = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=start_worker)


class ChecksRefresher(QObject):
    """Runs :func:`~uid2_desk.publisher.checks.run_checks` over the current session.

    Signals:
        findings_changed(object, int): the findings (a list) and how many exchanges they read.

    Attributes:
        runs: how many check runs finished (for tests and the status line).
    """

    findings_changed = Signal(object, int)

    def __init__(
        self, services_of: Callable[[], DeskServices | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._services_of = services_of
        self._task: asyncio.Task[None] | None = None
        self._again = False
        self.runs = 0
        self._timer = QTimer(self)
        self._timer.setObjectName("checks_refresh_timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self._start)

    @property
    def busy(self) -> bool:
        """Whether a run is waiting or in flight."""
        return self._timer.isActive() or self._task is not None

    def poke(self, _entry: object = None) -> None:
        """Something was journaled: check again soon (once for a whole burst)."""
        if self._task is not None:
            self._again = True
        elif not self._timer.isActive():
            self._timer.start()

    def cancel(self) -> None:
        """Stop waiting and drop a run in flight (the window closes)."""
        self._timer.stop()
        self._again = False
        if self._task is not None:
            self._task.cancel()

    def _start(self) -> None:
        services = self._services_of()
        if services is None:
            return
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no qasync loop (a bare widget test): nothing to run on
            return
        self._task = loop.create_task(self._run(services))
        self._task.add_done_callback(self._finished)

    async def _run(self, services: DeskServices) -> None:
        import asyncio
        import time

        started = time.monotonic()

        from uid2_desk.publisher.checks.session import check_session_file

        path, session = str(services.journal.path), services.publisher.session
        loop = asyncio.get_running_loop()
        findings, exchanges = await loop.run_in_executor(
            checks_process(), check_session_file, path, session
        )
        self.runs += 1
        took_ms = int((time.monotonic() - started) * 1000)
        self._timer.setInterval(max(REFRESH_DELAY_MS, 2 * took_ms))
        self.findings_changed.emit(findings, exchanges)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._task = None
        if not task.cancelled() and task.exception() is not None:
            # The services closed under it (a restart): the next entry checks again.
            _LOG.info("checks did not run: %s", task.exception())
        if self._again:
            self._again = False
            self._timer.start()


def summary(findings: list[Finding], exchanges: int) -> str:
    """``2 FAIL · 1 WARN · 3 PASS over 40 exchanges``."""
    counts = {"FAIL": 0, "WARN": 0, "PASS": 0}
    for finding in findings:
        counts[finding.severity.value] += 1
    parts = [f"{n} {name}" for name, n in counts.items() if n]
    return " · ".join(parts or ["no findings"]) + f" over {exchanges:,} exchanges"

"""The operator's background writer: one thread that moves what requests left in memory into
SQLite (the served-request log, keys made for a request).

Request handlers only append to memory; this thread calls every flush each
:data:`FLUSH_INTERVAL_S`, so a request never waits for the database, not even behind a lock
another connection holds. Readers flush what is pending before they read, so the interval
only bounds how much a crash could lose; a second keeps an idle desk from waking five times
a second for nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

FLUSH_INTERVAL_S = 1.0
_JOIN_TIMEOUT_S = 5.0


class BackgroundWriter:
    """Calls each flush every ``interval_s`` from a daemon thread until :meth:`close`."""

    def __init__(
        self, flushes: Sequence[Callable[[], object]], interval_s: float = FLUSH_INTERVAL_S
    ) -> None:
        self._flushes = tuple(flushes)
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="uid2-operator-writer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread, then flush everything once more; the first failure is raised."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=_JOIN_TIMEOUT_S)
        first_error: BaseException | None = None
        for flush in self._flushes:
            try:
                flush()
            except Exception as exc:
                # Keep flushing the others: one broken table must not lose the rest.
                first_error = first_error or exc
        if first_error is not None:
            raise first_error

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            for flush in self._flushes:
                try:
                    flush()
                except Exception:
                    # What failed stays queued in memory; the next round retries it.
                    continue

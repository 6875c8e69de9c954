"""What the proxy saw, processed after the client has its reply: a bounded queue and a thread.

Opening envelopes, explaining and journaling cost more than forwarding itself; none of it may
delay a reply. A serving thread only appends what it saw (a deque append, no lock) and wakes
the worker unless it is already woken; the worker takes everything waiting at once, lets a
burst gather briefly, and processes it. When the queue is full, the newest is dropped and
counted (the client's reply is never held back for the capture).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

#: How many seen requests may wait for processing.
DEFAULT_LIMIT = 10_000
#: How long the worker lets a burst gather before processing it: one stretch of work (and
#: one hand-over to the journal) for many requests, instead of one wake-up per request.
GATHER_S = 0.05

T = TypeVar("T")
_log = logging.getLogger(__name__)


class CaptureQueue(Generic[T]):
    """Hands items to ``process`` on a worker thread, in arrival order.

    Attributes:
        dropped: how many items were refused because the queue was full.
        processed: how many items ``process`` was called with.
    """

    def __init__(
        self, process: Callable[[T], None], *, limit: int = DEFAULT_LIMIT, name: str = "proxy"
    ) -> None:
        self._process = process
        self._items: deque[T] = deque()
        self._limit = limit
        self._wake = threading.Event()
        self._count_lock = threading.Lock()
        self._stopping = False
        self._name = name
        self._thread: threading.Thread | None = None
        self.dropped = 0
        self.processed = 0

    def put(self, item: T) -> None:
        """Queue ``item`` (from any serving thread; never waits for the worker)."""
        items = self._items
        if len(items) >= self._limit:
            with self._count_lock:  # rare, and threads may drop at once: each one counted
                self.dropped += 1
            return
        items.append(item)
        # The worker clears the event before it takes what is queued: an item appended while
        # the event is still set is taken by that pass, so only a cleared event needs setting.
        if not self._wake.is_set():
            self._wake.set()

    def start(self) -> None:
        """Start the worker thread (idempotent)."""
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(
                target=self._run, name=f"uid2-{self._name}-capture", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Process what is waiting, then stop the worker (idempotent)."""
        thread, self._thread = self._thread, None
        if thread is None:
            self._drain()  # never started: process in the caller's thread
            return
        self._stopping = True
        self._wake.set()
        thread.join()

    def _run(self) -> None:
        while True:
            self._wake.wait(0.5)
            self._wake.clear()
            if not self._stopping and self._items:
                self._wake.wait(GATHER_S)  # let the burst gather (stop() cuts it short)
            self._drain()
            if self._stopping:
                self._drain()
                return

    def _drain(self) -> None:
        items = self._items
        while items:
            item = items.popleft()
            try:
                self._process(item)
            except Exception:  # a capture bug must not stop the capture of later requests
                _log.exception("processing a captured request failed")
            self.processed += 1

    def __len__(self) -> int:
        return len(self._items)


def dropped_note(count: int) -> str | None:
    """What to tell the user when ``count`` forwarded calls were left out of the capture."""
    if not count:
        return None
    calls = "call was" if count == 1 else "calls were"
    return (
        f"{count} forwarded {calls} not captured: the capture fell behind and its queue "
        "was full. Every client still got its reply; only the desk's record of those calls "
        "is missing."
    )

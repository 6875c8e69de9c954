"""Journal entries in, laid-out sequence diagrams out, batched.

:class:`SequenceFeed` keeps the entries of what is on screen (as light entries: the layout
never reads exchange bytes) and re-runs the pure :func:`~uid2_desk.walkthrough.layout.layout`
on a short named timer, so a burst of appends costs one layout, not one per entry.

A layout takes time in proportion to the entries held (about 35 µs each on the 2-core
development machine under load). So the desk's diagram holds the newest
:data:`DESK_MAX_ENTRIES`, and under a steady stream the next layout waits at least
:data:`LAYOUT_SHARE` times as long as the last one took, so laying out never takes more than
about a fifth of the machine's time for Python.

Layouts run on a worker thread, not on the GUI thread: a layout of 500 entries is one
uninterrupted stretch of Python (17 ms on a quiet machine, 40 ms and more under load), and
on the GUI thread it was the window's longest stall while an outside client called the
operator at 200 requests/s (``bench_gui_load``). On the worker, the interpreter hands the GIL
back to the GUI thread every few milliseconds. The GUI thread only starts a layout and polls
for its result (a short timer, while one runs); nothing Qt is touched off the GUI thread.
:meth:`SequenceFeed.flush` still lays out at once, on the caller's thread.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal

from uid2_desk.journal import JournalEntry
from uid2_desk.walkthrough import Diagram, LayoutMetrics, layout
from uid2_desk.walkthrough.client_lanes import keep_client_only

#: The desk window's diagram sizes: the layout's defaults with notes wide enough to read.
#: Only sizes change, never texts, so the screen and the report's Mermaid copy agree.
DESK_METRICS = LayoutMetrics(note_width=420.0)
#: Coalesce appends arriving within this many milliseconds into one layout.
RELAYOUT_DELAY_MS = 40
#: The most entries the desk window's diagram holds; older ones drop off its top (the log and
#: the journal keep them).
DESK_MAX_ENTRIES = 500
#: The next layout waits at least this many times as long as the last one took.
LAYOUT_SHARE = 4
#: How often the GUI thread looks for a background layout's result while one runs.
POLL_MS = 4


@functools.cache
def _layout_pool() -> ThreadPoolExecutor:
    """The one worker thread every feed lays out on (made on first use)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="uid2-diagram")


def _timed_layout(entries: list[JournalEntry], metrics: LayoutMetrics) -> tuple[Diagram, float]:
    """The diagram of ``entries`` and how long it took to make, in milliseconds."""
    started = time.perf_counter()
    diagram = layout(entries, metrics=metrics)
    return diagram, (time.perf_counter() - started) * 1000.0


class SequenceFeed(QObject):
    """Journal entries in, laid-out diagrams out (batched).

    Signals:
        diagram_changed(object): a new :class:`Diagram` for the entries held.

    Attributes:
        metrics: the layout's sizes.
        max_entries: the most entries kept; older ones drop off the top of the diagram.
        diagram: the latest layout.
    """

    diagram_changed = Signal(object)

    def __init__(
        self,
        metrics: LayoutMetrics | None = None,
        *,
        max_entries: int = DESK_MAX_ENTRIES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.metrics = metrics or DESK_METRICS
        self.max_entries = max_entries
        #: The entries held, oldest first.
        self._entries: dict[int, JournalEntry] = {}
        self.diagram: Diagram = layout((), metrics=self.metrics)
        self._timer = QTimer(self)
        self._timer.setObjectName("sequence_relayout_timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(RELAYOUT_DELAY_MS)
        self._timer.timeout.connect(self._start_layout)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._running: Future[tuple[Diagram, float]] | None = None
        #: Entries came while a layout ran: lay out again once it is in.
        self._stale = False

    @property
    def count(self) -> int:
        """How many entries the diagram holds."""
        return len(self._entries)

    @property
    def pending(self) -> bool:
        """Whether appended entries wait for a layout (queued or running)."""
        return self._timer.isActive() or self._running is not None

    def newest_seq(self) -> int | None:
        """The highest entry number held."""
        return next(reversed(self._entries), None)

    def append(self, entry: JournalEntry) -> None:
        """Add one entry (its exchange bytes are dropped: the layout reads only its client)."""
        self.extend((entry,))

    def extend(self, entries: Iterable[JournalEntry]) -> None:
        """Add entries (see :meth:`append`); one layout follows, however many they are."""
        held = self._entries
        in_order = True
        for entry in entries:
            exchange = entry.exchange
            newest = next(reversed(held), None)
            in_order = in_order and (newest is None or entry.seq > newest)
            held[entry.seq] = (
                replace(entry, exchange=keep_client_only(exchange)) if exchange else entry
            )
        if not in_order:  # rare (a reset's rows, a late entry): put them back in seq order
            self._entries = held = dict(sorted(held.items()))
        for seq in list(held)[: max(0, len(held) - self.max_entries)]:
            del held[seq]  # the oldest go
        if self._running is not None:
            self._stale = True
        elif not self._timer.isActive():
            self._timer.start()

    def reset(self, entries: Iterable[JournalEntry] = ()) -> None:
        """Replace every entry and lay out at once."""
        self._entries.clear()
        self._timer.stop()
        self.extend(entries)
        self.flush()

    def flush(self) -> None:
        """Lay out now, on this thread (a background layout still running is superseded)."""
        self._timer.stop()
        self._poll.stop()
        self._running, self._stale = None, False
        self._publish(*_timed_layout(list(self._entries.values()), self.metrics))

    def _start_layout(self) -> None:
        entries = list(self._entries.values())
        self._running = _layout_pool().submit(_timed_layout, entries, self.metrics)
        self._poll.start()

    def _collect(self) -> None:
        running = self._running
        if running is None or not running.done():
            return
        self._poll.stop()
        self._running = None
        self._publish(*running.result())  # a layout error is raised here, on the GUI thread
        if self._stale:
            self._stale = False
            self._timer.start()

    def _publish(self, diagram: Diagram, took_ms: float) -> None:
        self.diagram = diagram
        self._timer.setInterval(max(RELAYOUT_DELAY_MS, round(LAYOUT_SHARE * took_ms)))
        self.diagram_changed.emit(diagram)

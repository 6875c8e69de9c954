"""Journal entries in, laid-out sequence diagrams out, batched.

:class:`SequenceFeed` keeps the entries of what is on screen (as light entries: the layout
never reads exchange bytes) and re-runs the pure :func:`~uid2_desk.walkthrough.layout.layout`
on a short named timer, so a burst of appends costs one layout, not one per entry.

A layout takes time in proportion to the entries held (about 35 µs each on the 2-core
development machine under load), and it runs on the GUI thread. So the desk's diagram holds
the newest :data:`DESK_MAX_ENTRIES` (a layout then stays well under the 50 ms a stall may
last; with 2,000 an outside client at 200 requests/s made every layout a 78 ms stall), and
under a steady stream the next layout waits at least :data:`LAYOUT_SHARE` times as long as
the last one took, so laying out never takes more than about a fifth of the GUI thread.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
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
        self._entries: dict[int, JournalEntry] = {}
        self.diagram: Diagram = layout((), metrics=self.metrics)
        self._timer = QTimer(self)
        self._timer.setObjectName("sequence_relayout_timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(RELAYOUT_DELAY_MS)
        self._timer.timeout.connect(self.flush)

    @property
    def count(self) -> int:
        """How many entries the diagram holds."""
        return len(self._entries)

    @property
    def pending(self) -> bool:
        """Whether appended entries wait for the next layout."""
        return self._timer.isActive()

    def newest_seq(self) -> int | None:
        """The highest entry number held."""
        return max(self._entries, default=None)

    def append(self, entry: JournalEntry) -> None:
        """Add one entry (its exchange bytes are dropped: the layout reads only its client)."""
        exchange = entry.exchange
        self._entries[entry.seq] = (
            replace(entry, exchange=keep_client_only(exchange)) if exchange else entry
        )
        entries = self._entries
        while len(entries) > self.max_entries:  # the oldest go (min: one pass over a few hundred)
            del entries[min(entries)]
        if not self._timer.isActive():
            self._timer.start()

    def reset(self, entries: Iterable[JournalEntry] = ()) -> None:
        """Replace every entry and lay out at once."""
        self._entries.clear()
        self._timer.stop()
        for entry in entries:
            self.append(entry)
        self.flush()

    def flush(self) -> None:
        """Lay out now (the timer calls this)."""
        self._timer.stop()
        started = time.perf_counter()
        self.diagram = layout(list(self._entries.values()), metrics=self.metrics)
        took_ms = (time.perf_counter() - started) * 1000.0
        self._timer.setInterval(max(RELAYOUT_DELAY_MS, round(LAYOUT_SHARE * took_ms)))
        self.diagram_changed.emit(self.diagram)

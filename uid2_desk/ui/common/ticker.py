"""A once-a-second tick aligned to the clock's second boundary, for countdowns.

Countdowns must not drift: every tick re-reads the clock and re-arms a single-shot timer for
the next whole second, instead of a 1000 ms repeating timer whose error accumulates (and
which would show 59, 59, 57 when the event loop is briefly busy).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from uid2_desk.protocol.clock import Clock
from uid2_desk.ui.common.qt_values import set_enum_properties

#: Land a few milliseconds after the boundary, so "now" is safely in the new second.
BOUNDARY_MARGIN_MS = 5


def ms_to_next_second(now_ms: int) -> int:
    """Milliseconds from ``now_ms`` to just after the next whole second of that clock."""
    return 1000 - (now_ms % 1000) + BOUNDARY_MARGIN_MS


class SecondTicker(QObject):
    """Emits the clock's time just after each of its second boundaries.

    Signals:
        ticked(int): the clock's ``now_ms()`` at the tick (an ``object`` signal: epoch
            milliseconds do not fit a C ``int``).

    Attributes:
        clock: the clock whose seconds are followed; warping it is picked up on the next tick.
    """

    ticked = Signal(object)

    def __init__(self, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self._timer = QTimer(self)
        self._timer.setObjectName("second_ticker_timer")
        self._timer.setSingleShot(True)
        # A coarse timer may fire up to 5 % early, which could land before the boundary.
        set_enum_properties(self._timer, timerType="PreciseTimer")
        self._timer.timeout.connect(self.tick)

    @property
    def active(self) -> bool:
        """Whether the ticker is running."""
        return self._timer.isActive()

    @property
    def next_interval_ms(self) -> int:
        """The interval the timer is armed with (for tests and diagnostics)."""
        return self._timer.interval()

    def start(self) -> None:
        """Tick now, then after every second boundary."""
        self.tick()

    def stop(self) -> None:
        """Stop ticking."""
        self._timer.stop()

    def tick(self) -> None:
        """Emit the current time and re-arm for the next boundary."""
        now = self.clock.now_ms()
        self._timer.start(ms_to_next_second(now))
        self.ticked.emit(now)

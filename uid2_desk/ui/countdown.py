"""One live countdown: a name, a bar, the time left and the absolute local time.

The widget holds an interval (``start_ms`` to ``target_ms``) and renders it at any instant it
is given; it owns no timer. The identity panel feeds all three countdowns from one
:class:`~uid2_desk.ui.ticker.SecondTicker`, so they move together and never drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from uid2_desk.ui.timefmt import format_local_time, format_remaining

BAR_STEPS = 1000


class Urgency(StrEnum):
    """How close the target is; the bar's colour follows it (see desk.qss)."""

    IDLE = "idle"
    CALM = "calm"
    NEAR = "near"
    PASSED = "passed"


@dataclass(frozen=True)
class CountdownReading:
    """A countdown evaluated at one instant (pure; the widget only displays it).

    Attributes:
        fraction: elapsed share of the interval, 0.0 to 1.0.
        remaining: ``in 4:59`` or ``0:12 ago``.
        at: the target as local wall-clock time.
        urgency: the colour band.
    """

    fraction: float
    remaining: str
    at: str
    urgency: Urgency


def read_countdown(start_ms: int, target_ms: int, now_ms: int) -> CountdownReading:
    """Evaluate the interval ``start_ms``..``target_ms`` at ``now_ms``."""
    span = max(target_ms - start_ms, 1)
    fraction = min(max((now_ms - start_ms) / span, 0.0), 1.0)
    left = target_ms - now_ms
    if left <= 0:
        urgency = Urgency.PASSED
    elif left <= span * 0.2:
        urgency = Urgency.NEAR
    else:
        urgency = Urgency.CALM
    return CountdownReading(
        fraction=fraction,
        remaining=format_remaining(target_ms, now_ms),
        at=format_local_time(target_ms, now_ms),
        urgency=urgency,
    )


class CountdownWidget(QWidget):
    """A labelled countdown bar for one identity instant (e.g. ``refresh_from``).

    Attributes:
        title: the instant's name, as shown.
        interval: ``(start_ms, target_ms)`` or ``None`` when there is nothing to count.

    Signals: none; call :meth:`render_at` on every tick.
    """

    def __init__(self, title: str, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.interval: tuple[int, int] | None = None
        self._urgency = Urgency.IDLE
        self._name = QLabel(title, self)
        self._name.setObjectName("countdown_name")
        self._name.setToolTip(hint)
        self._bar = QProgressBar(self)
        self._bar.setObjectName("countdown_bar")
        self._bar.setRange(0, BAR_STEPS)
        self._bar.setTextVisible(False)
        self._bar.setFixedHeight(10)
        self._bar.setAccessibleName(f"{title} progress")
        self._left = QLabel("—", self)
        self._left.setObjectName("countdown_left")
        self._left.setAccessibleName(f"{title} time left")
        self._at = QLabel("", self)
        self._at.setObjectName("countdown_at")
        self._at.setAccessibleName(f"{title} local time")
        # One row per countdown: three of them must fit a 768-pixel screen beside the rest.
        self._name.setMinimumWidth(
            self._name.fontMetrics().horizontalAdvance("Identity expires") + 8
        )
        self._left.setMinimumWidth(self._left.fontMetrics().horizontalAdvance("0:00:00 ago ") + 4)
        self._left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 1, 0, 1)
        layout.setSpacing(8)
        layout.addWidget(self._name)
        layout.addWidget(self._bar, 1)
        layout.addWidget(self._left)
        layout.addWidget(self._at)
        self._apply_urgency(Urgency.IDLE)

    @property
    def urgency(self) -> Urgency:
        """The colour band last rendered."""
        return self._urgency

    @property
    def remaining_text(self) -> str:
        """The time-left text as shown."""
        return self._left.text()

    @property
    def at_text(self) -> str:
        """The absolute local time as shown."""
        return self._at.text()

    @property
    def bar_value(self) -> int:
        """The bar's position, 0 to :data:`BAR_STEPS`."""
        return self._bar.value()

    def set_interval(self, interval: tuple[int, int] | None) -> None:
        """Count from ``start_ms`` to ``target_ms``, or show nothing when ``None``."""
        self.interval = interval
        if interval is None:
            self._bar.setValue(0)
            self._left.setText("—")
            self._at.setText("")
            self._apply_urgency(Urgency.IDLE)

    def render_at(self, now_ms: int) -> None:
        """Show the countdown as of ``now_ms``."""
        if self.interval is None:
            return
        reading = read_countdown(self.interval[0], self.interval[1], now_ms)
        self._bar.setValue(round(reading.fraction * BAR_STEPS))
        self._left.setText(reading.remaining)
        self._at.setText(f"at {reading.at}")
        self._apply_urgency(reading.urgency)

    def _apply_urgency(self, urgency: Urgency) -> None:
        # Re-polishing is costly; do it only when the band changes, not on every tick.
        if urgency == self._urgency and self._bar.property("urgency") is not None:
            return
        self._urgency = urgency
        self._bar.setProperty("urgency", urgency.value)
        self._left.setProperty("urgency", urgency.value)
        for widget in (self._bar, self._left):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

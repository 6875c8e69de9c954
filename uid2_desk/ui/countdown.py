"""One live countdown: a name, a bar, the time left and the absolute local time.

The widget holds an interval (``start_ms`` to ``target_ms``) and renders it at any instant it
is given; it owns no timer. The identity panel feeds all three countdowns from one
:class:`~uid2_desk.ui.ticker.SecondTicker`, so they move together and never drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from uid2_desk.ui.live_text import LiveText
from uid2_desk.ui.timefmt import format_local_time, format_remaining

BAR_STEPS = 1000
_RIGHT = Qt.AlignmentFlag.AlignRight


class Urgency(StrEnum):
    """How close the target is; the bar's and the time's colours follow it."""

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


_LEFT_COLOURS = {Urgency.NEAR: "#b45309", Urgency.PASSED: "#b91c1c"}
_BAR_COLOURS = {
    Urgency.IDLE: "#94a3b8",
    Urgency.CALM: "#16a34a",
    Urgency.NEAR: "#d97706",
    Urgency.PASSED: "#dc2626",
}
_TRACK = "#e2e8f0"
#: Widest time-left texts, for intervals under a day and longer ones.
_SHORT = "23:59:59 ago"
_LONG = "29 d 23:59:59 ago"
DAY_MS = 86_400_000
_PANEL = "#ffffff"


class CountdownBar(QWidget):
    """A thin bar: the elapsed share of the interval, in the urgency's colour.

    Painted by hand rather than a ``QProgressBar``, whose ``setValue`` repaints at once
    (synchronously, through the style sheet) on every tick.

    Attributes:
        value: the position, 0 to :data:`BAR_STEPS`.
        colour: the fill colour, ``#rrggbb``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = 0
        self.colour: str | None = None
        self.setFixedHeight(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Opaque on the panel's white: a tick repaints the bar and nothing beneath it.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)

    def set_value(self, value: int) -> None:
        """Move the bar (a repaint, coalesced with the rest of the tick)."""
        value = min(max(value, 0), BAR_STEPS)
        if value != self.value:
            self.value = value
            self.update()

    def set_colour(self, colour: str) -> None:
        """Fill with ``colour`` from now on."""
        if colour != self.colour:
            self.colour = colour
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Track, then the filled share."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        rect = self.rect()
        painter.fillRect(rect, QColor(_PANEL))
        painter.setBrush(QColor(_TRACK))
        painter.drawRoundedRect(rect, 4, 4)
        filled = round(rect.width() * self.value / BAR_STEPS)
        if filled > 0:
            painter.setBrush(QColor(self.colour or _BAR_COLOURS[Urgency.IDLE]))
            painter.drawRoundedRect(rect.adjusted(0, 0, filled - rect.width(), 0), 4, 4)
        painter.end()


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
        self._bar = CountdownBar(self)
        self._bar.setObjectName("countdown_bar")
        self._bar.setAccessibleName(f"{title} progress")
        # Changing every second: LiveText repaints without re-laying out the window.
        self._left = LiveText(_SHORT, self, align=_RIGHT, bold=True, mono=True)
        self._left.setObjectName("countdown_left")
        self._left.setAccessibleName(f"{title} time left")
        self._left.setText("—")
        self._at = LiveText("at Wed 30 Sep 23:59", self)
        self._at.setObjectName("countdown_at")
        self._at.setAccessibleName(f"{title} local time")
        # One row per countdown: three of them must fit a 768-pixel screen beside the rest.
        self._name.setMinimumWidth(
            self._name.fontMetrics().horizontalAdvance("Identity expires") + 2
        )
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
        return self._bar.value

    def set_interval(self, interval: tuple[int, int] | None) -> None:
        """Count from ``start_ms`` to ``target_ms``, or show nothing when ``None``."""
        self.interval = interval
        if interval is not None:
            self._left.set_template(_LONG if interval[1] - interval[0] >= DAY_MS else _SHORT)
        if interval is None:
            self._bar.set_value(0)
            self._left.setText("—")
            self._at.setText("")
            self._apply_urgency(Urgency.IDLE)

    def render_at(self, now_ms: int) -> None:
        """Show the countdown as of ``now_ms``."""
        if self.interval is None:
            return
        reading = read_countdown(self.interval[0], self.interval[1], now_ms)
        self._bar.set_value(round(reading.fraction * BAR_STEPS))
        self._left.setText(reading.remaining)
        self._at.setText(f"at {reading.at}")
        self._apply_urgency(reading.urgency)

    def _apply_urgency(self, urgency: Urgency) -> None:
        if urgency == self._urgency and self._bar.colour is not None:
            return
        self._urgency = urgency
        self._bar.set_colour(_BAR_COLOURS[urgency])
        self._left.set_colour(_LEFT_COLOURS.get(urgency))

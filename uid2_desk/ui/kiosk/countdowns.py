"""The kiosk's identity countdowns: a name and a big time left over a full-width bar.

The reading (fraction, time left, colour band) is the desk's own pure
:func:`~uid2_desk.ui.identity.countdown_reading.read_countdown`; only the arrangement differs from
the desk's
one-row countdown, so the numbers stay legible from three metres.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QWidget

from uid2_desk.ui.identity.countdown import BAR_STEPS
from uid2_desk.ui.identity.countdown_reading import Urgency, read_countdown


class KioskCountdown(QWidget):
    """One identity instant counted down.

    Attributes:
        title: the instant's name as shown (``refresh_from``…).
        interval: ``(start_ms, target_ms)``, or ``None`` when there is no identity.
        urgency: the colour band last shown.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.interval: tuple[int, int] | None = None
        self.urgency = Urgency.IDLE
        self._name = QLabel(title, self)
        self._name.setObjectName("kiosk_countdown_name")
        self._left = QLabel("—", self)
        self._left.setObjectName("kiosk_countdown_left")
        self._left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._bar = QProgressBar(self)
        self._bar.setObjectName("countdown_bar")
        self._bar.setRange(0, BAR_STEPS)
        self._bar.setTextVisible(False)
        self._bar.setAccessibleName(f"{title} progress")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 2, 0, 6)
        layout.setVerticalSpacing(4)
        layout.addWidget(self._name, 0, 0)
        layout.addWidget(self._left, 0, 1)
        layout.addWidget(self._bar, 1, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self._show_urgency(Urgency.IDLE)

    @property
    def remaining_text(self) -> str:
        """The time left as shown (``in 0:29``, ``0:03 ago`` or ``—``)."""
        return self._left.text()

    @property
    def bar_value(self) -> int:
        """The bar's position, 0 to :data:`BAR_STEPS`."""
        return self._bar.value()

    def set_interval(self, interval: tuple[int, int] | None) -> None:
        """Count from ``start_ms`` to ``target_ms``; ``None`` shows a dash."""
        self.interval = interval
        if interval is None:
            self._bar.setValue(0)
            self._left.setText("—")
            self._show_urgency(Urgency.IDLE)

    def render_at(self, now_ms: int) -> None:
        """Show the countdown as of ``now_ms`` (desk clock)."""
        if self.interval is None:
            return
        reading = read_countdown(self.interval[0], self.interval[1], now_ms)
        self._bar.setValue(round(reading.fraction * BAR_STEPS))
        self._left.setText(reading.remaining)
        self._show_urgency(reading.urgency)

    def _show_urgency(self, urgency: Urgency) -> None:
        if urgency == self.urgency and self._bar.property("urgency") is not None:
            return
        self.urgency = urgency
        for widget in (self._bar, self._left):
            widget.setProperty("urgency", urgency.value)
            widget.style().unpolish(widget)
            widget.style().polish(widget)

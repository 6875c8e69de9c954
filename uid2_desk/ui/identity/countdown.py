"""One live countdown: a name, a bar, the time left and the absolute local time.

The widget holds an interval (``start_ms`` to ``target_ms``) and renders it at any instant it
is given; it owns no timer. The identity panel feeds all three countdowns from one
:class:`~uid2_desk.ui.common.ticker.SecondTicker`, so they move together and never drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from uid2_desk.ui.common.live_text import LiveText, fill_with
from uid2_desk.ui.common.qt_values import ALIGN_RIGHT

if TYPE_CHECKING:
    from uid2_desk.ui.identity.countdown_reading import Urgency

BAR_STEPS = 1000


#: Colours by ``Urgency`` value (the enum itself loads with the first reading).
_LEFT_COLOURS = {"near": "#b45309", "passed": "#b91c1c"}
_BAR_COLOURS = {"idle": "#94a3b8", "calm": "#16a34a", "near": "#d97706", "passed": "#dc2626"}
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
        fill_with(self, _PANEL)
        # The track and fill colours live in the palette (see LiveText for why).
        self._set_palette_colour(QPalette.ColorRole.Base, _TRACK)
        self._set_palette_colour(QPalette.ColorRole.Highlight, _BAR_COLOURS["idle"])

    def set_value(self, value: int) -> None:
        """Move the bar; repainted (with the rest of the tick) only if a pixel changed."""
        value = min(max(value, 0), BAR_STEPS)
        if value != self.value:
            shown = self._filled(self.value)
            self.value = value
            # A long interval moves the bar less than a pixel a second: no repaint then.
            if self._filled(value) != shown:
                self.update()

    def _filled(self, value: int) -> int:
        return round(self.width() * value / BAR_STEPS)

    def set_colour(self, colour: str) -> None:
        """Fill with ``colour`` from now on."""
        if colour != self.colour:
            self.colour = colour
            self._set_palette_colour(QPalette.ColorRole.Highlight, colour)

    def _set_palette_colour(self, role: QPalette.ColorRole, colour: str) -> None:
        palette = self.palette()
        palette.setColor(role, QColor(colour))
        self.setPalette(palette)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Track, then the filled share (Qt has filled the panel's white beneath)."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect())
        painter.fillPath(_rounded(rect), palette.base())
        filled = self._filled(self.value)
        if filled > 0:
            rect.setWidth(filled)
            painter.fillPath(_rounded(rect), palette.highlight())
        painter.end()


def _rounded(rect: QRectF) -> QPainterPath:
    path = QPainterPath()
    path.addRoundedRect(rect, 4, 4)
    return path


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
        self._urgency = "idle"  # an ``Urgency`` value
        self._name = QLabel(title, self)
        self._name.setObjectName("countdown_name")
        self._name.setToolTip(hint)
        self._bar = CountdownBar(self)
        self._bar.setObjectName("countdown_bar")
        self._bar.setAccessibleName(f"{title} progress")
        # Changing every second: LiveText repaints without re-laying out the window.
        self._left = LiveText(_SHORT, self, align=ALIGN_RIGHT, bold=True, mono=True)
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
        self._apply_urgency("idle")

    @property
    def urgency(self) -> Urgency:
        """The colour band last rendered."""
        from uid2_desk.ui.identity.countdown_reading import Urgency

        return Urgency(self._urgency)

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
            self._apply_urgency("idle")

    def render_at(self, now_ms: int) -> None:
        """Show the countdown as of ``now_ms``."""
        if self.interval is None:
            return
        from uid2_desk.ui.identity.countdown_reading import read_countdown

        reading = read_countdown(self.interval[0], self.interval[1], now_ms)
        self._bar.set_value(round(reading.fraction * BAR_STEPS))
        self._left.setText(reading.remaining)
        self._at.setText(f"at {reading.at}")
        self._apply_urgency(reading.urgency)

    def _apply_urgency(self, urgency: str) -> None:
        if urgency == self._urgency and self._bar.colour is not None:
            return
        self._urgency = urgency
        self._bar.set_colour(_BAR_COLOURS[urgency])
        self._left.set_colour(_LEFT_COLOURS.get(urgency))

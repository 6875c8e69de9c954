"""Text that changes every second without re-laying out the window.

``QLabel.setText`` calls ``updateGeometry`` on every change, which invalidates the layouts
up the widget tree; at one change per second per countdown, that relayout was most of the
desk's idle CPU. :class:`LiveText` has a size fixed from a template string and only repaints
itself when its text changes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from uid2_desk.ui.common.qt_values import ALIGN_LEFT, ALIGN_VCENTER


class LiveText(QWidget):
    """A one-line text whose changes repaint it and nothing else.

    Attributes:
        template: text as wide as the widest expected value (sets the size hint).

    ``align`` is ``Qt.AlignmentFlag`` as an int (see ``qt_values``). ``background`` is the
    colour of the panel it sits on (white in the desk); with one, the widget is opaque (Qt
    fills it, and a repaint never repaints what lies beneath). ``None`` leaves it transparent.
    Colours live in the widget's palette, where the painter picks them up: naming a colour
    to a painter (``setPen``, a ``QBrush``) creates every ``Qt`` enum (see ``qt_values``).
    """

    def __init__(
        self,
        template: str,
        parent: QWidget | None = None,
        *,
        align: int = ALIGN_LEFT,
        bold: bool = False,
        mono: bool = False,
        expanding: bool = False,
        background: str | None = "#ffffff",
    ) -> None:
        super().__init__(parent)
        self.template = template
        if background is not None:
            # Opaque on the panels' white: a repaint never repaints the (styled) parents.
            fill_with(self, background)
        self._text = ""
        self._colour: str | None = None
        self._default_colour = self.palette().color(QPalette.ColorRole.WindowText)
        self._align = align | ALIGN_VCENTER
        font = self.font()
        if mono:
            font.setFamily("DejaVu Sans Mono")
            font.setStyleHint(font.StyleHint.Monospace)
        font.setBold(bold)
        self.setFont(font)
        horizontal = QSizePolicy.Policy.Ignored if expanding else QSizePolicy.Policy.Fixed
        self.setSizePolicy(horizontal, QSizePolicy.Policy.Fixed)
        self._expanding = expanding
        self._fix_size()

    def _fix_size(self) -> None:
        hint = self.sizeHint()
        self.setFixedHeight(hint.height())
        if not self._expanding:
            self.setFixedWidth(hint.width())

    def set_template(self, template: str) -> None:
        """Resize for another widest value (one relayout, not one per change)."""
        if template != self.template:
            self.template = template
            self._fix_size()

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for the template, in this widget's font."""
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self.template) + 4, metrics.height() + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """The same as the size hint: the text must fit."""
        return self.sizeHint()

    def text(self) -> str:
        """The text shown."""
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802
        """Show ``text`` (a repaint only, and only when it changed)."""
        if text != self._text:
            self._text = text
            self.setAccessibleDescription(text)
            self.update()

    def set_colour(self, colour: str | None) -> None:
        """Draw in ``colour`` (``#rrggbb``), or the inherited text colour for ``None``."""
        if colour == self._colour:
            return
        self._colour = colour
        palette = self.palette()
        shown = self._default_colour if colour is None else QColor(colour)
        palette.setColor(QPalette.ColorRole.WindowText, shown)
        self.setPalette(palette)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw the text, elided if the widget is narrower than it."""
        painter = QPainter(self)  # its pen: the palette's text colour
        rect = self.contentsRect()
        metrics = self.fontMetrics()
        shown = self._text
        if metrics.horizontalAdvance(shown) > rect.width():
            from PySide6.QtCore import Qt

            shown = metrics.elidedText(shown, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, self._align, shown)
        painter.end()


def fill_with(widget: QWidget, colour: str) -> None:
    """Make ``widget`` opaque: Qt fills it with ``colour`` before each paint.

    Like the ``WA_OpaquePaintEvent`` attribute, an opaque fill tells Qt that a repaint of the
    widget needs nothing beneath it repainted (and it names no ``Qt`` enum: ``qt_values``).
    """
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(colour))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)

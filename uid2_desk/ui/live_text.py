"""Text that changes every second without re-laying out the window.

``QLabel.setText`` calls ``updateGeometry`` on every change, which invalidates the layouts
up the widget tree; at one change per second per countdown, that relayout was most of the
desk's idle CPU. :class:`LiveText` has a size fixed from a template string and only repaints
itself when its text changes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class LiveText(QWidget):
    """A one-line text whose changes repaint it and nothing else.

    Attributes:
        template: text as wide as the widest expected value (sets the size hint).

    ``background`` is the colour of the panel it sits on (white in the desk); with one, the
    widget paints opaquely. ``None`` leaves it transparent.
    """

    def __init__(
        self,
        template: str,
        parent: QWidget | None = None,
        *,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        bold: bool = False,
        mono: bool = False,
        expanding: bool = False,
        background: str | None = "#ffffff",
    ) -> None:
        super().__init__(parent)
        self.template = template
        # Opaque on the panels' white: a repaint then never repaints the (styled) parents.
        self._background = None if background is None else QColor(background)
        if self._background is not None:
            self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._text = ""
        self._colour: QColor | None = None
        self._align = align | Qt.AlignmentFlag.AlignVCenter
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
        """Draw in ``colour`` (``#rrggbb``), or the palette's text colour for ``None``."""
        self._colour = None if colour is None else QColor(colour)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw the text, elided if the widget is narrower than it."""
        painter = QPainter(self)
        if self._background is not None:
            painter.fillRect(self.rect(), self._background)
        painter.setPen(self._colour or self.palette().windowText().color())
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(self._align), shown)
        painter.end()

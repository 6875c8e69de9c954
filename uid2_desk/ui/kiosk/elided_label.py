"""A one-line label that cuts its text with "…" instead of pushing its neighbours away."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when its text is wider than the room it gets.

    Attributes:
        full_text: the whole text (``text()`` is what fits).
    """

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.setMinimumWidth(100)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        """Show ``text``, cut to the label's width."""
        self.full_text = text
        self.setToolTip(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Cut the text again for the new width."""
        super().resizeEvent(event)
        self._fit()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Narrow enough for any layout: the text is cut, never the neighbours."""
        return QSize(100, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        """As wide as the whole text would like."""
        width = self.fontMetrics().horizontalAdvance(self.full_text) + 8
        return QSize(width, super().sizeHint().height())

    def _fit(self) -> None:
        room = max(self.contentsRect().width(), 10)
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self.full_text, Qt.TextElideMode.ElideRight, room))

"""The identity panel's last-error line: one line, elided to its width, whole in the tooltip.

The banner carries the whole message when it happens; this line keeps it beside the user.
"""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from uid2_desk.ui.common.look import set_colours
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import ERROR_TEXT


class ErrorLine(QLabel):
    """A red plain-text label showing ``Last error: ...``, hidden when there is none.

    Attributes:
        message: the error in full (``""``: none).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identity_error")
        set_colours(self, text=ERROR_TEXT)
        set_enum_properties(self, textFormat="PlainText")
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Its line is kept while hidden: an error coming or going moves nothing below it.
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.message = ""

    def set_message(self, message: str) -> None:
        """Show ``message`` (``""``: hide the line)."""
        from uid2_desk.ui.common.sentences import sentence

        self.message = sentence(message)
        self.setVisible(bool(message))
        self.setToolTip(message)
        self._elide()

    def _elide(self) -> None:
        if not self.message:
            self.setText("")
            return
        from PySide6.QtCore import Qt

        text = f"Last error: {self.message}"
        width = max(self.width(), 200)
        self.setText(self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Re-elide to the new width."""
        super().resizeEvent(event)
        self._elide()

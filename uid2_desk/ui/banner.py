"""A non-modal banner across the top of the window: what failed and what to do.

Errors never open a modal dialog (a modal would block a kiosk and hide the state that
explains the error); the banner stays until dismissed or replaced, and the rest of the window
keeps working underneath.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from uid2_desk.ui.theme import banner_colours


class Banner(QWidget):
    """A dismissable one-line message with a level colour (error, warning, info).

    Signals:
        dismissed(): the user closed the banner.

    Attributes:
        level: the level of the message shown, or ``None`` when hidden.
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Message banner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.level: str | None = None
        self._title = QLabel(self)
        self._title.setObjectName("banner_title")
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        self._text = QLabel(self)
        self._text.setObjectName("banner_text")
        self._text.setWordWrap(True)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._close = QToolButton(self)
        self._close.setObjectName("banner_close")
        self._close.setText("✕")
        self._close.setAutoRaise(True)
        self._close.setToolTip("Dismiss this message (Esc)")
        self._close.setAccessibleName("Dismiss message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self._title, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self._close.clicked.connect(self.dismiss)
        self.hide()

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return "" if self.isHidden() else self._text.text()

    @property
    def title(self) -> str:
        """The bold heading shown before the message."""
        return self._title.text()

    def show_message(self, level: str, title: str, message: str) -> None:
        """Show ``title: message`` coloured for ``level``; replaces any current message."""
        self.level = level
        background, foreground = banner_colours(level)
        self.setStyleSheet(
            f"QWidget#banner {{ background-color: {background}; border-bottom: 1px solid "
            f"{foreground}; }} QLabel {{ color: {foreground}; }}"
            " QLabel#banner_title { font-weight: bold; }"
        )
        self._title.setText(title)
        self._text.setText(message)
        self.setAccessibleDescription(f"{title}: {message}")
        self.show()

    def dismiss(self) -> None:
        """Hide the banner."""
        if self.isHidden():
            return
        self.level = None
        self.hide()
        self.dismissed.emit()

"""A non-modal banner across the top of the window: what failed and what to do.

Errors never open a modal dialog (a modal would block a kiosk and hide the state that
explains the error); the banner stays until dismissed or replaced, and the rest of the window
keeps working underneath. It lies over the top of the window's panels instead of pushing them
down: nothing moves under the mouse when a message comes or goes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from uid2_desk.ui.common.theme import banner_colours


class Banner(QWidget):
    """A dismissable one-line message with a level colour (error, warning, info).

    The banner is hidden until the first message, so its parts are built then, not before
    the window's first paint.

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
        self.level: str | None = None
        self._parts: tuple[QLabel, QLabel] | None = None
        self._anchor: QWidget | None = None
        self.hide()

    def float_under(self, anchor: QWidget) -> None:
        """Lie over the parent's contents just below ``anchor``, the parent's full width.

        The banner is then in no layout: it follows the parent's size itself.
        """
        self._anchor = anchor
        parent = self.parentWidget()
        if parent is not None:
            parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Follow the parent's width (and the anchor's height) while shown."""
        if isinstance(event, QResizeEvent) and not self.isHidden():
            self._place()
        return super().eventFilter(watched, event)

    def _place(self) -> None:
        parent, anchor = self.parentWidget(), self._anchor
        if parent is None or anchor is None:
            return
        width = parent.width()
        # The height its wrapped text needs at this width (sizeHint's guesses a narrower one).
        height = self.heightForWidth(width)
        if height <= 0:
            height = self.sizeHint().height()
        self.setGeometry(0, anchor.geometry().bottom() + 1, width, height)
        self.raise_()

    def _build(self) -> tuple[QLabel, QLabel]:
        """The title and text labels (and the close button), built on first use."""
        if self._parts is not None:
            return self._parts
        from PySide6.QtCore import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        title = QLabel(self)
        title.setObjectName("banner_title")
        title.setTextFormat(Qt.TextFormat.PlainText)
        text = QLabel(self)
        text.setObjectName("banner_text")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(self)
        close.setObjectName("banner_close")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss this message (Esc)")
        close.setAccessibleName("Dismiss message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(text, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        close.clicked.connect(self.dismiss)
        self._parts = (title, text)
        return self._parts

    @property
    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return "" if self.isHidden() or self._parts is None else self._parts[1].text()

    @property
    def title(self) -> str:
        """The bold heading shown before the message."""
        return "" if self._parts is None else self._parts[0].text()

    def show_message(self, level: str, title: str, message: str) -> None:
        """Show ``title: message`` coloured for ``level``; replaces any current message."""
        title_label, text_label = self._build()
        self.level = level
        background, foreground = banner_colours(level)
        self.setStyleSheet(
            f"QWidget#banner {{ background-color: {background}; border-bottom: 1px solid "
            f"{foreground}; }} QLabel {{ color: {foreground}; }}"
            " QLabel#banner_title { font-weight: bold; }"
        )
        from uid2_desk.ui.common.sentences import sentence

        title, message = sentence(title), sentence(message)
        title_label.setText(title)
        text_label.setText(message)
        self.setAccessibleDescription(f"{title}: {message}")
        self.show()
        self._place()

    def dismiss(self) -> None:
        """Hide the banner."""
        if self.isHidden():
            return
        self.level = None
        self.hide()
        self.dismissed.emit()

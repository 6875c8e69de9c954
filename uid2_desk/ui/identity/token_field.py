"""A token on one line: elided in the middle, with a copy button, maskable for demos."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication, QIcon, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from uid2_desk.protocol.screen_mask import SCREEN_MASK
from uid2_desk.ui.common.look import set_font
from uid2_desk.ui.common.qt_values import set_enum_properties

#: A masked token: the desk's one masking rule hides a token whole.
MASK_TEXT = SCREEN_MASK


class TokenField(QWidget):
    """Shows one token, elided to the available width; the copy button copies all of it.

    Signals:
        copied(str): the name of the token copied (never its value: signals get logged).

    Attributes:
        name: what the token is (``Advertising token``...).
        token: the full token, or ``None``.
        masked: whether the value is hidden on screen.
    """

    copied = Signal(str)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.token: str | None = None
        self.masked = False
        self._text = QLabel(self)
        self._text.setObjectName("token_text")
        set_enum_properties(self._text, textFormat="PlainText")
        self._text.setAccessibleName(name)
        self._text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        set_font(self._text, mono=True)
        self._copy = QToolButton(self)
        self._copy.setObjectName("token_copy")
        self._copy.setText("Copy")
        self._copy.setToolTip(f"Copy the whole {name.lower()} to the clipboard")
        self._copy.setAccessibleName(f"Copy {name.lower()}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._copy)
        self._copy.clicked.connect(self.copy)
        self._render()

    def set_icon(self, icon: QIcon) -> None:
        """Give the copy button an icon (text stays for accessibility)."""
        self._copy.setIcon(icon)
        set_enum_properties(self._copy, toolButtonStyle="ToolButtonTextBesideIcon")

    @property
    def shown_text(self) -> str:
        """The text on screen (elided or masked)."""
        return self._text.text()

    def set_token(self, token: str | None) -> None:
        """Show ``token`` (``None``: nothing held)."""
        self.token = token
        self._render()

    def set_masked(self, masked: bool) -> None:
        """Hide or show the value on screen (copy still copies the real token)."""
        self.masked = masked
        self._render()

    def copy(self) -> None:
        """Copy the full token to the clipboard."""
        if self.token is None:
            return
        QGuiApplication.clipboard().setText(self.token)
        self.copied.emit(self.name)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Re-elide to the new width."""
        super().resizeEvent(event)
        self._render()

    def _render(self) -> None:
        self._copy.setEnabled(self.token is not None)
        if self.token is None:
            self._text.setText("—")
            self._text.setToolTip("")
            return
        if self.masked:
            self._text.setText(MASK_TEXT)
            self._text.setToolTip(f"{self.name} hidden (View ▸ Mask tokens)")
            return
        from PySide6.QtCore import Qt

        width = max(self._text.width(), 120)
        elided = self._text.fontMetrics().elidedText(
            self.token, Qt.TextElideMode.ElideMiddle, width
        )
        self._text.setText(elided)
        self._text.setToolTip(f"{self.name}, {len(self.token)} characters")

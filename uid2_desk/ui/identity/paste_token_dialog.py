"""Tools ▸ Inspect a token: paste any advertising token and read what it is.

The header needs no key (version, UID2 or EUID, email or phone, encoding, master key id);
on the local operator the desk also decrypts it (raw UID, site, times, privacy bits). The
reading is :func:`~uid2_desk.protocol.token_reading.read_token`, the one
``uid2-desk inspect TOKEN`` prints; the window runs it off the GUI thread and hands the result
to :meth:`PasteTokenDialog.show_reading`. What it draws goes through the masking rule.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.protocol.screen_mask import screen_text
from uid2_desk.protocol.token_facts import header_rows
from uid2_desk.protocol.token_reading import clean_pasted
from uid2_desk.ui.common.look import set_font
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.identity.token_inspector import contents_rows

if TYPE_CHECKING:
    from uid2_desk.protocol.token_reading import TokenReading

#: How long typing pauses before the pasted text is read (a paste reads at once).
SETTLE_MS = 250
_PROMPT = "Paste an advertising token above (Ctrl+V): it is read as you paste."
_PLACEHOLDER = "An advertising token (v2, v3 or v4; UID2 or EUID)"
#: What the box says once a token it held is hidden by View ▸ Mask tokens.
HIDDEN_PLACEHOLDER = (
    "A token was read (below); it is hidden while Mask tokens is on. Paste another."
)


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table cellspacing='2'>{body}</table>"


class PasteTokenDialog(QDialog):
    """Non-modal: a box to paste into, and what the token says and (locally) holds.

    Signals:
        inspect_requested(str): read this text (the window answers with ``show_reading``).

    Attributes:
        reading: the last reading shown, or ``None``.
        masked: whether the raw UID (and any token in a message) is hidden on screen.
    """

    inspect_requested = Signal(str)

    def __init__(self, *, masked: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paste_token_dialog")
        self.setWindowTitle("Inspect a token")
        self.setModal(False)
        self.reading: TokenReading | None = None
        self.masked = masked
        self.box = QPlainTextEdit(self)
        self.box.setObjectName("paste_token_box")
        self.box.setAccessibleName("Advertising token to inspect")
        self.box.setPlaceholderText(_PLACEHOLDER)
        #: The pasted token taken out of the box while masking is on, or ``None``.
        self.hidden_token: str | None = None
        set_font(self.box, mono=True)
        self.box.setFixedHeight(self.box.fontMetrics().lineSpacing() * 5 + 12)
        self._button = QPushButton("&Inspect", self)
        self._button.setObjectName("paste_token_inspect")
        self._button.clicked.connect(self.request)
        self._result = QLabel(_PROMPT, self)
        self._result.setObjectName("paste_token_result")
        self._result.setWordWrap(True)
        set_enum_properties(
            self._result,
            textFormat="RichText",
            alignment="AlignTop|AlignLeft",
            textInteractionFlags="TextSelectableByMouse",
        )
        # Space for the whole reading from the start: the dialog does not grow under the mouse.
        self._result.setMinimumHeight(self._result.fontMetrics().lineSpacing() * 20)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.request)
        self.box.textChanged.connect(self._settle.start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self._button)
        layout.addWidget(self._result, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)

    @property
    def result_text(self) -> str:
        """What the dialog says about the token, as plain text (one line per cell)."""
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(self._result.text())
        return "\n".join(line.strip() for line in document.toPlainText().splitlines())

    def request(self) -> None:
        """Ask for the pasted text to be read."""
        self._settle.stop()
        if self.hidden_token is not None and not self.box.toPlainText().strip():
            return  # the box was emptied to hide the token: nothing new to read
        self.hidden_token = None
        self.box.setPlaceholderText(_PLACEHOLDER)
        self._result.setText("<i>Reading…</i>")
        self.inspect_requested.emit(self.box.toPlainText())

    def show_reading(self, reading: TokenReading) -> None:
        """Show ``reading``, unless the box has changed since it was asked for."""
        if reading.token != clean_pasted(self.box.toPlainText()):
            return  # an older paste's answer; the newer one is on its way
        self.reading = reading
        self._render()
        self._hide_or_show_box()

    def set_masked(self, masked: bool) -> None:
        """Hide or show the raw UID and the pasted token (live, while the dialog is open)."""
        self.masked = masked
        self._render()
        self._hide_or_show_box()

    def _hide_or_show_box(self) -> None:
        # The box is where the token was typed, so it cannot be masked in place and stay
        # editable: with masking on, a token that was read leaves the box (the reading below
        # names it), and comes back when masking goes off.
        reading = self.reading
        blocked = self.box.blockSignals(True)  # no new reading for what the desk itself did
        try:
            if self.masked and self.hidden_token is None:
                shown = clean_pasted(self.box.toPlainText())
                if reading is not None and reading.header is not None and reading.token == shown:
                    self.hidden_token = shown
                    self.box.clear()
                    self.box.setPlaceholderText(HIDDEN_PLACEHOLDER)
            elif not self.masked and self.hidden_token is not None:
                self.box.setPlainText(self.hidden_token)
                self.box.setPlaceholderText(_PLACEHOLDER)
                self.hidden_token = None
        finally:
            self.box.blockSignals(blocked)

    def _render(self) -> None:
        reading = self.reading
        if reading is None:
            return
        if reading.header is None:
            text = f"<p style='color:#b91c1c'><b>{escape(reading.problem)}</b></p>"
        else:
            parts = ["<h4>Header (no key needed)</h4>", _table(header_rows(reading.header))]
            if reading.contents is not None:
                parts.append("<h4>Decrypted with the local operator's keys</h4>")
                parts.append(_table(contents_rows(reading.contents, masked=self.masked)))
            else:
                parts.append(f"<h4>Contents: closed</h4><p>{escape(reading.closed)}</p>")
            text = "".join(parts)
        self._result.setText(screen_text(text, self.masked))

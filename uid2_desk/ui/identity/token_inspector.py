"""What an advertising token says about itself, and (on the local operator) what it holds.

The clear header needs no key: version, UID2 or EUID, email or phone, master key id. The
encrypted contents need the operator's keys, which the desk has only for its own local
operator; the window fetches them through a service call and passes the result in.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.protocol.screen_mask import SCREEN_MASK, screen_text
from uid2_desk.protocol.token_facts import header_rows
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.timefmt import format_timestamp

if TYPE_CHECKING:
    from uid2_desk.protocol.tokens import AdvertisingTokenContents


def contents_rows(contents: AdvertisingTokenContents, *, masked: bool) -> list[tuple[str, str]]:
    """The decrypted contents as (field, value) pairs for display."""
    raw_uid = base64.b64encode(contents.raw_uid).decode("ascii")
    # Shortened to fit beside the header; Send to SSP shows the buyer's full raw UID.
    shown = raw_uid if len(raw_uid) <= 24 else f"{raw_uid[:14]}…{raw_uid[-6:]}"
    return [
        ("Raw UID", SCREEN_MASK if masked else shown),
        ("Established", format_timestamp(contents.established_ms)),
        ("Generated", format_timestamp(contents.generated_ms)),
        ("Refreshed", format_timestamp(contents.refreshed_ms)),
        ("Expires", format_timestamp(contents.expires_ms)),
        ("Site id", str(contents.publisher.site_id)),
        ("Site key id", str(contents.site_key_id)),
        ("Privacy bits", f"{contents.privacy_bits:#x}"),
        ("Operator site", str(contents.operator.site_id)),
    ]


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><td><b>{escape(k)}</b>&nbsp;&nbsp;</td><td>{escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table cellspacing='2'>{body}</table>"


class TokenInspector(QWidget):
    """Header and (optionally) decrypted contents of one advertising token.

    Attributes:
        token: the token inspected, or ``None``.
        contents: its decrypted contents, when known.
        masked: whether the raw UID is hidden.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.token: str | None = None
        self.contents: AdvertisingTokenContents | None = None
        self.contents_note = ""
        self.masked = False
        self._label = QLabel(self)
        self._label.setObjectName("token_inspector_text")
        self._label.setWordWrap(True)
        set_enum_properties(
            self._label,
            textFormat="RichText",
            alignment="AlignTop|AlignLeft",
            textInteractionFlags="TextSelectableByMouse",
        )
        self._label.setAccessibleName("Token inspector")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._label)
        self._render()

    @property
    def text(self) -> str:
        """What the inspector shows, as plain text."""
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(self._label.text())
        return document.toPlainText()

    def set_token(self, token: str | None) -> None:
        """Inspect ``token``; forgets decrypted contents of a previous token."""
        if token != self.token:
            self.contents = None
            self.contents_note = ""
        self.token = token
        self._render()

    def set_contents(self, contents: AdvertisingTokenContents | None, note: str = "") -> None:
        """Show decrypted contents (or ``note`` saying why there are none)."""
        self.contents = contents
        self.contents_note = note
        self._render()

    def set_masked(self, masked: bool) -> None:
        """Hide or show the raw UID."""
        self.masked = masked
        self._render()

    def _render(self) -> None:
        if self.token is None:
            self._label.setText("<i>No advertising token held.</i>")
            return
        # Imported here: the token codec loads `cryptography`, which the first paint does
        # not need.
        from uid2_desk.protocol.tokens import inspect_token

        try:
            header = inspect_token(self.token)
        except Uid2DeskError as err:
            self._label.setText(f"<b>Not a readable token:</b> {escape(str(err))}")
            return
        parts = ["<h4>Header (no key needed)</h4>", _table(header_rows(header))]
        if self.contents is not None:
            parts.append("<h4>Decrypted with the local operator's keys</h4>")
            parts.append(_table(contents_rows(self.contents, masked=self.masked)))
        elif self.contents_note:
            parts.append(f"<p><i>{escape(self.contents_note)}</i></p>")
        self._label.setText(screen_text("".join(parts), self.masked))


def escape(text: str) -> str:
    """``text`` made safe for the label's rich text."""
    from html import escape as html_escape  # imported with the first token shown

    return html_escape(text)

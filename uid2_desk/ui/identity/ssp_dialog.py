"""Send to SSP: the OpenRTB snippet the token travels in, and what the buyer makes of it.

In OpenRTB 2.6 a UID2 token rides in ``user.eids`` with ``source`` ``uidapi.com`` (EUID:
``euid.eu``) and ``atype`` 3 (a person-based ID). On the local operator the desk also plays
the buyer: it fetches the bidstream keys with the DSP's own credentials and decrypts the
token to the raw UID2 and its established time.
"""

from __future__ import annotations

import base64
import html
import json
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
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
from uid2_desk.ui.common.look import Card, set_font
from uid2_desk.ui.common.timefmt import format_timestamp

if TYPE_CHECKING:
    from uid2_desk.publisher.bid import BidResult

#: OpenRTB ``atype`` 3: a person-based identifier.
ATYPE_PERSON = 3
_SOURCES = {"UID2": "uidapi.com", "EUID": "euid.eu"}


def openrtb_eids(token: str, scope: str = "UID2") -> dict[str, object]:
    """The part of an OpenRTB bid request that carries the token (``user.eids``)."""
    source = _SOURCES.get(scope.upper(), _SOURCES["UID2"])
    return {"user": {"eids": [{"source": source, "uids": [{"id": token, "atype": ATYPE_PERSON}]}]}}


def buyer_rows(result: BidResult) -> list[tuple[str, str]]:
    """The buyer's view as (field, value) pairs."""
    rows = [("Result", result.status), ("What happened", result.message)]
    contents = result.contents
    if contents is not None:
        raw_uid = base64.b64encode(contents.raw_uid).decode("ascii")
        rows += [
            ("Raw UID2", raw_uid),
            ("Established", format_timestamp(contents.established_ms)),
            ("Token expires", format_timestamp(contents.expires_ms)),
            ("Publisher site id", str(contents.publisher.site_id)),
        ]
    return rows


class SendToSspDialog(QDialog):
    """Non-modal: the snippet (with a copy button) and the buyer's view.

    Both go through the desk's one masking rule, and :meth:`set_masked` re-draws them when
    View ▸ Mask tokens changes while the dialog is open.

    Attributes:
        snippet: the JSON text shown (token masked when the desk masks tokens).
        masked: whether tokens, UIDs and keys are hidden on screen.
    """

    def __init__(
        self,
        user_label: str,
        token: str,
        scope: str,
        *,
        masked: bool,
        buyer_available: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ssp_dialog")
        self.setWindowTitle(f"Send to SSP — {user_label}")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.masked = masked
        self._bid: BidResult | None = None
        # ensure_ascii=False: the masked text's bullets must be drawn, not escaped as \u2022.
        self._full_snippet = json.dumps(openrtb_eids(token, scope), indent=2, ensure_ascii=False)
        self.snippet = screen_text(self._full_snippet, masked)
        snippet_box = Card("Bid request: OpenRTB 2.6 user.eids", self)
        self._snippet_view = text = QPlainTextEdit(self.snippet, snippet_box)
        text.setObjectName("mono_view")
        set_font(text, mono=True)
        text.setReadOnly(True)
        text.setAccessibleName("OpenRTB user.eids snippet")
        copy = QPushButton("Copy snippet", snippet_box)
        copy.setObjectName("ssp_copy")
        copy.clicked.connect(self.copy_snippet)
        box_layout = snippet_box.body
        box_layout.addWidget(text)
        box_layout.addWidget(copy, 0, Qt.AlignmentFlag.AlignRight)
        buyer_box = Card("What the buyer sees", self)
        self._buyer = QLabel(buyer_box)
        self._buyer.setObjectName("ssp_buyer")
        self._buyer.setWordWrap(True)
        self._buyer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if buyer_available:
            self._buyer.setText("The buyer is fetching the bidstream keys and decrypting…")
        else:
            self._buyer.setText(
                "Only on the local operator: the desk holds DSP credentials for its own "
                "operator, not for this environment."
            )
        buyer_box.add(self._buyer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(snippet_box, 1)
        layout.addWidget(buyer_box)
        layout.addWidget(buttons)
        self.resize(640, 480)

    @property
    def buyer_text(self) -> str:
        """The buyer's view as plain text."""
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setHtml(self._buyer.text())
        return document.toPlainText()

    def copy_snippet(self) -> None:
        """Copy the snippet with the real token (masking is for the screen only)."""
        QGuiApplication.clipboard().setText(self._full_snippet)

    def set_masked(self, masked: bool) -> None:
        """Hide or show tokens and UIDs in the snippet and the buyer's view (live)."""
        self.masked = masked
        self.snippet = screen_text(self._full_snippet, masked)
        self._snippet_view.setPlainText(self.snippet)
        if self._bid is not None:
            self.show_bid(self._bid)

    def show_bid(self, result: BidResult) -> None:
        """Show what the buyer made of the token (every value under the masking rule)."""
        self._bid = result
        colour = "#166534" if result.status == "success" else "#b91c1c"
        body = "".join(
            f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td>"
            f"<td>{html.escape(screen_text(v, self.masked))}</td></tr>"
            for k, v in buyer_rows(result)
        )
        self._buyer.setTextFormat(Qt.TextFormat.RichText)
        self._buyer.setText(f"<table style='color:{colour}'>{body}</table>")

    def show_failure(self, message: str) -> None:
        """Say why the buyer's view could not be produced."""
        from uid2_desk.ui.common.sentences import sentence

        self._buyer.setTextFormat(Qt.TextFormat.PlainText)
        self._buyer.setText(sentence(message))

"""The exchange inspector: everything about the selected log row, tab by tab.

Summary; the request plaintext; the envelope byte by byte (request and reply, wire and
decrypted layers); the raw and the decrypted reply with the nonce check; the headers with the
``Authorization`` value masked (again: the client masks it already, and a secret on screen
is one too many); the timings. "Copy as JSON" puts the entry, as the JSONL export writes it,
on the clipboard. What each tab says is :mod:`~uid2_desk.ui.log.inspector_pages`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.protocol.screen_mask import screen_text
from uid2_desk.ui.common.look import set_font
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.log.inspector_pages import (
    NO_EXCHANGE,
    envelope_html,
    headers_html,
    pretty_json,
    reply_html,
    summary_html,
    timings_html,
)

if TYPE_CHECKING:
    from uid2_desk.journal import JournalEntry


#: The tabs, in order, and whether each shows rich text.
_TABS: tuple[tuple[str, bool], ...] = (
    ("Summary", True),
    ("Request", False),
    ("Envelope", True),
    ("Reply", True),
    ("Headers", True),
    ("Timings", True),
)


class ExchangeInspector(QWidget):
    """Tabs showing one journal entry in full.

    Only the tab in sight is built and filled: the others get their text view the first time
    they are shown (the window starts with only the summary in sight), and each tab renders
    the entry when it comes into view.

    Signals:
        copied(str): the JSON text put on the clipboard.

    Every tab, the title and the explanation go through the desk's one masking rule
    (:func:`~uid2_desk.protocol.screen_mask.screen_text`) while masking is on.

    Attributes:
        entry: the entry shown, or ``None``.
        tabs: the tab widget (Summary, Request, Envelope, Reply, Headers, Timings).
        masked: whether tokens, UIDs and keys are hidden on screen.
    """

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry: JournalEntry | None = None
        self.masked = False
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("inspector_tabs")
        self.tabs.setAccessibleName("Exchange inspector")
        self._views: dict[str, QTextEdit] = {}
        self._rendered: set[str] = set()
        self._pages: list[QVBoxLayout] = []
        for title, _rich in _TABS:
            page = QWidget(self.tabs)
            page_layout = QVBoxLayout(page)
            page_layout.setContentsMargins(0, 0, 0, 0)
            self._pages.append(page_layout)
            self.tabs.addTab(page, title)
        self._title = QLabel("Select a row of the log to inspect it.", self)
        self._title.setObjectName("inspector_title")
        self._title.setWordWrap(True)
        self._copy = QPushButton("Copy as JSON", self)
        self._copy.setObjectName("inspector_copy")
        self._copy.setAccessibleName("Copy the selected exchange as JSON")
        self._copy.setEnabled(False)
        # A captured failure's cause and fix, above the tabs: the first thing to read.
        self._why = QLabel(self)
        self._why.setObjectName("inspector_why")
        self._why.setWordWrap(True)
        # Selectable, to paste into a ticket (set by name: no Qt enums before first paint).
        set_enum_properties(
            self._why, textFormat="PlainText", textInteractionFlags="TextSelectableByMouse"
        )
        self._why.setStyleSheet(
            "QLabel#inspector_why{background:#fef2f2;color:#7f1d1d;padding:6px;"
            "border:1px solid #fecaca;border-radius:4px}"
        )
        self._why.hide()
        head = QHBoxLayout()
        head.addWidget(self._title, 1)
        head.addWidget(self._copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self._why)
        layout.addWidget(self.tabs, 1)
        self._show_tab(0)
        self._copy.clicked.connect(self.copy_as_json)
        self.tabs.currentChanged.connect(self._show_tab)

    def _view(self, index: int) -> QTextEdit:
        """The text view of tab ``index``, built on first use."""
        title, rich = _TABS[index]
        view = self._views.get(title)
        if view is None:
            page = self._pages[index]
            view = QTextEdit(page.parentWidget())
            view.setObjectName("mono_view" if not rich else f"inspector_{title.lower()}")
            view.setReadOnly(True)
            view.setAcceptRichText(rich)
            view.setAccessibleName(f"Inspector: {title}")
            if not rich:
                set_font(view, mono=True)
            page.addWidget(view)
            self._views[title] = view
        return view

    def _show_tab(self, index: int) -> None:
        """Tab ``index`` came into view: build it and show the entry in it."""
        if 0 <= index < len(_TABS):
            self._render(index)

    def tab_text(self, title: str) -> str:
        """The plain text of the tab named ``title`` (for tests and accessibility)."""
        for index, (name, _rich) in enumerate(_TABS):
            if name == title:
                return self._render(index).toPlainText()
        raise KeyError(title)

    def set_masked(self, masked: bool) -> None:
        """Hide or show tokens, UIDs and keys; the entry shown is drawn again at once."""
        self.masked = masked
        self.show_entry(self.entry)

    def show_entry(self, entry: JournalEntry | None) -> None:
        """Show ``entry`` (a full entry for exchanges), or clear when ``None``."""
        self.entry = entry
        self._copy.setEnabled(entry is not None)
        self._rendered.clear()
        if entry is None:
            self._title.setText("Select a row of the log to inspect it.")
        else:
            title = f"#{entry.seq} · {_client_prefix(entry)}{entry.summary}"
            self._title.setText(screen_text(title, self.masked))
        self._show_why(entry)
        self._show_tab(self.tabs.currentIndex())

    @property
    def why_text(self) -> str:
        """The explanation banner's text (empty when hidden)."""
        return self._why.text() if not self._why.isHidden() else ""

    def _show_why(self, entry: JournalEntry | None) -> None:
        text = None
        if entry is not None and entry.exchange is not None:
            from uid2_desk.ui.log.captured_pages import explanation_text

            text = explanation_text(entry.exchange)
        self._why.setText(screen_text(text or "", self.masked))
        self._why.setVisible(bool(text))

    def _render(self, index: int) -> QTextEdit:
        """Fill tab ``index`` with the entry shown, unless it already shows it."""
        view = self._view(index)
        title = _TABS[index][0]
        if title in self._rendered:
            return view
        self._rendered.add(title)
        entry = self.entry
        if entry is None:
            view.clear()
        elif title == "Summary":
            view.setHtml(screen_text(summary_html(entry), self.masked))
        elif entry.exchange is None:
            view.setPlainText(NO_EXCHANGE)
        elif title == "Request":
            request = pretty_json(entry.exchange.request_plaintext) or "(no payload)"
            view.setPlainText(screen_text(request, self.masked))
        else:
            render = {
                "Envelope": envelope_html,
                "Reply": reply_html,
                "Headers": headers_html,
                "Timings": timings_html,
            }[title]
            view.setHtml(screen_text(render(entry.exchange), self.masked))
        return view

    def copy_as_json(self) -> None:
        """Put the shown entry on the clipboard as one JSON document."""
        if self.entry is None:
            return
        import json

        from uid2_desk.journal.export_jsonl import entry_object
        from uid2_desk.journal.redaction import Redaction, redact_entry

        # The JSONL export's form of one entry, with the secrets every export masks masked.
        document = entry_object(redact_entry(self.entry, Redaction()))
        text = json.dumps(document, indent=2, ensure_ascii=False)
        QGuiApplication.clipboard().setText(text)
        self.copied.emit(text)


def _client_prefix(entry: JournalEntry) -> str:
    """``Your backend · `` for a captured exchange, nothing for the desk's own."""
    if entry.exchange is None:
        return ""
    from uid2_desk.protocol.capture import CapturedClient, lane_label

    client = CapturedClient.of(entry.exchange)
    return "" if client is None else f"{lane_label(client)} · "

"""The exchange inspector: everything about the selected log row, tab by tab.

Summary; the request plaintext; the envelope byte by byte (request and reply, wire and
decrypted layers); the raw and the decrypted reply with the nonce check; the headers with the
``Authorization`` value masked (again: the client masks it already, and a secret on screen
is one too many); the timings. "Copy as JSON" puts the entry, as the JSONL export writes it,
on the clipboard.
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

from uid2_desk.ui.common.look import set_font
from uid2_desk.ui.common.timefmt import format_skew, format_timestamp

if TYPE_CHECKING:
    from uid2_desk.journal import JournalEntry
    from uid2_desk.protocol.exchange import Exchange


def pretty_json(text: str | None) -> str:
    """Indent JSON text for reading; anything else is returned as it is."""
    if not text:
        return ""
    import json

    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def masked_headers(headers: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Headers with any credential-bearing value masked."""
    from uid2_desk.client.credentials import mask_authorization

    return [
        (name, mask_authorization(value) if name.lower() == "authorization" else value)
        for name, value in headers
    ]


def body_text(body: bytes) -> str:
    """Raw bytes as text when they are text (base64 bodies are), otherwise as hex."""
    try:
        return body.decode("ascii")
    except UnicodeDecodeError:
        return body.hex(" ")


def skew_text(exchange: Exchange) -> str | None:
    """The operator's clock minus the desk's, saying how far to trust it; ``None`` if unknown.

    An envelope timestamp gives milliseconds (``+0.4 s``). A reply without one (a refresh
    reply, an error) leaves only the ``Date`` header, whole seconds, so the skew is shown in
    whole seconds with its ±1 s: ``+2 s (±1 s: from the reply's Date header)``.
    """
    skew_ms = exchange.clock_skew_ms
    if skew_ms is None:
        return None
    if exchange.clock_skew_resolution_ms == 1000:
        return f"{round(skew_ms / 1000):+d} s (±1 s: from the reply's Date header)"
    return format_skew(skew_ms)


def _row(name: str, value: str) -> str:
    from html import escape

    return f"<tr><td><b>{escape(name)}</b></td><td>{escape(value)}</td></tr>"


#: The tabs, in order, and whether each shows rich text.
_TABS: tuple[tuple[str, bool], ...] = (
    ("Summary", True),
    ("Request", False),
    ("Envelope", True),
    ("Reply", True),
    ("Headers", True),
    ("Timings", True),
)
_NO_EXCHANGE = "A lifecycle event: no exchange went over the wire."


class ExchangeInspector(QWidget):
    """Tabs showing one journal entry in full.

    Only the tab in sight is built and filled: the others get their text view the first time
    they are shown (the window starts with only the summary in sight), and each tab renders
    the entry when it comes into view.

    Signals:
        copied(str): the JSON text put on the clipboard.

    Attributes:
        entry: the entry shown, or ``None``.
        tabs: the tab widget (Summary, Request, Envelope, Reply, Headers, Timings).
    """

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry: JournalEntry | None = None
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
        head = QHBoxLayout()
        head.addWidget(self._title, 1)
        head.addWidget(self._copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
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

    def show_entry(self, entry: JournalEntry | None) -> None:
        """Show ``entry`` (a full entry for exchanges), or clear when ``None``."""
        self.entry = entry
        self._copy.setEnabled(entry is not None)
        self._rendered.clear()
        if entry is None:
            self._title.setText("Select a row of the log to inspect it.")
        else:
            self._title.setText(f"#{entry.seq} · {entry.summary}")
        self._show_tab(self.tabs.currentIndex())

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
            view.setHtml(self._summary_html(entry))
        elif entry.exchange is None:
            view.setPlainText(_NO_EXCHANGE)
        elif title == "Request":
            view.setPlainText(pretty_json(entry.exchange.request_plaintext) or "(no payload)")
        else:
            render = {
                "Envelope": self._envelope_html,
                "Reply": self._reply_html,
                "Headers": self._headers_html,
                "Timings": self._timings_html,
            }[title]
            view.setHtml(render(entry.exchange))
        return view

    def _summary_html(self, entry: JournalEntry) -> str:
        rows = [
            _row("When", format_timestamp(entry.at_ms)),
            _row("Kind", str(entry.kind)),
            _row("User", entry.user or "—"),
            _row("Step", entry.step or "—"),
            _row("Outcome", entry.outcome or "—"),
            _row("Environment", entry.environment),
        ]
        rows.extend(_row(key, value) for key, value in entry.detail)
        if entry.exchange is not None:
            rows.extend(self._exchange_rows(entry.exchange))
        return f"<table cellspacing='4'>{''.join(rows)}</table>"

    @staticmethod
    def _exchange_rows(exchange: Exchange) -> list[str]:
        http = "no answer" if exchange.http_status is None else str(exchange.http_status)
        rows = [
            _row("Request", f"{exchange.method} {exchange.url}"),
            _row("HTTP status", http),
            _row("Operator status", exchange.operator_status or "—"),
            _row("Total time", f"{exchange.timings.total_ms:.1f} ms"),
        ]
        skew = skew_text(exchange)
        if skew is not None:
            rows.append(_row("Clock skew", skew))
        if exchange.error:
            rows.append(_row("Error", exchange.error))
        return rows

    @staticmethod
    def _envelope_html(exchange: Exchange) -> str:
        from uid2_desk.ui.log.envelope_view import plaintext_segments, segments_html, wire_segments

        parts = exchange.request_envelope
        if parts is None:
            return (
                "<p>This request is not an envelope: a refresh sends the refresh token "
                "itself as the body (uid2-protocol.md §2.5).</p>"
                f"<pre>{_escape(body_text(exchange.request_body))}</pre>"
            )
        payload = (exchange.request_plaintext or "").encode("utf-8")
        return (
            "<h4>On the wire (base64-decoded)</h4>"
            + segments_html(wire_segments(parts))
            + "<h4>Decrypted</h4>"
            + segments_html(plaintext_segments(parts, payload))
        )

    @staticmethod
    def _reply_html(exchange: Exchange) -> str:
        from uid2_desk.ui.log.envelope_view import plaintext_segments, segments_html, wire_segments

        blocks = ["<h4>Raw reply</h4>", f"<pre>{_escape(body_text(exchange.response_body))}</pre>"]
        parts = exchange.response_envelope
        if parts is not None:
            payload = (exchange.response_plaintext or "").encode("utf-8")
            blocks.append("<h4>Reply envelope</h4>")
            blocks.append(segments_html(wire_segments(parts)))
            blocks.append(segments_html(plaintext_segments(parts, payload)))
        if exchange.nonce_ok is True:
            blocks.append("<p style='color:#166534'><b>✓ nonce echoed: the reply is ours</b></p>")
        elif exchange.nonce_ok is False:
            blocks.append(
                "<p style='color:#b91c1c'><b>✗ nonce mismatch: the reply does not answer this "
                "request</b></p>"
            )
        else:
            blocks.append("<p>Nonce check: not applicable to this reply.</p>")
        blocks.append("<h4>Decrypted reply</h4>")
        decrypted = pretty_json(exchange.response_plaintext) or "(nothing could be decrypted)"
        blocks.append(f"<pre>{_escape(decrypted)}</pre>")
        return "".join(blocks)

    @staticmethod
    def _headers_html(exchange: Exchange) -> str:
        def table(title: str, headers: tuple[tuple[str, str], ...]) -> str:
            body = "".join(_row(name, value) for name, value in masked_headers(headers))
            return f"<h4>{title}</h4><table cellspacing='3'>{body or _row('—', '')}</table>"

        return table("Request headers", exchange.request_headers) + table(
            "Response headers", exchange.response_headers
        )

    @staticmethod
    def _timings_html(exchange: Exchange) -> str:
        timings = exchange.timings
        rows = [_row("Started", format_timestamp(exchange.started_ms))]
        for name, value in (
            ("Connect", timings.connect_ms),
            ("Send", timings.send_ms),
            ("Wait", timings.wait_ms),
            ("Receive", timings.receive_ms),
            ("Total", timings.total_ms),
        ):
            rows.append(_row(name, "—" if value is None else f"{value:.1f} ms"))
        if exchange.server_date:
            rows.append(_row("Operator Date header", exchange.server_date))
        if exchange.server_time_ms is not None:
            rows.append(_row("Operator clock", format_timestamp(exchange.server_time_ms)))
        return f"<table cellspacing='4'>{''.join(rows)}</table>"

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


def _escape(text: str) -> str:
    from html import escape

    return escape(text)

"""Hand off to a web page: the client script, the page's address, and copy-ready snippets.

The desk (as the publisher server) made the identity; this dialog hands it to the desk's
loopback hand-off page, whose UID2 web client refreshes it from then on, or gives the
set-up to paste into one's own page: ``__uid2.init({identity, baseUrl})`` for the UID2 SDK
for JavaScript, ``uid2Token`` / ``uid2ApiBase`` for Prebid.js.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.handoff.snippets import prebid_snippet, sdk_snippet, shown_identity
from uid2_desk.protocol.screen_mask import screen_text
from uid2_desk.ui.common.look import set_font


class HandOffDialog(QDialog):
    """Choose the web client, hand the identity off, open the page, copy a snippet.

    The snippets hold the identity; they are drawn through the desk's one masking rule
    (copied whole), and :meth:`set_masked` re-draws them when the switch changes.

    Signals:
        hand_off_requested(str): hand off with this client script (a path or URL).
    """

    hand_off_requested = Signal(str)

    def __init__(
        self,
        label: str,
        identity: dict[str, object],
        base_url: str,
        script: str,
        parent: QWidget | None = None,
        *,
        masked: bool = False,
    ) -> None:
        super().__init__(parent)
        self._views: list[tuple[QPlainTextEdit, str]] = []
        self.setObjectName("handoff_dialog")
        self.setWindowTitle(f"Hand off {label} to a web page")
        self.url = ""
        intro = QLabel(
            "The desk generated this identity as the publisher server (1-d, 1-e). Hand it to a "
            "web page (1-f): the page's UID2 client refreshes it in the browser from now on, "
            "and the desk follows its refreshes instead of making its own.",
            self,
        )
        intro.setWordWrap(True)
        self.script = QLineEdit(script, self)
        self.script.setObjectName("handoff_script")
        self.script.setPlaceholderText(
            "Web client: a build of the UID2 SDK for JavaScript or Prebid.js (file or URL)"
        )
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        self._go = QPushButton("Hand off and open in browser", self)
        self._go.setObjectName("handoff_go")
        self._go.setDefault(True)
        self._go.clicked.connect(lambda: self.hand_off_requested.emit(self.script.text()))
        self.address = QLabel("Not handed off yet.", self)
        self.address.setObjectName("handoff_address")
        self.address.setTextInteractionFlags(
            self.address.textInteractionFlags().TextSelectableByMouse
        )
        self._open = QPushButton("Open in browser", self)
        self._open.setEnabled(False)
        self._open.clicked.connect(self.open_in_browser)
        row = QHBoxLayout()
        row.addWidget(self.script, 1)
        row.addWidget(browse)
        page_row = QHBoxLayout()
        page_row.addWidget(self.address, 1)
        page_row.addWidget(self._open)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self._go)
        layout.addLayout(page_row)
        note = QLabel(
            "Or paste into your own page. Shown with the tokens shortened and the "
            "refresh_response_key hidden; Copy gives the full set-up, key included (the "
            "browser needs it): keep it to your test pages.",
            self,
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        shown = shown_identity(identity)
        #: title -> (what Copy gives, what the screen shows)
        self.snippets = {
            "UID2 SDK for JavaScript": (
                sdk_snippet(identity, base_url),
                sdk_snippet(shown, base_url),
            ),
            "Prebid.js (uid2 module)": (
                prebid_snippet(identity, base_url),
                prebid_snippet(shown, base_url),
            ),
        }
        for title, (full, on_screen) in self.snippets.items():
            layout.addLayout(self._snippet(title, full, on_screen))
        self.set_masked(masked)
        self.resize(760, 640)

    def set_masked(self, masked: bool) -> None:
        """Hide or show the tokens and key in the snippets (copying copies them whole)."""
        for view, text in self._views:
            view.setPlainText(screen_text(text, masked))

    def show_url(self, url: str) -> None:
        """The identity was handed off: show the page's address and allow opening it."""
        self.url = url
        self.address.setText(url)
        self._open.setEnabled(True)
        self._go.setEnabled(False)  # handed off: the browser holds it until taken back

    def open_in_browser(self) -> None:
        """Open the hand-off page in the system browser."""
        if self.url:
            QDesktopServices.openUrl(QUrl(self.url))

    def _snippet(self, title: str, text: str, on_screen: str) -> QVBoxLayout:
        box = QVBoxLayout()
        head = QHBoxLayout()
        head.addWidget(QLabel(f"<b>{title}</b>", self), 1)
        copy = QPushButton("Copy", self)
        copy.setAccessibleName(f"Copy the {title} snippet")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(text))
        head.addWidget(copy)
        view = QPlainTextEdit(self)
        self._views.append((view, on_screen))
        view.setReadOnly(True)
        view.setObjectName("handoff_snippet")
        set_font(view, mono=True)  # code, aligned as it will be pasted
        box.addLayout(head)
        box.addWidget(view)
        return box

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Web client script", "", "JavaScript (*.js);;All files (*)"
        )
        if path:
            self.script.setText(path)

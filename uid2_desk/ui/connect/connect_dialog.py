"""*Connect your client*: the desk's operator as a team's backend, app or page configures it.

The base URL and the credentials the embedded operator issued, each with a Copy button; API
keys and secrets stay masked until the person presses *Show* (a screenshot or a screen
share shows nothing that could call the operator). Below, copy-ready snippets for the
official SDKs and curl, filled in: masked on screen like the table, complete when copied.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.common.look import set_font
from uid2_desk.ui.connect.connect_facts import ConnectFacts
from uid2_desk.ui.connect.lan_panel import LanPanel
from uid2_desk.ui.connect.lan_switch import LanSwitch
from uid2_desk.ui.connect.snippets import SNIPPETS, snippet

_INTRO = (
    "Point your backend, app or page at the desk's operator. Every request it serves appears "
    "in the exchange log under its client, decrypted, explained when it fails, and checked "
    "(View ▸ Checks)."
)


class ConnectDialog(QDialog):
    """The base URL, the credentials (masked until shown) and the snippets.

    Signals:
        copied(str): the label of what was put on the clipboard (never its value).

    Attributes:
        facts: the operator's real facts (what Copy puts on the clipboard).
        showing: whether the secrets are on screen.
        tabs: the snippet tabs.
        lan: the *Allow devices on my network* box, when the window has a LAN switch.
    """

    copied = Signal(str)

    def __init__(
        self, facts: ConnectFacts, parent: QWidget | None = None, lan: LanSwitch | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connect_dialog")
        self.setWindowTitle("Connect your client")
        self.facts = facts
        self.showing = False
        intro = QLabel(_INTRO, self)
        intro.setWordWrap(True)
        self._fields: list[tuple[QLineEdit, int]] = []
        grid = QGridLayout()
        for row, (label, _value, _secret) in enumerate(facts.rows()):
            field = QLineEdit(self)
            field.setReadOnly(True)
            field.setObjectName(f"connect_{_slug(label)}")
            field.setAccessibleName(label)
            set_font(field, mono=True)
            copy = QPushButton("Copy", self)
            copy.setAccessibleName(f"Copy the {label}")
            copy.clicked.connect(lambda _=False, r=row: self.copy_row(r))
            grid.addWidget(QLabel(label, self), row, 0)
            grid.addWidget(field, row, 1)
            grid.addWidget(copy, row, 2)
            self._fields.append((field, row))
        self.show_button = QPushButton("Show", self)
        self.show_button.setObjectName("connect_show")
        self.show_button.setCheckable(True)
        self.show_button.setAccessibleName("Show the API keys and secrets")
        self.show_button.toggled.connect(self.set_showing)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("connect_snippets")
        self._snippets: list[QPlainTextEdit] = []
        for title, _template in SNIPPETS:
            view = QPlainTextEdit(self.tabs)
            view.setReadOnly(True)
            view.setAccessibleName(f"{title} snippet")
            set_font(view, mono=True)
            self.tabs.addTab(view, title)
            self._snippets.append(view)
        copy_snippet = QPushButton("Copy snippet", self)
        copy_snippet.setObjectName("connect_copy_snippet")
        copy_snippet.clicked.connect(self.copy_snippet)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.show_button)
        bar.addStretch(1)
        bar.addWidget(copy_snippet)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        self.lan = None if lan is None else LanPanel(lan, self)
        if self.lan is not None:
            layout.addWidget(self.lan)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(860, 900 if lan is not None else 720)
        self._render()

    def set_showing(self, on: bool) -> None:
        """Show (or hide again) the API keys and secrets, in the table and the snippets."""
        self.showing = on
        self.show_button.setText("Hide" if on else "Show")
        if self.show_button.isChecked() != on:
            self.show_button.setChecked(on)
        self._render()

    def _render(self) -> None:
        shown = self.facts if self.showing else self.facts.masked()
        rows = shown.rows()
        for field, row in self._fields:
            field.setText(rows[row][1])
            field.setCursorPosition(0)  # a long public key shows its start, not its end
        for view, (title, _template) in zip(self._snippets, SNIPPETS, strict=True):
            view.setPlainText(snippet(title, shown))

    def field_text(self, label: str) -> str:
        """What the field ``label`` shows (for tests and accessibility)."""
        for field, row in self._fields:
            if self.facts.rows()[row][0] == label:
                return field.text()
        raise KeyError(label)

    def snippet_text(self, title: str) -> str:
        """What the snippet tab ``title`` shows."""
        for view, (name, _template) in zip(self._snippets, SNIPPETS, strict=True):
            if name == title:
                return view.toPlainText()
        raise KeyError(title)

    def copy_row(self, row: int) -> None:
        """Put the real value of row ``row`` on the clipboard (the person asked for it)."""
        label, value, _secret = self.facts.rows()[row]
        QGuiApplication.clipboard().setText(value)
        self.copied.emit(label)

    def copy_snippet(self) -> None:
        """Put the current snippet, filled in with the real values, on the clipboard."""
        title = SNIPPETS[self.tabs.currentIndex()][0]
        QGuiApplication.clipboard().setText(snippet(title, self.facts))
        self.copied.emit(f"{title} snippet")


def _slug(label: str) -> str:
    return "_".join(label.lower().split())

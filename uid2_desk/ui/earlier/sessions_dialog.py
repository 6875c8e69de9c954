"""File ▸ Earlier sessions…: the journal's sessions, newest first, to reopen one read-only.

The list is read on a journal reader thread (one ``GROUP BY``; the same summary
``uid2-desk sessions`` prints) and shown when it arrives; until then the dialog says it is
reading. The live session is marked and opens nothing new: it is the desk window itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.common.look import style_header
from uid2_desk.ui.common.timefmt import format_timestamp

if TYPE_CHECKING:
    from uid2_desk.journal.sessions import SessionInfo

#: The list's columns.
COLUMNS = ("Session", "Started", "Produced by", "Exchanges", "Entries")


class EarlierSessionsDialog(QDialog):
    """The list of the journal's sessions; *Open read-only* (or a double-click) reopens one.

    Signals:
        open_requested(object): the :class:`SessionInfo` to reopen.

    Attributes:
        table: the sessions, newest first.
        infos: what the table shows, row by row.
    """

    open_requested = Signal(object)

    def __init__(self, live_session: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("earlier_sessions_dialog")
        self.setWindowTitle("Earlier sessions")
        self.resize(820, 420)
        self._live = live_session
        self.infos: list[SessionInfo] = []
        self._note = QLabel("Reading the journal…", self)
        self._note.setObjectName("earlier_sessions_note")
        self._note.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("earlier_sessions_table")
        self.table.setAccessibleName("Earlier journal sessions")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        style_header(header)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 210), (2, 150), (3, 90), (4, 80)):
            self.table.setColumnWidth(column, width)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_button = QPushButton("Open read-only", self)
        self.open_button.setObjectName("earlier_sessions_open")
        self.open_button.setDefault(True)
        self.open_button.setEnabled(False)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self._note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.open_button.clicked.connect(self.open_selected)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._on_selection)

    def show_sessions(self, infos: list[SessionInfo]) -> None:
        """Fill the list (newest first, as given) and select the newest earlier session."""
        self.infos = list(infos)
        self.table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            name = info.session + (" (live)" if info.session == self._live else "")
            texts = (
                name,
                format_timestamp(info.started_ms),
                info.producer,
                f"{info.exchanges:,}",
                f"{info.entries:,}",
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(f"Last entry at {format_timestamp(info.last_ms)}")
                self.table.setItem(row, column, item)
        earlier = sum(1 for i in infos if i.session != self._live)
        self._note.setText(
            f"{earlier} earlier session{'s' if earlier != 1 else ''} in this data folder's "
            "journal, newest first. Open one to read its log, exchanges and diagram; "
            "nothing in it can be changed."
            if earlier
            else "The journal holds no earlier session yet: only the live one."
        )
        first = next((r for r, i in enumerate(infos) if i.session != self._live), None)
        if first is not None:
            self.table.selectRow(first)

    def show_failure(self, message: str) -> None:
        """The list could not be read: say why."""
        self._note.setText(f"The journal could not be read: {message}")

    def selected(self) -> SessionInfo | None:
        """The session of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.infos[rows[0].row()] if rows else None

    def open_selected(self) -> None:
        """Ask for the selected session to be reopened."""
        info = self.selected()
        if info is not None:
            self.open_requested.emit(info)

    def _on_selection(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

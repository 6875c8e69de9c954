"""The exchange log: a filter bar over a table that follows the tail only at the bottom.

Following the tail is what a person expects when watching (new exchanges scroll into view)
and exactly what they do not want when reading an older row; like Picard's log, the view
follows only while its scroll bar sits at the bottom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.common.look import set_colours, style_header
from uid2_desk.ui.common.theme import ROW_SELECTION, TEXT, WINDOW
from uid2_desk.ui.log.log_model import ExchangeLogModel, LogColumn

if TYPE_CHECKING:
    from PySide6.QtCore import QItemSelection

    from uid2_desk.ui.log.log_rows import LogFilter

#: Text filter changes settle for this long before the (possibly 100k-row) filter runs.
FILTER_DELAY_MS = 150
_ANY = "Any"
_ROW_HEIGHT = 22


class ExchangeLogPanel(QWidget):
    """Filter bar, counts and the log table.

    Signals:
        entry_selected(object): the journal ``seq`` (int) of the selected row, or ``None``.

    Attributes:
        model: the log model shown.
        table: the table view.
        following: whether the view follows new rows (true while scrolled to the bottom).
    """

    entry_selected = Signal(object)

    def __init__(self, model: ExchangeLogModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.following = True
        self._search = QLineEdit(self)
        self._search.setObjectName("log_search")
        self._search.setPlaceholderText("Filter the log (Ctrl+F)")
        self._search.setClearButtonEnabled(True)
        self._search.setAccessibleName("Filter the exchange log by text")
        # Never squeezed to a stub by the filters beside it: its placeholder stays readable.
        room = self._search.fontMetrics().horizontalAdvance("Filter the log")
        self._search.setMinimumWidth(room + 8)
        self._endpoint = self._combo("log_endpoint_filter", "Filter by endpoint or event")
        self._status = self._combo("log_status_filter", "Filter by status")
        self._user = self._combo("log_user_filter", "Filter by test user", many=True)
        self._client = self._combo("log_client_filter", "Filter by client")
        self._count = QLabel(self)
        self._count.setObjectName("log_count")
        self.table = QTableView(self)
        self.table.setObjectName("log_table")
        self.table.setAccessibleName("Exchange log")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        set_colours(self.table, Highlight=ROW_SELECTION, HighlightedText=TEXT, AlternateBase=WINDOW)
        self.table.verticalHeader().hide()
        # Fixed row heights keep a 100k-row table from measuring every row.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(_ROW_HEIGHT)
        header = self.table.horizontalHeader()
        # The header reads the titles from a standard model, in C++ (see log_model).
        titles = QStandardItemModel(0, len(LogColumn), self)
        titles.setHorizontalHeaderLabels([column.title for column in LogColumn])
        header.setModel(titles)
        header.setHighlightSections(False)
        style_header(header)
        size_columns(self.table)
        self._filter_timer = QTimer(self)
        self._filter_timer.setObjectName("log_filter_timer")
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self._search, 3)
        for label, combo in (
            ("Endpoint", self._endpoint),
            ("Status", self._status),
            ("User", self._user),
            ("Client", self._client),
        ):
            caption = QLabel(f"{label}:", self)
            caption.setBuddy(combo)
            bar.addWidget(caption)
            bar.addWidget(combo, 1)
        bar.addWidget(self._count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self._offered: dict[str, set[str]] = {}
        self._connect_signals()
        self._refresh_facets()
        self._show_counts(0, 0)

    def _combo(self, name: str, accessible: str, *, many: bool = False) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        adjust = QComboBox.SizeAdjustPolicy
        if many:
            # Users can number thousands (an outside client's load test): sized to its
            # contents, the combo measured every item's text on each layout pass, a third of
            # the GUI thread's time under such a load (py-spy, bench_gui_load).
            combo.setSizeAdjustPolicy(adjust.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(USER_COMBO_CHARS)
        else:
            combo.setSizeAdjustPolicy(adjust.AdjustToContents)
            combo.setMinimumContentsLength(8)
        combo.addItem(_ANY, None)
        return combo

    def _connect_signals(self) -> None:
        self._search.textChanged.connect(self._filter_timer.start)
        self._filter_timer.timeout.connect(self.apply_filter)
        for combo in (self._endpoint, self._status, self._user, self._client):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.model.facets_changed.connect(self._refresh_facets)
        self.model.counts_changed.connect(self._show_counts)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._on_selection)
        scroll_bar = self.table.verticalScrollBar()
        scroll_bar.valueChanged.connect(self._on_scrolled)
        # The view lays new rows out lazily: the range grows after rowsInserted, so the tail
        # is followed when the range changes, not when the rows arrive.
        scroll_bar.rangeChanged.connect(self._on_range_changed)

    # --- filtering -------------------------------------------------------------------------
    @property
    def search(self) -> QLineEdit:
        """The free-text filter field (the window focuses it on Ctrl+F)."""
        return self._search

    def current_filter(self) -> LogFilter:
        """The filter described by the bar's fields."""
        from uid2_desk.ui.log.log_rows import LogFilter

        return LogFilter(
            text=self._search.text(),
            endpoint=self._endpoint.currentData(),
            status=self._status.currentData(),
            user=self._user.currentData(),
            client=self._client.currentData(),
        )

    def apply_filter(self) -> None:
        """Apply the bar's fields to the model now (the text field waits 150 ms first)."""
        self._filter_timer.stop()
        selected = self.selected_seq()
        self.model.set_filter(self.current_filter())
        if selected is not None:
            self.select_seq(selected)

    def set_combo_filter(self, which: str, value: str | None) -> None:
        """Pick ``value`` in the ``endpoint``, ``status``, ``user`` or ``client`` combo."""
        combo = {
            "endpoint": self._endpoint,
            "status": self._status,
            "user": self._user,
            "client": self._client,
        }[which]
        index = combo.findData(value) if value is not None else 0
        combo.setCurrentIndex(max(index, 0))

    def _refresh_facets(self) -> None:
        for combo, values in (
            (self._endpoint, self.model.endpoints()),
            (self._status, self.model.statuses()),
            (self._user, self.model.users()),
            (self._client, self.model.clients()),
        ):
            # What each combo offers is kept here: reading it back item by item cost the GUI
            # thread most of a second a minute with an outside client's thousands of users.
            offered = self._offered.setdefault(combo.objectName(), set())
            new = [value for value in values if value not in offered]
            if not new:
                continue
            offered.update(new)
            combo.blockSignals(True)
            for value in new:
                combo.addItem(value, value)
            combo.blockSignals(False)

    def _show_counts(self, shown: int, total: int) -> None:
        text = f"{total:,} entries" if shown == total else f"{shown:,} of {total:,}"
        if self.model.let_go:
            # The log keeps the newest rows only; the journal (and its exports) keep them all.
            text += f" (the {self.model.let_go:,} oldest let go; all are in the journal)"
            self._count.setToolTip("Export the session (File ▸ Export) to see every entry.")
        self._count.setText(text)

    def count_text(self) -> str:
        """The entry count shown in the filter bar."""
        return self._count.text()

    # --- selection and the tail -------------------------------------------------------------
    def selected_seq(self) -> int | None:
        """The journal ``seq`` of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row()).seq

    def select_seq(self, seq: int) -> bool:
        """Select the row of journal entry ``seq`` if it is shown."""
        row = self.model.row_of_seq(seq)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectRow(row)
        self.table.scrollTo(index)
        return True

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.entry_selected.emit(self.selected_seq())

    def _at_bottom(self) -> bool:
        bar = self.table.verticalScrollBar()
        return bar.value() >= bar.maximum() - 1

    def _on_scrolled(self, _value: int) -> None:
        self.following = self._at_bottom()

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self.following:
            self.table.verticalScrollBar().setValue(maximum)


#: The longest status word the log shows (a lifecycle state).
LONGEST_STATUS = "refresh_expired"
#: The user filter's width in characters (its list shows whole addresses when opened).
USER_COMBO_CHARS = 9
_WIDTHS = (
    (LogColumn.TIME, 96),
    (LogColumn.CLIENT, 110),
    (LogColumn.USER, 120),
    (LogColumn.STEP, 48),
    (LogColumn.STATUS, 92),
    (LogColumn.HTTP, 48),
    (LogColumn.LATENCY, 70),
)


def size_columns(table: QTableView) -> None:
    """The log's column widths (the live log's and an earlier session's): the endpoint takes
    what is left, and the status fits its longest state whole ("refresh_expi…" was cut)."""
    for column, width in _WIDTHS:
        table.setColumnWidth(column, width)
    status_width = table.fontMetrics().horizontalAdvance(LONGEST_STATUS) + 14
    table.setColumnWidth(LogColumn.STATUS, max(92, status_width))
    table.horizontalHeader().setSectionResizeMode(
        LogColumn.ENDPOINT, QHeaderView.ResizeMode.Stretch
    )

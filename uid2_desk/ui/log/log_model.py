"""The exchange log's table model: append-only, batched, filtered in place.

Lessons from MusicBrainz Picard's log view: rows are only ever *inserted* at the end
(``beginInsertRows``; never a reset on append, so the selection and the scroll position
survive a burst), bursts are gathered on a short named timer and inserted in one go, and
filtering is cheap. Filtering happens inside this model over pre-computed, lower-cased row
keys (one list comprehension over 100,000 rows takes a few tens of milliseconds), because a
``QSortFilterProxyModel`` calls back into Python once per row and cell (measured in
``tests/benchmarks/bench_ui.py``). Only a *filter change* resets the model.

The model holds at most :data:`MAX_ROWS` rows: past that, the oldest :data:`TRIM_ROWS` are
let go in one ``beginRemoveRows`` at the top (never a reset), so an outside client that
sends hundreds of requests a second for hours costs bounded memory. They stay in the journal
(the exports and ``uid2-desk sessions`` still have them); the count says how many went.

The column titles are :attr:`LogColumn.title`; the model has no ``headerData`` of its own,
because a view calls it with a ``Qt.Orientation`` as soon as it is given the model, which
would create every ``Qt`` enum while the window starts (see ``qt_values``). The log
panel's header reads the titles from a model of their own.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from uid2_desk.protocol.screen_mask import screen_text
from uid2_desk.ui.common.qt_values import (
    ALIGN_RIGHT,
    ALIGN_VCENTER,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)
from uid2_desk.ui.log.log_columns import LogColumn, display_text
from uid2_desk.ui.log.natural_order import naturally_sorted

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtCore import QPersistentModelIndex

    ModelIndex = QModelIndex | QPersistentModelIndex
    from uid2_desk.journal import JournalEntry
    from uid2_desk.ui.log.log_rows import LogFilter, LogRow


__all__ = [
    "BATCH_INTERVAL_MS",
    "MAX_ROWS",
    "ROW_ROLE",
    "TRIM_ROWS",
    "ExchangeLogModel",
    "LogColumn",
]

#: Bursts of appends closer together than this are inserted as one batch.
BATCH_INTERVAL_MS = 50

#: The most rows held (about 70 MB of rows at most); older ones are let go.
MAX_ROWS = 100_000
#: How many of the oldest rows go at once when the log is over :data:`MAX_ROWS`: one removal
#: (and one rebuild of the facets) per this many appends, not one per append.
TRIM_ROWS = 10_000

#: A role that returns the row's :class:`LogRow`.
ROW_ROLE = USER_ROLE + 1


#: The colour of each outcome in the Status column.
STATUS_COLOURS = {
    "success": QColor("#166534"),
    "optout": QColor("#7e22ce"),
    "error": QColor("#b91c1c"),
}


class ExchangeLogModel(QAbstractTableModel):
    """All journal entries of the session as rows, of which a filtered subset is shown.

    Signals:
        facets_changed(): a new endpoint, status, user or client appeared (refresh the
            filter combos).
        counts_changed(int, int): ``(shown, total)`` after an insert or a filter change.

    Attributes:
        log_filter: the filter in force (the rows and the filter are in
            :mod:`~uid2_desk.ui.log.log_rows`, imported with the first entry).
        masked: whether tooltips hide tokens and UIDs (the desk's one masking rule).
    """

    facets_changed = Signal()
    counts_changed = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filter: LogFilter | None = None
        self._rows: list[LogRow] = []
        self._shown: list[int] = []
        self._seen: set[int] = set()
        self._pending: list[LogRow] = []
        self._endpoints: set[str] = set()
        self._statuses: set[str] = set()
        self._users: set[str] = set()
        self._clients: set[str] = set()
        self.masked = False
        #: How many of the oldest rows were let go (see the module docstring).
        self.let_go = 0
        self._timer = QTimer(self)
        self._timer.setObjectName("log_batch_timer")
        self._timer.setSingleShot(True)
        self._timer.setInterval(BATCH_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)

    def set_masked(self, masked: bool) -> None:
        """Hide or show tokens and UIDs in the rows' tooltips (the summaries)."""
        self.masked = masked

    # --- feeding ---------------------------------------------------------------------------
    @property
    def log_filter(self) -> LogFilter:
        """The filter in force (at first, the one that shows everything)."""
        if self._filter is None:
            from uid2_desk.ui.log.log_rows import LogFilter

            self._filter = LogFilter()
        return self._filter

    def append_entry(self, entry: JournalEntry) -> None:
        """Queue one entry; it appears with the next batch (within 50 ms)."""
        self.append_entries((entry,))

    def append_entries(self, entries: Sequence[JournalEntry]) -> None:
        """Queue entries in journal order; they appear with the next batch (within 50 ms)."""
        from uid2_desk.ui.log.log_rows import LogRow

        self._pending.extend(LogRow.from_entry(entry) for entry in entries)
        if self._pending and not self._timer.isActive():
            self._timer.start()

    def append_rows(self, rows: list[LogRow]) -> None:
        """Insert rows now (bulk load, and the batch flush)."""
        fresh = [row for row in rows if row.seq not in self._seen]
        if not fresh:
            return
        self._seen.update(row.seq for row in fresh)
        before = self._facet_sizes()
        for row in fresh:
            self._endpoints.add(row.endpoint)
            self._clients.add(row.client)
            if row.status:
                self._statuses.add(row.status)
            if row.user:
                self._users.add(row.user)
        start = len(self._rows)
        self._rows.extend(fresh)
        accepted = [start + i for i, row in enumerate(fresh) if self.log_filter.accepts(row)]
        if accepted:
            first = len(self._shown)
            self.beginInsertRows(QModelIndex(), first, first + len(accepted) - 1)
            self._shown.extend(accepted)
            self.endInsertRows()
        if len(self._rows) > MAX_ROWS:
            self._trim(len(self._rows) - MAX_ROWS + TRIM_ROWS)
        elif before != self._facet_sizes():
            self.facets_changed.emit()
        self.counts_changed.emit(len(self._shown), len(self._rows))

    def _trim(self, count: int) -> None:
        """Let the oldest ``count`` rows go: one removal at the top, then the facets anew."""
        gone = bisect.bisect_left(self._shown, count)  # shown rows among the oldest ``count``
        if gone:
            self.beginRemoveRows(QModelIndex(), 0, gone - 1)
            del self._shown[:gone]
            self.endRemoveRows()
        # No signal between these: a view reads shown positions, which do not change here.
        self._seen.difference_update(row.seq for row in self._rows[:count])
        del self._rows[:count]
        self._shown = [i - count for i in self._shown]
        self.let_go += count
        rows = self._rows
        self._endpoints = {row.endpoint for row in rows}
        self._clients = {row.client for row in rows}
        self._statuses = {row.status for row in rows if row.status}
        self._users = {row.user for row in rows if row.user}
        self.facets_changed.emit()

    def _facet_sizes(self) -> tuple[int, int, int, int]:
        return (len(self._endpoints), len(self._statuses), len(self._users), len(self._clients))

    def flush(self) -> None:
        """Insert every queued entry as one batch."""
        self._timer.stop()
        pending, self._pending = self._pending, []
        self.append_rows(pending)

    def set_filter(self, log_filter: LogFilter) -> None:
        """Show only the rows ``log_filter`` accepts."""
        if log_filter == self.log_filter:
            return
        self._filter = log_filter
        from uid2_desk.ui.log.log_rows import matching_rows

        shown = matching_rows(self._rows, log_filter)
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()
        self.counts_changed.emit(len(self._shown), len(self._rows))

    # --- reading ---------------------------------------------------------------------------
    @property
    def total(self) -> int:
        """How many entries the model holds (shown or not)."""
        return len(self._rows)

    @property
    def pending(self) -> int:
        """How many entries wait for the next batch."""
        return len(self._pending)

    def endpoints(self) -> list[str]:
        """Every endpoint or event name seen, sorted."""
        return sorted(self._endpoints)

    def statuses(self) -> list[str]:
        """Every outcome seen, sorted."""
        return sorted(self._statuses)

    def users(self) -> list[str]:
        """Every test user seen, in natural order (``user-2`` before ``user-10``)."""
        return naturally_sorted(self._users)

    def clients(self) -> list[str]:
        """Every client seen (``UID2 Desk`` and each outside client's label), in natural order."""
        return naturally_sorted(self._clients)

    def row_at(self, row: int) -> LogRow:
        """The shown row number ``row``."""
        return self._rows[self._shown[row]]

    def row_of_seq(self, seq: int) -> int | None:
        """The shown row number of journal entry ``seq``, if shown."""
        for number in range(len(self._shown) - 1, -1, -1):
            if self._rows[self._shown[number]].seq == seq:
                return number
        return None

    # --- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Rows shown (none under a valid parent: this is a flat table)."""
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """One column per :class:`LogColumn`."""
        return 0 if parent.isValid() else len(LogColumn)

    def data(self, index: ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Cell text, colour, alignment and tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        row = self._rows[self._shown[index.row()]]
        return row if role == ROW_ROLE else cell(row, LogColumn(index.column()), role, self.masked)


def cell(row: LogRow, column: LogColumn, role: int, masked: bool) -> Any:
    """What a log cell shows for ``role`` (text, colour, alignment, tooltip), or ``None``.

    The live log and an earlier session's log both draw their cells with it, so masking and
    colours are the same in both.
    """
    if role == DISPLAY_ROLE:
        return display_text(row, column)
    if role == FOREGROUND_ROLE and column is LogColumn.STATUS:
        return STATUS_COLOURS.get(row.status)
    if role == TEXT_ALIGNMENT_ROLE and column in (LogColumn.HTTP, LogColumn.LATENCY):
        return ALIGN_RIGHT | ALIGN_VCENTER
    if role == TOOLTIP_ROLE:
        summary = screen_text(row.summary, masked)
        return f"{summary}\n{row.why}" if row.why else summary
    return None

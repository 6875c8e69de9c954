"""A read-only log of one earlier session that holds only the pages the view shows.

The model knows the session's entry numbers (``seq``, from one index-only query) and so
its length at once; a row's text is fetched with its page (:data:`PAGE_ROWS` entries, one
``after_seq`` query on a journal reader thread) the first time the view asks for it, and
shown as ``…`` until then. At most :data:`KEPT_PAGES` pages stay in memory, the ones read
longest ago dropping first, so a 100,000-entry session costs what the window shows, not its
size. The columns and their texts are the live log's
(:mod:`~uid2_desk.ui.log.log_model`).
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from uid2_desk.ui.common.qt_values import (
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
)
from uid2_desk.ui.log.log_columns import LogColumn
from uid2_desk.ui.log.log_model import cell

if TYPE_CHECKING:
    from PySide6.QtCore import QPersistentModelIndex

    from uid2_desk.journal import JournalEntry
    from uid2_desk.ui.log.log_rows import LogRow

    ModelIndex = QModelIndex | QPersistentModelIndex

#: Entries fetched at a time.
PAGE_ROWS = 200
#: Pages kept in memory (the view's few, and some on either side).
KEPT_PAGES = 40
#: What an unloaded row shows until its page arrives.
LOADING = "…"


class PagedLogModel(QAbstractTableModel):
    """The rows of one earlier session, fetched a page at a time.

    ``request(page, first_seq)`` is called (once per page until it arrives) when the view
    wants a row of a page not held; the caller reads the page off the GUI thread and hands
    the entries to :meth:`page_loaded`.

    Attributes:
        pages_read: how many pages have arrived so far (tests and the count label).
    """

    def __init__(self, request: Callable[[int, int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._request = request
        self._seqs: list[int] = []
        self._pages: OrderedDict[int, list[LogRow]] = OrderedDict()
        self._asked: set[int] = set()
        self._generation = 0
        self.pages_read = 0
        #: Whether tooltips hide tokens (View ▸ Mask tokens), as the live log's do.
        self.masked = False

    # --- feeding ---------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Bumped by :meth:`set_seqs`: a page read for an older list is dropped."""
        return self._generation

    def set_seqs(self, seqs: list[int]) -> None:
        """Show the entries ``seqs`` (ascending): the whole session, or a filter's matches."""
        self.beginResetModel()
        self._seqs = list(seqs)
        self._pages.clear()
        self._asked.clear()
        self._generation += 1
        self.endResetModel()

    def page_loaded(self, generation: int, page: int, entries: list[JournalEntry]) -> None:
        """Page ``page`` arrived (ignored if the rows were replaced since it was asked)."""
        from uid2_desk.ui.log.log_rows import LogRow

        if generation != self._generation:
            return
        self._asked.discard(page)
        first = page * PAGE_ROWS
        wanted = self._seqs[first : first + PAGE_ROWS]
        by_seq = {e.seq: LogRow.from_entry(e) for e in entries}
        rows = [by_seq[s] for s in wanted if s in by_seq]
        if len(rows) != len(wanted):
            return  # the journal changed under us (pruned): the rows stay "…"
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        self.pages_read += 1
        last = first + len(rows) - 1
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(LogColumn) - 1))

    # --- reading ---------------------------------------------------------------------------
    @property
    def seqs(self) -> list[int]:
        """The entry numbers shown, ascending."""
        return self._seqs

    def seq_at(self, row: int) -> int:
        """The journal ``seq`` of row ``row`` (known without its page)."""
        return self._seqs[row]

    def row_of_seq(self, seq: int) -> int | None:
        """The row of entry ``seq``, if shown."""
        row = bisect.bisect_left(self._seqs, seq)
        return row if row < len(self._seqs) and self._seqs[row] == seq else None

    def first_seq_of_page(self, page: int) -> int:
        """The first entry number of page ``page``."""
        return self._seqs[page * PAGE_ROWS]

    def row_at(self, row: int) -> LogRow | None:
        """Row ``row``'s :class:`LogRow`, or ``None`` (and its page asked for) if not held."""
        page = row // PAGE_ROWS
        rows = self._pages.get(page)
        if rows is None:
            if page not in self._asked:
                self._asked.add(page)
                self._request(page, self._seqs[page * PAGE_ROWS])
            return None
        return rows[row - page * PAGE_ROWS]

    # --- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Every entry of the session (or of the filter)."""
        return 0 if parent.isValid() else len(self._seqs)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """The live log's columns."""
        return 0 if parent.isValid() else len(LogColumn)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        """The live log's column titles."""
        if role == DISPLAY_ROLE and orientation == Qt.Orientation.Horizontal:
            return LogColumn(section).title
        return None

    def data(self, index: ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Cell text, colour, alignment and tooltip, as the live log shows them."""
        if not index.isValid() or not 0 <= index.row() < len(self._seqs):
            return None
        if role not in (DISPLAY_ROLE, FOREGROUND_ROLE, TEXT_ALIGNMENT_ROLE, TOOLTIP_ROLE):
            return None
        column = LogColumn(index.column())
        row = self.row_at(index.row())
        if row is None:
            return LOADING if role == DISPLAY_ROLE and column is LogColumn.TIME else None
        return cell(row, column, role, self.masked)

    def set_masked(self, masked: bool) -> None:
        """Hide or show tokens in the tooltips (View ▸ Mask tokens)."""
        self.masked = masked

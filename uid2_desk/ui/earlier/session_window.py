"""One earlier session, reopened read-only: its log, inspector and sequence diagram.

A window of its own, so the live session keeps running (and logging) in the desk window
behind it. An amber band across the top says which session this is and that it is read-only;
*Back to the live session* closes it and brings the desk window forward.

Nothing is read on the GUI thread: the session's entry numbers (one index-only query), each
page of rows the log shows (:class:`~uid2_desk.ui.earlier.paged_model.PagedLogModel`), the
selected entry for the inspector and the selected row's page for the diagram are all read
on the journal's reader threads, through ``read`` (:meth:`AsyncJournal.read` of the running
desk's journal). A text filter asks the journal (its full-text index) for the matching
entry numbers, so it costs the same for 100 entries or 100,000.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QSplitter, QVBoxLayout, QWidget

from uid2_desk.journal import JournalFilter
from uid2_desk.ui.common.tasks import TaskRunner
from uid2_desk.ui.earlier.paged_model import PAGE_ROWS, PagedLogModel
from uid2_desk.ui.earlier.session_parts import EarlierBand, log_table
from uid2_desk.ui.log.exchange_inspector import ExchangeInspector
from uid2_desk.ui.walkthrough.sequence_view import SequenceFeed, SequenceView

if TYPE_CHECKING:
    from uid2_desk.journal import Journal, JournalEntry
    from uid2_desk.journal.sessions import SessionInfo

#: Runs ``fn(journal)`` on a reader thread of the running desk's journal.
Reader = Callable[[Callable[["Journal"], Any]], Coroutine[Any, Any, Any]]
#: The text filter settles this long before the journal is asked.
FILTER_DELAY_MS = 200


class EarlierSessionWindow(QMainWindow):
    """An earlier session, read-only (see the module docstring).

    Signals:
        back_requested(): *Back to the live session* was pressed (the window closes).

    Attributes:
        info: the session shown.
        band: the amber band naming it.
        model: its rows, paged.
        table: the log's view.
        inspector: the selected entry in full.
        diagram: the sequence diagram of the selected row's page.
        reads: the runner of every journal read.
    """

    back_requested = Signal()

    def __init__(self, info: SessionInfo, read: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("earlier_session_window")
        # Closed is gone: reopening builds it again (its cancelled reads would leave rows on "…").
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.info = info
        self._read = read
        self._filter = JournalFilter(session=info.session)
        self._diagram_page: int | None = None
        self.setWindowTitle(f"UID2 Desk — earlier session {info.session} (read-only)")
        self.resize(1400, 900)
        self.reads = TaskRunner(self)
        self.model = PagedLogModel(self._read_page, self)
        central = QWidget(self)
        self.setCentralWidget(central)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.band = EarlierBand(info, central)
        layout.addWidget(self.band)
        body = QWidget(central)
        layout.addWidget(body, 1)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(6, 4, 6, 4)
        self.search = QLineEdit(body)
        self.search.setObjectName("earlier_search")
        self.search.setPlaceholderText("Filter this session (words of the rows and details)")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel("Reading the session…", body)
        self.count.setObjectName("earlier_count")
        self.problem = QLabel(body)
        self.problem.setObjectName("earlier_problem")
        self.problem.setStyleSheet("color:#b91c1c")
        self.problem.hide()
        body_layout.addWidget(self.search)
        body_layout.addWidget(self.count)
        body_layout.addWidget(self.problem)
        main = QSplitter(parent=body)
        main.setObjectName("earlier_main_splitter")
        main.setOrientation(Qt.Orientation.Vertical)
        body_layout.addWidget(main, 1)
        top = QSplitter(parent=main)
        self.table = log_table(self.model, top)
        self.inspector = ExchangeInspector(top)
        top.setSizes([820, 560])
        diagram_box = QWidget(main)
        diagram_layout = QVBoxLayout(diagram_box)
        diagram_layout.setContentsMargins(0, 4, 0, 0)
        self.diagram_caption = QLabel(diagram_box)
        self.diagram_caption.setObjectName("earlier_diagram_caption")
        self.diagram = SequenceView(parent=diagram_box)
        self.diagram.set_following(False)
        diagram_layout.addWidget(self.diagram_caption)
        diagram_layout.addWidget(self.diagram, 1)
        main.setSizes([520, 330])
        self._feed = SequenceFeed(max_entries=PAGE_ROWS, parent=self)
        self._filter_timer = QTimer(self)
        self._filter_timer.setObjectName("earlier_filter_timer")
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._wire()

    def _wire(self) -> None:
        self.band.back.clicked.connect(self.go_back)
        self.search.textChanged.connect(self._filter_timer.start)
        self._filter_timer.timeout.connect(self.apply_filter)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())
        self._feed.diagram_changed.connect(self.diagram.set_diagram)
        self.diagram.entry_clicked.connect(self.select_seq)
        self.reads.failed.connect(self._show_problem)

    # --- reading -------------------------------------------------------------------------------
    def start(self) -> None:
        """Read the session's entry numbers; the view then asks for its pages."""
        self._load_seqs()

    def apply_filter(self) -> None:
        """Show only the entries whose text holds every word of the filter field."""
        self._filter_timer.stop()
        self._filter = JournalFilter(session=self.info.session, text=self.search.text())
        self._load_seqs()

    def _load_seqs(self) -> None:
        wanted = self._filter
        self.reads.run(
            "Read the session", self._read(lambda j: j.seqs(wanted)), self._show_seqs(wanted)
        )

    def _show_seqs(self, wanted: JournalFilter) -> Callable[[list[int]], None]:
        def show(seqs: list[int]) -> None:
            if wanted != self._filter:
                return  # a newer filter is on its way
            self.model.set_seqs(seqs)
            self._diagram_page = None
            shown = f"{len(seqs):,} entries"
            if wanted.text.strip():
                shown = f"{len(seqs):,} of {self.info.entries:,} entries match"
            self.count.setText(f"{shown} · read-only")
            if seqs:
                self.table.selectRow(0)
            else:
                self.inspector.show_entry(None)
                self._feed.reset(())
                self.diagram_caption.setText("No entry to draw.")

        return show

    def _read_page(self, page: int, first_seq: int) -> None:
        wanted, generation = self._filter, self.model.generation

        def rows(journal: Journal) -> list[JournalEntry]:
            return journal.entries(
                wanted, after_seq=first_seq - 1, limit=PAGE_ROWS, with_exchanges=True
            )

        def arrived(entries: list[JournalEntry]) -> None:
            self.model.page_loaded(generation, page, entries)
            if page == self._diagram_page:
                self._draw_page(entries)

        self.reads.run("Read a page of the session", self._read(rows), arrived)

    # --- selection, inspector and diagram ------------------------------------------------------
    def selected_seq(self) -> int | None:
        """The journal ``seq`` of the selected row, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.seq_at(rows[0].row()) if rows else None

    def select_seq(self, seq: int) -> bool:
        """Select entry ``seq``'s row (from a click on the diagram)."""
        row = self.model.row_of_seq(seq)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _on_selection(self) -> None:
        seq = self.selected_seq()
        if seq is None:
            return
        self.reads.run(
            "Open the entry", self._read(lambda j: j.get(seq)), self.inspector.show_entry
        )
        row = self.model.row_of_seq(seq)
        page = 0 if row is None else row // PAGE_ROWS
        if page != self._diagram_page:
            self._diagram_page = page
            self._read_page(page, self.model.first_seq_of_page(page))
        else:
            self.diagram.select_seq(seq)

    def _draw_page(self, entries: list[JournalEntry]) -> None:
        self._feed.reset(entries)
        if entries:
            first = (self._diagram_page or 0) * PAGE_ROWS + 1
            self.diagram_caption.setText(
                f"Sequence diagram of rows {first:,}–{first + len(entries) - 1:,} "
                f"(the selected row's page of {PAGE_ROWS})"
            )
        self.diagram.select_seq(self.selected_seq())

    def _show_problem(self, what: str, message: str) -> None:
        self.problem.setText(f"{what} failed: {message}")
        self.problem.show()

    def set_masked(self, masked: bool) -> None:
        """Hide or show tokens, UIDs and keys, as View ▸ Mask tokens does in the desk window."""
        self.model.set_masked(masked)
        self.inspector.set_masked(masked)

    # --- leaving -------------------------------------------------------------------------------
    def go_back(self) -> None:
        """Close this window and bring the live desk window forward."""
        self.back_requested.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Stop reading: nothing of this window outlives it."""
        self.reads.cancel_all()
        self._filter_timer.stop()
        super().closeEvent(event)

"""File ▸ Earlier sessions…: the journal's sessions listed, and one reopened read-only.

The desk is relaunched on the same data folder, as a person does: the first run's session is
then an earlier one. A 100,000-entry session opens paged: the rows are asked of the journal
a page at a time as the view shows them, on its reader threads, and the GUI thread keeps
answering meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.desk_fixture import Desk, close_desk, open_desk
from tests.ui.entries import many_entries
from tests.ui.model_check import check_model
from uid2_desk.journal import JOURNAL_FILE, Journal
from uid2_desk.protocol.screen_mask import SCREEN_MASK
from uid2_desk.ui.earlier.paged_model import LOADING, PAGE_ROWS, PagedLogModel
from uid2_desk.ui.earlier.session_window import EarlierSessionWindow
from uid2_desk.ui.log.log_model import LogColumn

# Showing a top-level window on the offscreen platform logs this; it is not ours.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _reopen(desk: Desk, session: str) -> EarlierSessionWindow:
    earlier = desk.window.earlier_sessions
    earlier.action.trigger()
    dialog = earlier.dialog
    assert dialog is not None
    desk.qtbot.waitUntil(lambda: bool(dialog.infos), timeout=10_000)
    row = next(r for r, info in enumerate(dialog.infos) if info.session == session)
    dialog.table.selectRow(row)
    dialog.open_selected()
    window = earlier.windows[session]
    desk.qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    return window


def _cell(window: EarlierSessionWindow, row: int, column: LogColumn) -> str:
    return str(window.model.index(row, column).data())


def test_an_earlier_session_is_listed_and_reopened_read_only(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    first = open_desk(qtbot, loop, tmp_path / "desk")
    try:
        first.sign_in("jane@example.com")
        earlier_session = first.services.publisher.session
    finally:
        close_desk(first)
    desk = open_desk(qtbot, loop, tmp_path / "desk")
    try:
        qtbot.waitUntil(lambda: desk.window.ready, timeout=15_000)
        live = desk.services.publisher.session
        file_menu = desk.window.menuBar().actions()[0].menu()
        assert file_menu.actions()[0].text() == "&Earlier sessions…"

        window = _reopen(desk, earlier_session)
        dialog = desk.window.earlier_sessions.dialog
        assert dialog is not None
        # Newest first: the live session, marked, then the one of the first run.
        assert [i.session for i in dialog.infos] == [live, earlier_session]
        assert dialog.table.item(0, 0).text() == f"{live} (live)"
        info = dialog.infos[1]
        assert (dialog.table.item(1, 2).text(), info.producer) == ("desk", "desk")
        assert dialog.table.item(1, 3).text() == str(info.exchanges) == "1"

        assert window.windowTitle() == f"UID2 Desk — earlier session {earlier_session} (read-only)"
        band = window.band.label.text()
        assert band.startswith(f"EARLIER SESSION (read-only) · {earlier_session} · started ")
        assert "produced by desk · 1 exchanges" in band
        assert window.model.rowCount() == info.entries
        earlier_seqs = set(window.model.seqs)
        qtbot.waitUntil(lambda: _cell(window, 0, LogColumn.TIME) != LOADING, timeout=10_000)
        endpoints = [_cell(window, r, LogColumn.ENDPOINT) for r in range(info.entries)]
        assert endpoints[0] == "· sign_in_requested"
        assert "/v2/token/generate" in endpoints
        # The first row is selected: the inspector and the diagram show it.
        qtbot.waitUntil(lambda: window.inspector.entry is not None, timeout=10_000)
        assert window.inspector.entry.session == earlier_session
        qtbot.waitUntil(lambda: bool(window.diagram.diagram.arrows), timeout=10_000)
        generate = endpoints.index("/v2/token/generate")
        seq = window.model.seq_at(generate)
        assert window.select_seq(seq)
        qtbot.waitUntil(
            lambda: window.inspector.entry is not None and window.inspector.entry.seq == seq,
            timeout=10_000,
        )
        summary = window.inspector.tab_text("Summary")
        assert "Step\n1-d" in summary
        assert "/v2/token/generate" in summary
        # A filter asks the journal: only the matching rows remain.
        window.search.setText("token/generate")
        window.apply_filter()
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
        assert "1 of" in window.count.text()
        # The live log never received the earlier rows; back closes the earlier window.
        desk.window.log_model.flush()
        live_log = desk.window.log_model
        live_seqs = {live_log.row_at(r).seq for r in range(live_log.rowCount())}
        assert not live_seqs & earlier_seqs
        # View ▸ Mask tokens reaches the earlier window too: its inspector and its tooltips.
        reply = json.loads(window.inspector.entry.exchange.response_plaintext)
        token = reply["body"]["advertising_token"]
        assert token in window.inspector.tab_text("Reply")
        desk.window.desk_actions.mask_tokens.setChecked(True)
        assert token not in window.inspector.tab_text("Reply")
        assert SCREEN_MASK in window.inspector.tab_text("Reply")
        assert window.model.masked
        desk.window.desk_actions.mask_tokens.setChecked(False)
        assert token in window.inspector.tab_text("Reply")
        qtbot.mouseClick(window.band.back, Qt.MouseButton.LeftButton)
        assert not window.isVisible()
        # Closed is gone; reopening builds it again and reads its rows anew.
        qtbot.waitUntil(lambda: earlier_session not in desk.window.earlier_sessions.windows)
        again = desk.window.earlier_sessions.reopen(info)
        assert again is not None
        assert again.isVisible()
        qtbot.waitUntil(lambda: _cell(again, 0, LogColumn.TIME) != LOADING, timeout=10_000)
    finally:
        desk.settle()
        close_desk(desk)
    assert not again.isVisible()


def _big_earlier_session(data_dir: Path, count: int) -> str:
    """``count`` events in one earlier session, written in one transaction (as a bulk import)."""
    data_dir.mkdir(parents=True)
    path = data_dir / JOURNAL_FILE
    with Journal.open(path) as journal:
        journal.release()
    session = "20260101T000000Z-big1"
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO entry (at_ms, kind, name, session, user, environment, step, outcome,"
            " summary, detail, search) VALUES (?, 'event', 'user_returns', ?, ?, 'local', '3-a',"
            " NULL, ?, '[]', ?)",
            (
                (1_767_225_600_000 + i, session, f"user{i % 50}@example.com",
                 f"entry {i}", f"user_returns entry {i}")
                for i in range(count)
            ),
        )  # fmt: skip
        db.execute("COMMIT")
    finally:
        db.close()
    return session


@pytest.mark.slow
def test_a_100k_entry_session_opens_paged_without_freezing_the_window(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    count = 100_000
    session = _big_earlier_session(tmp_path / "desk", count)
    desk = open_desk(qtbot, loop, tmp_path / "desk")
    gaps: list[float] = []
    ticks: list[float] = []

    def tick() -> None:
        now = time.monotonic()
        if ticks:
            gaps.append((now - ticks[-1]) * 1000.0 - 5)
        ticks.append(now)

    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(5)
    probe.timeout.connect(tick)
    try:
        qtbot.waitUntil(lambda: desk.window.ready, timeout=15_000)
        probe.start()
        window = _reopen(desk, session)
        window.resize(1400, 900)
        window.show()
        assert window.model.rowCount() == count
        qtbot.waitUntil(lambda: _cell(window, 0, LogColumn.TIME) != LOADING, timeout=10_000)
        # Only what the view shows was read: the first page, not the session.
        assert window.model.pages_read <= 3
        window.table.scrollToBottom()
        qtbot.waitUntil(
            lambda: _cell(window, count - 1, LogColumn.ENDPOINT) == "· user_returns",
            timeout=10_000,
        )
        window.select_seq(window.model.seq_at(count - 1))
        qtbot.waitUntil(
            lambda: (
                window.inspector.entry is not None
                and window.inspector.entry.summary == f"entry {count - 1}"
            ),
            timeout=10_000,
        )
        probe.stop()
        assert window.model.pages_read <= 8
        assert len(window.model.seqs) == count
        # The GUI thread kept answering (5 ms ticks; the machine is shared, hence the slack).
        assert ticks, "the probe never ticked"
        assert max(gaps, default=0.0) < 250.0, f"longest stall {max(gaps):.0f} ms"
        window.close()
        window.deleteLater()
    finally:
        probe.stop()
        desk.settle()
        close_desk(desk)


def test_the_paged_model_asks_each_page_once_and_drops_pages_read_for_an_older_list(
    qtmodeltester: ModelTester,
) -> None:
    asked: list[tuple[int, int]] = []
    model = PagedLogModel(lambda page, first: asked.append((page, first)))
    entries = many_entries(PAGE_ROWS + 10)
    model.set_seqs([e.seq for e in entries])
    assert model.index(PAGE_ROWS + 3, LogColumn.TIME).data() == LOADING
    assert model.index(PAGE_ROWS + 4, LogColumn.TIME).data() == LOADING
    assert asked == [(1, entries[PAGE_ROWS].seq)]  # one request for the page, however asked
    generation = model.generation
    model.page_loaded(generation, 1, entries[PAGE_ROWS:])
    assert model.index(PAGE_ROWS + 3, LogColumn.ENDPOINT).data() == entries[PAGE_ROWS + 3].name
    model.set_seqs([e.seq for e in entries[:5]])
    model.page_loaded(generation, 0, entries[:PAGE_ROWS])  # read for the list replaced
    assert model.index(0, LogColumn.TIME).data() == LOADING
    assert model.row_of_seq(entries[4].seq) == 4
    assert model.row_of_seq(entries[7].seq) is None
    check_model(qtmodeltester, model)

"""The exchange log: append-only inserts in batches, filtering, and following the tail."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.entries import captured_entry, event_entry, exchange_entry, many_entries
from tests.ui.model_check import check_model
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.ui.log.log_model import ROW_ROLE, ExchangeLogModel, LogColumn
from uid2_desk.ui.log.log_panel import ExchangeLogPanel
from uid2_desk.ui.log.log_rows import LogFilter, LogRow

# Showing a top-level window on the offscreen platform logs this; it is not ours.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def test_log_model_passes_the_model_tester_while_rows_arrive_and_filters_change(
    qtmodeltester: ModelTester,
) -> None:
    model = ExchangeLogModel()
    check_model(qtmodeltester, model)
    model.append_rows([LogRow.from_entry(e) for e in many_entries(40)])
    model.append_rows([LogRow.from_entry(event_entry(41))])
    model.set_filter(LogFilter(status="error"))
    model.append_rows([LogRow.from_entry(e) for e in many_entries(8, start=42)])
    model.set_filter(LogFilter())
    check_model(qtmodeltester, model)
    assert model.rowCount() == 49


def test_appends_are_inserted_at_the_end_and_never_reset_the_model(qtbot: QtBot) -> None:
    model = ExchangeLogModel()
    model.append_rows([LogRow.from_entry(e) for e in many_entries(5)])
    resets: list[bool] = []
    inserts: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))
    for entry in many_entries(3, start=6):
        model.append_entry(entry)
    assert model.rowCount() == 5  # still queued
    assert model.pending == 3
    with qtbot.waitSignal(model.rowsInserted, timeout=1000):
        pass
    assert model.rowCount() == 8
    assert inserts == [(5, 7)]  # one batch for the burst
    assert resets == []


def test_an_entry_seen_twice_is_listed_once() -> None:
    model = ExchangeLogModel()
    model.append_rows([LogRow.from_entry(exchange_entry(1))])
    model.append_rows([LogRow.from_entry(exchange_entry(1)), LogRow.from_entry(exchange_entry(2))])
    assert model.rowCount() == 2


def test_cells_show_time_user_step_endpoint_status_http_and_latency() -> None:
    model = ExchangeLogModel()
    model.append_rows([LogRow.from_entry(exchange_entry(7, outcome="optout"))])

    def cell(column: LogColumn) -> object:
        return model.index(0, column).data()

    assert str(cell(LogColumn.TIME)).count(":") == 2
    assert cell(LogColumn.USER) == "validate@example.com"
    assert cell(LogColumn.STEP) == "1-d"
    assert cell(LogColumn.ENDPOINT) == "/v2/token/generate"
    assert cell(LogColumn.STATUS) == "optout"
    assert cell(LogColumn.HTTP) == "200"
    assert cell(LogColumn.LATENCY) == "12 ms"
    assert model.index(0, 0).data(ROW_ROLE).seq == 7


def test_the_log_table_header_names_every_column(qtbot: QtBot) -> None:
    panel = ExchangeLogPanel(ExchangeLogModel())
    qtbot.addWidget(panel)
    header = panel.table.horizontalHeader()
    titles = [
        header.model().headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())
    ]
    assert titles == [column.title for column in LogColumn]
    assert titles[LogColumn.HTTP] == "HTTP"


@pytest.mark.parametrize(
    ("log_filter", "expected"),
    [
        (LogFilter(), 40),
        (LogFilter(status="error"), 10),
        (LogFilter(endpoint="/v2/token/refresh"), 10),
        (LogFilter(user="+12345678901"), 10),
        (LogFilter(text="REFRESH"), 10),
        (LogFilter(text="REFRESH 400"), 0),
        (LogFilter(text="logout 400"), 10),
        (LogFilter(text="generate", status="success"), 10),
    ],
)
def test_filters_narrow_by_text_endpoint_status_and_user(
    log_filter: LogFilter, expected: int
) -> None:
    model = ExchangeLogModel()
    model.append_rows([LogRow.from_entry(e) for e in many_entries(40)])
    model.set_filter(log_filter)
    assert model.rowCount() == expected
    assert all(log_filter.accepts(model.row_at(i)) for i in range(model.rowCount()))


def test_rows_arriving_under_a_filter_appear_only_if_they_match() -> None:
    model = ExchangeLogModel()
    model.set_filter(LogFilter(status="optout"))
    model.append_rows([LogRow.from_entry(e) for e in many_entries(8)])
    assert model.rowCount() == 2
    assert model.total == 8


def test_panel_filters_from_its_bar_and_offers_the_values_seen(qtbot: QtBot) -> None:
    model = ExchangeLogModel()
    panel = ExchangeLogPanel(model)
    qtbot.addWidget(panel)
    model.append_rows([LogRow.from_entry(e) for e in many_entries(12)])
    panel.set_combo_filter("user", "optout@example.com")
    assert model.rowCount() == 3
    panel.set_combo_filter("user", None)
    panel.search.setText("logout")
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        pass  # the text filter waits for typing to settle
    assert model.rowCount() == 3


def test_selection_survives_appends_and_names_the_entry(qtbot: QtBot) -> None:
    model = ExchangeLogModel()
    panel = ExchangeLogPanel(model)
    qtbot.addWidget(panel)
    model.append_rows([LogRow.from_entry(e) for e in many_entries(10)])
    with qtbot.waitSignal(panel.entry_selected) as blocker:
        assert panel.select_seq(4)
    assert blocker.args == [4]
    model.append_rows([LogRow.from_entry(e) for e in many_entries(5, start=11)])
    assert panel.selected_seq() == 4


def test_view_follows_the_tail_only_while_at_the_bottom(qtbot: QtBot) -> None:
    model = ExchangeLogModel()
    panel = ExchangeLogPanel(model)
    qtbot.addWidget(panel)
    panel.resize(800, 300)
    panel.show()
    qtbot.waitExposed(panel)
    bar = panel.table.verticalScrollBar()
    model.append_rows([LogRow.from_entry(e) for e in many_entries(200)])
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=2000)
    # The person scrolls up to read: new rows must not drag the view away.
    bar.setValue(10)
    assert not panel.following
    model.append_rows([LogRow.from_entry(e) for e in many_entries(50, start=201)])
    qtbot.wait(50)
    assert bar.value() == 10
    # Back at the bottom, the view follows again.
    bar.setValue(bar.maximum())
    assert _following(panel)
    model.append_rows([LogRow.from_entry(e) for e in many_entries(50, start=251)])
    bottom = panel.table.viewport().rect().bottom() - 2
    qtbot.waitUntil(lambda: panel.table.rowAt(bottom) == 299, timeout=2000)
    assert panel.following


def _following(panel: ExchangeLogPanel) -> bool:
    # Read through a call: mypy would keep the attribute narrowed across setValue().
    return panel.following


BACKEND = CapturedClient(
    role="publisher", key="UID2-C-L-999-ab…", client_version="uid2-client-python-2.4.0"
)
PREBID = CapturedClient(
    role="cstg", client_version="PrebidJS-11.36.0-UID2Module-1.1", origin="https://news.example"
)


def test_the_client_column_names_the_desk_or_the_outside_client_that_sent_the_request() -> None:
    model = ExchangeLogModel()
    model.append_rows(
        [
            LogRow.from_entry(exchange_entry(1)),
            LogRow.from_entry(captured_entry(2, BACKEND)),
            LogRow.from_entry(captured_entry(3, PREBID, endpoint="/v2/token/client-generate")),
            LogRow.from_entry(event_entry(4)),
        ]
    )
    clients = [model.index(row, LogColumn.CLIENT).data() for row in range(4)]
    assert clients == ["UID2 Desk", "Your backend", "Browser: Prebid.js 11.36", "UID2 Desk"]
    assert model.clients() == ["Browser: Prebid.js 11.36", "UID2 Desk", "Your backend"]


def test_the_client_filter_keeps_one_client_and_new_rows_of_it_arrive_without_a_reset(
    qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    model = ExchangeLogModel()
    panel = ExchangeLogPanel(model)
    qtbot.addWidget(panel)
    model.append_rows(
        [LogRow.from_entry(exchange_entry(1)), LogRow.from_entry(captured_entry(2, BACKEND))]
    )
    panel.set_combo_filter("client", "Your backend")
    assert [model.row_at(r).seq for r in range(model.rowCount())] == [2]
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.append_rows(
        [LogRow.from_entry(exchange_entry(3)), LogRow.from_entry(captured_entry(4, BACKEND))]
    )
    assert [model.row_at(r).seq for r in range(model.rowCount())] == [2, 4]
    assert resets == []
    check_model(qtmodeltester, model)
    panel.set_combo_filter("client", None)
    assert model.rowCount() == 4


def test_the_free_text_filter_finds_a_client_by_name() -> None:
    model = ExchangeLogModel()
    model.append_rows(
        [LogRow.from_entry(exchange_entry(1)), LogRow.from_entry(captured_entry(2, PREBID))]
    )
    model.set_filter(LogFilter(text="prebid"))
    assert [model.row_at(r).seq for r in range(model.rowCount())] == [2]

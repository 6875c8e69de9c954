"""The exchange log holds a bounded number of rows: the oldest go by removal, never a reset.

The bounds are made small here (30 rows, 10 let go at a time) so the behaviour is seen with a
few dozen rows; the real ones (:data:`MAX_ROWS`, :data:`TRIM_ROWS`) are the same code.
"""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.entries import exchange_entry, many_entries
from tests.ui.model_check import check_model
from uid2_desk.ui.log import log_model
from uid2_desk.ui.log.log_model import ExchangeLogModel
from uid2_desk.ui.log.log_panel import ExchangeLogPanel
from uid2_desk.ui.log.log_rows import LogFilter, LogRow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture(autouse=True)
def _small_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(log_model, "MAX_ROWS", 30)
    monkeypatch.setattr(log_model, "TRIM_ROWS", 10)


def _rows(count: int, start: int = 1) -> list[LogRow]:
    return [LogRow.from_entry(e) for e in many_entries(count, start=start)]


def _seqs(model: ExchangeLogModel) -> list[int]:
    return [model.row_at(i).seq for i in range(model.rowCount())]


def test_past_the_bound_the_oldest_rows_are_removed_at_the_top_never_reset(
    qtmodeltester: ModelTester,
) -> None:
    model = ExchangeLogModel()
    check_model(qtmodeltester, model)
    resets: list[bool] = []
    removed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    for start in range(1, 101, 5):  # 100 rows in batches of 5
        model.append_rows(_rows(5, start=start))
        assert model.total <= 30
    check_model(qtmodeltester, model)
    assert resets == []
    assert removed  # every removal starts at the top row
    assert all(first == 0 for first, _ in removed)
    assert _seqs(model) == list(range(101 - model.total, 101))  # the newest, in order
    assert model.let_go == 100 - model.total


def test_under_a_filter_only_the_shown_rows_among_the_oldest_leave_the_view() -> None:
    model = ExchangeLogModel()
    model.set_filter(LogFilter(status="error"))  # every fourth row
    for start in range(1, 61, 6):
        model.append_rows(_rows(6, start=start))
    held = model.total
    assert held <= 30
    assert _seqs(model) == [s for s in range(61 - held, 61) if s % 4 == 3]
    model.set_filter(LogFilter())
    assert _seqs(model) == list(range(61 - held, 61))


def test_a_value_seen_only_in_rows_let_go_leaves_the_filter_choices() -> None:
    model = ExchangeLogModel()
    model.append_rows([LogRow.from_entry(exchange_entry(1, user="gone@example.com"))])
    assert "gone@example.com" in model.users()
    model.append_rows(_rows(40, start=2))
    assert "gone@example.com" not in model.users()
    model.append_rows([LogRow.from_entry(exchange_entry(1, user="gone@example.com"))])
    assert model.total <= 30


def test_the_selected_row_stays_selected_when_older_rows_go(qtbot: QtBot) -> None:
    model = ExchangeLogModel()
    panel = ExchangeLogPanel(model)
    qtbot.addWidget(panel)
    model.append_rows(_rows(25))
    assert panel.select_seq(24)
    model.append_rows(_rows(10, start=26))  # 35 rows: the oldest 15 go
    assert panel.selected_seq() == 24
    assert "let go" in panel.count_text()


def test_the_user_filter_keeps_its_width_however_many_users_the_log_has(qtbot: QtBot) -> None:
    # An outside client's load test brings thousands of users; a combo sized to its contents
    # measured every one of them on each layout pass (a third of the GUI thread's time).
    import dataclasses

    from PySide6.QtWidgets import QComboBox

    model = ExchangeLogModel()
    panel = ExchangeLogPanel(model)
    qtbot.addWidget(panel)
    users = panel.findChild(QComboBox, "log_user_filter")
    endpoints = panel.findChild(QComboBox, "log_endpoint_filter")
    assert users is not None
    assert endpoints is not None
    model.append_entries([dataclasses.replace(exchange_entry(1), user="a@example.com")])
    model.flush()
    narrow = users.sizeHint().width()
    model.append_entries(
        [
            dataclasses.replace(exchange_entry(seq), user=f"user-{seq}-of-a-load-test@example.com")
            for seq in range(2, 502)
        ]
    )
    model.flush()
    assert users.count() > 20  # "Any" and every user the log holds (its bound is 30 here)
    assert users.sizeHint().width() == narrow
    # The short lists still fit their longest item.
    model.append_entries([exchange_entry(600, endpoint="/v2/token/client-generate")])
    model.flush()
    width = endpoints.fontMetrics().horizontalAdvance("/v2/token/client-generate")
    assert endpoints.sizeHint().width() > width

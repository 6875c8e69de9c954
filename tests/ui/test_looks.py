"""Looks a person notices at the smallest window: rows that fit, words that are not cut."""

from __future__ import annotations

import pytest

from tests.ui.desk_fixture import Desk
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.ui.identity.users_panel import MIN_ROWS
from uid2_desk.ui.log.log_model import LogColumn
from uid2_desk.ui.log.log_panel import LONGEST_STATUS

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def test_the_users_list_shows_five_users_at_the_smallest_window(desk: Desk) -> None:
    window = desk.window
    window.resize(1280, 720)
    window.show()
    for i in range(MIN_ROWS + 1):
        desk.run(desk.services.publisher.sign_in(DiiKind.EMAIL, f"row{i}@example.com"))
    desk.settle()
    desk.qtbot.waitUntil(lambda: window.users.model.rowCount() == MIN_ROWS + 1, timeout=5000)
    view = window.users.view
    desk.qtbot.wait(50)
    assert MIN_ROWS > 4
    assert view.viewport().height() >= view.sizeHintForRow(0) * MIN_ROWS


def test_the_status_column_holds_refresh_expired_whole(desk: Desk) -> None:
    table = desk.window.log_panel.table
    needed = table.fontMetrics().horizontalAdvance(LONGEST_STATUS)
    margin = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin) + 2
    assert table.columnWidth(LogColumn.STATUS) >= needed + margin

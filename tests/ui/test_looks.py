"""Looks a person notices at the smallest window: rows that fit, words that are not cut."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLineEdit, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

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


def test_at_the_smallest_window_the_log_filter_reads_and_every_inspector_tab_shows(
    desk: Desk,
) -> None:
    window = desk.window
    window.resize(1280, 720)
    window.show()
    desk.settle()
    desk.qtbot.wait(50)
    search = window.log_panel.findChild(QLineEdit, "log_search")
    assert search is not None
    assert search.width() >= search.fontMetrics().horizontalAdvance("Filter the log")
    for tabs in window.findChildren(QTabWidget):
        if tabs.isVisible() and tabs.tabText(0) == "Summary":  # the exchange inspector's
            bar = tabs.tabBar()
            last = bar.tabRect(bar.count() - 1)
            assert last.right() <= bar.width(), "the inspector's last tab is scrolled away"
            break
    else:
        raise AssertionError("no exchange inspector on screen")


def _top_left(widget: QWidget, window: QWidget) -> QPoint:
    return widget.mapTo(window, QPoint(0, 0))


def _shown(desk: Desk) -> QWidget:
    window = desk.window
    window.resize(1366, 768)
    window.show()
    desk.qtbot.waitExposed(window)
    desk.qtbot.wait(50)
    return window


def test_a_banner_lies_over_the_panels_and_moves_none_of_them(desk: Desk) -> None:
    window = _shown(desk)
    watched = (window.sign_in.button, window.identity.advertising, window.log_panel.table)
    before = [_top_left(w, window) for w in watched]
    window.banner.show_message("error", "refresh failed", "the operator answered 503. " * 6)
    desk.qtbot.wait(50)
    assert window.banner.isVisible()
    assert window.banner.height() > 20
    assert [_top_left(w, window) for w in watched] == before
    assert window.banner.title == "Refresh failed"  # a capital, whatever the caller wrote
    assert window.banner.text.startswith("The operator answered 503.")
    strip_bottom = window.strip.mapTo(window, QPoint(0, window.strip.height()))
    assert _top_left(window.banner, window).y() == strip_bottom.y()
    window.resize(1500, 800)  # it follows the window's width while shown
    desk.qtbot.wait(50)
    assert window.banner.width() == window.centralWidget().width()
    window.banner.dismiss()


def test_a_refused_input_message_moves_nothing_under_the_mouse(desk: Desk) -> None:
    window = _shown(desk)
    panel = window.sign_in
    watched = (panel.button, panel.value, window.users.view)
    before = [_top_left(w, window) for w in watched]
    panel.set_input(DiiKind.PHONE, "12345")  # refused: not E.164
    desk.qtbot.wait(50)
    assert panel.message_text[:1].isupper()
    message = panel.findChild(QWidget, "sign_in_error")
    assert message is not None
    assert message.isVisible()
    assert [_top_left(w, window) for w in watched] == before
    # It covers the preview rows (they read "—"), never the field being typed in.
    assert _top_left(message, window).y() >= _top_left(panel.value, window).y() + 10


def test_an_error_line_coming_and_going_moves_nothing_below_it(desk: Desk) -> None:
    window = _shown(desk)
    identity = window.identity
    before = _top_left(identity.advertising, window)
    identity._error.set_message("the operator answered 503")
    desk.qtbot.wait(50)
    assert identity.error_text.startswith("The operator")
    assert _top_left(identity.advertising, window) == before


def test_picking_a_scenario_does_not_move_the_players_buttons(qtbot: QtBot) -> None:
    from uid2_desk.publisher.scenario.loader import load_all
    from uid2_desk.ui.walkthrough.scenario_player_panel import ScenarioPlayerPanel

    panel = ScenarioPlayerPanel(load_all())
    qtbot.addWidget(panel)
    panel.resize(520, 700)
    panel.show()
    qtbot.waitExposed(panel)
    tops = set()
    lines = set()
    for index in range(panel.chooser.count()):
        panel.chooser.setCurrentIndex(index)
        qtbot.wait(5)
        tops.add(panel.play_button.mapTo(panel, QPoint(0, 0)).y())
        wrapped = panel.summary.fontMetrics().boundingRect(
            QRect(0, 0, panel.summary.width(), 10_000),
            int(Qt.TextFlag.TextWordWrap),
            panel.summary.text(),
        )
        lines.add(wrapped.height())
    assert len(lines) > 1  # summaries wrap to different heights...
    assert len(tops) == 1  # ... and the buttons stay where they are

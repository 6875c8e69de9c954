"""A browser-held user in the window: the badge, no refresh of the desk's own, take back.

The real window on the real composition root and local operator; the hand-off is the
publisher's (no page is needed to mark the identity as the browser's).
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from tests.ui.desk_fixture import Desk, close_desk, open_desk
from uid2_desk.ui.identity.handoff_dialog import HandOffDialog
from uid2_desk.ui.identity.users_panel import HELD_ROLE, MODE_ROLE

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _row_badge(desk: Desk, role: int) -> object:
    model = desk.window.users.model
    return model.index(0, 0).data(role)


def test_held_by_the_browser_is_shown_kept_across_a_restart_and_taken_back(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    desk = open_desk(qtbot, loop, tmp_path / "desk")
    try:
        qtbot.waitUntil(lambda: desk.window.ready, timeout=15_000)
        jane = desk.sign_in("jane.browser@example.com")
        desk.run(desk.services.publisher.handoffs.hand_off(jane.user_id))
        qtbot.waitUntil(lambda: desk.selected().browser_held, timeout=5_000)
        desk.window.update_actions()
        assert _row_badge(desk, MODE_ROLE) == "Held by the browser"
        assert _row_badge(desk, HELD_ROLE) is True
        panel = desk.window.identity
        assert panel.held_badge.isVisibleTo(panel)
        assert panel.held_badge.text() == "Held by the browser"
        assert panel.held_badge.background == "#0369a1"
        assert "the browser's UID2 client refreshes it" in panel.policy_text
        actions = desk.window.desk_actions
        assert actions.take_back.isEnabled()
        assert not actions.hand_off.isEnabled()
        assert not actions.auto_refresh.isEnabled()
        assert not desk.window.policy_combo.isEnabled()

        actions.refresh.trigger()
        desk.settle()
        assert desk.window.banner.title == "Refresh not sent"
        assert desk.window.banner.text.startswith(
            "Refresh not sent: the browser holds this identity"
        )
        refreshes = [
            desk.window.log_model.row_at(i).endpoint
            for i in range(desk.window.log_model.rowCount())
        ]
        assert "/v2/token/refresh" not in refreshes
    finally:
        close_desk(desk)

    again = open_desk(qtbot, loop, tmp_path / "desk")
    try:
        qtbot.waitUntil(lambda: again.window.ready, timeout=15_000)
        again.window.users.select_user(jane.user_id)
        qtbot.waitUntil(
            lambda: again.window.identity.held_badge.isVisibleTo(again.window.identity),
            timeout=5_000,
        )
        assert _row_badge(again, MODE_ROLE) == "Held by the browser"
        again.window.update_actions()
        again.window.desk_actions.take_back.trigger()
        again.settle()
        qtbot.waitUntil(lambda: not again.selected().browser_held, timeout=5_000)
        assert not again.window.identity.held_badge.isVisibleTo(again.window.identity)
        assert _row_badge(again, MODE_ROLE) == "Server-side"
        assert again.window.desk_actions.hand_off.isEnabled()
        events = [
            again.window.log_model.row_at(i).endpoint
            for i in range(again.window.log_model.rowCount())
        ]
        assert events[-1] == "taken_back"  # journaled (the log lists this session)
        again.window.desk_actions.refresh.trigger()
        again.settle()
        assert again.selected().state.value == "refreshed"
    finally:
        close_desk(again)


def test_the_hand_off_dialog_shows_snippets_masked_and_copy_gives_them_whole(
    qtbot: QtBot,
) -> None:
    key = base64.b64encode(bytes(range(32))).decode()
    identity = {
        "advertising_token": "A4AAA" + "a" * 200 + "END1",
        "refresh_token": "AAAAR" + "r" * 300 + "END2",
        "identity_expires": 1,
        "refresh_from": 1,
        "refresh_expires": 1,
        "refresh_response_key": key,
    }
    dialog = HandOffDialog("Jane", identity, "http://127.0.0.1:8080", "")
    qtbot.addWidget(dialog)
    views = dialog.findChildren(QPlainTextEdit, "handoff_snippet")
    assert len(views) == 2
    for view in views:
        text = view.toPlainText()
        assert key not in text
        assert "(hidden: Copy gives it)" in text
        assert identity["advertising_token"] not in text
        assert identity["refresh_token"] not in text
        assert "A4AAAaaa…END1" in text
    copies = [b for b in dialog.findChildren(QPushButton) if b.text() == "Copy"]
    assert len(copies) == 2
    for button in copies:
        button.click()
        copied = QGuiApplication.clipboard().text()
        assert key in copied
        assert str(identity["refresh_token"]) in copied

"""Rows the desk makes on its own say why, in the log and in the inspector.

A relaunch on the same data folder makes every signed-in user return to the site with no
one pressing anything; those rows carry ``Automatic: restored at start-up …``. The same
action pressed by hand (Ctrl+U) carries no such reason.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.desk_fixture import close_desk, open_desk
from uid2_desk.publisher.refresh.runner import RESTORED_AT_START
from uid2_desk.ui.common.qt_values import TOOLTIP_ROLE
from uid2_desk.ui.log.log_model import LogColumn

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def test_a_relaunch_explains_the_user_returns_rows_it_makes(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    first = open_desk(qtbot, loop, tmp_path / "desk")
    try:
        first.sign_in("jane@example.com")
    finally:
        close_desk(first)
    desk = open_desk(qtbot, loop, tmp_path / "desk")
    try:
        qtbot.waitUntil(lambda: desk.window.ready, timeout=15_000)
        model = desk.window.log_model
        qtbot.waitUntil(lambda: (model.flush(), model.rowCount())[1] > 0, timeout=10_000)
        cell = str(model.index(0, LogColumn.ENDPOINT).data())
        assert cell == f"· user_returns — {RESTORED_AT_START}"
        assert cell.startswith("· user_returns — Automatic: restored at start-up from the data")
        tooltip = str(model.index(0, LogColumn.ENDPOINT).data(TOOLTIP_ROLE))
        assert tooltip == f"jane@example.com comes back to the site\n{RESTORED_AT_START}"
        desk.window.log_panel.table.selectRow(0)
        inspector = desk.window.inspector
        qtbot.waitUntil(lambda: inspector.entry is not None, timeout=10_000)
        assert f"why\n{RESTORED_AT_START}" in inspector.tab_text("Summary")

        # The same thing done by hand: no reason is added.
        desk.window.users.select_user(desk.services.publisher.users()[0].user.id)
        desk.window.desk_actions.user_returns.trigger()
        desk.settle()
        last = model.rowCount() - 1
        texts = [str(model.index(r, LogColumn.ENDPOINT).data()) for r in range(model.rowCount())]
        assert texts[last] == "· user_returns"
        assert texts.count(f"· user_returns — {RESTORED_AT_START}") == 1
    finally:
        desk.settle()
        close_desk(desk)

"""Environments in the window: colour and title follow the environment; production asks first;
the lifetimes profile and the environment can be switched at run time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.ui.desk_fixture import Desk, close_desk, manual_clock_now, open_desk
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.common.theme import environment_swatch
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


@pytest.fixture
def prod_desk(
    qtbot: QtBot,
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Desk]:
    """The desk on UID2 production with no credentials (nothing can reach the network)."""
    monkeypatch.delenv("UID2_API_KEY", raising=False)
    monkeypatch.delenv("UID2_SECRET", raising=False)
    desk = open_desk(qtbot, loop, tmp_path / "desk", env="prod")
    try:
        yield desk
    finally:
        close_desk(desk)


def test_production_is_red_and_named_in_the_title_from_the_first_paint(qtbot: QtBot) -> None:
    window = DeskWindow(DeskBridge(), manual_clock_now(), EnvironmentView.preview("prod"))
    qtbot.addWidget(window)
    assert window.strip.chip_text == "PRODUCTION"
    assert window.strip.colour == environment_swatch("prod").background
    assert window.windowTitle().startswith("UID2 Desk — prod")


def test_production_desk_says_which_operator_and_asks_before_the_first_call(
    prod_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = prod_desk.window
    prod_desk.qtbot.waitUntil(lambda: window.ready, timeout=10_000)
    assert window.windowTitle() == "UID2 Desk — UID2 production (us-east-2, Ohio)"
    assert window.status.chip_text == "PRODUCTION"
    assert "No credentials" in window.banner.text  # and where to enter them
    asked: list[str] = []

    def decline(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[1]))
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", decline)
    window.sign_in.value.setText("validate@example.com")
    window.sign_in.submit()
    prod_desk.settle()
    assert asked == ["Call a production operator?"]
    assert window.log_model.total == 0  # nothing was sent, nothing journaled
    assert not window.handlers.production_ok
    assert (
        not window.desk_actions.opt_out.isVisible() or not window.desk_actions.opt_out.isEnabled()
    )


def test_accepting_the_production_question_is_asked_once_and_starts_the_policies(
    prod_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19: only declining was ever run. Accepting must be remembered for the session."""
    window = prod_desk.window
    prod_desk.qtbot.waitUntil(lambda: window.ready, timeout=10_000)
    asked: list[str] = []

    def accept(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[1]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "warning", accept)
    confirmed: list[bool] = []
    window.handlers.production_confirmed.connect(lambda: confirmed.append(True))
    # The question itself, not a call: this test never reaches the real production service.
    assert window.handlers._may_call() is True
    assert window.handlers._may_call() is True
    assert asked == ["Call a production operator?"]  # asked once, not before every call
    assert window.handlers.production_ok
    assert confirmed == [True]


def test_switching_the_lifetimes_profile_restarts_the_operator_and_keeps_the_users(
    desk: Desk,
) -> None:
    desk.sign_in("keep@example.com")
    window = desk.window
    assert "30 s / 2 min / 5 min" in window.status.operator_text
    index = window.lifetimes_combo.findData("local")
    window.lifetimes_combo.setCurrentIndex(index)
    window.lifetimes_combo.activated.emit(index)
    desk.qtbot.waitUntil(
        lambda: window.ready and "15 min / 1 h / 24 h" in window.status.operator_text,
        timeout=15_000,
    )
    desk.settle()
    assert [s.user.label for s in window.users.model.snapshots()] == ["keep@example.com"]
    window.users.select_user(window.users.model.snapshots()[0].user.id)
    window.desk_actions.refresh.trigger()  # the identity issued before the restart refreshes
    desk.settle()
    assert str(desk.selected().state) == "refreshed"


def test_switching_to_integration_recolours_the_window(desk: Desk) -> None:
    window = desk.window
    desk.run(desk.app.restart(env="integ"))
    desk.qtbot.waitUntil(lambda: window.ready, timeout=15_000)
    assert window.windowTitle() == "UID2 Desk — UID2 integration"
    assert window.strip.chip_text == "INTEG"
    assert window.status.chip_text == "INTEG"
    assert not window.desk_actions.opt_out.isEnabled()  # local-only
    assert not window.lifetimes_combo.isVisibleTo(window)


def test_kiosk_flag_hands_over_to_the_kiosk_shell_which_refuses_production(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from uid2_desk.app import run_gui

    args = argparse.Namespace(kiosk=True, env="prod", scenario=None, data_dir=str(tmp_path))
    assert run_gui(args) == 2
    assert "production" in capsys.readouterr().err.lower()

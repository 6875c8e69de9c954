"""A running desk for tests: the real window on the real composition root and local operator.

Only the clock is fake: a :class:`ManualClock` under the services' shared ``WarpClock``, so
the desk and the operator agree on time and a test moves both with :meth:`Desk.advance`.
Policies are not driven in the background; a test calls :meth:`Desk.tick` (what the
``PolicyDriver`` does each second) after moving the clock.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.model import UserSnapshot
from uid2_desk.services import DeskServices, open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow

_T = TypeVar("_T")


def manual_clock_now() -> ManualClock:
    """A manual clock set to the real time (tokens and log times look real)."""
    return ManualClock(time.time_ns() // 1_000_000)


@dataclass
class Desk:
    """The window, its composition root and the clock, plus helpers to drive them.

    Attributes:
        window: the desk window.
        app: the composition root (services start and stop through it).
        clock: the manual clock under everything.
        qtbot: the test's qtbot.
        loop: the qasync loop.
    """

    window: DeskWindow
    app: DeskApp
    clock: ManualClock
    qtbot: QtBot
    loop: asyncio.AbstractEventLoop

    @property
    def services(self) -> DeskServices:
        """The running services."""
        assert self.app.services is not None, "the services are not running"
        return self.app.services

    def run(self, coro: Coroutine[Any, Any, _T], timeout_ms: int = 15_000) -> _T:
        """Run ``coro`` on the qasync loop while Qt keeps processing events."""
        task = self.loop.create_task(coro)
        self.qtbot.waitUntil(task.done, timeout=timeout_ms)
        return task.result()

    def settle(self) -> None:
        """Wait until no action runs and the log has inserted what arrived."""
        handlers = self.window.handlers
        self.qtbot.waitUntil(
            lambda: not handlers.runner.busy and not handlers.lookups.busy, timeout=15_000
        )
        self.window.log_model.flush()

    def advance(self, ms: int) -> None:
        """Move desk and operator time forward and re-render the countdowns."""
        self.clock.advance(ms)
        self.window.ticker.tick()

    def tick(self) -> None:
        """What the policy driver does every second: let the publisher act on the time."""
        self.run(self.services.publisher.tick())
        self.settle()
        self.window.ticker.tick()

    def selected(self) -> UserSnapshot:
        """The snapshot of the selected user."""
        user_id = self.window.users.selected_user_id()
        assert user_id is not None, "no user is selected"
        snapshot = self.window.users.model.snapshot(user_id)
        assert snapshot is not None
        return snapshot

    def sign_in(self, value: str) -> UserSnapshot:
        """Type an email or phone in the sign-in panel and press Sign in; wait for it."""
        panel = self.window.sign_in
        panel.set_input(DiiKind.PHONE if value.startswith("+") else DiiKind.EMAIL, "")
        QTest.keyClicks(panel.value, value)
        before = self.window.users.model.rowCount()
        QTest.mouseClick(panel.button, Qt.MouseButton.LeftButton)
        self.qtbot.waitUntil(lambda: self.window.users.model.rowCount() > before, timeout=15_000)
        self.settle()
        return self.selected()


def open_desk(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, data_dir: Path, env: str = "local"
) -> Desk:
    """Build the window and its composition root on ``env`` and start the services.

    The window is not given to ``qtbot.addWidget``: pytest-qt would delete it before the
    caller's teardown has stopped the services that render into it; :func:`close_desk` does.
    """
    clock = manual_clock_now()
    bridge = DeskBridge()
    window = DeskWindow(bridge, clock, EnvironmentView.preview(env))
    bridge.release()
    app = DeskApp(
        app=QApplication.instance(),  # type: ignore[arg-type]
        window=window,
        bridge=bridge,
        clock=clock,
        env=env,
        data_dir=data_dir,
        drive_policies=False,
        open_services=open_services,
    )
    desk = Desk(window=window, app=app, clock=clock, qtbot=qtbot, loop=loop)
    desk.run(app.start_services())
    return desk


def close_desk(desk: Desk) -> None:
    """Stop the countdown ticker and the services, then close and delete the window."""
    desk.window.ticker.stop()
    desk.settle()
    desk.run(desk.app.stop_services())
    desk.window.close()
    desk.window.deleteLater()

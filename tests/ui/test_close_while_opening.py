"""Closing the desk window while its services open, or mid-switch, leaves nothing running.

The window's close cancels what opens the services (the start, or a switch of lifetimes run
as an action). The operator opens on a worker thread that no cancellation stops; here a gate
holds it there while the window closes. :meth:`DeskApp.run` must then await the cancelled
work, which closes the operator once it is open, and stop the rest, so that no operator
writer thread, server thread or task outlives it.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.step_gate import Gate
from tests.ui.desk_fixture import manual_clock_now
from uid2_desk.operator import LocalOperator
from uid2_desk.services import open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow

#: Thread pools that outlive any one desk by design: the test loop's executor, asyncio's.
_POOLS = ("ui-test", "asyncio_")


def _threads() -> set[int]:
    return {t.ident or 0 for t in threading.enumerate() if not t.name.startswith(_POOLS)}


def _names(idents: set[int]) -> list[str]:
    return [t.name for t in threading.enumerate() if t.ident in idents]


def _desk(data_dir: Path) -> tuple[DeskWindow, DeskApp]:
    clock = manual_clock_now()
    bridge = DeskBridge()
    window = DeskWindow(bridge, clock, EnvironmentView.preview("local"))
    bridge.release()
    app = DeskApp(
        app=QApplication.instance(),  # type: ignore[arg-type]
        window=window,
        bridge=bridge,
        clock=clock,
        env="local",
        data_dir=data_dir,
        drive_policies=False,
        open_services=open_services,
    )
    return window, app


def _wait(qtbot: QtBot, event: threading.Event) -> None:
    qtbot.waitUntil(event.is_set, timeout=15_000)


@pytest.mark.parametrize("when", ["at start", "switching lifetimes"])
def test_closing_while_the_operator_opens_leaves_no_thread_and_no_task(
    qtbot: QtBot,
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    when: str,
) -> None:
    before = _threads()
    gate = Gate()
    window, app = _desk(tmp_path / "desk")
    window.show()
    if when == "at start":
        monkeypatch.setattr(LocalOperator, "open", gate.around(LocalOperator.open))
    running = loop.create_task(app.run())
    if when == "switching lifetimes":
        qtbot.waitUntil(lambda: window.ready, timeout=15_000)
        monkeypatch.setattr(LocalOperator, "open", gate.around(LocalOperator.open))
        window.lifetimes_requested.emit("local")  # the toolbar's profile menu
    _wait(qtbot, gate.reached)
    window.close()  # as the title bar's close button or Quit
    qtbot.wait(50)
    gate.open()
    qtbot.waitUntil(running.done, timeout=30_000)
    assert running.result() == 0
    assert app.services is None
    _wait(qtbot, gate.passed)
    qtbot.wait(200)  # an operator opened after the close would have started its threads
    left = _threads() - before
    assert not left, f"threads left running after closing {when}: {_names(left)}"
    window.deleteLater()

"""``--operator-port N`` keeps the desk's embedded operator on one port across launches.

A team configures its backend or app once (``http://127.0.0.1:N``); the desk started again
with the same port serves at the same address. A port already taken is said plainly on the
banner, with what to do.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.desk_fixture import manual_clock_now
from uid2_desk.cli.main import build_parser
from uid2_desk.services import open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _desk(qtbot: QtBot, data_dir: Path, port: int) -> DeskApp:
    clock = manual_clock_now()
    bridge = DeskBridge()
    window = DeskWindow(bridge, clock, EnvironmentView.preview("local"))
    bridge.release()
    return DeskApp(
        app=QApplication.instance(),  # type: ignore[arg-type]
        window=window,
        bridge=bridge,
        clock=clock,
        env="local",
        data_dir=data_dir,
        drive_policies=False,
        operator_port=port,
        open_services=open_services,
    )


def _run(qtbot: QtBot, loop: asyncio.AbstractEventLoop, coro: object) -> None:
    task = loop.create_task(coro)  # type: ignore[arg-type]
    qtbot.waitUntil(task.done, timeout=15_000)
    task.result()


def _close(qtbot: QtBot, loop: asyncio.AbstractEventLoop, desk: DeskApp) -> None:
    desk.window.ticker.stop()
    _run(qtbot, loop, desk.stop_services())
    desk.window.close()
    desk.window.deleteLater()


def test_the_command_line_takes_an_operator_port_and_refuses_a_bad_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert build_parser().parse_args(["--operator-port", "18080"]).operator_port == 18080
    assert build_parser().parse_args([]).operator_port == 0
    with pytest.raises(SystemExit) as refused:
        build_parser().parse_args(["--operator-port", "70000"])
    assert refused.value.code == 2
    assert "70000 is not a port" in capsys.readouterr().err


def test_the_desk_serves_on_the_port_it_was_given_again_after_a_relaunch(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    port = _free_port()
    for _launch in range(2):
        desk = _desk(qtbot, tmp_path / "desk", port)
        _run(qtbot, loop, desk.start_services())
        try:
            assert desk.services is not None
            assert desk.services.server is not None
            assert desk.services.server.base_url == f"http://127.0.0.1:{port}"
        finally:
            _close(qtbot, loop, desk)


def test_a_port_in_use_is_said_on_the_banner_with_what_to_do(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        desk = _desk(qtbot, tmp_path / "desk", port)
        _run(qtbot, loop, desk.start_services())
        try:
            assert desk.services is None
            qtbot.waitUntil(lambda: "port is in use" in desk.window.banner.text, timeout=5_000)
            assert "--operator-port" in desk.window.banner.text
        finally:
            _close(qtbot, loop, desk)

"""Fixtures for the desk window's tests: one qasync loop, and no task left behind.

Tests are synchronous pytest-qt tests that drive a ``qasync.QEventLoop`` created with
``already_running=True`` and wait with ``qtbot.waitUntil``/``waitSignal`` (platform-notes:
``waitSignal`` inside an ``async def`` test hangs). One loop serves the whole session: a
second qasync loop on the same QApplication never runs its callbacks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.client.memory_keyring import MemoryKeyring
from tests.ui.desk_fixture import Desk, manual_clock_now
from uid2_desk.app import DeskApp
from uid2_desk.ui.bridge import DeskBridge
from uid2_desk.ui.environment_view import EnvironmentView
from uid2_desk.ui.main_window import DeskWindow


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The session's qasync loop, running whenever Qt's event loop runs.

    Its default executor is a plain thread pool, shut down (joined) at the end of the
    session: qasync's own QThread executor would still be running when the interpreter
    exits, because a loop created ``already_running`` is never closed.
    """
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(qapp, already_running=True)
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ui-test")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    executor.shutdown(wait=True)


@pytest.fixture
def loop(qasync_loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop; the test fails if it leaves a task running (napari's rule)."""
    before = set(asyncio.all_tasks(qasync_loop))
    yield qasync_loop
    leftover = [t for t in asyncio.all_tasks(qasync_loop) - before if not t.done()]
    for task in leftover:
        task.cancel()
    assert not leftover, f"the test left tasks running: {leftover}"


@pytest.fixture
def desk(qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[Desk]:
    """The desk window on the local operator (loopback port), started and ready."""
    clock = manual_clock_now()
    bridge = DeskBridge()
    # Not qtbot.addWidget: pytest-qt would delete the window before this fixture's teardown
    # has stopped the services that render into it.
    window = DeskWindow(bridge, clock, EnvironmentView.preview("local"))
    bridge.release()
    app = DeskApp(
        app=QApplication.instance(),  # type: ignore[arg-type]
        window=window,
        bridge=bridge,
        clock=clock,
        env="local",
        data_dir=tmp_path / "desk",
        drive_policies=False,
    )
    running = Desk(window=window, app=app, clock=clock, qtbot=qtbot, loop=loop)
    window.ticker.start()
    running.run(app.start_services())
    qtbot.waitUntil(lambda: window.ready, timeout=15_000)
    window.log_model.flush()
    try:
        yield running
    finally:
        window.ticker.stop()
        running.settle()
        running.run(app.stop_services())
        window.close()
        window.deleteLater()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory OS keychain for one test."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_keychain() -> Iterator[None]:
    """keyring's ``fail`` backend: a headless Linux box without a Secret Service."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        keyring.set_keyring(previous)

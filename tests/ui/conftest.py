"""Fixtures for the desk window's tests: one qasync loop, and no task left behind.

Tests are synchronous pytest-qt tests that drive a ``qasync.QEventLoop`` created with
``already_running=True`` and wait with ``qtbot.waitUntil``/``waitSignal`` (platform-notes:
``waitSignal`` inside an ``async def`` test hangs). One loop serves the whole session: a
second qasync loop on the same QApplication never runs its callbacks. It is asyncio's running
loop only during the tests that use it, so core tests collected after ui tests can still use
``asyncio.run`` and pytest-asyncio.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.keychain_fixtures import memory_keyring, no_keychain
from tests.ui.desk_fixture import Desk, close_desk, open_desk

__all__ = ["memory_keyring", "no_keychain"]


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The session's qasync loop, driven whenever Qt processes events in a ui test.

    Created ``already_running`` (Qt's loop is pytest-qt's, not ours), which makes qasync
    declare itself the thread's running asyncio loop from then on. Left that way, every
    ``asyncio.run()`` and every pytest-asyncio test collected after a ui test would fail
    ("cannot be called from a running event loop"); so it is the running loop only while a
    test holds the :func:`loop` fixture. Its default executor is a plain thread pool, joined
    at the end of the session, and the loop is closed then.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio._set_running_loop(None)
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ui-test")
    loop.set_default_executor(executor)
    try:
        yield loop
    finally:
        executor.shutdown(wait=True)
        loop.stop()  # qasync's word for "no longer running": it never ran Qt's loop itself
        loop.close()


@pytest.fixture
def loop(qasync_loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop, running for this test; it fails if it leaves a task running.

    (napari's rule.) Outside the test asyncio sees no loop at all, as in any other test.
    """
    asyncio.set_event_loop(qasync_loop)
    asyncio._set_running_loop(qasync_loop)
    before = set(asyncio.all_tasks(qasync_loop))
    try:
        yield qasync_loop
        leftover = [t for t in asyncio.all_tasks(qasync_loop) - before if not t.done()]
        for task in leftover:
            task.cancel()
    finally:
        asyncio._set_running_loop(None)
        asyncio.set_event_loop(None)
    assert not leftover, f"the test left tasks running: {leftover}"


@pytest.fixture
def desk(qtbot: QtBot, loop: asyncio.AbstractEventLoop, tmp_path: Path) -> Iterator[Desk]:
    """The desk window on the local operator (loopback port), started and ready."""
    running = open_desk(qtbot, loop, tmp_path / "desk")
    running.window.ticker.start()
    qtbot.waitUntil(lambda: running.window.ready, timeout=15_000)
    running.window.log_model.flush()
    try:
        yield running
    finally:
        close_desk(running)

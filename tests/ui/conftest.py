"""Fixtures for the desk window's tests: one qasync loop, and no task left behind.

Tests are synchronous pytest-qt tests that drive a ``qasync.QEventLoop`` created with
``already_running=True`` and wait with ``qtbot.waitUntil``/``waitSignal`` (platform-notes:
``waitSignal`` inside an ``async def`` test hangs). One loop serves the whole session: a
second qasync loop on the same QApplication never runs its callbacks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> asyncio.AbstractEventLoop:
    """The session's qasync loop, running whenever Qt's event loop runs."""
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    return loop


@pytest.fixture
def loop(qasync_loop: asyncio.AbstractEventLoop) -> Iterator[asyncio.AbstractEventLoop]:
    """The qasync loop; the test fails if it leaves a task running (napari's rule)."""
    before = set(asyncio.all_tasks(qasync_loop))
    yield qasync_loop
    leftover = [t for t in asyncio.all_tasks(qasync_loop) - before if not t.done()]
    for task in leftover:
        task.cancel()
    assert not leftover, f"the test left tasks running: {leftover}"

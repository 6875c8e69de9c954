"""The ui tests' qasync loop stays theirs: asyncio works as usual in tests that come after.

qasync's ``already_running`` loop declares itself the thread's running loop; the ``loop``
fixture (tests/ui/conftest.py) makes that true only while a test holds it. Within this
module the tests run in order: a ui test on the qasync loop first, then plain asyncio.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_a_ui_test_runs_its_coroutines_on_the_qasync_loop(
    qtbot: QtBot, loop: asyncio.AbstractEventLoop
) -> None:
    assert asyncio.get_running_loop() is loop
    task = loop.create_task(_answer())
    qtbot.waitUntil(task.done, timeout=5_000)
    assert task.result() == 42


def test_after_it_asyncio_run_starts_its_own_loop() -> None:
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()
    assert asyncio.run(_answer()) == 42


@pytest.mark.asyncio
async def test_after_it_a_pytest_asyncio_test_runs_on_its_own_loop() -> None:
    assert await _answer() == 42
    assert type(asyncio.get_running_loop()).__module__.startswith("asyncio")


CORE_TEST = """
import asyncio
import pytest


async def answer():
    await asyncio.sleep(0)
    return 42


def test_asyncio_run_after_the_ui_tests():
    assert asyncio.run(answer()) == 42


@pytest.mark.asyncio
async def test_pytest_asyncio_after_the_ui_tests():
    assert await answer() == 42
"""


def test_core_tests_collected_after_ui_tests_still_get_their_own_loops(tmp_path: Path) -> None:
    # What CI does: one session, the ui directory first, then the core's asyncio tests.
    core = tmp_path / "test_core_after_ui.py"
    core.write_text(CORE_TEST, encoding="utf-8")
    ui_test = "tests/ui/test_loop_hygiene.py::test_a_ui_test_runs_its_coroutines_on_the_qasync_loop"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(ROOT),
            ui_test,
            str(core),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout

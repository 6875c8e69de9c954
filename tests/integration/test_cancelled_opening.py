"""Cancelling the opening of a desk at any step leaves no thread, server or task running.

Closing the window while the services open (or during a switch of environment or lifetimes)
cancels :func:`open_services`. Its blocking steps run on worker threads, which a cancellation
cannot stop: the operator opened there (with its writer thread), the server started there,
or the journal's writer opened there went on running with nobody to close them. Here each of
those steps is held at its start by a gate (the real step runs once the gate opens), the
opening is cancelled while it waits, and then every thread the opening started must be gone,
no task left, and the folder free for the next desk.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from tests.publisher.conftest import assert_no_other_tasks
from tests.step_gate import Gate
from uid2_desk.client import http_client
from uid2_desk.journal import async_journal
from uid2_desk.journal.writer_thread import JournalWriter
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.publisher import async_user_store
from uid2_desk.publisher.store import UserStore
from uid2_desk.services import OperatorMode, open_services

pytestmark = pytest.mark.asyncio


def _hold(step: str, gate: Gate, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put ``gate`` in front of one of the opening's blocking steps."""
    if step == "the operator opens":
        monkeypatch.setattr(LocalOperator, "open", gate.around(LocalOperator.open))
    elif step == "the server starts":
        monkeypatch.setattr(OperatorServer, "start", gate.around(OperatorServer.start))
    elif step == "the HTTP client is built":
        monkeypatch.setattr(http_client, "_build", gate.around(http_client._build))
    elif step == "the journal opens":
        monkeypatch.setattr(async_journal, "JournalWriter", gate.around(JournalWriter))
    elif step == "the user store opens":
        monkeypatch.setattr(async_user_store, "UserStore", gate.around(UserStore))
    elif step == "the users load":
        monkeypatch.setattr(UserStore, "load", gate.around(UserStore.load))
    else:
        raise AssertionError(step)


STEPS = [
    "the operator opens",
    "the server starts",
    "the HTTP client is built",
    "the journal opens",
    "the user store opens",
    "the users load",
]


def _ours() -> set[int]:
    # The loop's default executor keeps its idle workers (asyncio_N) for the next call: not
    # the desk's. Everything else the opening started must be gone.
    return {t.ident or 0 for t in threading.enumerate() if not t.name.startswith("asyncio_")}


def _names(idents: set[int]) -> list[str]:
    return [t.name for t in threading.enumerate() if t.ident in idents]


@pytest.fixture
def threads_before() -> set[int]:
    return _ours()


@pytest.mark.parametrize("twice", [False, True], ids=["cancelled", "cancelled-twice"])
@pytest.mark.parametrize("step", STEPS)
async def test_cancelled_while_a_part_opens_leaves_nothing_running(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    twice: bool,
    threads_before: set[int],
) -> None:
    gate = Gate()
    _hold(step, gate, monkeypatch)
    monkeypatch.setattr(http_client, "_made", [])  # the HTTP client's step does work
    opening = asyncio.create_task(open_services(tmp_path, operator_mode=OperatorMode.LOOPBACK))
    await gate.until_reached()
    opening.cancel()
    await asyncio.sleep(0.05)
    if twice:  # a second close (or the loop going away) while the first is being undone
        opening.cancel()
    gate.open()
    with pytest.raises(asyncio.CancelledError):
        await opening
    await gate.until_passed()
    await asyncio.sleep(0.2)  # what the step opened has started its threads by now
    left = _ours() - threads_before
    assert not left, f"threads left running after a cancel while {step}: {_names(left)}"
    await assert_no_other_tasks()
    monkeypatch.undo()
    services = await open_services(tmp_path, operator_mode=OperatorMode.LOOPBACK)  # folder free
    await services.aclose()


async def test_cancelled_at_any_moment_of_the_opening_leaves_nothing_running(
    tmp_path: Path, threads_before: set[int]
) -> None:
    """No gate: cancel after 0, 1, 2… turns of the loop until an opening completes."""
    turns = 0
    while True:
        opening = asyncio.create_task(open_services(tmp_path, operator_mode=OperatorMode.LOOPBACK))
        for _ in range(turns):
            await asyncio.sleep(0.004)
        if opening.done():
            await (await opening).aclose()
            break
        opening.cancel()
        try:
            services = await opening
        except asyncio.CancelledError:
            pass
        else:  # the cancel came as the opening ended: the desk is whole and must close
            await services.aclose()
        left = _ours() - threads_before
        assert not left, f"threads left after a cancel at turn {turns}: {_names(left)}"
        await assert_no_other_tasks()
        turns += 1
    assert turns >= 3  # the sweep cut the opening at several places

"""Opening and closing that a cancellation cannot cut in half (uid2_desk.protocol.cancel_safe).

Real asyncio tasks and events; nothing sleeps: each step waits on an event the test sets.
"""

from __future__ import annotations

import asyncio

import pytest

from uid2_desk.protocol.cancel_safe import open_cancel_safe, to_the_end, undone_on_failure

pytestmark = pytest.mark.asyncio


async def _cancel_while_waiting(task: asyncio.Task[object], started: asyncio.Event) -> None:
    await started.wait()
    task.cancel()


async def test_a_step_that_cancels_itself_raises_at_once_without_waiting_for_more() -> None:
    async def step() -> int:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await to_the_end(step())


async def test_a_closing_runs_to_its_end_and_the_callers_cancellation_then_goes_on() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    closed: list[str] = []

    async def closing() -> None:
        started.set()
        await release.wait()
        closed.append("closed")

    task = asyncio.ensure_future(to_the_end(closing()))
    await _cancel_while_waiting(task, started)
    release.set()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert closed == ["closed"]


async def test_an_opening_that_is_itself_cancelled_closes_nothing() -> None:
    closed: list[object] = []

    async def opening() -> str:
        raise asyncio.CancelledError

    async def close(opened: object) -> None:
        closed.append(opened)

    with pytest.raises(asyncio.CancelledError):
        await open_cancel_safe(opening(), close)
    assert closed == []


async def test_an_opening_that_fails_after_the_caller_was_cancelled_is_a_cancellation() -> None:
    """It opened nothing, so nothing is closed; the caller sees its cancellation, not the error."""
    started, release = asyncio.Event(), asyncio.Event()
    closed: list[object] = []

    async def opening() -> str:
        started.set()
        await release.wait()
        raise OSError("the data directory is gone")

    async def close(opened: object) -> None:
        closed.append(opened)

    task = asyncio.ensure_future(open_cancel_safe(opening(), close))
    await _cancel_while_waiting(task, started)
    release.set()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert closed == []


async def test_an_opening_finished_after_the_caller_was_cancelled_is_closed() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    closed: list[object] = []

    async def opening() -> str:
        started.set()
        await release.wait()
        return "operator"

    async def close(opened: object) -> None:
        closed.append(opened)

    task = asyncio.ensure_future(open_cancel_safe(opening(), close))
    await _cancel_while_waiting(task, started)
    release.set()

    with pytest.raises(asyncio.CancelledError):
        await task
    assert closed == ["operator"]


async def test_a_step_that_fails_is_undone_and_its_error_goes_on() -> None:
    undone: list[str] = []

    async def step() -> int:
        raise OSError("the port is taken")

    async def undo() -> None:
        undone.append("undone")

    with pytest.raises(OSError, match="the port is taken"):
        await undone_on_failure(step(), undo)
    assert undone == ["undone"]


async def test_a_step_that_succeeds_is_not_undone() -> None:
    undone: list[str] = []

    async def step() -> int:
        return 7

    async def undo() -> None:
        undone.append("undone")

    assert await undone_on_failure(step(), undo) == 7
    assert undone == []


async def test_a_settled_task_may_end_cancelled_but_the_waiters_own_cancellation_goes_on() -> None:
    from uid2_desk.protocol.cancel_safe import settled

    started, release = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        started.set()
        await release.wait()

    own = asyncio.ensure_future(work())
    await started.wait()
    own.cancel()
    await settled(own)  # its own cancellation ends here
    assert own.cancelled()

    other = asyncio.ensure_future(work())
    waiter = asyncio.ensure_future(settled(other))
    await asyncio.sleep(0)
    waiter.cancel()  # the waiter's cancellation reaches the task it waits on, then goes on
    with pytest.raises(asyncio.CancelledError):
        await waiter

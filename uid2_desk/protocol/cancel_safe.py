"""Opening and closing that a cancellation cannot cut in half.

A step like ``await asyncio.to_thread(LocalOperator.open, ...)`` goes on in its thread when
the awaiting task is cancelled (closing the window while the services open, a second switch
of environment): the operator opens, its writer thread starts, and nobody holds it to close
it. Closing has the same hole: a closing cut short leaves the server's or the journal's
threads running. :func:`open_cancel_safe` makes opening and registering its undo one step;
:func:`to_the_end` lets a closing finish; :func:`settled` waits for a task one has cancelled.
In all of them the caller's own cancellation is not swallowed: it goes on once the step is
whole.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

_T = TypeVar("_T")


async def to_the_end(step: Awaitable[_T]) -> _T:
    """Await ``step`` to its end even if the caller is cancelled meanwhile.

    A cancellation of the caller that arrived meanwhile is raised once ``step`` has ended
    (its result is then dropped: use this for closing). If ``step`` itself was cancelled (the
    loop shutting down cancels every task), that cancellation is raised at once.
    """
    task = asyncio.ensure_future(step)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(task)
            break
        except asyncio.CancelledError:
            if task.done():
                raise
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError
    return result


async def open_cancel_safe(opening: Awaitable[_T], close: Callable[[_T], Awaitable[object]]) -> _T:
    """Await ``opening``; if the caller is cancelled meanwhile, undo what it opened.

    The opening is let finish (it may be running in a thread that cannot be stopped), what it
    opened is closed with ``close`` (to its end), and then the cancellation goes on. An
    opening that fails after the cancellation opened nothing: the cancellation goes on.
    """
    task = asyncio.ensure_future(opening)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if task.cancelled():
            raise
        try:
            opened = await to_the_end(task)
        except Exception:
            raise asyncio.CancelledError from None
        except asyncio.CancelledError:  # cancelled again while opening: still close it
            opened = task.result()
        await to_the_end(close(opened))
        raise


async def undone_on_failure(step: Awaitable[_T], undo: Callable[[], Awaitable[object]]) -> _T:
    """Await ``step``; if it fails or the caller is cancelled, ``undo()`` (to its end), re-raise.

    For the steps of an opening after its first part opened: a failure or a cancellation there
    must close that part too.
    """
    try:
        return await step
    except BaseException:
        await to_the_end(undo())
        raise


async def settled(task: asyncio.Future[Any]) -> None:
    """Wait for ``task`` to end, however it ends; its own cancellation is expected here.

    The caller's cancellation is not swallowed: it goes on once ``task`` has ended.
    """
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise

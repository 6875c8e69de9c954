"""Small adapters of the desk's assembly: blocking steps run off the loop, lifetimes by name,
and the undo of an opening that fails or is cancelled halfway."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.protocol.cancel_safe import open_cancel_safe, to_the_end

_T = TypeVar("_T")


def in_thread(blocking: Callable[[], None]) -> Callable[..., Awaitable[None]]:
    """``blocking`` as an async step run on a worker thread (it waits on threads or disk).

    The step ignores its arguments, so it also serves as the undo of an opening step.
    """

    async def step(*_: Any) -> None:
        await asyncio.to_thread(blocking)

    return step


class Undo:
    """What a desk's opening opened so far, closed again (in reverse) if the opening fails.

    Each part opens and registers its closing as one step (:meth:`opened`): cancelled while
    a part opens (the window closed meanwhile), the part is closed once open, then every
    part before it; no thread or server is left running. Every closing runs to its end.
    """

    def __init__(self, stack: contextlib.AsyncExitStack) -> None:
        self._stack = stack

    async def opened(self, opening: Awaitable[_T], close: Callable[[_T], Awaitable[object]]) -> _T:
        """Await ``opening`` and register ``close(part)``; see :func:`open_cancel_safe`."""
        return self.started(await open_cancel_safe(opening, close), close)

    def started(self, part: _T, close: Callable[[_T], Awaitable[object]]) -> _T:
        """Register ``close(part)`` for a part opened without awaiting (nothing to cut)."""

        async def undo() -> None:
            await to_the_end(close(part))

        self._stack.push_async_callback(undo)
        return part


def lifetimes_of(value: Lifetimes | str) -> Lifetimes:
    """The lifetimes given, or the profile of that name."""
    return value if isinstance(value, Lifetimes) else Lifetimes.profile(value)

"""Small adapters of the desk's assembly: blocking steps run off the loop, lifetimes by name."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from uid2_desk.operator.state.lifetimes import Lifetimes


def in_thread(blocking: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    """``blocking`` as an async step run on a worker thread (it waits on threads or disk)."""

    async def step() -> None:
        await asyncio.to_thread(blocking)

    return step


def lifetimes_of(value: Lifetimes | str) -> Lifetimes:
    """The lifetimes given, or the profile of that name."""
    return value if isinstance(value, Lifetimes) else Lifetimes.profile(value)

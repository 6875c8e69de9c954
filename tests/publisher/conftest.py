"""A desk on the real local operator, in-process, with a fake clock both sides share.

``desk`` gives a running :class:`Desk`: the publisher talks to the embedded operator through
``httpx.ASGITransport`` (no socket), and a :class:`ManualClock` under the shared warp clock
means a test moves time for the desk and the operator at once with ``desk.advance(ms)``.
Every test fails if it leaves an asyncio task running.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest_asyncio

from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.operator import LocalOperator
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher import DeskEvent, EntryAppended, Notice, Publisher
from uid2_desk.services import DeskServices, OperatorMode, open_services

if TYPE_CHECKING:
    from tests.publisher.test_integration_checks import Traffic

#: 2026-09-21T…Z: a fixed, plausible "now" for the fake clock.
START_MS = 1_790_000_000_000
#: Short lifetimes so a whole backoff run fits in a few hundred ticks.
SHORT = Lifetimes(refresh_from_s=60, identity_s=120, refresh_s=300)


@dataclass
class Desk:
    """A running desk for one test: services, the fake clock, everything the publisher said."""

    services: DeskServices
    clock: ManualClock
    events: list[DeskEvent] = field(default_factory=list)

    @property
    def publisher(self) -> Publisher:
        """The desk's publisher."""
        return self.services.publisher

    @property
    def operator(self) -> LocalOperator:
        """The embedded operator."""
        assert self.services.operator is not None
        return self.services.operator

    def advance(self, ms: int) -> None:
        """Move desk and operator time forward together."""
        self.clock.advance(ms)

    def set_time(self, now_ms: int) -> None:
        """Jump desk and operator time to ``now_ms``."""
        self.clock.set(now_ms)

    def entries(self) -> list[JournalEntry]:
        """Journal entries appended so far, in order."""
        return [e.entry for e in self.events if isinstance(e, EntryAppended)]

    def exchanges(self, endpoint: str | None = None) -> list[JournalEntry]:
        """Exchange entries, optionally of one endpoint."""
        return [
            e
            for e in self.entries()
            if e.kind is EntryKind.EXCHANGE and (endpoint is None or e.name == endpoint)
        ]

    def events_named(self, name: str) -> list[JournalEntry]:
        """Event entries of one name."""
        return [e for e in self.entries() if e.kind is EntryKind.EVENT and e.name == name]

    def transitions(self) -> list[tuple[str, str, str]]:
        """Every journaled state change as (from, to, cause)."""
        return [
            (
                e.detail_value("from") or "",
                e.detail_value("to") or "",
                e.detail_value("cause") or "",
            )
            for e in self.events_named("state_changed")
        ]

    def notices(self) -> list[Notice]:
        """Notices the publisher emitted."""
        return [e for e in self.events if isinstance(e, Notice)]


async def open_desk(
    data_dir: Path,
    clock: ManualClock,
    *,
    lifetimes: Lifetimes | str = "local",
    operator_dir: Path | None = None,
    returning: bool = False,
    mode: OperatorMode = OperatorMode.IN_PROCESS,
) -> Desk:
    """Open a desk on the local operator (in-process by default), recording every event."""
    services = await open_services(
        data_dir,
        operator_mode=mode,
        operator_dir=operator_dir,
        clock=clock,
        lifetimes=lifetimes,
        returning=False,
    )
    desk = Desk(services, clock)
    services.publisher.subscribe(desk.events.append)
    if returning:
        await services.publisher.all_users_return()
    return desk


async def assert_no_other_tasks() -> None:
    """Fail if any asyncio task other than the caller's is still running."""
    current = asyncio.current_task()
    await asyncio.sleep(0)
    leftover = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    assert leftover == [], f"tasks left running: {leftover}"


@pytest_asyncio.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    """A desk on the local operator with the ``local`` lifetimes (15 min / 1 h / 24 h)."""
    d = await open_desk(tmp_path / "desk", ManualClock(START_MS))
    yield d
    await d.services.aclose()
    await assert_no_other_tasks()


@pytest_asyncio.fixture
async def short_desk(tmp_path: Path) -> AsyncIterator[Desk]:
    """A desk whose operator issues identities of 60 s / 120 s / 300 s."""
    d = await open_desk(tmp_path / "desk", ManualClock(START_MS), lifetimes=SHORT)
    yield d
    await d.services.aclose()
    await assert_no_other_tasks()


@pytest_asyncio.fixture
async def loopback_desk(tmp_path: Path) -> AsyncIterator[Desk]:
    """A desk whose operator listens on a real loopback port (connections can be dropped)."""
    d = await open_desk(tmp_path / "desk", ManualClock(START_MS), mode=OperatorMode.LOOPBACK)
    yield d
    await d.services.aclose()
    await assert_no_other_tasks()


@pytest_asyncio.fixture
async def traffic(tmp_path: Path) -> AsyncIterator[Traffic]:
    """An outside client on an in-process operator on a fake clock, its calls captured."""
    from tests.publisher.test_integration_checks import DEMO, START_MS, Traffic

    clock = ManualClock(START_MS)
    op = LocalOperator.open(tmp_path / "op", clock=clock, lifetimes=DEMO)
    try:
        transport = httpx.ASGITransport(app=op.asgi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://op.test") as http:
            yield Traffic(op, clock, http)
    finally:
        op.close()

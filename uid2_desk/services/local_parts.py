"""The desk's parts that exist only on the local environment: how its operator is reached,
its admin API as scenarios use it, and the capture of other clients' requests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import StrEnum

from uid2_desk.journal import AsyncJournal
from uid2_desk.journal.capture_feed import CaptureFeed, CaptureSession
from uid2_desk.journal.capture_pump import CapturePump
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.operator import LocalOperator
from uid2_desk.operator.admin.faults import Fault, FaultKind
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.publisher.model import TestUser
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.walkthrough.captured import captured_step


class OperatorMode(StrEnum):
    """How the embedded local operator is reached."""

    LOOPBACK = "loopback"
    """A real server on a free 127.0.0.1 port: other programs can use it too."""
    IN_PROCESS = "in_process"
    """Mounted into the HTTP client (``httpx.ASGITransport``): no socket at all."""


class LocalAdminAdapter:
    """The local operator's admin API as scenarios use it (:class:`LocalAdmin`), off the loop."""

    def __init__(self, operator: LocalOperator) -> None:
        self._admin = operator.admin

    async def opt_out(self, user: TestUser) -> None:
        """Opt the user's DII out now, as the opt-out portal would."""
        await asyncio.to_thread(self._admin.opt_out, user.kind, user.entered)

    async def add_fault(
        self, fault: str, endpoint: str | None, count: int | None, latency_ms: int = 0
    ) -> None:
        """Inject a fault into the operator."""
        spec = Fault(FaultKind(fault), endpoint=endpoint, times=count, latency_ms=latency_ms)
        await asyncio.to_thread(self._admin.set_fault, spec)

    async def clear_faults(self) -> None:
        """Remove every injected fault."""
        await asyncio.to_thread(self._admin.clear_faults)


def followed_first(publisher: Publisher, chains: ChainUsers) -> Callable[[Exchange], str | None]:
    """Who a captured exchange is about: the desk user whose handed-off chain a browser
    refresh continues (named as the desk's own rows name them), else the DII its chain began
    with."""

    def user_of(exchange: Exchange) -> str | None:
        return publisher.handoffs.user_of(exchange) or chains(exchange)

    return user_of


def session_capture(
    journal: AsyncJournal, publisher: Publisher, environment: str
) -> tuple[CaptureFeed, CapturePump]:
    """A capture sink and the started pump that journals what it takes into the desk's session,
    attributed to ``environment`` (the local operator's, or the proxy's upstream)."""
    feed = CaptureFeed()
    target = CaptureSession(
        session=publisher.session,
        environment=environment,
        step_of=captured_step,
        user_of=followed_first(publisher, ChainUsers()),
    )
    pump = CapturePump(feed, journal, target)
    pump.start()
    return feed, pump


def capture_into(
    journal: AsyncJournal, publisher: Publisher, operator: LocalOperator
) -> CapturePump:
    """What other clients send the embedded operator, into the desk's session (design.md §2).

    The desk's own calls are left out (it journals them itself, with more context).
    """
    feed, pump = session_capture(journal, publisher, publisher.environment.id)
    operator.capture_to(feed)
    return pump

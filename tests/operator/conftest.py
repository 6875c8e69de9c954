"""Fixtures of the local operator's tests, reusable elsewhere via ``tests.operator.conftest``.

- ``manual_clock``: a :class:`ManualClock` the operator reads (fake time, never sleep).
- ``local_operator``: an operator on a fresh data dir with that clock, ``local`` lifetimes.
- ``asgi_client``: an ``httpx.AsyncClient`` mounted on it in-process (no socket).
- ``captured``: every exchange it hands its capture sink, in order.
- ``live_operator`` / ``operator_server``: an operator on the system clock served on a real
  loopback port (for the official SDK, which stamps requests with wall-clock time).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from uid2_desk.operator import Lifetimes, LocalOperator, OperatorServer
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.exchange import Exchange

#: 2026-01-01T00:00:00Z
START_MS = 1_767_225_600_000


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock that moves only when the test says so."""
    return ManualClock(START_MS)


@pytest.fixture
def local_operator(tmp_path: Path, manual_clock: ManualClock) -> Iterator[LocalOperator]:
    """An operator in ``tmp_path/operator`` on ``manual_clock`` with the local profile."""
    operator = LocalOperator.open(
        tmp_path / "operator", clock=manual_clock, lifetimes=Lifetimes.local()
    )
    yield operator
    operator.close()


@pytest_asyncio.fixture
async def asgi_client(local_operator: LocalOperator) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to ``local_operator`` in-process."""
    transport = httpx.ASGITransport(app=local_operator.asgi_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://operator.test") as client:
        yield client


@pytest.fixture
def captured(local_operator: LocalOperator) -> list[Exchange]:
    """What ``local_operator`` hands its capture sink, in order (every served request)."""
    seen: list[Exchange] = []
    local_operator.capture_to(seen.append)
    return seen


@pytest.fixture
def live_operator(tmp_path: Path) -> Iterator[LocalOperator]:
    """An operator on the system clock (what the official SDK expects)."""
    operator = LocalOperator.open(tmp_path / "live-operator", lifetimes=Lifetimes.local())
    yield operator
    operator.close()


@pytest.fixture
def operator_server(live_operator: LocalOperator) -> Iterator[OperatorServer]:
    """``live_operator`` served on a free 127.0.0.1 port."""
    server = OperatorServer(live_operator)
    server.start()
    yield server
    server.stop()

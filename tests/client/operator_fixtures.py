"""Shared set-up for tests against the real local operator: one clock for desk and operator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Protocol

import httpx
import pytest
import pytest_asyncio

from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.protocol.clock import ManualClock, SystemClock

IN_PROCESS_URL = "http://operator.local"


class KeyPair(Protocol):
    """What the operator issues each of its clients: an API key and a client secret."""

    @property
    def api_key(self) -> str:
        """The bearer key."""
        ...

    @property
    def secret(self) -> str:
        """The client secret, base64."""
        ...


def client_for(
    http: httpx.AsyncClient,
    who: KeyPair,
    clock: ManualClock,
    base_url: str = IN_PROCESS_URL,
    timeout_s: float = 10.0,
) -> OperatorClient:
    """An OperatorClient for one of the operator's clients (publisher, dsp, sharer)."""
    return OperatorClient(
        http,
        Environment.local(base_url),
        Credentials(who.api_key, who.secret),
        clock=clock,
        timeout_s=timeout_s,
    )


@pytest.fixture
def clock() -> ManualClock:
    """The desk's clock, shared with the operator so tests can move both."""
    return ManualClock(SystemClock().now_ms())


@pytest.fixture
def operator(tmp_path: Path, clock: ManualClock) -> Iterator[LocalOperator]:
    """A real local operator in a temporary data directory, local lifetimes."""
    op = LocalOperator.open(tmp_path / "operator", clock=clock, lifetimes=Lifetimes.local())
    try:
        yield op
    finally:
        op.close()


@pytest_asyncio.fixture
async def http(operator: LocalOperator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client with the operator mounted in-process."""
    transport = httpx.ASGITransport(app=operator.asgi_app)
    async with httpx.AsyncClient(transport=transport) as client:
        yield client


@pytest.fixture
def publisher(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> OperatorClient:
    """The publisher's client (GENERATOR, MAPPER roles)."""
    return client_for(http, operator.credentials.publisher, clock)

"""OperatorClient over real TCP to the local operator on loopback: timings, faults, Date.

The operator's admin fault injection makes it fail on demand (5xx, malformed reply,
truncated reply, dropped connection, latency), so these failures come from the real thing.
"""

from __future__ import annotations

import email.utils
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.client.operator_fixtures import client_for
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.client.results import TokenStatus
from uid2_desk.operator import Fault, FaultKind, LocalOperator, OperatorServer
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import (
    DecryptionError,
    EnvelopeError,
    OperatorServerError,
    OperatorTimeoutError,
    OperatorUnreachableError,
)
from uid2_desk.protocol.normalize import DiiKind, parse_dii

DII = parse_dii(DiiKind.EMAIL, "user@example.com")


@pytest_asyncio.fixture
async def loopback(operator: LocalOperator, clock: ManualClock) -> AsyncIterator[OperatorClient]:
    """A publisher client talking to the operator on a loopback port."""
    server = OperatorServer(operator)
    base_url = await server.start_async()
    try:
        async with httpx.AsyncClient() as http:
            yield client_for(http, operator.credentials.publisher, clock, base_url, timeout_s=2.0)
    finally:
        await server.stop_async()


@pytest.mark.asyncio
async def test_timings_come_per_phase_and_the_connection_is_reused(
    loopback: OperatorClient, clock: ManualClock
) -> None:
    first = await loopback.generate(DII)
    second = await loopback.generate(DII)
    assert first.ok
    assert second.ok
    t1, t2 = first.exchange.timings, second.exchange.timings
    for t in (t1, t2):
        assert t.total_ms > 0
        assert t.send_ms is not None
        assert t.wait_ms is not None
        assert t.receive_ms is not None
        assert t.send_ms + t.wait_ms + t.receive_ms <= t.total_ms
    assert t1.connect_ms is not None
    assert t1.connect_ms > 0
    assert t2.connect_ms == 0.0
    assert ("connection_reused", "false") in first.exchange.extra
    assert ("connection_reused", "true") in second.exchange.extra
    assert first.exchange.url.startswith("http://127.0.0.1:")
    date = first.exchange.server_date
    assert date is not None
    assert abs(email.utils.parsedate_to_datetime(date).timestamp() * 1000 - clock.now_ms()) < 1000


@pytest.mark.asyncio
async def test_operator_500_fault_is_a_server_error_with_the_operator_status(
    loopback: OperatorClient, operator: LocalOperator
) -> None:
    operator.admin.set_fault(Fault(FaultKind.HTTP_500, "/v2/token/generate", times=1))
    outcome = await loopback.generate(DII)
    assert isinstance(outcome.error, OperatorServerError)
    assert outcome.error.http_status == 500
    assert outcome.error.status == "unknown"
    assert outcome.exchange.http_status == 500
    assert (await loopback.generate(DII)).ok  # the fault lapsed after one request


@pytest.mark.asyncio
async def test_operator_503_fault_is_a_server_error_quoting_the_plain_text(
    loopback: OperatorClient, operator: LocalOperator
) -> None:
    operator.admin.set_fault(Fault(FaultKind.HTTP_503))
    outcome = await loopback.generate(DII)
    assert isinstance(outcome.error, OperatorServerError)
    assert outcome.error.http_status == 503
    assert "Service Unavailable" in str(outcome.error)


@pytest.mark.asyncio
async def test_a_malformed_reply_cannot_be_opened(
    loopback: OperatorClient, operator: LocalOperator
) -> None:
    operator.admin.set_fault(Fault(FaultKind.MALFORMED))
    outcome = await loopback.generate(DII)
    assert isinstance(outcome.error, DecryptionError | EnvelopeError)
    assert outcome.exchange.http_status == 200
    assert outcome.exchange.response_body


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", [FaultKind.DROP, FaultKind.TRUNCATED])
async def test_a_dropped_or_truncated_reply_is_unreachable(
    loopback: OperatorClient, operator: LocalOperator, kind: FaultKind
) -> None:
    operator.admin.set_fault(Fault(kind, "/v2/token/generate"))
    outcome = await loopback.generate(DII)
    assert isinstance(outcome.error, OperatorUnreachableError)
    assert "dropped" in str(outcome.error)
    assert outcome.exchange.http_status is None
    assert outcome.exchange.request_envelope is not None


@pytest.mark.asyncio
async def test_operator_latency_beyond_the_limit_times_out(
    loopback: OperatorClient, operator: LocalOperator
) -> None:
    loopback.timeout_s = 0.3
    operator.admin.set_fault(Fault(FaultKind.LATENCY, latency_ms=600, times=1))
    outcome = await loopback.generate(DII)
    assert isinstance(outcome.error, OperatorTimeoutError)
    assert "within 0.3 s" in str(outcome.error)
    assert outcome.exchange.timings.total_ms >= 250


@pytest.mark.asyncio
async def test_a_refresh_fault_leaves_the_identity_refreshable_afterwards(
    loopback: OperatorClient, operator: LocalOperator
) -> None:
    identity = (await loopback.generate(DII)).unwrap().identity
    assert identity is not None
    operator.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/refresh", times=1))
    failed = await loopback.refresh(identity)
    assert isinstance(failed.error, OperatorServerError)
    assert failed.exchange.endpoint == "/v2/token/refresh"
    assert (await loopback.refresh(identity)).unwrap().status is TokenStatus.SUCCESS

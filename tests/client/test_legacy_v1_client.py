"""The v1 client against the real local operator opened with ``legacy_v1``.

The calls are GETs with the DII or refresh token in the query string; the replies are plain
JSON read without any key; failures go through the same error tree as the v2 calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.legacy_v1 import LegacyV1Client
from uid2_desk.client.results import TokenStatus
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import OperatorClientError, UnauthorizedError
from uid2_desk.protocol.normalize import DiiKind, parse_dii

BASE = "http://operator.local"
pytestmark = pytest.mark.asyncio


@pytest.fixture
def v1_operator(tmp_path: Path, clock: ManualClock) -> Iterator[LocalOperator]:
    """A real local operator that serves the legacy v1 routes."""
    op = LocalOperator.open(
        tmp_path / "op", clock=clock, lifetimes=Lifetimes.local(), legacy_v1=True
    )
    try:
        yield op
    finally:
        op.close()


@pytest_asyncio.fixture
async def v1_http(v1_operator: LocalOperator) -> AsyncIterator[httpx.AsyncClient]:
    """The operator mounted in-process."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=v1_operator.asgi_app)) as h:
        yield h


def v1_client(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock, *, api_key: str = ""
) -> LegacyV1Client:
    mine = operator.credentials.publisher
    credentials = Credentials(api_key or mine.api_key, mine.secret)
    return LegacyV1Client(http, Environment.local(BASE), credentials, clock=clock)


async def test_generate_is_a_get_with_the_email_in_the_url(
    v1_http: httpx.AsyncClient, v1_operator: LocalOperator, clock: ManualClock
) -> None:
    client = v1_client(v1_http, v1_operator, clock)
    outcome = await client.generate(parse_dii(DiiKind.EMAIL, "Jane@Example.com"), send_raw=True)
    assert outcome.ok, outcome.error
    ex = outcome.exchange
    assert ex.method == "GET"
    assert ex.endpoint == "/v1/token/generate"
    assert ex.url == f"{BASE}/v1/token/generate?email=jane%40example.com"
    assert ex.request_body == b""
    assert ex.request_envelope is None
    assert ex.response_envelope is None
    assert ex.operator_status == "success"
    identity = outcome.unwrap().identity
    assert identity is not None
    assert identity.refresh_response_key is None  # v1 hands out no key
    sent = dict(ex.request_headers)
    assert v1_operator.credentials.publisher.api_key not in sent["authorization"]  # masked


async def test_refresh_reads_the_plain_reply_without_a_key(
    v1_http: httpx.AsyncClient, v1_operator: LocalOperator, clock: ManualClock
) -> None:
    client = v1_client(v1_http, v1_operator, clock)
    first = (await client.generate(parse_dii(DiiKind.EMAIL, "jane@example.com"))).unwrap()
    assert first.identity is not None
    outcome = await client.refresh(first.identity)
    assert outcome.ok, outcome.error
    assert outcome.exchange.method == "GET"
    assert outcome.exchange.url.startswith(f"{BASE}/v1/token/refresh?refresh_token=")
    refreshed = outcome.unwrap()
    assert refreshed.status is TokenStatus.SUCCESS
    assert refreshed.identity is not None
    assert refreshed.identity.advertising_token != first.identity.advertising_token


async def test_optout_address_gets_tokens_and_its_refresh_answers_optout(
    v1_http: httpx.AsyncClient, v1_operator: LocalOperator, clock: ManualClock
) -> None:
    """v1 generate checks no opt-outs (UOV 3b175ce1 handleTokenGenerateV1); refresh does."""
    client = v1_client(v1_http, v1_operator, clock)
    generated = (await client.generate(parse_dii(DiiKind.EMAIL, "optout@example.com"))).unwrap()
    assert generated.identity is not None
    refreshed = (await client.refresh(generated.identity)).unwrap()
    assert refreshed.status is TokenStatus.OPTOUT


async def test_validate_answers_true_for_the_validate_identity(
    v1_http: httpx.AsyncClient, v1_operator: LocalOperator, clock: ManualClock
) -> None:
    client = v1_client(v1_http, v1_operator, clock)
    dii = parse_dii(DiiKind.EMAIL, "validate@example.com")
    identity = (await client.generate(dii)).unwrap().identity
    assert identity is not None
    outcome = await client.validate(identity.advertising_token, dii)
    assert outcome.unwrap() is True
    assert outcome.exchange.method == "GET"
    assert "token=" in outcome.exchange.url


async def test_an_unknown_key_is_the_unauthorized_error(
    v1_http: httpx.AsyncClient, v1_operator: LocalOperator, clock: ManualClock
) -> None:
    client = v1_client(v1_http, v1_operator, clock, api_key="UID2-C-L-999-nope")
    outcome = await client.generate(parse_dii(DiiKind.EMAIL, "jane@example.com"))
    assert isinstance(outcome.error, UnauthorizedError)
    assert outcome.exchange.http_status == 401
    assert outcome.exchange.method == "GET"


async def test_a_damaged_refresh_token_is_the_operators_v1_error(
    v1_http: httpx.AsyncClient, v1_operator: LocalOperator, clock: ManualClock
) -> None:
    client = v1_client(v1_http, v1_operator, clock)
    outcome = await client.refresh_token("", None)
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.status == "invalid_token"
    assert outcome.error.operator_message == "Invalid Token presented "  # v1 echoes the token
    assert "sign in again" in str(outcome.error)


async def test_without_legacy_v1_the_operator_answers_404(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    """Real operators removed the v1 routes in July 2025 (PR #1871)."""
    client = v1_client(http, operator, clock)
    outcome = await client.generate(parse_dii(DiiKind.EMAIL, "jane@example.com"))
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.exchange.http_status == 404

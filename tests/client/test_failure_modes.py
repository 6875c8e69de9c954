"""Every way a call can fail maps to the error tree, and still yields a complete Exchange.

Operator failures come from the real local operator: 500 and 503 from its injected faults, 404
from a base URL with a path prefix, a refresh reply the identity's key cannot open from a
refresh with a stale response key. Transport failures use real loopback sockets (a closed
port, a server that never answers, one that hangs up, a proxy that redirects). Only replies a
real operator cannot be made to send (garbage bodies, a reply under another key, a wrong
nonce) come from ``httpx.MockTransport`` handlers that open our request with the real
envelope code and answer something deliberately wrong.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import pytest_asyncio

from tests.client.operator_fixtures import IN_PROCESS_URL, client_for
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.environments import Environment
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.operator import Fault, FaultKind, LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.envelope import (
    decode_base64_body,
    open_request,
    seal_response,
    to_base64,
)
from uid2_desk.protocol.errors import (
    DecryptionError,
    EnvelopeError,
    NonceMismatchError,
    OperatorClientError,
    OperatorError,
    OperatorServerError,
    OperatorTimeoutError,
    OperatorUnreachableError,
    PayloadError,
)
from uid2_desk.protocol.normalize import DiiKind, parse_dii

KEY = "UID2-C-L-999-fCXrMM.fsR3mDqAXELtWWMS+xG1s7RdgRTMqdOH2qaAo="
SECRET = "ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo="
WRONG_SECRET = base64.b64encode(bytes(range(32))).decode()
DII = parse_dii(DiiKind.EMAIL, "user@example.com")

Handler = Callable[[httpx.Request], httpx.Response]


def _client(http: httpx.AsyncClient, base_url: str, timeout_s: float = 5.0) -> OperatorClient:
    env = Environment.from_cli(base_url)
    return OperatorClient(
        http, env, Credentials(KEY, SECRET), clock=ManualClock(), timeout_s=timeout_s
    )


def _mock(handler: Handler) -> OperatorClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return _client(http, "http://operator.test")


def _answer(
    request: httpx.Request,
    doc: object,
    *,
    secret: str = SECRET,
    nonce: bytes | None = None,
) -> httpx.Response:
    """Open the real request envelope and seal ``doc`` as a 200 reply, maybe wrongly."""
    opened = open_request(base64.b64decode(SECRET), decode_base64_body(request.content))
    sealed = seal_response(
        base64.b64decode(secret),
        json.dumps(doc).encode(),
        timestamp_ms=opened.timestamp_ms,
        nonce=nonce if nonce is not None else opened.nonce,
    )
    return httpx.Response(200, text=to_base64(sealed.raw), headers={"Date": "x"})


async def _serve(
    on_connect: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[str]:
    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


@pytest_asyncio.fixture
async def silent_server() -> AsyncIterator[str]:
    """Accepts connections, reads, and never answers."""
    stop = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        await stop.wait()
        writer.close()

    async for url in _serve(hold):
        yield url
    stop.set()


@pytest_asyncio.fixture
async def hanging_up_server() -> AsyncIterator[str]:
    """Reads the request, then closes the connection without a byte of answer."""

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.close()
        await writer.wait_closed()

    async for url in _serve(hang_up):
        yield url


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _assert_request_recorded(outcome_exchange: object) -> None:
    from uid2_desk.protocol.exchange import Exchange

    assert isinstance(outcome_exchange, Exchange)
    assert outcome_exchange.request_envelope is not None
    assert outcome_exchange.request_body
    assert (
        outcome_exchange.request_plaintext
        == '{"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ="}'
    )
    assert ("authorization", "Bearer UID2-C-L-999-***") in outcome_exchange.request_headers
    assert outcome_exchange.error


@pytest.mark.asyncio
async def test_an_operator_that_never_answers_times_out_with_advice(silent_server: str) -> None:
    async with httpx.AsyncClient() as http:
        outcome = await _client(http, silent_server, timeout_s=0.3).generate(DII)
    assert isinstance(outcome.error, OperatorTimeoutError)
    assert "within 0.3 s" in str(outcome.error)
    assert "Check the network" in str(outcome.error)
    assert outcome.exchange.http_status is None
    assert outcome.exchange.timings.total_ms >= 250
    assert outcome.exchange.timings.connect_ms is not None
    _assert_request_recorded(outcome.exchange)


@pytest.mark.asyncio
async def test_a_closed_port_is_reported_as_unreachable() -> None:
    url = _closed_port_url()
    async with httpx.AsyncClient() as http:
        outcome = await _client(http, url).generate(DII)
    assert isinstance(outcome.error, OperatorUnreachableError)
    assert "Could not connect" in str(outcome.error)
    assert "that the operator is running" in str(outcome.error)
    assert outcome.exchange.error == str(outcome.error)
    _assert_request_recorded(outcome.exchange)


@pytest.mark.asyncio
async def test_a_dropped_connection_is_reported_as_unreachable(hanging_up_server: str) -> None:
    async with httpx.AsyncClient() as http:
        outcome = await _client(http, hanging_up_server).generate(DII)
    assert isinstance(outcome.error, OperatorUnreachableError)
    assert "dropped before a complete answer" in str(outcome.error)
    _assert_request_recorded(outcome.exchange)


@pytest.mark.asyncio
async def test_a_200_that_is_not_base64_is_an_envelope_error_naming_the_url() -> None:
    client = _mock(lambda r: httpx.Response(200, text="<html>Welcome to nginx</html>"))
    outcome = await client.generate(DII)
    assert isinstance(outcome.error, EnvelopeError)
    assert "not a UID2 envelope" in str(outcome.error)
    assert outcome.exchange.response_body == b"<html>Welcome to nginx</html>"
    assert outcome.exchange.http_status == 200
    assert not outcome.exchange.ok
    _assert_request_recorded(outcome.exchange)


@pytest.mark.asyncio
async def test_a_200_of_random_bytes_cannot_be_decrypted() -> None:
    client = _mock(lambda r: httpx.Response(200, text=to_base64(bytes(80))))
    outcome = await client.generate(DII)
    assert isinstance(outcome.error, DecryptionError)
    assert "cannot be decrypted with the client secret" in str(outcome.error)


@pytest.mark.asyncio
async def test_a_reply_under_another_key_says_to_check_the_secret() -> None:
    client = _mock(lambda r: _answer(r, {"status": "optout"}, secret=WRONG_SECRET))
    outcome = await client.generate(DII)
    assert isinstance(outcome.error, DecryptionError)
    assert "Check that the secret belongs to this API key" in str(outcome.error)
    assert outcome.exchange.response_plaintext is None
    assert outcome.exchange.nonce_ok is None


@pytest.mark.asyncio
async def test_a_reply_with_another_nonce_is_refused_but_fully_recorded() -> None:
    client = _mock(lambda r: _answer(r, {"status": "optout"}, nonce=b"\x00" * 8))
    outcome = await client.generate(DII)
    assert isinstance(outcome.error, NonceMismatchError)
    assert "0000000000000000" in str(outcome.error)
    assert outcome.value is None
    exchange = outcome.exchange
    assert exchange.nonce_ok is False
    assert exchange.response_plaintext == '{"status": "optout"}'
    assert exchange.response_envelope is not None
    assert exchange.response_envelope.nonce == b"\x00" * 8
    assert exchange.server_time_ms == exchange.started_ms


@pytest.mark.asyncio
async def test_a_decrypted_reply_that_is_not_json_is_a_payload_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        opened = open_request(base64.b64decode(SECRET), decode_base64_body(request.content))
        sealed = seal_response(
            base64.b64decode(SECRET), b"not json", timestamp_ms=1, nonce=opened.nonce
        )
        return httpx.Response(200, text=to_base64(sealed.raw))

    outcome = await _mock(handler).generate(DII)
    assert isinstance(outcome.error, PayloadError)
    assert outcome.exchange.nonce_ok is True
    assert outcome.exchange.response_plaintext == "not json"


@pytest.mark.asyncio
async def test_an_unknown_generate_status_is_a_payload_error() -> None:
    outcome = await _mock(lambda r: _answer(r, {"status": "teapot"})).generate(DII)
    assert isinstance(outcome.error, PayloadError)
    assert "'teapot'" in str(outcome.error)
    assert outcome.exchange.operator_status == "teapot"


@pytest.mark.asyncio
async def test_a_success_without_a_usable_identity_is_a_payload_error() -> None:
    outcome = await _mock(lambda r: _answer(r, {"status": "success", "body": {}})).generate(DII)
    assert isinstance(outcome.error, PayloadError)
    assert "advertising_token" in str(outcome.error)


@pytest.mark.asyncio
async def test_an_operator_failure_is_a_server_error_that_suggests_waiting(
    publisher: OperatorClient, operator: LocalOperator
) -> None:
    operator.admin.set_fault(Fault(FaultKind.HTTP_500, "/v2/token/generate", times=1))
    outcome = await publisher.generate(DII)
    assert isinstance(outcome.error, OperatorServerError)
    assert outcome.error.http_status == 500
    assert outcome.error.status == "unknown"
    assert outcome.error.operator_message == "Unknown State"
    assert "wait a moment and try again" in str(outcome.error)
    assert outcome.exchange.operator_status == "unknown"
    assert json.loads(outcome.exchange.response_plaintext or "") == {
        "message": "Unknown State",
        "status": "unknown",
    }
    assert (await publisher.generate(DII)).ok  # the fault was for one request only


@pytest.mark.asyncio
async def test_a_proxy_error_page_is_a_server_error_quoting_the_page(
    publisher: OperatorClient, operator: LocalOperator
) -> None:
    operator.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/generate", times=1))
    outcome = await publisher.generate(DII)
    assert isinstance(outcome.error, OperatorServerError)
    assert outcome.error.http_status == 503
    assert outcome.error.status is None
    assert "'Service Unavailable'" in str(outcome.error)
    assert outcome.exchange.operator_status is None


@pytest.mark.asyncio
async def test_a_base_url_with_a_wrong_path_is_a_client_error_pointing_at_the_url(
    http: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    prefixed = client_for(http, operator.credentials.publisher, clock, f"{IN_PROCESS_URL}/uid2")
    outcome = await prefixed.generate(DII)
    assert outcome.exchange.url == f"{IN_PROCESS_URL}/uid2/v2/token/generate"
    assert isinstance(outcome.error, OperatorClientError)
    assert outcome.error.http_status == 404
    assert outcome.error.status is None
    assert "Check the environment URL" in str(outcome.error)


@pytest_asyncio.fixture
async def redirecting_server() -> AsyncIterator[str]:
    """Answers every request with a redirect, as a proxy in front of the wrong URL does."""

    async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(65536)
        writer.write(
            b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere.example/\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async for url in _serve(redirect):
        yield url


@pytest.mark.asyncio
async def test_a_redirect_is_an_operator_error(redirecting_server: str) -> None:
    async with httpx.AsyncClient() as http:
        outcome = await _client(http, redirecting_server).generate(DII)
    assert type(outcome.error) is OperatorError
    assert outcome.error.http_status == 301
    assert "redirect" in str(outcome.error)


@pytest.mark.asyncio
async def test_a_refresh_reply_under_another_key_says_to_sign_in_again(
    publisher: OperatorClient,
) -> None:
    identity = (await publisher.generate(DII)).unwrap().identity
    assert identity is not None
    # The identity kept the wrong response key (from another refresh, another operator).
    stale = dataclasses.replace(identity, refresh_response_key=bytes(range(32)))
    outcome = await publisher.refresh(stale)
    assert isinstance(outcome.error, DecryptionError)
    assert "refresh_response_key" in str(outcome.error)
    assert outcome.exchange.http_status == 200
    assert outcome.exchange.request_plaintext == identity.refresh_token
    assert outcome.exchange.request_body == identity.refresh_token.encode()
    assert outcome.exchange.request_envelope is None
    assert outcome.exchange.response_plaintext is None

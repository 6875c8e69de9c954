"""The operator's capture: every served request handed out as an exchange, decrypted, explained.

The operator runs in-process on a manual clock; a list is the capture sink. Each case is what a
QA engineer needs to see about an outside client's request, failures first.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time

import httpx
import pytest

from tests.operator.cstg_support import PAGE_ORIGIN, cstg_request, email_hash_dii, post_cstg
from tests.operator.support import bearer, generate, seal
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.protocol.capture import (
    AUTH_FACT,
    FIX,
    SKEW_FACT,
    WHY,
    WHY_CODE,
    CapturedClient,
    extra_value,
)
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.envelope import ENVELOPE_VERSION
from uid2_desk.protocol.exchange import Exchange

pytestmark = pytest.mark.asyncio


async def test_a_generate_is_captured_with_both_halves_decrypted_and_its_client(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    creds = local_operator.credentials.publisher
    await generate(asgi_client, creds, manual_clock.now_ms(), email="jane@example.com")
    (exchange,) = captured
    assert exchange.endpoint == "/v2/token/generate"
    assert exchange.http_status == 200
    assert exchange.operator_status == "success"
    assert exchange.request_plaintext == '{"email": "jane@example.com"}'
    assert exchange.request_envelope is not None
    assert exchange.request_envelope.version == ENVELOPE_VERSION
    assert exchange.request_envelope.timestamp_ms == manual_clock.now_ms()
    assert exchange.response_envelope is not None
    assert exchange.response_envelope.nonce == exchange.request_envelope.nonce
    assert exchange.server_time_ms == manual_clock.now_ms()
    reply = json.loads(exchange.response_plaintext or "")
    assert reply["body"]["refresh_response_key"] == "[masked]"
    assert reply["body"]["advertising_token"]
    client = CapturedClient.of(exchange)
    assert client == CapturedClient(
        role="publisher",
        key=creds.api_key[:13] + "…",
        site_id=str(creds.site_id),
        user_agent=f"python-httpx/{httpx.__version__}",
        remote="127.0.0.1:123",
    )
    authorization = dict(exchange.request_headers)["authorization"]
    assert authorization == f"Bearer {creds.api_key[:13]}…"
    assert extra_value(exchange, SKEW_FACT) == "0"
    assert extra_value(exchange, WHY) is None


async def test_the_secrets_of_a_reply_never_leave_the_operator(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    dsp = local_operator.credentials.dsp
    sealed = seal(dsp.secret, {}, manual_clock.now_ms())
    response = await asgi_client.post("/v2/key/bidstream", content=sealed.body, headers=bearer(dsp))
    assert response.status_code == 200
    (exchange,) = captured
    text = exchange.response_plaintext or ""
    assert '"secret":"[masked]"' in text
    for client in (local_operator.credentials.publisher, dsp, local_operator.credentials.sharer):
        assert client.secret not in repr(exchange)
        assert client.api_key not in repr(exchange)


async def test_an_envelope_sealed_with_another_secret_is_captured_and_explained(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    creds = local_operator.credentials.publisher
    other = base64.b64encode(b"k" * 32).decode()
    sealed = seal(other, {"email": "jane@example.com"}, manual_clock.now_ms())
    await asgi_client.post("/v2/token/generate", content=sealed.body, headers=bearer(creds))
    (exchange,) = captured
    assert exchange.http_status == 400
    assert exchange.request_plaintext is None  # it could not be opened
    assert exchange.request_body == sealed.body.encode()
    assert extra_value(exchange, WHY_CODE) == "wrong_secret"
    assert "another environment" not in (extra_value(exchange, WHY) or "")
    assert "this environment" in (extra_value(exchange, FIX) or "")


async def test_an_old_envelope_says_how_far_the_clients_clock_was_off(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, {"email": "a@example.com"}, manual_clock.now_ms() - 150_000)
    await asgi_client.post("/v2/token/generate", content=sealed.body, headers=bearer(creds))
    (exchange,) = captured
    assert extra_value(exchange, SKEW_FACT) == "-150000"
    assert extra_value(exchange, WHY_CODE) == "timestamp_window"
    assert "150.0 s behind the operator's clock" in (extra_value(exchange, WHY) or "")
    assert exchange.request_plaintext == '{"email": "a@example.com"}'


@pytest.mark.parametrize(
    ("headers", "path", "fact", "code"),
    [
        ({}, "/v2/token/generate", "no_key", "no_api_key"),
        ({"Authorization": "Bearer UID2-C-L-999-nope"}, "/v2/token/generate", "unknown_key",
         "unknown_api_key"),
        (None, "/v2/key/bidstream", "missing_role:ID_READER", "missing_role"),
    ],
)  # fmt: skip
async def test_a_refused_key_says_whether_it_was_missing_unknown_or_lacked_the_role(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    captured: list[Exchange],
    headers: dict[str, str] | None,
    path: str,
    fact: str,
    code: str,
) -> None:
    sent = bearer(local_operator.credentials.publisher) if headers is None else headers
    response = await asgi_client.post(path, content=b"x", headers=sent)
    assert response.status_code == 401
    (exchange,) = captured
    assert extra_value(exchange, AUTH_FACT) == fact
    assert extra_value(exchange, WHY_CODE) == code
    if code == "missing_role":
        assert "ID_READER" in (extra_value(exchange, WHY) or "")


async def test_a_body_that_is_not_base64_and_an_unknown_path_are_captured_too(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, captured: list[Exchange]
) -> None:
    creds = local_operator.credentials.publisher
    await asgi_client.post("/v2/token/generate", content=b"%%%", headers=bearer(creds))
    await asgi_client.get("/v1/token/refresh", params={"refresh_token": "abc"})
    not_base64, legacy = captured
    assert extra_value(not_base64, WHY_CODE) == "not_base64"
    assert legacy.url.endswith("/v1/token/refresh?refresh_token=abc")
    assert legacy.method == "GET"
    assert extra_value(legacy, WHY_CODE) == "legacy_endpoint"
    assert "POST /v2/token/refresh" in (extra_value(legacy, FIX) or "")


@pytest.mark.parametrize(
    ("body", "code", "said"),
    [
        ("A" * 388, "refresh_token_unknown_key", "not a refresh token at all"),
        (base64.b64encode(bytes(range(256)) + bytes(35)).decode(), "refresh_token_unknown_key",
         "another environment or operator"),
        ("garbage!", "refresh_token_unreadable", "no JSON, quotes or line breaks"),
    ],
    ids=["388 A's", "388 characters of base64", "not base64"],
)  # fmt: skip
async def test_a_refresh_body_that_is_no_refresh_token_is_explained(
    asgi_client: httpx.AsyncClient, captured: list[Exchange], body: str, code: str, said: str
) -> None:
    # The operator reads the token's key id before anything else: any 388 characters of
    # base64 come back as "Generator of this token (Key ID: …) does not exist".
    reply = await asgi_client.post("/v2/token/refresh", content=body)
    assert reply.status_code == 400
    (exchange,) = captured
    assert extra_value(exchange, WHY_CODE) == code
    assert said in (extra_value(exchange, WHY) or "") + (extra_value(exchange, FIX) or "")


async def test_a_refresh_is_captured_with_its_token_and_its_reply_decrypted(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    creds = local_operator.credentials.publisher
    first = await generate(asgi_client, creds, manual_clock.now_ms(), email="jane@example.com")
    token = first["body"]["refresh_token"]
    await asgi_client.post(
        "/v2/token/refresh",
        content=token,
        headers={"X-UID2-Client-Version": "PrebidJS-11.36.0-UID2Module-1.1", "Origin": "http://localhost:9"},
    )  # fmt: skip
    refresh = captured[1]
    assert refresh.request_plaintext == token
    reply = json.loads(refresh.response_plaintext or "")
    assert reply["status"] == "success"
    assert reply["body"]["refresh_response_key"] == "[masked]"
    client = CapturedClient.of(refresh)
    assert client is not None
    assert client.role == "unknown"  # a browser refreshes without an API key
    assert client.origin == "http://localhost:9"


async def test_nothing_is_captured_without_a_sink_and_a_failing_sink_breaks_nothing(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher
    await generate(asgi_client, creds, manual_clock.now_ms(), email="a@example.com")

    def broken(exchange: Exchange) -> None:
        raise RuntimeError("the sink's own bug")

    local_operator.capture_to(broken)
    document = await generate(asgi_client, creds, manual_clock.now_ms(), email="a@example.com")
    assert document["status"] == "success"


async def test_a_client_side_generate_is_captured_with_its_page_and_decrypted_payload(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    request = cstg_request(local_operator, manual_clock.now_ms())
    response = await post_cstg(asgi_client, request.body)
    assert response.status_code == 200
    (exchange,) = captured
    client = CapturedClient.of(exchange)
    assert client is not None
    assert client.role == "cstg"
    assert client.subscription == local_operator.cstg.settings.subscription_id
    assert client.origin == PAGE_ORIGIN
    assert client.key == ""  # client-side generation sends no API key
    assert json.loads(exchange.request_plaintext or "") == email_hash_dii("jane@example.com")
    assert extra_value(exchange, "cstg.aad") == f"[{manual_clock.now_ms()}]"
    reply = json.loads(exchange.response_plaintext or "")
    assert reply["status"] == "success"
    assert reply["body"]["refresh_response_key"] == "[masked]"


async def test_a_client_side_generate_from_a_page_not_allowed_is_explained(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    request = cstg_request(local_operator, manual_clock.now_ms())
    response = await post_cstg(asgi_client, request.body, origin="https://news.example")
    assert response.status_code == 403
    (exchange,) = captured
    assert extra_value(exchange, WHY_CODE) == "cstg_origin"
    assert "--cstg-domain" in (extra_value(exchange, FIX) or "")


async def test_a_request_without_a_host_header_is_captured_at_the_address_it_reached(
    live_operator: LocalOperator, operator_server: OperatorServer
) -> None:
    """An HTTP/1.0 client may leave out ``Host``: the capture names the listening address."""
    seen: list[Exchange] = []
    live_operator.capture_to(seen.append)

    reader, writer = await asyncio.open_connection("127.0.0.1", operator_server.port)
    writer.write(b"GET /ops/healthcheck HTTP/1.0\r\n\r\n")
    reply = await asyncio.wait_for(reader.read(), 5)
    writer.close()

    assert reply.startswith(b"HTTP/1.1 200")
    assert reply.endswith(b"OK")
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert [e.url for e in seen] == [f"http://127.0.0.1:{operator_server.port}/ops/healthcheck"]

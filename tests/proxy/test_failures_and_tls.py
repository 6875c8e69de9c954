"""The proxy over HTTPS with a test CA, and what the client and the capture see when it fails.

The proxy runs in-process on a loopback port; the upstream is the real local operator served
by uvicorn over TLS (a certificate from a CA made here, which the proxy is told to trust), or
nothing at all, or a server that does not speak UID2.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from uid2_client import (
    IdentityMapV3Client,
    IdentityMapV3Input,
    TokenGenerateInput,
    Uid2PublisherClient,
)

from tests.operator.cstg_support import PAGE_ORIGIN, PATH, cstg_request
from tests.proxy.support import proxy_to, serve_tls, write_test_ca
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.capture import FIX, WHY, WHY_CODE, extra_value
from uid2_desk.protocol.cstg import open_reply
from uid2_desk.proxy.record import CLOSED, CLOSED_WHY


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[LocalOperator]:
    """A local operator standing in for the remote one (served by each test its own way)."""
    operator = LocalOperator.open(tmp_path / "remote", lifetimes=Lifetimes.local())
    yield operator
    operator.close()


def _publisher(operator: LocalOperator) -> tuple[str, str]:
    block = operator.credentials.to_json("https://unused")["publisher"]
    assert isinstance(block, dict)
    return str(block["api_key"]), str(block["secret"])


def test_over_https_with_a_trusted_test_certificate_the_sdk_works_and_the_capture_opens(
    remote: LocalOperator, tmp_path: Path
) -> None:
    ca, cert, key = write_test_ca(tmp_path)
    api_key, secret = _publisher(remote)
    trusted = ssl.create_default_context(cafile=str(ca))
    with (
        serve_tls(remote.asgi_app, cert, key) as upstream,
        proxy_to(upstream, {api_key: _b64(secret)}, verify=trusted) as (url, captured),
    ):
        sdk = Uid2PublisherClient(url, api_key, secret)
        identity = sdk.generate_token(TokenGenerateInput.from_email("tls@example.com"))
        refreshed = sdk.refresh_token(identity.get_identity())
    assert refreshed.get_identity().get_advertising_token()
    generate, refresh = captured
    assert generate.url.startswith("https://127.0.0.1:")
    assert generate.request_plaintext is not None
    assert "email_hash" in generate.request_plaintext
    assert refresh.operator_status == "success"


def test_an_untrusted_certificate_is_not_forwarded_to(
    remote: LocalOperator, tmp_path: Path
) -> None:
    _, cert, key = write_test_ca(tmp_path)
    api_key, secret = _publisher(remote)
    with (
        serve_tls(remote.asgi_app, cert, key) as upstream,
        proxy_to(upstream, {api_key: _b64(secret)}) as (url, captured),
    ):
        reply = httpx.post(f"{url}/v2/token/generate", content=b"AQID")
    assert reply.status_code == 502
    (exchange,) = captured
    assert extra_value(exchange, WHY_CODE) == "upstream_unreachable"
    assert "CERTIFICATE_VERIFY_FAILED" in (extra_value(exchange, WHY) or "")


def test_an_upstream_that_is_down_gives_the_client_a_502_and_the_capture_a_reason(
    remote: LocalOperator,
) -> None:
    api_key, secret = _publisher(remote)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{closed.getsockname()[1]}"  # bound, never listening
        with proxy_to(down, {api_key: _b64(secret)}) as (url, captured):
            sdk = Uid2PublisherClient(url, api_key, secret)
            with pytest.raises(Exception, match="502"):
                sdk.generate_token(TokenGenerateInput.from_email("down@example.com"))
            reply = httpx.post(f"{url}/v2/token/generate", content=b"AQID")
    assert reply.status_code == 502
    document = reply.json()
    assert document["status"] == "unknown"
    assert document["message"].startswith("UID2 Desk proxy could not reach the upstream")
    exchange = captured[0]
    assert exchange.http_status == 502
    assert extra_value(exchange, WHY_CODE) == "upstream_unreachable"
    assert down in (extra_value(exchange, WHY) or "")
    assert "network" in (extra_value(exchange, FIX) or "")
    assert exchange.request_plaintext is not None  # opened even though it never arrived
    assert "email_hash" in exchange.request_plaintext


def test_a_slow_upstream_is_a_502_that_says_it_timed_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # accepts connections, never answers
        slow = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with proxy_to(slow, timeout_s=0.3) as (url, captured):
            reply = httpx.post(f"{url}/v2/token/generate", content=b"AQID")
    assert reply.status_code == 502
    assert extra_value(captured[0], WHY_CODE) == "upstream_timeout"


def test_garbage_from_upstream_reaches_the_client_unchanged_and_is_called_garbage() -> None:
    page = "<html><body>502 Bad Gateway (nginx)</body></html>"

    async def nginx(request: Request) -> HTMLResponse:
        return HTMLResponse(page, status_code=503)

    app = Starlette(routes=[Route("/v2/token/generate", nginx, methods=["POST"])])
    with LoopbackServer(app) as upstream, proxy_to(upstream.base_url) as (url, captured):
        reply = httpx.post(f"{url}/v2/token/generate", content=b"AQID")
    assert reply.status_code == 503
    assert reply.text == page
    assert extra_value(captured[0], WHY_CODE) == "upstream_garbage"


def test_headers_pass_unchanged_but_hop_by_hop_and_host() -> None:
    seen: dict[str, str] = {}

    async def echo(request: Request) -> HTMLResponse:
        seen.update(request.headers)
        return HTMLResponse(json.dumps({"status": "success"}), media_type="application/json")

    app = Starlette(routes=[Route("/v2/token/validate", echo, methods=["POST"])])
    with LoopbackServer(app) as upstream, proxy_to(upstream.base_url) as (url, _):
        httpx.post(
            f"{url}/v2/token/validate",
            content=b"AQID",
            headers={"X-Custom": "kept", "User-Agent": "team-backend/1", "Connection": "close"},
        )
    assert seen["x-custom"] == "kept"
    assert seen["user-agent"] == "team-backend/1"
    assert seen["host"] == upstream.base_url.removeprefix("http://")
    assert seen.get("connection") != "close"


def _b64(secret: str) -> bytes:
    return base64.b64decode(secret)


def test_a_wrong_secret_is_explained_and_a_cstg_reply_stays_sealed_with_its_reason(
    remote: LocalOperator,
) -> None:
    api_key, _ = _publisher(remote)
    wrong = base64.b64encode(b"w" * 32).decode()
    with LoopbackServer(remote.asgi_app) as upstream, proxy_to(upstream.base_url) as (url, got):
        with pytest.raises(Exception, match="400"):
            Uid2PublisherClient(url, api_key, wrong).generate_token(
                TokenGenerateInput.from_email("jane@example.com")
            )
        request = cstg_request(remote, int(time.time() * 1000))
        reply = httpx.post(
            f"{url}{PATH}",
            content=json.dumps(request.body).encode(),
            headers={"content-type": "text/plain", "origin": PAGE_ORIGIN},
        )
    assert reply.status_code == 200
    assert json.loads(open_reply(request.key, reply.content))["status"] == "success"
    refused, client_side = got
    assert extra_value(refused, WHY_CODE) == "wrong_secret"
    assert extra_value(refused, CLOSED) == "no_secret"  # the proxy was given no secret here
    assert client_side.request_plaintext is not None
    assert '"subscription_id"' in client_side.request_plaintext
    assert client_side.response_plaintext is None
    assert extra_value(client_side, CLOSED) == "cstg_device_key"
    assert "ECDH" in (extra_value(client_side, CLOSED_WHY) or "")


def test_a_binary_v3_identity_map_opens_both_ways(remote: LocalOperator) -> None:
    api_key, secret = _publisher(remote)
    with (
        LoopbackServer(remote.asgi_app) as upstream,
        proxy_to(upstream.base_url, {api_key: _b64(secret)}) as (url, got),
    ):
        mapped = IdentityMapV3Client(url, api_key, secret).generate_identity_map(
            IdentityMapV3Input.from_emails(["map@example.com"])
        )
    assert mapped.mapped_identities["map@example.com"].current_raw_uid
    (exchange,) = got
    assert exchange.request_body[:1] == b"\x01"  # raw bytes, application/octet-stream
    assert exchange.request_plaintext is not None
    assert exchange.response_plaintext is not None
    assert exchange.operator_status == "success"
    assert extra_value(exchange, CLOSED) is None
    assert extra_value(exchange, WHY_CODE) != "upstream_garbage"

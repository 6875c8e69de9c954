"""Binary (``application/octet-stream``) envelopes are told apart by Content-Type, not bytes.

A binary reply envelope starts with its random IV: one run in 128 its first byte is ``{`` or
``[``, and a guess from the bytes took it for JSON (issue 17's flaky v3 identity-map test).
These tests fix the IV so that case happens every time; the ``\x00`` IV is an ordinary one,
which the garbage check used to call "not a UID2 reply" (it only knew base64 envelopes).
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.proxy.support import proxy_to
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.capture import WHY_CODE, extra_value
from uid2_desk.protocol.envelope import open_request, seal_request, seal_response
from uid2_desk.proxy.record import CLOSED

API_KEY = "UID2-C-L-999-binary.test"
SECRET = bytes(range(32))
OCTET = {"content-type": "application/octet-stream"}
PATH = "/v3/identity/map"


def _upstream(iv: bytes) -> Starlette:
    """An upstream that opens the request for real and seals its reply with a chosen IV."""

    async def identity_map(request: Request) -> Response:
        opened = open_request(SECRET, await request.body())
        document = json.dumps({"status": "success", "body": {"email": []}}).encode()
        sealed = seal_response(
            SECRET, document, timestamp_ms=opened.timestamp_ms, nonce=opened.nonce, iv=iv
        )
        return Response(sealed.raw, 200, OCTET)

    return Starlette(routes=[Route(PATH, identity_map, methods=["POST"])])


@pytest.mark.parametrize("start", [b"{", b"[", b" {", b"\n[", b"\x00"])
def test_a_binary_reply_whose_iv_looks_like_json_still_opens(start: bytes) -> None:
    iv = start + bytes(12 - len(start))
    request = seal_request(SECRET, b'{"email":[]}', timestamp_ms=int(time.time() * 1000))
    with (
        LoopbackServer(_upstream(iv)) as upstream,
        proxy_to(upstream.base_url, {API_KEY: SECRET}) as (url, got),
    ):
        reply = httpx.post(
            url + PATH,
            content=request.raw,
            headers={**OCTET, "authorization": f"Bearer {API_KEY}"},
        )
    assert reply.status_code == 200
    assert reply.content.startswith(start)  # byte for byte: the IV is the first thing sent
    (exchange,) = got
    assert exchange.operator_status == "success"
    assert exchange.response_plaintext is not None
    assert '"success"' in exchange.response_plaintext
    assert extra_value(exchange, CLOSED) is None
    assert extra_value(exchange, WHY_CODE) != "upstream_garbage"


def test_a_binary_refresh_reply_opens_with_the_key_the_proxy_learned(tmp_path: Path) -> None:
    operator = LocalOperator.open(tmp_path / "remote", lifetimes=Lifetimes.local())
    block = operator.credentials.to_json("https://unused")["publisher"]
    assert isinstance(block, dict)
    api_key, secret = str(block["api_key"]), str(block["secret"])
    try:
        with (
            LoopbackServer(operator.asgi_app) as upstream,
            proxy_to(upstream.base_url, {api_key: base64.b64decode(secret)}) as (url, got),
        ):
            sdk = Uid2PublisherClient(url, api_key, secret)
            issued = sdk.generate_token(TokenGenerateInput.from_email("bin@example.com"))
            token = issued.get_identity().get_refresh_token()
            reply = httpx.post(url + "/v2/token/refresh", content=token.encode(), headers=OCTET)
    finally:
        operator.close()
    assert reply.status_code == 200
    assert reply.headers["content-type"] == OCTET["content-type"]  # raw bytes came back
    refresh = got[-1]
    assert extra_value(refresh, CLOSED) is None  # it used to be decoded as base64 only
    assert refresh.operator_status == "success"

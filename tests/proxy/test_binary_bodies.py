"""Binary (``application/octet-stream``) envelopes are told apart by Content-Type, not bytes.

A binary reply envelope starts with its random IV: one run in 128 its first byte is ``{`` or
``[``, and a guess from the bytes took it for JSON (issue 17's flaky v3 identity-map test).
These tests fix the IV so that case happens every time; the ``\x00`` IV is an ordinary one,
which the garbage check used to call "not a UID2 reply" (it only knew base64 envelopes).
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.proxy.support import proxy_to
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

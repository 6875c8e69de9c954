"""What the operator's reply helpers put on the wire and note for the request log and capture.

Written against survivors of a whole-module mutation run of ``operator/http/wire`` (issue 19).
The helpers are called on a real Starlette request made from an ASGI scope; sealed replies are
opened with the real envelope code.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from starlette.requests import Request

from uid2_desk.operator.http.wire import (
    CONTEXT_SCOPE_KEY,
    RequestContext,
    bearer_token,
    context_of,
    encrypted_reply,
    internal_server_error,
    json_bytes,
    no_active_key,
    plain_json,
)
from uid2_desk.protocol.envelope import open_response

_SECRET = bytes(range(32))
_NONCE = bytes.fromhex("0102030405060708")
_NOW_MS = 1_767_225_600_000


def _request() -> Request:
    return Request({"type": "http", "method": "POST", "path": "/v2/token/generate", "headers": []})


def test_a_request_without_a_context_gets_one_that_stays_with_it() -> None:
    request = _request()
    ctx = context_of(request)
    assert isinstance(ctx, RequestContext)
    assert ctx.status is None
    assert ctx.client is None
    assert request.scope[CONTEXT_SCOPE_KEY] is ctx
    assert context_of(request) is ctx


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Bearer UID2-C-L-999-abc", "UID2-C-L-999-abc"),
        ("  BEARER k  ", "k"),
        ("Basic dXNlcjpwYXNz", None),
        ("Token UID2-C-L-999-abc", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("", None),
        (None, None),
    ],
)
def test_only_a_bearer_header_yields_an_api_key(header: str | None, key: str | None) -> None:
    assert bearer_token(header) == key


def test_replies_are_compact_utf8_json_with_slashes_and_non_ascii_unescaped() -> None:
    document = {"message": "é see https://x/y+z", "body": [1, {"a": None}]}
    assert json_bytes(document) == (
        '{"message":"é see https://x/y+z","body":[1,{"a":null}]}'.encode()
    )


@pytest.mark.parametrize(
    ("document", "status"),
    [({"status": "client_error"}, "client_error"), ({"status": 7}, None), ({"body": 1}, None)],
)
def test_a_plain_reply_records_only_a_textual_status(
    document: dict[str, Any], status: str | None
) -> None:
    request = _request()
    reply = plain_json(request, 400, document)
    assert reply.status_code == 400
    assert reply.headers["content-type"] == "application/json"
    assert json.loads(reply.body) == document
    assert context_of(request).status == status


@pytest.mark.parametrize("binary", [True, False])
def test_an_encrypted_reply_opens_with_the_secret_and_echoes_the_nonce(binary: bool) -> None:
    request = _request()
    document = {"body": {"advertising_token": "A4AAA"}, "status": "success"}
    reply = encrypted_reply(
        request, document, secret=_SECRET, nonce=_NONCE, now_ms=_NOW_MS, binary=binary
    )
    assert reply.status_code == 200
    if binary:
        assert reply.headers["content-type"] == "application/octet-stream"
        raw = bytes(reply.body)
    else:
        assert reply.headers["content-type"] == "text/plain"
        raw = base64.b64decode(reply.body)
    opened = open_response(_SECRET, raw, expected_nonce=_NONCE)
    assert opened.timestamp_ms == _NOW_MS
    assert json.loads(opened.payload) == document
    ctx = context_of(request)
    assert ctx.status == "success"
    assert ctx.notes.reply_envelope == opened.parts
    assert ctx.notes.server_time_ms == _NOW_MS
    assert json.loads(ctx.notes.reply_plaintext or "null") == document


@pytest.mark.parametrize(
    "document", [{"status": None, "body": 1}, {"status": 7, "body": 1}, {"body": 1}]
)
def test_an_encrypted_reply_without_a_textual_status_records_none(
    document: dict[str, Any],
) -> None:
    request = _request()
    context_of(request).status = "stale"
    encrypted_reply(request, document, secret=_SECRET, nonce=_NONCE, now_ms=_NOW_MS, binary=True)
    assert context_of(request).status is None


def test_an_internal_error_is_vertx_plain_500_with_no_uid2_status() -> None:
    request = _request()
    context_of(request).status = "success"
    reply = internal_server_error(request)
    assert reply.status_code == 500
    assert reply.body == b"Internal Server Error"
    assert "content-type" not in reply.headers
    assert context_of(request).status is None


def test_no_active_key_is_a_500_unknown_naming_the_missing_key() -> None:
    request = _request()
    reply = no_active_key(request)
    assert reply.status_code == 500
    assert reply.headers["content-type"] == "application/json"
    assert reply.body == b'{"message":"No active encryption key available","status":"unknown"}'
    assert context_of(request).status == "unknown"

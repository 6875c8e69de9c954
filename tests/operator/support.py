"""Helpers for talking to the local operator the way any client does: seal, post, open.

These use the desk's own envelope functions (already checked against the official SDK's
vectors in tests/protocol); interop with the official SDK itself is in test_interop_sdk.py.
"""

from __future__ import annotations

import base64
import gc
import json
import urllib.error
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from uid2_desk.operator import ClientCredentials
from uid2_desk.protocol.envelope import open_refresh_reply, open_response, seal_request, to_base64


@dataclass(frozen=True)
class Sealed:
    """A request body and the nonce its reply must echo."""

    body: str
    nonce: bytes


def seal(secret_b64: str, payload: dict[str, Any] | bytes | None, timestamp_ms: int) -> Sealed:
    """A base64 request envelope for ``payload`` stamped ``timestamp_ms``."""
    data = json.dumps(payload).encode() if isinstance(payload, dict) else payload or b""
    opened = seal_request(base64.b64decode(secret_b64), data, timestamp_ms=timestamp_ms)
    return Sealed(to_base64(opened.raw), opened.nonce)


def open_reply(secret_b64: str, response: httpx.Response, nonce: bytes) -> bytes:
    """The JSON bytes of an encrypted 200 reply (base64 text or octet-stream)."""
    assert response.status_code == 200, response.text
    raw = (
        response.content
        if response.headers["content-type"] == "application/octet-stream"
        else base64.b64decode(response.content)
    )
    return open_response(base64.b64decode(secret_b64), raw, expected_nonce=nonce).payload


def open_refresh(response: httpx.Response, refresh_response_key_b64: str) -> dict[str, Any]:
    """The JSON document of an encrypted refresh reply."""
    assert response.status_code == 200, response.text
    payload, _ = open_refresh_reply(
        base64.b64decode(refresh_response_key_b64), base64.b64decode(response.content)
    )
    document: dict[str, Any] = json.loads(payload)
    return document


def bearer(creds: ClientCredentials | str) -> dict[str, str]:
    """The Authorization header for a client (or a raw key)."""
    key = creds if isinstance(creds, str) else creds.api_key
    return {"Authorization": f"Bearer {key}"}


async def call(
    client: httpx.AsyncClient,
    path: str,
    creds: ClientCredentials,
    payload: dict[str, Any] | None,
    now_ms: int,
) -> dict[str, Any]:
    """POST an enveloped request and return the decrypted JSON reply."""
    sealed = seal(creds.secret, payload, now_ms)
    response = await client.post(path, content=sealed.body, headers=bearer(creds))
    document: dict[str, Any] = json.loads(open_reply(creds.secret, response, sealed.nonce))
    return document


async def generate(
    client: httpx.AsyncClient, creds: ClientCredentials, now_ms: int, **dii: str
) -> dict[str, Any]:
    """``/v2/token/generate`` for one DII (``email=...``, ``phone_hash=...``)."""
    return await call(client, "/v2/token/generate", creds, dict(dii), now_ms)


@dataclass(frozen=True)
class SdkFailure:
    """How a call of the official (urllib-based) SDK failed.

    Attributes:
        error: the exception's type.
        message: ``str()`` of the exception.
        http_status: the HTTP code of an ``HTTPError``, else ``None``.
        body: the body of an ``HTTPError``, else ``None``.
    """

    error: type[BaseException]
    message: str
    http_status: int | None
    body: bytes | None


def sdk_failure(call: Callable[[], object]) -> SdkFailure:
    """Run an SDK call that must fail, and clean up after urllib.

    urllib leaves the socket of a failed response to the garbage collector, which then
    warns (ResourceWarning) in whatever test happens to run; the warning is an error in
    this suite. The failure is recorded, the response closed or collected here, quietly.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            call()
        except Exception as exc:  # what the SDK raises is the observation
            body = None
            if isinstance(exc, urllib.error.HTTPError):
                body = exc.read()
                exc.close()
            failure = SdkFailure(type(exc), str(exc), getattr(exc, "code", None), body)
        else:
            raise AssertionError("the SDK call was expected to fail but succeeded")
        gc.collect()
    return failure

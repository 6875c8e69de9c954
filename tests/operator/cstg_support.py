"""Helpers for calling ``/v2/token/client-generate`` as a page or an app does.

Requests are sealed with the desk's CSTG functions, which tests/protocol/test_cstg_crypto.py
checks against an independent vector; the browser test drives Prebid.js itself.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.cstg import CstgRequest, build_request, open_reply
from uid2_desk.protocol.normalize import hash_identifier

PATH = "/v2/token/client-generate"
PAGE_ORIGIN = "http://localhost:8080"


def email_hash_dii(email: str) -> dict[str, str]:
    """``{"email_hash": …}`` of an (already normalised) email."""
    return {"email_hash": hash_identifier(email)}


def cstg_request(
    operator: LocalOperator,
    now_ms: int,
    dii: dict[str, str] | None = None,
    *,
    app_name: str | None = None,
) -> CstgRequest:
    """A request sealed for this operator's key pair (default DII: jane@example.com)."""
    settings = operator.cstg.settings
    return build_request(
        settings.server_public_key,
        settings.subscription_id,
        dii if dii is not None else email_hash_dii("jane@example.com"),
        now_ms,
        app_name=app_name,
    )


async def post_cstg(
    client: httpx.AsyncClient,
    body: dict[str, Any] | bytes,
    origin: str | None = PAGE_ORIGIN,
) -> httpx.Response:
    """POST a body (JSON document or raw bytes) as text/plain, as the JS SDK does."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "text/plain"}
    if origin is not None:
        headers["origin"] = origin
    return await client.post(PATH, content=content, headers=headers)


def opened(request: CstgRequest, response: httpx.Response) -> dict[str, Any]:
    """The JSON document of a sealed 200 reply."""
    assert response.status_code == 200, response.text
    document: dict[str, Any] = json.loads(open_reply(request.key, response.content))
    return document


def refusal(response: httpx.Response) -> tuple[int, str, str]:
    """``(HTTP status, status, message)`` of a plain-JSON refusal."""
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    return response.status_code, document["status"], document["message"]

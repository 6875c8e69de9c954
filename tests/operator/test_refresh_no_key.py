"""A refresh whose token names a site that has no key here (issue 19: this path never ran).

The operator answers as uid2-operator does: an authenticated caller gets 500 ``unknown``
"No active encryption key available"; an anonymous refresh gets 400 "Error refreshing token".
Source: ``UIDOperatorVerticle.handleTokenRefreshV2`` (an unauthenticated caller's failed
refresh is ``GenericError`` 400 "Error refreshing token" before any other cause; then
``r.noActiveKey()`` is ``SendServerErrorResponseAndRecordStats(rc, "No active encryption key
available", ...)``).
"""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from tests.operator.support import bearer, generate
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.tokens import (
    decrypt_refresh_token,
    encrypt_refresh_token,
    unwrap_refresh_token,
    wrap_refresh_token,
)

pytestmark = pytest.mark.asyncio
#: A site with no keyset on the local operator.
NO_SUCH_SITE = 4242


async def _token_for_a_site_without_keys(
    client: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> str:
    creds = operator.credentials.publisher
    issued = await generate(client, creds, clock.now_ms(), email="jane@example.com")
    keys = {key.id: key for key in operator.admin.all_keys()}
    unwrapped = unwrap_refresh_token(issued["body"]["refresh_token"], keys.get)
    contents = decrypt_refresh_token(unwrapped.inner_token, keys.get)
    moved = dataclasses.replace(
        contents, publisher=dataclasses.replace(contents.publisher, site_id=NO_SUCH_SITE)
    )
    refresh_key = keys[contents.refresh_key_id]
    inner = encrypt_refresh_token(moved, refresh_key)
    return wrap_refresh_token(inner, unwrapped.refresh_response_key, refresh_key, contents.scope)


@pytest.mark.parametrize(
    ("authenticated", "http", "status", "message"),
    [
        (True, 500, "unknown", "No active encryption key available"),
        (False, 400, "error", "Error refreshing token"),
    ],
)
async def test_a_refresh_for_a_site_without_keys_is_refused_as_the_operator_does(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    authenticated: bool,
    http: int,
    status: str,
    message: str,
) -> None:
    token = await _token_for_a_site_without_keys(asgi_client, local_operator, manual_clock)
    headers = bearer(local_operator.credentials.publisher) if authenticated else {}
    reply = await asgi_client.post("/v2/token/refresh", content=token, headers=headers)
    assert reply.status_code == http
    assert reply.json() == {"message": message, "status": status}

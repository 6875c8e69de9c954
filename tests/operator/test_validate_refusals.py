"""``/v2/token/validate``'s refusals over HTTP (issue 19: the bad-identifier reply never ran).

A validate names a DII and a token: a DII that is not valid is refused before the token is
looked at, and a token that is missing or not a token is "Invalid token".
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.operator.support import bearer, generate, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.tokens import decrypt_advertising_token, encrypt_advertising_token

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"email": "not-an-email", "token": "x"}, "Invalid Identifier"),
        ({"email": "jane@example.com"}, "Invalid token"),
        ({"email": "jane@example.com", "token": 42}, "Invalid token"),
    ],
)
async def test_validate_refuses_a_bad_identifier_or_token_as_a_client_error(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    payload: dict[str, Any],
    message: str,
) -> None:
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, payload, manual_clock.now_ms())
    reply = await asgi_client.post("/v2/token/validate", content=sealed.body, headers=bearer(creds))
    assert reply.status_code == 400
    assert reply.json() == {"message": message, "status": "client_error"}


async def test_validate_of_a_token_issued_to_another_site_is_unauthorised(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    """The token's site key must be the caller's site: another site's token is refused."""
    creds = local_operator.credentials.publisher
    issued = await generate(asgi_client, creds, manual_clock.now_ms(), email="jane@example.com")
    keys = {key.id: key for key in local_operator.admin.all_keys()}
    contents = decrypt_advertising_token(issued["body"]["advertising_token"], keys.get)
    other_site = local_operator.credentials.dsp.site_id
    other_key = next(k for k in keys.values() if k.site_id == other_site)
    token = encrypt_advertising_token(contents, keys[contents.master_key_id], other_key)
    payload = {"email": "jane@example.com", "token": token}

    sealed = seal(creds.secret, payload, manual_clock.now_ms())
    reply = await asgi_client.post("/v2/token/validate", content=sealed.body, headers=bearer(creds))

    assert reply.status_code == 400
    assert reply.json() == {"message": "Unauthorised to validate token", "status": "client_error"}

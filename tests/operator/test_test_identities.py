"""The test identities' rules win over the opt-out store (uid2-protocol.md §4).

The operator's ``getGlobalOptOutResult`` checks the special identities before it looks at
stored opt-outs: ``validate@example.com`` / ``+12345678901`` are never opted out, and
``refresh-optout@example.com`` / ``+00000000002`` are never opted out at generate (only
their refresh says ``optout``) — even after someone opted them out for real.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.operator.support import call, generate, open_refresh
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.clock import ManualClock

VALIDATE = [("email", "validate@example.com"), ("phone", "+12345678901")]
REFRESH_OPTOUT = [("email", "refresh-optout@example.com"), ("phone", "+00000000002")]


async def _refresh(client: httpx.AsyncClient, identity: dict[str, Any]) -> dict[str, Any]:
    body = identity["body"]
    response = await client.post("/v2/token/refresh", content=body["refresh_token"])
    return open_refresh(response, body["refresh_response_key"])


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "value"), VALIDATE)
async def test_the_validate_identity_refreshes_even_after_a_stored_optout(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    kind: str,
    value: str,
) -> None:
    creds = local_operator.credentials.publisher
    identity = await generate(asgi_client, creds, manual_clock.now_ms(), **{kind: value})
    manual_clock.advance(1_000)
    local_operator.admin.opt_out(kind, value)
    manual_clock.advance(1_000)

    refreshed = await _refresh(asgi_client, identity)
    generated = await generate(asgi_client, creds, manual_clock.now_ms(), **{kind: value})

    assert refreshed["status"] == "success"
    assert generated["status"] == "success"


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "value"), REFRESH_OPTOUT)
async def test_the_refresh_optout_identity_generates_even_after_a_stored_optout(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    kind: str,
    value: str,
) -> None:
    creds = local_operator.credentials.publisher
    local_operator.admin.opt_out(kind, value)
    manual_clock.advance(1_000)

    generated = await generate(asgi_client, creds, manual_clock.now_ms(), **{kind: value})
    refreshed = await _refresh(asgi_client, generated)

    assert generated["status"] == "success"
    assert refreshed == {"status": "optout"}


@pytest.mark.asyncio
@pytest.mark.parametrize(("kind", "value"), VALIDATE + REFRESH_OPTOUT)
async def test_identity_map_maps_the_never_opted_out_identities_after_a_stored_optout(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    kind: str,
    value: str,
) -> None:
    local_operator.admin.opt_out(kind, value)

    reply = await call(
        asgi_client,
        "/v2/identity/map",
        local_operator.credentials.publisher,
        {kind: [value]},
        manual_clock.now_ms(),
    )

    assert [m["identifier"] for m in reply["body"]["mapped"]] == [value]
    assert "unmapped" not in reply["body"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "value"), [("email", "optout@example.com"), ("phone", "+00000000000")]
)
async def test_the_optout_identity_is_opted_out_at_generate(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    kind: str,
    value: str,
) -> None:
    creds = local_operator.credentials.publisher

    reply = await generate(asgi_client, creds, manual_clock.now_ms(), **{kind: value})

    assert reply == {"status": "optout"}

"""The bidstream: the token goes to the SSP, and a buyer decrypts it with bidstream keys."""

from __future__ import annotations

import base64

import pytest

from tests.publisher.conftest import Desk
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.protocol.tokens import IdentityType
from uid2_desk.publisher import Buyer


@pytest.mark.asyncio
async def test_the_buyer_decrypts_the_token_to_a_stable_raw_uid2(desk: Desk) -> None:
    buyer = desk.services.buyer
    assert buyer is not None
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")

    first = await buyer.bid(snap.user.id)
    await desk.publisher.refresh(snap.user.id)
    second = await buyer.bid(snap.user.id)

    assert first.status == "success"
    assert first.contents is not None
    assert first.contents.identity_type is IdentityType.EMAIL
    assert first.contents.publisher.site_id == desk.operator.credentials.publisher.site_id
    assert len(base64.b64decode(first.raw_uid_b64 or "")) in (32, 33)
    assert second.raw_uid_b64 == first.raw_uid_b64  # same person, same raw UID2
    assert (first.http_status, first.operator_status) == (200, "success")
    bids = desk.events_named("bid")
    assert [(e.step, e.outcome) for e in bids] == [("2-a", "success"), ("2-a", "success")]
    assert bids[0].detail_value("raw_uid") == first.raw_uid_b64
    assert desk.exchanges("/v2/key/bidstream")[0].seq < bids[0].seq


@pytest.mark.asyncio
async def test_a_buyer_without_valid_credentials_cannot_decrypt(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    client = desk.services.buyer.client  # type: ignore[union-attr]
    stranger = OperatorClient(
        desk.services.http,
        client.environment,
        Credentials("UID2-C-L-1001-nobody.x", base64.b64encode(bytes(32)).decode()),
        clock=client.clock,
    )

    result = await Buyer(stranger, desk.publisher).bid(snap.user.id)

    assert result.status == "keys_unavailable"
    assert result.http_status == 401
    assert result.contents is None
    assert desk.events_named("bid")[-1].outcome == "error"


@pytest.mark.asyncio
async def test_an_expired_token_is_not_sent_to_the_ssp(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    assert snap.identity is not None
    desk.set_time(snap.identity.identity_expires_ms)
    await desk.publisher.tick()
    with pytest.raises(InputError, match="must not go to the SSP"):
        await desk.services.buyer.bid(snap.user.id)  # type: ignore[union-attr]
    assert desk.exchanges("/v2/key/bidstream") == []

"""What the prologue every enveloped endpoint shares leaves in the capture (issue 19).

Written against survivors of a whole-module mutation run of ``operator/core``: a refused
caller's capture says why (no key, an unknown key, or which roles were missing: the
explanation reads it), an accepted caller's capture names its credential and the envelope it
opened, and a handler that throws answers with that endpoint's own 500.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.operator.support import bearer, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.protocol.capture import AUTH_FACT, SKEW_FACT, CapturedClient
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.exchange import Exchange


def _facts(exchange: Exchange, key: str) -> list[str]:
    return [value for name, value in exchange.extra if name == key]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("caller", "path", "why"),
    [
        (None, "/v2/token/generate", "no_key"),
        ("UID2-C-L-999-nosuchkey", "/v2/token/generate", "unknown_key"),
        ("dsp", "/v2/token/generate", "missing_role:GENERATOR"),
        # Several roles would do: all are named, sorted, between slashes.
        ("publisher", "/v2/key/sharing", "missing_role:ID_READER/SHARER"),
    ],
)
async def test_a_refused_caller_is_captured_with_why_it_was_refused(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    captured: list[Exchange],
    caller: str | None,
    path: str,
    why: str,
) -> None:
    issued = local_operator.credentials
    known = {"dsp": issued.dsp, "publisher": issued.publisher}
    headers = {} if caller is None else bearer(known.get(caller, caller))
    sealed = seal(issued.publisher.secret, {"email": "a@b.c"}, 0)
    reply = await asgi_client.post(path, content=sealed.body, headers=headers)
    assert reply.status_code == 401
    (exchange,) = captured
    assert _facts(exchange, AUTH_FACT) == [why]
    assert exchange.request_envelope is None  # refused before the body was looked at


@pytest.mark.asyncio
async def test_an_accepted_call_is_captured_as_its_client_with_the_envelope_it_opened(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    captured: list[Exchange],
) -> None:
    publisher = local_operator.credentials.publisher
    payload = {"email": "jane@example.com"}
    sent_at = manual_clock.now_ms() - 1500  # the client's clock is 1.5 s behind
    sealed = seal(publisher.secret, payload, sent_at)
    reply = await asgi_client.post(
        "/v2/token/generate", content=sealed.body, headers=bearer(publisher)
    )
    assert reply.status_code == 200
    (exchange,) = captured
    client = CapturedClient.of(exchange)
    assert client is not None
    assert (client.role, client.site_id) == ("publisher", "999")
    assert _facts(exchange, AUTH_FACT) == []
    assert exchange.request_envelope is not None
    assert exchange.request_envelope.timestamp_ms == sent_at
    assert json.loads(exchange.request_plaintext or "") == payload
    assert _facts(exchange, SKEW_FACT) == ["-1500"]


@pytest.mark.asyncio
async def test_a_handler_that_throws_answers_its_endpoints_own_json_500(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    # handleOptoutStatus calls getJsonArray on a string: the exception reaches its catch block.
    dsp = local_operator.credentials.dsp
    sealed = seal(dsp.secret, {"advertising_ids": "not-a-list"}, manual_clock.now_ms())
    reply = await asgi_client.post("/v2/optout/status", content=sealed.body, headers=bearer(dsp))
    assert reply.status_code == 500
    assert reply.json() == {
        "status": "unknown",
        "message": "Unknown error while getting optout status",
    }

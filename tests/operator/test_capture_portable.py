"""A served request shipped to another process is built into the very exchange built in place.

The operator records each served request as one tuple of plain values. ``uid2-desk operator``
writes them with :mod:`marshal` and builds the exchange in its capture worker; the desk builds
it in place. Whatever the request was (a generate, a refresh, a refusal, a client-side
generate, garbage), both must build the same exchange, secrets masked the same way.
"""

from __future__ import annotations

import gc
import json
import marshal

import httpx
import pytest

from tests.operator.cstg_support import cstg_request, post_cstg
from tests.operator.support import bearer, generate, seal
from uid2_desk.operator import LocalOperator
from uid2_desk.operator.capture import portable
from uid2_desk.operator.capture.handover import ExchangeBuilder
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.exchange import Exchange

pytestmark = pytest.mark.asyncio


@pytest.fixture
def recorded(local_operator: LocalOperator) -> list[portable.Record]:
    """Every request ``local_operator`` serves, as recorded for shipping."""
    seen: list[portable.Record] = []
    local_operator.capture_requests_to(seen.append)
    return seen


async def _serve_a_bit_of_everything(
    client: httpx.AsyncClient, operator: LocalOperator, clock: ManualClock
) -> None:
    creds = operator.credentials.publisher
    now = clock.now_ms()
    first = await generate(client, creds, now, email="jane@example.com")
    await client.post("/v2/token/refresh", content=first["body"]["refresh_token"])
    wrong = seal("A" * 43 + "=", {"email": "x@example.com"}, now)
    await client.post("/v2/token/generate", content=wrong.body, headers=bearer(creds))
    await client.post("/v2/token/generate", json={"email": "plain@example.com"})
    await client.post("/v2/token/generate", content=b"\xff\xfe not base64", headers=bearer("nope"))
    await post_cstg(client, cstg_request(operator, now).body)
    await client.get("/v1/token/generate?email=old@example.com")


async def test_every_kind_of_request_survives_the_trip_unchanged(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    recorded: list[portable.Record],
) -> None:
    await _serve_a_bit_of_everything(asgi_client, local_operator, manual_clock)
    assert len(recorded) == 7

    shipped = portable.loads(portable.dumps(recorded))
    in_place: list[Exchange] = []
    for captured in recorded:
        ExchangeBuilder(in_place.append)(captured)  # what the desk's own capture does

    assert [r.exchange() for r in shipped] == in_place


async def test_a_shipped_reply_is_masked_when_built_not_before(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    recorded: list[portable.Record],
) -> None:
    creds = local_operator.credentials.publisher
    await generate(asgi_client, creds, manual_clock.now_ms(), email="jane@example.com")

    (shipped,) = portable.loads(portable.dumps(recorded))

    sealed = json.loads(shipped.notes.reply_json or b"null")
    assert sealed["body"]["refresh_response_key"] != "[masked]"  # as sealed, for the client
    built = json.loads(shipped.exchange().response_plaintext or "null")
    assert built["body"]["refresh_response_key"] == "[masked]"
    sent = dict(shipped.served.scope["headers"])[b"authorization"].decode()
    assert creds.api_key in sent  # the key travels as the client sent it...
    assert creds.api_key not in repr(shipped)  # ...no repr of the record shows it...
    assert sealed["body"]["refresh_response_key"] not in repr(shipped)
    assert creds.api_key not in repr(shipped.exchange())  # ...and it is masked once built


async def test_a_request_the_operator_serves_without_capture_records_nothing(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    recorded: list[portable.Record],
) -> None:
    local_operator.capture_requests_to(None)
    await generate(
        asgi_client, local_operator.credentials.publisher, manual_clock.now_ms(), email="a@b.co"
    )
    assert recorded == []


async def test_a_record_is_plain_values_the_collector_soon_stops_tracking(
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    recorded: list[portable.Record],
) -> None:
    await _serve_a_bit_of_everything(asgi_client, local_operator, manual_clock)

    for _ in range(5):  # a tuple is untracked once its items are: a pass or so per level
        gc.collect()

    # Records waiting to be shipped cost the serving thread's collections nothing...
    assert [gc.is_tracked(r) for r in recorded] == [False] * len(recorded)
    # ...and a batch of them is one marshal call, read back value for value.
    assert marshal.loads(portable.dumps(recorded)) == recorded

"""Every admin input is bounded: an absurd value is a 400 that names the limit, and the
operator keeps serving (reproduction from the attack review, issue 16: one huge clock offset
made every later healthcheck and request-log read fail)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.operator.support import generate
from uid2_desk.operator import LocalOperator
from uid2_desk.operator.admin.faults import MAX_LATENCY_MS, MAX_TIMES
from uid2_desk.operator.admin.service import MAX_CLOCK_OFFSET_MS
from uid2_desk.protocol.clock import ManualClock

ADMIN = "/_desk/admin"
pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def admin(local_operator: LocalOperator) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=local_operator.asgi_app)
    headers = {"Authorization": f"Bearer {local_operator.admin_token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://operator.test", headers=headers
    ) as client:
        yield client


@pytest.mark.parametrize("offset", [10**18, -(10**18), MAX_CLOCK_OFFSET_MS + 1])
async def test_a_clock_offset_beyond_a_year_is_refused_and_nothing_breaks(
    admin: httpx.AsyncClient,
    asgi_client: httpx.AsyncClient,
    local_operator: LocalOperator,
    manual_clock: ManualClock,
    offset: int,
) -> None:
    refused = await admin.put(f"{ADMIN}/clock", json={"offset_ms": offset})
    assert refused.status_code == 400
    assert "one year" in refused.json()["error"]
    assert (await asgi_client.get("/ops/healthcheck")).status_code == 200
    creds = local_operator.credentials.publisher
    document = await generate(asgi_client, creds, manual_clock.now_ms(), email="a@example.com")
    assert document["status"] == "success"
    assert (await admin.get(f"{ADMIN}/requests")).status_code == 200
    assert (await admin.get(f"{ADMIN}/clock")).json()["offset_ms"] == 0


async def test_a_clock_offset_of_a_day_is_accepted(admin: httpx.AsyncClient) -> None:
    accepted = await admin.put(f"{ADMIN}/clock", json={"offset_ms": -86_400_000})
    assert accepted.status_code == 200
    assert accepted.json()["offset_ms"] == -86_400_000


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ({"kind": "latency", "latency_ms": MAX_LATENCY_MS + 1}, "at most 600000"),
        ({"kind": "http_503", "times": MAX_TIMES + 1}, "at most 1000000"),
    ],
)
async def test_fault_sizes_are_bounded(
    admin: httpx.AsyncClient, fault: dict[str, object], words: str
) -> None:
    refused = await admin.post(f"{ADMIN}/faults", json=fault)
    assert refused.status_code == 400
    assert words in refused.json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "body", "words"),
    [
        ("GET", "/requests?after_id=x", None, "must be integers"),
        ("GET", "/requests?limit=0", None, "0 < limit"),
        ("POST", "/optout", b"{not json", '"kind"'),
        ("POST", "/optout", b'["email", "a@b.c"]', '"kind"'),
        ("PUT", "/clock", b'{"offset_ms": true}', '"offset_ms"'),
        ("PUT", "/clock", b"{not json", '"offset_ms"'),
        ("POST", "/faults", b"{not json", "latency|http_500"),
        ("POST", "/faults", b'{"kind": "http_500", "times": "2"}', "times must be an integer"),
        ("POST", "/faults", b'{"kind": "http_500", "latency_ms": "5"}', "latency_ms must be an"),
        ("POST", "/faults", b'{"kind": "http_500", "endpoint": 5}', "endpoint must be a path"),
        ("POST", "/faults", b'{"kind": "http_500", "latency_ms": -1}', "cannot be negative"),
        ("POST", "/faults", b'{"kind": "sometimes"}', "sometimes"),
    ],
)
async def test_a_malformed_admin_request_is_a_400_that_says_what_to_send(
    admin: httpx.AsyncClient,
    local_operator: LocalOperator,
    method: str,
    path: str,
    body: bytes | None,
    words: str,
) -> None:
    refused = await admin.request(method, f"{ADMIN}{path}", content=body)

    assert refused.status_code == 400
    assert words in refused.json()["error"]
    assert local_operator.admin.faults() == []
    assert local_operator.admin.clock_offset_ms == 0


async def test_deleting_a_fault_by_id_answers_whether_it_existed(
    admin: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    fault_id = (await admin.post(f"{ADMIN}/faults", json={"kind": "http_503"})).json()["id"]

    removed = await admin.delete(f"{ADMIN}/faults/{fault_id}")
    again = await admin.delete(f"{ADMIN}/faults/{fault_id}")

    assert (removed.status_code, removed.json()) == (200, {"removed": True})
    assert (again.status_code, again.json()) == (404, {"removed": False})
    assert local_operator.admin.faults() == []

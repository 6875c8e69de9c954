"""The admin surface: loopback only, per-run bearer token, no CORS, same operations as the API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from tests.operator.support import bearer, generate, seal
from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.operator.admin.http import is_loopback_client
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import InputError, InvalidEmailError

ADMIN = "/_desk/admin"


@pytest_asyncio.fixture
async def admin_client(local_operator: LocalOperator) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process client that sends the admin token."""
    transport = httpx.ASGITransport(app=local_operator.asgi_app)
    headers = {"Authorization": f"Bearer {local_operator.admin_token}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://operator.test", headers=headers
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.168.1.20", False),
        ("::ffff:10.0.0.1", False),
        ("2001:db8::1", False),
        ("testclient", False),
        ("", False),
        (None, False),
    ],
)
def test_only_loopback_peers_count_as_local(host: str | None, loopback: bool) -> None:
    assert is_loopback_client(host) is loopback


@pytest.mark.asyncio
async def test_admin_without_a_token_is_401(asgi_client: httpx.AsyncClient) -> None:
    response = await asgi_client.get(f"{ADMIN}/requests")

    assert response.status_code == 401


@pytest.mark.asyncio
async def test_admin_with_a_wrong_token_is_403(
    asgi_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    response = await asgi_client.get(f"{ADMIN}/requests", headers=bearer("not-the-token"))

    assert response.status_code == 403
    # Client API keys are not admin tokens either.
    other = await asgi_client.get(
        f"{ADMIN}/requests", headers=bearer(local_operator.credentials.publisher)
    )
    assert other.status_code == 403


@pytest.mark.asyncio
async def test_admin_refuses_a_remote_peer_even_with_the_right_token(
    local_operator: LocalOperator,
) -> None:
    transport = httpx.ASGITransport(app=local_operator.asgi_app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://operator.test") as client:
        response = await client.get(f"{ADMIN}/requests", headers=bearer(local_operator.admin_token))

    assert response.status_code == 403
    assert "loopback" in response.json()["error"]


@pytest.mark.asyncio
async def test_admin_answers_carry_no_cors_headers_even_to_a_preflight(
    admin_client: httpx.AsyncClient,
) -> None:
    origin = {"Origin": "https://evil.example"}
    preflight = await admin_client.options(
        f"{ADMIN}/optout", headers={**origin, "Access-Control-Request-Method": "POST"}
    )
    response = await admin_client.get(f"{ADMIN}/requests", headers=origin)

    assert response.status_code == 200
    for reply in (preflight, response):
        assert not [h for h in reply.headers if h.lower().startswith("access-control")]


@pytest.mark.asyncio
async def test_admin_http_optout_makes_generate_answer_optout(
    admin_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    response = await admin_client.post(
        f"{ADMIN}/optout", json={"kind": "email", "value": "Quit@Example.com"}
    )
    reply = await generate(
        admin_client,
        local_operator.credentials.publisher,
        manual_clock.now_ms(),
        email="quit@example.com",
    )

    assert response.status_code == 200
    assert response.json()["optout_ms"] == manual_clock.now_ms()
    assert reply == {"status": "optout"}


@pytest.mark.asyncio
async def test_admin_http_refuses_an_invalid_dii(admin_client: httpx.AsyncClient) -> None:
    response = await admin_client.post(f"{ADMIN}/optout", json={"kind": "email", "value": "nope"})

    assert response.status_code == 400


def test_admin_api_refuses_an_invalid_dii(local_operator: LocalOperator) -> None:
    with pytest.raises(InvalidEmailError):
        local_operator.admin.opt_out("email", "no-at-sign")
    with pytest.raises(InputError, match="email, phone, email_hash, phone_hash"):
        local_operator.admin.opt_out("fax", "+12345678901")


@pytest.mark.asyncio
async def test_admin_http_sets_lists_and_clears_faults(
    admin_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    added = await admin_client.post(
        f"{ADMIN}/faults", json={"kind": "http_503", "endpoint": "/v2/token/generate", "times": 1}
    )
    listed = await admin_client.get(f"{ADMIN}/faults")
    creds = local_operator.credentials.publisher
    sealed = seal(creds.secret, {"email": "f@example.com"}, manual_clock.now_ms())
    failed = await admin_client.post(
        "/v2/token/generate", content=sealed.body, headers=bearer(creds)
    )
    await admin_client.post(f"{ADMIN}/faults", json={"kind": "drop"})
    cleared = await admin_client.delete(f"{ADMIN}/faults")
    bad = await admin_client.post(f"{ADMIN}/faults", json={"kind": "meteor"})

    assert added.status_code == 200
    assert listed.json() == [
        {
            "id": added.json()["id"],
            "kind": "http_503",
            "endpoint": "/v2/token/generate",
            "remaining": 1,
            "latency_ms": 0,
        }
    ]
    assert failed.status_code == 503
    assert cleared.json() == []
    assert bad.status_code == 400


@pytest.mark.asyncio
async def test_admin_clock_offset_simulates_server_clock_skew(
    admin_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials.publisher

    skewed = await admin_client.put(f"{ADMIN}/clock", json={"offset_ms": 5 * 60_000})
    sealed = seal(creds.secret, {"email": "skew@example.com"}, manual_clock.now_ms())
    refused = await admin_client.post(
        "/v2/token/generate", content=sealed.body, headers=bearer(creds)
    )
    local_operator.admin.set_clock_offset(0)
    sealed = seal(creds.secret, {"email": "skew@example.com"}, manual_clock.now_ms())
    accepted = await admin_client.post(
        "/v2/token/generate", content=sealed.body, headers=bearer(creds)
    )

    assert skewed.json() == {"offset_ms": 300_000, "now_ms": manual_clock.now_ms() + 300_000}
    assert refused.json()["message"] == "Invalid timestamp: Request too old or client time drift."
    assert accepted.status_code == 200


def test_the_operator_clock_follows_the_shared_clock_plus_the_offset(
    local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    local_operator.admin.set_clock_offset(-1500)
    manual_clock.advance(10_000)

    assert local_operator.admin.now_ms() == manual_clock.now_ms() - 1500
    assert local_operator.admin.clock_offset_ms == -1500


@pytest.mark.asyncio
async def test_admin_http_rotates_keys(
    admin_client: httpx.AsyncClient, local_operator: LocalOperator
) -> None:
    before = {k.id for k in local_operator.admin.all_keys()}

    response = await admin_client.post(f"{ADMIN}/keys/rotate")

    new_ids = response.json()["new_key_ids"]
    assert len(new_ids) == 2 + 3  # master, refresh, and one keyset per client site
    assert before.isdisjoint(new_ids)


@pytest.mark.asyncio
async def test_the_request_log_names_clients_by_key_id_and_never_holds_a_secret(
    admin_client: httpx.AsyncClient, local_operator: LocalOperator, manual_clock: ManualClock
) -> None:
    creds = local_operator.credentials
    await generate(admin_client, creds.publisher, manual_clock.now_ms(), email="log@example.com")
    await admin_client.post("/v2/token/refresh", content=b"nonsense")
    await admin_client.get("/nowhere")

    response = await admin_client.get(f"{ADMIN}/requests", params={"after_id": 0, "limit": 10})
    rows = response.json()
    later = await admin_client.get(f"{ADMIN}/requests", params={"after_id": rows[0]["id"]})

    assert [(r["path"], r["client"], r["status"], r["http_status"]) for r in rows] == [
        ("/v2/token/generate", "publisher", "success", 200),
        ("/v2/token/refresh", None, "error", 400),
        ("/nowhere", None, None, 404),
    ]
    assert rows[0]["key_id"] == creds.publisher.api_key.split("-")[4].split(".")[0]
    for secret in (creds.publisher.api_key, creds.publisher.secret, local_operator.admin_token):
        assert secret not in response.text
    assert len(later.json()) == 2


@pytest.mark.asyncio
async def test_admin_over_a_real_loopback_port(
    operator_server: OperatorServer, live_operator: LocalOperator
) -> None:
    async with httpx.AsyncClient(base_url=operator_server.base_url) as client:
        denied = await client.get(f"{ADMIN}/clock")
        allowed = await client.get(f"{ADMIN}/clock", headers=bearer(live_operator.admin_token))

    assert denied.status_code == 401
    assert allowed.json()["offset_ms"] == 0

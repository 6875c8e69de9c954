"""CORS as the real operator answers a browser (uid2-protocol.md §1.2), and lifetime profiles."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.operator.support import generate
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.state.lifetimes import LifetimeProfile
from uid2_desk.protocol.clock import ManualClock

ORIGIN = "https://publisher.example"
BASE_HEADERS = (
    "X-UID2-Client-Version,Access-Control-Request-Method,Access-Control-Allow-Credentials,"
    "Access-Control-Allow-Origin,Access-Control-Allow-Headers,Content-Type"
)


def _preflight_headers(method: str = "POST") -> dict[str, str]:
    return {"Origin": ORIGIN, "Access-Control-Request-Method": method}


@pytest.mark.asyncio
async def test_preflight_echoes_the_origin_and_lists_methods_and_headers(
    asgi_client: httpx.AsyncClient,
) -> None:
    response = await asgi_client.options("/v2/token/generate", headers=_preflight_headers())

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert response.headers["access-control-allow-methods"] == "GET,POST,OPTIONS"
    assert response.headers["access-control-allow-headers"] == BASE_HEADERS
    assert "Authorization" not in response.headers["access-control-allow-headers"]


@pytest.mark.asyncio
async def test_only_validate_lets_a_browser_send_authorization(
    asgi_client: httpx.AsyncClient,
) -> None:
    response = await asgi_client.options("/v2/token/validate", headers=_preflight_headers())

    assert response.headers["access-control-allow-headers"] == BASE_HEADERS + ",Authorization"


@pytest.mark.asyncio
async def test_a_preflight_for_another_method_is_rejected(asgi_client: httpx.AsyncClient) -> None:
    response = await asgi_client.options("/v2/token/refresh", headers=_preflight_headers("DELETE"))

    assert response.status_code == 403
    assert "access-control-allow-methods" not in response.headers


@pytest.mark.asyncio
async def test_simple_requests_from_a_page_get_the_origin_echoed_even_on_errors(
    asgi_client: httpx.AsyncClient,
) -> None:
    refresh = await asgi_client.post(
        "/v2/token/refresh",
        content="x",
        headers={"Origin": ORIGIN, "Content-Type": "text/plain;charset=UTF-8"},
    )
    health = await asgi_client.get("/ops/healthcheck", headers={"Origin": "http://localhost:3000"})

    assert refresh.status_code == 400
    assert refresh.headers["access-control-allow-origin"] == ORIGIN
    assert refresh.headers["vary"] == "Origin"
    assert health.headers["access-control-allow-origin"] == "http://localhost:3000"


@pytest.mark.asyncio
async def test_requests_without_an_origin_get_no_cors_headers(
    asgi_client: httpx.AsyncClient,
) -> None:
    response = await asgi_client.get("/ops/healthcheck")

    assert not [h for h in response.headers if h.lower().startswith("access-control")]


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (LifetimeProfile.DEMO, (30, 120, 300)),
        (LifetimeProfile.LOCAL, (900, 3600, 86_400)),
        (LifetimeProfile.PROD, (3600, 259_200, 2_592_000)),
    ],
)
def test_lifetime_profiles_have_the_documented_durations(
    profile: LifetimeProfile, expected: tuple[int, int, int]
) -> None:
    life = Lifetimes.profile(profile)

    assert (life.refresh_from_s, life.identity_s, life.refresh_s) == expected


def test_each_profile_shortcut_is_its_profile() -> None:
    assert Lifetimes.prod() == Lifetimes.profile(LifetimeProfile.PROD)
    assert Lifetimes.local() == Lifetimes.profile(LifetimeProfile.LOCAL)
    assert Lifetimes.demo() == Lifetimes.profile(LifetimeProfile.DEMO)
    assert Lifetimes.prod() != Lifetimes.local()


def test_each_duration_can_be_overridden_alone() -> None:
    life = Lifetimes.demo().with_overrides(identity_s=200)

    assert (life.refresh_from_s, life.identity_s, life.refresh_s) == (30, 200, 300)


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"refresh_from_s": 121}, id="refresh_from_after_identity"),
        pytest.param({"identity_s": 301}, id="identity_after_refresh"),
        pytest.param({"refresh_s": 100}, id="refresh_before_identity"),
        pytest.param({"refresh_from_s": 0}, id="zero"),
    ],
)
def test_lifetimes_out_of_order_are_refused(overrides: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="refresh_from"):
        Lifetimes.demo().with_overrides(**overrides)


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="demo, local, prod"):
        Lifetimes.profile("eternal")


@pytest.mark.asyncio
async def test_a_demo_operator_issues_two_minute_identities(tmp_path: Path) -> None:
    clock = ManualClock(1_767_225_600_000)

    with LocalOperator.open(tmp_path, clock=clock, lifetimes=Lifetimes.demo()) as op:
        transport = httpx.ASGITransport(app=op.asgi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://op.test") as client:
            body = (
                await generate(client, op.credentials.publisher, clock.now_ms(), email="d@x.io")
            )["body"]

    assert body["refresh_from"] - clock.now_ms() == 30_000
    assert body["identity_expires"] - clock.now_ms() == 120_000
    assert body["refresh_expires"] - clock.now_ms() == 300_000

"""A refresh answered 4xx without a UID2 status says nothing about the token.

A rate limiter's 429, a proxy's 404 or a 408 come from something in front of the operator, not
from the operator judging the refresh token, so the user keeps their identity, the attempt is
counted and the policy retries (as the Android SDK retries any non-200). Only a reply carrying
a UID2 status (``invalid_token``, ``expired_token``, ``client_error``, ``error``) ends it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import pytest
import pytest_asyncio

from tests.publisher.conftest import Desk
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.protocol.errors import OperatorClientError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import PolicyKind, UserSnapshot, UserState
from uid2_desk.publisher.outcomes import refresh_failure

REFRESH = "/v2/token/refresh"

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class RateLimiter:
    """An ASGI gate in front of the real operator that answers 429 to the next N refreshes.

    The local operator has no 429 fault (a real UID2 operator does not rate-limit itself;
    the 429s publishers see come from the load balancer in front of it, with no JSON body).
    So this gate plays that load balancer: the refreshes it lets through, and every other
    call, are answered by the real operator.
    """

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self._app = app
        self.refusals_left = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == REFRESH and self.refusals_left > 0:
            self.refusals_left -= 1
            await send(
                {
                    "type": "http.response.start",
                    "status": 429,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": b"Too Many Requests"})
            return
        await self._app(scope, receive, send)


@pytest_asyncio.fixture
async def limiter(short_desk: Desk) -> AsyncIterator[RateLimiter]:
    """The short desk's publisher, now talking to its operator through a :class:`RateLimiter`."""
    gate = RateLimiter(short_desk.operator.asgi_app)
    client = short_desk.publisher.client
    assert client is not None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate)) as http:
        short_desk.publisher.use_client(
            OperatorClient(http, client.environment, client.credentials, clock=client.clock)
        )
        yield gate
        short_desk.publisher.use_client(client)


async def _automatic_jane(desk: Desk) -> UserSnapshot:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    return await desk.publisher.set_policy(snap.user.id, PolicyKind.AUTOMATIC)


def _behind_a_proxy(desk: Desk) -> OperatorClient:
    """A client whose base URL has a path the operator does not serve: real 404s, no status."""
    client = desk.publisher.client
    assert client is not None
    assert client.environment.base_url is not None
    env = client.environment.with_base_url(client.environment.base_url + "/behind-a-proxy")
    return OperatorClient(desk.services.http, env, client.credentials, clock=client.clock)


@pytest.mark.asyncio
async def test_a_404_without_a_uid2_status_keeps_the_identity_and_automatic_retries(
    short_desk: Desk,
) -> None:
    desk = short_desk
    snap = await _automatic_jane(desk)
    assert snap.identity is not None
    good = desk.publisher.client
    assert good is not None
    desk.publisher.use_client(_behind_a_proxy(desk))
    desk.set_time(snap.identity.refresh_from_ms)

    await desk.publisher.tick()

    failed = desk.exchanges(REFRESH)[-1]
    assert (failed.outcome, failed.http_status) == ("error", 404)
    after = desk.publisher.snapshot(snap.user.id)
    assert after.identity == snap.identity
    assert after.state is UserState.REFRESH_DUE
    assert after.attempts == 1
    assert after.next_refresh_ms == desk.clock.now_ms() + 5_000
    assert all(to != UserState.INVALID for _, to, _ in desk.transitions())
    assert "Retrying in 5 s" in desk.notices()[-1].message

    desk.publisher.use_client(good)
    desk.advance(5_000)
    await desk.publisher.tick()

    recovered = desk.publisher.snapshot(snap.user.id)
    assert recovered.state is UserState.REFRESHED
    assert recovered.attempts == 0


@pytest.mark.asyncio
async def test_a_manual_refresh_answered_404_without_status_keeps_the_state(
    desk: Desk,
) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    desk.publisher.use_client(_behind_a_proxy(desk))

    with pytest.raises(OperatorClientError) as info:
        await desk.publisher.refresh(snap.user.id)

    assert (info.value.http_status, info.value.status) == (404, None)
    after = desk.publisher.snapshot(snap.user.id)
    assert (after.state, after.identity, after.attempts) == (
        UserState.ESTABLISHED,
        snap.identity,
        1,
    )


@pytest.mark.asyncio
async def test_a_429_says_the_operator_is_rate_limiting_and_the_desk_retries(
    short_desk: Desk, limiter: RateLimiter
) -> None:
    desk = short_desk
    snap = await _automatic_jane(desk)
    assert snap.identity is not None
    limiter.refusals_left = 2
    desk.set_time(snap.identity.refresh_from_ms)

    await desk.publisher.tick()

    after = desk.publisher.snapshot(snap.user.id)
    assert (after.state, after.identity, after.attempts) == (
        UserState.REFRESH_DUE,
        snap.identity,
        1,
    )
    assert desk.exchanges(REFRESH)[-1].http_status == 429
    assert after.last_error is not None
    assert "The operator is rate-limiting: the desk will retry in 5 s" in after.last_error
    assert "environment URL" not in after.last_error
    notice = desk.notices()[-1]
    assert notice.level == "warning"
    assert "rate-limiting: the desk will retry" in notice.message

    desk.advance(5_000)
    await desk.publisher.tick()  # the second 429
    assert desk.publisher.snapshot(snap.user.id).attempts == 2
    desk.advance(5_000)
    await desk.publisher.tick()  # let through to the operator

    recovered = desk.publisher.snapshot(snap.user.id)
    assert recovered.state is UserState.REFRESHED
    assert (recovered.attempts, recovered.last_error) == (0, None)
    assert [e.http_status for e in desk.exchanges(REFRESH)] == [429, 429, 200]


@pytest.mark.asyncio
async def test_a_manual_429_keeps_the_identity_and_asks_to_refresh_again_later(
    short_desk: Desk, limiter: RateLimiter
) -> None:
    desk = short_desk
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    limiter.refusals_left = 1

    with pytest.raises(OperatorClientError, match="rate-limiting") as info:
        await desk.publisher.refresh(snap.user.id)

    assert info.value.http_status == 429
    assert "refresh again in a moment" in str(info.value)
    after = desk.publisher.snapshot(snap.user.id)
    assert (after.state, after.identity, after.attempts) == (
        UserState.ESTABLISHED,
        snap.identity,
        1,
    )
    assert after.last_error == str(info.value)
    assert (await desk.publisher.refresh(snap.user.id)).state is UserState.REFRESHED


@pytest.mark.parametrize(
    ("http", "status", "state"),
    [
        (400, "expired_token", UserState.REFRESH_EXPIRED),
        (400, "invalid_token", UserState.INVALID),
        (400, "client_error", UserState.INVALID),
        (400, "error", UserState.INVALID),
        (400, None, None),
        (404, None, None),
        (408, None, None),
        (429, None, None),
    ],
)
def test_only_a_uid2_status_about_the_token_ends_the_identity(
    http: int, status: str | None, state: UserState | None
) -> None:
    error = OperatorClientError("refused", status=status, http_status=http)
    assert refresh_failure(error, now_ms=1_000, refresh_expires_ms=2_000).state is state


def test_an_unauthenticated_error_after_refresh_expires_means_refresh_expired() -> None:
    error = OperatorClientError("refused", status="error", http_status=400)
    failure = refresh_failure(error, now_ms=2_000, refresh_expires_ms=2_000)
    assert failure.state is UserState.REFRESH_EXPIRED

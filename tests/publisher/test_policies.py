"""Refresh policies against the real operator, with a fake clock: who refreshes, and when."""

from __future__ import annotations

import pytest

from tests.publisher.conftest import START_MS, Desk
from uid2_desk.operator import Fault, FaultKind
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import Notice, PolicyKind, UserSnapshot, UserState

REFRESH = "/v2/token/refresh"


async def _jane(desk: Desk, policy: PolicyKind, **kw: int) -> UserSnapshot:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    return await desk.publisher.set_policy(snap.user.id, policy, **kw)


async def _tick_every_second(desk: Desk, until_ms: int) -> list[int]:
    """Tick once per fake second up to ``until_ms``; return when refreshes were sent (s)."""
    sent = len(desk.exchanges(REFRESH))
    times: list[int] = []
    while desk.clock.now_ms() < until_ms:
        desk.advance(1_000)
        await desk.publisher.tick()
        now_sent = len(desk.exchanges(REFRESH))
        times += [(desk.clock.now_ms() - START_MS) // 1000] * (now_sent - sent)
        sent = now_sent
    return times


@pytest.mark.asyncio
async def test_manual_never_refreshes_on_its_own(short_desk: Desk) -> None:
    snap = await _jane(short_desk, PolicyKind.MANUAL)
    assert snap.next_refresh_ms is None
    assert await _tick_every_second(short_desk, START_MS + 400_000) == []
    assert short_desk.publisher.snapshot(snap.user.id).state is UserState.REFRESH_EXPIRED


@pytest.mark.asyncio
async def test_automatic_refreshes_at_refresh_from_and_again_at_each_new_one(
    short_desk: Desk,
) -> None:
    snap = await _jane(short_desk, PolicyKind.AUTOMATIC)
    assert snap.identity is not None
    assert snap.next_refresh_ms == snap.identity.refresh_from_ms == START_MS + 60_000

    assert await _tick_every_second(short_desk, START_MS + 200_000) == [60, 120, 180]
    after = short_desk.publisher.snapshot(snap.user.id)
    assert after.state is UserState.REFRESHED
    assert after.next_refresh_ms == START_MS + 240_000


@pytest.mark.asyncio
async def test_automatic_backs_off_5_s_five_times_then_60_s_and_stops_at_refresh_expires(
    short_desk: Desk,
) -> None:
    snap = await _jane(short_desk, PolicyKind.AUTOMATIC)
    short_desk.operator.admin.set_fault(Fault(FaultKind.HTTP_500, REFRESH))  # until cleared

    attempts = await _tick_every_second(short_desk, START_MS + 400_000)

    # Identity: refresh_from 60 s, refresh_expires 300 s. Next after 265 s would be 325 s.
    assert attempts == [60, 65, 70, 75, 80, 85, 145, 205, 265]
    after = short_desk.publisher.snapshot(snap.user.id)
    assert after.state is UserState.REFRESH_EXPIRED
    assert after.attempts == 9
    assert after.identity == snap.identity
    assert after.next_refresh_ms is None
    warnings = [n.message for n in short_desk.notices() if isinstance(n, Notice)]
    assert sum("Retrying in 5 s" in m for m in warnings) == 5
    assert sum("Retrying in 60 s" in m for m in warnings) == 3
    assert "No more automatic attempts" in warnings[-1]


@pytest.mark.asyncio
async def test_automatic_recovers_when_the_operator_does(short_desk: Desk) -> None:
    snap = await _jane(short_desk, PolicyKind.AUTOMATIC)
    short_desk.operator.admin.set_fault(Fault(FaultKind.HTTP_503, REFRESH, times=2))

    assert await _tick_every_second(short_desk, START_MS + 75_000) == [60, 65, 70]
    after = short_desk.publisher.snapshot(snap.user.id)
    assert after.state is UserState.REFRESHED
    assert after.attempts == 0
    assert after.last_error is None


@pytest.mark.asyncio
async def test_automatic_does_not_retry_after_an_optout(short_desk: Desk) -> None:
    snap = await short_desk.publisher.sign_in(DiiKind.EMAIL, "refresh-optout@example.com")
    await short_desk.publisher.set_policy(snap.user.id, PolicyKind.AUTOMATIC)
    assert await _tick_every_second(short_desk, START_MS + 300_000) == [60]
    assert short_desk.publisher.snapshot(snap.user.id).state is UserState.OPTED_OUT


@pytest.mark.asyncio
async def test_on_return_refreshes_only_when_the_user_comes_back_after_refresh_from(
    short_desk: Desk,
) -> None:
    snap = await _jane(short_desk, PolicyKind.ON_RETURN)
    assert snap.next_refresh_ms is None

    short_desk.advance(30_000)
    early = await short_desk.publisher.user_returns(snap.user.id)
    assert early.state is UserState.ESTABLISHED
    assert await _tick_every_second(short_desk, START_MS + 90_000) == []

    back = await short_desk.publisher.user_returns(snap.user.id)

    assert back.state is UserState.REFRESHED
    assert len(short_desk.exchanges(REFRESH)) == 1
    assert [e.step for e in short_desk.events_named("user_returns")] == ["3-a", "3-a"]


@pytest.mark.asyncio
async def test_on_return_after_refresh_expires_means_login_required(short_desk: Desk) -> None:
    snap = await _jane(short_desk, PolicyKind.ON_RETURN)
    short_desk.advance(301_000)
    back = await short_desk.publisher.user_returns(snap.user.id)
    assert back.state is UserState.REFRESH_EXPIRED
    assert short_desk.exchanges(REFRESH) == []
    assert any("must sign in again" in n.message for n in short_desk.notices())


@pytest.mark.asyncio
async def test_interval_refreshes_every_five_minutes_by_default(desk: Desk) -> None:
    snap = await _jane(desk, PolicyKind.INTERVAL)
    assert snap.interval_ms == 300_000
    assert snap.next_refresh_ms == START_MS + 300_000
    # The local profile's refresh_from is 15 min; the interval policy does not wait for it.
    assert await _tick_every_second(desk, START_MS + 16 * 60_000) == [300, 600, 900]


@pytest.mark.asyncio
async def test_interval_can_be_set_per_user(short_desk: Desk) -> None:
    await _jane(short_desk, PolicyKind.INTERVAL, interval_ms=20_000)
    assert await _tick_every_second(short_desk, START_MS + 65_000) == [20, 40, 60]


@pytest.mark.asyncio
async def test_changing_the_policy_is_journaled(desk: Desk) -> None:
    await _jane(desk, PolicyKind.AUTOMATIC)
    (event,) = desk.events_named("policy")
    assert (event.detail_value("from"), event.detail_value("to")) == ("manual", "automatic")


@pytest.mark.asyncio
async def test_next_wakeup_is_the_earliest_state_or_policy_moment(short_desk: Desk) -> None:
    assert short_desk.publisher.next_wakeup_ms() is None
    snap = await _jane(short_desk, PolicyKind.MANUAL)
    assert snap.identity is not None
    assert short_desk.publisher.next_wakeup_ms() == snap.identity.refresh_from_ms
    short_desk.advance(61_000)
    assert short_desk.publisher.next_wakeup_ms() == snap.identity.identity_expires_ms

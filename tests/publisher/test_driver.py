"""The policy driver: ticks about once a second, on time for dues, and stops cleanly."""

from __future__ import annotations

import asyncio

import pytest

from tests.publisher.conftest import Desk
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import DeskEvent, PolicyDriver, PolicyKind, UserChanged, UserState


@pytest.mark.asyncio
async def test_the_pause_is_a_period_or_less_when_something_is_due_sooner(
    short_desk: Desk,
) -> None:
    driver = PolicyDriver(short_desk.publisher, period_s=1.0)
    assert driver.pause_s() == 1.0  # nobody signed in
    snap = await short_desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    assert snap.identity is not None
    short_desk.set_time(snap.identity.refresh_from_ms - 300)
    assert driver.pause_s() == pytest.approx(0.3)
    short_desk.set_time(snap.identity.refresh_from_ms - 5_000)
    assert driver.pause_s() == 1.0


@pytest.mark.asyncio
async def test_the_driver_runs_the_automatic_policy_and_stops_without_leaving_a_task(
    short_desk: Desk,
) -> None:
    pub = short_desk.publisher
    snap = await pub.sign_in(DiiKind.EMAIL, "jane@example.com")
    await pub.set_policy(snap.user.id, PolicyKind.AUTOMATIC)
    refreshed = asyncio.Event()

    def watch(event: DeskEvent) -> None:
        if isinstance(event, UserChanged) and event.snapshot.state is UserState.REFRESHED:
            refreshed.set()

    pub.subscribe(watch)
    assert snap.identity is not None
    short_desk.set_time(snap.identity.refresh_from_ms)

    async with PolicyDriver(pub, period_s=0.05) as driver:
        assert driver.running
        await asyncio.wait_for(refreshed.wait(), timeout=10)
    assert not driver.running
    assert driver.ticks >= 1
    assert pub.snapshot(snap.user.id).state is UserState.REFRESHED
    await driver.stop()  # idempotent


@pytest.mark.asyncio
async def test_a_failing_tick_does_not_stop_the_driver(
    short_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = 0
    real_tick = short_desk.publisher.tick

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("a bug in a tick")
        await real_tick()

    monkeypatch.setattr(short_desk.publisher, "tick", flaky)
    driver = PolicyDriver(short_desk.publisher, period_s=0.01)
    driver.start()
    driver.start()  # a second start is a no-op
    for _ in range(200):
        if calls >= 3:
            break
        await asyncio.sleep(0.01)
    await driver.stop()
    assert calls >= 3


@pytest.mark.asyncio
async def test_stop_does_not_swallow_a_cancellation_aimed_at_its_caller(short_desk: Desk) -> None:
    driver = PolicyDriver(short_desk.publisher, period_s=1.0)
    driver.start()
    went_on: list[bool] = []

    async def caller() -> None:
        await driver.stop()
        went_on.append(True)  # must not run: this caller was cancelled

    task = asyncio.create_task(caller())
    await asyncio.sleep(0)  # the caller is inside stop(), awaiting the driver's task
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert went_on == []
    assert not driver.running

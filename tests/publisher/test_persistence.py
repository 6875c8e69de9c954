"""Identities survive closing the desk; reopening it is "the user returns to the site"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publisher.conftest import SHORT, START_MS, assert_no_other_tasks, open_desk
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import PolicyKind, UserState
from uid2_desk.publisher.store import STORE_FILE


@pytest.mark.asyncio
async def test_users_and_identities_survive_closing_and_reopening(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    first = await open_desk(tmp_path / "desk", clock)
    jane = await first.publisher.sign_in(DiiKind.EMAIL, "jane@example.com", label="Jane")
    await first.publisher.set_policy(jane.user.id, PolicyKind.INTERVAL, interval_ms=120_000)
    bob = await first.publisher.sign_in(DiiKind.PHONE, "+12345678901")
    await first.publisher.refresh(bob.user.id)
    before = first.publisher.users()
    await first.services.aclose()
    assert (tmp_path / "desk" / STORE_FILE).is_file()

    second = await open_desk(tmp_path / "desk", clock)
    try:
        assert second.publisher.users() == before
        restored = second.publisher.snapshot(jane.user.id)
        assert restored.user.label == "Jane"
        assert restored.policy is PolicyKind.INTERVAL
        assert restored.interval_ms == 120_000
        # The restored identity still works against the (also reopened) operator.
        assert (await second.publisher.refresh(bob.user.id)).state is UserState.REFRESHED
        assert await second.publisher.validate(bob.user.id) is True
    finally:
        await second.services.aclose()
    await assert_no_other_tasks()


@pytest.mark.asyncio
async def test_on_reopen_users_return_and_on_return_users_due_are_refreshed(
    tmp_path: Path,
) -> None:
    clock = ManualClock(START_MS)
    first = await open_desk(tmp_path / "desk", clock, lifetimes=SHORT)
    away = await first.publisher.sign_in(DiiKind.EMAIL, "away@example.com")
    await first.publisher.set_policy(away.user.id, PolicyKind.ON_RETURN)
    manual = await first.publisher.sign_in(DiiKind.EMAIL, "manual@example.com")
    gone = await first.publisher.sign_in(DiiKind.EMAIL, "gone@example.com")
    await first.publisher.log_out(gone.user.id)
    await first.services.aclose()

    clock.advance(90_000)  # the desk was closed past refresh_from
    second = await open_desk(tmp_path / "desk", clock, lifetimes=SHORT, returning=True)
    try:
        returned = {e.user for e in second.events_named("user_returns")}
        assert returned == {"away@example.com", "manual@example.com"}
        assert second.publisher.snapshot(away.user.id).state is UserState.REFRESHED
        assert second.publisher.snapshot(manual.user.id).state is UserState.REFRESH_DUE
        assert [e.user for e in second.exchanges("/v2/token/refresh")] == ["away@example.com"]
        assert ("established", "refresh_due", "refresh_from reached") in second.transitions()
    finally:
        await second.services.aclose()


@pytest.mark.asyncio
async def test_a_closed_desk_time_travel_is_caught_up_on_return(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    first = await open_desk(tmp_path / "desk", clock, lifetimes=SHORT)
    jane = await first.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    await first.services.aclose()

    clock.advance(10 * 60_000)
    second = await open_desk(tmp_path / "desk", clock, lifetimes=SHORT, returning=True)
    try:
        assert second.publisher.snapshot(jane.user.id).state is UserState.REFRESH_EXPIRED
        assert second.transitions() == [
            ("established", "refresh_expired", "refresh_expires passed: login required")
        ]
        assert any("must sign in again" in n.message for n in second.notices())
    finally:
        await second.services.aclose()

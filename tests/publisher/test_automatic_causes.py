"""Every entry the desk makes on its own says why; what a person does carries no such reason.

Against the real operator (in-process) with a fake clock: a relaunch (users return), a
policy that is due, the clock moving a state on, the opt-out poll and a scenario step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.publisher.conftest import SHORT, START_MS, Desk, open_desk
from uid2_desk.journal import JournalEntry
from uid2_desk.journal.model import WHY_DETAIL
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import PolicyKind, ScenarioPlayer
from uid2_desk.publisher.refresh.optout_poll import OptOutPoller
from uid2_desk.publisher.refresh.poll_bounds import PollBounds
from uid2_desk.publisher.refresh.runner import CLOCK_MOVED, RESTORED_AT_START
from uid2_desk.publisher.scenario import find_scenario


def _why(entries: list[JournalEntry]) -> list[tuple[str, str | None]]:
    return [(e.name, e.detail_value(WHY_DETAIL)) for e in entries]


@pytest.mark.asyncio
async def test_users_returning_at_start_up_say_they_were_restored(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    first = await open_desk(tmp_path / "desk", clock, lifetimes=SHORT)
    jane = await first.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    await first.publisher.set_policy(jane.user.id, PolicyKind.ON_RETURN)
    # What a person did carries no "why".
    assert all(e.detail_value(WHY_DETAIL) is None for e in first.entries())
    await first.services.aclose()

    clock.advance(90_000)  # closed past refresh_from: on return, the policy refreshes
    second = await open_desk(tmp_path / "desk", clock, lifetimes=SHORT, returning=True)
    try:
        made = second.entries()
        assert [e.name for e in made][:2] == ["user_returns", "state_changed"]
        assert "/v2/token/refresh" in [e.name for e in made]
        assert {why for _, why in _why(made)} == {RESTORED_AT_START}
        assert RESTORED_AT_START == "Automatic: restored at start-up from the data folder"
        # The user returning by hand (Ctrl+U) is a person's doing: no reason added.
        await second.publisher.user_returns(jane.user.id)
        assert _why(second.entries()[len(made) :]) == [("user_returns", None)]
        # The reason is stored: it reads back from the journal.
        stored = await second.services.journal.get(made[0].seq)
        assert stored is not None
        assert stored.detail_value(WHY_DETAIL) == RESTORED_AT_START
    finally:
        await second.services.aclose()


@pytest.mark.asyncio
async def test_a_due_policy_and_the_clock_say_why_and_a_manual_refresh_does_not(
    short_desk: Desk,
) -> None:
    desk = short_desk
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    await desk.publisher.set_policy(snap.user.id, PolicyKind.AUTOMATIC)
    before = len(desk.entries())
    desk.advance(60_000)
    await desk.publisher.tick()
    made = _why(desk.entries()[before:])
    assert ("state_changed", CLOCK_MOVED) in made
    policy = "Automatic: the Automatic (SDK-like, with backoff) policy refreshes at refresh_from"
    assert ("/v2/token/refresh", policy) in made
    assert ("identity_set", policy) in made
    before = len(desk.entries())
    await desk.publisher.refresh(snap.user.id)
    assert {why for _, why in _why(desk.entries()[before:])} == {None}


@pytest.mark.asyncio
async def test_each_opt_out_poll_attempt_says_which_it_was(short_desk: Desk) -> None:
    desk = short_desk
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "refresh-optout@example.com")
    before = len(desk.entries())
    poller = OptOutPoller(
        lambda: desk.publisher.refresh(snap.user.id),
        clock=desk.clock,
        bounds=PollBounds(interval_s=5, max_attempts=3, time_limit_s=60),
    )
    await poller.run()
    made = _why(desk.entries()[before:])
    assert made[0] == (
        "/v2/token/refresh",
        "Automatic: opt-out polling, attempt 1 of at most 3 (started in the opt-out lab)",
    )
    assert all(why is not None and why.startswith("Automatic: opt-out polling") for _, why in made)


@pytest.mark.asyncio
async def test_a_scenario_steps_entries_name_the_scenario_and_the_step(desk: Desk) -> None:
    player = ScenarioPlayer(find_scenario("server-only"), desk.services.stage())
    await player.step()
    await player.step()
    whys = [why for _, why in _why(desk.entries())]
    assert set(whys) == {
        "Scenario server-only, step sign-in",
        "Scenario server-only, step validate",
    }
    assert whys[0] == "Scenario server-only, step sign-in"

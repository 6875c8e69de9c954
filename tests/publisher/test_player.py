"""The scenario player: every shipped scenario holds; step, play, pause, reset; failures say why."""

from __future__ import annotations

from typing import Any

import pytest

from tests.publisher.conftest import Desk
from uid2_desk.operator import FaultKind
from uid2_desk.protocol.errors import ScenarioError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import PolicyKind, ScenarioPlayer, Stage, StepStatus
from uid2_desk.publisher.scenario import find_scenario, load_all
from uid2_desk.publisher.scenario.loader import parse_scenario

#: The shipped scenarios of today's guide; the v1 guides' play on a v1 desk (test_legacy_v1_guides).
SHIPPED = [s.name for s in load_all() if not s.guide.legacy_v1]


def _scenario(*steps: dict[str, Any]) -> Any:
    return parse_scenario({"name": "t", "title": "T", "step": list(steps)}, source="t.toml")


def _step(step_id: str, do: str, **kw: Any) -> dict[str, Any]:
    return {"id": step_id, "do": do, "caption": {"title": step_id}, **kw}


SIGN_IN = _step(
    "sign-in", "sign_in", dii="email", value="jane@example.com", expect={"state": "established"}
)
LOG_OUT = _step("log-out", "log_out", expect={"state": "no_identity", "exchanges": 0})


@pytest.mark.asyncio
@pytest.mark.parametrize("name", SHIPPED)
async def test_every_shipped_scenario_holds_on_the_local_operator(desk: Desk, name: str) -> None:
    player = ScenarioPlayer(find_scenario(name), desk.services.stage())
    assert player.unsupported is None

    passed = await player.play()

    assert passed, [r.line() for r in player.results if not r.held]
    assert player.done
    assert all(r.status is StepStatus.PASSED for r in player.results)


@pytest.mark.asyncio
async def test_step_by_step_each_result_names_its_step_and_its_journal_entries(
    desk: Desk,
) -> None:
    player = ScenarioPlayer(find_scenario("server-only"), desk.services.stage())

    first = await player.step()

    assert (first.index, first.step.id, first.status) == (0, "sign-in", StepStatus.PASSED)
    assert first.outcome == "success, HTTP 200 → established"
    assert [c.name for c in first.checks] == ["state", "status", "http", "identity"]
    assert set(first.entries) == {e.seq for e in desk.entries()}
    assert first.line().startswith("✓ sign-in: The user signs in with validate@example.com — ")
    assert player.position == 1
    assert not player.done


@pytest.mark.asyncio
async def test_stepping_past_the_end_says_to_reset(desk: Desk) -> None:
    player = ScenarioPlayer(find_scenario("optout-on-generate"), desk.services.stage())
    await player.play()
    with pytest.raises(ScenarioError, match="reset it"):
        await player.step()


@pytest.mark.asyncio
async def test_pause_stops_play_after_the_current_step_and_play_resumes(desk: Desk) -> None:
    player = ScenarioPlayer(find_scenario("server-only"), desk.services.stage())
    seen: list[str] = []

    def pause_after_two(result: Any) -> None:
        seen.append(result.step.id)
        if len(seen) == 2:
            player.pause()

    assert await player.play(on_result=pause_after_two)  # nothing failed so far
    assert seen == ["sign-in", "validate"]
    assert not player.done
    assert await player.play(on_result=lambda r: seen.append(r.step.id))
    assert seen == ["sign-in", "validate", "refresh", "log-out"]


@pytest.mark.asyncio
async def test_reset_removes_the_scenarios_users_and_faults_so_it_plays_again(
    desk: Desk,
) -> None:
    player = ScenarioPlayer(find_scenario("refresh-recovers"), desk.services.stage())
    for _ in range(3):  # up to the fault injection
        await player.step()
    assert desk.operator.admin.faults()[0].fault.kind is FaultKind.HTTP_500
    assert len(desk.publisher.users()) == 1

    await player.reset()

    assert player.results == []
    assert player.position == 0
    assert desk.publisher.users() == []
    assert desk.operator.admin.faults() == []
    assert await player.play()


@pytest.mark.asyncio
async def test_an_expectation_that_does_not_hold_fails_the_step_with_the_reason(
    desk: Desk,
) -> None:
    scenario = _scenario(SIGN_IN, _step("check", "check", expect={"state": "refreshed"}))
    player = ScenarioPlayer(scenario, desk.services.stage())

    assert not await player.play()

    failed = player.results[-1]
    assert failed.status is StepStatus.FAILED
    assert failed.reason == "expected state refreshed, got established"
    assert failed.line().startswith("✗ check: check — no operator call → established (expected")
    assert not player.passed


@pytest.mark.asyncio
async def test_an_unexpected_error_fails_the_step(desk: Desk) -> None:
    scenario = _scenario(
        SIGN_IN, LOG_OUT, _step("refresh", "refresh", expect={"state": "refreshed"})
    )
    player = ScenarioPlayer(scenario, desk.services.stage())

    assert not await player.play()

    result = player.results[-1]
    assert result.status is StepStatus.FAILED
    assert result.reason is not None
    assert result.reason.startswith("unexpected error: jane@example.com is not signed in")


@pytest.mark.asyncio
async def test_an_expected_error_and_message_hold(desk: Desk) -> None:
    scenario = _scenario(
        SIGN_IN,
        LOG_OUT,
        _step("refresh", "refresh", expect={"error": True, "message": "sign them in first"}),
    )
    assert await ScenarioPlayer(scenario, desk.services.stage()).play()


@pytest.mark.asyncio
async def test_a_stage_without_local_features_skips_the_scenario_and_says_why(
    desk: Desk,
) -> None:
    remote_like = Stage(publisher=desk.publisher)
    player = ScenarioPlayer(find_scenario("user-opts-out-later"), remote_like)

    assert player.unsupported is not None
    assert "time warp, admin opt-out" in player.unsupported
    assert await player.play()
    assert {r.status for r in player.results} == {StepStatus.SKIPPED}
    assert player.skipped
    assert desk.entries() == []  # nothing was sent


@pytest.mark.asyncio
async def test_scenarios_without_local_features_play_on_any_stage(desk: Desk) -> None:
    player = ScenarioPlayer(find_scenario("server-only"), Stage(publisher=desk.publisher))
    assert player.unsupported is None
    assert await player.play()


@pytest.mark.asyncio
async def test_another_users_refresh_during_a_wait_is_not_the_steps_exchange(
    desk: Desk,
) -> None:
    other = await desk.publisher.sign_in(DiiKind.EMAIL, "other@example.com")
    await desk.publisher.set_policy(other.user_id, PolicyKind.AUTOMATIC)
    scenario = _scenario(
        SIGN_IN,
        _step(
            "wait",
            "wait",
            until="refresh_due",
            expect={"state": "refresh_due", "exchanges": 0},
        ),
    )
    player = ScenarioPlayer(scenario, desk.services.stage())
    refreshes_before = len(desk.exchanges("/v2/token/refresh"))

    passed = await player.play()

    assert passed, [r.line() for r in player.results if not r.held]
    # The other user's automatic policy did refresh while the step waited...
    assert len(desk.exchanges("/v2/token/refresh")) == refreshes_before + 1
    assert desk.exchanges("/v2/token/refresh")[-1].user == "other@example.com"
    # ...and the step lists only its own entries.
    wait = player.results[-1]
    seqs = {e.seq: e for e in desk.entries()}
    assert all(seqs[s].user in (None, "jane@example.com") for s in wait.entries)

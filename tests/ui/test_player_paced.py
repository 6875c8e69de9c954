"""The paced player: real-time waits before a scenario's wait steps, skip ahead, cap, pause.

The player is Qt-free; it runs here on the session's qasync loop (as in the window), with the
real publisher on the real local operator (in process) and a fake clock that only the fake
sleep moves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.stage_desk import LoopRunner
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.publisher.scenario.loader import find_scenario
from uid2_desk.publisher.scenario.player import ScenarioPlayer
from uid2_desk.publisher.scenario.results import StepStatus
from uid2_desk.services import DeskServices
from uid2_desk.ui.walkthrough.paced_player import (
    WAIT_MARGIN_MS,
    PacedPlayer,
    WaitInfo,
    wait_target_ms,
)


class FakeTime:
    """A manual clock and a sleep that moves it; can run a callback on the n-th sleep."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.slept_ms = 0
        self.sleeps = 0
        self.on_sleep: dict[int, Callable[[], None]] = {}

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        ms = round(seconds * 1000)
        self.slept_ms += ms
        self.clock.advance(ms)
        if self.sleeps in self.on_sleep:
            self.on_sleep[self.sleeps]()
        await asyncio.sleep(0)


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def runner(qtbot: QtBot, loop: asyncio.AbstractEventLoop) -> LoopRunner:
    return LoopRunner(qtbot, loop)


@pytest.fixture
def services(tmp_path: Path, fake_time: FakeTime, runner: LoopRunner) -> Iterator[DeskServices]:
    desk = runner.open_desk(tmp_path, fake_time.clock)
    yield desk
    runner.run(desk.aclose())


def _paced(services: DeskServices, name: str, fake_time: FakeTime, **kwargs: object) -> PacedPlayer:
    player = ScenarioPlayer(find_scenario(name), services.stage())
    return PacedPlayer(player, clock=services.clock, sleep=fake_time.sleep, **kwargs)  # type: ignore[arg-type]


def test_a_wait_for_refresh_from_is_waited_in_real_time_then_the_step_crosses_it(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    paced = _paced(services, "expiry", fake_time)
    sign_in = runner.run(paced.step())
    assert sign_in is not None
    assert sign_in.status is StepStatus.PASSED
    target = wait_target_ms(paced.player)
    assert target is not None
    assert target[0] == "refresh_due"
    waited_from = services.clock.now_ms()
    result = runner.run(paced.step())
    assert result is not None
    assert result.status is StepStatus.PASSED, result.reason
    assert fake_time.slept_ms == target[1] - WAIT_MARGIN_MS - waited_from
    assert services.publisher.snapshot(paced.player.user_id or "").state == "refresh_due"


def test_skip_ahead_ends_the_wait_at_once_and_the_step_still_holds(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    paced = _paced(services, "expiry", fake_time)
    runner.run(paced.step())
    fake_time.on_sleep[3] = paced.skip_ahead
    result = runner.run(paced.step())
    assert result is not None
    assert result.status is StepStatus.PASSED, result.reason
    assert fake_time.sleeps == 3
    assert fake_time.slept_ms == 3_000  # three one-second slices, then the warp


def test_the_kiosk_cap_bounds_each_real_wait(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    paced = _paced(services, "expiry", fake_time, wait_cap_s=4.0)
    seen: list[WaitInfo | None] = []
    paced._on_wait = seen.append
    runner.run(paced.play())
    assert paced.player.done
    # The sign-in and the three waits held (what follows is not about pacing).
    assert [r.status for r in paced.player.results[:4]] == [StepStatus.PASSED] * 4
    waits = [w for w in seen if w is not None]
    assert [w.what for w in waits] == ["refresh_due", "identity_expires", "refresh_expires"]
    assert all(w.ends_ms - w.started_ms == 4_000 for w in waits)
    assert fake_time.slept_ms == 3 * 4_000
    assert seen[-1] is None  # the wait line is cleared after each wait


def test_pause_during_a_wait_abandons_it_without_playing_the_step(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    paced = _paced(services, "expiry", fake_time)
    runner.run(paced.step())
    fake_time.on_sleep[2] = paced.pause
    result = runner.run(paced.step())
    assert result is None
    assert paced.player.position == 1
    assert paced.waiting is None


def test_seconds_waits_are_played_directly_never_waited_twice(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    paced = _paced(services, "refresh-recovers", fake_time)
    steps = [step.id for step in paced.player.scenario.steps]
    while steps[paced.player.position] != "second-try":  # a five-second wait comes next
        runner.run(paced.step())
    slept, before = fake_time.slept_ms, services.clock.now_ms()
    result = runner.run(paced.step())
    assert result is not None
    assert result.step.id == "second-try"
    assert fake_time.slept_ms == slept  # not waited in real time...
    assert 5_000 <= services.clock.now_ms() - before < 10_000  # ...but warped, once


def test_play_rests_between_steps_and_pause_stops_after_the_current_step(
    services: DeskServices, fake_time: FakeTime, runner: LoopRunner
) -> None:
    paced = _paced(services, "server-only", fake_time)
    results: list[str] = []

    def on_result(result: object) -> None:
        results.append(getattr(result, "status", ""))
        if len(results) == 2:
            paced.pause()

    reached_end = runner.run(paced.play(step_pause_s=2.5, on_result=on_result))
    assert not reached_end
    assert results == ["passed", "passed"]
    assert fake_time.slept_ms == 2_500  # one rest, between the first two steps
    reached_end = runner.run(paced.play(step_pause_s=2.5))
    assert reached_end
    assert paced.player.passed

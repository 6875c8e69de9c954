"""Wait and poll: the schedule and its three bounds, on a fake clock (no Qt, no waiting)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import (
    InputError,
    OperatorClientError,
    OperatorServerError,
    OperatorTimeoutError,
    UnauthorizedError,
)
from uid2_desk.publisher.refresh.optout_poll import OptOutPoller
from uid2_desk.publisher.refresh.poll_bounds import PollBounds, attempt_offsets_ms
from uid2_desk.publisher.refresh.poll_progress import PollOutcome, PollProgress


@dataclass(frozen=True)
class _State:
    """The part of a snapshot the poller reads."""

    state: str


class _Schedule:
    """Records when each refresh happened; answers with the states it is given, in turn.

    This stands in for the refresh callable only to time the scheduler; the poller against
    the real publisher and operator is tested in tests/integration.
    """

    def __init__(
        self,
        clock: ManualClock,
        answers: list[str | Exception],
        *,
        takes_ms: int = 0,
    ) -> None:
        self.clock = clock
        self.answers = answers
        self.takes_ms = takes_ms
        self.calls_at: list[int] = []

    async def refresh(self) -> _State:
        self.calls_at.append(self.clock.now_ms())
        self.clock.advance(self.takes_ms)
        answer = self.answers[min(len(self.calls_at), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return _State(answer)


def _fake_sleep(clock: ManualClock) -> object:
    async def sleep(seconds: float) -> None:
        clock.advance(round(seconds * 1000))
        await asyncio.sleep(0)

    return sleep


def _poller(
    schedule: _Schedule, bounds: PollBounds, seen: list[PollProgress] | None = None
) -> OptOutPoller:
    return OptOutPoller(
        schedule.refresh,
        clock=schedule.clock,
        bounds=bounds,
        sleep=_fake_sleep(schedule.clock),  # type: ignore[arg-type]
        on_progress=seen.append if seen is not None else None,
    )


def test_bounds_refuse_an_interval_shorter_than_five_seconds() -> None:
    with pytest.raises(InputError, match="between 5 and 600 seconds"):
        PollBounds(interval_s=1)


@pytest.mark.parametrize("attempts", [0, 501])
def test_bounds_refuse_attempt_counts_outside_one_to_five_hundred(attempts: int) -> None:
    with pytest.raises(InputError, match="between 1 and 500"):
        PollBounds(max_attempts=attempts)


def test_bounds_refuse_a_time_limit_over_four_hours() -> None:
    with pytest.raises(InputError, match="4 hours"):
        PollBounds(time_limit_s=4 * 3600 + 1)


def test_schedule_is_every_interval_until_the_time_limit() -> None:
    bounds = PollBounds(interval_s=10, max_attempts=100, time_limit_s=35)
    assert attempt_offsets_ms(bounds) == (0, 10_000, 20_000, 30_000)


def test_schedule_stops_at_max_attempts_before_the_time_limit() -> None:
    bounds = PollBounds(interval_s=10, max_attempts=2, time_limit_s=3600)
    assert attempt_offsets_ms(bounds) == (0, 10_000)
    assert bounds.planned_attempts == 2


def test_zero_time_limit_still_makes_one_attempt() -> None:
    assert attempt_offsets_ms(PollBounds(interval_s=5, time_limit_s=0)) == (0,)


@pytest.mark.asyncio
async def test_poll_refreshes_every_interval_until_optout_arrives() -> None:
    clock = ManualClock()
    t0 = clock.now_ms()
    schedule = _Schedule(clock, ["refreshed", "refreshed", "refreshed", "opted_out"])
    result = await _poller(schedule, PollBounds(interval_s=15, time_limit_s=600)).run()
    assert result.outcome is PollOutcome.OPTED_OUT
    assert [t - t0 for t in schedule.calls_at] == [0, 15_000, 30_000, 45_000]
    assert result.attempt == 4
    assert result.elapsed_ms == 45_000


@pytest.mark.asyncio
async def test_poll_gives_up_after_max_attempts_without_waiting_once_more() -> None:
    clock = ManualClock()
    t0 = clock.now_ms()
    schedule = _Schedule(clock, ["refreshed"])
    result = await _poller(schedule, PollBounds(interval_s=5, max_attempts=3)).run()
    assert result.outcome is PollOutcome.ATTEMPTS_EXHAUSTED
    assert len(schedule.calls_at) == 3
    assert clock.now_ms() - t0 == 10_000


@pytest.mark.asyncio
async def test_poll_gives_up_at_the_time_limit() -> None:
    clock = ManualClock()
    t0 = clock.now_ms()
    schedule = _Schedule(clock, ["refreshed"])
    bounds = PollBounds(interval_s=20, max_attempts=500, time_limit_s=70)
    result = await _poller(schedule, bounds).run()
    assert result.outcome is PollOutcome.TIME_LIMIT
    assert [t - t0 for t in schedule.calls_at] == [0, 20_000, 40_000, 60_000]
    assert clock.now_ms() - t0 <= 70_000


@pytest.mark.asyncio
async def test_slow_refreshes_do_not_stretch_the_run_past_the_time_limit() -> None:
    clock = ManualClock()
    t0 = clock.now_ms()
    schedule = _Schedule(clock, ["refreshed"], takes_ms=8_000)
    bounds = PollBounds(interval_s=5, max_attempts=500, time_limit_s=30)
    result = await _poller(schedule, bounds).run()
    assert result.outcome is PollOutcome.TIME_LIMIT
    # Each attempt starts when the previous one returns (8 s > 5 s interval), never in a burst.
    assert [t - t0 for t in schedule.calls_at] == [0, 8_000, 16_000, 24_000]


@pytest.mark.asyncio
async def test_transient_errors_are_shown_and_polling_goes_on() -> None:
    clock = ManualClock()
    timeout = OperatorTimeoutError("The operator did not answer within 10 s; try again.")
    schedule = _Schedule(clock, [timeout, "refreshed", "opted_out"])
    seen: list[PollProgress] = []
    result = await _poller(schedule, PollBounds(interval_s=5), seen).run()
    assert result.outcome is PollOutcome.OPTED_OUT
    assert seen[0].last_error == str(timeout)
    assert result.last_error is None


@pytest.mark.asyncio
async def test_an_unauthorized_answer_stops_the_poll_at_once() -> None:
    clock = ManualClock()
    denied = UnauthorizedError("API key rejected", status="unauthorized", http_status=401)
    schedule = _Schedule(clock, [denied])
    result = await _poller(schedule, PollBounds(interval_s=5)).run()
    assert result.outcome is PollOutcome.FAILED
    assert result.last_error == "API key rejected"
    assert len(schedule.calls_at) == 1


@pytest.mark.asyncio
async def test_an_expired_refresh_token_ends_the_poll_as_identity_lost() -> None:
    clock = ManualClock()
    schedule = _Schedule(clock, ["refreshed", "refresh_expired"])
    result = await _poller(schedule, PollBounds(interval_s=5)).run()
    assert result.outcome is PollOutcome.IDENTITY_LOST
    assert "sign the user in again" in result.outcome.sentence


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "error",
    [
        OperatorClientError("The refresh token expired", status="expired_token", http_status=400),
        InputError("Jane is not signed in, so there is no identity to refresh."),
    ],
)
async def test_a_refresh_token_the_operator_rejects_ends_the_poll_as_identity_lost(
    error: Exception,
) -> None:
    clock = ManualClock()
    schedule = _Schedule(clock, ["refreshed", error])
    result = await _poller(schedule, PollBounds(interval_s=5)).run()
    assert result.outcome is PollOutcome.IDENTITY_LOST
    assert result.last_error == str(error)
    assert len(schedule.calls_at) == 2


@pytest.mark.asyncio
async def test_an_operator_failure_is_retried_on_the_next_attempt() -> None:
    clock = ManualClock()
    failure = OperatorServerError("HTTP 503", status="unknown", http_status=503)
    schedule = _Schedule(clock, [failure, failure, "opted_out"])
    result = await _poller(schedule, PollBounds(interval_s=5)).run()
    assert result.outcome is PollOutcome.OPTED_OUT
    assert len(schedule.calls_at) == 3


@pytest.mark.asyncio
async def test_progress_reports_each_attempt_and_the_next_due_time() -> None:
    clock = ManualClock()
    t0 = clock.now_ms()
    schedule = _Schedule(clock, ["refreshed"])
    seen: list[PollProgress] = []
    bounds = PollBounds(interval_s=10, max_attempts=3, time_limit_s=600)
    await _poller(schedule, bounds, seen).run()
    assert [p.attempt for p in seen if p.next_attempt_ms is not None] == [1, 2]
    assert [p.next_attempt_ms - t0 for p in seen if p.next_attempt_ms] == [10_000, 20_000]
    assert seen[-1].finished
    assert seen[-1].fraction == 1.0
    assert 0.0 < seen[0].fraction < 1.0


@pytest.mark.asyncio
async def test_stop_while_waiting_ends_the_run_without_another_refresh() -> None:
    clock = ManualClock()
    schedule = _Schedule(clock, ["refreshed"])
    poller = OptOutPoller(
        schedule.refresh, clock=clock, bounds=PollBounds(interval_s=60), sleep=asyncio.sleep
    )
    task = asyncio.ensure_future(poller.run())
    for _ in range(5):
        await asyncio.sleep(0)
    poller.stop()
    result = await asyncio.wait_for(task, timeout=5)
    assert result.outcome is PollOutcome.STOPPED
    assert len(schedule.calls_at) == 1


@pytest.mark.asyncio
async def test_cancelling_the_run_from_outside_propagates() -> None:
    clock = ManualClock()
    schedule = _Schedule(clock, ["refreshed"])
    poller = OptOutPoller(
        schedule.refresh, clock=clock, bounds=PollBounds(interval_s=60), sleep=asyncio.sleep
    )
    task = asyncio.ensure_future(poller.run())
    for _ in range(5):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

"""Wait and poll: refresh one identity every N seconds until the operator answers ``optout``.

A real opt-out (the user visits the opt-out portal) takes minutes to reach the refresh
endpoint, so the opt-out lab on a remote environment refreshes on a schedule and shows the
progress. Every run is bounded three ways, so a forgotten poll never hammers an operator:

- ``interval_s``: the pause between the starts of two attempts (at least 5 s);
- ``max_attempts``: how many refreshes at most;
- ``time_limit_s``: no attempt starts later than this after the first one.

The schedule is a pure function of the bounds (:func:`attempt_offsets_ms`); :class:`OptOutPoller`
runs it against any async ``refresh`` callable (``lambda: publisher.refresh(user_id)``), reading
time from an injected :class:`~uid2_desk.protocol.clock.Clock` and waiting with an injected
``sleep``, so tests drive it with a fake clock. No Qt here: the lab's panel only draws
:class:`PollProgress`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import (
    CredentialsError,
    EnvironmentMismatchError,
    InputError,
    OperatorClientError,
    Uid2DeskError,
    UnauthorizedError,
)

MIN_INTERVAL_S = 5.0
MAX_INTERVAL_S = 600.0
MAX_ATTEMPTS = 500
MAX_TIME_LIMIT_S = 4 * 3600.0

#: User states (``UserState`` values) after which another refresh cannot help.
_DEAD_STATES = frozenset({"no_identity", "refresh_expired", "invalid"})
#: Errors that will not go away by trying again in a few seconds: the desk's setup is wrong.
_FATAL_ERRORS: tuple[type[Uid2DeskError], ...] = (
    CredentialsError,
    UnauthorizedError,
    EnvironmentMismatchError,
)
#: Errors that say the identity itself cannot be refreshed any more (no identity held, or the
#: operator rejected the refresh token: expired, invalid).
_IDENTITY_ERRORS: tuple[type[Uid2DeskError], ...] = (InputError, OperatorClientError)


class SnapshotLike(Protocol):
    """What the poller reads from a refresh result (a ``UserSnapshot`` satisfies it)."""

    @property
    def state(self) -> str:
        """The user's state, a ``UserState`` value such as ``opted_out``."""
        ...


@dataclass(frozen=True)
class PollBounds:
    """The three limits of one poll run; construction refuses values outside the safe range.

    Attributes:
        interval_s: seconds between the starts of two refresh attempts.
        max_attempts: the most refreshes the run makes.
        time_limit_s: seconds after the first attempt when the run gives up.
    """

    interval_s: float = 15.0
    max_attempts: int = 60
    time_limit_s: float = 15 * 60.0

    def __post_init__(self) -> None:
        if not MIN_INTERVAL_S <= self.interval_s <= MAX_INTERVAL_S:
            raise InputError(
                f"The poll interval must be between {MIN_INTERVAL_S:g} and "
                f"{MAX_INTERVAL_S:g} seconds (got {self.interval_s:g}); a shorter one only "
                "loads the operator, an opt-out takes minutes to arrive anyway."
            )
        if not 1 <= self.max_attempts <= MAX_ATTEMPTS:
            raise InputError(
                f"The number of attempts must be between 1 and {MAX_ATTEMPTS} "
                f"(got {self.max_attempts})."
            )
        if not 0 <= self.time_limit_s <= MAX_TIME_LIMIT_S:
            raise InputError(
                f"The time limit must be between 0 and {MAX_TIME_LIMIT_S / 3600:g} hours "
                f"(got {self.time_limit_s:g} s)."
            )

    @property
    def interval_ms(self) -> int:
        """The interval in milliseconds."""
        return round(self.interval_s * 1000)

    @property
    def time_limit_ms(self) -> int:
        """The time limit in milliseconds."""
        return round(self.time_limit_s * 1000)

    @property
    def planned_attempts(self) -> int:
        """How many attempts the run makes if nothing stops it early."""
        return len(attempt_offsets_ms(self))


def attempt_offsets_ms(bounds: PollBounds) -> tuple[int, ...]:
    """When each attempt is due, in ms after the first one, ignoring how long attempts take.

    >>> attempt_offsets_ms(PollBounds(interval_s=10, max_attempts=5, time_limit_s=25))
    (0, 10000, 20000)
    """
    by_time = bounds.time_limit_ms // bounds.interval_ms + 1
    count = min(bounds.max_attempts, by_time)
    return tuple(k * bounds.interval_ms for k in range(count))


class PollOutcome(StrEnum):
    """How a poll run ended."""

    OPTED_OUT = "opted_out"
    TIME_LIMIT = "time_limit"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    IDENTITY_LOST = "identity_lost"
    FAILED = "failed"
    STOPPED = "stopped"

    @property
    def sentence(self) -> str:
        """One plain sentence for the lab's progress display."""
        return _SENTENCES[self]


_SENTENCES = {
    PollOutcome.OPTED_OUT: "The operator answered optout: the opt-out reached refresh.",
    PollOutcome.TIME_LIMIT: "Time limit reached before the opt-out arrived; try a longer limit.",
    PollOutcome.ATTEMPTS_EXHAUSTED: "All attempts made and no opt-out yet; try more attempts.",
    PollOutcome.IDENTITY_LOST: (
        "The identity can no longer be refreshed (logged out or refresh token expired); "
        "sign the user in again and restart the poll."
    ),
    PollOutcome.FAILED: "Polling stopped on an error that retrying will not fix.",
    PollOutcome.STOPPED: "Polling stopped.",
}


@dataclass(frozen=True)
class PollProgress:
    """Where a poll run stands; the lab's progress display draws exactly this.

    Attributes:
        attempt: refreshes made so far.
        planned_attempts: refreshes the run makes at most.
        elapsed_ms: clock time since the run started.
        time_limit_ms: the run's time limit.
        next_attempt_ms: clock time the next attempt is due, ``None`` when none is planned.
        last_state: the user state after the latest attempt (a ``UserState`` value).
        last_error: the message of the latest failed attempt, if it failed.
        outcome: how the run ended, ``None`` while it runs.
    """

    attempt: int
    planned_attempts: int
    elapsed_ms: int
    time_limit_ms: int
    next_attempt_ms: int | None
    last_state: str | None = None
    last_error: str | None = None
    outcome: PollOutcome | None = None

    @property
    def finished(self) -> bool:
        """Whether the run is over."""
        return self.outcome is not None

    @property
    def fraction(self) -> float:
        """How far through its bounds the run is, 0.0 to 1.0 (whichever limit is nearer)."""
        if self.outcome is not None:
            return 1.0
        by_attempts = self.attempt / self.planned_attempts if self.planned_attempts else 1.0
        by_time = self.elapsed_ms / self.time_limit_ms if self.time_limit_ms else 1.0
        return max(0.0, min(1.0, max(by_attempts, by_time)))


Sleep = Callable[[float], Awaitable[None]]


class OptOutPoller:
    """Runs one bounded wait-and-poll; :meth:`stop` ends it between attempts.

    A refresh in flight is never cancelled (the identity store must see its answer); the stop
    takes effect as soon as it returns, or at once while waiting.

    Attributes:
        bounds: the limits of this run.
        progress: the latest progress (also given to ``on_progress`` on every change).
    """

    def __init__(
        self,
        refresh: Callable[[], Awaitable[SnapshotLike]],
        *,
        clock: Clock,
        bounds: PollBounds,
        sleep: Sleep = asyncio.sleep,
        on_progress: Callable[[PollProgress], None] | None = None,
    ) -> None:
        self.bounds = bounds
        self._refresh = refresh
        self._clock = clock
        self._sleep = sleep
        self._on_progress = on_progress
        self._stopped = False
        self._waiting: asyncio.Task[None] | None = None
        self.progress = PollProgress(
            attempt=0,
            planned_attempts=bounds.planned_attempts,
            elapsed_ms=0,
            time_limit_ms=bounds.time_limit_ms,
            next_attempt_ms=None,
        )

    def stop(self) -> None:
        """Ask the run to end; it reports :attr:`PollOutcome.STOPPED`."""
        self._stopped = True
        if self._waiting is not None:
            self._waiting.cancel()

    async def run(self) -> PollProgress:
        """Poll until opted out or a bound is reached; return the final progress."""
        start = self._clock.now_ms()
        deadline = start + self.bounds.time_limit_ms
        attempt = 0
        while True:
            if self._stopped:
                return self._finish(start, PollOutcome.STOPPED)
            attempt_start = self._clock.now_ms()
            attempt += 1
            state, error = await self._attempt()
            self._publish(
                replace(
                    self.progress,
                    attempt=attempt,
                    next_attempt_ms=None,
                    elapsed_ms=self._clock.now_ms() - start,
                    last_state=state,
                    last_error=error[0] if error else None,
                )
            )
            outcome = _outcome_after_attempt(state, error)
            if outcome is not None:
                return self._finish(start, outcome)
            # A slow attempt pushes the next one back rather than causing a burst.
            next_due = max(attempt_start + self.bounds.interval_ms, self._clock.now_ms())
            if attempt >= self.bounds.max_attempts:
                return self._finish(start, PollOutcome.ATTEMPTS_EXHAUSTED)
            if next_due > deadline:
                return self._finish(start, PollOutcome.TIME_LIMIT)
            self._publish(replace(self.progress, next_attempt_ms=next_due))
            await self._wait_until(next_due)

    async def _attempt(self) -> tuple[str | None, tuple[str, PollOutcome | None] | None]:
        """One refresh: (state after it, (error message, the run's end it causes) or None)."""
        try:
            snapshot = await self._refresh()
        except _FATAL_ERRORS as exc:
            return None, (str(exc), PollOutcome.FAILED)
        except _IDENTITY_ERRORS as exc:
            return None, (str(exc), PollOutcome.IDENTITY_LOST)
        except Uid2DeskError as exc:  # the operator or the network: try again next time
            return None, (str(exc), None)
        return str(snapshot.state), None

    async def _wait_until(self, due_ms: int) -> None:
        """Sleep until the clock reads ``due_ms`` (or a stop), in one cancellable wait."""
        delay_s = max(0, due_ms - self._clock.now_ms()) / 1000
        self._waiting = asyncio.ensure_future(self._sleep(delay_s))
        try:
            await self._waiting
        except asyncio.CancelledError:
            # Our own stop() cancels the wait; anyone else cancelling the run must see it.
            if not self._stopped:
                raise
        finally:
            self._waiting = None

    def _finish(self, start: int, outcome: PollOutcome) -> PollProgress:
        self._publish(
            replace(
                self.progress,
                elapsed_ms=self._clock.now_ms() - start,
                next_attempt_ms=None,
                outcome=outcome,
            )
        )
        return self.progress

    def _publish(self, progress: PollProgress) -> None:
        self.progress = progress
        if self._on_progress is not None:
            self._on_progress(progress)


def _outcome_after_attempt(
    state: str | None, error: tuple[str, PollOutcome | None] | None
) -> PollOutcome | None:
    """The run's end after one attempt, or ``None`` to keep polling."""
    if error is not None:
        return error[1]
    if state == "opted_out":
        return PollOutcome.OPTED_OUT
    if state in _DEAD_STATES:
        return PollOutcome.IDENTITY_LOST
    return None

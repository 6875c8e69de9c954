"""Wait and poll: refresh one identity every N seconds until the operator answers ``optout``.

A real opt-out (the user visits the opt-out portal) takes minutes to reach the refresh
endpoint, so the opt-out lab on a remote environment refreshes on a schedule and shows the
progress. Every run is bounded three ways, so a forgotten poll never hammers an operator:

- ``interval_s``: the pause between the starts of two attempts (at least 5 s);
- ``max_attempts``: how many refreshes at most;
- ``time_limit_s``: no attempt starts later than this after the first one.

The schedule is a pure function of the bounds
(:func:`~uid2_desk.publisher.refresh.poll_bounds.attempt_offsets_ms`); :class:`OptOutPoller`
runs it against any async ``refresh`` callable (``lambda: publisher.refresh(user_id)``), reading
time from an injected :class:`~uid2_desk.protocol.clock.Clock` and waiting with an injected
``sleep``, so tests drive it with a fake clock. No Qt here: the lab's panel only draws
:class:`~uid2_desk.publisher.refresh.poll_progress.PollProgress`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
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
from uid2_desk.publisher.recorder import automatic
from uid2_desk.publisher.refresh.poll_bounds import PollBounds
from uid2_desk.publisher.refresh.poll_progress import PollOutcome, PollProgress

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
            why = (
                f"Automatic: opt-out polling, attempt {attempt} of at most "
                f"{self.bounds.planned_attempts} (started in the opt-out lab)"
            )
            with automatic(why):
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

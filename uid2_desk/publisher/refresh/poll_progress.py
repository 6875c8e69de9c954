"""Where an opt-out poll run stands, and how it ended: what the opt-out lab draws."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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

"""What playing a step produced: the checks of its expectations, held or not, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from uid2_desk.publisher.scenario.model import Step


class StepStatus(StrEnum):
    """How a step ended."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def symbol(self) -> str:
        """The mark the CLI and the player show: ✓, ✗ or –."""
        return {"passed": "✓", "failed": "✗", "skipped": "–"}[self.value]


@dataclass(frozen=True)
class Check:
    """One expectation compared with what happened.

    Attributes:
        name: the expectation's key (``state``, ``http``...).
        expected: what the scenario wanted, as text.
        actual: what happened, as text.
    """

    name: str
    expected: str
    actual: str

    @property
    def held(self) -> bool:
        """Whether the expectation held."""
        return self.expected == self.actual

    @property
    def reason(self) -> str:
        """A sentence saying what differed (empty when it held)."""
        if self.held:
            return ""
        return f"expected {self.name} {self.expected}, got {self.actual}"


@dataclass(frozen=True)
class StepResult:
    """The result of playing one step.

    Attributes:
        index: the step's position, from 0.
        step: the step played.
        status: passed, failed or skipped.
        outcome: what happened, in a few words (``success, HTTP 200 → established``).
        checks: every expectation checked.
        reason: why it failed or was skipped; ``None`` when it passed.
        entries: the journal entries (sequence numbers) the step produced.
        error: the user-facing message of the operation's error, if it raised one.
    """

    index: int
    step: Step
    status: StepStatus
    outcome: str
    checks: tuple[Check, ...] = ()
    reason: str | None = None
    entries: tuple[int, ...] = ()
    error: str | None = None

    @property
    def held(self) -> bool:
        """True unless an expectation failed (a skipped step did not fail)."""
        return self.status is not StepStatus.FAILED

    def line(self) -> str:
        """One line for a terminal: mark, step id, caption, outcome (and the reason)."""
        text = f"{self.status.symbol} {self.step.id}: {self.step.caption.title} — {self.outcome}"
        if self.reason:
            text += f" ({self.reason})"
        return text

"""What one scenario step produced while it ran, what was observed, and its verdict (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from uid2_desk.journal import EntryKind, JournalEntry
from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.publisher.bid import BidResult
from uid2_desk.publisher.model import UserSnapshot
from uid2_desk.publisher.scenario.checks import Observation, check_expectations
from uid2_desk.publisher.scenario.model import Step
from uid2_desk.publisher.scenario.results import StepResult, StepStatus


@dataclass
class StepRun:
    """What one step produced while it ran."""

    entries: list[JournalEntry] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    error: Uid2DeskError | None = None
    valid: bool | None = None
    bid: BidResult | None = None


def observe(run: StepRun, snap: UserSnapshot | None) -> Observation:
    """What the step's expectations are checked against: ``run`` and the user's snapshot."""
    exchanges = [e for e in run.entries if e.kind is EntryKind.EXCHANGE]
    last = exchanges[-1] if exchanges else None
    messages = [*run.notices, *([str(run.error)] if run.error else [])]
    return Observation(
        state=None if snap is None else snap.state.value,
        identity=None if snap is None else snap.identity is not None,
        attempts=None if snap is None else snap.attempts,
        exchanges=len(exchanges),
        http=None if last is None else last.http_status,
        status=None if last is None or last.exchange is None else last.exchange.operator_status,
        error=run.error is not None,
        valid=run.valid,
        decrypt=None if run.bid is None else run.bid.status,
        messages=tuple(messages),
    )


def step_result(index: int, step: Step, run: StepRun, observed: Observation) -> StepResult:
    """Check ``step``'s expectations against ``observed``: passed, or failed with the reasons."""
    checks = check_expectations(step.expect, observed)
    failed = [c for c in checks if not c.held]
    if run.error is not None and step.expect.error is None:
        # An error nobody expected fails the step even when no other check mentions it.
        failed_reason = f"unexpected error: {run.error}"
    elif failed:
        failed_reason = "; ".join(c.reason for c in failed)
    else:
        failed_reason = None
    return StepResult(
        index=index,
        step=step,
        status=StepStatus.FAILED if failed_reason else StepStatus.PASSED,
        outcome=observed.describe(),
        checks=checks,
        reason=failed_reason,
        entries=tuple(e.seq for e in run.entries),
        error=None if run.error is None else str(run.error),
    )

"""A countdown read at one instant: the share elapsed, the words, the colour band (pure).

The countdown widgets (:mod:`uid2_desk.ui.identity.countdown`) import this on their first tick: at
the window's first paint nothing is counted down yet, and a frozen dataclass costs a
millisecond and a half to create.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from uid2_desk.ui.common.timefmt import format_local_time, format_remaining


class Urgency(StrEnum):
    """How close the target is; the bar's and the time's colours follow it."""

    IDLE = "idle"
    CALM = "calm"
    NEAR = "near"
    PASSED = "passed"


@dataclass(frozen=True)
class CountdownReading:
    """A countdown evaluated at one instant (pure; the widget only displays it).

    Attributes:
        fraction: elapsed share of the interval, 0.0 to 1.0.
        remaining: ``in 4:59`` or ``0:12 ago``.
        at: the target as local wall-clock time.
        urgency: the colour band.
    """

    fraction: float
    remaining: str
    at: str
    urgency: Urgency


def read_countdown(start_ms: int, target_ms: int, now_ms: int) -> CountdownReading:
    """Evaluate the interval ``start_ms``..``target_ms`` at ``now_ms``."""
    span = max(target_ms - start_ms, 1)
    fraction = min(max((now_ms - start_ms) / span, 0.0), 1.0)
    left = target_ms - now_ms
    if left <= 0:
        urgency = Urgency.PASSED
    elif left <= span * 0.2:
        urgency = Urgency.NEAR
    else:
        urgency = Urgency.CALM
    return CountdownReading(
        fraction=fraction,
        remaining=format_remaining(target_ms, now_ms),
        at=format_local_time(target_ms, now_ms),
        urgency=urgency,
    )

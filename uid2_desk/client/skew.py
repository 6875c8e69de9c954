"""How far apart the desk's and the operator's clocks are, and when to say so.

Every encrypted reply carries the operator's clock (uid2-protocol.md §2.4), so each exchange
measures the skew for free. The operator rejects requests whose timestamp is about two
minutes off (the code accepts −119 s…+119.999 s, §2.3), while the docs promise only 60 s:
the desk warns beyond 45 s and reports an error-level problem beyond 60 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

#: Skew beyond this (either direction) earns a warning.
WARN_SKEW_MS = 45_000
#: Skew beyond the documented window: the next request may be refused.
ERROR_SKEW_MS = 60_000


class SkewLevel(IntEnum):
    """Severity of a clock skew, ordered."""

    OK = 0
    WARNING = 1
    ERROR = 2


@dataclass(frozen=True)
class SkewAssessment:
    """A skew measurement with its severity and a message for a person (``None`` when OK)."""

    skew_ms: int
    level: SkewLevel
    message: str | None


def assess_skew(skew_ms: int) -> SkewAssessment:
    """Classify ``skew_ms`` (operator clock minus desk clock)."""
    size = abs(skew_ms)
    if size <= WARN_SKEW_MS:
        return SkewAssessment(skew_ms, SkewLevel.OK, None)
    side = "ahead of" if skew_ms > 0 else "behind"
    amount = f"{size / 1000:.1f} s"
    if size <= ERROR_SKEW_MS:
        message = (
            f"The operator's clock is {amount} {side} the desk's. The UID2 docs allow 60 s and "
            "the operator refuses requests about 2 minutes off; sync this machine's clock (NTP) "
            "before it gets worse."
        )
        return SkewAssessment(skew_ms, SkewLevel.WARNING, message)
    message = (
        f"The operator's clock is {amount} {side} the desk's: beyond the 60 s the UID2 docs "
        "allow, so requests may be refused with 'Invalid timestamp'. Sync this machine's "
        "clock (NTP), or check the time-warp setting."
    )
    return SkewAssessment(skew_ms, SkewLevel.ERROR, message)


def skew_warning(skew_ms: int | None) -> str | None:
    """Return a warning for a noticeable skew, or ``None`` when the clocks agree well enough."""
    if skew_ms is None:
        return None
    return assess_skew(skew_ms).message

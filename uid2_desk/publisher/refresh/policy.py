"""Refresh policies: when a publisher server refreshes a user's identity on its own.

Pure timing rules, no I/O. The :class:`~uid2_desk.publisher.publisher.Publisher` asks
:func:`due_at` for each user on every ``tick()`` and refreshes the ones that are due.

- ``MANUAL``: never on its own; the person clicks "Refresh".
- ``AUTOMATIC``: like the Android SDK (uid2-protocol.md §7.3): refresh at ``refresh_from``; after
  a failure wait 5 s, five times, then 60 s between attempts, as long as the refresh token lives.
- ``ON_RETURN``: only when the user comes back to the site after ``refresh_from`` (the moment
  the UID2 publisher guides name); never from the clock.
- ``INTERVAL``: every N minutes (5 by default, as an early publisher guide recommended) after
  the last attempt, whatever ``refresh_from`` says, until the refresh token expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

#: Android SDK ``REFRESH_TOKEN_FAILURE_RETRY_SHORT_MS``.
SHORT_RETRY_MS = 5_000
#: Android SDK ``REFRESH_TOKEN_FAILURE_RETRY_LONG_MS``.
LONG_RETRY_MS = 60_000
#: Android SDK ``REFRESH_TOKEN_FAILURE_RETRY_THRESHOLD``: this many short retries, then long.
SHORT_RETRIES = 5
#: The interval policy's default period.
DEFAULT_INTERVAL_MS = 5 * 60_000


class PolicyKind(StrEnum):
    """Which refresh policy a test user follows."""

    MANUAL = "manual"
    AUTOMATIC = "automatic"
    ON_RETURN = "on_return"
    INTERVAL = "interval"

    @property
    def label(self) -> str:
        """A short human name for menus and reports."""
        return _LABELS[self]


_LABELS = {
    PolicyKind.MANUAL: "Manual",
    PolicyKind.AUTOMATIC: "Automatic (SDK-like, with backoff)",
    PolicyKind.ON_RETURN: "When the user returns",
    PolicyKind.INTERVAL: "Fixed interval",
}


@dataclass(frozen=True)
class RefreshTiming:
    """What the policy needs to know about one identity, all in epoch milliseconds.

    Attributes:
        refresh_from: from when the operator suggests refreshing.
        refresh_expires: after this the refresh token is dead; no policy tries any more.
        identity_set_ms: desk time when the current identity was stored.
        attempts: consecutive failed refresh attempts since the identity was stored.
        last_attempt_ms: desk time of the latest failed attempt (``None`` when none failed).
    """

    refresh_from: int
    refresh_expires: int
    identity_set_ms: int
    attempts: int = 0
    last_attempt_ms: int | None = None


def retry_delay_ms(attempts: int) -> int:
    """Delay before the next automatic attempt after ``attempts`` consecutive failures.

    >>> [retry_delay_ms(n) // 1000 for n in range(1, 8)]
    [5, 5, 5, 5, 5, 60, 60]
    """
    if attempts < 1:
        raise ValueError("retry_delay_ms is for a failed attempt (attempts >= 1)")
    return SHORT_RETRY_MS if attempts <= SHORT_RETRIES else LONG_RETRY_MS


def due_at(
    policy: PolicyKind, timing: RefreshTiming, interval_ms: int = DEFAULT_INTERVAL_MS
) -> int | None:
    """Return when ``policy`` next refreshes on its own, or ``None`` if it never will.

    A time at or after ``refresh_expires`` is never returned: a dead refresh token is not
    worth sending (the operator would answer ``expired_token``).
    """
    if policy in (PolicyKind.MANUAL, PolicyKind.ON_RETURN):
        return None
    if policy is PolicyKind.AUTOMATIC:
        if timing.attempts == 0 or timing.last_attempt_ms is None:
            due = timing.refresh_from
        else:
            # A manual failure before refresh_from must not make the SDK-like policy early.
            due = max(timing.refresh_from, timing.last_attempt_ms + retry_delay_ms(timing.attempts))
    else:
        if interval_ms <= 0:
            raise ValueError("a refresh interval must be positive")
        since = timing.last_attempt_ms if timing.attempts else timing.identity_set_ms
        due = (since if since is not None else timing.identity_set_ms) + interval_ms
    return due if due < timing.refresh_expires else None


def returning_user_refreshes(timing: RefreshTiming, now_ms: int) -> bool:
    """Whether a returning user's identity should be refreshed now (on-return policy)."""
    return timing.refresh_from <= now_ms < timing.refresh_expires

"""What a failed refresh means for the user's state (pure).

The operator's refresh answers split in two: answers about the token itself end the
identity's life, while everything else is the operator's, a proxy's or the desk's problem and
the identity is kept, to be retried by the policy (as the Android SDK retries any non-200).

Only a reply that carries a UID2 status (``expired_token``, ``invalid_token``,
``client_error``, ``error``, uid2-protocol.md §3.2) speaks about the token. A 4xx without one
(a 429 from a rate limiter, a 408, a proxy's 404) says nothing about it, so it must not end the
identity: the desk keeps it, counts the attempt and retries.
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.protocol.errors import OperatorClientError, OperatorError, Uid2DeskError
from uid2_desk.publisher.model import UserState

#: The statuses a refresh reply's JSON carries about the token itself (uid2-protocol.md §3.2).
TOKEN_STATUSES = frozenset({"expired_token", "invalid_token", "client_error", "error"})
#: HTTP 429 Too Many Requests: the docs' rate limiting (no JSON body).
RATE_LIMITED = 429


@dataclass(frozen=True)
class RefreshFailure:
    """How a failed refresh moves the user.

    Attributes:
        state: the new state, or ``None`` to stay where they are.
        cause: the cause written into the journal when the state changes.
    """

    state: UserState | None
    cause: str


def refresh_failure(
    error: Uid2DeskError, *, now_ms: int, refresh_expires_ms: int
) -> RefreshFailure:
    """Classify a refresh error (uid2-protocol.md §3.2)."""
    status = error.status if isinstance(error, OperatorClientError) else None
    if status == "expired_token":
        return RefreshFailure(UserState.REFRESH_EXPIRED, "refresh answered expired_token")
    if status in ("invalid_token", "client_error"):
        return RefreshFailure(UserState.INVALID, f"refresh answered {status}")
    if status == "error":
        # The operator's answer to an unauthenticated caller: expired or invalid, unsaid.
        if now_ms >= refresh_expires_ms:
            return RefreshFailure(UserState.REFRESH_EXPIRED, "refresh answered error (expired)")
        return RefreshFailure(UserState.INVALID, "refresh answered error")
    if isinstance(error, OperatorError):
        said = f" {error.status}" if error.status else " without a UID2 status"
        return RefreshFailure(None, f"refresh failed: HTTP {error.http_status}{said}")
    return RefreshFailure(None, f"refresh failed: {type(error).__name__}")


def is_rate_limited(error: Uid2DeskError) -> bool:
    """Whether the operator (or something in front of it) answered 429 Too Many Requests."""
    return isinstance(error, OperatorError) and error.http_status == RATE_LIMITED


def rate_limited(error: OperatorError, *, retry_in_ms: int | None) -> OperatorError:
    """The 429 error again, its message saying what it means and what happens next.

    The client already says what a 429 means; only the publisher knows what happens next,
    so this message adds when the user's policy tries again (``retry_in_ms``; ``None``: it
    will not).
    """
    said = f": “{error.operator_message}”" if error.operator_message else ""
    if retry_in_ms is None:
        message = (
            f"The operator is rate-limiting (HTTP 429 Too Many Requests{said}). The identity "
            "is kept; refresh again in a moment."
        )
    else:
        message = (
            f"The operator is rate-limiting: the desk will retry in {max(retry_in_ms, 0) // 1000}"
            f" s (HTTP 429 Too Many Requests{said}). The identity is kept."
        )
    return type(error)(
        message,
        status=error.status,
        http_status=error.http_status,
        operator_message=error.operator_message,
    )

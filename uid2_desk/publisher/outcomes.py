"""What a failed refresh means for the user's state (pure).

The operator's refresh answers split in two: answers about the token itself (it expired, it
is not a token of ours) end the identity's life, while everything else (a 500, a timeout, a
401 for a wrong API key, an unreadable reply) is the operator's or the desk's problem and the
identity is kept, to be retried.
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.protocol.errors import OperatorClientError, Uid2DeskError
from uid2_desk.publisher.model import UserState


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
    if isinstance(error, OperatorClientError):
        status = error.status or "client_error"
        if status == "expired_token":
            return RefreshFailure(UserState.REFRESH_EXPIRED, "refresh answered expired_token")
        if status in ("invalid_token", "client_error"):
            return RefreshFailure(UserState.INVALID, f"refresh answered {status}")
        if status == "error":
            # The operator's answer to an unauthenticated caller: expired or invalid, unsaid.
            if now_ms >= refresh_expires_ms:
                return RefreshFailure(UserState.REFRESH_EXPIRED, "refresh answered error (expired)")
            return RefreshFailure(UserState.INVALID, "refresh answered error")
    return RefreshFailure(None, f"refresh failed: {type(error).__name__}")

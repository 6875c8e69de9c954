"""How time moves a stored identity between states (pure; the publisher journals the moves).

An identity stored after a generate is ESTABLISHED, after a refresh REFRESHED. From then on
only the clock moves it: at ``refresh_from`` it becomes REFRESH_DUE, at ``identity_expires``
EXPIRED (the advertising token is unusable, the refresh token still works), and at
``refresh_expires`` REFRESH_EXPIRED (login required). Each boundary is inclusive, as in the
SDKs ("expired means expiry <= now", uid2-protocol.md §7.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from uid2_desk.protocol.identity import Identity, IdentityPhase, phase_at
from uid2_desk.publisher.model import UserState

#: States that time can move on (the identity is alive and the user has not left).
TIME_DRIVEN = frozenset(
    {UserState.ESTABLISHED, UserState.REFRESHED, UserState.REFRESH_DUE, UserState.EXPIRED}
)


@dataclass(frozen=True)
class Moved:
    """A state change caused by the clock.

    Attributes:
        state: the new state.
        cause: why, in words, naming the boundary that was crossed.
    """

    state: UserState
    cause: str


def state_at(current: UserState, identity: Identity | None, now_ms: int) -> Moved | None:
    """Return where the clock has moved ``current`` by ``now_ms``, or ``None`` if nowhere.

    Only :data:`TIME_DRIVEN` states move; the others (no identity, opted out, invalid,
    refresh expired) wait for an operation. A jump across several boundaries lands on the
    last one, and the cause names that boundary.
    """
    if current not in TIME_DRIVEN or identity is None:
        return None
    moved = _BY_PHASE.get(phase_at(identity, now_ms))
    if moved is None:
        return None
    target, cause = moved
    return None if target is current else Moved(target, cause)


_BY_PHASE = {
    IdentityPhase.REFRESH_DUE: (UserState.REFRESH_DUE, "refresh_from reached"),
    IdentityPhase.EXPIRED: (
        UserState.EXPIRED,
        "identity_expires passed: the token is unusable until refreshed",
    ),
    IdentityPhase.REFRESH_EXPIRED: (
        UserState.REFRESH_EXPIRED,
        "refresh_expires passed: login required",
    ),
}

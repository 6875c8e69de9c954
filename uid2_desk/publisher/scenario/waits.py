"""Where a scenario's ``wait`` step leaves the clock: the identity's own moments (pure).

A wait ``until = "refresh_due"`` (or ``identity_expires``, ``refresh_expires``) is written
relative to the identity, so a scenario holds under every lifetimes profile (demo's 30 s,
local's 15 min, prod's hour). :func:`deadline_ms` is the moment itself, for countdowns and
"waiting for…" lines; :func:`landing_ms` is where a wait must put the clock so that the
moment has really passed, on the publisher's side *and* the operator's:

- ``refresh_from`` is due at the moment itself (``refresh_from <= now``, as in the SDKs);
- an expiry is different on the two sides: the publisher (like the SDKs) calls a token expired
  at ``expires <= now``, while the operator refuses it only once ``expires < now``. A clock left
  exactly on ``refresh_expires`` shows "refresh expired" on the desk while the operator still
  refreshes the token, so expiry waits land 1 ms after the moment, where both sides agree.

Every path that jumps the clock for a wait step (the headless player, the in-window paced
player, the kiosk) must land on :func:`landing_ms`.
"""

from __future__ import annotations

from uid2_desk.protocol.identity import Identity
from uid2_desk.publisher.scenario.model import WaitUntil

#: How far past an expiry a wait lands (the operator's test is ``expires < now``, in ms).
PAST_EXPIRY_MS = 1


def deadline_ms(identity: Identity, until: WaitUntil) -> int:
    """The identity's moment ``until`` names, epoch ms (for display and real-time waiting)."""
    return {
        WaitUntil.REFRESH_DUE: identity.refresh_from_ms,
        WaitUntil.IDENTITY_EXPIRES: identity.identity_expires_ms,
        WaitUntil.REFRESH_EXPIRES: identity.refresh_expires_ms,
    }[until]


def landing_ms(identity: Identity, until: WaitUntil) -> int:
    """Where a wait for ``until`` leaves the clock: the moment, or just past an expiry."""
    moment = deadline_ms(identity, until)
    return moment if until is WaitUntil.REFRESH_DUE else moment + PAST_EXPIRY_MS

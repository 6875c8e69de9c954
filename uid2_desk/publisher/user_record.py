"""One user of the publisher's store as a value, and its conversion to and from a table row.

:func:`record_row` gives the ``users`` columns in :data:`COLUMNS` order; :func:`record_from_row`
reads them back. No secret is in a row: only what the operator handed to the publisher.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from uid2_desk.protocol.errors import PayloadError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.model import ChainLink, SignInMode, TestUser, UserState
from uid2_desk.publisher.refresh.policy import DEFAULT_INTERVAL_MS, PolicyKind

#: The ``users`` columns a record fills, in the order of :func:`record_row`.
COLUMNS = (
    "id, kind, entered, normalized, hash_b64, environment, label, send_raw, policy,"
    " interval_ms, state, identity_json, identity_set_ms, attempts, last_attempt_ms, last_error,"
    " mode, device, browser_held"
)


@dataclass(frozen=True)
class UserRecord:
    """One row of the store: a user, their identity and their refresh bookkeeping.

    Attributes:
        user: who.
        state: the state last recorded (time may have moved it on since; the publisher
            re-derives and journals the difference on its next tick).
        identity: the current identity, if any.
        identity_set_ms: desk time when it was stored.
        policy: the refresh policy.
        interval_ms: the interval policy's period.
        attempts: consecutive failed refresh attempts.
        last_attempt_ms: desk time of the latest failed attempt.
        last_error: the latest user-facing error.
        chain: generates and refreshes, oldest first.
        browser_held: the identity was handed to a web page whose UID2 client refreshes it;
            the desk follows it and never refreshes it itself.
    """

    user: TestUser
    state: UserState
    identity: Identity | None = None
    identity_set_ms: int | None = None
    policy: PolicyKind = PolicyKind.MANUAL
    interval_ms: int = DEFAULT_INTERVAL_MS
    attempts: int = 0
    last_attempt_ms: int | None = None
    last_error: str | None = None
    chain: tuple[ChainLink, ...] = ()
    browser_held: bool = False


def record_row(r: UserRecord) -> tuple[object, ...]:
    """The ``users`` row of ``r``, in :data:`COLUMNS` order."""
    u = r.user
    identity_json = json.dumps(r.identity.to_body()) if r.identity is not None else None
    return (
        u.id,
        u.kind.value,
        u.entered,
        u.normalized,
        u.hash_b64,
        u.environment,
        u.label,
        int(u.send_raw),
        r.policy.value,
        r.interval_ms,
        r.state.value,
        identity_json,
        r.identity_set_ms,
        r.attempts,
        r.last_attempt_ms,
        r.last_error,
        u.mode.value,
        u.device,
        int(r.browser_held),
    )


def record_from_row(row: tuple[object, ...], chain: tuple[ChainLink, ...]) -> UserRecord:
    """A ``users`` row (in :data:`COLUMNS` order) and its chain as a record.

    A damaged identity does not stop the desk from opening: the user shows as invalid.
    """
    (
        uid,
        kind,
        entered,
        normalized,
        hash_b64,
        env,
        label,
        send_raw,
        policy,
        interval_ms,
        state,
        identity_json,
        identity_set_ms,
        attempts,
        last_attempt_ms,
        last_error,
        mode,
        device,
        browser_held,
    ) = row
    user = TestUser(
        id=str(uid),
        kind=DiiKind(str(kind)),
        entered=str(entered),
        normalized=None if normalized is None else str(normalized),
        hash_b64=str(hash_b64),
        environment=str(env),
        label=str(label),
        send_raw=bool(send_raw),
        mode=SignInMode(str(mode)),
        device=str(device),
    )
    identity: Identity | None = None
    record_state = UserState(str(state))
    if identity_json is not None:
        try:
            identity = Identity.from_body(json.loads(str(identity_json)))
        except (PayloadError, ValueError):
            # A damaged row must not stop the desk from opening; the user shows as invalid.
            record_state = UserState.INVALID
    return UserRecord(
        user=user,
        state=record_state,
        identity=identity,
        identity_set_ms=_opt_int(identity_set_ms),
        policy=PolicyKind(str(policy)),
        interval_ms=int(str(interval_ms)),
        attempts=int(str(attempts)),
        last_attempt_ms=_opt_int(last_attempt_ms),
        last_error=None if last_error is None else str(last_error),
        chain=chain,
        browser_held=bool(browser_held),
    )


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))

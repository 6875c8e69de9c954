"""Changing a user's refresh policy: the new record, and the event that says so."""

from __future__ import annotations

from dataclasses import replace

from uid2_desk.protocol.errors import InputError
from uid2_desk.publisher.recorder import Event, JournalRecorder
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.publisher.user_record import UserRecord


async def change_policy(
    rec: JournalRecorder, record: UserRecord, policy: PolicyKind, interval_ms: int | None
) -> UserRecord:
    """``record`` with ``policy`` (and ``interval_ms``), the change journaled.

    Refused while a web page's client holds the identity: the desk refreshes none of it.
    """
    if record.browser_held and policy is not record.policy:
        raise InputError(
            "Refresh policy not changed: the browser holds this identity. "
            "User ▸ Take back from the browser returns it to the desk."
        )
    new = replace(record, policy=policy, interval_ms=interval_ms or record.interval_ms)
    await rec.event(
        Event.POLICY,
        record.user,
        summary=f"{record.user.label}: refresh policy {record.policy.label} → {policy.label}",
        detail={
            "from": record.policy.value,
            "to": policy.value,
            "interval_ms": str(new.interval_ms),
        },
    )
    return new

"""Who signs in: a new test user, or an existing one with what was entered this time."""

from __future__ import annotations

import secrets
from dataclasses import replace

from uid2_desk.protocol.normalize import Dii
from uid2_desk.publisher.model import SignInMode, TestUser


def signing_in(
    existing: TestUser | None,
    dii: Dii,
    *,
    environment: str,
    send_raw: bool,
    label: str | None,
    mode: SignInMode,
    device: str,
) -> TestUser:
    """The user signing in with ``dii``: ``existing`` updated, or a new user on ``environment``.

    The mode and device are this sign-in's: a user signed in server-side yesterday and
    client-side today is a client-side user now (the badge says which made the identity).
    """
    if existing is None:
        return TestUser(
            id=secrets.token_hex(6),
            kind=dii.kind,
            entered=dii.entered,
            normalized=dii.normalized,
            hash_b64=dii.hash_b64,
            environment=environment,
            label=label or dii.normalized or dii.entered,
            send_raw=send_raw,
            mode=mode,
            device=device,
        )
    return replace(
        existing,
        kind=dii.kind,
        entered=dii.entered,
        normalized=dii.normalized,
        send_raw=send_raw,
        label=label or existing.label,
        mode=mode,
        device=device,
    )

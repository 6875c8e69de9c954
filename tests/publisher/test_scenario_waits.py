"""A wait step's target: the identity's own moment, and just past it for an expiry."""

from __future__ import annotations

import pytest

from uid2_desk.protocol.identity import Identity
from uid2_desk.publisher.scenario import deadline_ms, landing_ms
from uid2_desk.publisher.scenario.model import WaitUntil

IDENTITY = Identity(
    advertising_token="A4AAAA",
    refresh_token="AAAA",
    identity_expires_ms=2_000_120_000,
    refresh_expires_ms=2_000_300_000,
    refresh_from_ms=2_000_030_000,
)


@pytest.mark.parametrize(
    ("until", "moment"),
    [
        (WaitUntil.REFRESH_DUE, 2_000_030_000),
        (WaitUntil.IDENTITY_EXPIRES, 2_000_120_000),
        (WaitUntil.REFRESH_EXPIRES, 2_000_300_000),
    ],
)
def test_the_deadline_is_the_identitys_own_moment(until: WaitUntil, moment: int) -> None:
    assert deadline_ms(IDENTITY, until) == moment


def test_a_wait_for_refresh_due_lands_on_refresh_from_itself() -> None:
    assert landing_ms(IDENTITY, WaitUntil.REFRESH_DUE) == IDENTITY.refresh_from_ms


@pytest.mark.parametrize("until", [WaitUntil.IDENTITY_EXPIRES, WaitUntil.REFRESH_EXPIRES])
def test_a_wait_for_an_expiry_lands_strictly_after_it_where_the_operator_agrees(
    until: WaitUntil,
) -> None:
    # The operator refuses a token only once expires < now: landing on the moment itself
    # would let a "too late" refresh succeed.
    assert landing_ms(IDENTITY, until) == deadline_ms(IDENTITY, until) + 1

"""How the clock moves a stored identity between states."""

from __future__ import annotations

import pytest

from uid2_desk.protocol.identity import Identity
from uid2_desk.publisher.lifecycle import state_at
from uid2_desk.publisher.model import UserState

IDENTITY = Identity(
    advertising_token="A4AAAA",
    refresh_token="AAAAA",
    identity_expires_ms=2_000,
    refresh_expires_ms=3_000,
    refresh_from_ms=1_000,
)


@pytest.mark.parametrize(
    ("now", "state", "cause"),
    [
        (1_000, UserState.REFRESH_DUE, "refresh_from reached"),
        (2_000, UserState.EXPIRED, "identity_expires passed"),
        (3_000, UserState.REFRESH_EXPIRED, "refresh_expires passed"),
    ],
)
def test_each_boundary_is_inclusive_and_named_in_the_cause(
    now: int, state: UserState, cause: str
) -> None:
    moved = state_at(UserState.ESTABLISHED, IDENTITY, now)
    assert moved is not None
    assert moved.state is state
    assert cause in moved.cause


def test_before_refresh_from_an_established_identity_stays_established() -> None:
    assert state_at(UserState.ESTABLISHED, IDENTITY, 999) is None
    assert state_at(UserState.REFRESHED, IDENTITY, 999) is None


def test_a_jump_over_several_boundaries_lands_on_the_last() -> None:
    moved = state_at(UserState.REFRESHED, IDENTITY, 10_000)
    assert moved is not None
    assert moved.state is UserState.REFRESH_EXPIRED


def test_no_move_when_already_in_the_state_time_gives() -> None:
    assert state_at(UserState.REFRESH_DUE, IDENTITY, 1_500) is None
    assert state_at(UserState.EXPIRED, IDENTITY, 2_500) is None


@pytest.mark.parametrize(
    "state",
    [UserState.NO_IDENTITY, UserState.OPTED_OUT, UserState.INVALID, UserState.REFRESH_EXPIRED],
)
def test_states_at_rest_are_not_moved_by_the_clock(state: UserState) -> None:
    assert state_at(state, IDENTITY, 10_000) is None


def test_without_an_identity_nothing_moves() -> None:
    assert state_at(UserState.ESTABLISHED, None, 10_000) is None

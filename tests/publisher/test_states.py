"""Every state a user can be in, and every transition, journaled with its cause."""

from __future__ import annotations

import pytest

from tests.publisher.conftest import START_MS, Desk
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import UserState


@pytest.mark.asyncio
async def test_a_lifetime_walks_through_every_state_and_journals_each_cause(
    short_desk: Desk,
) -> None:
    pub = short_desk.publisher
    uid = (await pub.sign_in(DiiKind.EMAIL, "jane@example.com")).user.id

    short_desk.set_time(START_MS + 60_000)  # refresh_from
    await pub.tick()
    await pub.refresh(uid)  # a new identity: refresh_from 120 s, expires 180 s, dies 360 s
    short_desk.set_time(START_MS + 180_000)
    await pub.tick()
    assert pub.snapshot(uid).identity is not None
    await pub.refresh(uid)  # an expired identity is still refreshable
    short_desk.set_time(START_MS + 480_000)
    await pub.tick()
    await pub.sign_in(DiiKind.EMAIL, "jane@example.com")  # login required: sign in again
    short_desk.advance(1_000)
    short_desk.operator.admin.opt_out("email", "jane@example.com")
    await pub.refresh(uid)
    await pub.sign_in(DiiKind.EMAIL, "john@example.com")
    john = next(u.user.id for u in pub.users() if u.user.label == "john@example.com")
    await pub.log_out(john)
    await pub.log_out(uid)  # opted out stays opted out: logout leaves no transition

    assert short_desk.transitions() == [
        ("no_identity", "established", "generate answered success"),
        ("established", "refresh_due", "refresh_from reached"),
        ("refresh_due", "refreshed", "refresh answered success"),
        ("refreshed", "expired", "identity_expires passed: the token is unusable until refreshed"),
        ("expired", "refreshed", "refresh answered success"),
        ("refreshed", "refresh_expired", "refresh_expires passed: login required"),
        ("refresh_expired", "established", "generate answered success"),
        ("established", "opted_out", "refresh answered optout"),
        ("no_identity", "established", "generate answered success"),
        ("established", "no_identity", "user logged out"),
    ]


@pytest.mark.asyncio
async def test_ticks_between_boundaries_journal_nothing(short_desk: Desk) -> None:
    await short_desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    for _ in range(5):
        short_desk.advance(10_000)
        await short_desk.publisher.tick()
    assert len(short_desk.transitions()) == 1


@pytest.mark.asyncio
async def test_state_changes_carry_from_to_and_cause_details(short_desk: Desk) -> None:
    snap = await short_desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    short_desk.advance(125_000)
    await short_desk.publisher.tick()

    entry = short_desk.events_named("state_changed")[-1]
    assert entry.detail == (
        ("from", "established"),
        ("to", "expired"),
        ("cause", "identity_expires passed: the token is unusable until refreshed"),
        # The tick moved it, not a person: the entry says so.
        ("why", "Automatic: the desk's clock passed one of the identity's times"),
    )
    assert entry.outcome == "expired"
    assert entry.user == "jane@example.com"
    assert short_desk.publisher.snapshot(snap.user.id).state is UserState.EXPIRED


def test_states_name_the_sdk_statuses() -> None:
    assert [s.value for s in UserState] == [
        "no_identity",
        "established",
        "refreshed",
        "refresh_due",
        "expired",
        "refresh_expired",
        "opted_out",
        "invalid",
    ]
    assert UserState.REFRESH_EXPIRED.label == "Refresh expired (login required)"
    usable = {s for s in UserState if s.has_usable_token}
    assert usable == {UserState.ESTABLISHED, UserState.REFRESHED, UserState.REFRESH_DUE}

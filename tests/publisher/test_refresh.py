"""Refreshing: new tokens, opt-out on refresh, refusals that end the identity's life."""

from __future__ import annotations

import dataclasses

import pytest

from tests.publisher.conftest import Desk
from uid2_desk.protocol.errors import InputError, OperatorClientError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import UserState
from uid2_desk.publisher.user_record import UserRecord


@pytest.mark.asyncio
async def test_refresh_replaces_the_identity_and_journals_3b_and_3d(desk: Desk) -> None:
    first = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    desk.advance(60_000)
    second = await desk.publisher.refresh(first.user.id)
    third = await desk.publisher.refresh(first.user.id)

    assert second.state is UserState.REFRESHED
    assert first.identity is not None
    assert second.identity is not None
    assert third.identity is not None
    # Each refresh hands out a new refresh token and response key; the next one must use it.
    assert len({i.refresh_token for i in (first.identity, second.identity, third.identity)}) == 3
    assert second.identity.refresh_response_key != first.identity.refresh_response_key
    assert second.identity.refresh_from_ms == first.identity.refresh_from_ms + 60_000
    assert [link.action for link in third.chain] == ["generate", "refresh", "refresh"]
    refreshes = desk.exchanges("/v2/token/refresh")
    assert [e.step for e in refreshes] == ["3-b", "3-b"]
    assert [e.step for e in desk.events_named("identity_set")] == ["1-f", "3-d", "3-d"]


@pytest.mark.asyncio
async def test_optout_on_refresh_clears_the_identity(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "refresh-optout@example.com")
    assert snap.state is UserState.ESTABLISHED

    after = await desk.publisher.refresh(snap.user.id)

    assert after.state is UserState.OPTED_OUT
    assert after.identity is None
    assert after.chain[-1].outcome == "optout"
    assert desk.exchanges("/v2/token/refresh")[-1].outcome == "optout"
    assert desk.transitions()[-1] == ("established", "opted_out", "refresh answered optout")


@pytest.mark.asyncio
async def test_the_refresh_optout_test_phone_opts_out_on_refresh(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.PHONE, "+00000000002")
    assert (await desk.publisher.refresh(snap.user.id)).state is UserState.OPTED_OUT


@pytest.mark.asyncio
async def test_a_user_who_opts_out_later_is_opted_out_at_the_next_refresh(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    desk.advance(1_000)
    desk.operator.admin.opt_out("email", "jane@example.com")

    assert desk.publisher.snapshot(snap.user.id).state is UserState.ESTABLISHED
    assert (await desk.publisher.refresh(snap.user.id)).state is UserState.OPTED_OUT
    # And a new sign-in is refused by the operator from now on.
    assert (await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")).state is (
        UserState.OPTED_OUT
    )


@pytest.mark.asyncio
async def test_refresh_after_refresh_expires_is_refused_with_expired_token(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    assert snap.identity is not None
    desk.set_time(snap.identity.refresh_expires_ms + 1)

    with pytest.raises(OperatorClientError) as info:
        await desk.publisher.refresh(snap.user.id)

    assert info.value.status == "expired_token"
    assert info.value.http_status == 400
    after = desk.publisher.snapshot(snap.user.id)
    assert after.state is UserState.REFRESH_EXPIRED
    assert after.identity == snap.identity  # kept, for the record; only a sign-in helps now
    assert after.last_error == str(info.value)
    assert desk.transitions()[-1][2].startswith("refresh answered expired_token")


@pytest.mark.asyncio
async def test_a_damaged_refresh_token_makes_the_identity_invalid(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    assert snap.identity is not None
    # Corrupt the stored refresh token the way a broken store would (flip one character).
    token = snap.identity.refresh_token
    damaged = token[:100] + ("A" if token[100] != "A" else "B") + token[101:]
    book = desk.publisher._book
    record: UserRecord = book.get(snap.user.id)
    await book.commit(
        dataclasses.replace(
            record, identity=dataclasses.replace(snap.identity, refresh_token=damaged)
        )
    )

    with pytest.raises(OperatorClientError) as info:
        await desk.publisher.refresh(snap.user.id)

    assert info.value.http_status == 400
    after = desk.publisher.snapshot(snap.user.id)
    assert after.state is UserState.INVALID
    assert after.identity is not None


@pytest.mark.asyncio
async def test_there_is_nothing_to_refresh_without_an_identity(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "optout@example.com")
    with pytest.raises(InputError, match="has opted out"):
        await desk.publisher.refresh(snap.user.id)
    assert desk.exchanges("/v2/token/refresh") == []


@pytest.mark.asyncio
async def test_validate_answers_true_for_the_users_own_token(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "validate@example.com")
    assert await desk.publisher.validate(snap.user.id) is True
    assert desk.exchanges("/v2/token/validate")[-1].outcome == "success"


@pytest.mark.asyncio
async def test_log_out_clears_the_identity_without_calling_the_operator(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    before = len(desk.exchanges())

    after = await desk.publisher.log_out(snap.user.id)

    assert after.state is UserState.NO_IDENTITY
    assert after.identity is None
    assert len(desk.exchanges()) == before
    tail = [(e.name, e.step) for e in desk.entries()[-2:]]
    assert tail == [("logout", "4-a"), ("state_changed", "4-b")]
    assert desk.transitions()[-1] == ("established", "no_identity", "user logged out")


@pytest.mark.asyncio
async def test_removing_a_user_forgets_them(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    await desk.publisher.remove_user(snap.user.id)
    assert desk.publisher.users() == []
    with pytest.raises(InputError, match="no test user"):
        desk.publisher.snapshot(snap.user.id)


@pytest.mark.asyncio
async def test_logging_out_an_opted_out_user_keeps_the_opt_out(desk: Desk) -> None:
    """Issue 16: the badge turned to "No identity", as if the user had never opted out."""
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "optout@example.com")
    assert snap.state is UserState.OPTED_OUT

    after = await desk.publisher.log_out(snap.user.id)

    assert after.state is UserState.OPTED_OUT
    assert after.identity is None
    assert ("logout", "4-a") in [(e.name, e.step) for e in desk.entries()[-2:]]
    assert ("opted_out", "no_identity", "user logged out") not in desk.transitions()

"""Signing test users in: generate, what is stored, what is journaled, opt-out on generate."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.publisher.conftest import Desk
from uid2_desk.protocol.errors import CredentialsError, InvalidEmailError, InvalidPhoneError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import UserChanged, UserState


@pytest.mark.asyncio
async def test_sign_in_establishes_an_identity_and_journals_steps_1b_1d_1f(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "Jane.Doe@Example.com")

    assert snap.state is UserState.ESTABLISHED
    assert snap.identity is not None
    assert snap.identity.advertising_token.startswith("A4")
    assert snap.user.normalized == "jane.doe@example.com"
    assert snap.user.environment == "local"
    assert [(link.action, link.outcome) for link in snap.chain] == [("generate", "success")]
    assert snap.identity_set_ms == desk.clock.now_ms()
    steps = [(e.name, e.step) for e in desk.entries()]
    assert steps == [
        ("sign_in_requested", "1-b"),
        ("/v2/token/generate", "1-d"),
        ("identity_set", "1-f"),
        ("state_changed", None),
    ]
    assert desk.transitions() == [("no_identity", "established", "generate answered success")]


@pytest.mark.asyncio
async def test_sign_in_sends_the_hash_unless_asked_to_send_the_raw_email(desk: Desk) -> None:
    await desk.publisher.sign_in(DiiKind.EMAIL, "hashed@example.com")
    await desk.publisher.sign_in(DiiKind.EMAIL, "raw@example.com", send_raw=True)

    hashed, raw = (e.exchange for e in desk.exchanges("/v2/token/generate"))
    assert hashed is not None
    assert raw is not None
    assert set(json.loads(hashed.request_plaintext or "")) == {"email_hash"}
    assert json.loads(raw.request_plaintext or "") == {"email": "raw@example.com"}


@pytest.mark.asyncio
async def test_a_phone_number_gets_a_phone_token(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.PHONE, "+12345678901")
    assert snap.state is UserState.ESTABLISHED
    assert snap.identity is not None
    assert snap.identity.advertising_token.startswith("B4")


@pytest.mark.asyncio
async def test_signing_the_same_person_in_again_keeps_one_user_with_a_longer_chain(
    desk: Desk,
) -> None:
    first = await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    second = await desk.publisher.sign_in(DiiKind.EMAIL, "JANE@example.com", label="Jane")

    assert second.user.id == first.user.id
    assert second.user.label == "Jane"
    assert len(second.chain) == 2
    assert [s.user.id for s in desk.publisher.users()] == [first.user.id]


@pytest.mark.asyncio
async def test_optout_on_generate_stores_no_identity_and_says_why(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "optout@example.com")

    assert snap.state is UserState.OPTED_OUT
    assert snap.identity is None
    assert [(link.action, link.outcome, link.advertising_token) for link in snap.chain] == [
        ("generate", "optout", None)
    ]
    assert desk.transitions() == [("no_identity", "opted_out", "generate answered optout")]
    assert desk.events_named("identity_set") == []


@pytest.mark.asyncio
async def test_the_optout_test_phone_opts_out_on_generate(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.PHONE, "+00000000000")
    assert snap.state is UserState.OPTED_OUT


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("kind", "raw", "error"),
    [(DiiKind.EMAIL, "no-at-sign", InvalidEmailError), (DiiKind.PHONE, "12345", InvalidPhoneError)],
)
async def test_invalid_input_is_refused_before_anything_is_sent_or_stored(
    desk: Desk, kind: DiiKind, raw: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await desk.publisher.sign_in(kind, raw)
    assert desk.publisher.users() == []
    assert desk.entries() == []


@pytest.mark.asyncio
async def test_without_credentials_sign_in_says_what_to_do(desk: Desk) -> None:
    desk.publisher.client = None
    with pytest.raises(CredentialsError, match="UID2_API_KEY"):
        await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")


@pytest.mark.asyncio
async def test_subscribers_hear_every_user_change(desk: Desk) -> None:
    await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    states = [e.snapshot.state for e in desk.events if isinstance(e, UserChanged)]
    assert states[0] is UserState.NO_IDENTITY
    assert states[-1] is UserState.ESTABLISHED


@pytest.mark.asyncio
async def test_journal_entries_name_the_user_as_the_users_list_does(desk: Desk) -> None:
    snap = await desk.publisher.sign_in(DiiKind.EMAIL, "Jane.Doe+news@gmail.com")

    assert snap.user.label == "janedoe@gmail.com"
    assert {e.user for e in desk.entries()} == {snap.user.label}


@pytest.mark.asyncio
async def test_two_sign_ins_of_one_address_at_once_make_one_user(desk: Desk) -> None:
    first, second = await asyncio.gather(
        desk.publisher.sign_in(DiiKind.EMAIL, "twice@example.com"),
        desk.publisher.sign_in(DiiKind.EMAIL, "Twice@Example.com"),
    )
    assert first.user_id == second.user_id
    assert len(desk.publisher.users()) == 1
    assert len(desk.publisher.users()[0].chain) == 2

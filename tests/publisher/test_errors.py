"""Errors: each one reaches the person as a message, and the user keeps their identity."""

from __future__ import annotations

import base64

import pytest

from tests.publisher.conftest import Desk
from uid2_desk.client.credentials import Credentials
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.operator import Fault, FaultKind
from uid2_desk.protocol.errors import (
    DecryptionError,
    OperatorClientError,
    OperatorServerError,
    OperatorUnreachableError,
    Uid2DeskError,
    UnauthorizedError,
)
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import UserSnapshot, UserState


async def _signed_in(desk: Desk) -> UserSnapshot:
    return await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (FaultKind.HTTP_500, OperatorServerError, "operator's side"),
        (FaultKind.HTTP_503, OperatorServerError, "503"),
        (FaultKind.MALFORMED, DecryptionError, "cannot be decrypted"),
        (FaultKind.TRUNCATED, OperatorUnreachableError, "dropped"),
        (FaultKind.DROP, OperatorUnreachableError, "dropped"),
    ],
)
async def test_a_failed_refresh_keeps_the_identity_and_says_what_happened(
    loopback_desk: Desk, fault: FaultKind, error: type[Uid2DeskError], words: str
) -> None:
    desk = loopback_desk
    snap = await _signed_in(desk)
    desk.operator.admin.set_fault(Fault(fault, "/v2/token/refresh", times=1))

    with pytest.raises(error, match=words) as info:
        await desk.publisher.refresh(snap.user.id)

    after = desk.publisher.snapshot(snap.user.id)
    assert after.identity == snap.identity
    assert after.state is UserState.ESTABLISHED
    assert after.attempts == 1
    assert after.last_error == str(info.value)
    failed = desk.exchanges("/v2/token/refresh")[-1]
    assert failed.outcome == "error"
    assert after.chain[-1].action == "refresh"
    assert after.chain[-1].journal_seq == failed.seq
    # The operator is fine again: the same identity still refreshes.
    assert (await desk.publisher.refresh(snap.user.id)).state is UserState.REFRESHED
    assert desk.publisher.snapshot(snap.user.id).attempts == 0
    assert desk.publisher.snapshot(snap.user.id).last_error is None


@pytest.mark.asyncio
async def test_a_wrong_api_key_is_reported_as_unauthorized_and_the_identity_kept(
    desk: Desk,
) -> None:
    snap = await _signed_in(desk)
    client = desk.publisher.client
    assert client is not None
    wrong = Credentials("UID2-C-L-999-wrong.key", base64.b64encode(bytes(32)).decode())
    desk.publisher.client = OperatorClient(
        desk.services.http, client.environment, wrong, clock=client.clock
    )

    with pytest.raises(UnauthorizedError) as info:
        await desk.publisher.validate(snap.user.id)

    assert info.value.http_status == 401
    assert "wrong.key" not in str(info.value)  # the key is masked in the message
    assert desk.publisher.snapshot(snap.user.id).identity == snap.identity


@pytest.mark.asyncio
async def test_operator_clock_skew_is_reported_and_the_identity_kept(desk: Desk) -> None:
    snap = await _signed_in(desk)
    desk.operator.admin.set_clock_offset(5 * 60_000)

    with pytest.raises(Uid2DeskError) as info:
        await desk.publisher.validate(snap.user.id)

    assert "timestamp" in str(info.value).lower() or "clock" in str(info.value).lower()
    assert desk.publisher.snapshot(snap.user.id).identity == snap.identity


@pytest.mark.asyncio
async def test_a_failed_sign_in_of_a_known_user_keeps_their_identity(desk: Desk) -> None:
    snap = await _signed_in(desk)
    desk.operator.admin.set_fault(Fault(FaultKind.HTTP_500, "/v2/token/generate", times=1))

    with pytest.raises(OperatorServerError):
        await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")

    after = desk.publisher.snapshot(snap.user.id)
    assert after.identity == snap.identity
    assert after.state is UserState.ESTABLISHED
    assert after.last_error is not None
    assert desk.exchanges("/v2/token/generate")[-1].outcome == "error"


@pytest.mark.asyncio
async def test_a_failed_first_sign_in_leaves_the_user_listed_without_identity(desk: Desk) -> None:
    desk.operator.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/generate", times=1))
    with pytest.raises(OperatorServerError):
        await desk.publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    (only,) = desk.publisher.users()
    assert only.state is UserState.NO_IDENTITY
    assert only.last_error is not None


@pytest.mark.asyncio
async def test_an_invalid_token_answer_from_validate_surfaces_and_keeps_state(
    desk: Desk,
) -> None:
    snap = await _signed_in(desk)
    desk.operator.admin.set_fault(Fault(FaultKind.HTTP_500, "/v2/token/validate", times=1))
    with pytest.raises(OperatorServerError):
        await desk.publisher.validate(snap.user.id)
    assert desk.publisher.snapshot(snap.user.id).state is UserState.ESTABLISHED
    assert await desk.publisher.validate(snap.user.id) is True
    assert desk.publisher.snapshot(snap.user.id).last_error is None


def test_operator_client_error_is_the_400_family() -> None:
    assert issubclass(OperatorClientError, Uid2DeskError)

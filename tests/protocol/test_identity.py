"""The identity body in epoch milliseconds, and its phase and countdowns at any instant."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from uid2_client.identity_tokens import IdentityTokens

from uid2_desk.protocol.errors import PayloadError
from uid2_desk.protocol.identity import (
    Countdowns,
    Identity,
    IdentityPhase,
    countdowns,
    phase_at,
)

ISSUED = 1_735_689_600_000  # 2025-01-01T00:00:00Z
KEY = bytes(range(32))


def _body(**overrides: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "advertising_token": "A4AAAABlAdvertisingToken",
        "refresh_token": "AAAAAGYRefresh",
        "identity_expires": ISSUED + 3_600_000,
        "refresh_expires": ISSUED + 86_400_000,
        "refresh_from": ISSUED + 900_000,
        "refresh_response_key": base64.b64encode(KEY).decode(),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not _DROP}


_DROP = object()
IDENTITY = Identity.from_body(_body())


def test_body_is_read_in_milliseconds_and_written_back_in_operator_order() -> None:
    expected = Identity(
        "A4AAAABlAdvertisingToken",
        "AAAAAGYRefresh",
        identity_expires_ms=ISSUED + 3_600_000,
        refresh_expires_ms=ISSUED + 86_400_000,
        refresh_from_ms=ISSUED + 900_000,
        refresh_response_key=KEY,
    )
    assert Identity.from_body(_body()) == expected
    assert list(IDENTITY.to_body()) == [
        "advertising_token",
        "refresh_token",
        "identity_expires",
        "refresh_expires",
        "refresh_from",
        "refresh_response_key",
    ]
    assert IDENTITY.to_body() == _body()


def test_body_without_refresh_response_key_gives_none_and_writes_none_back() -> None:
    identity = Identity.from_body(_body(refresh_response_key=_DROP))
    assert identity.refresh_response_key is None
    assert "refresh_response_key" not in identity.to_body()
    assert Identity.from_body(_body(refresh_response_key=None)).refresh_response_key is None


def test_refresh_response_key_stays_out_of_repr() -> None:
    assert base64.b64encode(KEY).decode() not in repr(IDENTITY)
    assert "refresh_response_key" not in repr(IDENTITY)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"advertising_token": _DROP}, "advertising_token"),
        ({"refresh_token": 5}, "refresh_token"),
        ({"refresh_token": ""}, "refresh_token"),
        ({"identity_expires": "1735693200000"}, "identity_expires"),
        ({"refresh_expires": True}, "refresh_expires"),
        ({"refresh_from": 1.7e12}, "refresh_from"),
        ({"refresh_from": _DROP}, "refresh_from"),
        ({"refresh_response_key": "not base64!"}, "refresh_response_key"),
        ({"refresh_response_key": base64.b64encode(bytes(16)).decode()}, "refresh_response_key"),
        ({"refresh_response_key": 7}, "refresh_response_key"),
    ],
)
def test_missing_or_mistyped_field_is_a_payload_error_naming_it(
    overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(PayloadError, match=field):
        Identity.from_body(_body(**overrides))


@pytest.mark.parametrize("body", [None, [], "identity", 3, True])
def test_body_that_is_not_an_object_is_a_payload_error(body: object) -> None:
    with pytest.raises(PayloadError, match="JSON object"):
        Identity.from_body(body)


@pytest.mark.parametrize(
    ("now", "phase"),
    [
        (ISSUED, IdentityPhase.FRESH),
        (ISSUED + 900_000 - 1, IdentityPhase.FRESH),
        (ISSUED + 900_000, IdentityPhase.REFRESH_DUE),
        (ISSUED + 3_600_000 - 1, IdentityPhase.REFRESH_DUE),
        (ISSUED + 3_600_000, IdentityPhase.EXPIRED),
        (ISSUED + 86_400_000 - 1, IdentityPhase.EXPIRED),
        (ISSUED + 86_400_000, IdentityPhase.REFRESH_EXPIRED),
        (ISSUED + 10**12, IdentityPhase.REFRESH_EXPIRED),
    ],
)
def test_phase_changes_exactly_when_a_deadline_is_reached(now: int, phase: IdentityPhase) -> None:
    assert phase_at(IDENTITY, now) is phase


def test_countdowns_run_to_zero_at_each_deadline_and_go_negative_after() -> None:
    assert countdowns(IDENTITY, ISSUED) == Countdowns(900_000, 3_600_000, 86_400_000)
    assert countdowns(IDENTITY, ISSUED + 900_000).to_refresh_from_ms == 0
    assert countdowns(IDENTITY, ISSUED + 3_600_001) == Countdowns(
        -2_700_001, -1, 86_400_000 - 3_600_001
    )


def test_a_past_identity_is_expired_for_us_though_the_python_sdk_misses_it() -> None:
    # The SDK compares seconds with these millisecond fields (uid2-protocol.md §7.5).
    later = dt.datetime.fromtimestamp((ISSUED + 2 * 86_400_000) / 1000, tz=dt.UTC)
    sdk = IdentityTokens.from_json_string(json.dumps(IDENTITY.to_body()))
    assert sdk.get_refresh_response_key() == base64.b64encode(KEY).decode()
    assert sdk.has_identity_expired(later) is False
    assert sdk.is_refreshable_impl(later) is True
    now_ms = int(later.timestamp() * 1000)
    assert phase_at(IDENTITY, now_ms) is IdentityPhase.REFRESH_EXPIRED


def test_a_token_of_the_wrong_json_type_is_named_by_its_type() -> None:
    with pytest.raises(PayloadError) as refused:
        Identity.from_body(_body(advertising_token=42))
    assert str(refused.value) == (
        "'advertising_token' in the identity must be a non-empty string, got a number"
    )


def test_a_response_key_with_a_stray_character_is_damaged_not_silently_repaired() -> None:
    # Lenient base64 would drop the '*' and still find 32 bytes.
    stray = base64.b64encode(KEY).decode()
    with pytest.raises(PayloadError, match="the identity is damaged"):
        Identity.from_body(_body(refresh_response_key=stray[:10] + "*" + stray[10:]))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("advertising_token", None, "'advertising_token' in the identity must be a non-empty "
         "string, got null"),
        ("refresh_token", True, "'refresh_token' in the identity must be a non-empty string, "
         "got a boolean"),
        ("advertising_token", [], "'advertising_token' in the identity must be a non-empty "
         "string, got an array"),
        ("refresh_token", {}, "'refresh_token' in the identity must be a non-empty string, "
         "got an object"),
        ("refresh_token", b"raw", "'refresh_token' in the identity must be a non-empty string, "
         "got bytes"),
        ("refresh_response_key", 7, "'refresh_response_key' in the identity must be a base64 "
         "string, got a number"),
        ("refresh_response_key", "c2hvcnQ=", "'refresh_response_key' in the identity must be "
         "base64 of 32 bytes (an AES-256 key); the identity is damaged"),
    ],
)  # fmt: skip
def test_a_damaged_identity_says_which_field_and_what_it_held(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(PayloadError) as refused:
        Identity.from_body(_body(**{field: value}))
    assert str(refused.value) == message


def test_a_time_that_is_not_a_number_says_what_it_was() -> None:
    with pytest.raises(PayloadError) as refused:
        Identity.from_body(_body(identity_expires="soon"))
    assert str(refused.value).endswith("got a string")


def test_a_reply_body_that_is_not_an_object_is_not_a_token_body() -> None:
    with pytest.raises(PayloadError) as refused:
        Identity.from_body([])  # type: ignore[arg-type]
    assert str(refused.value).startswith(
        "the identity must be a JSON object, got an array; the reply is not a token body"
    )

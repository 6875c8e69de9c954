"""What an advertising token's clear-text header tells, and the words of its refusals.

Written against survivors of a whole-module mutation run of ``tokens_header`` (issue 19):
which alphabet a token of letters and digits only is said to be in (v4: base64url, older:
base64), a two-byte token is too short for its version (not too short to have one), and the
expiry, length and version refusals say exactly what is wrong.
"""

from __future__ import annotations

import base64

import pytest

from uid2_desk.protocol.errors import TokenDecryptError, TokenDecryptReason, TokenFormatError
from uid2_desk.protocol.tokens_header import (
    MIN_V3_TOKEN_BYTES,
    check_expiry,
    identity_byte,
    inspect_token,
)
from uid2_desk.protocol.tokens_model import IdentityScope, IdentityType, TokenVersion

_UID2_EMAIL = identity_byte(IdentityScope.UID2, IdentityType.EMAIL)


def _alphanumeric_token(version_byte: int) -> str:
    """A token whose text fits both base64 alphabets: no '+', '/', '-', '_' or '='."""
    size = MIN_V3_TOKEN_BYTES + (-MIN_V3_TOKEN_BYTES % 3)  # whole 3-byte groups: no padding
    raw = bytes([_UID2_EMAIL, version_byte]) + (101).to_bytes(4, "big") + bytes(size - 6)
    text = base64.b64encode(raw).decode()
    assert text.isalnum()
    return text


@pytest.mark.parametrize(
    ("version", "encoding"),
    [(TokenVersion.V4, "base64url"), (TokenVersion.V3, "base64")],
)
def test_a_token_of_letters_and_digits_only_is_read_in_its_version_s_default_alphabet(
    version: TokenVersion, encoding: str
) -> None:
    header = inspect_token(_alphanumeric_token(version.wire_byte))
    assert header.version is version
    assert header.encoding == encoding


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            bytes([_UID2_EMAIL, 0x80]),
            "a v4 token is at least 131 bytes; this one is 2: it was cut short",
        ),
        (
            bytes([_UID2_EMAIL, 0x70]),
            "a v3 token is at least 131 bytes; this one is 2: it was cut short",
        ),
        (
            b"\x02\x00",
            "a v2 token is 21 bytes plus whole 16-byte blocks, at least 85 bytes; "
            "this one is 2: it was cut or altered",
        ),
        (b"\x03", "the advertising token is 1 bytes long; it cannot even hold a version"),
    ],
)
def test_a_token_too_short_is_refused_for_its_version_once_it_has_one(
    raw: bytes, message: str
) -> None:
    with pytest.raises(TokenFormatError) as refused:
        inspect_token(base64.b64encode(raw).decode())
    assert str(refused.value) == message


def test_an_unknown_version_names_both_header_bytes_and_the_known_versions() -> None:
    raw = bytes([0x0B, 0x90]) + bytes(MIN_V3_TOKEN_BYTES - 2)
    with pytest.raises(TokenFormatError) as refused:
        inspect_token(base64.b64encode(raw).decode())
    assert str(refused.value) == (
        "unknown advertising token version: byte 0 is 0x0b and byte 1 is 0x90; known are "
        "v2 (byte 0 = 0x02), v3 (byte 1 = 0x70) and v4 (byte 1 = 0x80)"
    )


def test_a_token_that_is_not_base64_is_refused_naming_the_advertising_token() -> None:
    with pytest.raises(TokenFormatError) as refused:
        inspect_token("A4AA AABl")
    assert str(refused.value).startswith("the advertising token is not base64: it contains ' '")


def test_an_expired_token_says_how_long_ago_it_expired_and_who_must_act() -> None:
    check_expiry(1_000_000, 1_000_000)  # at its expiry it is still good
    with pytest.raises(TokenDecryptError) as refused:
        check_expiry(1_000_000, 1_002_500)
    assert refused.value.reason is TokenDecryptReason.EXPIRED_TOKEN
    assert str(refused.value) == (
        "the advertising token expired 2500 ms before the time given; the publisher must refresh it"
    )

"""What the token codec says about damaged or unusual tokens, in the words a user reads.

Written against survivors of mutation testing (issue 19): the master key id is a signed Java
``int``; every refusal names the kind of token it refused.
"""

from __future__ import annotations

import base64

import pytest

from uid2_desk.protocol.errors import DecryptionError, TokenFormatError
from uid2_desk.protocol.tokens_header import MIN_V3_TOKEN_BYTES, identity_byte, inspect_token
from uid2_desk.protocol.tokens_model import IdentityScope, IdentityType
from uid2_desk.protocol.tokens_refresh import REFRESH_TOKEN_WRAPPER_LENGTH, read_wrapper_header
from uid2_desk.protocol.tokens_wire import cbc_decrypt, cbc_encrypt


def _v3(first: int, key_id: bytes) -> str:
    raw = bytes([first, 0x70]) + key_id + bytes(MIN_V3_TOKEN_BYTES - 6)
    return base64.b64encode(raw).decode()


def test_a_master_key_id_with_the_top_bit_set_reads_as_a_negative_java_int() -> None:
    token = _v3(identity_byte(IdentityScope.UID2, IdentityType.EMAIL), b"\xff\xff\xff\xfe")
    assert inspect_token(token).master_key_id == -2


def test_an_unknown_identity_type_is_refused_naming_the_advertising_token() -> None:
    with pytest.raises(TokenFormatError) as refused:
        inspect_token(_v3(0b0000_1011, b"\x00\x00\x00\x01"))  # type bits 2
    assert str(refused.value) == (
        "the advertising token declares identity type 2; only 0 (email) and 1 (phone) exist"
    )


def test_a_refresh_token_of_the_right_length_but_not_base64_is_refused_by_name() -> None:
    with pytest.raises(TokenFormatError) as refused:
        read_wrapper_header("*" * REFRESH_TOKEN_WRAPPER_LENGTH)
    assert str(refused.value) == (
        "the refresh token is not valid standard base64; check it was copied whole"
    )


def test_cbc_with_the_wrong_key_says_the_key_is_wrong_or_the_token_altered() -> None:
    iv = bytes(range(16))
    sealed = cbc_encrypt(b"k" * 32, iv, b"sixteen bytes!!!" * 2)
    with pytest.raises(DecryptionError) as refused:
        cbc_decrypt(b"w" * 32, iv, sealed)
    assert str(refused.value) == (
        "decryption failed: the key is wrong or the token was altered (bad CBC padding)"
    )

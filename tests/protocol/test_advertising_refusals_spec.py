"""What decrypting a v3/v4 advertising token says when it refuses, in the user's words.

Written against survivors of a whole-module mutation run of ``tokens_advertising`` (issue
19): every refusal of ``decrypt_advertising_token`` names the advertising token, which key is
missing, and what to do about it. The tokens are the official vectors, or vectors with one
header byte changed.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.protocol.conftest import VectorKeys
from uid2_desk.protocol.errors import TokenDecryptError, TokenDecryptReason, TokenFormatError
from uid2_desk.protocol.tokens import decrypt_advertising_token, key_lookup


def _v4_vector(vectors: dict[str, Any]) -> str:
    tokens: list[dict[str, Any]] = vectors["advertising_tokens"]["tokens"]
    token: str = next(t["token"] for t in tokens if t["version"] == 128)
    return token


def test_an_advertising_token_that_is_not_base64_is_refused_by_name(
    vector_keys: VectorKeys,
) -> None:
    with pytest.raises(TokenFormatError) as refused:
        decrypt_advertising_token("A4AA AABl", vector_keys.lookup)
    assert str(refused.value).startswith("the advertising token is not base64:")


def test_an_unknown_identity_type_is_refused_naming_the_advertising_token(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    raw = bytearray(base64.urlsafe_b64decode(_v4_vector(vectors) + "=="))
    raw[0] = 0b0000_1111  # UID2, type bits 3
    token = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(TokenFormatError) as refused:
        decrypt_advertising_token(token, vector_keys.lookup)
    assert str(refused.value) == (
        "the advertising token declares identity type 3; only 0 (email) and 1 (phone) exist"
    )


def test_a_missing_master_key_is_named_with_where_to_get_keys(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    with pytest.raises(TokenDecryptError) as refused:
        decrypt_advertising_token(_v4_vector(vectors), key_lookup([vector_keys.site]))
    assert refused.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_MASTER_KEY
    assert str(refused.value) == (
        "master key 101 is not among the keys held; refresh the keys "
        "(/v2/key/bidstream or /v2/key/sharing) or check the environment"
    )


def test_a_missing_site_key_is_named_with_what_it_means_for_the_caller(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    with pytest.raises(TokenDecryptError) as refused:
        decrypt_advertising_token(_v4_vector(vectors), key_lookup([vector_keys.master]))
    assert refused.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY
    assert str(refused.value) == (
        "site key 104 is not among the keys held: this caller may not read "
        "tokens of that site, or the keys need a refresh"
    )

"""Refresh tokens at their edges: signed key ids, exact size limits, and what each refusal says.

Messages are matched with anchors or word boundaries, case-sensitively, so a message that
loses its words or its case is caught, not only one that disappears.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

import pytest

from tests.protocol.conftest import VectorKeys
from uid2_desk.protocol.crypto import gcm_decrypt, gcm_encrypt
from uid2_desk.protocol.errors import (
    PayloadError,
    TokenDecryptError,
    TokenDecryptReason,
    TokenFormatError,
)
from uid2_desk.protocol.tokens import (
    IdentityScope,
    Key,
    decrypt_refresh_token,
    encrypt_refresh_token,
    key_lookup,
    read_wrapper_header,
    unwrap_refresh_token,
    wrap_refresh_token,
)

# 291 wrapper bytes less the 5-byte header and the 28 bytes of IV and tag.
_WRAPPER_DOCUMENT_BYTES = 258


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _inner_raw(refresh: dict[str, Any]) -> bytes:
    return base64.b64decode(refresh["inner_refresh_token_v3"]["b64"])


def _reseal_inner(raw: bytes, key: Key, payload: bytes) -> str:
    """The vector's clear header (first 6 bytes) over ``payload`` sealed with ``key``."""
    return _b64(raw[:6] + gcm_encrypt(key.secret, payload))


def _seal_wrapper(document: bytes, key: Key) -> str:
    """A 388-character wrapper around ``document``, padded with JSON whitespace."""
    padded = document + b" " * (_WRAPPER_DOCUMENT_BYTES - len(document))
    return _b64(b"\x00" + key.id.to_bytes(4, "big") + gcm_encrypt(key.secret, padded))


@pytest.mark.parametrize("key_id", [-2, 0x01020304])
def test_refresh_key_ids_are_read_as_signed_big_endian_32_bit_integers(
    key_id: int, vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    key = Key(key_id, vector_keys.refresh.secret)
    keys = key_lookup([key])
    contents = decrypt_refresh_token(
        vectors["refresh"]["inner_refresh_token_v3"]["b64"], vector_keys.lookup
    )
    inner = encrypt_refresh_token(contents, key)
    assert decrypt_refresh_token(inner, keys).refresh_key_id == key_id
    wrapper = wrap_refresh_token(inner, bytes(32), key, IdentityScope.UID2)
    assert read_wrapper_header(wrapper)[1] == key_id
    assert unwrap_refresh_token(wrapper, keys).key_id == key_id


def test_shortest_inner_token_is_opened_and_its_empty_payload_is_invalid_payload(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    # 6 header bytes + 12 IV + 16 tag = 34 bytes: long enough to try the key.
    token = _reseal_inner(_inner_raw(vectors["refresh"]), vector_keys.refresh, b"")
    with pytest.raises(
        TokenDecryptError, match=r"^the refresh token payload is 0 bytes, not 90$"
    ) as caught:
        decrypt_refresh_token(token, vector_keys.lookup)
    assert caught.value.reason is TokenDecryptReason.INVALID_PAYLOAD


def test_inner_token_one_byte_too_short_is_a_format_error_naming_its_size(
    vectors: dict[str, Any],
) -> None:
    token = _b64(_inner_raw(vectors["refresh"])[:33])
    with pytest.raises(
        TokenFormatError,
        match=r"^the refresh token is 33 bytes; an inner refresh token is 168 characters "
        r"\(124 bytes\)$",
    ):
        decrypt_refresh_token(token, key_lookup([]))


def test_version_refusal_names_the_version_byte_found(vectors: dict[str, Any]) -> None:
    raw = bytearray(_inner_raw(vectors["refresh"]))
    raw[1] = 0x71
    with pytest.raises(
        TokenDecryptError,
        match=r"^refresh token version byte is 0x71; only v3 \(0x70\) is issued today$",
    ):
        decrypt_refresh_token(_b64(bytes(raw)), key_lookup([]))


def test_inner_token_that_is_not_base64_says_the_refresh_token_is_not_base64() -> None:
    with pytest.raises(TokenFormatError, match=r"^the refresh token is not valid standard base64"):
        decrypt_refresh_token("!" * 168, key_lookup([]))


def test_unknown_identity_type_in_the_clear_header_names_the_refresh_token(
    vectors: dict[str, Any],
) -> None:
    raw = bytearray(_inner_raw(vectors["refresh"]))
    raw[0] = 0x08  # type bits 2: neither email nor phone
    with pytest.raises(TokenFormatError, match=r"^the refresh token declares identity type 2;"):
        decrypt_refresh_token(_b64(bytes(raw)), key_lookup([]))


def test_unknown_refresh_key_for_an_inner_token_says_where_the_token_comes_from(
    vectors: dict[str, Any],
) -> None:
    with pytest.raises(
        TokenDecryptError,
        match=r"^refresh key 102 does not exist here; the token comes from another operator "
        r"or environment$",
    ) as caught:
        decrypt_refresh_token(vectors["refresh"]["inner_refresh_token_v3"]["b64"], key_lookup([]))
    assert caught.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY


def _vector_payload(vectors: dict[str, Any], vector_keys: VectorKeys) -> bytearray:
    return bytearray(gcm_decrypt(vector_keys.refresh.secret, _inner_raw(vectors["refresh"])[6:]))


def test_unknown_identity_type_inside_the_payload_is_invalid_payload(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    payload = _vector_payload(vectors, vector_keys)
    payload[57] = 0x08  # the identity byte repeated inside, with type bits 2
    token = _reseal_inner(_inner_raw(vectors["refresh"]), vector_keys.refresh, bytes(payload))
    with pytest.raises(
        TokenDecryptError, match=r"^the refresh token payload declares identity type 2;"
    ) as caught:
        decrypt_refresh_token(token, vector_keys.lookup)
    assert caught.value.reason is TokenDecryptReason.INVALID_PAYLOAD


def test_header_and_payload_disagreeing_on_type_is_named_as_such(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    payload = _vector_payload(vectors, vector_keys)
    payload[57] = 0x04  # phone inside, email in the clear header
    token = _reseal_inner(_inner_raw(vectors["refresh"]), vector_keys.refresh, bytes(payload))
    with pytest.raises(
        TokenDecryptError,
        match=r"^the refresh token's header and payload disagree on scope or identity type$",
    ):
        decrypt_refresh_token(token, vector_keys.lookup)


def test_encrypting_a_short_first_level_hash_names_both_sizes(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    contents = decrypt_refresh_token(
        vectors["refresh"]["inner_refresh_token_v3"]["b64"], vector_keys.lookup
    )
    short = dataclasses.replace(contents, first_level_hash=bytes(31))
    with pytest.raises(
        TokenFormatError,
        match=r"^a refresh token carries a 32-byte first-level hash, got 31 bytes$",
    ):
        encrypt_refresh_token(short, vector_keys.refresh)


def test_wrapper_of_another_length_tells_to_pass_the_identity_value_unchanged() -> None:
    with pytest.raises(
        TokenFormatError,
        match=r"^the refresh token is 387 characters; .* as a bare legacy token\); pass the "
        r"value from the identity unchanged$",
    ):
        read_wrapper_header("A" * 387)


def test_wrapper_naming_an_unknown_refresh_key_says_where_the_token_comes_from(
    vectors: dict[str, Any],
) -> None:
    with pytest.raises(
        TokenDecryptError,
        match=r"^refresh key 102 that encrypted this refresh token does not exist here; the "
        r"token comes from another operator or environment$",
    ):
        unwrap_refresh_token(
            vectors["refresh"]["wrapped_refresh_token_v2_api"]["b64"], key_lookup([])
        )


_KEY_B64 = _b64(bytes(range(32)))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"{", r"^the refresh token's payload is not valid JSON$"),
        (b"[]", r"^the refresh token's payload is JSON but not an object$"),
        (
            json.dumps({"refresh_response_key": _KEY_B64}).encode(),
            r"^the refresh token's payload has no string 'refresh_token'$",
        ),
        (
            json.dumps({"refresh_token": "x"}).encode(),
            r"^the refresh token's payload has no string 'refresh_response_key'$",
        ),
        (
            # One character outside the alphabet: a lenient decoder would drop it and succeed.
            json.dumps({"refresh_response_key": "!" + _KEY_B64, "refresh_token": "x"}).encode(),
            r"^'refresh_response_key' in the refresh token is not base64$",
        ),
        (
            json.dumps({"refresh_response_key": _b64(bytes(16)), "refresh_token": "x"}).encode(),
            r"^'refresh_response_key' in the refresh token is 16 bytes, not 32$",
        ),
    ],
)
def test_each_malformed_wrapper_document_is_refused_with_its_own_message(
    document: bytes, message: str, vector_keys: VectorKeys
) -> None:
    wrapper = _seal_wrapper(document, vector_keys.refresh)
    with pytest.raises(PayloadError, match=message):
        unwrap_refresh_token(wrapper, vector_keys.lookup)


def test_non_ascii_inner_token_is_escaped_as_json_and_refused_by_its_length(
    vector_keys: VectorKeys,
) -> None:
    # "é" becomes the six characters \u00e9, so 5 more bytes: 296 bytes, 396 characters.
    with pytest.raises(
        TokenFormatError,
        match=r"^the inner token needs JSON escaping, so the wrapper would be 396 characters, "
        r"not 388; the inner token must be base64$",
    ):
        wrap_refresh_token("é" + "A" * 167, bytes(32), vector_keys.refresh, IdentityScope.UID2)

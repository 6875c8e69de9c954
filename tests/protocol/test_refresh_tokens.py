"""Refresh tokens and refresh replies reproduce the vectors byte for byte (§2.5, §6.4)."""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

import pytest

from tests.protocol.conftest import VectorKeys
from uid2_desk.protocol.crypto import gcm_encrypt
from uid2_desk.protocol.envelope import open_refresh_reply, seal_refresh_reply
from uid2_desk.protocol.errors import (
    DecryptionError,
    PayloadError,
    TokenDecryptError,
    TokenDecryptReason,
    TokenFormatError,
)
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.tokens import (
    REFRESH_TOKEN_WRAPPER_LENGTH,
    IdentityScope,
    IdentityType,
    OperatorIdentity,
    PublisherIdentity,
    RefreshTokenContents,
    decrypt_refresh_token,
    encrypt_refresh_token,
    key_lookup,
    read_wrapper_header,
    unwrap_refresh_token,
    wrap_refresh_token,
)


@pytest.fixture
def refresh(vectors: dict[str, Any]) -> dict[str, Any]:
    return dict(vectors["refresh"])


def _inner_contents(payload_hex: str) -> RefreshTokenContents:
    payload = bytes.fromhex(payload_hex)
    return RefreshTokenContents(
        scope=IdentityScope.UID2,
        identity_type=IdentityType.EMAIL,
        expires_ms=int.from_bytes(payload[0:8], "big"),
        created_ms=int.from_bytes(payload[8:16], "big"),
        operator=OperatorIdentity(site_id=0, operator_type=1, version=0, key_id=0),
        publisher=PublisherIdentity(site_id=999),
        privacy_bits=1,
        established_ms=int.from_bytes(payload[49:57], "big"),
        first_level_hash=payload[58:],
        refresh_key_id=102,
    )


def test_inner_refresh_token_is_byte_identical_to_the_vector(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    inner = refresh["inner_refresh_token_v3"]
    contents = _inner_contents(inner["payload_hex"])
    token = encrypt_refresh_token(contents, vector_keys.refresh, iv=bytes.fromhex(inner["iv_hex"]))
    assert token == inner["b64"]
    assert len(token) == inner["b64_len"] == 168
    raw = base64.b64decode(token)
    assert raw[:6].hex() == "037000000066"
    assert decrypt_refresh_token(token, vector_keys.lookup) == contents


def test_wrapper_is_byte_identical_to_the_vector(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    wrapped = refresh["wrapped_refresh_token_v2_api"]
    response_key = base64.b64decode(refresh["refresh_response_key_b64"])
    wrapper = wrap_refresh_token(
        refresh["inner_refresh_token_v3"]["b64"],
        response_key,
        vector_keys.refresh,
        IdentityScope.UID2,
        iv=bytes.fromhex(wrapped["iv_hex"]),
    )
    assert wrapper == wrapped["b64"]
    assert len(wrapper) == REFRESH_TOKEN_WRAPPER_LENGTH == 388
    assert wrapper.startswith("AAAAA")
    sealed_json = gcm_encrypt(
        vector_keys.refresh.secret, wrapped["json"].encode(), bytes.fromhex(wrapped["iv_hex"])
    )
    assert base64.b64decode(wrapper)[5:] == sealed_json
    assert len(wrapped["json"]) == wrapped["json_len"] == 258


def test_vector_wrapper_unwraps_to_inner_token_and_response_key(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    unwrapped = unwrap_refresh_token(
        refresh["wrapped_refresh_token_v2_api"]["b64"], vector_keys.lookup
    )
    assert unwrapped.inner_token == refresh["inner_refresh_token_v3"]["b64"]
    assert unwrapped.refresh_response_key == base64.b64decode(refresh["refresh_response_key_b64"])
    assert unwrapped.key_id == 102
    assert unwrapped.scope is IdentityScope.UID2
    assert "refresh_response_key=" not in repr(unwrapped)


def test_euid_wrapper_starts_with_the_euid_scope_byte(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    wrapper = wrap_refresh_token(
        refresh["inner_refresh_token_v3"]["b64"], bytes(32), vector_keys.refresh, IdentityScope.EUID
    )
    assert base64.b64decode(wrapper)[0] == 0x10
    assert read_wrapper_header(wrapper)[:2] == (IdentityScope.EUID, 102)
    assert unwrap_refresh_token(wrapper, vector_keys.lookup).scope is IdentityScope.EUID


@pytest.mark.parametrize("reply", ["refresh_response_success", "refresh_response_optout"])
def test_refresh_replies_open_with_the_response_key_and_reseal_identically(
    reply: str, refresh: dict[str, Any]
) -> None:
    vector = refresh[reply]
    key = base64.b64decode(refresh["refresh_response_key_b64"])
    payload, parts = open_refresh_reply(key, base64.b64decode(vector["body_b64"]))
    assert payload.decode() == vector["plaintext_json"]
    assert (parts.timestamp_ms, parts.nonce) == (None, None)
    resealed = seal_refresh_reply(key, payload, bytes.fromhex(vector["iv_hex"]))
    assert base64.b64encode(resealed).decode() == vector["body_b64"]


def test_success_reply_body_is_an_identity_in_milliseconds(refresh: dict[str, Any]) -> None:
    vector = refresh["refresh_response_success"]
    key = base64.b64decode(refresh["refresh_response_key_b64"])
    payload, _ = open_refresh_reply(key, base64.b64decode(vector["body_b64"]))
    reply = json.loads(payload)
    identity = Identity.from_body(reply["body"])
    assert identity.refresh_token == refresh["wrapped_refresh_token_v2_api"]["b64"]
    assert identity.identity_expires_ms == 1_735_693_200_000
    assert identity.refresh_from_ms == 1_735_690_500_000
    assert identity.refresh_expires_ms == 1_735_776_000_000
    assert identity.refresh_response_key == key
    assert json.dumps(identity.to_body(), separators=(",", ":")) == json.dumps(
        reply["body"], separators=(",", ":")
    )


def test_refresh_reply_under_another_key_fails_as_decryption_error(
    refresh: dict[str, Any],
) -> None:
    with pytest.raises(DecryptionError):
        open_refresh_reply(
            bytes(32), base64.b64decode(refresh["refresh_response_optout"]["body_b64"])
        )


def test_wrapper_of_the_wrong_length_is_a_format_error(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    with pytest.raises(TokenFormatError, match="exactly 388"):
        unwrap_refresh_token(refresh["inner_refresh_token_v3"]["b64"], vector_keys.lookup)


def test_wrapper_that_is_not_base64_is_a_format_error(vector_keys: VectorKeys) -> None:
    with pytest.raises(TokenFormatError, match="not valid standard base64"):
        unwrap_refresh_token("!" * 388, vector_keys.lookup)


def test_wrapper_naming_an_unknown_refresh_key_is_not_authorized_for_key(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    with pytest.raises(TokenDecryptError, match="refresh key 102") as caught:
        unwrap_refresh_token(
            refresh["wrapped_refresh_token_v2_api"]["b64"], key_lookup([vector_keys.master])
        )
    assert caught.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY


def test_tampered_wrapper_fails_as_decryption_error(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    raw = bytearray(base64.b64decode(refresh["wrapped_refresh_token_v2_api"]["b64"]))
    raw[100] ^= 1
    with pytest.raises(DecryptionError):
        unwrap_refresh_token(base64.b64encode(bytes(raw)).decode(), vector_keys.lookup)


@pytest.mark.parametrize(
    ("document", "hint"),
    [
        (b"x" * 258, "not valid JSON"),
        (b"[" + b"1," * 127 + b"1]", "not an object"),
        (json.dumps({"refresh_token": "x" * 213}).encode(), "refresh_response_key"),
        (json.dumps({"refresh_response_key": "A" * 44, "refresh_token": 5}).encode(), "string"),
    ],
)
def test_wrapper_with_malformed_json_inside_is_a_payload_error(
    document: bytes, hint: str, vector_keys: VectorKeys
) -> None:
    document = document.ljust(258)
    raw = b"\x00" + (102).to_bytes(4, "big") + gcm_encrypt(vector_keys.refresh.secret, document)
    with pytest.raises(PayloadError, match=hint):
        unwrap_refresh_token(base64.b64encode(raw).decode(), vector_keys.lookup)


def test_wrapping_anything_but_a_168_character_token_is_refused(
    vector_keys: VectorKeys,
) -> None:
    with pytest.raises(TokenFormatError, match="168"):
        wrap_refresh_token("short", bytes(32), vector_keys.refresh, IdentityScope.UID2)
    with pytest.raises(TokenFormatError, match="32-byte"):
        wrap_refresh_token("A" * 168, bytes(16), vector_keys.refresh, IdentityScope.UID2)


def test_inner_token_under_another_refresh_key_is_not_authorized_for_key(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    with pytest.raises(TokenDecryptError) as caught:
        decrypt_refresh_token(refresh["inner_refresh_token_v3"]["b64"], key_lookup([]))
    assert caught.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY


def test_inner_token_whose_header_and_payload_disagree_is_invalid_payload(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    contents = _inner_contents(refresh["inner_refresh_token_v3"]["payload_hex"])
    token = encrypt_refresh_token(contents, vector_keys.refresh)
    raw = bytearray(base64.b64decode(token))
    raw[0] = 0x13  # EUID in the clear header, UID2 inside
    with pytest.raises(TokenDecryptError) as caught:
        decrypt_refresh_token(base64.b64encode(bytes(raw)).decode(), vector_keys.lookup)
    assert caught.value.reason is TokenDecryptReason.INVALID_PAYLOAD


def test_inner_token_of_another_version_is_version_not_supported(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    raw = bytearray(base64.b64decode(refresh["inner_refresh_token_v3"]["b64"]))
    raw[1] = 0x80
    with pytest.raises(TokenDecryptError) as caught:
        decrypt_refresh_token(base64.b64encode(bytes(raw)).decode(), vector_keys.lookup)
    assert caught.value.reason is TokenDecryptReason.VERSION_NOT_SUPPORTED


def test_phone_refresh_token_round_trips_with_its_type(
    refresh: dict[str, Any], vector_keys: VectorKeys
) -> None:
    contents = dataclasses.replace(
        _inner_contents(refresh["inner_refresh_token_v3"]["payload_hex"]),
        scope=IdentityScope.EUID,
        identity_type=IdentityType.PHONE,
    )
    token = encrypt_refresh_token(contents, vector_keys.refresh)
    assert token.startswith("F3")
    assert decrypt_refresh_token(token, vector_keys.lookup) == contents

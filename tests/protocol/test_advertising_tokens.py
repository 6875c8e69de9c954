"""Advertising tokens: every vector inspects and decrypts; the operator layout re-encrypts
byte for byte; each refusal carries the SDKs' reason (uid2-protocol.md §6.2, §6.3, §6.5)."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.protocol.conftest import VectorKeys
from uid2_desk.protocol.errors import (
    DecryptionError,
    TokenDecryptError,
    TokenDecryptReason,
    TokenFormatError,
)
from uid2_desk.protocol.tokens import (
    AdvertisingTokenContents,
    IdentityScope,
    IdentityType,
    OperatorIdentity,
    PublisherIdentity,
    TokenVersion,
    decrypt_advertising_token,
    encrypt_advertising_token,
    inspect_token,
    key_lookup,
)
from uid2_desk.protocol.tokens_wire import cbc_encrypt

_TOKENS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "data" / "vectors.json").read_text(encoding="utf-8")
)["advertising_tokens"]["tokens"]
_VERSIONS = {2: TokenVersion.V2, 112: TokenVersion.V3, 128: TokenVersion.V4}
_TYPES = {"email": IdentityType.EMAIL, "phone": IdentityType.PHONE}


def _ms(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).timestamp() * 1000)


def _id(t: dict[str, Any]) -> str:
    return f"{t['first4']}-{t['dii_type']}-bits{t['privacy_bits']}-{t['built_by'][:5]}"


def test_the_vectors_hold_18_tokens() -> None:
    assert len(_TOKENS) == 18


@pytest.mark.parametrize("vector", _TOKENS, ids=_id)
def test_every_vector_token_inspects_without_keys(vector: dict[str, Any]) -> None:
    header = inspect_token(vector["token"])
    assert header.version is _VERSIONS[vector["version"]]
    assert header.master_key_id == 101
    assert header.length == vector["length"] == len(vector["token"])
    if header.version is TokenVersion.V2:
        assert (header.scope, header.identity_type, header.encoding) == (None, None, "base64")
    else:
        assert header.scope is IdentityScope[vector["scope"]]
        assert header.identity_type is _TYPES[vector["dii_type"]]
        expected = "base64url" if header.version is TokenVersion.V4 else "base64"
        assert header.encoding == expected


@pytest.mark.parametrize("vector", _TOKENS, ids=_id)
def test_every_vector_token_decrypts_to_its_uid_scope_type_and_times(
    vector: dict[str, Any], vector_keys: VectorKeys
) -> None:
    sdk = vector["decrypt"]["bidstream"]
    scope = IdentityScope[vector["scope"]]
    contents = decrypt_advertising_token(
        vector["token"], vector_keys.lookup, now_ms=_ms("2025-01-01T00:00:00+00:00"), v2_scope=scope
    )
    assert base64.b64encode(contents.raw_uid).decode() == vector["raw_uid"] == sdk["uid"]
    assert contents.version is _VERSIONS[vector["version"]]
    assert contents.scope is scope
    assert contents.identity_type is _TYPES[vector["dii_type"]]
    assert contents.established_ms == _ms(sdk["established"])
    assert contents.expires_ms == _ms(sdk["expiry"])
    assert contents.publisher.site_id == sdk["site_id"] == 123
    assert contents.privacy_bits == vector["privacy_bits"]
    assert (contents.master_key_id, contents.site_key_id) == (101, 104)


@pytest.mark.parametrize("vector", [t for t in _TOKENS if "master_iv_hex" in t], ids=_id)
def test_operator_layout_tokens_re_encrypt_byte_for_byte(
    vector: dict[str, Any], vector_keys: VectorKeys
) -> None:
    contents = decrypt_advertising_token(vector["token"], vector_keys.lookup)
    again = encrypt_advertising_token(
        contents,
        vector_keys.master,
        vector_keys.site,
        iv_master=bytes.fromhex(vector["master_iv_hex"]),
        iv_site=bytes.fromhex(vector["site_iv_hex"]),
    )
    assert again == vector["token"]
    assert len(base64.urlsafe_b64decode(again + "==")) == vector["token_bytes_len"]


def _contents(version: TokenVersion = TokenVersion.V4) -> AdvertisingTokenContents:
    return AdvertisingTokenContents(
        version=version,
        scope=IdentityScope.UID2,
        identity_type=IdentityType.EMAIL,
        raw_uid=bytes(range(32)),
        expires_ms=1_735_693_200_000,
        generated_ms=1_735_689_600_000,
        established_ms=1_735_689_600_000,
        refreshed_ms=1_735_689_600_000,
        privacy_bits=1,
        operator=OperatorIdentity(),
        publisher=PublisherIdentity(site_id=123, client_key_id=7),
        master_key_id=101,
        site_key_id=104,
    )


def test_v4_with_a_32_byte_uid_is_218_characters_of_unpadded_base64url(
    vector_keys: VectorKeys,
) -> None:
    token = encrypt_advertising_token(_contents(), vector_keys.master, vector_keys.site)
    assert len(token) == 218
    assert token.startswith("A4AAAABl")
    assert "=" not in token


def test_v3_is_220_characters_of_padded_standard_base64(vector_keys: VectorKeys) -> None:
    phone = dataclasses.replace(
        _contents(TokenVersion.V3), identity_type=IdentityType.PHONE, scope=IdentityScope.EUID
    )
    token = encrypt_advertising_token(phone, vector_keys.master, vector_keys.site)
    assert len(token) == 220
    assert token.startswith("F3AAAABl")


def test_expired_token_is_refused_only_after_its_expiry(vector_keys: VectorKeys) -> None:
    c = _contents()
    token = encrypt_advertising_token(c, vector_keys.master, vector_keys.site)
    assert decrypt_advertising_token(token, vector_keys.lookup, now_ms=c.expires_ms) == c
    with pytest.raises(TokenDecryptError) as caught:
        decrypt_advertising_token(token, vector_keys.lookup, now_ms=c.expires_ms + 1)
    assert caught.value.reason is TokenDecryptReason.EXPIRED_TOKEN


@pytest.mark.parametrize("version", list(TokenVersion))
def test_missing_master_key_is_not_authorized_for_master_key(
    version: TokenVersion, vector_keys: VectorKeys
) -> None:
    token = encrypt_advertising_token(_contents(version), vector_keys.master, vector_keys.site)
    with pytest.raises(TokenDecryptError) as caught:
        decrypt_advertising_token(token, key_lookup([vector_keys.site]))
    assert caught.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_MASTER_KEY
    assert "101" in str(caught.value)


@pytest.mark.parametrize("version", list(TokenVersion))
def test_missing_site_key_is_not_authorized_for_key(
    version: TokenVersion, vector_keys: VectorKeys
) -> None:
    token = encrypt_advertising_token(_contents(version), vector_keys.master, vector_keys.site)
    with pytest.raises(TokenDecryptError) as caught:
        decrypt_advertising_token(token, key_lookup([vector_keys.master]))
    assert caught.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY


@pytest.mark.parametrize("version", list(TokenVersion))
def test_a_different_key_under_the_same_id_fails_as_decryption_error(
    version: TokenVersion, vector_keys: VectorKeys
) -> None:
    token = encrypt_advertising_token(_contents(version), vector_keys.master, vector_keys.site)
    impostor = dataclasses.replace(vector_keys.master, secret=bytes(32))
    with pytest.raises(DecryptionError):
        decrypt_advertising_token(token, key_lookup([impostor, vector_keys.site]))


def test_unknown_version_byte_is_version_not_supported(vector_keys: VectorKeys) -> None:
    raw = bytearray(base64.urlsafe_b64decode(_TOKENS[3]["token"] + "=="))
    raw[1] = 0x90
    token = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(TokenDecryptError) as caught:
        decrypt_advertising_token(token, vector_keys.lookup)
    assert caught.value.reason is TokenDecryptReason.VERSION_NOT_SUPPORTED
    with pytest.raises(TokenFormatError, match="unknown advertising token version"):
        inspect_token(token)


@pytest.mark.parametrize(
    ("token", "hint"),
    [
        ("", "cannot even hold a version"),
        ("A4AAAABl", "at least"),
        ("A4AA AABl", "not base64"),
        ("A4AA+AB-", "mixes"),
        ("A4AAA", "no base64 encoding produces"),
        ("AgAAAGUM" * 20, "v2 token"),
    ],
)
def test_malformed_tokens_are_format_errors_with_a_reason(token: str, hint: str) -> None:
    with pytest.raises(TokenFormatError, match=hint):
        inspect_token(token)


def test_identity_type_bits_beyond_phone_are_a_format_error(vector_keys: VectorKeys) -> None:
    raw = bytearray(base64.urlsafe_b64decode(_TOKENS[3]["token"] + "=="))
    raw[0] = 0x0B  # type 2
    token = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(TokenFormatError, match="identity type 2"):
        inspect_token(token)


def test_v4_token_is_read_in_either_alphabet(vector_keys: VectorKeys) -> None:
    url = next(t["token"] for t in _TOKENS if "-" in t["token"] or "_" in t["token"])
    std = url.replace("-", "+").replace("_", "/")
    std += "=" * (-len(std) % 4)
    assert inspect_token(std).encoding == "base64"
    assert decrypt_advertising_token(std, vector_keys.lookup) == decrypt_advertising_token(
        url, vector_keys.lookup
    )


def test_v2_identity_shorter_than_its_declared_length_is_invalid_payload(
    vector_keys: VectorKeys,
) -> None:
    iv = bytes(16)
    identity = (123).to_bytes(4, "big") + (200).to_bytes(4, "big") + b"A" * 30  # 200 promised
    master_payload = (
        (2**62).to_bytes(8, "big")
        + vector_keys.site.id.to_bytes(4, "big")
        + iv
        + cbc_encrypt(vector_keys.site.secret, iv, identity)
    )
    raw = (
        b"\x02"
        + vector_keys.master.id.to_bytes(4, "big")
        + iv
        + cbc_encrypt(vector_keys.master.secret, iv, master_payload)
    )
    with pytest.raises(TokenDecryptError, match="ends early") as caught:
        decrypt_advertising_token(base64.b64encode(raw).decode(), vector_keys.lookup)
    assert caught.value.reason is TokenDecryptReason.INVALID_PAYLOAD

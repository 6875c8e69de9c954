"""Refresh tokens (uid2-protocol.md §6.4): the inner v3 token and the 388-character wrapper.

Inner (124 bytes, 168 characters): ``identity byte || 0x70 || refresh key id(4) ||
GCM(refresh key)[90-byte payload]``. Wrapper (291 bytes, 388 characters): ``scope<<4 ||
refresh key id(4) || GCM(refresh key)[{"refresh_response_key":…,"refresh_token":…}]``,
the JSON compact as Vert.x/Jackson writes it. Both standard base64 with padding.
"""

from __future__ import annotations

import base64
import binascii
import json

from uid2_desk.protocol.crypto import KEY_LENGTH, gcm_decrypt, gcm_encrypt
from uid2_desk.protocol.errors import (
    PayloadError,
    TokenDecryptError,
    TokenDecryptReason,
    TokenFormatError,
)
from uid2_desk.protocol.tokens_advertising import (
    encode_operator,
    encode_publisher,
    read_operator,
    read_publisher,
)
from uid2_desk.protocol.tokens_header import identity_byte, read_identity_byte
from uid2_desk.protocol.tokens_model import (
    IdentityScope,
    Key,
    KeyLookup,
    RefreshTokenContents,
    TokenVersion,
    UnwrappedRefreshToken,
)
from uid2_desk.protocol.tokens_wire import Reader, decode_std_strict, encode_std, i32, i64

REFRESH_TOKEN_WRAPPER_LENGTH = 388
INNER_REFRESH_TOKEN_LENGTH = 168
REFRESH_PAYLOAD_LENGTH = 90
FIRST_LEVEL_HASH_LENGTH = 32
_HEADER = 6
_WRAPPER_HEADER = 5


def encrypt_refresh_token(
    c: RefreshTokenContents, refresh_key: Key, *, iv: bytes | None = None
) -> str:
    """Encrypt the inner v3 refresh token (168 characters); the key's id is written."""
    if len(c.first_level_hash) != FIRST_LEVEL_HASH_LENGTH:
        raise TokenFormatError(
            f"a refresh token carries a {FIRST_LEVEL_HASH_LENGTH}-byte first-level hash, "
            f"got {len(c.first_level_hash)} bytes"
        )
    kind = identity_byte(c.scope, c.identity_type)
    payload = (
        i64(c.expires_ms)
        + i64(c.created_ms)
        + encode_operator(c.operator)
        + encode_publisher(c.publisher)
        + i32(c.privacy_bits)
        + i64(c.established_ms)
        + bytes([kind])
        + c.first_level_hash
    )
    raw = (
        bytes([kind, TokenVersion.V3.wire_byte])
        + i32(refresh_key.id)
        + gcm_encrypt(refresh_key.secret, payload, iv)
    )
    return encode_std(raw)


def decrypt_refresh_token(token: str, keys: KeyLookup) -> RefreshTokenContents:
    """Decrypt an inner v3 refresh token.

    Raises:
        TokenFormatError: not base64, too short, or an unknown identity type.
        TokenDecryptError: ``VERSION_NOT_SUPPORTED`` (not v3), ``NOT_AUTHORIZED_FOR_KEY``
            (refresh key unknown), ``INVALID_PAYLOAD`` (wrong payload size, or header and
            payload disagree on scope or type, which the operator also refuses).
        DecryptionError: the refresh key does not authenticate the data.
    """
    raw = decode_std_strict(token, "refresh token")
    if len(raw) < _HEADER + 28:
        raise TokenFormatError(
            f"the refresh token is {len(raw)} bytes; an inner refresh token is "
            f"{INNER_REFRESH_TOKEN_LENGTH} characters (124 bytes)"
        )
    if raw[1] != TokenVersion.V3.wire_byte:
        raise TokenDecryptError(
            f"refresh token version byte is {raw[1]:#04x}; only v3 (0x70) is issued today",
            TokenDecryptReason.VERSION_NOT_SUPPORTED,
        )
    scope, identity_type = read_identity_byte(raw[0], "refresh token")
    key_id = int.from_bytes(raw[2:_HEADER], "big", signed=True)
    key = keys(key_id)
    if key is None:
        raise TokenDecryptError(
            f"refresh key {key_id} does not exist here; the token comes from another operator "
            "or environment",
            TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY,
        )
    payload = gcm_decrypt(key.secret, raw[_HEADER:])
    if len(payload) != REFRESH_PAYLOAD_LENGTH:
        raise TokenDecryptError(
            f"the refresh token payload is {len(payload)} bytes, not {REFRESH_PAYLOAD_LENGTH}",
            TokenDecryptReason.INVALID_PAYLOAD,
        )
    r = Reader(payload, "refresh token payload")
    expires_ms = r.i64()
    created_ms = r.i64()
    operator = read_operator(r)
    publisher = read_publisher(r)
    privacy_bits = r.i32()
    established_ms = r.i64()
    inner_kind = r.u8()
    try:
        inner = read_identity_byte(inner_kind, "refresh token payload")
    except TokenFormatError as err:
        raise TokenDecryptError(str(err), TokenDecryptReason.INVALID_PAYLOAD) from None
    if inner != (scope, identity_type):
        raise TokenDecryptError(
            "the refresh token's header and payload disagree on scope or identity type",
            TokenDecryptReason.INVALID_PAYLOAD,
        )
    return RefreshTokenContents(
        scope=scope,
        identity_type=identity_type,
        expires_ms=expires_ms,
        created_ms=created_ms,
        operator=operator,
        publisher=publisher,
        privacy_bits=privacy_bits,
        established_ms=established_ms,
        first_level_hash=r.rest(),
        refresh_key_id=key_id,
    )


def wrap_refresh_token(
    inner_token: str,
    refresh_response_key: bytes,
    refresh_key: Key,
    scope: IdentityScope,
    *,
    iv: bytes | None = None,
) -> str:
    """Build the 388-character refresh token clients hold (the operator's v2 API wrapper).

    Raises :class:`TokenFormatError` unless ``inner_token`` is 168 characters and
    ``refresh_response_key`` 32 bytes (anything else cannot give 388 characters).
    """
    if len(inner_token) != INNER_REFRESH_TOKEN_LENGTH or len(refresh_response_key) != KEY_LENGTH:
        raise TokenFormatError(
            f"a 388-character refresh token wraps a {INNER_REFRESH_TOKEN_LENGTH}-character inner "
            f"token and a {KEY_LENGTH}-byte key; got {len(inner_token)} characters and "
            f"{len(refresh_response_key)} bytes"
        )
    # Insertion order and separators reproduce Vert.x JsonObject.encode() byte for byte.
    document = json.dumps(
        {
            "refresh_response_key": base64.b64encode(refresh_response_key).decode("ascii"),
            "refresh_token": inner_token,
        },
        separators=(",", ":"),
        ensure_ascii=True,
    )
    raw = (
        bytes([int(scope) << 4])
        + i32(refresh_key.id)
        + gcm_encrypt(refresh_key.secret, document.encode("utf-8"), iv)
    )
    wrapper = encode_std(raw)
    if len(wrapper) != REFRESH_TOKEN_WRAPPER_LENGTH:
        raise TokenFormatError(
            f"the inner token needs JSON escaping, so the wrapper would be {len(wrapper)} "
            f"characters, not {REFRESH_TOKEN_WRAPPER_LENGTH}; the inner token must be base64"
        )
    return wrapper


def read_wrapper_header(wrapper: str) -> tuple[IdentityScope, int, bytes]:
    """Check length and base64 of a wrapper; return its scope, refresh key id and raw bytes."""
    if len(wrapper) != REFRESH_TOKEN_WRAPPER_LENGTH:
        raise TokenFormatError(
            f"the refresh token is {len(wrapper)} characters; a v2 refresh token is exactly "
            f"{REFRESH_TOKEN_WRAPPER_LENGTH} (the operator treats any other length as a bare "
            "legacy token); pass the value from the identity unchanged"
        )
    raw = decode_std_strict(wrapper, "refresh token")
    if len(raw) < _WRAPPER_HEADER + 28:
        # Not reached in tests: 388 strict base64 characters always decode to 289-291 bytes;
        # kept so the slices below never read a header that is not there.
        raise TokenFormatError("the refresh token decodes to too few bytes to be a wrapper")
    scope = IdentityScope((raw[0] >> 4) & 1)
    key_id = int.from_bytes(raw[1:_WRAPPER_HEADER], "big", signed=True)
    return scope, key_id, raw


def unwrap_refresh_token(wrapper: str, keys: KeyLookup) -> UnwrappedRefreshToken:
    """Open a 388-character refresh token, as the operator's refresh handler does.

    Raises:
        TokenFormatError: not 388 characters or not standard base64.
        TokenDecryptError: ``NOT_AUTHORIZED_FOR_KEY`` when the refresh key id is unknown.
        DecryptionError: the refresh key does not authenticate the data.
        PayloadError: the decrypted JSON is malformed or lacks a field.
    """
    scope, key_id, raw = read_wrapper_header(wrapper)
    key = keys(key_id)
    if key is None:
        raise TokenDecryptError(
            f"refresh key {key_id} that encrypted this refresh token does not exist here; the "
            "token comes from another operator or environment",
            TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY,
        )
    plaintext = gcm_decrypt(key.secret, raw[_WRAPPER_HEADER:])
    try:
        document = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PayloadError("the refresh token's payload is not valid JSON") from None
    if not isinstance(document, dict):
        raise PayloadError("the refresh token's payload is JSON but not an object")
    response_key_b64 = document.get("refresh_response_key")
    inner = document.get("refresh_token")
    if not isinstance(inner, str):
        raise PayloadError("the refresh token's payload has no string 'refresh_token'")
    if not isinstance(response_key_b64, str):
        raise PayloadError("the refresh token's payload has no string 'refresh_response_key'")
    try:
        response_key = base64.b64decode(response_key_b64, validate=True)
    except (binascii.Error, ValueError):
        raise PayloadError("'refresh_response_key' in the refresh token is not base64") from None
    if len(response_key) != KEY_LENGTH:
        raise PayloadError(
            f"'refresh_response_key' in the refresh token is {len(response_key)} bytes, "
            f"not {KEY_LENGTH}"
        )
    return UnwrappedRefreshToken(
        inner_token=inner, refresh_response_key=response_key, key_id=key_id, scope=scope
    )

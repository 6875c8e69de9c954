"""Reading an advertising token's clear-text header: version, scope, type, master key id.

uid2-protocol.md §6.2/§6.3: v2 starts ``0x02 || master key id``; v3 and v4 start
``scope<<4 | type<<2 | 3 || 0x70 or 0x80 || master key id``. Detection follows the official
SDK: byte 0 equal to 2 means v2, otherwise byte 1 names the version.
"""

from __future__ import annotations

from uid2_desk.protocol.crypto import IV_LENGTH, TAG_LENGTH
from uid2_desk.protocol.errors import TokenDecryptError, TokenDecryptReason, TokenFormatError
from uid2_desk.protocol.tokens_model import IdentityScope, IdentityType, TokenHeader, TokenVersion
from uid2_desk.protocol.tokens_wire import CBC_BLOCK, decode_token_text, token_encoding

#: v3/v4: header 6, master GCM 28, master fields 33, site GCM 28, site fields 36 (+ raw UID).
MIN_V3_TOKEN_BYTES = 6 + IV_LENGTH + TAG_LENGTH + 33 + IV_LENGTH + TAG_LENGTH + 36
#: v2: header 5, IV 16, then CBC of at least 60 bytes of master payload (64 padded).
V2_PREFIX_BYTES = 1 + 4 + CBC_BLOCK
MIN_V2_TOKEN_BYTES = V2_PREFIX_BYTES + 4 * CBC_BLOCK

_VERSION_BY_BYTE1 = {v.wire_byte: v for v in (TokenVersion.V3, TokenVersion.V4)}


def identity_byte(scope: IdentityScope, identity_type: IdentityType) -> int:
    """The first byte of v3/v4 tokens and of refresh tokens: ``scope<<4 | type<<2 | 3``."""
    return (int(scope) << 4) | (int(identity_type) << 2) | 3


def read_identity_byte(value: int, what: str) -> tuple[IdentityScope, IdentityType]:
    """Split a v3+ first byte into scope and type; an unknown type is a format error."""
    type_bits = (value & 0x0F) >> 2
    if type_bits not in (IdentityType.EMAIL, IdentityType.PHONE):
        raise TokenFormatError(
            f"the {what} declares identity type {type_bits}; only 0 (email) and 1 (phone) exist"
        )
    return IdentityScope((value & 0x10) >> 4), IdentityType(type_bits)


def version_of(raw: bytes) -> TokenVersion:
    """Name the version of decoded token bytes.

    Raises :class:`TokenFormatError` when too short to tell and
    :class:`TokenDecryptError` (``VERSION_NOT_SUPPORTED``) for an unknown version.
    """
    if len(raw) < 2:
        raise TokenFormatError(
            f"the advertising token is {len(raw)} bytes long; it cannot even hold a version"
        )
    if raw[0] == TokenVersion.V2.wire_byte:
        return TokenVersion.V2
    version = _VERSION_BY_BYTE1.get(raw[1])
    if version is None:
        raise TokenDecryptError(
            f"unknown advertising token version: byte 0 is {raw[0]:#04x} and byte 1 is "
            f"{raw[1]:#04x}; known are v2 (byte 0 = 0x02), v3 (byte 1 = 0x70) and "
            "v4 (byte 1 = 0x80)",
            TokenDecryptReason.VERSION_NOT_SUPPORTED,
        )
    return version


def check_length(raw: bytes, version: TokenVersion) -> None:
    """Raise :class:`TokenFormatError` when ``raw`` is too short for its version's layout."""
    if version is TokenVersion.V2:
        if len(raw) < MIN_V2_TOKEN_BYTES or (len(raw) - V2_PREFIX_BYTES) % CBC_BLOCK:
            raise TokenFormatError(
                f"a v2 token is {V2_PREFIX_BYTES} bytes plus whole 16-byte blocks, at least "
                f"{MIN_V2_TOKEN_BYTES} bytes; this one is {len(raw)}: it was cut or altered"
            )
    elif len(raw) < MIN_V3_TOKEN_BYTES:
        raise TokenFormatError(
            f"a {version.name.lower()} token is at least {MIN_V3_TOKEN_BYTES} bytes; this one is "
            f"{len(raw)}: it was cut short"
        )


def master_key_id_of(raw: bytes, version: TokenVersion) -> int:
    """The master key id, a big-endian Java ``int`` after the version byte(s)."""
    start = 1 if version is TokenVersion.V2 else 2
    return int.from_bytes(raw[start : start + 4], "big", signed=True)


def inspect_token(token: str) -> TokenHeader:
    """Read what an advertising token says about itself, with no key at all.

    Raises :class:`TokenFormatError` when ``token`` is not an advertising token of a known
    version (not base64, too short, unknown version byte, unknown identity type).
    """
    raw = decode_token_text(token, "advertising token")
    try:
        version = version_of(raw)
    except TokenDecryptError as err:
        raise TokenFormatError(str(err)) from None
    check_length(raw, version)
    scope: IdentityScope | None = None
    identity_type: IdentityType | None = None
    if version is not TokenVersion.V2:
        scope, identity_type = read_identity_byte(raw[0], "advertising token")
    return TokenHeader(
        version=version,
        scope=scope,
        identity_type=identity_type,
        encoding=token_encoding(token, url_by_default=version is TokenVersion.V4),
        master_key_id=master_key_id_of(raw, version),
        length=len(token),
    )


def check_expiry(expires_ms: int, now_ms: int | None) -> None:
    """Raise ``EXPIRED_TOKEN`` when ``expires_ms < now_ms`` (the SDKs' comparison)."""
    if now_ms is not None and expires_ms < now_ms:
        raise TokenDecryptError(
            f"the advertising token expired {now_ms - expires_ms} ms before the time given; "
            "the publisher must refresh it",
            TokenDecryptReason.EXPIRED_TOKEN,
        )

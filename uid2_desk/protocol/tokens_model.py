"""Value objects of the token codec: scopes, types, versions, keys and decoded contents.

Kept apart from the byte layouts so :mod:`uid2_desk.protocol.normalize` can name an
:class:`IdentityType` without importing any cryptography. Import these names from
:mod:`uid2_desk.protocol.tokens`, which re-exports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import IntEnum


class IdentityScope(IntEnum):
    """Which ID system a token belongs to; bit 4 of a token's first byte."""

    UID2 = 0
    EUID = 1


class IdentityType(IntEnum):
    """What kind of DII the identity was made from; bits 2-3 of a token's first byte."""

    EMAIL = 0
    PHONE = 1


class TokenVersion(IntEnum):
    """Advertising token versions (the number people use, not the wire byte)."""

    V2 = 2
    V3 = 3
    V4 = 4

    @property
    def wire_byte(self) -> int:
        """The byte that marks this version on the wire (byte 0 for v2, byte 1 otherwise)."""
        return _WIRE_BYTES[self]


_WIRE_BYTES = {TokenVersion.V2: 0x02, TokenVersion.V3: 0x70, TokenVersion.V4: 0x80}

#: Key ids are written as big-endian signed 32-bit ints by the operator.
MAX_KEY_ID = 2**31 - 1


@dataclass(frozen=True)
class Key:
    """One AES-256 key of the operator's key store (master, site or refresh key).

    Attributes:
        id: the key id written into tokens.
        secret: 32 raw key bytes (never shown in ``repr``).
        keyset_id: keyset the key belongs to (master keys report 9999999 to SDKs).
        site_id: site that owns the key, if known.
        created_s / activates_s / expires_s: epoch **seconds**, as key endpoints publish them.
    """

    id: int
    secret: bytes = field(repr=False)
    keyset_id: int | None = None
    site_id: int | None = None
    created_s: int = 0
    activates_s: int = 0
    expires_s: int = 2**62


#: Finds a key by id, or ``None`` when the caller does not hold it.
KeyLookup = Callable[[int], Key | None]


def key_lookup(keys: Iterable[Key]) -> KeyLookup:
    """Build a :data:`KeyLookup` over ``keys`` (a later key with the same id wins)."""
    by_id = {key.id: key for key in keys}
    return by_id.get


@dataclass(frozen=True)
class TokenHeader:
    """What can be read from an advertising token without any key.

    Attributes:
        version: v2, v3 or v4.
        scope: UID2/EUID, or ``None`` for v2 (which does not record it).
        identity_type: email/phone, or ``None`` for v2.
        encoding: ``"base64"`` or ``"base64url"``, the text alphabet the token uses.
        master_key_id: id of the master key that encrypts the outer layer.
        length: the token's length in characters.
    """

    version: TokenVersion
    scope: IdentityScope | None
    identity_type: IdentityType | None
    encoding: str
    master_key_id: int
    length: int


@dataclass(frozen=True)
class OperatorIdentity:
    """Which operator made a token (13 bytes: site 4, type 1, version 4, key id 4)."""

    site_id: int = 1
    operator_type: int = 1
    version: int = 0
    key_id: int = 0


@dataclass(frozen=True)
class PublisherIdentity:
    """Which publisher a token was issued to (16 bytes: site 4, publisher 8, client key 4)."""

    site_id: int
    publisher_id: int = 0
    client_key_id: int = 0


@dataclass(frozen=True)
class AdvertisingTokenContents:
    """Everything an advertising token carries, decrypted.

    Times are epoch milliseconds. ``raw_uid`` is the 32- or 33-byte raw UID2/EUID.
    ``master_key_id`` and ``site_key_id`` are read from the token when decrypting; when
    encrypting, the keys passed to the encoder decide them and these two fields are ignored.
    For v2 tokens (which carry less) see :func:`decrypt_advertising_token`.
    """

    version: TokenVersion
    scope: IdentityScope
    identity_type: IdentityType
    raw_uid: bytes
    expires_ms: int
    generated_ms: int
    established_ms: int
    refreshed_ms: int
    privacy_bits: int
    operator: OperatorIdentity
    publisher: PublisherIdentity
    master_key_id: int
    site_key_id: int


@dataclass(frozen=True)
class RefreshTokenContents:
    """Everything the inner (v3, 168-character) refresh token carries, decrypted.

    ``first_level_hash`` is the 32-byte first-level hash of the DII; ``refresh_key_id`` is
    read from the token when decrypting and ignored when encrypting (the key decides).
    """

    scope: IdentityScope
    identity_type: IdentityType
    expires_ms: int
    created_ms: int
    operator: OperatorIdentity
    publisher: PublisherIdentity
    privacy_bits: int
    established_ms: int
    first_level_hash: bytes
    refresh_key_id: int


@dataclass(frozen=True)
class UnwrappedRefreshToken:
    """The 388-character refresh token clients hold, opened.

    Attributes:
        inner_token: the 168-character inner refresh token.
        refresh_response_key: 32-byte AES key the refresh reply must be encrypted with.
        key_id: id of the refresh key the wrapper was encrypted with.
        scope: the scope byte at the front of the wrapper.
    """

    inner_token: str
    refresh_response_key: bytes = field(repr=False)
    key_id: int
    scope: IdentityScope

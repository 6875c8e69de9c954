"""The advertising token codec: v3 and v4 here, v2 delegated to :mod:`tokens_v2`.

v3 and v4 share the operator's ``EncryptedTokenEncoder.encodeV3`` layout (uid2-protocol.md
§6.2); only the version byte and the text alphabet differ (v4 is base64url without padding).
Decryption checks in the official SDK's order: master key known, master layer opens,
not expired, site key known, site layer opens.
"""

from __future__ import annotations

from uid2_desk.protocol.crypto import gcm_decrypt, gcm_encrypt
from uid2_desk.protocol.errors import TokenDecryptError, TokenDecryptReason
from uid2_desk.protocol.tokens_header import (
    check_expiry,
    check_length,
    identity_byte,
    master_key_id_of,
    read_identity_byte,
    version_of,
)
from uid2_desk.protocol.tokens_model import (
    AdvertisingTokenContents,
    IdentityScope,
    Key,
    KeyLookup,
    OperatorIdentity,
    PublisherIdentity,
    TokenVersion,
)
from uid2_desk.protocol.tokens_v2 import decrypt_v2, encrypt_v2
from uid2_desk.protocol.tokens_wire import (
    Reader,
    decode_token_text,
    encode_std,
    encode_url,
    i32,
    i64,
)


def encode_operator(op: OperatorIdentity) -> bytes:
    """The 13-byte operator identity: site 4, type 1, version 4, key id 4."""
    return i32(op.site_id) + bytes([op.operator_type]) + i32(op.version) + i32(op.key_id)


def read_operator(r: Reader) -> OperatorIdentity:
    """Read the 13-byte operator identity."""
    return OperatorIdentity(site_id=r.i32(), operator_type=r.u8(), version=r.i32(), key_id=r.i32())


def encode_publisher(pub: PublisherIdentity) -> bytes:
    """The 16-byte publisher identity: site 4, publisher id 8, client key id 4."""
    return i32(pub.site_id) + i64(pub.publisher_id) + i32(pub.client_key_id)


def read_publisher(r: Reader) -> PublisherIdentity:
    """Read the 16-byte publisher identity."""
    return PublisherIdentity(site_id=r.i32(), publisher_id=r.i64(), client_key_id=r.i32())


def encrypt_advertising_token(
    c: AdvertisingTokenContents,
    master_key: Key,
    site_key: Key,
    *,
    iv_master: bytes | None = None,
    iv_site: bytes | None = None,
) -> str:
    """Encrypt ``c`` as the operator does: v4 base64url, v3 standard base64, v2 legacy CBC.

    IVs are random unless given (12 bytes for v3/v4 GCM, 16 for v2 CBC). The key ids written
    are ``master_key.id`` and ``site_key.id``.
    """
    if c.version is TokenVersion.V2:
        return encrypt_v2(c, master_key, site_key, iv_master=iv_master, iv_site=iv_site)
    site_payload = (
        encode_publisher(c.publisher)
        + i32(c.privacy_bits)
        + i64(c.established_ms)
        + i64(c.refreshed_ms)
        + c.raw_uid
    )
    master_payload = (
        i64(c.expires_ms)
        + i64(c.generated_ms)
        + encode_operator(c.operator)
        + i32(site_key.id)
        + gcm_encrypt(site_key.secret, site_payload, iv_site)
    )
    raw = (
        bytes([identity_byte(c.scope, c.identity_type), c.version.wire_byte])
        + i32(master_key.id)
        + gcm_encrypt(master_key.secret, master_payload, iv_master)
    )
    return encode_url(raw) if c.version is TokenVersion.V4 else encode_std(raw)


def decrypt_advertising_token(
    token: str,
    keys: KeyLookup,
    *,
    now_ms: int | None = None,
    v2_scope: IdentityScope = IdentityScope.UID2,
) -> AdvertisingTokenContents:
    """Decrypt a v2, v3 or v4 advertising token with the keys ``keys`` finds.

    Raises:
        TokenFormatError: not base64, too short for its layout, or an unknown identity type.
        TokenDecryptError: ``VERSION_NOT_SUPPORTED``; ``NOT_AUTHORIZED_FOR_MASTER_KEY`` or
            ``NOT_AUTHORIZED_FOR_KEY`` when a key is not held; ``EXPIRED_TOKEN`` when
            ``now_ms`` is given and the expiry is before it (the SDKs' ``expires < now``);
            ``INVALID_PAYLOAD`` when decrypted fields do not fit the layout.
        DecryptionError: a key with the right id does not authenticate the data.

    v2 tokens carry no scope, type, generation time or operator: the result then has
    ``v2_scope``, email, ``generated_ms = refreshed_ms = established_ms`` and the
    operator's defaults, as the operator's own v2 decoder fills them in. A 33-byte raw UID's
    metadata byte is not compared with the header (the SDKs do not either).
    """
    raw = decode_token_text(token, "advertising token")
    version = version_of(raw)
    check_length(raw, version)
    if version is TokenVersion.V2:
        return decrypt_v2(raw, keys, now_ms=now_ms, scope=v2_scope)
    scope, identity_type = read_identity_byte(raw[0], "advertising token")
    master_key_id = master_key_id_of(raw, version)
    master_key = keys(master_key_id)
    if master_key is None:
        raise TokenDecryptError(
            f"master key {master_key_id} is not among the keys held; refresh the keys "
            "(/v2/key/bidstream or /v2/key/sharing) or check the environment",
            TokenDecryptReason.NOT_AUTHORIZED_FOR_MASTER_KEY,
        )
    master = Reader(gcm_decrypt(master_key.secret, raw[6:]), "master payload")
    expires_ms = master.i64()
    generated_ms = master.i64()
    operator = read_operator(master)
    site_key_id = master.i32()
    check_expiry(expires_ms, now_ms)
    site_key = keys(site_key_id)
    if site_key is None:
        raise TokenDecryptError(
            f"site key {site_key_id} is not among the keys held: this caller may not read "
            "tokens of that site, or the keys need a refresh",
            TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY,
        )
    site = Reader(gcm_decrypt(site_key.secret, master.rest()), "site payload")
    publisher = read_publisher(site)
    privacy_bits = site.i32()
    established_ms = site.i64()
    refreshed_ms = site.i64()
    return AdvertisingTokenContents(
        version=version,
        scope=scope,
        identity_type=identity_type,
        raw_uid=site.rest(),
        expires_ms=expires_ms,
        generated_ms=generated_ms,
        established_ms=established_ms,
        refreshed_ms=refreshed_ms,
        privacy_bits=privacy_bits,
        operator=operator,
        publisher=publisher,
        master_key_id=master_key_id,
        site_key_id=site_key_id,
    )

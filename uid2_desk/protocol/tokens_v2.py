"""Legacy v2 advertising tokens (uid2-protocol.md §6.3): AES-256-CBC, still decryptable.

``0x02 || master key id(4) || IV16 || CBC(master)[ expires_ms(8) || site key id(4) || IV16 ||
CBC(site)[ site id(4) || len(4) || base64(raw UID) || privacy bits(4) || established_ms(8) ] ]``,
standard base64. The operator no longer issues them; the desk still reads them.
"""

from __future__ import annotations

import base64
import binascii

from uid2_desk.protocol.crypto import random_bytes
from uid2_desk.protocol.errors import TokenDecryptError, TokenDecryptReason
from uid2_desk.protocol.tokens_header import check_expiry
from uid2_desk.protocol.tokens_model import (
    AdvertisingTokenContents,
    IdentityScope,
    IdentityType,
    Key,
    KeyLookup,
    OperatorIdentity,
    PublisherIdentity,
    TokenVersion,
)
from uid2_desk.protocol.tokens_wire import (
    CBC_BLOCK,
    Reader,
    cbc_decrypt,
    cbc_encrypt,
    encode_std,
    i32,
    i64,
)


def encrypt_v2(
    c: AdvertisingTokenContents,
    master_key: Key,
    site_key: Key,
    *,
    iv_master: bytes | None = None,
    iv_site: bytes | None = None,
) -> str:
    """Encrypt the fields a v2 token can hold (16-byte CBC IVs, random unless given)."""
    iv_master = iv_master if iv_master is not None else random_bytes(CBC_BLOCK)
    iv_site = iv_site if iv_site is not None else random_bytes(CBC_BLOCK)
    uid_text = base64.b64encode(c.raw_uid)
    identity = (
        i32(c.publisher.site_id)
        + i32(len(uid_text))
        + uid_text
        + i32(c.privacy_bits)
        + i64(c.established_ms)
    )
    master_payload = (
        i64(c.expires_ms)
        + i32(site_key.id)
        + iv_site
        + cbc_encrypt(site_key.secret, iv_site, identity)
    )
    raw = (
        bytes([TokenVersion.V2.wire_byte])
        + i32(master_key.id)
        + iv_master
        + cbc_encrypt(master_key.secret, iv_master, master_payload)
    )
    return encode_std(raw)


def decrypt_v2(
    raw: bytes, keys: KeyLookup, *, now_ms: int | None, scope: IdentityScope
) -> AdvertisingTokenContents:
    """Decrypt decoded v2 token bytes; see ``decrypt_advertising_token`` for the rules."""
    outer = Reader(raw, "v2 token")
    outer.take(1)
    master_key_id = outer.i32()
    master_iv = outer.take(CBC_BLOCK)
    master_key = keys(master_key_id)
    if master_key is None:
        raise TokenDecryptError(
            f"master key {master_key_id} is not among the keys held; refresh the keys",
            TokenDecryptReason.NOT_AUTHORIZED_FOR_MASTER_KEY,
        )
    master = Reader(cbc_decrypt(master_key.secret, master_iv, outer.rest()), "v2 master payload")
    expires_ms = master.i64()
    site_key_id = master.i32()
    check_expiry(expires_ms, now_ms)
    site_key = keys(site_key_id)
    if site_key is None:
        raise TokenDecryptError(
            f"site key {site_key_id} is not among the keys held",
            TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY,
        )
    site_iv = master.take(CBC_BLOCK)
    site = Reader(cbc_decrypt(site_key.secret, site_iv, master.rest()), "v2 site payload")
    site_id = site.i32()
    uid_text = site.take(site.i32())
    privacy_bits = site.i32()
    established_ms = site.i64()
    try:
        raw_uid = base64.b64decode(uid_text, validate=True)
    except (binascii.Error, ValueError):
        raise TokenDecryptError(
            "the v2 token's identity is not base64; the token was not made by an operator",
            TokenDecryptReason.INVALID_PAYLOAD,
        ) from None
    return AdvertisingTokenContents(
        version=TokenVersion.V2,
        scope=scope,
        identity_type=IdentityType.EMAIL,
        raw_uid=raw_uid,
        expires_ms=expires_ms,
        generated_ms=established_ms,
        established_ms=established_ms,
        refreshed_ms=established_ms,
        privacy_bits=privacy_bits,
        operator=OperatorIdentity(site_id=0, operator_type=1, version=0, key_id=0),
        publisher=PublisherIdentity(site_id=site_id),
        master_key_id=master_key_id,
        site_key_id=site_key_id,
    )

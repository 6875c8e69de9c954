"""What the legacy v2 advertising token codec must do (uid2-protocol.md §6.3).

Written against survivors of a whole-module mutation run of ``tokens_v2`` (issue 19): the v2
vector re-encrypts byte for byte from its own IVs, an expired v2 token is refused, and each
refusal names what it refused in the words the person at the desk reads.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.protocol.conftest import VectorKeys
from uid2_desk.protocol.errors import TokenDecryptError, TokenDecryptReason
from uid2_desk.protocol.tokens import (
    decrypt_advertising_token,
    encrypt_advertising_token,
    key_lookup,
)
from uid2_desk.protocol.tokens_wire import CBC_BLOCK, cbc_decrypt, cbc_encrypt, i32, i64

# Far enough ahead that no test clock reaches it.
_FAR_EXPIRY_MS = 2**62


def _v2_vector(vectors: dict[str, Any]) -> dict[str, Any]:
    tokens: list[dict[str, Any]] = vectors["advertising_tokens"]["tokens"]
    return next(t for t in tokens if t["version"] == 2)


def _ms(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).timestamp() * 1000)


def _hand_made_v2(keys: VectorKeys, identity: bytes) -> str:
    """A v2 token around ``identity`` (the site payload's plain text), built field by field."""
    iv = bytes(range(CBC_BLOCK))
    master_payload = (
        i64(_FAR_EXPIRY_MS) + i32(keys.site.id) + iv + cbc_encrypt(keys.site.secret, iv, identity)
    )
    raw = b"\x02" + i32(keys.master.id) + iv + cbc_encrypt(keys.master.secret, iv, master_payload)
    return base64.b64encode(raw).decode()


def test_the_v2_vector_re_encrypts_byte_for_byte_from_its_own_ivs(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    token = _v2_vector(vectors)["token"]
    raw = base64.b64decode(token)
    iv_master = raw[5 : 5 + CBC_BLOCK]
    master_payload = cbc_decrypt(vector_keys.master.secret, iv_master, raw[5 + CBC_BLOCK :])
    iv_site = master_payload[12 : 12 + CBC_BLOCK]  # after expiry(8) and site key id(4)
    contents = decrypt_advertising_token(token, vector_keys.lookup)
    again = encrypt_advertising_token(
        contents, vector_keys.master, vector_keys.site, iv_master=iv_master, iv_site=iv_site
    )
    assert again == token


def test_a_v2_token_is_refused_as_expired_only_after_its_expiry(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    vector = _v2_vector(vectors)
    expires_ms = _ms(vector["decrypt"]["bidstream"]["expiry"])
    at_expiry = decrypt_advertising_token(vector["token"], vector_keys.lookup, now_ms=expires_ms)
    assert at_expiry.expires_ms == expires_ms
    with pytest.raises(TokenDecryptError) as refused:
        decrypt_advertising_token(vector["token"], vector_keys.lookup, now_ms=expires_ms + 1)
    assert refused.value.reason is TokenDecryptReason.EXPIRED_TOKEN


def test_a_v2_token_without_its_site_key_names_the_missing_key(
    vectors: dict[str, Any], vector_keys: VectorKeys
) -> None:
    with pytest.raises(TokenDecryptError) as refused:
        decrypt_advertising_token(_v2_vector(vectors)["token"], key_lookup([vector_keys.master]))
    assert refused.value.reason is TokenDecryptReason.NOT_AUTHORIZED_FOR_KEY
    assert str(refused.value) == "site key 104 is not among the keys held"


def test_a_v2_identity_cut_short_is_refused_naming_the_v2_site_payload(
    vector_keys: VectorKeys,
) -> None:
    identity = i32(123) + i32(200) + b"A" * 30  # 200 bytes of UID text promised, 30 given
    with pytest.raises(TokenDecryptError) as refused:
        decrypt_advertising_token(_hand_made_v2(vector_keys, identity), vector_keys.lookup)
    assert refused.value.reason is TokenDecryptReason.INVALID_PAYLOAD
    assert str(refused.value).startswith("the v2 site payload ends early: 200 more bytes")


@pytest.mark.parametrize("uid_text", [b"AAAA!AAAA", b"AAAA AAAA", b"AAAA-AAAA"])
def test_a_v2_identity_that_is_not_strict_base64_is_refused_as_invalid_payload(
    uid_text: bytes, vector_keys: VectorKeys
) -> None:
    # A lenient decoder would skip the stray characters and return a UID nobody issued.
    identity = i32(123) + i32(len(uid_text)) + uid_text + i32(0) + i64(1_735_689_600_000)
    with pytest.raises(TokenDecryptError) as refused:
        decrypt_advertising_token(_hand_made_v2(vector_keys, identity), vector_keys.lookup)
    assert refused.value.reason is TokenDecryptReason.INVALID_PAYLOAD
    assert str(refused.value) == (
        "the v2 token's identity is not base64; the token was not made by an operator"
    )


def test_a_hand_made_v2_token_with_strict_base64_decrypts_to_its_fields(
    vector_keys: VectorKeys,
) -> None:
    uid = bytes(range(32))
    uid_text = base64.b64encode(uid)
    identity = i32(123) + i32(len(uid_text)) + uid_text + i32(5) + i64(1_735_689_600_000)
    contents = decrypt_advertising_token(_hand_made_v2(vector_keys, identity), vector_keys.lookup)
    assert (contents.raw_uid, contents.privacy_bits, contents.publisher.site_id) == (uid, 5, 123)
    assert contents.expires_ms == _FAR_EXPIRY_MS
    assert dataclasses.astuple(contents.operator) == (0, 1, 0, 0)

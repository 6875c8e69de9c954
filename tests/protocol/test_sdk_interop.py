"""Interop in both directions with the official Python SDK (uid2_client), in process.

Our encoder must make tokens a DSP's BidstreamClient and a sharer's SharingClient accept
(the local operator issues tokens with it); our decoder must read what the SDK makes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from uid2_client import BidstreamClient, EncryptionKey, SharingClient, UID2TokenGenerator
from uid2_client.advertising_token_version import AdvertisingTokenVersion
from uid2_client.decryption_status import DecryptionStatus
from uid2_client.identity_type import IdentityType as SdkIdentityType

from uid2_desk.protocol.tokens import (
    AdvertisingTokenContents,
    IdentityScope,
    IdentityType,
    Key,
    OperatorIdentity,
    PublisherIdentity,
    TokenVersion,
    decrypt_advertising_token,
    encrypt_advertising_token,
    key_lookup,
)

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
NOW_MS = int(NOW.timestamp() * 1000)
HOUR_MS = 3_600_000
MASTER = Key(101, bytes(range(100, 132)), keyset_id=9_999_999, site_id=-1, created_s=1_609_459_200)
SITE = Key(104, bytes(range(1, 33)), keyset_id=501, site_id=123, created_s=1_609_459_200)
SDK_VERSION = {
    TokenVersion.V2: AdvertisingTokenVersion.ADVERTISING_TOKEN_V2,
    TokenVersion.V3: AdvertisingTokenVersion.ADVERTISING_TOKEN_V3,
    TokenVersion.V4: AdvertisingTokenVersion.ADVERTISING_TOKEN_V4,
}
SDK_TYPE = {IdentityType.EMAIL: SdkIdentityType.Email, IdentityType.PHONE: SdkIdentityType.Phone}
CASES = [
    (version, scope, identity_type)
    for version in TokenVersion
    for scope in IdentityScope
    for identity_type in IdentityType
]


def _case_id(case: tuple[TokenVersion, IdentityScope, IdentityType]) -> str:
    return "-".join(part.name for part in case)


def _key_json(key: Key, *, with_keyset: bool) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": key.id,
        "created": key.created_s,
        "activates": key.activates_s,
        "expires": 4_088_629_662,
        "secret": base64.b64encode(key.secret).decode(),
    }
    if with_keyset:
        entry["keyset_id"] = key.keyset_id
    return entry


def _bidstream_keys(scope: IdentityScope) -> str:
    body = {
        "max_bidstream_lifetime_seconds": 259_210,
        "identity_scope": scope.name,
        "allow_clock_skew_seconds": 1800,
        "keys": [_key_json(MASTER, with_keyset=False), _key_json(SITE, with_keyset=False)],
    }
    return json.dumps({"body": body})


def _sharing_keys(scope: IdentityScope) -> str:
    body = {
        "caller_site_id": 123,
        "master_keyset_id": 9_999_999,
        "default_keyset_id": 501,
        "token_expiry_seconds": "2592000",
        "max_sharing_lifetime_seconds": 2_592_010,
        "identity_scope": scope.name,
        "allow_clock_skew_seconds": 1800,
        "keys": [_key_json(MASTER, with_keyset=True), _key_json(SITE, with_keyset=True)],
    }
    return json.dumps({"body": body})


def _issued(
    version: TokenVersion, scope: IdentityScope, identity_type: IdentityType
) -> AdvertisingTokenContents:
    # A token as an operator issues it from a v4 salt bucket: privacy bits 1, 72 h lifetime,
    # a 33-byte raw UID whose metadata byte agrees with the header.
    metadata = bytes([(1 << 5) | (int(scope) << 4) | (int(identity_type) << 2)])
    return AdvertisingTokenContents(
        version=version,
        scope=scope,
        identity_type=identity_type,
        raw_uid=metadata + bytes(range(200, 232)),
        expires_ms=NOW_MS + 71 * HOUR_MS,
        generated_ms=NOW_MS - HOUR_MS,
        established_ms=NOW_MS - 48 * HOUR_MS,
        refreshed_ms=NOW_MS - HOUR_MS,
        privacy_bits=1,
        operator=OperatorIdentity(),
        publisher=PublisherIdentity(site_id=123, client_key_id=7),
        master_key_id=MASTER.id,
        site_key_id=SITE.id,
    )


def _ms(value: dt.datetime) -> int:
    return round(value.timestamp() * 1000)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_bidstream_client_decrypts_what_we_encrypt(
    case: tuple[TokenVersion, IdentityScope, IdentityType],
) -> None:
    contents = _issued(*case)
    token = encrypt_advertising_token(contents, MASTER, SITE)
    client = BidstreamClient("http://127.0.0.1:9", "key", base64.b64encode(bytes(32)).decode())
    assert client._refresh_json(_bidstream_keys(contents.scope)).success
    decrypted = client._decrypt_token_into_raw_uid(token, "example.com", NOW)
    assert decrypted.status is DecryptionStatus.SUCCESS
    assert decrypted.uid == base64.b64encode(contents.raw_uid).decode()
    assert decrypted.advertising_token_version is SDK_VERSION[contents.version]
    assert decrypted.identity_scope == contents.scope
    assert decrypted.site_id == 123
    assert _ms(decrypted.established) == contents.established_ms
    assert _ms(decrypted.expiry) == contents.expires_ms
    if contents.version is TokenVersion.V2:
        assert decrypted.identity_type is None
    else:
        assert decrypted.identity_type == SDK_TYPE[contents.identity_type]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_sharing_client_decrypts_what_we_encrypt(
    case: tuple[TokenVersion, IdentityScope, IdentityType],
) -> None:
    contents = _issued(*case)
    token = encrypt_advertising_token(contents, MASTER, SITE)
    client = SharingClient("http://127.0.0.1:9", "key", base64.b64encode(bytes(32)).decode())
    assert client._refresh_json(_sharing_keys(contents.scope)).success
    decrypted = client._decrypt_token_into_raw_uid(token, NOW)
    assert decrypted.status is DecryptionStatus.SUCCESS
    assert decrypted.uid == base64.b64encode(contents.raw_uid).decode()


def test_bidstream_client_refuses_our_token_after_its_expiry() -> None:
    contents = _issued(TokenVersion.V4, IdentityScope.UID2, IdentityType.EMAIL)
    token = encrypt_advertising_token(contents, MASTER, SITE)
    client = BidstreamClient("http://127.0.0.1:9", "key", base64.b64encode(bytes(32)).decode())
    client._refresh_json(_bidstream_keys(IdentityScope.UID2))
    later = NOW + dt.timedelta(hours=72)
    decrypted = client._decrypt_token_into_raw_uid(token, "example.com", later)
    assert decrypted.status is DecryptionStatus.EXPIRED_TOKEN


def _sdk_key(key: Key) -> EncryptionKey:
    created = dt.datetime.fromtimestamp(key.created_s, tz=dt.UTC)
    expires = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    return EncryptionKey(key.id, key.site_id, created, created, expires, key.secret, key.keyset_id)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_we_decrypt_what_the_sdk_token_generator_makes(
    case: tuple[TokenVersion, IdentityScope, IdentityType],
) -> None:
    version, scope, identity_type = case
    # The SDK's generator takes the type from the raw UID's first base64 character.
    raw_uid = bytes([0x04 if identity_type is IdentityType.PHONE else 0x00]) + bytes(range(32))
    established = NOW - dt.timedelta(days=10)
    generated = NOW - dt.timedelta(hours=1)
    expiry = NOW + dt.timedelta(hours=70)
    token = UID2TokenGenerator.generate_uid_token(
        base64.b64encode(raw_uid).decode(),
        _sdk_key(MASTER),
        123,
        _sdk_key(SITE),
        int(scope),
        SDK_VERSION[version],
        identity_established=established,
        token_generated=generated,
        token_expiry=expiry,
    )
    contents = decrypt_advertising_token(
        token, key_lookup([MASTER, SITE]), now_ms=NOW_MS, v2_scope=scope
    )
    assert contents.raw_uid == raw_uid
    assert contents.version is version
    assert contents.scope is scope
    assert contents.identity_type is (
        IdentityType.EMAIL if version is TokenVersion.V2 else identity_type
    )
    assert contents.established_ms == _ms(established)
    assert contents.expires_ms == _ms(expiry)
    assert contents.publisher.site_id == 123
    if version is not TokenVersion.V2:
        assert contents.generated_ms == _ms(generated)


def test_we_decrypt_a_sharing_token_the_sdk_encrypts() -> None:
    client = SharingClient("http://127.0.0.1:9", "key", base64.b64encode(bytes(32)).decode())
    client._refresh_json(_sharing_keys(IdentityScope.UID2))
    raw_uid = bytes(range(32))
    encrypted = client._encrypt_raw_uid_into_token(base64.b64encode(raw_uid).decode(), None, NOW)
    contents = decrypt_advertising_token(
        encrypted.encrypted_data, key_lookup([MASTER, SITE]), now_ms=NOW_MS
    )
    assert contents.raw_uid == raw_uid
    assert contents.version is TokenVersion.V4
    assert contents.site_key_id == SITE.id
    assert contents.expires_ms == NOW_MS + 2_592_000_000

"""What the desk seals or encrypts, it opens again unchanged (property tests)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.protocol.strategies import (
    LOOKUP,
    MASTER,
    REFRESH,
    SITE,
    advertising_contents,
    any_text,
    iv12,
    java_long,
    key32,
    refresh_contents,
)
from uid2_desk.protocol.envelope import (
    open_refresh_reply,
    open_request,
    open_response,
    seal_refresh_reply,
    seal_request,
    seal_response,
)
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import (
    DiiKind,
    hash_identifier,
    normalize_email,
    normalize_hash,
    parse_dii,
)
from uid2_desk.protocol.tokens import (
    AdvertisingTokenContents,
    IdentityScope,
    IdentityType,
    OperatorIdentity,
    PublisherIdentity,
    RefreshTokenContents,
    TokenVersion,
    decrypt_advertising_token,
    decrypt_refresh_token,
    encrypt_advertising_token,
    encrypt_refresh_token,
    inspect_token,
    unwrap_refresh_token,
    wrap_refresh_token,
)

PROPERTY = settings(max_examples=40, deadline=None)
nonces = st.binary(min_size=8, max_size=8)


@PROPERTY
@given(key32, st.binary(max_size=300), java_long, nonces, st.none() | iv12)
def test_sealed_request_opens_to_what_was_sealed(
    secret: bytes, payload: bytes, ts: int, nonce: bytes, iv: bytes | None
) -> None:
    sealed = seal_request(secret, payload, timestamp_ms=ts, nonce=nonce, iv=iv)
    opened = open_request(secret, sealed.raw)
    assert (opened.timestamp_ms, opened.nonce, opened.payload) == (ts, nonce, payload)
    assert opened.parts == sealed.parts


@PROPERTY
@given(key32, st.binary(max_size=300), java_long, nonces)
def test_sealed_response_opens_with_its_nonce(
    secret: bytes, payload: bytes, ts: int, nonce: bytes
) -> None:
    sealed = seal_response(secret, payload, timestamp_ms=ts, nonce=nonce)
    opened = open_response(secret, sealed.raw, expected_nonce=nonce)
    assert (opened.timestamp_ms, opened.payload) == (ts, payload)


@PROPERTY
@given(key32, st.binary(max_size=300))
def test_sealed_refresh_reply_opens_to_its_json(key: bytes, payload: bytes) -> None:
    opened, parts = open_refresh_reply(key, seal_refresh_reply(key, payload))
    assert opened == payload
    assert parts.version is None


@PROPERTY
@given(advertising_contents((TokenVersion.V3, TokenVersion.V4)))
def test_v3_and_v4_tokens_decrypt_to_exactly_what_was_encrypted(
    contents: AdvertisingTokenContents,
) -> None:
    token = encrypt_advertising_token(contents, MASTER, SITE)
    assert decrypt_advertising_token(token, LOOKUP) == contents
    header = inspect_token(token)
    assert (header.version, header.scope, header.identity_type, header.master_key_id) == (
        contents.version,
        contents.scope,
        contents.identity_type,
        MASTER.id,
    )


@PROPERTY
@given(advertising_contents((TokenVersion.V2,)))
def test_v2_tokens_keep_the_fields_v2_can_carry(contents: AdvertisingTokenContents) -> None:
    token = encrypt_advertising_token(contents, MASTER, SITE)
    decrypted = decrypt_advertising_token(token, LOOKUP, v2_scope=contents.scope)
    assert decrypted == dataclasses.replace(
        contents,
        identity_type=IdentityType.EMAIL,
        generated_ms=contents.established_ms,
        refreshed_ms=contents.established_ms,
        operator=OperatorIdentity(site_id=0, operator_type=1, version=0, key_id=0),
        publisher=PublisherIdentity(site_id=contents.publisher.site_id),
    )


@PROPERTY
@given(refresh_contents, st.none() | iv12, key32, st.sampled_from(IdentityScope))
def test_refresh_token_and_its_wrapper_round_trip(
    contents: RefreshTokenContents, iv: bytes | None, response_key: bytes, scope: IdentityScope
) -> None:
    inner = encrypt_refresh_token(contents, REFRESH, iv=iv)
    assert len(inner) == 168
    assert decrypt_refresh_token(inner, LOOKUP) == contents
    wrapper = wrap_refresh_token(inner, response_key, REFRESH, scope)
    assert len(wrapper) == 388
    unwrapped = unwrap_refresh_token(wrapper, LOOKUP)
    assert (unwrapped.inner_token, unwrapped.refresh_response_key) == (inner, response_key)
    assert (unwrapped.key_id, unwrapped.scope) == (REFRESH.id, scope)


@PROPERTY
@given(any_text)
def test_normalised_email_is_a_fixed_point(raw: str) -> None:
    try:
        once = normalize_email(raw)
    except InputError:
        return
    assert normalize_email(once) == once
    assert parse_dii(DiiKind.EMAIL, raw).hash_b64 == hash_identifier(once)


@PROPERTY
@given(st.binary(min_size=32, max_size=32), st.booleans())
def test_a_hash_in_hex_or_base64_normalises_to_the_same_base64(digest: bytes, upper: bool) -> None:
    hex_form = digest.hex().upper() if upper else digest.hex()
    b64 = normalize_hash(hex_form)
    assert normalize_hash(b64) == b64
    assert len(b64) == 44


@PROPERTY
@given(
    st.builds(
        Identity,
        advertising_token=st.text(min_size=1),
        refresh_token=st.text(min_size=1),
        identity_expires_ms=java_long,
        refresh_expires_ms=java_long,
        refresh_from_ms=java_long,
        refresh_response_key=st.none() | key32,
    )
)
def test_identity_body_round_trips(identity: Identity) -> None:
    assert Identity.from_body(identity.to_body()) == identity

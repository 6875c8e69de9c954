"""Whatever bytes or text arrive, the protocol layer answers with the desk's own errors only.

Random input mostly dies at the first check, so each target is also fed valid artefacts
with one byte changed and "authenticated garbage" (random plaintext sealed under the right
key) to reach the field parsers behind the cryptography.
"""

from __future__ import annotations

import base64
import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.protocol.strategies import (
    LOOKUP,
    MASTER,
    REFRESH,
    SITE,
    any_text,
    base64ish,
    java_long,
    json_values,
    mutated,
    only_desk_errors,
)
from uid2_desk.protocol.crypto import gcm_encrypt
from uid2_desk.protocol.envelope import (
    decode_base64_body,
    open_refresh_reply,
    open_request,
    open_response,
    seal_refresh_reply,
    seal_request,
    seal_response,
)
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import (
    DiiKind,
    normalize_email,
    normalize_hash,
    normalize_phone,
    parse_dii,
)
from uid2_desk.protocol.tokens import (
    decrypt_advertising_token,
    decrypt_refresh_token,
    inspect_token,
    unwrap_refresh_token,
)
from uid2_desk.protocol.tokens_wire import cbc_encrypt

FUZZ = settings(max_examples=60, deadline=None)
SECRET = bytes(range(32))
secrets = st.binary(max_size=40) | st.just(SECRET)
VALID_REQUEST = seal_request(SECRET, b'{"email_hash":"x"}', timestamp_ms=1, nonce=bytes(8)).raw
VALID_RESPONSE = seal_response(SECRET, b'{"status":"success"}', timestamp_ms=1, nonce=bytes(8)).raw
VALID_REPLY = seal_refresh_reply(SECRET, b'{"status":"optout"}')


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@FUZZ
@given(secrets, st.binary(max_size=120) | mutated(VALID_REQUEST))
def test_open_request_raises_only_desk_errors(secret: bytes, raw: bytes) -> None:
    only_desk_errors(lambda: open_request(secret, raw))


@FUZZ
@given(secrets, st.binary(max_size=120) | mutated(VALID_RESPONSE), st.none() | st.binary())
def test_open_response_raises_only_desk_errors(
    secret: bytes, raw: bytes, nonce: bytes | None
) -> None:
    only_desk_errors(lambda: open_response(secret, raw, expected_nonce=nonce))


@FUZZ
@given(secrets, st.binary(max_size=120) | mutated(VALID_REPLY))
def test_open_refresh_reply_raises_only_desk_errors(secret: bytes, raw: bytes) -> None:
    only_desk_errors(lambda: open_refresh_reply(secret, raw))


@FUZZ
@given(st.binary(max_size=80) | any_text | base64ish)
def test_decode_base64_body_raises_only_desk_errors(body: bytes | str) -> None:
    only_desk_errors(lambda: decode_base64_body(body))


@FUZZ
@given(any_text | base64ish)
def test_inspect_token_raises_only_desk_errors(token: str) -> None:
    only_desk_errors(lambda: inspect_token(token))


def _v4_token(master_blob: bytes, first: int = 0x03, version: int = 0x80) -> str:
    return _b64url(bytes([first, version]) + MASTER.id.to_bytes(4, "big") + master_blob)


@FUZZ
@given(
    any_text
    | base64ish
    | st.binary(max_size=200).map(_b64url)
    | st.binary(max_size=200).map(lambda b: _b64(b"\x02" + b)),
    st.none() | java_long,
)
def test_decrypt_advertising_token_raises_only_desk_errors(token: str, now_ms: int | None) -> None:
    only_desk_errors(lambda: decrypt_advertising_token(token, LOOKUP, now_ms=now_ms))


@FUZZ
@given(st.binary(max_size=160), st.binary(max_size=80), st.integers(0, 255))
def test_authenticated_garbage_in_either_token_layer_raises_only_desk_errors(
    master_payload: bytes, site_payload: bytes, first: int
) -> None:
    garbage_master = _v4_token(gcm_encrypt(MASTER.secret, master_payload), first=first)
    only_desk_errors(lambda: decrypt_advertising_token(garbage_master, LOOKUP))
    fields = master_payload[:29].ljust(29, b"\x00") + SITE.id.to_bytes(4, "big")
    garbage_site = _v4_token(
        gcm_encrypt(MASTER.secret, fields + gcm_encrypt(SITE.secret, site_payload))
    )
    only_desk_errors(lambda: decrypt_advertising_token(garbage_site, LOOKUP))


@FUZZ
@given(st.binary(max_size=160), st.binary(max_size=120))
def test_authenticated_garbage_in_a_v2_token_raises_only_desk_errors(
    master_payload: bytes, site_payload: bytes
) -> None:
    iv = bytes(16)
    outer = b"\x02" + MASTER.id.to_bytes(4, "big") + iv
    only_desk_errors(
        lambda: decrypt_advertising_token(
            _b64(outer + cbc_encrypt(MASTER.secret, iv, master_payload)), LOOKUP
        )
    )
    inner = (
        master_payload[:8].ljust(8, b"\x00")
        + SITE.id.to_bytes(4, "big")
        + iv
        + cbc_encrypt(SITE.secret, iv, site_payload)
    )
    only_desk_errors(
        lambda: decrypt_advertising_token(
            _b64(outer + cbc_encrypt(MASTER.secret, iv, inner)), LOOKUP
        )
    )


@FUZZ
@given(any_text | base64ish | st.binary(max_size=200).map(_b64), st.binary(max_size=120))
def test_decrypt_refresh_token_raises_only_desk_errors(token: str, payload: bytes) -> None:
    only_desk_errors(lambda: decrypt_refresh_token(token, LOOKUP))
    garbage = b"\x03\x70" + REFRESH.id.to_bytes(4, "big") + gcm_encrypt(REFRESH.secret, payload)
    only_desk_errors(lambda: decrypt_refresh_token(_b64(garbage), LOOKUP))


def _wrapper(document: bytes) -> str:
    body = document[:258].ljust(258, b" ")
    return _b64(b"\x00" + REFRESH.id.to_bytes(4, "big") + gcm_encrypt(REFRESH.secret, body))


@FUZZ
@given(
    any_text
    | st.text(alphabet="AB+/=", min_size=388, max_size=388)
    | st.binary(min_size=291, max_size=291).map(_b64)
    | st.binary(max_size=258).map(_wrapper)
    | json_values.map(lambda v: _wrapper(repr(v).encode()))
    | st.dictionaries(st.sampled_from(["refresh_response_key", "refresh_token"]), json_values).map(
        lambda d: _wrapper(str(d).replace("'", '"').encode())
    )
)
def test_unwrap_refresh_token_raises_only_desk_errors(wrapper: str) -> None:
    only_desk_errors(lambda: unwrap_refresh_token(wrapper, LOOKUP))


@FUZZ
@given(any_text)
def test_normalizers_raise_only_desk_errors(raw: str) -> None:
    only_desk_errors(lambda: normalize_email(raw))
    only_desk_errors(lambda: normalize_phone(raw))
    only_desk_errors(lambda: normalize_hash(raw))
    for kind in DiiKind:
        only_desk_errors(functools.partial(parse_dii, kind, raw))


@FUZZ
@given(
    json_values
    | st.fixed_dictionaries(
        {
            "advertising_token": json_values,
            "refresh_token": json_values,
            "identity_expires": json_values,
            "refresh_expires": json_values,
            "refresh_from": json_values,
        },
        optional={"refresh_response_key": json_values | st.binary().map(_b64)},
    )
)
def test_identity_from_body_raises_only_desk_errors(body: object) -> None:
    only_desk_errors(lambda: Identity.from_body(body))

"""The v2 envelope reproduces the official SDK's vectors and interoperates with the SDK."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from uid2_client.request_response_util import create_envelope, parse_response
from uid2_client.uid2_response import Uid2Response

from uid2_desk.protocol.envelope import (
    decode_base64_body,
    open_request,
    open_response,
    seal_request,
    seal_response,
    to_base64,
)
from uid2_desk.protocol.errors import (
    DecryptionError,
    EnvelopeError,
    EnvelopeReason,
    NonceMismatchError,
)

# VALID_REQUEST_ENVELOPE_BASE64 of the operator's V2RequestUtilTest (uid2-protocol.md §2.6); the
# vectors record what it decrypts to, this is the envelope itself.
OPERATOR_TEST_ENVELOPE_B64 = (
    "ATDX9gBKxgQaLwUi9ZDbSqo1b66u55jEN322XSR+aCvOy/c3ZiaVOh8VG22pDUSSNaUqfUwwxxYT0pS9zjW7oVPCeluH"
    "U5GCc+6A+LUTIQ8vOR+1CN7ds/61Bp82RzKf5wPABMNtqr1XkoN6d5FU/R0vpxf2hfo1cYYmW0ziCy15pPh17GN2vNT"
    "n6YK6g+MAi/dDC7mG+Mxnh9ZaEz+3IetgDPWfp5zHh/T3LWhDAA+2drlDn8KwcQE/TYKh5raR4BDHmhgBUCU6+nymoW"
    "ruNYxzcII63xMTLMTGzpinNnTL3iBPII9lKRJJ2ZrGjjgMMXi066iaDDpBHH3xY+bAwriU+6GEsE8bveRMwRqT83gmkY"
    "p6mn+75Yrpdw=="
)


@pytest.fixture
def request_vector(vectors: dict[str, Any]) -> dict[str, Any]:
    return dict(vectors["envelope"]["request_envelope"])


@pytest.fixture
def response_vector(vectors: dict[str, Any]) -> dict[str, Any]:
    return dict(vectors["envelope"]["response_envelope"])


def test_sealed_request_is_byte_identical_to_the_sdk_vector(request_vector: dict[str, Any]) -> None:
    sealed = seal_request(
        base64.b64decode(request_vector["client_secret_b64"]),
        request_vector["payload_utf8"].encode(),
        timestamp_ms=request_vector["timestamp_ms"],
        nonce=bytes.fromhex(request_vector["nonce_hex"]),
        iv=bytes.fromhex(request_vector["iv_hex"]),
    )
    assert sealed.raw.hex() == request_vector["envelope_hex"]
    assert to_base64(sealed.raw) == request_vector["envelope_b64"]
    assert len(sealed.raw) == request_vector["lengths"]["envelope_bytes"] == 107
    assert sealed.parts.version == 1
    assert sealed.parts.iv.hex() == request_vector["iv_hex"]


def test_request_vector_opens_to_its_timestamp_nonce_and_payload(
    request_vector: dict[str, Any],
) -> None:
    raw = decode_base64_body(request_vector["envelope_b64"])
    opened = open_request(base64.b64decode(request_vector["client_secret_b64"]), raw)
    assert opened.timestamp_ms == request_vector["timestamp_ms"]
    assert opened.nonce.hex() == request_vector["nonce_hex"]
    assert opened.payload.decode() == request_vector["payload_utf8"]


def test_sealed_response_is_byte_identical_and_opens(response_vector: dict[str, Any]) -> None:
    secret = base64.b64decode(response_vector["client_secret_b64"])
    nonce = bytes.fromhex(response_vector["echoed_nonce_hex"])
    sealed = seal_response(
        secret,
        response_vector["json_utf8"].encode(),
        timestamp_ms=response_vector["timestamp_ms"],
        nonce=nonce,
        iv=bytes.fromhex(response_vector["iv_hex"]),
    )
    assert to_base64(sealed.raw) == response_vector["envelope_b64"]
    opened = open_response(
        secret, decode_base64_body(response_vector["envelope_b64"]), expected_nonce=nonce
    )
    assert opened.payload.decode() == response_vector["sdk_parse_result"]
    assert opened.timestamp_ms == response_vector["timestamp_ms"]
    assert opened.parts.version is None


def test_response_echoing_another_nonce_is_rejected(response_vector: dict[str, Any]) -> None:
    raw = base64.b64decode(response_vector["envelope_b64"])
    with pytest.raises(NonceMismatchError, match="0102030405060708"):
        open_response(
            base64.b64decode(response_vector["client_secret_b64"]),
            raw,
            expected_nonce=bytes(8),
        )


def test_operator_unit_test_envelope_decrypts_to_the_recorded_fields(
    vectors: dict[str, Any],
) -> None:
    check = vectors["envelope"]["operator_unit_test_envelope_crosscheck"]
    opened = open_request(
        base64.b64decode(check["client_secret_b64"]), decode_base64_body(OPERATOR_TEST_ENVELOPE_B64)
    )
    assert opened.parts.version == check["version_byte"] == 1
    assert opened.timestamp_ms == check["timestamp_ms"]
    assert opened.nonce.hex() == check["nonce_hex"]
    assert opened.payload.decode() == check["payload_utf8"]


def test_wrong_secret_fails_as_decryption_error(request_vector: dict[str, Any]) -> None:
    raw = base64.b64decode(request_vector["envelope_b64"])
    with pytest.raises(DecryptionError):
        open_request(bytes(32), raw)


def test_non_ascii_body_is_an_envelope_error_not_a_unicode_error() -> None:
    with pytest.raises(EnvelopeError) as caught:
        decode_base64_body("AAAA\u00e9".encode())
    assert caught.value.reason is EnvelopeReason.NOT_BASE64


def test_sdk_opens_our_response_as_string_and_as_bytes() -> None:
    secret = bytes(range(32))
    nonce = bytes.fromhex("1122334455667788")
    sealed = seal_response(secret, b'{"status":"success"}', timestamp_ms=1, nonce=nonce)
    as_text = parse_response(secret, Uid2Response.from_string(to_base64(sealed.raw)), nonce)
    as_bytes = parse_response(secret, Uid2Response.from_bytes(sealed.raw), nonce)
    assert as_text == as_bytes == b'{"status":"success"}'


def test_we_open_an_envelope_the_sdk_creates() -> None:
    secret = bytes(range(32, 64))
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    envelope = create_envelope(secret, now, b'{"email_hash":"x"}')
    opened = open_request(secret, decode_base64_body(envelope.envelope))
    assert opened.nonce == envelope.nonce
    assert opened.timestamp_ms == 1_704_067_200_000
    assert opened.payload_json() == {"email_hash": "x"}

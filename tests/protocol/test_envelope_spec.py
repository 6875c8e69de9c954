"""What each side of an envelope hands back, and how a damaged one is refused, in words.

Written against survivors of mutation testing (issue 19): every field of an opened or sealed
envelope is what was sealed, and every refusal carries its reason and its sentence.
"""

from __future__ import annotations

import pytest

from uid2_desk.protocol.crypto import gcm_encrypt
from uid2_desk.protocol.envelope import (
    ENVELOPE_VERSION,
    MIN_REQUEST_ENVELOPE_LENGTH,
    decode_base64_body,
    decode_base64_java,
    open_refresh_reply,
    open_request,
    open_response,
    parse_request_envelope,
    seal_refresh_reply,
    seal_request,
    seal_response,
)
from uid2_desk.protocol.errors import EnvelopeError, EnvelopeReason

SECRET = bytes(range(32))
NONCE = b"\x01\x02\x03\x04\x05\x06\x07\x08"
STAMP = 1_767_225_600_123


def test_a_sealed_request_and_its_opening_carry_the_same_fields() -> None:
    sealed = seal_request(SECRET, b'{"email":"a@b.c"}', timestamp_ms=STAMP, nonce=NONCE)
    opened = open_request(SECRET, sealed.raw)
    for envelope in (sealed, opened):
        assert (envelope.timestamp_ms, envelope.nonce) == (STAMP, NONCE)
        assert envelope.payload == b'{"email":"a@b.c"}'
        assert envelope.raw == sealed.raw
        assert envelope.parts == sealed.parts
    assert sealed.parts.version == ENVELOPE_VERSION


def test_a_sealed_reply_and_its_opening_carry_the_same_fields() -> None:
    sealed = seal_response(SECRET, b'{"status":"success"}', timestamp_ms=STAMP, nonce=NONCE)
    opened = open_response(SECRET, sealed.raw, expected_nonce=NONCE)
    for envelope in (sealed, opened):
        assert (envelope.timestamp_ms, envelope.nonce) == (STAMP, NONCE)
        assert envelope.payload == b'{"status":"success"}'
        assert envelope.raw == sealed.raw
        assert (envelope.parts.timestamp_ms, envelope.parts.nonce) == (STAMP, NONCE)
        assert envelope.parts.version is None


def test_a_decrypted_reply_too_short_for_timestamp_and_nonce_is_refused() -> None:
    raw = gcm_encrypt(SECRET, b"0123456789abcde")  # 15 bytes: 8 + 8 are needed
    with pytest.raises(EnvelopeError) as refused:
        open_response(SECRET, raw, expected_nonce=None)
    assert refused.value.reason is EnvelopeReason.TOO_SHORT
    assert str(refused.value) == (
        "the decrypted envelope is too short to hold a timestamp and a nonce"
    )


def test_a_nonce_of_the_wrong_length_cannot_be_sealed() -> None:
    with pytest.raises(ValueError, match=r"^a nonce is 8 bytes, got 3$"):
        seal_response(SECRET, b"{}", timestamp_ms=STAMP, nonce=b"abc")


def test_a_short_or_unknown_request_envelope_says_why() -> None:
    with pytest.raises(EnvelopeError) as short:
        parse_request_envelope(b"\x01" * 5)
    assert short.value.reason is EnvelopeReason.TOO_SHORT
    assert str(short.value) == (
        f"the envelope is 5 bytes; at least {MIN_REQUEST_ENVELOPE_LENGTH} are needed"
    )
    with pytest.raises(EnvelopeError) as version:
        parse_request_envelope(b"\x02" + bytes(MIN_REQUEST_ENVELOPE_LENGTH))
    assert version.value.reason is EnvelopeReason.BAD_VERSION
    assert str(version.value) == "envelope version is 2; only 1 exists"


@pytest.mark.parametrize("decode", [decode_base64_body, decode_base64_java])
@pytest.mark.parametrize(
    "body",
    # A newline, a star, a byte that is not ASCII, a UTF-8 no-break space (Unicode whitespace).
    [b"QUJD\nREVG", "QUJD*REVG", b"QUJD\xffREVG", b"QUJDREVG\xc2\xa0"],
)
def test_a_body_with_a_character_inside_that_is_not_base64_is_refused(
    decode: object, body: bytes | str
) -> None:
    assert callable(decode)
    with pytest.raises(EnvelopeError) as refused:
        decode(body)
    assert refused.value.reason is EnvelopeReason.NOT_BASE64
    assert str(refused.value) == "the body is not valid base64"


def test_the_parts_shown_of_a_reply_are_the_bytes_on_the_wire() -> None:
    iv = bytes(range(100, 112))
    sealed = seal_response(SECRET, b"{}", timestamp_ms=STAMP, nonce=NONCE, iv=iv)
    opened = open_response(SECRET, sealed.raw, expected_nonce=NONCE)
    for parts in (sealed.parts, opened.parts):
        assert parts.iv + parts.ciphertext + parts.tag == sealed.raw
        assert parts.iv == iv
        assert len(parts.tag) == 16


def test_a_refresh_reply_is_sealed_with_the_iv_given_and_shown_as_sent() -> None:
    iv = bytes(range(12))
    key = bytes(range(1, 33))
    raw = seal_refresh_reply(key, b'{"status":"success"}', iv)
    assert raw[:12] == iv
    payload, parts = open_refresh_reply(key, raw)
    assert payload == b'{"status":"success"}'
    assert parts.iv + parts.ciphertext + parts.tag == raw
    assert (parts.version, parts.timestamp_ms, parts.nonce) == (None, None, None)

"""``decode_base64_java``: base64 exactly as the operator reads request bodies.

The operator decodes with ``java.util.Base64.getDecoder().decode(String)`` (SH
``Utils.decodeBase64String``): the standard alphabet, ``=`` padding optional but, when
present, it must complete the last unit and end the text; no whitespace anywhere, not even
a trailing newline. The client keeps the lenient ``decode_base64_body``.
"""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uid2_desk.protocol.envelope import decode_base64_body, decode_base64_java
from uid2_desk.protocol.errors import EnvelopeError, EnvelopeReason


@pytest.mark.parametrize("length", [0, 1, 2, 3, 4, 5, 45, 107])
def test_padded_standard_base64_decodes_to_the_same_bytes(length: int) -> None:
    raw = bytes(range(256))[:length]

    assert decode_base64_java(base64.b64encode(raw)) == raw


@pytest.mark.parametrize("length", [1, 2, 4, 5, 107])
def test_missing_padding_is_accepted_as_java_does(length: int) -> None:
    raw = bytes(range(200, 256))[:length]
    unpadded = base64.b64encode(raw).rstrip(b"=")

    assert decode_base64_java(unpadded) == raw
    assert decode_base64_java(unpadded.decode("ascii")) == raw


@pytest.mark.parametrize(
    "body",
    [
        "AQID\n",  # a trailing newline, as `echo` or a text editor adds
        "AQID\r\n",
        " AQID",
        "AQ ID",
        "AQ\tID",
        "AQID==\n",
    ],
)
def test_any_whitespace_is_refused(body: str) -> None:
    with pytest.raises(EnvelopeError) as caught:
        decode_base64_java(body)

    assert caught.value.reason is EnvelopeReason.NOT_BASE64


@pytest.mark.parametrize(
    "body",
    [
        "A",  # a lone character cannot carry a byte
        "AQIDB",  # 4n + 1 characters
        "=",
        "==",
        "AQ=",  # two data characters need "==" when padded at all
        "AQI==",  # three data characters take one "="
        "AQ===",
        "AQ==AQ==",  # padding in the middle
        "AQ=D",
        "AQ-_",  # the URL-safe alphabet is another decoder
        "AQ\u00e9D",
    ],
)
def test_malformed_padding_and_foreign_characters_are_refused(body: str) -> None:
    with pytest.raises(EnvelopeError) as caught:
        decode_base64_java(body)

    assert caught.value.reason is EnvelopeReason.NOT_BASE64


def test_non_ascii_bytes_are_refused_with_a_desk_error() -> None:
    with pytest.raises(EnvelopeError):
        decode_base64_java("AAAA\u00e9".encode())


def test_the_client_decoder_stays_lenient_about_surrounding_whitespace() -> None:
    assert decode_base64_body("AQID\n") == b"\x01\x02\x03"


@given(st.binary(max_size=64), st.booleans())
def test_every_encoding_with_or_without_padding_round_trips(raw: bytes, strip: bool) -> None:
    text = base64.b64encode(raw).decode("ascii")

    assert decode_base64_java(text.rstrip("=") if strip else text) == raw

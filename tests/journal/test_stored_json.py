"""The stored form written directly as text is byte for byte what ``json`` writes for its document.

:func:`encode_exchange` no longer builds a dict and runs ``json``'s encoder (it was the largest
part of an append's work under a burst); these tests hold it to the encoder's exact text for
every recorded exchange and for the shapes the recordings lack: bodies that are not base64 or
not UTF-8, envelopes stored in full, text that needs escaping, numbers JSON writes specially.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import json

import pytest

from tests.journal.recorded import Recorded
from uid2_desk.journal.codec import (
    COMPACT_JSON,
    decode_exchange,
    encode_exchange,
    stored_document,
)
from uid2_desk.protocol.exchange import EnvelopeParts, Exchange, Timings


def _reference(exchange: Exchange) -> bytes:
    return COMPACT_JSON.encode(stored_document(exchange)).encode("utf-8")


def _all(r: Recorded) -> list[Exchange]:
    return [v for v in vars(r).values() if isinstance(v, Exchange)]


def test_every_recorded_exchange_is_written_as_the_encoder_writes_its_document(
    recorded: Recorded,
) -> None:
    exchanges = _all(recorded)
    assert len(exchanges) == 13
    for exchange in exchanges:
        assert encode_exchange(exchange) == _reference(exchange)


class _Status(enum.IntEnum):
    OK = 200


def _unused_bits_set(body: bytes) -> bytes:
    text = body.rstrip(b"=")
    assert len(text) % 4 in (2, 3)  # a last quantum with unused bits
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(text[-1:])
    changed = text[:-1] + alphabet[last | 1 : (last | 1) + 1]
    assert changed != text
    return changed + body[len(text) :]


def _odd(r: Recorded) -> list[Exchange]:
    x = r.generate
    parts = x.response_envelope
    assert parts is not None
    raw = bytes(range(34))  # 34 bytes: base64 with padding, four bits unused
    odd = EnvelopeParts(None, raw[:12], raw[12:18], raw[18:], 5, None)
    padded = base64.b64encode(raw)
    return [
        # Text with quotes, backslashes, controls, a NUL, non-ASCII and a surrogate escape.
        dataclasses.replace(
            x,
            request_plaintext='{"q": "a \\" b \\\\ c\\n\\u0000"}\t\x00\x1f é 😀 \u2028',
            response_headers=(("x-note", 'say "hi"\\'), ("x-ü", "ß\n")),
            error="line one\nline two",
            extra=(("why", "Automatic: refresh"),),
        ),
        # Bodies that are not base64, or not even UTF-8; an envelope not in its body.
        dataclasses.replace(x, response_body=b'{"status":"success"}', request_body=b""),
        dataclasses.replace(x, response_body=b"\xff\xfe\x00binary"),
        dataclasses.replace(x, response_envelope=dataclasses.replace(parts, tag=bytes(16))),
        dataclasses.replace(
            x,
            request_envelope=EnvelopeParts(None, b"i" * 12, b"", b"", None, None),
            response_envelope=dataclasses.replace(parts, nonce=b"\x00\xff" * 4),
        ),
        # Base64 that is not what encoding the envelope gives (unused bits set before the
        # padding): the body is decoded to decide, as the reader decodes it.
        dataclasses.replace(x, response_body=_unused_bits_set(padded), response_envelope=odd),
        dataclasses.replace(x, response_body=padded, response_envelope=odd),
        # Base64 with whitespace: decodable leniently, not strictly, so it is escaped as text.
        dataclasses.replace(x, response_body=x.response_body[:8] + b"\n" + x.response_body[8:]),
        # Numbers JSON writes specially, booleans, an int subclass, no answer at all.
        dataclasses.replace(
            x,
            timings=Timings(float("nan"), float("inf"), -float("inf"), 0.1, 1e300),
            nonce_ok=False,
            http_status=_Status.OK,
        ),
        dataclasses.replace(
            x,
            http_status=None,
            response_body=b"",
            response_envelope=None,
            response_plaintext=None,
            nonce_ok=True,
            operator_status=None,
            server_time_ms=None,
            server_date=None,
        ),
    ]


def test_odd_exchanges_are_written_as_the_encoder_writes_them_and_read_back(
    recorded: Recorded,
) -> None:
    for exchange in _odd(recorded):
        blob = encode_exchange(exchange)
        assert blob == _reference(exchange)
        json.loads(blob)  # valid JSON
        back = decode_exchange(blob)
        if exchange.timings.total_ms == exchange.timings.total_ms:  # NaN is never equal
            assert back == dataclasses.replace(exchange, http_status=back.http_status)


def test_headers_that_are_not_text_are_written_as_the_encoder_writes_them(
    recorded: Recorded,
) -> None:
    odd = dataclasses.replace(recorded.generate, extra=(("n", 1),))  # type: ignore[arg-type]
    assert encode_exchange(odd) == _reference(odd)
    not_pairs = dataclasses.replace(recorded.generate, extra=(("a", "b", "c"),))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="too many values to unpack"):
        _reference(not_pairs)
    with pytest.raises(ValueError, match="too many values to unpack"):
        encode_exchange(not_pairs)

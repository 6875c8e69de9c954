"""The journal's stored form of an exchange: every byte back, envelopes stored once, old rows read.

The stored form (format 2) keeps a v2 envelope as a pointer into its body, where its IV,
ciphertext and tag already are; rows written by earlier desks (format 1, zlib-compressed JSON)
must still read back. The exchanges are the real operator's (``tests.journal.recorded``).
"""

from __future__ import annotations

import dataclasses
import json
import zlib

import pytest

from tests.journal.recorded import Recorded
from uid2_desk.journal.codec import decode_exchange, encode_exchange, exchange_to_json
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import EnvelopeParts, Exchange


def _all(r: Recorded) -> list[Exchange]:
    return [v for v in vars(r).values() if isinstance(v, Exchange)]


def test_every_recorded_exchange_comes_back_whole(recorded: Recorded) -> None:
    exchanges = _all(recorded)
    assert len(exchanges) == 13
    for exchange in exchanges:
        assert decode_exchange(encode_exchange(exchange)) == exchange


def test_an_envelope_is_stored_once_as_a_pointer_into_its_body(recorded: Recorded) -> None:
    stored = json.loads(encode_exchange(recorded.generate))
    assert stored["format"] == 2
    for side in ("request_envelope", "response_envelope"):
        assert set(stored[side]) == {"in_body", "version", "timestamp_ms", "nonce"}
        assert stored[side]["in_body"] == [12, 16]
    assert stored["request_envelope"]["version"] == 1
    ciphertext = exchange_to_json(recorded.generate)["response_envelope"]["ciphertext"]
    assert ciphertext not in encode_exchange(recorded.generate).decode()


def test_an_envelope_that_is_not_its_body_is_stored_in_full(recorded: Recorded) -> None:
    parts = recorded.generate.response_envelope
    assert parts is not None
    other = dataclasses.replace(parts, tag=bytes(16))  # no longer the body's last 16 bytes
    exchange = dataclasses.replace(recorded.generate, response_envelope=other)
    stored = json.loads(encode_exchange(exchange))
    assert "in_body" not in stored["response_envelope"]
    assert decode_exchange(encode_exchange(exchange)) == exchange


def test_an_envelope_beside_a_body_that_is_not_base64_is_stored_in_full(
    recorded: Recorded,
) -> None:
    parts = EnvelopeParts(1, b"i" * 12, b"c" * 5, b"t" * 16, 1, b"n" * 8)
    exchange = dataclasses.replace(
        recorded.generate, request_body=b"\xff\x00 not base64", request_envelope=parts
    )
    assert decode_exchange(encode_exchange(exchange)) == exchange


def test_rows_written_by_an_earlier_desk_are_read(recorded: Recorded) -> None:
    for exchange in _all(recorded):
        text = json.dumps(exchange_to_json(exchange), separators=(",", ":"))
        assert decode_exchange(zlib.compress(text.encode("utf-8"), 1)) == exchange


def test_a_pointer_into_a_body_too_short_is_refused_as_damage(recorded: Recorded) -> None:
    stored = json.loads(encode_exchange(recorded.generate))
    stored["response_envelope"]["in_body"] = [12, 4000]
    with pytest.raises(StorageError, match="cannot read"):
        decode_exchange(json.dumps(stored).encode())


def test_a_record_of_an_unknown_format_is_refused_with_a_storage_error(
    recorded: Recorded,
) -> None:
    doc = json.loads(encode_exchange(recorded.generate))
    doc["format"] = 99
    with pytest.raises(StorageError, match=r"cannot read .*unknown exchange format 99"):
        decode_exchange(json.dumps(doc).encode())


@pytest.mark.parametrize("blob", [b"\x78\x9c not zlib", b"{not json", b"{\xff\xfe}"])
def test_damaged_exchange_bytes_are_refused_with_a_storage_error(blob: bytes) -> None:
    with pytest.raises(StorageError, match="exchange data is damaged"):
        decode_exchange(blob)


def test_stored_json_that_is_not_a_record_is_refused_with_a_storage_error() -> None:
    with pytest.raises(StorageError, match="not a record"):
        decode_exchange(zlib.compress(b"[1, 2]"))

"""A hash goes on the wire exactly as typed (issue 16: ``zzz…z=`` was silently re-encoded).

Base64 whose unused final bits are not zero decodes to the same 32 bytes as its canonical
form. The operator judges what it receives; the desk must not change it on the way.
"""

from __future__ import annotations

import base64

from uid2_desk.protocol.normalize import DiiKind, parse_dii

NON_CANONICAL = "z" * 43 + "="  # the last 'z' carries bits the decoder drops
CANONICAL = base64.b64encode(base64.b64decode(NON_CANONICAL)).decode()


def test_a_non_canonical_base64_hash_is_sent_as_typed() -> None:
    assert CANONICAL != NON_CANONICAL
    dii = parse_dii(DiiKind.EMAIL_HASH, NON_CANONICAL)
    assert dii.request_field() == ("email_hash", NON_CANONICAL)
    assert dii.hash_b64 == CANONICAL  # the bytes it stands for, for the desk's own use


def test_hex_digits_are_sent_as_their_base64() -> None:
    hex_hash = "ab" * 32
    dii = parse_dii(DiiKind.PHONE_HASH, hex_hash)
    assert dii.request_field() == ("phone_hash", base64.b64encode(bytes.fromhex(hex_hash)).decode())


def test_an_email_is_hashed_as_before() -> None:
    dii = parse_dii(DiiKind.EMAIL, "Jane@Example.com")
    assert dii.request_field() == ("email_hash", dii.hash_b64)
    assert dii.sent_hash == dii.hash_b64

"""CSTG crypto: key strings, ECDH, AAD, payload and reply, against an independent vector.

The vector is the operator's local test key pair (§3.4: subscription ``4WvryDGbR5``, site 123)
with a fixed device key and IV (tests/data/vectors.json → client_side_token_generate). Each
expected value is also computed here with the ``cryptography`` package directly (ECDH,
AESGCM), never through the code under test.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from uid2_desk.protocol.crypto import gcm_encrypt
from uid2_desk.protocol.cstg import (
    build_request,
    open_payload,
    open_reply,
    request_aad,
    seal_payload,
    seal_reply,
    shared_key,
)
from uid2_desk.protocol.cstg_keys import (
    CstgKeyError,
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
    load_spki,
    new_private_key,
)
from uid2_desk.protocol.errors import DecryptionError

WEB = "web (JS SDK): aad = JSON.stringify([timestamp])"
MOBILE = "mobile (Android): aad = [timestamp, app_name]"


@pytest.fixture
def cstg(vectors: dict[str, Any]) -> dict[str, Any]:
    """The CSTG section of the vectors."""
    section: dict[str, Any] = vectors["client_side_token_generate"]
    return section


def _device_key(cstg: dict[str, Any]) -> ec.EllipticCurvePrivateKey:
    scalar = int(cstg["client_private_scalar_hex"], 16)
    return ec.derive_private_key(scalar, ec.SECP256R1())


def _independent_shared_secret(cstg: dict[str, Any]) -> bytes:
    """ECDH(device, server public) with cryptography alone, from the raw key strings."""
    spki = base64.b64decode(cstg["server_public_key"][9:])
    server_public = serialization.load_der_public_key(spki)
    assert isinstance(server_public, ec.EllipticCurvePublicKey)
    return _device_key(cstg).exchange(ec.ECDH(), server_public)


def test_the_key_strings_round_trip_byte_for_byte_as_the_operator_wrote_them(
    cstg: dict[str, Any],
) -> None:
    private = decode_private_key(cstg["server_private_key_operator_local_test"])
    public = decode_public_key(cstg["server_public_key"])

    assert encode_private_key(private) == cstg["server_private_key_operator_local_test"]
    assert encode_public_key(public) == cstg["server_public_key"]
    assert encode_public_key(private.public_key()) == cstg["server_public_key"]


def test_a_new_key_pair_has_the_operators_lengths_and_prefixes() -> None:
    key = new_private_key()
    private, public = encode_private_key(key), encode_public_key(key.public_key())

    assert private.startswith("UID2-Y-L-MEECAQAw")
    assert len(base64.b64decode(private[9:])) == 67
    assert public.startswith("UID2-X-L-MFkw")
    assert len(base64.b64decode(public[9:])) == 91
    assert decode_private_key(private).private_numbers() == key.private_numbers()


def test_both_sides_derive_the_raw_x_coordinate_as_the_aes_key(cstg: dict[str, Any]) -> None:
    expected = _independent_shared_secret(cstg)
    server_private = decode_private_key(cstg["server_private_key_operator_local_test"])
    device_public = load_spki(base64.b64decode(cstg["client_public_key_spki_b64"]))

    device_side = shared_key(_device_key(cstg), decode_public_key(cstg["server_public_key"]))
    server_side = shared_key(server_private, device_public)

    assert device_side == server_side == expected
    recorded = next(v for k, v in cstg.items() if k.startswith("shared_secret_hex"))
    assert expected.hex() == recorded


@pytest.mark.parametrize(("case", "app_name"), [(WEB, None), (MOBILE, "com.uid2.devapp")])
def test_the_device_builds_the_vector_request(
    cstg: dict[str, Any], case: str, app_name: str | None
) -> None:
    vector = cstg[case]
    iv = base64.b64decode(vector["request_json"]["iv"])
    dii = json.loads(vector["plaintext"])
    timestamp = vector["request_json"]["timestamp"]
    aad = vector["aad_utf8"].encode()
    expected_payload = AESGCM(_independent_shared_secret(cstg)).encrypt(
        iv, vector["plaintext"].encode(), aad
    )

    built = build_request(
        cstg["server_public_key"],
        cstg["subscription_id"],
        dii,
        timestamp,
        app_name=app_name,
        client_key=_device_key(cstg),
        iv=iv,
    )

    assert built.aad == aad == request_aad(timestamp, app_name)
    assert base64.b64decode(built.body["payload"]) == expected_payload
    assert built.body == vector["request_json"]
    assert built.client_public_key == cstg["client_public_key_spki_b64"]


def test_the_operator_opens_the_vector_payload_only_with_its_aad(cstg: dict[str, Any]) -> None:
    vector = cstg[WEB]["request_json"]
    key = _independent_shared_secret(cstg)
    iv, sealed = base64.b64decode(vector["iv"]), base64.b64decode(vector["payload"])

    opened = open_payload(key, iv, sealed, request_aad(vector["timestamp"]))

    assert opened == cstg[WEB]["plaintext"].encode()
    with pytest.raises(DecryptionError):
        open_payload(key, iv, sealed, request_aad(vector["timestamp"] + 1))
    with pytest.raises(DecryptionError):
        open_payload(key, iv, sealed, request_aad(vector["timestamp"], "com.uid2.devapp"))


def test_the_reply_is_iv_then_gcm_of_the_document_without_aad(cstg: dict[str, Any]) -> None:
    example = cstg["response_example"]
    key = _independent_shared_secret(cstg)
    iv = bytes.fromhex(example["iv_hex"])
    expected = base64.b64encode(iv + AESGCM(key).encrypt(iv, example["json"].encode(), None))

    body = seal_reply(key, example["json"].encode(), iv)

    assert body.encode() == expected == example["body_b64"].encode()
    assert open_reply(key, body) == example["json"].encode()


def test_the_aad_escapes_an_app_name_as_jackson_does() -> None:
    assert request_aad(5, 'a"b\\c\x01é') == b'[5,"a\\"b\\\\c\\u0001\xc3\xa9"]'
    assert request_aad(1_704_067_200_000) == b"[1704067200000]"


@pytest.mark.parametrize(
    "text",
    [
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",  # no prefix
        "UID2-Y-L-MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",  # a private-key prefix
        "UID2-X-L-not base64!",
        "UID2-X-L-" + base64.b64encode(b"not a key").decode(),
    ],
)
def test_a_server_public_key_that_is_not_one_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(CstgKeyError):
        decode_public_key(text)


def test_keys_on_different_curves_do_not_agree() -> None:
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key()
    with pytest.raises(CstgKeyError, match="one curve"):
        shared_key(new_private_key(), p384)


def _p384() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP384R1())


def test_a_key_string_is_only_ever_made_of_a_p256_key() -> None:
    with pytest.raises(CstgKeyError, match="P-256"):
        encode_private_key(_p384())


def test_a_server_public_key_on_another_curve_is_refused_as_not_p256() -> None:
    spki = (
        _p384()
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )

    with pytest.raises(CstgKeyError, match="not a P-256 key"):
        decode_public_key("UID2-X-L-" + base64.b64encode(spki).decode())


def _pkcs8(key: ec.EllipticCurvePrivateKey) -> str:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return base64.b64encode(der).decode()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("UID2-Y-L-", "too short"),
        ("UID2-Y-L-not base64!", "not base64"),
        ("UID2-Y-L-" + base64.b64encode(b"not a key").decode(), "not PKCS#8 DER"),
        ("UID2-Y-L-" + _pkcs8(_p384()), "not a P-256 key"),
    ],
    ids=["prefix_only", "not_base64", "not_der", "p384"],
)
def test_a_private_key_string_that_is_not_one_is_refused_with_a_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(CstgKeyError, match=reason):
        decode_private_key(text)


def test_a_reply_that_is_not_base64_does_not_open() -> None:
    with pytest.raises(DecryptionError, match="not base64"):
        open_reply(bytes(32), "not base64!")


def test_a_gcm_iv_must_be_12_bytes_and_a_key_32() -> None:
    with pytest.raises(ValueError, match="12 bytes"):
        seal_payload(bytes(32), b"{}", b"[0]", iv=bytes(16))
    with pytest.raises(ValueError, match="12 bytes"):
        gcm_encrypt(bytes(32), b"{}", iv=bytes(16))
    with pytest.raises(DecryptionError, match="32 bytes"):
        gcm_encrypt(bytes(16), b"{}")

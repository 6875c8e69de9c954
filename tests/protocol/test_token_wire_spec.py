"""What the token codecs' byte layer must do: alphabets, lengths, Java integers and CBC.

Written against survivors of a whole-module mutation run of ``tokens_wire`` (issue 19). Every
refusal is checked by its exact words, since those words are what the person at the desk reads.
"""

from __future__ import annotations

import base64
import os

import pytest

from uid2_desk.protocol.errors import (
    DecryptionError,
    TokenDecryptError,
    TokenDecryptReason,
    TokenFormatError,
)
from uid2_desk.protocol.tokens_wire import (
    BASE64,
    BASE64URL,
    CBC_BLOCK,
    Reader,
    cbc_decrypt,
    cbc_encrypt,
    decode_std_strict,
    decode_token_text,
    encode_std,
    encode_url,
    i32,
    i64,
    token_encoding,
)

# Bytes whose base64 uses both '+' and '/' (0xfb 0xff -> "+/8"), so alphabets are exercised.
_RAW = bytes([0xFB, 0xFF, 0xBF, 0x00, 0x10, 0x83, 0xFB, 0xEF])


@pytest.mark.parametrize(
    ("text", "url_by_default", "expected"),
    [
        ("ab-c", False, BASE64URL),
        ("ab_c", False, BASE64URL),
        ("ab+c", True, BASE64),
        ("ab/c", True, BASE64),
        ("abc=", True, BASE64),
        ("abcd", True, BASE64URL),
        ("abcd", False, BASE64),
    ],
)
def test_the_alphabet_is_named_by_its_telltale_characters_and_a_tie_goes_to_the_default(
    text: str, url_by_default: bool, expected: str
) -> None:
    assert token_encoding(text, url_by_default=url_by_default) == expected


def test_encode_std_is_padded_standard_base64_and_encode_url_is_unpadded_base64url() -> None:
    assert encode_std(_RAW) == "+/+/ABCD++8="
    assert encode_url(_RAW) == "-_-_ABCD--8"


@pytest.mark.parametrize("text", ["+/+/ABCD++8=", "+/+/ABCD++8", "-_-_ABCD--8", "-_-_ABCD--8="])
def test_either_alphabet_padded_or_not_decodes_to_the_same_bytes(text: str) -> None:
    assert decode_token_text(text, "advertising token") == _RAW


def test_an_empty_text_decodes_to_no_bytes() -> None:
    assert decode_token_text("", "advertising token") == b""


def test_a_foreign_character_is_named_in_the_refusal() -> None:
    with pytest.raises(TokenFormatError) as refused:
        decode_token_text("ab*cd", "advertising token")
    assert str(refused.value) == (
        "the advertising token is not base64: it contains '*' where only letters, digits, "
        "'+', '/', '-', '_' and trailing '=' may appear; check it was copied whole"
    )


def test_a_non_ascii_letter_is_named_even_though_python_calls_it_alphanumeric() -> None:
    with pytest.raises(TokenFormatError, match="it contains 'é' where"):
        decode_token_text("abcé", "advertising token")


def test_padding_in_the_middle_is_refused_as_not_base64_naming_the_equals_sign() -> None:
    with pytest.raises(TokenFormatError) as refused:
        decode_token_text("ab=cdefg", "refresh token")
    assert str(refused.value).startswith("the refresh token is not base64: it contains '='")


def test_mixing_the_two_alphabets_is_refused_as_hand_edited() -> None:
    for text in ("ab-+", "ab_/", "a-b/", "a_b+"):
        with pytest.raises(TokenFormatError) as refused:
            decode_token_text(text, "advertising token")
        assert str(refused.value) == (
            "the advertising token mixes the base64 and base64url alphabets; "
            "it was probably edited by hand"
        )


@pytest.mark.parametrize("text", ["abcde", "a", "abc==", "abcdef=", "ab="])
def test_a_length_no_base64_encoding_produces_is_refused_with_the_count(text: str) -> None:
    with pytest.raises(TokenFormatError) as refused:
        decode_token_text(text, "advertising token")
    assert str(refused.value) == (
        f"the advertising token has {len(text)} characters, which no base64 encoding produces; "
        "characters are missing or were added"
    )


@pytest.mark.parametrize("text", ["ab", "abc", "ab==", "abc=", "abcdef", "abcdefg"])
def test_unpadded_or_correctly_padded_lengths_are_accepted(text: str) -> None:
    assert decode_token_text(text, "advertising token") == base64.b64decode(
        text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4)
    )


def test_strict_standard_decoding_accepts_padded_standard_base64() -> None:
    assert decode_std_strict("+/+/ABCD++8=", "refresh token") == _RAW


def test_strict_standard_decoding_refuses_non_ascii_by_name() -> None:
    with pytest.raises(TokenFormatError) as refused:
        decode_std_strict("abcé", "refresh token")
    assert str(refused.value) == "the refresh token is not base64: it contains non-ASCII characters"


@pytest.mark.parametrize("text", ["-_-_ABCD--8=", "+/+/ABCD++8", "ab*d"])
def test_strict_standard_decoding_refuses_url_alphabet_and_missing_padding(text: str) -> None:
    with pytest.raises(TokenFormatError) as refused:
        decode_std_strict(text, "refresh token")
    assert str(refused.value) == (
        "the refresh token is not valid standard base64; check it was copied whole"
    )


def test_the_reader_reads_big_endian_java_integers_with_their_sign() -> None:
    reader = Reader(b"\x07" + i32(-2) + i64(-(2**40)) + b"tail", "payload")
    assert reader.remaining == 17
    assert reader.u8() == 7
    assert reader.i32() == -2
    assert reader.remaining == 12
    assert reader.i64() == -(2**40)
    assert reader.rest() == b"tail"
    assert reader.remaining == 0
    assert reader.rest() == b""


def test_packed_java_integers_are_big_endian_and_twos_complement() -> None:
    assert i32(1) == b"\x00\x00\x00\x01"
    assert i32(-1) == b"\xff\xff\xff\xff"
    assert i64(258) == b"\x00" * 6 + b"\x01\x02"
    assert i64(-2) == b"\xff" * 7 + b"\xfe"
    assert Reader(b"\x80\x00\x00\x00", "x").i32() == -(2**31)
    assert Reader(b"\x7f" + b"\xff" * 7, "x").i64() == 2**63 - 1


def test_running_short_is_an_invalid_payload_saying_where_and_how_much_is_left() -> None:
    reader = Reader(b"\x01\x02\x03", "advertising token payload")
    reader.u8()
    with pytest.raises(TokenDecryptError) as refused:
        reader.i32()
    assert refused.value.reason is TokenDecryptReason.INVALID_PAYLOAD
    assert str(refused.value) == (
        "the advertising token payload ends early: 4 more bytes expected at offset 1, "
        "2 left; it was made by something that is not a UID2 operator or it is damaged"
    )
    # The failed read consumed nothing.
    assert reader.remaining == 2
    assert reader.take(2) == b"\x02\x03"


def test_reading_exactly_what_is_left_succeeds_and_one_more_byte_fails() -> None:
    reader = Reader(b"\x01\x02", "payload")
    assert reader.take(2) == b"\x01\x02"
    with pytest.raises(TokenDecryptError, match="1 more bytes expected at offset 2, 0 left"):
        reader.u8()


def test_a_negative_length_is_refused_rather_than_read_backwards() -> None:
    reader = Reader(b"\x01\x02\x03", "payload")
    with pytest.raises(TokenDecryptError, match="-1 more bytes expected at offset 0, 3 left"):
        reader.take(-1)


_KEY = bytes(range(32))
_IV = bytes(range(100, 116))


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 32])
def test_cbc_pads_with_pkcs7_always_adding_at_least_one_byte(size: int) -> None:
    plaintext = os.urandom(size)
    ciphertext = cbc_encrypt(_KEY, _IV, plaintext)
    assert len(ciphertext) == (size // CBC_BLOCK + 1) * CBC_BLOCK
    assert cbc_decrypt(_KEY, _IV, ciphertext) == plaintext


def test_cbc_matches_a_standard_aes_256_cbc_pkcs7_encryption() -> None:
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    plaintext = b"uid2 desk cbc vector"
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(_KEY), modes.CBC(_IV)).encryptor()
    expected = encryptor.update(padded) + encryptor.finalize()
    assert cbc_encrypt(_KEY, _IV, plaintext) == expected


def _raw_cbc(plaintext_blocks: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    encryptor = Cipher(algorithms.AES(_KEY), modes.CBC(_IV)).encryptor()
    return encryptor.update(plaintext_blocks) + encryptor.finalize()


@pytest.mark.parametrize(
    "last_block",
    [
        bytes(15) + b"\x00",  # pad byte 0
        bytes(15) + b"\x11",  # pad byte 17, more than a block
        bytes(14) + b"\x01\x02",  # pad 2 but the byte before is not 2
        b"\x0f" + b"\x10" * 15,  # pad 16 whose first byte is wrong
    ],
)
def test_bad_pkcs7_padding_is_a_wrong_key_or_altered_token(last_block: bytes) -> None:
    with pytest.raises(DecryptionError) as refused:
        cbc_decrypt(_KEY, _IV, _raw_cbc(last_block))
    assert str(refused.value) == (
        "decryption failed: the key is wrong or the token was altered (bad CBC padding)"
    )


def test_a_whole_block_of_padding_and_a_single_pad_byte_are_both_accepted() -> None:
    assert cbc_decrypt(_KEY, _IV, _raw_cbc(b"\x10" * 16)) == b""
    assert cbc_decrypt(_KEY, _IV, _raw_cbc(b"a" * 15 + b"\x01")) == b"a" * 15
    assert cbc_decrypt(_KEY, _IV, _raw_cbc(b"a" * 14 + b"\x02\x02")) == b"a" * 14


@pytest.mark.parametrize(("key", "iv"), [(bytes(16), _IV), (bytes(31), _IV), (_KEY, bytes(12))])
def test_cbc_refuses_a_key_that_is_not_aes_256_or_an_iv_that_is_not_a_block(
    key: bytes, iv: bytes
) -> None:
    with pytest.raises(DecryptionError) as refused:
        cbc_decrypt(key, iv, bytes(16))
    assert str(refused.value) == f"an AES-256-CBC key is 32 bytes, got {len(key)}"


@pytest.mark.parametrize("size", [0, 15, 17, 31])
def test_cbc_refuses_ciphertext_that_is_not_whole_blocks(size: int) -> None:
    with pytest.raises(DecryptionError) as refused:
        cbc_decrypt(_KEY, _IV, bytes(size))
    assert str(refused.value) == (
        f"CBC data must be a non-empty multiple of 16 bytes, got {size}; the token is damaged"
    )


def test_a_trailing_capital_x_is_data_not_padding_both_ways() -> None:
    # b"\x00\x00\x17" encodes to "AAAX": only '=' is padding, so the X must survive.
    assert encode_url(b"\x00\x00\x17") == "AAAX"
    assert decode_token_text("AAAX", "advertising token") == b"\x00\x00\x17"
    assert decode_token_text("AAX", "advertising token") == b"\x00\x05"

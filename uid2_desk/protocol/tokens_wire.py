"""Byte-level helpers shared by the token codecs: text alphabets, big-endian fields, CBC.

Every failure becomes a :mod:`~uid2_desk.protocol.errors` exception here, so the codecs
above never see ``binascii.Error``, ``struct.error`` or ``IndexError``.
"""

from __future__ import annotations

import base64
import binascii
import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from uid2_desk.protocol.errors import (
    DecryptionError,
    TokenDecryptError,
    TokenDecryptReason,
    TokenFormatError,
)

BASE64 = "base64"
BASE64URL = "base64url"

_TOKEN_TEXT = re.compile(r"[A-Za-z0-9+/\-_]*={0,2}", re.ASCII)
_URL_TO_STD = str.maketrans("-_", "+/")
CBC_BLOCK = 16


def token_encoding(text: str, *, url_by_default: bool) -> str:
    """Name the alphabet ``text`` is written in; ``url_by_default`` breaks a tie.

    A token made only of letters and digits fits both alphabets; v4 tokens are
    base64url by default and older versions standard base64.
    """
    if "-" in text or "_" in text:
        return BASE64URL
    if "+" in text or "/" in text or text.endswith("="):
        return BASE64
    return BASE64URL if url_by_default else BASE64


def decode_token_text(text: str, what: str) -> bytes:
    """Decode standard base64 or base64url, padded or not (as the operator and SDKs accept).

    Raises :class:`TokenFormatError` naming ``what`` for anything else, including text that
    mixes the two alphabets.
    """
    if not _TOKEN_TEXT.fullmatch(text):
        bad = next((c for c in text if not (c.isascii() and (c.isalnum() or c in "+/-_="))), "=")
        raise TokenFormatError(
            f"the {what} is not base64: it contains {bad!r} where only letters, digits, "
            "'+', '/', '-', '_' and trailing '=' may appear; check it was copied whole"
        )
    if ("-" in text or "_" in text) and ("+" in text or "/" in text):
        raise TokenFormatError(
            f"the {what} mixes the base64 and base64url alphabets; it was probably edited by hand"
        )
    body = text.rstrip("=")
    padding = len(text) - len(body)
    if len(body) % 4 == 1 or (padding and len(text) % 4):
        raise TokenFormatError(
            f"the {what} has {len(text)} characters, which no base64 encoding produces; "
            "characters are missing or were added"
        )
    try:
        return base64.b64decode(body.translate(_URL_TO_STD) + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):  # pragma: no cover - the checks above rule it out
        raise TokenFormatError(f"the {what} is not valid base64") from None


def encode_std(raw: bytes) -> str:
    """Standard base64 with padding (v2/v3 tokens, refresh tokens)."""
    return base64.b64encode(raw).decode("ascii")


def encode_url(raw: bytes) -> str:
    """base64url without padding (v4 tokens)."""
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_std_strict(text: str, what: str) -> bytes:
    """Decode standard padded base64 only (refresh tokens, as the operator's Java decoder)."""
    if not text.isascii():
        raise TokenFormatError(f"the {what} is not base64: it contains non-ASCII characters")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TokenFormatError(
            f"the {what} is not valid standard base64; check it was copied whole"
        ) from None


class Reader:
    """Reads big-endian fields from a decrypted payload; running short is ``INVALID_PAYLOAD``."""

    def __init__(self, data: bytes, what: str) -> None:
        self._data = data
        self._pos = 0
        self._what = what

    @property
    def remaining(self) -> int:
        """Bytes not read yet."""
        return len(self._data) - self._pos

    def take(self, n: int) -> bytes:
        """Return the next ``n`` bytes."""
        if n < 0 or self.remaining < n:
            raise TokenDecryptError(
                f"the {self._what} ends early: {n} more bytes expected at offset {self._pos}, "
                f"{max(self.remaining, 0)} left; it was made by something that is not a UID2 "
                "operator or it is damaged",
                TokenDecryptReason.INVALID_PAYLOAD,
            )
        chunk = self._data[self._pos : self._pos + n]
        self._pos += n
        return chunk

    def rest(self) -> bytes:
        """Return everything not read yet."""
        return self.take(self.remaining)

    def u8(self) -> int:
        """One unsigned byte."""
        return self.take(1)[0]

    def i32(self) -> int:
        """A signed 32-bit int (Java ``int``)."""
        return int.from_bytes(self.take(4), "big", signed=True)

    def i64(self) -> int:
        """A signed 64-bit int (Java ``long``)."""
        return int.from_bytes(self.take(8), "big", signed=True)


def i32(value: int) -> bytes:
    """Pack a Java ``int`` big-endian."""
    return value.to_bytes(4, "big", signed=True)


def i64(value: int) -> bytes:
    """Pack a Java ``long`` big-endian."""
    return value.to_bytes(8, "big", signed=True)


def cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-256-CBC with PKCS#7 padding, as v2 tokens use (no IV in the output)."""
    pad = CBC_BLOCK - len(plaintext) % CBC_BLOCK
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(plaintext + bytes([pad]) * pad) + encryptor.finalize()


def cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Undo :func:`cbc_encrypt`; bad length or padding means a wrong key or damaged data."""
    if len(key) != 32 or len(iv) != CBC_BLOCK:
        raise DecryptionError(f"an AES-256-CBC key is 32 bytes, got {len(key)}")
    if not ciphertext or len(ciphertext) % CBC_BLOCK:
        raise DecryptionError(
            f"CBC data must be a non-empty multiple of {CBC_BLOCK} bytes, got {len(ciphertext)}; "
            "the token is damaged"
        )
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    pad = padded[-1]
    if not 1 <= pad <= CBC_BLOCK or padded[-pad:] != bytes([pad]) * pad:
        raise DecryptionError(
            "decryption failed: the key is wrong or the token was altered (bad CBC padding)"
        )
    return padded[:-pad]

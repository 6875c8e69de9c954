"""The v2 request/response envelope (uid2-protocol.md §2).

Request plaintext is ``ts_ms(8, BE) || nonce(8) || payload``; the envelope is
``0x01 || GCM(secret)``. A 200 reply is ``GCM(secret)`` of ``ts_ms || echoed nonce || json``,
and a refresh reply is ``GCM(refresh_response_key)`` of the bare JSON. Both sides live here:
the client seals requests and opens replies, the local operator does the reverse. Every
function is pure; IV, nonce and time are injectable so vectors reproduce byte for byte.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
from dataclasses import dataclass

from uid2_desk.protocol.crypto import (
    IV_LENGTH,
    TAG_LENGTH,
    gcm_decrypt,
    gcm_decrypt_one_use,
    gcm_encrypt,
    gcm_encrypt_one_use,
    gcm_split,
    random_bytes,
)
from uid2_desk.protocol.errors import EnvelopeError, EnvelopeReason, NonceMismatchError
from uid2_desk.protocol.exchange import EnvelopeParts

ENVELOPE_VERSION = 1
NONCE_LENGTH = 8
TIMESTAMP_LENGTH = 8
#: 1 version + 12 IV + 16 tag + 8 timestamp + 8 nonce (the operator's MIN_PAYLOAD_LENGTH).
MIN_REQUEST_ENVELOPE_LENGTH = 1 + IV_LENGTH + TAG_LENGTH + TIMESTAMP_LENGTH + NONCE_LENGTH
#: The operator rejects a request when ``|trunc(floor(secs)/60)| > 1`` (uid2-protocol.md §2.3).
TIMESTAMP_DRIFT_THRESHOLD_MINUTES = 1


@dataclass(frozen=True)
class OpenedEnvelope:
    """A decrypted envelope: its plaintext fields plus the parts as they were on the wire."""

    timestamp_ms: int
    nonce: bytes
    payload: bytes
    parts: EnvelopeParts
    raw: bytes

    def payload_json(self) -> object:
        """Parse the payload as JSON (raises ``ValueError`` if it is not)."""
        return json.loads(self.payload.decode("utf-8"))


def _plaintext(timestamp_ms: int, nonce: bytes, payload: bytes) -> bytes:
    if len(nonce) != NONCE_LENGTH:
        raise ValueError(f"a nonce is {NONCE_LENGTH} bytes, got {len(nonce)}")
    return struct.pack(">q", timestamp_ms) + nonce + payload


def _split_plaintext(plaintext: bytes) -> tuple[int, bytes, bytes]:
    if len(plaintext) < TIMESTAMP_LENGTH + NONCE_LENGTH:
        raise EnvelopeError(
            "the decrypted envelope is too short to hold a timestamp and a nonce",
            EnvelopeReason.TOO_SHORT,
        )
    (timestamp_ms,) = struct.unpack(">q", plaintext[:TIMESTAMP_LENGTH])
    nonce = plaintext[TIMESTAMP_LENGTH : TIMESTAMP_LENGTH + NONCE_LENGTH]
    return timestamp_ms, nonce, plaintext[TIMESTAMP_LENGTH + NONCE_LENGTH :]


def seal_request(
    secret: bytes,
    payload: bytes,
    *,
    timestamp_ms: int,
    nonce: bytes | None = None,
    iv: bytes | None = None,
) -> OpenedEnvelope:
    """Encrypt a request payload into a version-1 envelope.

    ``raw`` of the result is the binary envelope; :func:`to_base64` gives the HTTP body.
    """
    nonce = nonce if nonce is not None else random_bytes(NONCE_LENGTH)
    blob = gcm_encrypt(secret, _plaintext(timestamp_ms, nonce, payload), iv)
    raw = bytes([ENVELOPE_VERSION]) + blob
    iv_, ct, tag = gcm_split(blob)
    parts = EnvelopeParts(ENVELOPE_VERSION, iv_, ct, tag, timestamp_ms, nonce)
    return OpenedEnvelope(timestamp_ms, nonce, payload, parts, raw)


def decode_base64_body(body: bytes | str) -> bytes:
    """Decode a standard-base64 HTTP body; raise ``EnvelopeError(NOT_BASE64)`` if it is not."""
    try:
        # Decoding inside the try: non-ASCII bytes raise UnicodeDecodeError, which must not leak.
        text = body.decode("ascii", errors="strict") if isinstance(body, bytes) else body
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise EnvelopeError("the body is not valid base64", EnvelopeReason.NOT_BASE64) from None


#: Java's decoder takes the standard alphabet only, then at most two '=' at the very end.
_JAVA_BASE64 = re.compile(r"([A-Za-z0-9+/]*)(=*)")


def decode_base64_java(body: bytes | str) -> bytes:
    """Decode base64 as the operator does (``java.util.Base64.getDecoder().decode``).

    Stricter and looser than :func:`decode_base64_body` at once: no whitespace anywhere (not
    even a trailing newline), but ``=`` padding may be left out; when present it must complete
    the last 4-character unit and end the text. Raises ``EnvelopeError(NOT_BASE64)``. The
    local operator uses this; the client keeps the lenient decoder for replies.
    """
    # latin-1 never fails, and any non-ASCII character then fails the alphabet.
    text = body.decode("latin-1") if isinstance(body, bytes) else body
    match = _JAVA_BASE64.fullmatch(text)
    if match is not None:
        data, padding = match.groups()
        remainder = len(data) % 4
        # Unpadded: any length but 4n+1. Padded: "=" after 4n+3 characters, "==" after 4n+2.
        if (not padding and remainder != 1) or (padding, remainder) in (("=", 3), ("==", 2)):
            return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)
    raise EnvelopeError("the body is not valid base64", EnvelopeReason.NOT_BASE64)


def parse_request_envelope(raw: bytes) -> tuple[int, bytes]:
    """Check a binary request envelope's structure; return ``(version, gcm_blob)``.

    Raises :class:`EnvelopeError` with ``TOO_SHORT`` or ``BAD_VERSION``.
    """
    if len(raw) < MIN_REQUEST_ENVELOPE_LENGTH:
        raise EnvelopeError(
            f"the envelope is {len(raw)} bytes; at least {MIN_REQUEST_ENVELOPE_LENGTH} are needed",
            EnvelopeReason.TOO_SHORT,
        )
    version = raw[0]
    if version != ENVELOPE_VERSION:
        raise EnvelopeError(
            f"envelope version is {version}; only {ENVELOPE_VERSION} exists",
            EnvelopeReason.BAD_VERSION,
            version=version,
        )
    return version, raw[1:]


def open_request(secret: bytes, raw: bytes) -> OpenedEnvelope:
    """Decrypt a binary request envelope (the operator's side).

    Raises :class:`EnvelopeError` for structure and
    :class:`~uid2_desk.protocol.errors.DecryptionError` for a wrong secret.
    """
    version, blob = parse_request_envelope(raw)
    plaintext = gcm_decrypt(secret, blob)
    timestamp_ms, nonce, payload = _split_plaintext(plaintext)
    iv, ct, tag = gcm_split(blob)
    parts = EnvelopeParts(version, iv, ct, tag, timestamp_ms, nonce)
    return OpenedEnvelope(timestamp_ms, nonce, payload, parts, raw)


def seal_response(
    secret: bytes,
    payload: bytes,
    *,
    timestamp_ms: int,
    nonce: bytes,
    iv: bytes | None = None,
) -> OpenedEnvelope:
    """Encrypt a 200 reply: no version byte, the request's nonce echoed."""
    raw = gcm_encrypt(secret, _plaintext(timestamp_ms, nonce, payload), iv)
    iv_, ct, tag = gcm_split(raw)
    parts = EnvelopeParts(None, iv_, ct, tag, timestamp_ms, nonce)
    return OpenedEnvelope(timestamp_ms, nonce, payload, parts, raw)


def open_response(secret: bytes, raw: bytes, *, expected_nonce: bytes | None) -> OpenedEnvelope:
    """Decrypt a 200 reply and, when ``expected_nonce`` is given, check the echo.

    Raises :class:`~uid2_desk.protocol.errors.DecryptionError` or
    :class:`~uid2_desk.protocol.errors.NonceMismatchError`.
    """
    plaintext = gcm_decrypt(secret, raw)
    timestamp_ms, nonce, payload = _split_plaintext(plaintext)
    if expected_nonce is not None and nonce != expected_nonce:
        raise NonceMismatchError(
            f"the reply echoes nonce {nonce.hex()} but the request sent "
            f"{expected_nonce.hex()}: it answers another request or was replayed"
        )
    iv, ct, tag = gcm_split(raw)
    parts = EnvelopeParts(None, iv, ct, tag, timestamp_ms, nonce)
    return OpenedEnvelope(timestamp_ms, nonce, payload, parts, raw)


def seal_refresh_reply(
    refresh_response_key: bytes, payload: bytes, iv: bytes | None = None
) -> bytes:
    """Encrypt a refresh reply: ``GCM(key)`` of the JSON alone, no timestamp, no nonce."""
    return gcm_encrypt_one_use(refresh_response_key, payload, iv)


def open_refresh_reply(refresh_response_key: bytes, raw: bytes) -> tuple[bytes, EnvelopeParts]:
    """Decrypt a refresh reply; return the JSON bytes and the parts for display."""
    payload = gcm_decrypt_one_use(refresh_response_key, raw)
    iv, ct, tag = gcm_split(raw)
    return payload, EnvelopeParts(None, iv, ct, tag, None, None)


def to_base64(raw: bytes) -> str:
    """Standard base64 with padding, the default HTTP body encoding."""
    return base64.b64encode(raw).decode("ascii")


def timestamp_in_window(request_ms: int, now_ms: int) -> bool:
    """Whether the operator would accept a request stamped ``request_ms`` at ``now_ms``.

    Mirrors Java's ``abs(Duration.between(ts, now).toMinutes()) > 1``: the duration is floored
    to whole seconds, then truncated towards zero to minutes.
    """
    seconds = (now_ms - request_ms) // 1000
    minutes = int(seconds / 60) if seconds >= 0 else -int(-seconds / 60)
    return abs(minutes) <= TIMESTAMP_DRIFT_THRESHOLD_MINUTES

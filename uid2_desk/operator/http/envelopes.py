"""The operator's side of the request envelope: open it, or say exactly why not (§2.2, §8).

Base64 text is the default, read as Java's ``Base64.getDecoder()`` reads it (padding optional,
no whitespace); with ``Content-Type: application/octet-stream`` the body is first tried as raw
bytes and, if that fails and the body happens to be base64, as base64 — whose diagnosis then
wins, as in the operator's ``V2RequestUtil.parseRequest``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from uid2_desk.operator.http import wire
from uid2_desk.protocol.envelope import (
    OpenedEnvelope,
    decode_base64_java,
    open_request,
    parse_request_envelope,
    timestamp_in_window,
)
from uid2_desk.protocol.errors import DecryptionError, EnvelopeError, EnvelopeReason


@dataclass(frozen=True)
class Rejection:
    """Why a body is not a usable envelope: the operator's exact ``client_error`` message."""

    message: str
    envelope: OpenedEnvelope | None = None


@dataclass(frozen=True)
class OpenedRequest:
    """A decrypted request.

    Attributes:
        nonce: the 8 bytes to echo in the reply.
        payload: the JSON object sent, or ``None`` when the payload was empty.
        binary: whether the reply must be raw bytes (``application/octet-stream``).
        envelope: the decrypted envelope as it was on the wire (for the capture).
    """

    nonce: bytes
    payload: dict[str, Any] | None
    binary: bool
    envelope: OpenedEnvelope | None = None


def open_request_body(
    body: bytes, content_type: str | None, secret: bytes, now_ms: int
) -> OpenedRequest | Rejection:
    """Decrypt and check a request body, or say why the operator would refuse it."""
    if not body:
        return Rejection(wire.MSG_BODY_MISSING)
    if is_octet_stream(content_type):
        opened = _open_raw(body, secret, now_ms, binary=True)
        if isinstance(opened, OpenedRequest):
            return opened
        decoded = _java_base64(body)
        return opened if decoded is None else _open_raw(decoded, secret, now_ms, binary=False)
    decoded = _java_base64(body)
    if decoded is None:
        return Rejection(wire.MSG_UNENCRYPTED_JSON if _is_json(body) else wire.MSG_NOT_BASE64)
    return _open_raw(decoded, secret, now_ms, binary=False)


def _open_raw(raw: bytes, secret: bytes, now_ms: int, *, binary: bool) -> OpenedRequest | Rejection:
    if _is_json(raw):
        return Rejection(wire.MSG_UNENCRYPTED_JSON)
    try:
        parse_request_envelope(raw)
        opened = open_request(secret, raw)
    except EnvelopeError as exc:
        if exc.reason is EnvelopeReason.BAD_VERSION and exc.version is not None:
            return Rejection(wire.bad_version_message(exc.version))
        return Rejection(wire.MSG_TOO_SHORT)
    except DecryptionError:
        return Rejection(wire.MSG_BAD_SECRET)
    if not timestamp_in_window(opened.timestamp_ms, now_ms):
        return Rejection(wire.MSG_BAD_TIMESTAMP, opened)
    payload: dict[str, Any] | None = None
    if opened.payload:
        try:
            parsed = json.loads(opened.payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return Rejection(wire.MSG_BAD_PAYLOAD, opened)
        if not isinstance(parsed, dict):
            # Vert.x's JsonObject refuses anything but an object.
            return Rejection(wire.MSG_BAD_PAYLOAD, opened)
        payload = parsed
    return OpenedRequest(opened.nonce, payload, binary, opened)


def _java_base64(body: bytes) -> bytes | None:
    # The operator's decoder: padding optional, whitespace (a trailing newline too) refused.
    try:
        return decode_base64_java(body)
    except EnvelopeError:
        return None


def _is_json(data: bytes) -> bool:
    # V2RequestUtil.isUnencryptedJson is ``new JsonObject(text)``: only an object counts, so
    # a JSON array body gets the base64 / version / length message instead.
    text = data.strip()
    if not text.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


def is_octet_stream(content_type: str | None) -> bool:
    """Whether a request's ``Content-Type`` asks for binary bodies (and binary replies)."""
    if not content_type:
        return False
    return content_type.split(";")[0].strip().lower() == wire.OCTET_STREAM

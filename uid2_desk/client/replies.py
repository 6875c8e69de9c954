"""Reading operator replies: the JSON status document, and non-200 answers as errors.

The operator encrypts only HTTP 200 replies; everything else is plain JSON
``{"status": ..., "message": ...}`` (uid2-protocol.md §2.4, §8). This module turns each
answer into a value or an error whose message says what happened and what to try.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from uid2_desk.client.results import TokenResult, TokenStatus
from uid2_desk.client.wire import WireReply
from uid2_desk.protocol.envelope import decode_base64_body
from uid2_desk.protocol.errors import (
    DecryptionError,
    EnvelopeError,
    OperatorClientError,
    OperatorError,
    OperatorServerError,
    PayloadError,
    Uid2DeskError,
    UnauthorizedError,
)
from uid2_desk.protocol.identity import Identity

_SNIPPET = 120


@dataclass(frozen=True)
class StatusDocument:
    """A parsed ``{"status": ..., "body": ..., "message": ...}`` reply."""

    status: str
    body: object
    message: str | None


def parse_status_document(text: bytes) -> StatusDocument:
    """Parse reply JSON that must be an object with a string ``status``."""
    try:
        doc = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PayloadError(
            f"The reply decrypted fine but is not JSON ({_snippet(text)}). The operator may "
            "be a different service or version; check the environment URL."
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("status"), str):
        raise PayloadError(
            f"The reply is JSON but has no 'status' field ({_snippet(text)}); it does not "
            "look like a UID2 operator answer. Check the environment URL."
        )
    message = doc.get("message")
    return StatusDocument(
        doc["status"], doc.get("body"), message if isinstance(message, str) else None
    )


def reply_bytes(reply: WireReply) -> bytes:
    """The encrypted bytes of a 200 reply: raw for octet-stream, else base64-decoded."""
    content_type = (reply.header("content-type") or "").lower()
    if content_type.startswith("application/octet-stream"):
        return reply.body
    return decode_base64_body(reply.body)


def _snippet(raw: bytes) -> str:
    text = raw[:_SNIPPET].decode("utf-8", errors="replace")
    more = "…" if len(raw) > _SNIPPET else ""
    return repr(text + more) if raw else "empty body"


_HINTS = {
    "ClientSecret": "The client secret does not belong to this API key: re-enter the secret "
    "for this environment.",
    "Invalid timestamp": "The desk's clock and the operator's differ by more than the "
    "operator allows (it accepts requests up to about 2 minutes off; the UID2 docs promise "
    "only 60 s): sync this machine's clock, or undo the time warp.",
    "Invalid Identifier": "Check the email or phone (phones must be E.164: + and 10-15 digits).",
}

_REFRESH_STATUS_TEXT = {
    "expired_token": "The refresh token has expired (its refresh_expires time has passed), so "
    "it can no longer be refreshed. The user must sign in again to get a new identity.",
    "invalid_token": "The operator cannot read this refresh token (wrong environment, "
    "damaged, or from another scope). The user must sign in again.",
    "error": "The operator could not refresh the token and did not say why (status 'error'): "
    "that is its answer to callers without a valid API key when the refresh token is expired "
    "or invalid. Check the API key; the user may need to sign in again.",
}


_URL_HINT = "Check the environment URL."
# A status-less 4xx usually means the request never reached a UID2 operator (a wrong path, a
# proxy), so the URL is the first suspect; these codes are the exceptions, where the URL is
# right and what helps is waiting.
_STATUSLESS_HINTS = {
    408: "The server gave up waiting for the request; try again.",
    429: "The operator (or a gateway in front of it) is rate-limiting: wait a moment and try "
    "again, with fewer calls per second.",
}


def operator_error(
    reply: WireReply, endpoint: str, masked_key: str, env_name: str
) -> OperatorError:
    """Build the error for a non-200 reply, keeping the operator's status and message."""
    status: str | None = None
    message: str | None = None
    try:
        doc = parse_status_document(reply.body)
        status, message = doc.status, doc.message
    except PayloadError:
        pass  # not JSON (a proxy page, Vert.x 404 text): described by the snippet below
    code = reply.status
    quoted = f": “{message}”" if message else ""
    label = f"HTTP {code}" + (f" {status}" if status else "")
    if code == 401:
        text = (
            f"{env_name} refused the API key {masked_key} for {endpoint} ({label}). The key is "
            "unknown here, revoked, or lacks the role this endpoint needs; check that you "
            "entered the key for this environment."
        )
        return UnauthorizedError(text, status=status, http_status=code, operator_message=message)
    if 400 <= code < 500:
        if status in _REFRESH_STATUS_TEXT:
            text = f"{_REFRESH_STATUS_TEXT[status]} ({label}{quoted})"
        elif status is None:
            text = (
                f"{env_name} answered {endpoint} with HTTP {code} and no operator status "
                f"({_snippet(reply.body)}). {_STATUSLESS_HINTS.get(code, _URL_HINT)}"
            )
        else:
            hint = next((h for k, h in _HINTS.items() if message and k in message), "")
            text = (
                f"{env_name} rejected the request to {endpoint} ({label}{quoted}). {hint}".strip()
            )
        return OperatorClientError(text, status=status, http_status=code, operator_message=message)
    if code >= 500:
        detail = quoted if status else f" ({_snippet(reply.body)})"
        text = (
            f"{env_name} failed while handling {endpoint} ({label}{detail}). The problem is on "
            "the operator's side: wait a moment and try again."
        )
        return OperatorServerError(text, status=status, http_status=code, operator_message=message)
    text = (
        f"{env_name} answered {endpoint} with an unexpected HTTP {code} ({_snippet(reply.body)}). "
        "Check the environment URL (a redirect often means a missing https or a proxy)."
    )
    return OperatorError(text, status=status, http_status=code, operator_message=message)


def unreadable_reply(exc: Uid2DeskError, env_name: str, *, refresh: bool) -> Uid2DeskError:
    """Rewrite an envelope/decryption failure of a 200 reply with what to try."""
    if isinstance(exc, EnvelopeError):
        return EnvelopeError(
            f"{env_name} answered 200, but the body is not a UID2 envelope ({exc}). The URL may "
            "point at another service or a proxy page; check the environment.",
            exc.reason,
            exc.version,
        )
    key = "the identity's refresh_response_key" if refresh else "the client secret"
    hint = (
        "The identity may come from another operator or an older refresh; sign in again."
        if refresh
        else "Check that the secret belongs to this API key and environment."
    )
    return DecryptionError(
        f"{env_name} answered 200, but the reply cannot be decrypted with {key}: it was "
        f"encrypted with another key or altered on the way. {hint}"
    )


def token_result(doc: StatusDocument) -> TokenResult:
    """A token endpoint's status document as a :class:`TokenResult` (an identity on success)."""
    try:
        status = TokenStatus(doc.status)
    except ValueError:
        raise PayloadError(
            f"The operator answered with status {doc.status!r}, which the desk does not know "
            "for this endpoint. The operator may be newer than the desk."
        ) from None
    if status is not TokenStatus.SUCCESS:
        return TokenResult(status)
    return TokenResult(status, Identity.from_body(doc.body))

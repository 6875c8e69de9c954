"""Byte-faithful replies of the operator: JSON shapes, status strings, content types.

The operator writes compact JSON (Jackson) with ``body``/``message`` before ``status``
(a Java ``HashMap``'s order), errors as plain JSON, and 200 replies encrypted
(uid2-protocol.md §2.4). Every reply records its ``status`` in the request's
:class:`RequestContext`, which the request log reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from uid2_desk.operator.capture.notes import CaptureNotes
from uid2_desk.operator.state.credentials import ClientRecord
from uid2_desk.protocol.envelope import seal_response, to_base64

CONTEXT_SCOPE_KEY = "uid2_desk.operator.context"

APPLICATION_JSON = "application/json"
TEXT_PLAIN = "text/plain"
OCTET_STREAM = "application/octet-stream"

SUCCESS = "success"
OPTOUT = "optout"
CLIENT_ERROR = "client_error"
UNAUTHORIZED = "unauthorized"
INVALID_TOKEN = "invalid_token"
EXPIRED_TOKEN = "expired_token"
GENERIC_ERROR = "error"
UNKNOWN = "unknown"

_DOCS = "https://unifiedid.com/docs/getting-started/gs-encryption-decryption"
_HINT = f" See {_DOCS} for details on the request envelope format."
MSG_BODY_MISSING = "Invalid body: Body is missing."
MSG_NOT_BASE64 = "Invalid body: Body is not valid base64." + _HINT
MSG_UNENCRYPTED_JSON = (
    "Invalid body: The request body is unencrypted JSON. It must be an encrypted request "
    f"envelope. See {_DOCS}#encryption-and-decryption-code-examples for encryption and "
    "decryption code examples."
)
MSG_TOO_SHORT = "Invalid body: Body too short. Check encryption method." + _HINT
MSG_BAD_SECRET = "Invalid body: Check encryption key (ClientSecret)." + _HINT
MSG_BAD_TIMESTAMP = "Invalid timestamp: Request too old or client time drift."
MSG_BAD_PAYLOAD = "Invalid payload in body: Data is not valid json string."
MSG_IDENTIFIER_COUNT = (
    "Required Parameter Missing: exactly one of [email, email_hash, phone, phone_hash] "
    "must be specified"
)
MSG_INVALID_IDENTIFIER = "Invalid Identifier"
MSG_NO_ACTIVE_KEY = "No active encryption key available"
MSG_UNKNOWN_STATE = "Unknown State"
#: Vert.x's reply when a handler fails without answering (``GenericFailureHandler``).
MSG_INTERNAL_SERVER_ERROR = "Internal Server Error"


def bad_version_message(version: int) -> str:
    """The message for an envelope whose version byte is not 1.

    The operator prints the byte unsigned (``Byte.toUnsignedInt``, V2RequestUtil): 0xC8 is
    "received 200".
    """
    return (
        f"Invalid body: Invalid request envelope format version: received {version & 0xFF}, "
        f"must be 1.{_HINT}"
    )


@dataclass
class RequestContext:
    """What a request turned out to be, filled in as it is handled (mutable, per request).

    Attributes:
        client: the authenticated client, if any.
        status: the UID2 ``status`` answered, if any.
        notes: the decrypted request and reply, for the capture.
    """

    client: ClientRecord | None = None
    status: str | None = None
    notes: CaptureNotes = field(default_factory=CaptureNotes)


def context_of(request: Request) -> RequestContext:
    """The context the operator's middleware put in this request's scope."""
    ctx = request.scope.get(CONTEXT_SCOPE_KEY)
    if ctx is None:
        ctx = RequestContext()
        request.scope[CONTEXT_SCOPE_KEY] = ctx
    assert isinstance(ctx, RequestContext)
    return ctx


def json_bytes(document: Any) -> bytes:
    """Compact UTF-8 JSON, as Jackson writes it (``/`` and ``+`` unescaped)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def success_document(body: Any) -> dict[str, Any]:
    """``{"body":...,"status":"success"}`` in the operator's key order."""
    return {"body": body, "status": SUCCESS}


def plain_json(request: Request, http_status: int, document: dict[str, Any]) -> Response:
    """An unencrypted JSON reply (every non-200 answer, and bare-token refreshes)."""
    status = document.get("status")
    context_of(request).status = status if isinstance(status, str) else None
    return Response(json_bytes(document), http_status, {"content-type": APPLICATION_JSON})


def error(request: Request, http_status: int, status: str, message: str) -> Response:
    """``{"message":...,"status":...}`` with the given HTTP code."""
    return plain_json(request, http_status, {"message": message, "status": status})


def client_error(request: Request, message: str) -> Response:
    """400 ``client_error``."""
    return error(request, 400, CLIENT_ERROR, message)


def unauthorized(request: Request) -> Response:
    """401 ``{"status":"unauthorized"}`` (SH ``AuthMiddleware.onFailedAuth``)."""
    return plain_json(request, 401, {"status": UNAUTHORIZED})


def internal_server_error(request: Request) -> Response:
    """Vert.x's plain 500: the reason phrase as the body, no content type, no UID2 status."""
    context_of(request).status = None
    return Response(MSG_INTERNAL_SERVER_ERROR.encode("ascii"), 500)


def no_active_key(request: Request) -> Response:
    """500 ``unknown``: the operator has no key to encrypt with."""
    return error(request, 500, UNKNOWN, MSG_NO_ACTIVE_KEY)


def encrypted_reply(
    request: Request,
    document: dict[str, Any],
    *,
    secret: bytes,
    nonce: bytes,
    now_ms: int,
    binary: bool,
) -> Response:
    """A 200 reply sealed with the client secret, echoing the request's nonce."""
    status = document.get("status")
    context_of(request).status = status if isinstance(status, str) else None
    plaintext = json_bytes(document)
    envelope = seal_response(secret, plaintext, timestamp_ms=now_ms, nonce=nonce)
    context_of(request).notes.replied(plaintext, envelope.parts)
    sealed = envelope.raw
    if binary:
        return Response(sealed, 200, {"content-type": OCTET_STREAM})
    return Response(to_base64(sealed).encode("ascii"), 200, {"content-type": TEXT_PLAIN})


def bearer_token(header: str | None) -> str | None:
    """The API key of an ``Authorization: Bearer`` header, as the operator extracts it.

    uid2-shared ``AuthMiddleware``: the header is trimmed, the first seven characters must be
    ``bearer `` (any case, one space), and the rest is the key *as is*: ``Bearer  KEY`` (two
    spaces) looks up the key `` KEY`` and so authenticates nobody.
    """
    if not header:
        return None
    text = header.strip()
    if len(text) < 7 or text[:7].lower() != "bearer ":
        return None
    return text[7:] or None

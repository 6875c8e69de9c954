"""A served request as plain values: what the server records, and ships to another process.

The serving thread records each request as one tuple of bytes, strings, numbers and tuples
(:func:`record`), nothing else: no dataclass to build, no copy of the ASGI scope's dict, and
nothing the garbage collector must keep scanning (a tuple of such values is untracked at the
first collection). :mod:`marshal` writes a whole batch of them in one call on the shipping
thread. Where the exchange is built, :func:`unflatten` makes the
:class:`~uid2_desk.operator.capture.builder.CapturedRequest` back. The two sides must change
together (a round-trip test holds them to it).

A record holds the request as sent, its ``Authorization`` header and the sealed reply's
secrets in clear: it lives only between the server and the capture, is never logged, and is
masked when its exchange is built.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Mapping
from typing import Any

from uid2_desk.operator.capture.builder import CapturedRequest, ServedBytes
from uid2_desk.operator.capture.notes import CaptureNotes
from uid2_desk.protocol.exchange import EnvelopeParts

#: The parts of an ASGI scope a capture reads, in the order a record keeps them.
SCOPE_KEYS = ("method", "path", "query_string", "headers", "client", "server")

#: One served request as :func:`record` writes it.
Record = tuple[Any, ...]

_Parts = tuple[int | None, bytes, bytes, bytes, int | None, bytes | None]


def record(
    scope: Mapping[str, Any],
    body: bytes,
    http_status: int,
    headers: Iterable[tuple[bytes, bytes]],
    reply: bytes,
    *,
    arrived_ms: int,
    total_ms: float,
    notes: CaptureNotes,
    role: str | None,
    site_id: int | None,
    status: str | None,
) -> Record:
    """One served request, as the server hands it to a request sink.

    ``role``, ``site_id`` and ``status`` are the authenticated client's and the UID2 status
    answered; ``notes`` what the handlers noted.
    """
    get = scope.get
    return (
        (
            get("method"),
            get("path"),
            get("query_string"),
            tuple(get("headers") or ()),
            get("client"),
            get("server"),
        ),
        body,
        http_status,
        tuple(headers),
        reply,
        arrived_ms,
        total_ms,
        _parts(notes.request_envelope),
        notes.request_plaintext,
        _parts(notes.reply_envelope),
        notes.reply_json,
        notes.server_time_ms,
        tuple(notes.facts),
        notes.role,
        notes.subscription,
        notes.app_name,
        role,
        site_id,
        status,
    )


def unflatten(flat: Record) -> CapturedRequest:
    """The request :func:`record` made ``flat`` of."""
    (scope_values, body, http_status, headers, reply, arrived_ms, total_ms) = flat[:7]
    (request_parts, request_plaintext, reply_parts, reply_json, server_time_ms) = flat[7:12]
    (facts, notes_role, subscription, app_name, role, site_id, status) = flat[12:]
    served = ServedBytes(
        # A key the server's scope did not have stays absent (the builder has defaults).
        scope={
            key: value
            for key, value in zip(SCOPE_KEYS, scope_values, strict=True)
            if value is not None
        },
        body=body,
        http_status=http_status,
        headers=headers,
        reply=reply,
        arrived_ms=arrived_ms,
        total_ms=total_ms,
    )
    notes = CaptureNotes(
        request_envelope=_envelope(request_parts),
        request_plaintext=request_plaintext,
        reply_envelope=_envelope(reply_parts),
        reply_json=reply_json,
        server_time_ms=server_time_ms,
        facts=list(facts),
        role=notes_role,
        subscription=subscription,
        app_name=app_name,
    )
    return CapturedRequest(served, notes, role=role, site_id=site_id, status=status)


def dumps(batch: list[Record]) -> bytes:
    """One message of a batch of records (one C call: the records are plain values)."""
    return marshal.dumps(batch)


def loads(message: bytes) -> list[CapturedRequest]:
    """The requests of one :func:`dumps` message."""
    return [unflatten(flat) for flat in marshal.loads(message)]


def _parts(parts: EnvelopeParts | None) -> _Parts | None:
    if parts is None:
        return None
    return (parts.version, parts.iv, parts.ciphertext, parts.tag, parts.timestamp_ms, parts.nonce)


def _envelope(parts: _Parts | None) -> EnvelopeParts | None:
    return None if parts is None else EnvelopeParts(*parts)

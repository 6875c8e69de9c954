"""A captured request as plain values, for a capture that builds it in another process.

Pickling the dataclasses of one request costs about 15 µs of the server's interpreter; the
same values as one tuple of bytes, strings, numbers, lists and dicts (what the ASGI scope
already holds) go through :mod:`marshal` in a few. :func:`flatten` runs on the server's
side, :func:`unflatten` where the exchange is built; the two must change together (a
round-trip test holds them to it).
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from typing import Any

from uid2_desk.operator.capture.builder import CapturedRequest, ServedBytes
from uid2_desk.operator.capture.notes import CaptureNotes
from uid2_desk.protocol.exchange import EnvelopeParts

#: The parts of an ASGI scope a capture reads (the rest is the server's and cannot be shipped).
SCOPE_KEYS = ("method", "path", "query_string", "headers", "client", "server")

_Parts = tuple[int | None, bytes, bytes, bytes, int | None, bytes | None]


def portable_scope(scope: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of ``scope`` a capture reads, as plain values."""
    return {key: scope[key] for key in SCOPE_KEYS if key in scope}


def flatten(captured: CapturedRequest) -> tuple[Any, ...]:
    """``captured`` as nested tuples of plain values (what :mod:`marshal` can write)."""
    served, notes = captured.served, captured.notes
    return (
        served.scope,
        served.body,
        served.http_status,
        served.headers,
        served.reply,
        served.arrived_ms,
        served.total_ms,
        _parts(notes.request_envelope),
        notes.request_plaintext,
        _parts(notes.reply_envelope),
        notes.reply_json,
        notes.server_time_ms,
        tuple(notes.facts),
        notes.role,
        notes.subscription,
        notes.app_name,
        captured.role,
        captured.site_id,
        captured.status,
    )


def unflatten(flat: tuple[Any, ...]) -> CapturedRequest:
    """The request :func:`flatten` made ``flat`` of."""
    (scope, body, http_status, headers, reply, arrived_ms, total_ms) = flat[:7]
    (request_parts, request_plaintext, reply_parts, reply_json, server_time_ms) = flat[7:12]
    (facts, notes_role, subscription, app_name, role, site_id, status) = flat[12:]
    served = ServedBytes(
        scope=scope,
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


def dumps(batch: list[CapturedRequest]) -> bytes:
    """One message of a batch of requests."""
    return marshal.dumps([flatten(captured) for captured in batch])


def loads(message: bytes) -> list[CapturedRequest]:
    """The requests of one :func:`dumps` message."""
    return [unflatten(flat) for flat in marshal.loads(message)]


def _parts(parts: EnvelopeParts | None) -> _Parts | None:
    if parts is None:
        return None
    return (parts.version, parts.iv, parts.ciphertext, parts.tag, parts.timestamp_ms, parts.nonce)


def _envelope(parts: _Parts | None) -> EnvelopeParts | None:
    return None if parts is None else EnvelopeParts(*parts)

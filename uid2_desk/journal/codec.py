"""Exchange records to and from JSON, the journal's storage format and the JSONL export's.

The JSON form is plain data: bodies as ``{"text": ...}`` (or ``{"base64": ...}`` when not
UTF-8), other bytes as standard base64, envelopes as objects, headers as ``[name, value]``
pairs, plus ``"format": 1`` so a later layout can be told apart.

On disk (:func:`encode_exchange`, ``"format": 2``) an envelope whose IV, ciphertext and tag
are exactly the bytes of its body (as they are for every v2 envelope) is stored as
``{"in_body": [iv_len, tag_len], ...}`` and cut out of the body again when read, so the bytes
are stored once. The JSON is stored as it is, not compressed: the repeated envelope was
nearly all zlib saved (2.4 KB compressed against 3.4 KB plain for a generate), and a burst of
appends is limited by the writer's per-entry work, of which encoding was the largest part
(measured: 35 µs per generate with level-1 zlib, 10 µs without). Journals written before
(``"format": 1``, zlib-compressed) are still read.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

from uid2_desk.journal.stored_json import (
    COMPACT_JSON,
    STORED_FORMAT,
    body_bytes,
    envelope_in_body,
    stored_json,
)
from uid2_desk.journal.stored_json import b64 as _b64
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import EnvelopeParts, Exchange, Timings

__all__ = ["COMPACT_JSON", "STORED_FORMAT"]

FORMAT = 1


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def body_to_json(body: bytes) -> dict[str, str]:
    """A body as ``{"text": ...}`` when it is UTF-8 (base64 envelopes, JSON), else base64.

    Keeping base64 bodies as text (not base64 of base64) lets the compressor match the reply
    body against the envelope's ciphertext, which is the same bytes.
    """
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": _b64(body)}


def body_from_json(doc: dict[str, str]) -> bytes:
    """Inverse of :func:`body_to_json`."""
    if "text" in doc:
        return doc["text"].encode("utf-8")
    return _unb64(doc["base64"])


def _envelope_to_json(parts: EnvelopeParts | None) -> dict[str, Any] | None:
    if parts is None:
        return None
    return {
        "version": parts.version,
        "iv": _b64(parts.iv),
        "ciphertext": _b64(parts.ciphertext),
        "tag": _b64(parts.tag),
        "timestamp_ms": parts.timestamp_ms,
        "nonce": None if parts.nonce is None else _b64(parts.nonce),
    }


def _stored_envelope(parts: EnvelopeParts | None, body: bytes) -> dict[str, Any] | None:
    """The envelope as a pointer into its body when the body holds exactly its bytes."""
    if parts is None:
        return None
    if envelope_in_body(parts, body_bytes(body)):
        return {
            "in_body": [len(parts.iv), len(parts.tag)],
            "version": parts.version,
            "timestamp_ms": parts.timestamp_ms,
            "nonce": None if parts.nonce is None else _b64(parts.nonce),
        }
    return _envelope_to_json(parts)


def _envelope_from_json(doc: dict[str, Any] | None, body: bytes) -> EnvelopeParts | None:
    if doc is None:
        return None
    nonce = doc.get("nonce")
    if "in_body" in doc:
        iv_len, tag_len = (int(n) for n in doc["in_body"])
        raw = body_bytes(body)
        start = 0 if doc.get("version") is None else 1
        if raw is None or tag_len <= 0 or len(raw) < start + iv_len + tag_len:
            raise ValueError("an envelope points into a body that does not hold it")
        return EnvelopeParts(
            version=doc.get("version"),
            iv=raw[start : start + iv_len],
            ciphertext=raw[start + iv_len : -tag_len],
            tag=raw[-tag_len:],
            timestamp_ms=doc.get("timestamp_ms"),
            nonce=None if nonce is None else _unb64(nonce),
        )
    return EnvelopeParts(
        version=doc.get("version"),
        iv=_unb64(doc["iv"]),
        ciphertext=_unb64(doc["ciphertext"]),
        tag=_unb64(doc["tag"]),
        timestamp_ms=doc.get("timestamp_ms"),
        nonce=None if nonce is None else _unb64(nonce),
    )


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list[list[str]]:
    return [[k, v] for k, v in pairs]


def _unpairs(doc: list[list[str]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in (doc or []))


def exchange_to_json(exchange: Exchange) -> dict[str, Any]:
    """The exchange as JSON-ready plain data (bytes as base64)."""
    return _document(exchange, stored=False)


def stored_document(exchange: Exchange) -> dict[str, Any]:
    """What the stored form holds, as data: :func:`encode_exchange` writes this as JSON."""
    return _document(exchange, stored=True)


def _document(exchange: Exchange, *, stored: bool) -> dict[str, Any]:
    t = exchange.timings
    if stored:
        request_envelope = _stored_envelope(exchange.request_envelope, exchange.request_body)
        response_envelope = _stored_envelope(exchange.response_envelope, exchange.response_body)
    else:
        request_envelope = _envelope_to_json(exchange.request_envelope)
        response_envelope = _envelope_to_json(exchange.response_envelope)
    return {
        "format": STORED_FORMAT if stored else FORMAT,
        "endpoint": exchange.endpoint,
        "url": exchange.url,
        "method": exchange.method,
        "started_ms": exchange.started_ms,
        "timings": {
            "total_ms": t.total_ms,
            "connect_ms": t.connect_ms,
            "send_ms": t.send_ms,
            "wait_ms": t.wait_ms,
            "receive_ms": t.receive_ms,
        },
        "request_headers": _pairs(exchange.request_headers),
        "request_plaintext": exchange.request_plaintext,
        "request_body": body_to_json(exchange.request_body),
        "request_envelope": request_envelope,
        "http_status": exchange.http_status,
        "response_headers": _pairs(exchange.response_headers),
        "response_body": body_to_json(exchange.response_body),
        "response_envelope": response_envelope,
        "response_plaintext": exchange.response_plaintext,
        "nonce_ok": exchange.nonce_ok,
        "operator_status": exchange.operator_status,
        "server_time_ms": exchange.server_time_ms,
        "server_date": exchange.server_date,
        "error": exchange.error,
        "extra": _pairs(exchange.extra),
    }


def exchange_from_json(doc: dict[str, Any]) -> Exchange:
    """Rebuild an exchange from :func:`exchange_to_json` data (or the stored form).

    Raises :class:`StorageError` when the data is not such a record.
    """
    try:
        if doc.get("format") not in (FORMAT, STORED_FORMAT):
            raise ValueError(f"unknown exchange format {doc.get('format')!r}")
        t = doc["timings"]
        request_body = body_from_json(doc["request_body"])
        response_body = body_from_json(doc["response_body"])
        return Exchange(
            endpoint=doc["endpoint"],
            url=doc["url"],
            method=doc.get("method", "POST"),
            started_ms=int(doc["started_ms"]),
            timings=Timings(
                total_ms=float(t["total_ms"]),
                connect_ms=t.get("connect_ms"),
                send_ms=t.get("send_ms"),
                wait_ms=t.get("wait_ms"),
                receive_ms=t.get("receive_ms"),
            ),
            request_headers=_unpairs(doc.get("request_headers")),
            request_plaintext=doc.get("request_plaintext"),
            request_body=request_body,
            request_envelope=_envelope_from_json(doc.get("request_envelope"), request_body),
            http_status=doc.get("http_status"),
            response_headers=_unpairs(doc.get("response_headers")),
            response_body=response_body,
            response_envelope=_envelope_from_json(doc.get("response_envelope"), response_body),
            response_plaintext=doc.get("response_plaintext"),
            nonce_ok=doc.get("nonce_ok"),
            operator_status=doc.get("operator_status"),
            server_time_ms=doc.get("server_time_ms"),
            server_date=doc.get("server_date"),
            error=doc.get("error"),
            extra=_unpairs(doc.get("extra")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise StorageError(
            f"A journal entry holds an exchange this version cannot read ({exc}). "
            "The rest of the journal is unaffected; export it and start a new one if this repeats."
        ) from exc


def encode_exchange(exchange: Exchange) -> bytes:
    """The bytes the journal stores for an exchange (UTF-8 JSON, ``"format": 2``).

    Written by :func:`~uid2_desk.journal.stored_json.stored_json`: the text ``json`` writes
    for :func:`stored_document`, made without building the document first.
    """
    return stored_json(exchange).encode("utf-8")


def decode_exchange(blob: bytes) -> Exchange:
    """Inverse of :func:`encode_exchange` (and of format 1's zlib); raises StorageError."""
    try:
        # A zlib stream starts with 0x78; stored JSON with "{".
        text = blob if blob[:1] == b"{" else zlib.decompress(blob)
        doc = json.loads(text.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise StorageError(
            f"A journal entry's exchange data is damaged ({exc}); the entry's summary is still "
            "listed, but its bytes cannot be shown."
        ) from exc
    if not isinstance(doc, dict):
        raise StorageError("A journal entry's exchange data is not a record; it cannot be shown.")
    return exchange_from_json(doc)

"""Exchange records to and from JSON, the journal's storage format and the JSONL export's.

The JSON form is plain data: bodies as ``{"text": ...}`` (or ``{"base64": ...}`` when not
UTF-8), other bytes as standard base64, envelopes as objects, headers as ``[name, value]``
pairs, plus ``"format": 1`` so a later layout can be told apart. On disk the journal keeps it
zlib-compressed (:func:`encode_exchange`): a reply body is the base64 of
``IV(12) || ciphertext || tag`` and 12 is a multiple of 3, so the body text contains the
ciphertext's base64 verbatim and the compressor stores it once.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import EnvelopeParts, Exchange, Timings

FORMAT = 1
#: zlib level 1: nearly all of level 6's gain on these records at a third of the time.
_ZLIB_LEVEL = 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


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


def _envelope_from_json(doc: dict[str, Any] | None) -> EnvelopeParts | None:
    if doc is None:
        return None
    nonce = doc.get("nonce")
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
    t = exchange.timings
    return {
        "format": FORMAT,
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
        "request_envelope": _envelope_to_json(exchange.request_envelope),
        "http_status": exchange.http_status,
        "response_headers": _pairs(exchange.response_headers),
        "response_body": body_to_json(exchange.response_body),
        "response_envelope": _envelope_to_json(exchange.response_envelope),
        "response_plaintext": exchange.response_plaintext,
        "nonce_ok": exchange.nonce_ok,
        "operator_status": exchange.operator_status,
        "server_time_ms": exchange.server_time_ms,
        "server_date": exchange.server_date,
        "error": exchange.error,
        "extra": _pairs(exchange.extra),
    }


def exchange_from_json(doc: dict[str, Any]) -> Exchange:
    """Rebuild an exchange from :func:`exchange_to_json` data.

    Raises :class:`StorageError` when the data is not such a record.
    """
    try:
        if doc.get("format") != FORMAT:
            raise ValueError(f"unknown exchange format {doc.get('format')!r}")
        t = doc["timings"]
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
            request_body=body_from_json(doc["request_body"]),
            request_envelope=_envelope_from_json(doc.get("request_envelope")),
            http_status=doc.get("http_status"),
            response_headers=_unpairs(doc.get("response_headers")),
            response_body=body_from_json(doc["response_body"]),
            response_envelope=_envelope_from_json(doc.get("response_envelope")),
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
    """The compressed bytes the journal stores for an exchange."""
    text = json.dumps(exchange_to_json(exchange), separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode("utf-8"), _ZLIB_LEVEL)


def decode_exchange(blob: bytes) -> Exchange:
    """Inverse of :func:`encode_exchange`; raises :class:`StorageError` on damaged data."""
    try:
        doc = json.loads(zlib.decompress(blob).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise StorageError(
            f"A journal entry's exchange data is damaged ({exc}); the entry's summary is still "
            "listed, but its bytes cannot be shown."
        ) from exc
    if not isinstance(doc, dict):
        raise StorageError("A journal entry's exchange data is not a record; it cannot be shown.")
    return exchange_from_json(doc)

"""HAR 1.2 export: one entry per exchange, readable by Charles, Chrome and Postman.

Standard fields carry what went over the wire: ``request.postData.text`` is the body as sent
(the base64 envelope, or the refresh token), ``response.content.text`` the reply as received
(base64 when it is not text). What only the desk knows travels in custom fields, which HAR
allows when their names start with ``_``: ``_uid2RequestPlaintext``,
``_uid2ResponsePlaintext`` (decrypted payloads), ``_uid2Step``, ``_uid2Outcome``,
``_uid2NonceOk``, ``_uid2Envelope`` (envelope parts in hex), ``_uid2Extra`` (a captured
request's client and the explanation of a failure)... Events go to
``log._uid2Events``. Each session is a HAR page.

Timings: HAR allows ``-1`` ("does not apply or unknown") only for ``blocked``, ``dns``,
``connect`` and ``ssl``; ``send``, ``wait`` and ``receive`` must be non-negative, and ``time``
must be the sum of the non-negative phases. ``time`` is the exchange's measured total; what
the traced phases do not account for (time in the connection pool, in httpx before and after
the socket) goes to ``blocked``. Unknown ``send``/``receive`` are 0 and an unknown ``wait``
takes the rest of the total, so nothing is left for ``blocked`` then (``-1``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from uid2_desk import __version__
from uid2_desk.journal.export_common import iso_ms, prepare, write_text_atomic
from uid2_desk.journal.model import EntryKind, JournalEntry
from uid2_desk.journal.redaction import Redaction
from uid2_desk.protocol.exchange import EnvelopeParts, Exchange, Timings

HAR_VERSION = "1.2"
_NO_REDACTION = Redaction()


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in pairs]


def _text(body: bytes) -> tuple[str, bool]:
    """The body as HAR text, and whether it had to be base64-encoded."""
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), True


def har_timings(t: Timings) -> dict[str, float]:
    """Map our timings onto HAR's phases; they add up to ``t.total_ms`` (module docstring)."""
    connect = t.connect_ms if t.connect_ms is not None else -1.0
    send = t.send_ms or 0.0
    receive = t.receive_ms or 0.0
    traced = max(connect, 0.0) + send + receive
    wait = t.wait_ms if t.wait_ms is not None else max(0.0, t.total_ms - traced)
    rest = t.total_ms - traced - wait
    if rest < 0:
        # The phases were measured with a separate timer: never let them exceed the total.
        wait = max(0.0, wait + rest)
        rest = 0.0
    return {
        "blocked": rest if rest > 0 else -1.0,
        "dns": -1.0,
        "connect": connect,
        "send": send,
        "wait": wait,
        "receive": receive,
        "ssl": -1.0,
    }


def _envelope(parts: EnvelopeParts | None) -> dict[str, Any] | None:
    if parts is None:
        return None
    return {
        "version": parts.version,
        "iv": parts.iv.hex(),
        "ciphertext": parts.ciphertext.hex(),
        "tag": parts.tag.hex(),
        "timestampMs": parts.timestamp_ms,
        "nonce": None if parts.nonce is None else parts.nonce.hex(),
    }


def _request(ex: Exchange) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": ex.method,
        "url": ex.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(ex.request_headers),
        "queryString": [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(ex.url).query)],
        "headersSize": -1,
        "bodySize": len(ex.request_body),
    }
    if ex.request_body or ex.method in {"POST", "PUT", "PATCH"}:
        text, encoded = _text(ex.request_body)
        mime = _header(ex.request_headers, "content-type") or "application/octet-stream"
        request["postData"] = {"mimeType": mime, "text": text}
        if encoded:
            request["postData"]["_uid2Encoding"] = "base64"
    return request


def _response(ex: Exchange) -> dict[str, Any]:
    answered = ex.http_status is not None
    text, encoded = _text(ex.response_body)
    content: dict[str, Any] = {
        "size": len(ex.response_body),
        "mimeType": _header(ex.response_headers, "content-type") or "x-unknown",
        "text": text,
    }
    if encoded:
        content["encoding"] = "base64"
    status = ex.http_status or 0
    try:
        status_text = HTTPStatus(status).phrase if answered else ""
    except ValueError:
        status_text = ""
    return {
        "status": status,
        "statusText": status_text,
        "httpVersion": "HTTP/1.1" if answered else "",
        "cookies": [],
        "headers": _pairs(ex.response_headers),
        "content": content,
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": len(ex.response_body) if answered else -1,
    }


def _entry(entry: JournalEntry, ex: Exchange) -> dict[str, Any]:
    return {
        "pageref": entry.session,
        "startedDateTime": iso_ms(ex.started_ms),
        # The measured total, which har_timings' phases add up to (as HAR requires).
        "time": ex.timings.total_ms,
        "request": _request(ex),
        "response": _response(ex),
        "cache": {},
        "timings": har_timings(ex.timings),
        "comment": entry.summary,
        "_uid2Seq": entry.seq,
        "_uid2Step": entry.step,
        "_uid2Session": entry.session,
        "_uid2User": entry.user,
        "_uid2Environment": entry.environment,
        "_uid2Outcome": entry.outcome,
        "_uid2OperatorStatus": ex.operator_status,
        "_uid2RequestPlaintext": ex.request_plaintext,
        "_uid2ResponsePlaintext": ex.response_plaintext,
        "_uid2NonceOk": ex.nonce_ok,
        "_uid2ServerTimeMs": ex.server_time_ms,
        "_uid2ClockSkewMs": ex.clock_skew_ms,
        "_uid2ClockSkewResolutionMs": ex.clock_skew_resolution_ms,
        "_uid2ClockSkewUncertaintyMs": ex.clock_skew_uncertainty_ms,
        "_uid2TotalMs": ex.timings.total_ms,
        "_uid2Envelope": {
            "request": _envelope(ex.request_envelope),
            "response": _envelope(ex.response_envelope),
        },
        "_uid2Error": ex.error,
        # Who sent a captured request (the local operator's capture), and why it failed.
        "_uid2Extra": dict(ex.extra),
    }


def _event(entry: JournalEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "startedDateTime": iso_ms(entry.at_ms),
        "name": entry.name,
        "step": entry.step,
        "session": entry.session,
        "user": entry.user,
        "outcome": entry.outcome,
        "summary": entry.summary,
        "detail": [{"name": k, "value": v} for k, v in entry.detail],
    }


def har_document(
    entries: Sequence[JournalEntry], *, redaction: Redaction = _NO_REDACTION
) -> dict[str, Any]:
    """The HAR 1.2 document (a JSON-ready dict) for full ``entries``."""
    prepared = prepare(entries, redaction)
    pages: dict[str, dict[str, Any]] = {}
    for e in prepared:
        pages.setdefault(
            e.session,
            {
                "startedDateTime": iso_ms(e.at_ms),
                "id": e.session,
                "title": f"UID2 Desk session {e.session} ({e.environment})",
                "pageTimings": {"onContentLoad": -1, "onLoad": -1},
            },
        )
    return {
        "log": {
            "version": HAR_VERSION,
            "creator": {"name": "UID2 Desk", "version": __version__},
            "pages": list(pages.values()),
            "entries": [
                _entry(e, e.exchange)
                for e in prepared
                if e.kind is EntryKind.EXCHANGE and e.exchange is not None
            ],
            "comment": "Exported by UID2 Desk; decrypted payloads are in the _uid2 fields.",
            "_uid2Events": [_event(e) for e in prepared if e.kind is EntryKind.EVENT],
            "_uid2Redaction": {
                "maskDii": redaction.mask_dii,
                "shortenTokens": redaction.shorten_tokens,
            },
        }
    }


def har_text(entries: Sequence[JournalEntry], *, redaction: Redaction = _NO_REDACTION) -> str:
    """The HAR document as indented JSON text."""
    return json.dumps(har_document(entries, redaction=redaction), indent=2, ensure_ascii=False)


def write_har(
    path: Path, entries: Sequence[JournalEntry], *, redaction: Redaction = _NO_REDACTION
) -> None:
    """Write the HAR file atomically; raises :class:`StorageError` if it cannot be written."""
    write_text_atomic(path, har_text(entries, redaction=redaction) + "\n")

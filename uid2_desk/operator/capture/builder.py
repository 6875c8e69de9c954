"""Build the :class:`Exchange` of one served request from its bytes and its notes.

The operator records each served request as a :class:`CapturedRequest`: plain values only
(bytes, strings, small dataclasses), so it can be built here on the request's thread or
shipped (:mod:`~uid2_desk.operator.capture.portable`) and built in another process.
Building is no I/O, no SQLite, a few dictionary look-ups and JSON parses. The
``Authorization`` header and the reply's secrets are masked here, before any exchange exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs

from uid2_desk.operator.capture.notes import CaptureNotes
from uid2_desk.protocol.capture import CAPTURED_BY, FIX, WHY, WHY_CODE, CapturedClient, with_extra
from uid2_desk.protocol.capture_masking import bearer as _bearer
from uid2_desk.protocol.capture_masking import mask_key
from uid2_desk.protocol.capture_masking import masked_authorization as _masked_authorization
from uid2_desk.protocol.exchange import Exchange, Timings
from uid2_desk.protocol.explain import explain

_TEXT_TYPES = ("application/json", "text/plain")


@dataclass(frozen=True)
class ServedBytes:
    """What went over the wire for one request.

    Attributes:
        scope: the ASGI scope's method, path, query, headers, client and server address.
        body: the request body as received.
        http_status: the status sent (0 when the connection was cut before one).
        headers: the reply's headers as sent.
        reply: the reply's body as sent.
        arrived_ms: the operator's clock when the request arrived.
        total_ms: how long serving it took.
    """

    scope: Mapping[str, Any] = field(repr=False)  # its Authorization header is in clear
    body: bytes
    http_status: int
    headers: Iterable[tuple[bytes, bytes]]
    reply: bytes
    arrived_ms: int
    total_ms: float


@dataclass(frozen=True)
class CapturedRequest:
    """One served request as the operator saw it: its bytes, its notes and its client.

    Attributes:
        served: what went over the wire.
        notes: what the handlers noted (decrypted halves, facts).
        role: the authenticated client's name (``None``: no key matched).
        site_id: that client's site.
        status: the UID2 ``status`` answered, if any.
    """

    served: ServedBytes
    notes: CaptureNotes
    role: str | None
    site_id: int | None
    status: str | None

    def exchange(self) -> Exchange:
        """The exchange of this request: who sent it, both halves decrypted, explained."""
        return build_exchange(
            self.served, self.notes, role=self.role, site_id=self.site_id, status=self.status
        )


def build_exchange(
    served: ServedBytes,
    notes: CaptureNotes,
    *,
    role: str | None,
    site_id: int | None,
    status: str | None,
) -> Exchange:
    """The exchange of one served request: who sent it, both halves decrypted, explained."""
    scope = served.scope
    headers = _decoded(scope.get("headers", ()))
    request_headers = tuple(
        (name, _masked_authorization(value) if name.lower() == "authorization" else value)
        for name, value in headers
    )
    response_headers = _decoded(served.headers)
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    path = str(scope.get("path", ""))
    named = _by_name(headers)
    client = _client(scope, named, query, role=notes.role or role, site_id=site_id)
    client = replace(client, subscription=notes.subscription, app_name=notes.app_name)
    exchange = Exchange(
        endpoint=path,
        url=_url(scope, named, path, query),
        started_ms=served.arrived_ms,
        timings=Timings(total_ms=served.total_ms),
        method=str(scope.get("method", "POST")),
        request_headers=request_headers,
        request_plaintext=notes.request_plaintext or _plain_text(path, served.body),
        request_body=served.body,
        request_envelope=notes.request_envelope,
        http_status=served.http_status or None,
        response_headers=response_headers,
        response_body=served.reply,
        response_envelope=notes.reply_envelope,
        response_plaintext=notes.reply_plaintext or _plain_reply(response_headers, served.reply),
        operator_status=status,
        server_time_ms=notes.server_time_ms,
        server_date=_by_name(response_headers).get("date", ""),
        extra=((CAPTURED_BY, "operator"), *client.pairs(), *notes.facts),
    )
    explanation = explain(exchange)
    if explanation is None:
        return exchange
    return with_extra(
        exchange,
        ((WHY_CODE, explanation.code), (WHY, explanation.cause), (FIX, explanation.fix)),
    )


def _client(
    scope: Mapping[str, Any],
    headers: Mapping[str, str],
    query: str,
    *,
    role: str | None,
    site_id: int | None,
) -> CapturedClient:
    key = _bearer(headers.get("authorization", ""))
    version = headers.get("x-uid2-client-version", "") or _first(parse_qs(query), "client")
    peer = scope.get("client")
    remote = f"{peer[0]}:{peer[1]}" if peer else ""
    return CapturedClient(
        role=role or "unknown",
        key=mask_key(key),
        site_id="" if site_id is None else str(site_id),
        client_version=version,
        user_agent=headers.get("user-agent", ""),
        remote=remote,
        origin=headers.get("origin", ""),
    )


def _decoded(raw: Iterable[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((bytes(k).decode("latin-1"), bytes(v).decode("latin-1")) for k, v in raw)


def _by_name(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each header's first value by its lower-case name (one pass, for several look-ups)."""
    named: dict[str, str] = {}
    for key, value in headers:
        named.setdefault(key.lower(), value)
    return named


def _first(values: dict[str, list[str]], name: str) -> str:
    found = values.get(name)
    return found[0] if found else ""


def _url(scope: Mapping[str, Any], headers: Mapping[str, str], path: str, query: str) -> str:
    host = headers.get("host", "")
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    return f"http://{host}{path}" + (f"?{query}" if query else "")


def _plain_text(path: str, body: bytes) -> str | None:
    """A body that is itself the plaintext: a refresh token, or JSON sent unencrypted."""
    if path.endswith("/token/refresh") or body[:1] in (b"{", b"["):
        return body.decode("utf-8", "replace") or None
    return None


def _plain_reply(headers: tuple[tuple[str, str], ...], reply: bytes) -> str | None:
    content_type = _by_name(headers).get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" and reply:
        return reply.decode("utf-8", "replace")
    return None

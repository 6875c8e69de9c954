"""Build the :class:`Exchange` of one forwarded request: who sent it, what it said, why.

The same record the local operator's capture builds, so the journal, the log, the checks and
the exports take it unchanged; the ``proxy.`` extra pairs add what only the proxy knows: the
upstream, its own time against the upstream's, and why anything stayed sealed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qs

from uid2_desk.protocol.capture import (
    CAPTURED_BY,
    FIX,
    SKEW_FACT,
    WHY,
    WHY_CODE,
    CapturedClient,
    with_extra,
)
from uid2_desk.protocol.capture_masking import bearer, mask_key, masked_authorization
from uid2_desk.protocol.exchange import Exchange, Timings
from uid2_desk.protocol.explain import explain
from uid2_desk.proxy.failure import Failure
from uid2_desk.proxy.head import Headers, pairs
from uid2_desk.proxy.opening import Opened

UPSTREAM = "proxy.upstream"
UPSTREAM_MS = "proxy.upstream_ms"
OWN_MS = "proxy.own_ms"
CLOSED = "proxy.closed"
CLOSED_WHY = "proxy.closed_why"
#: The role a key's calls suggest, by endpoint (a key's role is not written in the key).
_ROLES = {
    "/v2/key/sharing": "sharer",
    "/v2/key/bidstream": "dsp",
    "/v2/token/client-generate": "cstg",
}


@dataclass(frozen=True)
class Forwarded:
    """One forwarded request, as the proxy saw it pass.

    Attributes:
        method, path, query: the request line.
        fields: the request's field lines as received (:attr:`headers` as pairs).
        remote: the client's address.
        body: the request body.
        http_status: the reply's status (the proxy's own 502 when the upstream gave none).
        reply_fields: the reply's field lines as returned (:attr:`reply_headers` as pairs).
        reply: the reply body as returned.
        arrived_ms: the proxy's clock when the request arrived.
        total_ms: from arrival to the last reply byte handed to the server.
        upstream_ms: from sending upstream to the last reply byte read (``None``: no reply).
    """

    method: str
    path: str
    query: str
    fields: bytes = field(repr=False)  # Authorization in clear
    remote: str
    body: bytes
    http_status: int
    reply_fields: bytes
    reply: bytes
    arrived_ms: int
    total_ms: float
    upstream_ms: float | None

    # Parsed here, on the capture's thread: the forwarding thread passes the bytes on.
    @cached_property
    def headers(self) -> Headers:
        """The request's headers as received."""
        return pairs(self.fields)

    @cached_property
    def reply_headers(self) -> Headers:
        """The reply's headers as returned."""
        return pairs(self.reply_fields)


def build_exchange(
    seen: Forwarded, opened: Opened, upstream: str, url: str, failure: Failure | None
) -> Exchange:
    """The exchange of one forwarded request, opened as far as possible and explained."""
    authorization = _header(seen.headers, "authorization")
    facts: list[tuple[str, str]] = [(CAPTURED_BY, "proxy"), (UPSTREAM, upstream)]
    facts += _client(seen, authorization).pairs()
    if seen.upstream_ms is not None:
        facts += [
            (UPSTREAM_MS, f"{seen.upstream_ms:.2f}"),
            (OWN_MS, f"{max(seen.total_ms - seen.upstream_ms, 0.0):.2f}"),
        ]
    if opened.request_ms is not None:
        facts.append((SKEW_FACT, str(opened.request_ms - seen.arrived_ms)))
    for closed in opened.closed:
        facts += [(CLOSED, closed.code), (CLOSED_WHY, closed.reason)]
    exchange = Exchange(
        endpoint=seen.path,
        url=url + (f"?{seen.query}" if seen.query else ""),
        started_ms=seen.arrived_ms,
        timings=Timings(total_ms=seen.total_ms, wait_ms=seen.upstream_ms),
        method=seen.method,
        request_headers=tuple(
            (k, masked_authorization(v) if k.lower() == "authorization" else v)
            for k, v in seen.headers
        ),
        request_plaintext=opened.request_plaintext,
        request_body=seen.body,
        request_envelope=opened.request_envelope,
        http_status=seen.http_status,
        response_headers=seen.reply_headers,
        response_body=seen.reply,
        response_envelope=opened.reply_envelope,
        response_plaintext=opened.reply_plaintext,
        operator_status=opened.status,
        server_time_ms=opened.server_time_ms,
        server_date=_header(seen.reply_headers, "date") or None,
        extra=tuple(facts),
    )
    found = failure or explain(exchange)
    if found is None:
        return exchange
    return with_extra(exchange, ((WHY_CODE, found.code), (WHY, found.cause), (FIX, found.fix)))


def _client(seen: Forwarded, authorization: str) -> CapturedClient:
    key = bearer(authorization)
    role = _ROLES.get(seen.path, "publisher" if key else "unknown")
    return CapturedClient(
        role=role,
        key=mask_key(key),
        client_version=_header(seen.headers, "x-uid2-client-version") or _client_param(seen.query),
        user_agent=_header(seen.headers, "user-agent"),
        remote=seen.remote,
        origin=_header(seen.headers, "origin"),
    )


def _client_param(query: str) -> str:
    """The ``client`` query parameter: how a browser SDK names its version without a header
    (a preflight-free request cannot send ``X-UID2-Client-Version``)."""
    if "client=" not in query:
        return ""
    return next(iter(parse_qs(query).get("client", [])), "")


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name), "")

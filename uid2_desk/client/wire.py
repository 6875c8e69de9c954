"""One HTTP request (a POST, or a legacy v1 GET), timed, with httpx errors translated here.

:func:`post` never raises for network trouble: it returns a :class:`WireResult` holding the
reply or a :class:`~uid2_desk.protocol.errors.TransportError`, plus the timings measured
either way, so the caller can always build its :class:`~uid2_desk.protocol.exchange.Exchange`.
Per-phase timings come from httpx's ``trace`` extension (httpcore transports); in-process
transports such as ``ASGITransport`` emit no trace events and get the total only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from uid2_desk.client.credentials import mask_authorization
from uid2_desk.protocol.errors import (
    OperatorTimeoutError,
    OperatorUnreachableError,
    TransportError,
)
from uid2_desk.protocol.exchange import Timings

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class WireReply:
    """The HTTP answer as received: status, headers, raw body bytes."""

    status: int
    headers: Headers
    body: bytes

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or ``None``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


@dataclass(frozen=True)
class WireResult:
    """What :func:`post` produced: exactly one of ``reply`` and ``error``.

    ``request_headers`` are the headers actually sent (``Authorization`` masked).
    """

    request_headers: Headers
    timings: Timings
    reply: WireReply | None = None
    error: TransportError | None = None
    connection_reused: bool | None = None


class _PhaseTracer:
    """Collects httpcore trace events and turns them into :class:`Timings`."""

    def __init__(self) -> None:
        self.events: dict[str, float] = {}

    async def __call__(self, name: str, info: Mapping[str, Any]) -> None:
        # Keep the first occurrence: retries would otherwise overwrite earlier phases.
        self.events.setdefault(name, time.perf_counter())

    def _span(self, start: str, end: str) -> float | None:
        a, b = self.events.get(start), self.events.get(end)
        return None if a is None or b is None else (b - a) * 1000.0

    @property
    def traced(self) -> bool:
        return bool(self.events)

    @property
    def reused(self) -> bool | None:
        if not self.traced:
            return None
        return "connection.connect_tcp.started" not in self.events

    def timings(self, total_ms: float) -> Timings:
        if not self.traced:
            return Timings(total_ms=total_ms)
        connect = 0.0
        for phase in ("connect_tcp", "connect_unix_socket", "start_tls"):
            span = self._span(f"connection.{phase}.started", f"connection.{phase}.complete")
            connect += span or 0.0
        return Timings(
            total_ms=total_ms,
            connect_ms=connect,
            send_ms=self._span(
                "http11.send_request_headers.started", "http11.send_request_body.complete"
            ),
            wait_ms=self._span(
                "http11.send_request_body.complete", "http11.receive_response_headers.complete"
            ),
            receive_ms=self._span(
                "http11.receive_response_body.started", "http11.receive_response_body.complete"
            ),
        )


def mask_headers(headers: httpx.Headers) -> Headers:
    """Return headers as pairs with the ``Authorization`` value masked."""
    return tuple(
        (key, mask_authorization(value) if key.lower() == "authorization" else value)
        for key, value in headers.multi_items()
    )


def _translate(exc: httpx.HTTPError, url: str, timeout_s: float | None) -> TransportError:
    """Turn an httpx exception into our tree, with what happened and what to try."""
    host = urlsplit(url).netloc
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        limit = f" within {timeout_s:g} s" if timeout_s is not None else ""
        phase = "connect to" if isinstance(exc, httpx.ConnectTimeout) else "get an answer from"
        return OperatorTimeoutError(
            f"Timed out: could not {phase} the operator at {host}{limit}. Check the network "
            "(VPN, proxy, firewall) and try again; if it persists the operator may be down "
            "or overloaded."
        )
    if isinstance(exc, httpx.ConnectError):
        return OperatorUnreachableError(
            f"Could not connect to the operator at {host} ({detail}). Check the URL and that "
            "the operator is running; for the local operator, restart it."
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return OperatorUnreachableError(
            f"The connection to {host} was dropped before a complete answer arrived "
            f"({detail}). Try again; if it keeps happening, a proxy or the operator is "
            "cutting connections."
        )
    return OperatorUnreachableError(
        f"The request to {host} failed in transport ({type(exc).__name__}: {detail}). "
        "Check the network and the URL, then try again."
    )


async def post(
    http: httpx.AsyncClient,
    url: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    timeout_s: float | None,
) -> WireResult:
    """POST ``body`` to ``url`` and return the reply or a translated transport error."""
    return await send(http, "POST", url, headers=headers, body=body, timeout_s=timeout_s)


async def send(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    timeout_s: float | None,
) -> WireResult:
    """Send one ``method`` request (POST, or GET for the legacy v1 API); see :func:`post`."""
    tracer = _PhaseTracer()
    request = http.build_request(
        method,
        url,
        headers=dict(headers),
        content=body,
        timeout=httpx.Timeout(timeout_s),
        extensions={"trace": tracer},
    )
    sent_headers = mask_headers(request.headers)
    start = time.perf_counter()
    try:
        response = await http.send(request)
        try:
            raw = await response.aread()
        finally:
            await response.aclose()
    except httpx.HTTPError as exc:
        total = (time.perf_counter() - start) * 1000.0
        return WireResult(
            sent_headers,
            tracer.timings(total),
            error=_translate(exc, url, timeout_s),
            connection_reused=tracer.reused,
        )
    total = (time.perf_counter() - start) * 1000.0
    reply = WireReply(response.status_code, tuple(response.headers.multi_items()), raw)
    return WireResult(
        sent_headers, tracer.timings(total), reply=reply, connection_reused=tracer.reused
    )

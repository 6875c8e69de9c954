"""The proxy as an ASGI app: forward byte for byte, return byte for byte, capture on the side.

Only hop-by-hop headers and ``Host`` are rewritten on the way (the envelope is sealed and
timestamped: nothing else may change). The upstream is reached with httpx over HTTPS with
certificate verification; its reply is read raw (no content decoding) and returned as it
came. The capture is built after the reply went out and never delays or breaks forwarding.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

from uid2_desk.protocol.clock import Clock, SystemClock
from uid2_desk.proxy import ProxySink
from uid2_desk.proxy.failure import (
    PROXY_FAILURE_STATUS,
    Failure,
    not_uid2,
    reply_body,
    unreachable,
)
from uid2_desk.proxy.keys import ClientSecrets, RefreshKeys
from uid2_desk.proxy.opening import Opener
from uid2_desk.proxy.record import Forwarded, build_exchange
from uid2_desk.proxy.upstream import Upstream

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: RFC 9110 §7.6.1 hop-by-hop headers, plus ``host`` (rewritten for the upstream) and
#: ``content-length`` (httpx sets the same value from the body it sends).
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
_NOT_FORWARDED = _HOP_BY_HOP | {"host", "content-length"}
#: How long the proxy waits for the upstream (the SDKs' own timeouts are shorter or similar).
DEFAULT_TIMEOUT_S = 30.0
_log = logging.getLogger(__name__)


class ProxyApp:
    """Forwards every request to ``upstream`` and hands each exchange to ``sink``.

    ``verify`` is httpx's: ``True`` (the system's trust store), or an :class:`ssl.SSLContext`
    that trusts a test certificate. ``secrets`` are the client secrets it may open with.
    """

    def __init__(
        self,
        upstream: Upstream,
        secrets: ClientSecrets,
        *,
        sink: ProxySink | None = None,
        verify: ssl.SSLContext | bool = True,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        clock: Clock | None = None,
    ) -> None:
        self.upstream = upstream
        self.sink = sink
        self.refresh_keys = RefreshKeys()
        self._opener = Opener(secrets, self.refresh_keys)
        self._verify = verify
        self._timeout = httpx.Timeout(timeout_s)
        self._clock = clock or SystemClock()
        self._client: httpx.AsyncHTTPTransport | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point: HTTP requests are forwarded; lifespan closes the client."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        arrived_ms = self._clock.now_ms()
        started = time.perf_counter()
        body = await _read_body(receive)
        headers = _decoded(scope.get("headers", ()))
        path = str(scope.get("path", "/"))
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        url = self.upstream.base_url + path
        status, reply_headers, reply, upstream_ms, failure = await self._forward(
            str(scope.get("method", "POST")), url, query, headers, body
        )
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in reply_headers],
            }
        )
        await send({"type": "http.response.body", "body": reply})
        peer = scope.get("client")
        seen = Forwarded(
            method=str(scope.get("method", "POST")),
            path=path,
            query=query,
            headers=headers,
            remote=f"{peer[0]}:{peer[1]}" if peer else "",
            body=body,
            http_status=status,
            reply_headers=reply_headers,
            reply=reply,
            arrived_ms=arrived_ms,
            total_ms=(time.perf_counter() - started) * 1000,
            upstream_ms=upstream_ms,
        )
        self._capture(seen, url, failure)

    async def _forward(
        self, method: str, url: str, query: str, headers: tuple[tuple[str, str], ...], body: bytes
    ) -> tuple[int, tuple[tuple[str, str], ...], bytes, float | None, Failure | None]:
        forwarded = [(k, v) for k, v in headers if k.lower() not in _NOT_FORWARDED]
        # A bare Request, not client.build_request: the client's default headers (its own
        # User-Agent, Accept-Encoding...) must not be added to what the client sent.
        request = httpx.Request(
            method, url + (f"?{query}" if query else ""), headers=forwarded, content=body
        )
        request.extensions["timeout"] = self._timeout.as_dict()
        sent = time.perf_counter()
        try:
            # The transport itself, not a Client: no redirects, cookies or auth to apply, and
            # each of those layers costs time on every call (the benchmark counts it).
            response = await self._upstream().handle_async_request(request)
            try:
                reply = b"".join([chunk async for chunk in response.aiter_raw()])
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            failure = unreachable(
                self.upstream.base_url, exc, timed_out=isinstance(exc, httpx.TimeoutException)
            )
            body_out = reply_body(self.upstream.base_url, failure)
            out_headers = (
                ("content-type", "application/json"),
                ("content-length", str(len(body_out))),
            )
            return PROXY_FAILURE_STATUS, out_headers, body_out, None, failure
        upstream_ms = (time.perf_counter() - sent) * 1000
        reply_headers = tuple(
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in response.headers.raw
            if k.decode("latin-1").lower() not in _HOP_BY_HOP
        )
        if not any(k.lower() == "content-length" for k, _ in reply_headers):
            reply_headers += (("content-length", str(len(reply))),)
        return (
            response.status_code,
            reply_headers,
            reply,
            upstream_ms,
            not_uid2(response.status_code, reply),
        )

    def _capture(self, seen: Forwarded, url: str, failure: Failure | None) -> None:
        sink = self.sink
        if sink is None:
            return
        try:
            opened = self._opener.open(
                seen.path,
                next((v for k, v in seen.headers if k.lower() == "authorization"), ""),
                seen.body,
                seen.http_status,
                seen.reply,
            )
            sink(build_exchange(seen, opened, self.upstream.name, url, failure))
        except Exception:  # the client has its reply; a capture bug must not stop the proxy
            _log.exception("capturing %s %s failed", seen.method, seen.path)

    def _upstream(self) -> httpx.AsyncHTTPTransport:
        # Created on the serving loop, on first use: its connections belong to one loop.
        if self._client is None:
            self._client = httpx.AsyncHTTPTransport(verify=self._verify)
        return self._client

    async def aclose(self) -> None:
        """Close the upstream connections (on the serving loop)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _decoded(raw: Any) -> tuple[tuple[str, str], ...]:
    return tuple((bytes(k).decode("latin-1"), bytes(v).decode("latin-1")) for k, v in raw)

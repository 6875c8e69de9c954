"""The proxy's connections to the upstream: kept alive, reused, verified over HTTPS.

A small pool of idle HTTP/1.1 connections on the serving loop, each an
:class:`~uid2_desk.proxy.upstream_link.UpstreamConnection` protocol (no stream reader, no task
and no future per request: the reply is parsed in ``data_received`` and handed to a
callback). A request takes an idle connection (or opens one), writes the head and body in
one write, and the connection goes back to the pool when both sides allow keep-alive.

A connection the upstream closed while it sat idle is skipped before any byte is written to
it. One that closes without a reply *after* the request was written to it is different: the
request may have reached the upstream. Only an idempotent request (RFC 9110 §9.2.2) is then
sent once more on a new connection (RFC 9112 §9.3.1); anything else, a POST like every UID2
call, is never replayed: the client gets the proxy's 502 saying why.
HTTPS is verified with ``certifi``'s roots (what httpx and the official SDKs trust) unless a
context is given (a test CA).
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

import certifi

from uid2_desk.proxy.upstream_link import (
    Done,
    PendingRequest,
    ProxyStoppedError,
    StaleConnectionError,
    UpstreamConnection,
    UpstreamError,
)
from uid2_desk.proxy.wire import Headers, encode_head

#: Idle connections kept per upstream (a backend rarely has more calls in flight).
MAX_IDLE = 16
#: How long an idle connection is reused: below uvicorn's 5 s keep-alive and far below a
#: load balancer's 60 s, so the upstream rarely closes one just as a request is written to it.
IDLE_S = 4.0
#: Methods a client may have sent twice without harm (RFC 9110 §9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


def verifying_context(cafile: str | None = None) -> ssl.SSLContext:
    """A client TLS context that verifies the upstream (certifi's roots, or ``cafile``)."""
    return ssl.create_default_context(cafile=cafile or certifi.where())


class UpstreamPool:
    """Keep-alive connections to ``base_url`` (``http://`` or ``https://``), on one loop."""

    def __init__(self, base_url: str, tls: ssl.SSLContext | None, timeout_s: float) -> None:
        parts = urlsplit(base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        #: The ``Host`` header the upstream expects: the URL's authority, as written there
        #: (brackets of an IPv6 literal and an explicit port included).
        self.host_header = parts.netloc.rsplit("@", 1)[-1]
        #: An upstream behind a gateway path (``https://gw.example.com/uid2``) is asked there.
        self._prefix = parts.path.rstrip("/")
        self._tls = (tls or verifying_context()) if self._https else None
        self._timeout = timeout_s
        self._idle: list[UpstreamConnection] = []
        self._open: set[UpstreamConnection] = set()
        #: Requests waiting for their new connection to open.
        self._connecting: set[PendingRequest] = set()
        self._closing = False
        #: Made on the serving loop (its connections belong to it).
        self._loop = asyncio.get_running_loop()

    def send(self, method: str, target: str, headers: Headers, body: bytes, done: Done) -> None:
        """Send one request; ``done`` gets its :class:`Reply` or :class:`UpstreamError`."""
        framing: Headers = (
            (("Content-Length", str(len(body))),) if body or method not in ("GET", "HEAD") else ()
        )
        head = encode_head(
            f"{method} {self._prefix}{target} HTTP/1.1",
            (("Host", self.host_header), *headers, *framing),
        )
        request = PendingRequest(head + body, method, done)
        loop = self._loop
        request.timer = loop.call_later(self._timeout, self._timed_out, request)
        fresh_since = loop.time() - IDLE_S
        while self._idle:
            connection = self._idle.pop()
            if connection.closed:
                continue  # closed while idle: nothing was written to it, another one is used
            if connection.idle_since < fresh_since:
                connection.close()  # idle so long the upstream may be closing it right now
                continue
            connection.exchange(request)
            return
        self._connect(request)

    def _connect(self, request: PendingRequest) -> None:
        self._connecting.add(request)
        request.task = self._loop.create_task(self._open_and_send(request))

    async def _open_and_send(self, request: PendingRequest) -> None:
        try:
            _, connection = await self._loop.create_connection(
                lambda: UpstreamConnection(self),
                self._host,
                self._port,
                ssl=self._tls,
                server_hostname=self._host if self._tls else None,
            )
        except Exception as exc:  # OSError, TLS, an IDNA-invalid host name...: a 502 now
            request.finish(UpstreamError(exc))
            return
        finally:
            self._connecting.discard(request)
        if request.done is None:  # timed out while connecting
            connection.close()
            return
        connection.fresh = True
        connection.exchange(request)

    def _timed_out(self, request: PendingRequest) -> None:
        if request.task is not None:
            request.task.cancel()
        for connection in list(self._open):
            if connection.request is request:
                connection.request = None  # answered here: its close is no "stale" connection
                connection.close()
        request.finish(UpstreamError(TimeoutError("no reply in time"), timed_out=True))

    def stale(self, request: PendingRequest) -> None:
        """A reused connection closed after ``request`` was written, before any reply byte."""
        if request.method in IDEMPOTENT and not request.retried and not self._closing:
            request.retried = True
            self._connect(request)
            return
        request.finish(
            UpstreamError(
                StaleConnectionError(
                    f"the upstream closed the kept-alive connection just as this {request.method}"
                    " was written to it, without replying; it may have reached the upstream, so"
                    f" the proxy did not send it again (a {request.method} is not idempotent)"
                )
            )
        )

    def opened(self, connection: UpstreamConnection, open_: bool) -> None:
        """Track the open connections, to close them all when the proxy stops."""
        if open_:
            self._open.add(connection)
        else:
            self._open.discard(connection)

    def release(self, connection: UpstreamConnection) -> None:
        """Keep ``connection`` for the next request, or close it when enough are idle."""
        if len(self._idle) < MAX_IDLE:
            connection.idle_since = self._loop.time()
            self._idle.append(connection)
        else:
            connection.close()

    def stop(self) -> None:
        """Close every connection, idle or busy; each request still waiting for a reply is
        answered "the proxy was stopped" (never "the upstream could not be reached")."""
        self._closing = True
        self._idle = []
        waiting: list[PendingRequest] = []
        for request in list(self._connecting):
            if request.task is not None:
                request.task.cancel()
            waiting.append(request)
        self._connecting.clear()
        for connection in list(self._open):
            if connection.request is not None:
                # Taken off first: its close is then no upstream failure (nor "stale").
                waiting.append(connection.request)
                connection.request = None
            connection.close()
        for request in waiting:
            request.finish(
                UpstreamError(
                    ProxyStoppedError("the proxy was stopped before the upstream answered"),
                    stopped=True,
                )
            )

    async def aclose(self) -> None:
        """:meth:`stop`, then wait (briefly) for the connections' sockets to be closed."""
        self.stop()
        for _ in range(100):  # their sockets close in connection_lost, run soon after
            if not self._open:
                break
            await asyncio.sleep(0.01)

"""The proxy's connections to the upstream: kept alive, reused, verified over HTTPS.

A small pool of idle HTTP/1.1 connections on the serving loop, each an :class:`asyncio.Protocol`
(no stream reader, no task and no future per request: the reply is parsed in
``data_received`` and handed to a callback). A request takes an idle connection (or opens
one), writes the head and body in one write, and the connection goes back to the pool when
both sides allow keep-alive.

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
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi

from uid2_desk.proxy.wire import BodyReader, Head, Headers, WireError, encode_head, split_head

#: Idle connections kept per upstream (a backend rarely has more calls in flight).
MAX_IDLE = 16
#: Replies that never carry a body (RFC 9110 §6.4.1).
_NO_BODY = frozenset({204, 304})
#: How long an idle connection is reused: below uvicorn's 5 s keep-alive and far below a
#: load balancer's 60 s, so the upstream rarely closes one just as a request is written to it.
IDLE_S = 4.0
#: Methods a client may have sent twice without harm (RFC 9110 §9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


@dataclass(slots=True)
class Reply:
    """What the upstream answered: the status line's parts, its head and its body."""

    status: int
    reason: str
    head: Head
    body: bytes


class UpstreamError(Exception):
    """The upstream gave no usable reply (refused, TLS, closed, malformed, timed out)."""

    def __init__(self, cause: Exception, *, timed_out: bool = False) -> None:
        super().__init__(str(cause) or type(cause).__name__)
        self.cause = cause
        self.timed_out = timed_out


class StaleConnectionError(Exception):
    """A kept-alive connection closed after the request was written to it, with no reply."""


def verifying_context(cafile: str | None = None) -> ssl.SSLContext:
    """A client TLS context that verifies the upstream (certifi's roots, or ``cafile``)."""
    return ssl.create_default_context(cafile=cafile or certifi.where())


#: Called once per request with its reply or the reason there is none.
Done = Callable[[Reply | UpstreamError], None]


class _Request:
    """One request on its way: its bytes, its deadline, and a single-shot ``done``."""

    __slots__ = ("done", "method", "out", "retried", "task", "timer")

    def __init__(self, out: bytes, method: str, done: Done) -> None:
        self.out = out
        self.method = method
        self.done: Done | None = done
        self.retried = False
        self.timer: asyncio.TimerHandle | None = None
        self.task: asyncio.Task[None] | None = None

    def finish(self, result: Reply | UpstreamError) -> None:
        done, self.done = self.done, None
        if done is None:
            return  # already answered (the deadline and a late reply raced)
        if self.timer is not None:
            self.timer.cancel()
        done(result)


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
        self._idle: list[_Connection] = []
        self._open: set[_Connection] = set()
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
        request = _Request(head + body, method, done)
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

    def _connect(self, request: _Request) -> None:
        request.task = self._loop.create_task(self._open_and_send(request))

    async def _open_and_send(self, request: _Request) -> None:
        try:
            _, connection = await self._loop.create_connection(
                lambda: _Connection(self),
                self._host,
                self._port,
                ssl=self._tls,
                server_hostname=self._host if self._tls else None,
            )
        except (OSError, ssl.SSLError) as exc:
            request.finish(UpstreamError(exc))
            return
        if request.done is None:  # timed out while connecting
            connection.close()
            return
        connection.fresh = True
        connection.exchange(request)

    def _timed_out(self, request: _Request) -> None:
        if request.task is not None:
            request.task.cancel()
        for connection in list(self._open):
            if connection.request is request:
                connection.close()
        request.finish(UpstreamError(TimeoutError("no reply in time"), timed_out=True))

    def stale(self, request: _Request) -> None:
        """A reused connection closed after ``request`` was written, before any reply byte."""
        if request.method in IDEMPOTENT and not request.retried:
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

    def release(self, connection: _Connection) -> None:
        """Keep ``connection`` for the next request, or close it when enough are idle."""
        if len(self._idle) < MAX_IDLE:
            connection.idle_since = self._loop.time()
            self._idle.append(connection)
        else:
            connection.close()

    async def aclose(self) -> None:
        """Close every connection, idle or busy."""
        self._idle = []
        for connection in list(self._open):
            connection.close()
        for _ in range(100):  # their sockets close in connection_lost, run soon after
            if not self._open:
                break
            await asyncio.sleep(0.01)


class _Connection(asyncio.Protocol):
    """One connection to the upstream; it parses each reply as its bytes arrive."""

    def __init__(self, pool: UpstreamPool) -> None:
        self._pool = pool
        self._transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._head: Head | None = None
        self._body: BodyReader | None = None
        self.request: _Request | None = None
        self.closed = False
        #: Opened for the request it carries now (a new connection is never "stale").
        self.fresh = False
        #: The loop's time when it was last put back idle.
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._pool._open.add(self)

    def exchange(self, request: _Request) -> None:
        """Write ``request`` and read its reply."""
        assert self._transport is not None
        self.request = request
        self._transport.write(request.out)

    def close(self) -> None:
        """Close the connection (a request on it gets no reply from here)."""
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        if self.request is None:  # bytes nobody asked for: not a connection to reuse
            self.close()
            return
        self._buf += data
        try:
            reply = self._reply()
        except (WireError, ValueError) as exc:
            self._fail(UpstreamError(exc if isinstance(exc, WireError) else WireError(str(exc))))
            return
        if reply is not None:
            self._answer(reply)

    def _reply(self) -> Reply | None:
        request = self.request
        assert request is not None
        while self._head is None:
            head = split_head(self._buf)
            if head is None:
                return None
            status = int(head.second) if head.second.isdigit() else 0
            if status < 100:
                raise WireError(f"not an HTTP reply: {head.first[:40]} {head.second[:40]}")
            if status >= 200:  # interim replies (100 Continue) are not forwarded
                self._head = head
                if request.method != "HEAD" and status not in _NO_BODY:
                    self._body = BodyReader(head, to_eof=True)
        body = self._body.take(self._buf) if self._body is not None else b""
        return (
            None
            if body is None
            else Reply(int(self._head.second), self._head.third, self._head, body)
        )

    def _answer(self, reply: Reply) -> None:
        request, body_reader = self.request, self._body
        assert request is not None
        self.request, self._head, self._body = None, None, None
        head = reply.head
        reusable = (
            not self.closed
            and not self._buf
            and head.first == "HTTP/1.1"
            and (body_reader is None or not body_reader.to_eof)
            and "close" not in head.connection_tokens()
        )
        self.fresh = False
        if reusable:
            self._pool.release(self)
        else:
            self.close()
        request.finish(reply)

    def _fail(self, error: UpstreamError) -> None:
        request, self.request = self.request, None
        self.close()
        if request is not None:
            request.finish(error)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._pool._open.discard(self)
        request = self.request
        if request is None:
            return
        if self._head is not None and self._body is not None and self._body.to_eof:
            self._answer(
                Reply(
                    int(self._head.second),
                    self._head.third,
                    self._head,
                    self._body.closed(self._buf),
                )
            )
        elif self._head is None and not self._buf.strip():
            self.request = None
            if self.fresh:
                request.finish(
                    UpstreamError(
                        exc or WireError("the upstream closed the connection without a reply")
                    )
                )
            else:
                self._pool.stale(request)
        else:
            self._fail(
                UpstreamError(
                    WireError("the upstream closed the connection in the middle of its reply")
                )
            )

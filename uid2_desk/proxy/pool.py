"""The proxy's connections to the upstream: kept alive, reused, verified over HTTPS.

A small pool of idle HTTP/1.1 connections, shared by the client connections' threads. A
request takes an idle connection (or opens one), writes the head and body in one write and
reads the reply in the same thread; the connection goes back to the pool when both sides
allow keep-alive.

A connection the upstream closed while it sat idle is skipped before any byte is written to
it (one ``poll`` without waiting says so). One that closes without a reply *after* the
request was written to it is different: the request may have reached the upstream. Only an
idempotent request (RFC 9110 §9.2.2) is then sent once more on a new connection (RFC 9112
§9.3.1); anything else, a POST like every UID2 call, is never replayed: the client gets the
proxy's 502 saying why.
HTTPS is verified with ``certifi``'s roots (what httpx and the official SDKs trust) unless a
context is given (a test CA).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import certifi

from uid2_desk.proxy.passing import (
    ClientGone,
    EarlyHead,
    LateBody,
    ReadAhead,
    Reply,
    Stale,
    StaleConnectionError,
    UpstreamError,
    stopped_error,
    timed_out_error,
)
from uid2_desk.proxy.upstream_link import UpstreamConnection

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
    """Keep-alive connections to ``base_url`` (``http://`` or ``https://``), for any thread."""

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
        self._lock = threading.Lock()
        self._idle: list[UpstreamConnection] = []
        #: Connections carrying a request, and sockets still opening: what a stop wakes.
        self._busy: set[UpstreamConnection] = set()
        self._opening: set[socket.socket] = set()
        self._closing = False

    def exchange(
        self,
        method: str,
        target: str,
        fields: bytes,
        body: bytes | LateBody,
        side: ReadAhead | None,
        *,
        early: EarlyHead | None = None,
    ) -> Reply:
        """Send one request and return its reply (raises :class:`UpstreamError`, or
        :class:`ClientGone` when a late body never came).

        ``fields``: the field lines to send as they are (``Host`` and the framing are added);
        ``body``: the body, or one still arriving (the head goes first);
        ``side``: the client, read while the upstream answers (its pipelined bytes);
        ``early``: given the reply's head if it comes ahead of its body.
        """
        late, now = (body, b"") if isinstance(body, LateBody) else (None, body)
        length = late.length if late is not None else len(now)
        framing = (
            b"\r\nContent-Length: %d" % length if length or method not in ("GET", "HEAD") else b""
        )
        start = f"{method} {self._prefix}{target} HTTP/1.1\r\nHost: {self.host_header}"
        out = b"".join((start.encode("latin-1"), fields, framing, b"\r\n\r\n", now))
        deadline = time.monotonic() + self._timeout
        connection = self._take_idle()
        retried = False
        while True:
            if connection is None:  # (after a late body, its wait is not the upstream's time)
                connection = self._open(deadline + (late.waited_s if late else 0.0))
            try:
                reply = connection.exchange(out, method, deadline, side, late=late, early=early)
            except Stale:
                self._drop(connection)
                if method in IDEMPOTENT and not retried and not self._closing:
                    retried, connection = True, None
                    continue
                raise UpstreamError(
                    StaleConnectionError(
                        f"the upstream closed the kept-alive connection just as this {method} was"
                        " written to it, without replying; it may have reached the upstream, so"
                        f" the proxy did not send it again (a {method} is not idempotent)"
                    )
                ) from None
            except (UpstreamError, ClientGone):
                self._drop(connection)
                raise
            self._done(connection, reusable=connection.reusable(reply))
            return reply

    def _take_idle(self) -> UpstreamConnection | None:
        now = time.monotonic()
        stale: list[UpstreamConnection] = []
        found = None
        with self._lock:
            if self._closing:
                raise stopped_error()
            while self._idle:
                connection = self._idle.pop()
                # Idle so long the upstream may be closing it right now, or closed already:
                # nothing was written to it, another one is used. Asked even right after its
                # last reply: a server may close without saying so in it (RFC 9112 §9.6 only
                # says it should), its close then on its way.
                if now - connection.idle_since <= IDLE_S and connection.still_open():
                    connection.fresh = False
                    self._busy.add(connection)
                    found = connection
                    break
                stale.append(connection)
        for connection in stale:
            connection.close()
        return found

    def _open(self, deadline: float) -> UpstreamConnection:
        """A new connection, registered busy (the stop can wake it while it opens)."""
        try:
            infos = socket.getaddrinfo(self._host, self._port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:  # unknown host, an IDNA-invalid name
            raise UpstreamError(exc) from None
        last: Exception = OSError(f"no address for {self._host}")
        for family, kind, proto, _, address in infos:
            try:
                return self._open_to(socket.socket(family, kind, proto), address, deadline)
            except UpstreamError:
                raise
            except TimeoutError:
                raise timed_out_error() from None
            except Exception as exc:  # refused, unreachable, TLS: the next address, or a 502
                if self._closing:
                    raise stopped_error() from None
                last = exc
        raise UpstreamError(last)

    def _open_to(
        self, sock: socket.socket, address: tuple[Any, ...], deadline: float
    ) -> UpstreamConnection:
        with self._lock:
            if self._closing:
                sock.close()
                raise stopped_error()
            self._opening.add(sock)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            sock.connect(address)
            if self._tls is not None:
                with self._lock:  # the TLS socket takes over the descriptor
                    self._opening.discard(sock)
                    sock = self._tls.wrap_socket(
                        sock, server_hostname=self._host, do_handshake_on_connect=False
                    )
                    self._opening.add(sock)
                sock.do_handshake()
            else:
                sock.settimeout(None)  # blocking: see UpstreamConnection._write
        except BaseException:
            with self._lock:
                self._opening.discard(sock)
            sock.close()
            raise
        connection = UpstreamConnection(sock)
        with self._lock:
            self._opening.discard(sock)
            self._busy.add(connection)
            # A stop may have come while it opened (and shut its socket): said as a stop.
            connection.stopping = self._closing
        return connection

    def _drop(self, connection: UpstreamConnection) -> None:
        with self._lock:
            self._busy.discard(connection)
        connection.close()

    def _done(self, connection: UpstreamConnection, *, reusable: bool) -> None:
        """Keep ``connection`` for the next request, or close it when enough are idle."""
        with self._lock:
            self._busy.discard(connection)
            if reusable and not self._closing and len(self._idle) < MAX_IDLE:
                connection.idle_since = time.monotonic()
                self._idle.append(connection)
                return
        connection.close()

    def stop(self) -> None:
        """Close the idle connections and wake the busy and opening ones: each request still
        waiting for a reply (or the rest of one) is said to have been stopped by the proxy, by
        its own thread (never "the upstream could not be reached")."""
        with self._lock:
            self._closing = True
            idle, self._idle = self._idle, []
            for connection in self._busy:
                connection.shut()
            for sock in self._opening:
                # Linux aborts a connect being made; elsewhere its deadline ends it.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
        for connection in idle:
            connection.close()

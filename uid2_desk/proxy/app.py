"""The proxy's forwarding: byte for byte each way, the capture after the reply went out.

Each client connection is a :class:`~uid2_desk.proxy.connection.ClientConnection`, served by
a thread of its own, that hands complete requests to :meth:`ProxyApp.forward`; the request
goes through the keep-alive :class:`~uid2_desk.proxy.pool.UpstreamPool` in the same thread,
its reply is written by an :class:`~uid2_desk.proxy.answer.Answer` (a ``Content-Length``
reply's head as soon as it came, its body once whole), and only then is what was seen queued
for the capture worker (:class:`~uid2_desk.proxy.capture_queue.CaptureQueue`), which judges,
opens, explains and hands it to the sink on its own thread: none of the capture runs before
the reply is written.
Only hop-by-hop headers and ``Host`` are rewritten on the way (the envelope is sealed and
timestamped: nothing else may change); bodies are re-framed with a ``Content-Length`` of the
very same bytes.
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable

from uid2_desk.protocol.clock import Clock, SystemClock
from uid2_desk.proxy import ProxySink
from uid2_desk.proxy.answer import Answer
from uid2_desk.proxy.capture_queue import DEFAULT_LIMIT, CaptureQueue
from uid2_desk.proxy.connection import Arrival, ClientConnection
from uid2_desk.proxy.head import Head, forget_heads
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.passing import (
    ClientGone,
    LateBody,
    Reply,
    UpstreamError,
    stopped_error,
)
from uid2_desk.proxy.pool import UpstreamPool
from uid2_desk.proxy.record import Forwarded
from uid2_desk.proxy.seen import Seen, SeenOpener
from uid2_desk.proxy.upstream import Upstream

#: How long the proxy waits for the upstream (the SDKs' own timeouts are shorter or similar).
DEFAULT_TIMEOUT_S = 30.0
#: Request headers the proxy answers itself or re-frames (beside the hop-by-hop ones).
_REFRAMED = ("host", "content-length", "expect")
#: How long stopping waits for the client connections' threads to answer and close.
_CLOSE_S = 1.5
#: And, once their sockets are cut, for the last of them (a client that does not read).
_CUT_S = 1.0
#: Linux gives an accepted socket the listener's TCP_NODELAY (set by the server): one system
#: call less per connection, for a backend that opens one per call.
_NODELAY_INHERITED = sys.platform == "linux"
#: Who takes what was seen to open it elsewhere (another process), instead of this one.
SeenShipper = Callable[[Seen], None]


class ProxyApp:
    """Forwards every request to ``upstream`` and hands each exchange to ``sink``.

    ``verify`` is ``True`` (certifi's roots) or an :class:`ssl.SSLContext` that trusts a test
    certificate. ``secrets`` are the client secrets it may open with; ``capture_limit`` how
    many seen requests may wait for the capture worker (more are dropped and counted).
    With ``ship``, what was seen goes to it as it is, to be opened in another process (with
    the same secrets), and ``sink`` is not used.
    :class:`~uid2_desk.proxy.server.ProxyServer` hands it each accepted connection
    (:meth:`serve`); one thread serves each.
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
        capture_limit: int = DEFAULT_LIMIT,
        ship: SeenShipper | None = None,
    ) -> None:
        self.upstream = upstream
        self.sink = sink
        self._ship = ship
        self._seen = SeenOpener(secrets, upstream.name)
        self.refresh_keys = self._seen.refresh_keys
        self._tls = verify if isinstance(verify, ssl.SSLContext) else None
        self._timeout_s = timeout_s
        self._clock = clock or SystemClock()
        self._pool: UpstreamPool | None = None
        self._lock = threading.Lock()
        self._connections: set[ClientConnection] = set()
        self._stopping = False
        #: What was seen, waiting to be opened and handed to the sink.
        self.captures: CaptureQueue[Seen] = CaptureQueue(self._capture, limit=capture_limit)

    def start(self) -> None:
        """Get ready to serve (again): a new upstream pool, nothing stopping."""
        with self._lock:
            self._stopping = False
            self._pool = UpstreamPool(self.upstream.base_url, self._tls, self._timeout_s)

    def serve(self, sock: socket.socket, peer: object) -> None:
        """Serve one accepted client connection in this thread, until it closes (owns ``sock``;
        ``peer`` is the address ``accept`` gave)."""
        if not _NODELAY_INHERITED:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client = ClientConnection(sock, peer, self, self._clock)
        with self._lock:
            refused = self._stopping
            if not refused:
                self._connections.add(client)
        if refused:
            sock.close()
        else:
            client.serve()

    def disconnected(self, client: ClientConnection) -> None:
        """``client`` is done: no stop may wake it any more (its descriptor is closed next)."""
        with self._lock:
            self._connections.discard(client)

    def buffered(self) -> int:
        """Bytes held for the clients: requests read ahead of their turn, replies being sent
        (a snapshot, from any thread)."""
        with self._lock:
            clients = list(self._connections)
        return sum(client.buffered for client in clients)

    def forward(
        self, client: ClientConnection, head: Head, body: bytes | LateBody, arrived: Arrival
    ) -> None:
        """Forward one request and write its reply to ``client`` (in the client's thread).

        ``body``: the request's body, or one still arriving (:class:`LateBody`, read once
        its head was written upstream). ``arrived``: when its first bytes did (the
        exchange's start, and what the envelope's timestamp is compared with), however long
        its body took to follow.
        """
        method, target, version = head.first, head.second, head.third
        tokens = head.connection_tokens()
        keep_alive = "close" not in tokens if version == "HTTP/1.1" else "keep-alive" in tokens
        if "://" in target and "://" in target.split("?", 1)[0]:  # absolute-form: taken for a proxy
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        (arrived_ms, started), sent = arrived, time.perf_counter()
        answer = Answer(client, method, keep_alive=keep_alive)
        pool = self._pool
        result: Reply | UpstreamError
        if pool is None:  # stopped while the request was read
            result = stopped_error()
        else:
            try:
                result = pool.exchange(
                    method,
                    target,
                    head.end_to_end(*_REFRAMED),
                    body,
                    side=client,
                    early=answer.early,
                )
            except UpstreamError as exc:
                result = exc
            except ClientGone:
                client.closed = True  # it ended before its request did: no one to answer
                return
        if isinstance(body, LateBody):
            # Read in any case (for a 502 or 503 before it was sent too): the connection's
            # next request begins after it.
            whole, sent = body.get(), max(sent, body.fetched_at)
            if whole is None:
                client.closed = True
                return
            body = whole
        if isinstance(result, UpstreamError):
            upstream_ms = None
            status, framed, reply_bytes, failure = answer.failed(self.upstream.base_url, result)
        else:
            upstream_ms = (time.perf_counter() - sent) * 1000
            # The failure, if any, is judged by the capture worker, off the reply's path.
            status, framed, reply_bytes, failure = answer.reply(result)
        if self.sink is None and self._ship is None:
            return
        path, _, query = target.partition("?")
        seen = Forwarded(
            method=method,
            path=path,
            query=query,
            fields=head.fields,
            remote=client.remote,
            body=body,
            http_status=status,
            reply_fields=framed,
            reply=reply_bytes,
            arrived_ms=arrived_ms,
            total_ms=(time.perf_counter() - started) * 1000,
            upstream_ms=upstream_ms,
        )
        item = (seen, self.upstream.base_url.rstrip("/") + path, failure)
        if self._ship is not None:
            self._ship(item)
        else:
            self.captures.put(item)

    def _capture(self, item: Seen) -> None:
        """Open, explain and hand over one seen request (on the capture queue's thread)."""
        sink = self.sink
        if sink is not None:
            sink(self._seen.exchange(item))

    def stop(self) -> None:
        """Stop serving: answer and close every client connection (from any thread).

        The upstream side first: each request still waiting for its reply is woken and
        answered 503 (the proxy was stopped) by its own thread, which then closes its client
        (on the head alone when the reply's head went ahead of its body: too late for a 503);
        an idle client's wait for its next request is woken too. A client that does not read
        its reply has its connection cut after :data:`_CLOSE_S`.
        """
        with self._lock:
            self._stopping = True
            pool, self._pool = self._pool, None
        forget_heads()
        if pool is not None:
            pool.stop()
        wakes = ((_CLOSE_S, ClientConnection.stop_reading), (_CUT_S, ClientConnection.cut))
        for limit, wake in wakes:
            with self._lock:
                for client in self._connections:
                    wake(client)
            deadline = time.monotonic() + limit
            while self._connections and time.monotonic() < deadline:
                time.sleep(0.01)

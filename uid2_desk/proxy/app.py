"""The proxy's forwarding: byte for byte each way, the capture after the reply went out.

One connection handler per client connection, on asyncio streams: read a request by its
framing, forward it through the keep-alive :class:`~uid2_desk.proxy.pool.UpstreamPool`,
write the reply in one write, and only then queue what was seen for the capture worker
(:class:`~uid2_desk.proxy.capture_queue.CaptureQueue`), which opens, explains and hands it
to the sink on its own thread. Only hop-by-hop headers and ``Host`` are rewritten on the way
(the envelope is sealed and timestamped: nothing else may change); bodies are re-framed with
a ``Content-Length`` of the very same bytes.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time

from uid2_desk.protocol.clock import Clock, SystemClock
from uid2_desk.proxy import ProxySink
from uid2_desk.proxy.capture_queue import CaptureQueue
from uid2_desk.proxy.failure import (
    PROXY_FAILURE_STATUS,
    Failure,
    not_uid2,
    reply_body,
    unreachable,
)
from uid2_desk.proxy.keys import ClientSecrets, RefreshKeys
from uid2_desk.proxy.kinds import content_type
from uid2_desk.proxy.opening import Opener
from uid2_desk.proxy.pool import UpstreamError, UpstreamPool
from uid2_desk.proxy.record import Forwarded, build_exchange
from uid2_desk.proxy.upstream import Upstream
from uid2_desk.proxy.wire import Head, Headers, WireError, encode_head, read_body, read_head

#: How long the proxy waits for the upstream (the SDKs' own timeouts are shorter or similar).
DEFAULT_TIMEOUT_S = 30.0
#: Request headers the proxy answers itself or re-frames (beside the hop-by-hop ones).
_REFRAMED = ("host", "content-length", "expect")
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_log = logging.getLogger(__name__)
#: What the capture worker gets per request: what passed, the upstream URL, what failed.
Seen = tuple[Forwarded, str, Failure | None]


class ProxyApp:
    """Forwards every request to ``upstream`` and hands each exchange to ``sink``.

    ``verify`` is ``True`` (certifi's roots) or an :class:`ssl.SSLContext` that trusts a test
    certificate. ``secrets`` are the client secrets it may open with. :meth:`serve` is an
    ``asyncio.start_server`` handler; :class:`~uid2_desk.proxy.server.ProxyServer` runs it.
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
        self._tls = verify if isinstance(verify, ssl.SSLContext) else None
        self._timeout_s = timeout_s
        self._clock = clock or SystemClock()
        self._pool: UpstreamPool | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        #: What was seen, waiting to be opened and handed to the sink.
        self.captures: CaptureQueue[Seen] = CaptureQueue(self._capture)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one client connection until it closes (or asks to)."""
        self._connections.add(writer)
        peer = writer.get_extra_info("peername")
        remote = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else ""
        try:
            while True:
                head = await read_head(reader)
                if head is None or not await self._one(head, reader, writer, remote):
                    break
        except WireError as exc:
            body = f"Bad request: {exc}".encode()
            head_out = (("Content-Type", "text/plain"), ("Content-Length", str(len(body))))
            writer.write(encode_head("HTTP/1.1 400 Bad Request", head_out) + body)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away; nothing to answer
        finally:
            self._connections.discard(writer)
            writer.close()

    async def _one(
        self, head: Head, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, remote: str
    ) -> bool:
        """Forward one request and write its reply; whether the connection stays open."""
        arrived_ms = self._clock.now_ms()
        started = time.perf_counter()
        method, target, version = head.first, head.second, head.third
        tokens = head.connection_tokens()
        keep_alive = "close" not in tokens if version == "HTTP/1.1" else "keep-alive" in tokens
        expect = (head.value("expect") or "").lower() == "100-continue"
        if expect and version == "HTTP/1.1":
            writer.write(_CONTINUE)  # the body follows only once we said so (RFC 9110 §10.1.1)
        body = await read_body(reader, head, to_eof=False)
        if "://" in target.split("?", 1)[0]:  # absolute-form: the client took us for a proxy
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        pool = self._upstream()
        sent = time.perf_counter()
        failure: Failure | None
        framed: Headers
        try:
            reply = await pool.send(method, target, head.end_to_end(*_REFRAMED), body)
        except UpstreamError as exc:
            upstream_ms = None
            status, reason = PROXY_FAILURE_STATUS, "Bad Gateway"
            failure = unreachable(self.upstream.base_url, exc.cause, timed_out=exc.timed_out)
            reply_bytes = reply_body(self.upstream.base_url, failure)
            framed = (
                ("content-type", "application/json"),
                ("content-length", str(len(reply_bytes))),
            )
        else:
            upstream_ms = (time.perf_counter() - sent) * 1000
            status, reason, reply_bytes = reply.status, reply.reason, reply.body
            failure = not_uid2(status, reply_bytes, reply.head.value("content-type"))
            if method == "HEAD" or status in (204, 304):
                framed = reply.head.end_to_end()  # its Content-Length describes the resource
            else:
                framed = (
                    *reply.head.end_to_end("content-length"),
                    ("content-length", str(len(reply_bytes))),
                )
        if not keep_alive:
            framed += (("connection", "close"),)
        writer.write(encode_head(f"HTTP/1.1 {status} {reason}", framed) + reply_bytes)
        await writer.drain()
        seen = Forwarded(
            method=method,
            path=path,
            query=query,
            headers=head.headers,
            remote=remote,
            body=body,
            http_status=status,
            reply_headers=framed,
            reply=reply_bytes,
            arrived_ms=arrived_ms,
            total_ms=(time.perf_counter() - started) * 1000,
            upstream_ms=upstream_ms,
        )
        if self.sink is not None:
            self.captures.put((seen, self.upstream.base_url.rstrip("/") + path, failure))
        return keep_alive

    def _capture(self, item: Seen) -> None:
        """Open, explain and hand over one seen request (on the capture worker's thread)."""
        seen, url, failure = item
        sink = self.sink
        if sink is None:
            return
        authorization = next((v for k, v in seen.headers if k.lower() == "authorization"), "")
        opened = self._opener.open(
            seen.path,
            authorization,
            seen.body,
            seen.http_status,
            seen.reply,
            body_type=content_type(seen.headers),
            reply_type=content_type(seen.reply_headers),
        )
        sink(build_exchange(seen, opened, self.upstream.name, url, failure))

    def _upstream(self) -> UpstreamPool:
        # Created on the serving loop, on first use: its connections belong to that loop.
        if self._pool is None:
            self._pool = UpstreamPool(self.upstream.base_url, self._tls, self._timeout_s)
        return self._pool

    async def aclose(self) -> None:
        """Close the client connections and the upstream ones (on the serving loop)."""
        for writer in list(self._connections):
            writer.close()
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None
        await asyncio.sleep(0)  # let the handlers see their connections closed

"""The proxy's connections to the upstream: kept alive, reused, verified over HTTPS.

A small pool of idle HTTP/1.1 connections on the serving loop. A request takes one (or
opens one), writes the head and body in one write, reads the reply by its framing, and puts
the connection back when both sides allow keep-alive. A reused connection the upstream had
closed while idle fails before any reply byte: that request is sent once more on a new one.
HTTPS is verified with ``certifi``'s roots (what httpx and the official SDKs trust) unless a
context is given (a test CA).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi

from uid2_desk.proxy.wire import (
    Head,
    Headers,
    WireError,
    encode_head,
    is_chunked,
    read_body,
    read_head,
)

#: Idle connections kept per upstream (a backend rarely has more calls in flight).
MAX_IDLE = 16
#: Replies that never carry a body (RFC 9110 §6.4.1).
_NO_BODY = frozenset({204, 304})


@dataclass(frozen=True)
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


def verifying_context(cafile: str | None = None) -> ssl.SSLContext:
    """A client TLS context that verifies the upstream (certifi's roots, or ``cafile``)."""
    return ssl.create_default_context(cafile=cafile or certifi.where())


_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


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

    async def send(self, method: str, target: str, headers: Headers, body: bytes) -> Reply:
        """Send one request and read its reply (raises :class:`UpstreamError`)."""
        out = (
            encode_head(
                f"{method} {self._prefix}{target} HTTP/1.1",
                (("Host", self.host_header), *headers, ("Content-Length", str(len(body))))
                if body or method not in ("GET", "HEAD")
                else (("Host", self.host_header), *headers),
            )
            + body
        )
        try:
            async with asyncio.timeout(self._timeout):
                while self._idle:
                    connection = self._idle.pop()
                    if connection[0].at_eof() or connection[1].is_closing():
                        connection[1].close()  # the upstream closed it while it was idle
                        continue
                    try:
                        return await self._exchange(connection, out, method)
                    except (ConnectionError, _StaleError):
                        # Closed by the upstream just as it was reused, before any reply
                        # byte: the request never reached it, so it is sent on a new one.
                        continue
                return await self._exchange(await self._open(), out, method)
        except TimeoutError as exc:
            raise UpstreamError(exc, timed_out=True) from None
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError, _StaleError, WireError) as exc:
            raise UpstreamError(exc) from None

    async def _open(self) -> _Connection:
        return await asyncio.open_connection(
            self._host,
            self._port,
            ssl=self._tls,
            server_hostname=self._host if self._tls else None,
            limit=1 << 17,
        )

    async def _exchange(self, connection: _Connection, out: bytes, method: str) -> Reply:
        reader, writer = connection
        try:
            writer.write(out)
            await writer.drain()
            head = await read_head(reader)
            if head is None:
                raise _StaleError("the upstream closed the connection without a reply")
            status = int(head.second) if head.second.isdigit() else 0
            if status < 100:
                raise WireError(f"not an HTTP reply: {head.first[:40]} {head.second[:40]}")
            while 100 <= status < 200:  # interim replies (100 Continue) are not forwarded
                head = await read_head(reader)
                if head is None:
                    raise _StaleError("the upstream closed the connection after an interim reply")
                status = int(head.second) if head.second.isdigit() else 0
            has_body = method != "HEAD" and status not in _NO_BODY
            body = await read_body(reader, head, to_eof=True) if has_body else b""
        except BaseException:
            writer.close()
            raise
        reusable = (
            "close" not in head.connection_tokens()
            and head.first == "HTTP/1.1"
            and not reader.at_eof()
            and (not has_body or head.value("content-length") is not None or is_chunked(head))
        )
        if reusable and len(self._idle) < MAX_IDLE:
            self._idle.append(connection)
        else:
            writer.close()
        return Reply(status, head.third, head, body)

    async def aclose(self) -> None:
        """Close every idle connection."""
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


class _StaleError(Exception):
    """A connection that gave no reply (closed, or not speaking HTTP)."""

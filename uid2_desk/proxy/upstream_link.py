"""One connection to the upstream, as an :class:`asyncio.Protocol`, and what passes on it.

Each reply is parsed in ``data_received`` as its bytes arrive (no stream reader, no task
and no future per request) and handed to the request's single-shot callback. What the
connection cannot decide alone (keep it for the next request, or what to do when it closed
after a request was written to it) it asks its :class:`Owner`, the
:class:`~uid2_desk.proxy.pool.UpstreamPool`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from uid2_desk.proxy.wire import BodyReader, Head, MessageConnection, WireError, split_head

#: Replies that never carry a body (RFC 9110 §6.4.1).
_NO_BODY = frozenset({204, 304})


@dataclass(slots=True)
class Reply:
    """What the upstream answered: the status line's parts, its head and its body."""

    status: int
    reason: str
    head: Head
    body: bytes


class UpstreamError(Exception):
    """No usable reply: the upstream refused, failed TLS, closed, sent garbage or timed out,
    or (``stopped``) the proxy was stopped before it answered."""

    def __init__(self, cause: Exception, *, timed_out: bool = False, stopped: bool = False) -> None:
        super().__init__(str(cause) or type(cause).__name__)
        self.cause = cause
        self.timed_out = timed_out
        self.stopped = stopped


class ProxyStoppedError(Exception):
    """The proxy was stopped while the request waited for the upstream's reply."""


class StaleConnectionError(Exception):
    """A kept-alive connection closed after the request was written to it, with no reply."""


#: Called once per request with its reply or the reason there is none.
Done = Callable[[Reply | UpstreamError], None]


class PendingRequest:
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


class Owner(Protocol):
    """What an :class:`UpstreamConnection` reports to (the pool)."""

    def opened(self, connection: UpstreamConnection, open_: bool) -> None:
        """``connection`` was made (``open_``) or lost."""

    def release(self, connection: UpstreamConnection) -> None:
        """``connection`` answered and may carry the next request."""

    def stale(self, request: PendingRequest) -> None:
        """``request`` was written, and the reused connection closed with no reply byte."""


class UpstreamConnection(MessageConnection):
    """One connection to the upstream; it parses each reply as its bytes arrive."""

    def __init__(self, pool: Owner) -> None:
        super().__init__()
        self._pool = pool
        self.request: PendingRequest | None = None
        #: Opened for the request it carries now (a new connection is never "stale").
        self.fresh = False
        #: The loop's time when it was last put back idle.
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._pool.opened(self, True)

    def exchange(self, request: PendingRequest) -> None:
        """Write ``request`` and read its reply."""
        assert self._transport is not None
        self.request = request
        self._transport.write(request.out)

    def eof_received(self) -> bool:
        # Marked at once, not when connection_lost runs a loop turn later: in between the
        # pool must not hand this connection a request (its bytes would go nowhere).
        self.closed = True
        return False

    def data_received(self, data: bytes) -> None:
        if self.request is None:  # bytes nobody asked for: not a connection to reuse
            self.close()
            return
        self._buf += data
        try:
            reply = self._reply()
        except WireError as exc:
            self._fail(UpstreamError(exc))
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
            ascii_digits = head.second.isascii() and head.second.isdigit()
            status = int(head.second) if ascii_digits else 0
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
        super().connection_lost(exc)
        self._pool.opened(self, False)
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

"""What the proxy's parts hand each other on a forwarded call: a reply, why there is none,
a body still on its way, and the client side read while the upstream answers.

The pool, its connections and the app pass these; keeping them apart from the connection's
code lets each part name them without importing the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from uid2_desk.proxy.head import Head

#: Called with a reply's head and its body's length when the head came and the body is still on
#: its way (see :class:`~uid2_desk.proxy.answer.Answer`).
EarlyHead = Callable[[Head, int], None]


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


def stopped_error() -> UpstreamError:
    """The error of a request the proxy's stop left without a reply."""
    return UpstreamError(
        ProxyStoppedError("the proxy was stopped before the upstream answered"), stopped=True
    )


def timed_out_error() -> UpstreamError:
    """The error of a request the upstream did not answer in time."""
    return UpstreamError(TimeoutError("no reply in time"), timed_out=True)


class ReadAhead(Protocol):
    """The client a request came from, read while the upstream has its request: what the
    client pipelines meanwhile is stamped when it comes, not when its turn does."""

    def fileno(self) -> int:
        """The client socket's descriptor."""

    @property
    def wants_more(self) -> bool:
        """Whether reading on is allowed (not at its end, not too far ahead)."""

    def read_more(self) -> bool:
        """Read once (its socket is readable); ``True``: it read (bytes, or the end)."""


class LateBody:
    """A request body still arriving when its head was forwarded.

    A client often writes a request's head and body apart (httpx does), the body a little
    later. The head goes on at once, so the upstream reads and parses it meanwhile; the body
    is fetched (``fetch`` reads it off the client) once the head is written, and kept should
    the request be sent again. ``None``: the client ended before its body did.

    Attributes:
        length: the body's declared length.
        fetched_at: ``time.perf_counter()`` once the whole body was read.
        waited_s: how long reading it took (not the upstream's time: its deadline moves on).
    """

    __slots__ = ("_body", "_fetch", "_fetched", "fetched_at", "length", "waited_s")

    def __init__(self, length: int, fetch: Callable[[], bytes | None]) -> None:
        self.length = length
        self._fetch = fetch
        self._body: bytes | None = None
        self._fetched = False
        self.fetched_at = 0.0
        self.waited_s = 0.0

    def get(self) -> bytes | None:
        """The whole body (read on the first call), or ``None`` if the client ended first."""
        if not self._fetched:
            started = time.perf_counter()
            self._body = self._fetch()
            self._fetched = True
            self.fetched_at = time.perf_counter()
            self.waited_s = self.fetched_at - started
        return self._body


class ClientGone(Exception):  # noqa: N818 (not an error: the client left)
    """The client ended before the body of a request whose head was forwarded."""


class Stale(Exception):  # noqa: N818 (a signal to the pool, not an error anyone sees)
    """The reused connection closed after the request was written, with no reply byte."""

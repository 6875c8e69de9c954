"""The response side of the outermost layer: our headers on the way out, and one log call."""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Sequence

from uid2_desk.operator.http.asgi_types import Message, Send
from uid2_desk.protocol.clock import Clock


class DateHeader:
    """The ``Date`` header's value for a clock reading, formatted once per second.

    Formatting an HTTP date is a few microseconds of Python; a busy operator answers hundreds
    of requests within the same second, all with the same value.
    """

    def __init__(self) -> None:
        self._cached: tuple[int | None, bytes] = (None, b"")

    def at(self, now_ms: int) -> bytes:
        """The header value for the instant ``now_ms`` (epoch milliseconds)."""
        second = now_ms // 1000
        cached_second, value = self._cached  # one read: another thread may replace it
        if second != cached_second:
            value = email.utils.formatdate(second, usegmt=True).encode("ascii")
            self._cached = (second, value)
        return value


#: Shared by every operator of the process (the value depends only on the instant).
DATE_HEADER = DateHeader()


def _finished(status: int) -> None:
    """What a finished writer calls: nothing, the request is already logged."""


class ResponseWriter:
    """Forwards the response, adding CORS and Date headers, and logs the request once.

    The log entry is written just before the last byte goes out (or the connection is
    cut), so a client that has its answer can already read the entry.
    """

    def __init__(
        self,
        send: Send,
        extra: list[tuple[bytes, bytes]],
        clock: Clock,
        on_finish: Callable[[int], None],
    ) -> None:
        self._send = send
        self._extra = extra
        self._clock = clock
        self._on_finish = on_finish
        self._finished = False
        self.status = 0
        #: The reply as sent, kept only while a capture sink is set.
        self.keep = False
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = bytearray()

    def finish(self) -> None:
        """Log the request now (idempotent)."""
        if not self._finished:
            self._finished = True
            on_finish, self._on_finish = self._on_finish, _finished
            # The callback is usually a closure over this writer: dropping it breaks that
            # cycle, so each request's objects go when the request does, not at the next
            # cycle collection (whose passes stall every thread, the GUI's included).
            on_finish(self.status)

    async def send(self, message: Message) -> None:
        """Forward one ASGI message, with our headers on the response start."""
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            headers = list(message.get("headers", ()))
            present = {bytes(k).lower() for k, _ in headers}
            date = DATE_HEADER.at(self._clock.now_ms())
            for key, value in [*self._extra, (b"date", date)]:
                # Not reached in tests: no route sets CORS, Vary or Date itself; if one did,
                # its own value would win over ours.
                if key not in present:
                    headers.append((key, value))
            message = {**message, "headers": headers}
            if self.keep:
                self.headers = headers
        # Not reached in tests: Starlette sends only start and body messages; any other
        # (trailers, pathsend) would be passed on untouched, which no route of ours produces.
        elif message["type"] == "http.response.body":
            if self.keep:
                self.body += message.get("body", b"")
            if not message.get("more_body", False):
                self.finish()
        await self._send(message)

    async def reply(
        self,
        status: int,
        content: bytes,
        content_type: str | None,
        *,
        length: int | None = None,
        more_body: bool = False,
        headers: Sequence[tuple[bytes, bytes]] = (),
    ) -> None:
        """Send a whole (or, with ``more_body``, a partial) response of our own."""
        all_headers = list(headers)
        if status != 204:
            declared = len(content) if length is None else length
            all_headers.append((b"content-length", str(declared).encode()))
        if content_type:
            all_headers.append((b"content-type", content_type.encode()))
        await self.send({"type": "http.response.start", "status": status, "headers": all_headers})
        await self.send({"type": "http.response.body", "body": content, "more_body": more_body})

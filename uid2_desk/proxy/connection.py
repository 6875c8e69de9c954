"""One client connection to the proxy, as an :class:`asyncio.Protocol`.

Bytes arrive in ``data_received``: one search for the blank line ends a head, the body is
taken by its framing, and the request goes to :meth:`Forwarder.forward` with no task, stream
or future of its own. Requests on one connection are answered in order: the next one is taken
off the buffer only once the previous reply was written (pipelining keeps working).

A request arrives when its first bytes do, not when its body is complete nor when its turn
comes: each read is stamped, and the request at the front of the buffer keeps the stamp of
the read that brought its first byte (a slow upload does not move it, nor does waiting behind
a request in flight). Only when three or more wait behind one in flight, each sent in its own
read, do the middle ones get the latest read's stamp instead of their own: the connection
keeps two stamps, not one per read (a client trickling bytes would make those many).
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from uid2_desk.protocol.clock import Clock
from uid2_desk.proxy.wire import (
    BodyReader,
    Head,
    MessageConnection,
    WireError,
    encode_head,
    split_head,
)

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
#: Bytes a client may send ahead (pipelined) before the proxy stops reading from it.
_READ_AHEAD = 1 << 20
#: When a request's first bytes arrived: the proxy's clock (epoch ms) and ``perf_counter``.
Arrival = tuple[int, float]


class Forwarder(Protocol):
    """What forwards a request a connection read (the :class:`~uid2_desk.proxy.app.ProxyApp`)."""

    def forward(self, client: ClientConnection, head: Head, body: bytes, arrived: Arrival) -> None:
        """Forward one request; its reply comes back through :meth:`ClientConnection.reply`."""

    def connected(self, client: ClientConnection, open_: bool) -> None:
        """A client connection opened (``open_``) or closed."""


class ClientConnection(MessageConnection):
    """Reads requests off one client connection and writes their replies, in order."""

    def __init__(self, forwarder: Forwarder, clock: Clock) -> None:
        super().__init__()
        self._forwarder = forwarder
        self._clock = clock
        #: When the request at the front of the buffer began to arrive (``None``: none yet).
        self._arrival: Arrival | None = None
        #: When the latest bytes were read.
        self._last_read: Arrival = (0, 0.0)
        self._busy = False
        self._paused = False
        #: Reading is paused: the client is too far ahead of its replies.
        self._held = False
        #: The client sent its end of stream: answer what it asked, then close.
        self._eof = False
        #: The client's ``host:port``.
        self.remote = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        peer = transport.get_extra_info("peername")
        self.remote = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else ""
        self._forwarder.connected(self, True)

    @property
    def buffered(self) -> int:
        """Bytes held for this client: requests read ahead of their turn, replies not yet sent."""
        transport = self._transport
        unsent = transport.get_write_buffer_size() if transport is not None else 0
        return len(self._buf) + unsent

    def data_received(self, data: bytes) -> None:
        self._last_read = (self._clock.now_ms(), time.perf_counter())
        if self._arrival is None:  # these bytes begin a request
            self._arrival = self._last_read
        self._buf += data
        self._next()
        self._flow()

    def _flow(self) -> None:
        """Stop reading from a client far ahead of its replies; read again once it caught up.

        While a request is forwarded, or the client does not read its replies (writing is
        paused), what it sends waits in the buffer: past :data:`_READ_AHEAD` bytes the proxy
        stops reading, so the client's own socket fills and its sends wait, not our memory.
        """
        held = (self._busy or self._paused) and len(self._buf) > _READ_AHEAD
        transport = self._transport
        if held is not self._held and transport is not None and not self.closed and not self._eof:
            self._held = held
            if held:
                transport.pause_reading()
            else:
                transport.resume_reading()

    def _next(self) -> None:
        """Take the next complete request off the buffer and forward it, if there is one."""
        transport = self._transport
        if transport is None or self.closed or self._busy or self._paused:
            return
        try:
            if self._head is None:
                head = split_head(self._buf)
                if head is None:
                    if not self._buf:  # only the empty lines a client may send between requests
                        self._arrival = None
                    return
                self._head = head
                self._body = BodyReader(head, to_eof=False)
                expect = (head.value("expect") or "").lower() == "100-continue"
                if expect and head.third == "HTTP/1.1":
                    # The body follows only once we said so (RFC 9110 §10.1.1).
                    transport.write(_CONTINUE)
            assert self._body is not None
            body = self._body.take(self._buf)
        except WireError as exc:
            text = f"Bad request: {exc}".encode()
            framing = (("Content-Type", "text/plain"), ("Content-Length", str(len(text))))
            transport.write(encode_head("HTTP/1.1 400 Bad Request", framing) + text)
            self.close()
            return
        if body is None:
            return
        head, self._head, self._body = self._head, None, None
        arrived = self._arrival or self._last_read
        # What is left began to arrive by the latest read (exactly then when that read also
        # completed this request); nothing left: the next read begins the next request.
        self._arrival = self._last_read if self._buf else None
        self._busy = True
        self._forwarder.forward(self, head, body, arrived)

    def reply(self, data: bytes, *, keep_alive: bool) -> None:
        """Write the reply to the request being forwarded, then take the next one."""
        self._busy = False
        if self.closed or self._transport is None:
            return
        self._transport.write(data)
        if not keep_alive:
            self.close()
            return
        self._advance()

    def _advance(self) -> None:
        """Take the next request if it is its turn, or close once a half-closed client has
        every reply it asked for; read again if the buffer drained."""
        self._next()
        if self._eof and not self._busy and not self._paused:
            self.close()  # nothing more will come after the half-close
            return
        self._flow()

    def eof_received(self) -> bool:
        # A client may half-close once its requests are sent; it still waits for the replies
        # (asyncio's default would close the transport now and drop them).
        self._eof = True
        if not self._busy and not self._paused:
            self._advance()
        return True  # closed by _advance once answered

    def pause_writing(self) -> None:
        self._paused = True  # a slow reader: no next reply until its buffer drains

    def resume_writing(self) -> None:
        self._paused = False
        self._advance()

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._forwarder.connected(self, False)

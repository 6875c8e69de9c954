"""One client connection to the proxy, served by a thread of its own.

The thread sleeps in ``recv`` until a request's bytes come: one search for the blank line ends
a head, the body is taken by its framing, and the request goes to :meth:`Forwarder.forward`,
which returns once its reply was written. Requests on one connection are answered in order
(pipelining keeps working); while the upstream has one, the forwarding thread also reads what
the client sends meanwhile (see :class:`~uid2_desk.proxy.upstream_link.ReadAhead`), up to
:data:`_READ_AHEAD` bytes, and no further: a client far ahead of its replies fills its own
socket, not our memory.

A request arrives when its first bytes do, not when its body is complete nor when its turn
comes: each read is stamped, and the request at the front of the buffer keeps the stamp of
the read that brought its first byte (a slow upload does not move it, nor does waiting behind
a request in flight). Only when three or more wait behind one in flight, each sent in its own
read, do the middle ones get the latest read's stamp instead of their own: the connection
keeps two stamps, not one per read (a client trickling bytes would make those many).
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Protocol

from uid2_desk.protocol.clock import Clock
from uid2_desk.proxy.head import Head, WireError, encode_head, field_lines
from uid2_desk.proxy.passing import LateBody
from uid2_desk.proxy.readiness import Readiness
from uid2_desk.proxy.upstream_link import RECV_BYTES
from uid2_desk.proxy.wire import BodyReader, framing, split_head

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
#: Bytes a client may send ahead (pipelined) before the proxy stops reading from it.
_READ_AHEAD = 1 << 20
#: The largest body whose request's head goes on before it came (a UID2 body is far
#: smaller; a larger one is forwarded whole, holding no upstream connection while it comes).
LATE_BODY_MOST = 1 << 16
#: How long an upstream connection that has the head waits for the body's rest.
LATE_BODY_S = 30.0
#: ``recv`` without waiting (Windows has no such flag: there the wait comes first).
_DONT_WAIT: int = getattr(socket, "MSG_DONTWAIT", 0)
#: When a request's first bytes arrived: the proxy's clock (epoch ms) and ``perf_counter``.
Arrival = tuple[int, float]
#: A request taken off a connection: its head, its body (or one to follow), its arrival.
Request = tuple[Head, bytes | LateBody, Arrival]


class Forwarder(Protocol):
    """What forwards a request a connection read (the :class:`~uid2_desk.proxy.app.ProxyApp`)."""

    def forward(
        self, client: ClientConnection, head: Head, body: bytes | LateBody, arrived: Arrival
    ) -> None:
        """Forward one request and write its reply (:meth:`ClientConnection.reply`; its head
        may go ahead with :meth:`ClientConnection.send`, and :meth:`ClientConnection.cut_off`
        ends the connection on a reply whose rest never came)."""

    def disconnected(self, client: ClientConnection) -> None:
        """``client`` is about to close its socket (a stop must not wake it any more)."""


class ClientConnection:
    """Reads requests off one client socket and writes their replies, in order.

    Attributes:
        remote: the client's ``host:port``.
        closed: no more requests are taken (the client is done, or the proxy stops).
    """

    def __init__(
        self, sock: socket.socket, peer: object, forwarder: Forwarder, clock: Clock
    ) -> None:
        self.sock = sock
        self._fd = sock.fileno()
        self._forwarder = forwarder
        self._clock = clock
        self._buf = bytearray()
        self._head: Head | None = None
        self._body: BodyReader | None = None
        #: When the request at the front of the buffer began to arrive (``None``: none yet).
        self._arrival: Arrival | None = None
        #: When the latest bytes were read.
        self._last_read: Arrival = (0, 0.0)
        #: The client sent its end of stream (or broke): answer what it asked, then close.
        self._eof = False
        #: The size of the reply being written (held until the client took it).
        self._sending = 0
        self.closed = False
        self.remote = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else ""

    def fileno(self) -> int:
        """The client socket's descriptor."""
        return self._fd

    @property
    def buffered(self) -> int:
        """Bytes held for this client: requests read ahead of their turn, a reply being sent."""
        return len(self._buf) + self._sending

    @property
    def wants_more(self) -> bool:
        """Whether to read on: the client has not ended and is not too far ahead."""
        return not self._eof and len(self._buf) <= _READ_AHEAD

    def read_more(self, flags: int = 0) -> bool:
        """Read once (blocking until bytes come), stamping when they came.

        With ``MSG_DONTWAIT`` in ``flags``: only what came already (``False``: nothing had).
        """
        try:
            data = self.sock.recv(RECV_BYTES, flags)
        except BlockingIOError:
            return False
        except OSError:  # reset: nothing more will come
            data = b""
        if not data:
            self._eof = True
            return True
        self._last_read = (self._clock.now_ms(), time.perf_counter())
        if self._arrival is None:  # these bytes begin a request
            self._arrival = self._last_read
        self._buf += data
        return True

    def serve(self) -> None:
        """Take requests and have them answered until the client is done, then close."""
        try:
            while not self.closed:
                request = self._next()
                if request is None:
                    break
                self._forwarder.forward(self, *request)
        finally:
            self.closed = True
            self._forwarder.disconnected(self)  # before the descriptor can be reused
            with contextlib.suppress(OSError):
                self.sock.close()

    def _next(self) -> Request | None:
        """The next complete request, reading as needed; ``None`` once there is none to come."""
        while True:
            try:
                request = self._take()
            except WireError as exc:
                text = f"Bad request: {exc}".encode()
                framing = (("Content-Type", "text/plain"), ("Content-Length", str(len(text))))
                refusal = encode_head("HTTP/1.1 400 Bad Request", field_lines(framing)) + text
                self.reply(refusal, keep_alive=False)
                return None
            if request is not None or self._eof:
                return request
            self.read_more()

    def _take(self) -> Request | None:
        """Take the next request off the buffer: whole, or its head with a body to follow."""
        head = self._head
        if head is None:
            head = split_head(self._buf)
            if head is None:
                if not self._buf:  # only the empty lines a client may send between requests
                    self._arrival = None
                return None
            self._head = head
            self._body = BodyReader(head, to_eof=False)
            expect = (head.value("expect") or "").lower() == "100-continue"
            if expect and head.third == "HTTP/1.1":
                # The body follows only once we said so (RFC 9110 §10.1.1).
                self.send(_CONTINUE)
        assert self._body is not None
        arrived = self._arrival or self._last_read
        body: bytes | LateBody | None = self._body.take(self._buf)
        if body is None:
            length = framing(head)[1]
            if length is None or length > LATE_BODY_MOST:  # forwarded once whole
                return None
            # The head goes on now and the body when it came (see LateBody).
            return head, LateBody(length, self._late_body), arrived
        self._request_taken()
        return head, body, arrived

    def _late_body(self) -> bytes | None:
        """The rest of the request whose head was forwarded (``None``: the client ended, or
        stalled :data:`LATE_BODY_S`, while an upstream connection waited for it)."""
        assert self._body is not None
        waits: Readiness | None = None
        while (body := self._body.take(self._buf)) is None:
            if self._eof:
                return None
            # The body usually came while the head went upstream: taken without a wait (one
            # system call, where a timeout on the socket would cost three more).
            if _DONT_WAIT and self.read_more(_DONT_WAIT):
                continue
            waits = waits or Readiness(self._fd)
            if not waits.ready(int(LATE_BODY_S * 1000)):
                self._eof = True  # stalled: taken as the client's end
                return None
            self.read_more()
        self._request_taken()
        return body

    def _request_taken(self) -> None:
        self._head = self._body = None
        # What is left began to arrive by the latest read (exactly then when that read also
        # completed this request); nothing left: the next read begins the next request.
        self._arrival = self._last_read if self._buf else None

    def reply(self, data: bytes, *, keep_alive: bool) -> None:
        """Write the reply to the request being forwarded, or the rest of it after a head sent
        ahead (the next request is taken after it)."""
        self.send(data)
        if not keep_alive:
            self.closed = True

    def cut_off(self) -> None:
        """End the connection on the part of a reply it got (the rest never came)."""
        self.closed = True

    def send(self, data: bytes) -> None:
        """Write ``data`` (a reply, or its head ahead of its body) unless the client left."""
        if self.closed:
            return
        self._sending = len(data)
        try:
            self.sock.sendall(data)
        except OSError:  # the client went away: nothing more to answer
            self.closed = True
        finally:
            self._sending = 0

    def stop_reading(self) -> None:
        """Wake a wait for the next request (from the stopping thread); a reply being
        written still goes out."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RD)

    def cut(self) -> None:
        """Wake a reply's write to a client that does not read (the stop's last resort)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)

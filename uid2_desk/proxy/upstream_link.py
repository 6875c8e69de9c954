"""One connection to the upstream, a blocking socket, and what passes on it.

A request is written in one ``sendall`` and its reply read by the thread that forwards it:
the thread sleeps in ``poll`` on this socket (and on its client's, to read what the client
pipelines meanwhile) and wakes straight into the ``recv``. No event loop runs between the
kernel and the parser: on a machine whose idle cores halt, each hand-over between threads or
through a loop is a wake-up the round trip pays for.

What the connection cannot decide alone (keep it for the next request, send a request again
after the connection closed on it) the :class:`~uid2_desk.proxy.pool.UpstreamPool` decides.
"""

from __future__ import annotations

import contextlib
import math
import socket
import ssl
import time

from uid2_desk.proxy.head import Head, WireError
from uid2_desk.proxy.passing import (
    ClientGone,
    EarlyHead,
    LateBody,
    ReadAhead,
    Reply,
    Stale,
    UpstreamError,
    stopped_error,
    timed_out_error,
)
from uid2_desk.proxy.readiness import Readiness
from uid2_desk.proxy.wire import BodyReader, framing, split_head

#: Replies that never carry a body (RFC 9110 §6.4.1).
_NO_BODY = frozenset({204, 304})
#: What one ``recv`` takes at most.
RECV_BYTES = 1 << 16
#: A request this small fits in a socket's send buffer: it is written without a deadline.
_WRITE_AT_ONCE = 1 << 16


class UpstreamConnection:
    """One connection to the upstream (plain or TLS); one request at a time, in one thread.

    Attributes:
        fresh: opened for the request it carries now (a new connection is never stale).
        idle_since: ``time.monotonic()`` when it was last put back idle.
        stopping: set by the pool when the proxy stops (a failure then is a stop).
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._tls = isinstance(sock, ssl.SSLSocket)
        self._fd = sock.fileno()
        self._waits = Readiness(self._fd)
        self._buf = bytearray()
        self._head: Head | None = None
        self._body: BodyReader | None = None
        self.fresh = True
        self.idle_since = 0.0
        self.stopping = False

    def still_open(self) -> bool:
        """Whether an idle connection can carry a request: nothing arrived on it since its
        last reply (neither the upstream's close nor stray bytes). One ``poll``, no wait."""
        if self._tls and self.sock.pending():  # type: ignore[attr-defined]
            return False
        return not self._waits.ready(0)

    def exchange(
        self,
        out: bytes,
        method: str,
        deadline: float,
        side: ReadAhead | None,
        *,
        late: LateBody | None = None,
        early: EarlyHead | None = None,
    ) -> Reply:
        """Write one request (``out``, then the ``late`` body if any) and read its reply by
        ``deadline`` (``time.monotonic()``), moved on by the time the late body took to come.
        ``early`` is given the reply's head when it came ahead of its ``Content-Length`` body.

        Raises :class:`UpstreamError`, :class:`ClientGone`, or :class:`Stale` when this reused
        connection closed before any byte of a reply (the pool decides whether to send it
        again).
        """
        if self.stopping:  # the stop came while it opened: nothing is sent
            raise stopped_error()
        self._buf.clear()
        self._head = self._body = None
        try:
            self._write(out, deadline)
            if late is not None:
                rest = late.get()
                if rest is None:
                    raise ClientGone
                deadline += late.waited_s  # the client's time, not the upstream's
                try:
                    self._write(rest, deadline)
                except TimeoutError:
                    raise
                except OSError:
                    pass  # it closed: a reply it sent first may be waiting, reading says
            while True:
                data = self._receive(deadline, side)
                if not data:
                    return self._at_close(method)
                self._buf += data
                reply = self._reply(method)
                if reply is not None:
                    return reply
                if early is not None and (coming := self._body_to_come()) is not None:
                    started = time.monotonic()
                    early(*coming)
                    early = None
                    deadline += time.monotonic() - started  # the client's time, not the upstream's
        except TimeoutError:
            raise self._or_stopped(timed_out_error()) from None
        except WireError as exc:
            raise self._or_stopped(UpstreamError(exc)) from None
        except OSError as exc:  # a reset, a TLS failure, or the stop's shutdown
            if not self.stopping and not self.fresh and self._head is None and not self._buf:
                raise Stale from None
            raise self._or_stopped(UpstreamError(exc)) from None

    def _write(self, out: bytes, deadline: float) -> None:
        """Send the whole request by ``deadline``.

        A plain socket stays blocking (a socket with a timeout polls before every send and
        receive: a system call each, on every forwarded call); a request that fits in the
        socket's buffer is sent without waiting, a larger one under the deadline.
        """
        sock = self.sock
        if self._tls or len(out) > _WRITE_AT_ONCE:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            sock.sendall(out)
            if not self._tls:
                sock.settimeout(None)
        else:
            sock.sendall(out)

    def _or_stopped(self, error: UpstreamError) -> UpstreamError:
        return stopped_error() if self.stopping else error

    def _receive(self, deadline: float, side: ReadAhead | None) -> bytes:
        """The next bytes of the reply (``b""``: the upstream closed), reading the client's
        pipelined bytes while they wait."""
        sock = self.sock
        if self._tls and sock.pending():  # type: ignore[attr-defined]
            return sock.recv(RECV_BYTES)  # decrypted already: poll would not see it
        waits, fd = self._waits, self._fd
        side_fd = -1
        try:
            while True:
                if side is not None and side_fd < 0 and side.wants_more:
                    side_fd = side.fileno()
                    waits.add(side_fd)
                # Past the deadline, what came already is still taken (no wait).
                left_ms = max(math.ceil((deadline - time.monotonic()) * 1000), 0)
                ready = waits.ready(left_ms)
                if not ready:
                    raise TimeoutError
                if side is not None and side_fd in ready:
                    side.read_more()
                    if not side.wants_more:
                        waits.remove(side_fd)
                        side_fd = -1
                if fd in ready:  # a TLS record may still be arriving: under its timeout
                    if self._tls:
                        sock.settimeout(max(deadline - time.monotonic(), 0.001))
                    return sock.recv(RECV_BYTES)
        finally:
            if side_fd >= 0:
                waits.remove(side_fd)

    def _reply(self, method: str) -> Reply | None:
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
                if method != "HEAD" and status not in _NO_BODY:
                    self._body = BodyReader(head, to_eof=True)
        body = self._body.take(self._buf) if self._body is not None else b""
        if body is None:
            return None
        return Reply(int(self._head.second), self._head.third, self._head, body)

    def _body_to_come(self) -> tuple[Head, int] | None:
        """The head of a reply whose ``Content-Length`` body is still to come, and that length
        (``None``: no head yet, no body, or a body framed otherwise)."""
        head = self._head
        if head is None or self._body is None:
            return None
        length = framing(head)[1]  # None: chunked, or until the close
        return None if length is None else (head, length)

    def _at_close(self, method: str) -> Reply:
        """The upstream closed its side: the end of a reply framed by the close, or none."""
        head, body = self._head, self._body
        if self.stopping:
            raise stopped_error()
        if head is not None and body is not None and body.to_eof:
            return Reply(int(head.second), head.third, head, body.closed(self._buf))
        if head is None and not self._buf.strip():
            if self.fresh:
                raise UpstreamError(WireError("the upstream closed the connection without a reply"))
            raise Stale
        raise UpstreamError(
            WireError("the upstream closed the connection in the middle of its reply")
        )

    def reusable(self, reply: Reply) -> bool:
        """Whether the connection may carry the next request after ``reply``."""
        head = reply.head
        return (
            not self._buf
            and head.first == "HTTP/1.1"
            and (self._body is None or not self._body.to_eof)
            and "close" not in head.connection_tokens()
        )

    def shut(self) -> None:
        """Wake whatever waits on the socket, from another thread (the proxy stops).

        The plain socket's shutdown, never the TLS one: that would touch the TLS state the
        forwarding thread is using.
        """
        self.stopping = True
        with contextlib.suppress(OSError):  # not connected any more: its thread sees the flag
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def close(self) -> None:
        """Close the socket (from the thread that used it)."""
        with contextlib.suppress(OSError):
            self.sock.close()

"""The reply one client gets to one forwarded request, its head sent as soon as it came.

An operator's server (uvicorn's h11) writes a reply's head and its body apart, tens of
microseconds apart, and a client reading it directly parses the head in that gap. A proxy
that held the reply until its body came would take that overlap from the client: so when the
upstream's head is complete and its ``Content-Length`` body is not, the head goes out at once,
re-framed exactly as it would be with the body, and the body follows when it is whole. A
chunked reply (or one the close ends) is still sent whole, once it is: its ``Content-Length``
is known only then.

Once the head went out, nothing else can be answered: if the upstream then fails, closes or
times out in the middle of the body, or the proxy stops, the client's connection is closed on
the part it got (what any proxy does then), and the capture says why.
"""

from __future__ import annotations

from uid2_desk.proxy.connection import ClientConnection
from uid2_desk.proxy.failure import (
    PROXY_FAILURE_STATUS,
    PROXY_STOPPED_STATUS,
    Failure,
    cut_short,
    reply_body,
    stopped,
    unreachable,
)
from uid2_desk.proxy.head import Head, field_lines
from uid2_desk.proxy.passing import Reply, UpstreamError

#: What a reply sent is, for the capture: its status, field lines and body as sent, and the
#: failure the proxy knows of (``None``: the upstream's reply, judged by the capture).
Sent = tuple[int, bytes, bytes, Failure | None]


class Answer:
    """Writes the reply to one request to its client: the upstream's (its head possibly
    ahead of its body, see :meth:`early`), or the proxy's own 502 or 503.

    Attributes:
        framed: the field lines of the head sent ahead of the body (``None``: none was).
        status: that head's status.
    """

    __slots__ = ("_client", "_keep_alive", "_method", "framed", "status")

    def __init__(self, client: ClientConnection, method: str, *, keep_alive: bool) -> None:
        self._client = client
        self._method = method
        self._keep_alive = keep_alive
        self.framed: bytes | None = None
        self.status = 0

    def early(self, head: Head, length: int) -> None:
        """Send the reply's ``head`` now: the upstream sent it, and its body of ``length``
        bytes is still on its way."""
        self.status = int(head.second)
        self.framed = self._fields(head.end_to_end("content-length"), length)
        self._client.send(_start(self.status, head.third) + self.framed + b"\r\n\r\n")

    def reply(self, result: Reply) -> Sent:
        """Send the upstream's reply (the rest of it, if its head went ahead)."""
        body = result.body
        if self.framed is not None:
            self._client.reply(body, keep_alive=self._keep_alive)
            return self.status, self.framed, body, None
        if self._method == "HEAD" or result.status in (204, 304):
            # Its Content-Length (if any) describes the resource, not this reply: kept.
            framed = self._fields(result.head.end_to_end(), None)
        else:
            framed = self._fields(result.head.end_to_end("content-length"), len(body))
        self._send_whole(result.status, result.reason, framed, body)
        return result.status, framed, body, None

    def failed(self, upstream: str, error: UpstreamError) -> Sent:
        """No (whole) reply came: answer 502 (503 when the proxy stopped), or, when the head
        went ahead already, close the client's connection on it."""
        if self.framed is not None:
            self._client.cut_off()
            failure = cut_short(upstream, error, self.status)
            return self.status, self.framed, b"", failure
        if error.stopped:  # the proxy's own end, not the upstream's failure
            status, reason = PROXY_STOPPED_STATUS, "Service Unavailable"
            failure = stopped(upstream)
            self._keep_alive = False
        else:
            status, reason = PROXY_FAILURE_STATUS, "Bad Gateway"
            failure = unreachable(upstream, error.cause, timed_out=error.timed_out)
        body = reply_body(upstream, failure)
        own = (("content-type", "application/json"), ("content-length", str(len(body))))
        framed = self._fields(field_lines(own), None)
        self._send_whole(status, reason, framed, body)
        return status, framed, body, failure

    def _fields(self, lines: bytes, length: int | None) -> bytes:
        if length is not None:
            lines += b"\r\ncontent-length: %d" % length
        return lines if self._keep_alive else lines + b"\r\nconnection: close"

    def _send_whole(self, status: int, reason: str, framed: bytes, body: bytes) -> None:
        whole = b"".join((_start(status, reason), framed, b"\r\n\r\n", body))
        self._client.reply(whole, keep_alive=self._keep_alive)


def _start(status: int, reason: str) -> bytes:
    return f"HTTP/1.1 {status} {reason}".encode("latin-1")

"""A reply's head reaches the client as soon as the upstream sent it, ahead of its body.

The upstream is a raw socket server that writes a reply's head, then holds its body until the
test lets it go (or closes, or stalls). The client is a raw socket reading what the proxy
sends. It has the head (re-framed exactly as a reply sent at once is) while the upstream
still holds the body; once the head went out nothing else can be answered, so a body that
never comes whole (the upstream closes, times out, or the proxy stops) ends the client's
connection on the head, and the capture says which. A chunked reply is still re-framed
whole: its length is known only at its end.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.proxy.support import proxy_to, raw_server
from tests.proxy.test_late_body import _client
from tests.proxy.test_stale_connections import _read_request
from uid2_desk.protocol.capture import FIX, WHY, WHY_CODE, extra_value
from uid2_desk.protocol.envelope import seal_request, to_base64
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.record import CLOSED
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream

BODY = b'{"status":"success","body":{}}'
FIELDS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
HEAD = FIELDS + b"Content-Length: %d\r\n\r\n" % len(BODY)
#: What the client gets for it: the same fields, the framing re-written by the proxy.
FORWARDED_HEAD = FIELDS + b"content-length: %d\r\n\r\n" % len(BODY)
REQUEST = b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nAQID"
API_KEY = "UID2-C-L-999-early.head"
SECRET = bytes(range(32))


class HeldBody:
    """An upstream that answers each request with :data:`HEAD` at once and its body when
    :attr:`release` is set; ``then`` says what it does instead of sending it on a connection's
    first request (``"send"``, ``"close"``: close the connection, ``"stall"``: never send it).

    Attributes:
        release: set to let the body go.
        body_sent: set once a body was written.
    """

    def __init__(self, then: str = "send") -> None:
        self.then = then
        self.release = threading.Event()
        self.body_sent = threading.Event()

    def handle(self, conn: socket.socket, _: int) -> None:
        first = True
        while _read_request(conn) is not None:
            if not first:  # the connection's later requests: answered in one write
                conn.sendall(HEAD + BODY)
                continue
            first = False
            conn.sendall(HEAD + BODY[:5])  # the head, and a little of the body
            if self.then == "close":
                return
            self.release.wait(10)
            if self.then == "stall":
                return
            self.body_sent.set()
            conn.sendall(BODY[5:])


def _read_until(sock: socket.socket, got: bytearray, marker: bytes) -> None:
    while marker not in got:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed before {marker!r}; got {bytes(got)!r}"
        got += chunk


def _read_at_least(sock: socket.socket, got: bytearray, size: int) -> None:
    while len(got) < size:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed after {bytes(got)!r}"
        got += chunk


def _read_to_end(sock: socket.socket, got: bytearray) -> None:
    """Read until the proxy closes the connection (a reset counts as its close)."""
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except ConnectionResetError:
        pass


@contextmanager
def _through(upstream: HeldBody, timeout_s: float = 5.0) -> Iterator[tuple[str, list[Exchange]]]:
    secrets = {API_KEY: SECRET}
    with raw_server(upstream.handle) as url, proxy_to(url, secrets, timeout_s=timeout_s) as proxied:
        yield proxied


def _sealed_request() -> bytes:
    """A generate the proxy can open (it holds the key's secret)."""
    sealed = seal_request(
        SECRET, b'{"email":"cut@example.com"}', timestamp_ms=int(time.time() * 1000)
    )
    body = to_base64(sealed.raw).encode()
    head = (
        f"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {API_KEY}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def test_the_client_has_the_head_while_the_upstream_still_holds_the_body() -> None:
    upstream = HeldBody()
    with _through(upstream) as (url, captured), _client(url) as client:
        client.sendall(REQUEST)
        got = bytearray()
        _read_until(client, got, b"\r\n\r\n")
        assert not upstream.body_sent.is_set(), "the head came before the upstream sent the body"
        assert bytes(got) == FORWARDED_HEAD  # the head alone, framed as it is with the body
        upstream.release.set()
        _read_at_least(client, got, len(FORWARDED_HEAD) + len(BODY))
        # The same connection goes on; a reply sent at once reaches it as the same bytes.
        client.sendall(REQUEST)
        again = bytearray()
        _read_at_least(client, again, len(FORWARDED_HEAD) + len(BODY))
    assert bytes(got) == bytes(again) == FORWARDED_HEAD + BODY
    assert [exchange.http_status for exchange in captured] == [200, 200]
    assert captured[0].response_body == captured[1].response_body == BODY
    assert captured[0].response_headers == captured[1].response_headers
    assert extra_value(captured[0], WHY_CODE) is None


@pytest.mark.parametrize(
    ("then", "said"),
    [("close", "the rest of it never came"), ("stall", "the rest of it did not come in time")],
)
def test_a_body_that_never_comes_whole_ends_the_client_connection_on_the_head(
    then: str, said: str
) -> None:
    upstream = HeldBody(then)
    with _through(upstream, timeout_s=0.5) as (url, captured), _client(url) as client:
        client.sendall(_sealed_request())
        got = bytearray()
        _read_to_end(client, got)  # no 502 can follow a head: the connection just ends
        upstream.release.set()
    assert bytes(got) == FORWARDED_HEAD
    (exchange,) = captured
    assert exchange.http_status == 200
    assert extra_value(exchange, WHY_CODE) == "upstream_cut_short"
    why = extra_value(exchange, WHY) or ""
    assert "sent the head of a 200 reply" in why
    assert said in why
    assert "closed the client's connection" in why
    assert "retry" in (extra_value(exchange, FIX) or "")
    assert '"cut@example.com"' in (exchange.request_plaintext or "")  # opened as ever
    assert extra_value(exchange, CLOSED) is None  # no reply to call sealed: it never came


def test_a_stop_after_the_head_went_ends_the_client_connection_and_is_said_as_a_stop() -> None:
    upstream = HeldBody("stall")
    captured: list[Exchange] = []
    with raw_server(upstream.handle) as upstream_url:
        app = ProxyApp(Upstream("t", upstream_url, "CUSTOM"), ClientSecrets(), sink=captured.append)
        proxy = ProxyServer(app)
        try:
            with _client(proxy.start()) as client:
                client.sendall(REQUEST)
                got = bytearray()
                _read_until(client, got, b"\r\n\r\n")
                proxy.stop()
                _read_to_end(client, got)
        finally:
            proxy.stop()
            upstream.release.set()
    assert bytes(got) == FORWARDED_HEAD  # not followed by a 503: a reply had begun
    (exchange,) = captured
    assert extra_value(exchange, WHY_CODE) == "upstream_cut_short"
    assert "then the proxy was stopped" in (extra_value(exchange, WHY) or "")
    assert "start the proxy again" in (extra_value(exchange, FIX) or "")


def test_a_chunked_reply_is_sent_whole_once_its_last_chunk_came() -> None:
    release = threading.Event()

    def chunked(conn: socket.socket, _: int) -> None:
        if _read_request(conn) is not None:
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            release.wait(10)
            conn.sendall(b"6\r\n world\r\n0\r\n\r\n")

    with raw_server(chunked) as upstream, proxy_to(upstream) as (url, _), _client(url) as client:
        client.sendall(REQUEST)
        client.settimeout(0.3)
        with pytest.raises(TimeoutError):  # its length is known only at its end
            client.recv(65536)
        release.set()
        client.settimeout(10)
        got = bytearray()
        _read_until(client, got, b"hello world")
    assert bytes(got) == b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world"

"""A request whose body comes after its head: the head goes on at once, the body when it came.

The client is a raw socket that writes the head (and maybe part of the body), pauses, then
writes the rest; the upstream a raw socket server that records what it read and when. The
upstream has the head while the client is still writing its body; it gets the whole body,
as one request, once; the capture has the whole body too. A client that ends before its body
did gets no reply and leaves no half request behind, and a failure answered before the body
was sent still reads the body, so the connection's next request is understood.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from tests.proxy.support import proxy_to, raw_server
from tests.proxy.test_stale_connections import OK, _read_request
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy import connection

BODY = b"A" * 40 + b"B" * 40
PAUSE_S = 0.2


@pytest.fixture(autouse=True, params=["taken-at-once", "waited-for-first"])
def late_body_reads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case both ways: a body that came already taken without a wait (where the system
    can read without waiting), and each read waited for first (Windows)."""
    if request.param == "waited-for-first":
        monkeypatch.setattr(connection, "_DONT_WAIT", 0)


def _request(method: str = "POST", body: bytes = BODY) -> bytes:
    head = f"{method} /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


@contextmanager
def _recording_upstream() -> Iterator[tuple[str, list[tuple[float, bytes]], threading.Event]]:
    """Answers every request it reads with ``OK``; yields its URL, what it read (with
    ``time.monotonic()`` of each read) and an event set once it read a request's head."""
    reads: list[tuple[float, bytes]] = []
    head_read = threading.Event()

    def handle(conn: socket.socket, _: int) -> None:
        got = b""
        while chunk := conn.recv(65536):
            reads.append((time.monotonic(), chunk))
            got += chunk
            if b"\r\n\r\n" in got:
                head_read.set()
            head, sep, body = got.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0]) if sep else 0
            if sep and len(body) >= length:
                conn.sendall(OK)
                got = body[length:]

    with raw_server(handle) as url:
        yield url, reads, head_read


def _client(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.settimeout(10)
    return sock


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert condition(), what


def test_the_head_reaches_the_upstream_before_the_client_sent_the_body() -> None:
    raw = _request()
    split = raw.index(b"\r\n\r\n") + 4 + 10  # the head and ten bytes of the body
    with (
        _recording_upstream() as (upstream, reads, head_read),
        proxy_to(upstream) as (url, captured),
        _client(url) as client,
    ):
        client.sendall(raw[:split])
        assert head_read.wait(5), "the upstream had the head while the body was still coming"
        body_sent_at = time.monotonic()
        time.sleep(PAUSE_S)
        client.sendall(raw[split:])
        assert client.recv(65536).startswith(b"HTTP/1.1 200 OK")
        _wait_until(lambda: len(captured) == 1, "the exchange was captured")
    received = b"".join(chunk for _, chunk in reads)
    assert received.endswith(b"\r\n\r\n" + BODY)  # the whole body, once
    assert received.count(b"POST ") == 1
    assert reads[0][0] < body_sent_at
    (exchange,) = captured
    assert exchange.request_body == BODY
    assert exchange.timings.total_ms >= PAUSE_S * 1000  # from the first bytes to the reply


def test_a_client_that_ends_before_its_body_did_gets_no_reply_and_the_proxy_serves_on() -> None:
    raw = _request()
    with (
        _recording_upstream() as (upstream, _, head_read),
        proxy_to(upstream) as (url, captured),
    ):
        with _client(url) as client:
            client.sendall(raw[: raw.index(b"\r\n\r\n") + 4])
            assert head_read.wait(5)
            client.shutdown(socket.SHUT_WR)  # the body never comes
            assert client.recv(65536) == b""  # closed without a reply
        with _client(url) as client:  # the next client is served as ever
            client.sendall(raw)
            assert client.recv(65536).startswith(b"HTTP/1.1 200 OK")
        _wait_until(lambda: len(captured) == 1, "only the whole request was captured")
    assert captured[0].request_body == BODY


def test_a_client_that_stalls_in_its_body_is_let_go_and_the_proxy_serves_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(connection, "LATE_BODY_S", 0.3)  # the upstream waits no longer
    raw = _request()
    split = raw.index(b"\r\n\r\n") + 4 + 10
    with (
        _recording_upstream() as (upstream, reads, head_read),
        proxy_to(upstream) as (url, captured),
    ):
        with _client(url) as client:
            client.sendall(raw[:split])  # the head and ten bytes of the body, then nothing
            assert head_read.wait(5)
            started = time.monotonic()
            assert client.recv(65536) == b""  # closed without a reply
            assert time.monotonic() - started < 2
        with _client(url) as client:  # the next client is served as ever
            client.sendall(raw)
            assert client.recv(65536).startswith(b"HTTP/1.1 200 OK")
        _wait_until(lambda: len(captured) == 1, "only the whole request was captured")
    assert captured[0].request_body == BODY
    assert b"".join(chunk for _, chunk in reads).count(BODY) == 1


def test_an_upstream_that_is_down_is_a_502_after_the_body_and_the_connection_goes_on() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{unused.getsockname()[1]}"  # bound, not listening: refused
        raw = _request()
        split = raw.index(b"\r\n\r\n") + 4
        with proxy_to(down) as (url, captured), _client(url) as client:
            client.sendall(raw[:split])
            time.sleep(PAUSE_S)
            client.sendall(raw[split:] + raw)  # the body, then a second request
            got = b""
            while got.count(b"HTTP/1.1 502") < 2:
                chunk = client.recv(65536)
                assert chunk, got
                got += chunk
            _wait_until(lambda: len(captured) == 2, "both were captured")
    assert [exchange.request_body for exchange in captured] == [BODY, BODY]


def test_an_idempotent_request_sent_again_carries_its_late_body_again() -> None:
    seen: list[tuple[int, bytes]] = []

    def handle(conn: socket.socket, number: int) -> None:
        line = _read_request(conn)
        if line is None:
            return
        seen.append((number, line))
        conn.sendall(OK)
        if number == 1:  # reads the next request's head, then closes without replying
            conn.recv(65536)
            return
        while (line := _read_request(conn)) is not None:
            seen.append((number, line))
            conn.sendall(OK)

    captured: list[Exchange]
    with raw_server(handle) as upstream, proxy_to(upstream) as (url, captured), _client(url) as c:
        c.sendall(_request("PUT"))
        assert c.recv(65536).startswith(b"HTTP/1.1 200 OK")
        raw = _request("PUT")
        split = raw.index(b"\r\n\r\n") + 4
        c.sendall(raw[:split])
        time.sleep(PAUSE_S)
        c.sendall(raw[split:])
        assert c.recv(65536).startswith(b"HTTP/1.1 200 OK")
        _wait_until(lambda: len(captured) == 2, "both were captured")
    put = b"PUT /v2/token/generate HTTP/1.1"
    assert seen == [(1, put), (2, put)]  # the second, sent again on a new connection, whole
    assert captured[1].request_body == BODY


def test_an_urgent_byte_from_the_client_does_not_hold_its_request_back() -> None:
    def slow(conn: socket.socket, _: int) -> None:
        while _read_request(conn) is not None:
            time.sleep(PAUSE_S)  # the client's urgent byte comes meanwhile
            conn.sendall(OK)

    with (
        raw_server(slow) as upstream,
        proxy_to(upstream, timeout_s=2) as (url, _),
        _client(url) as client,
    ):
        client.sendall(_request())
        time.sleep(PAUSE_S / 4)
        client.send(b"!", socket.MSG_OOB)  # out of band: no byte of any request
        started = time.monotonic()
        assert client.recv(65536).startswith(b"HTTP/1.1 200 OK")
    assert time.monotonic() - started < 1.5  # not held until the upstream's timeout

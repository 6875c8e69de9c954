"""A kept-alive upstream connection that closes: when the proxy sends again, when it never does.

The upstream is a raw socket server: each connection answers one request with a keep-alive
reply and closes, at once or after reading one more request it leaves unanswered. It records
each request it read with the connection it came on, so the tests see exactly what reached
it: a POST is never sent twice, whatever the connection did.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.proxy.support import proxy_to, raw_server
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy import pool

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def _read_request(conn: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n")
         if line.lower().startswith(b"content-length:")),
        0,
    )  # fmt: skip
    while len(body) < length:
        body += conn.recv(65536)
    return head.split(b"\r\n", 1)[0]


@contextmanager
def _upstream(*, drop_second: bool) -> Iterator[tuple[str, list[tuple[int, bytes]]]]:
    """Each connection answers one request with a keep-alive reply, then closes.

    ``drop_second``: it first reads the next request on that connection, unanswered. Yields
    the URL and the ``(connection number, request line)`` of every request read.
    """
    seen: list[tuple[int, bytes]] = []

    def handle(conn: socket.socket, number: int) -> None:
        line = _read_request(conn)
        if line is None:
            return
        seen.append((number, line))
        conn.sendall(OK)  # no "Connection: close": the proxy may keep it
        if drop_second and (line := _read_request(conn)) is not None:
            seen.append((number, line))

    with raw_server(handle) as url:
        yield url, seen


def _twice(
    method: str, path: str, *, drop_second: bool, pause_s: float
) -> tuple[list[httpx.Response], list[tuple[int, bytes]], list[Exchange]]:
    """Two calls through the proxy on one client connection, ``pause_s`` apart; the replies,
    what reached the upstream (a replay would have reached it 0.3 s later) and the capture."""
    with (
        _upstream(drop_second=drop_second) as (upstream, seen),
        proxy_to(upstream) as (url, captured),
        httpx.Client(base_url=url) as client,
    ):
        replies = [client.request(method, path, content=b"AQID" if method == "POST" else None)]
        time.sleep(pause_s)
        replies.append(client.request(method, path, content=b"AQID" if method == "POST" else None))
        time.sleep(0.3)
    return replies, seen, captured


POST = b"POST /v2/token/generate HTTP/1.1"


def test_a_connection_closed_while_idle_is_skipped_and_each_post_goes_out_once() -> None:
    # The pause lets the upstream's close reach the proxy while the connection idles.
    replies, seen, _ = _twice("POST", "/v2/token/generate", drop_second=False, pause_s=0.3)
    assert [r.status_code for r in replies] == [200, 200]
    assert seen == [(1, POST), (2, POST)]


def test_a_connection_closed_right_after_its_reply_is_not_reused_however_recent() -> None:
    # The upstream answers without "Connection: close" and closes at once; the next call
    # comes as soon as that close is made (an event says so), within milliseconds of the
    # reply: the pool still asks the connection before it writes to it.
    seen: list[tuple[int, bytes]] = []
    closed = threading.Event()

    def answer_then_close(conn: socket.socket, number: int) -> None:
        line = _read_request(conn)
        if line is not None:
            seen.append((number, line))
            conn.sendall(OK)
        conn.close()
        closed.set()

    statuses: list[int] = []
    with (
        raw_server(answer_then_close) as upstream,
        proxy_to(upstream) as (url, _),
        httpx.Client(base_url=url) as client,
    ):
        for _ in range(10):
            closed.clear()
            statuses.append(client.post("/v2/token/generate", content=b"AQID").status_code)
            assert closed.wait(5)
    assert statuses == [200] * 10
    assert seen == [(number, POST) for number in range(1, 11)]


def test_a_post_the_upstream_read_and_closed_on_is_a_502_and_never_sent_again() -> None:
    replies, seen, captured = _twice("POST", "/v2/token/generate", drop_second=True, pause_s=0)
    assert [r.status_code for r in replies] == [200, 502]
    message = json.loads(replies[1].content)["message"]
    assert "may have reached the upstream" in message
    assert "did not send it again" in message
    assert seen == [(1, POST), (1, POST)]
    assert captured[-1].http_status == 502


def test_an_idempotent_request_the_upstream_closed_on_is_sent_once_more() -> None:
    replies, seen, _ = _twice("GET", "/ops/healthcheck", drop_second=True, pause_s=0)
    assert [r.status_code for r in replies] == [200, 200]
    get = b"GET /ops/healthcheck HTTP/1.1"
    assert seen == [(1, get), (1, get), (2, get)]


def test_a_connection_idle_longer_than_the_limit_is_closed_not_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, bytes]] = []

    def keep_alive(conn: socket.socket, number: int) -> None:
        while (line := _read_request(conn)) is not None:  # answers until the proxy closes
            seen.append((number, line))
            conn.sendall(OK)

    def two_posts(pause_s: float) -> list[int]:
        seen.clear()
        with (
            raw_server(keep_alive) as upstream,
            proxy_to(upstream) as (url, _),
            httpx.Client(base_url=url) as client,
        ):
            statuses = [client.post("/v2/token/generate", content=b"AQID").status_code]
            time.sleep(pause_s)
            statuses.append(client.post("/v2/token/generate", content=b"AQID").status_code)
        assert statuses == [200, 200]
        return [number for number, _ in seen]

    assert two_posts(0.2) == [1, 1]  # well within the limit: the same connection
    monkeypatch.setattr(pool, "IDLE_S", 0.1)
    assert two_posts(0.2) == [1, 2]  # idle past it: a new one, though the old was still open

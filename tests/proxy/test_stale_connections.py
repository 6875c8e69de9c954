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

from tests.proxy.support import proxy_to

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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    seen: list[tuple[int, bytes]] = []
    stopping = threading.Event()

    def serve() -> None:
        number = 0
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            number += 1
            with conn:
                line = _read_request(conn)
                if line is None:
                    continue
                seen.append((number, line))
                conn.sendall(OK)  # no "Connection: close": the proxy may keep it
                if drop_second and (line := _read_request(conn)) is not None:
                    seen.append((number, line))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        stopping.set()
        thread.join(5)
        listener.close()


POST = b"POST /v2/token/generate HTTP/1.1"


def test_a_connection_closed_while_idle_is_skipped_and_each_post_goes_out_once() -> None:
    with (
        _upstream(drop_second=False) as (upstream, seen),
        proxy_to(upstream) as (url, _),
        httpx.Client(base_url=url) as client,
    ):
        first = client.post("/v2/token/generate", content=b"AQID")
        time.sleep(0.3)  # the upstream's close reaches the proxy while the connection idles
        second = client.post("/v2/token/generate", content=b"AQID")
    assert (first.status_code, second.status_code) == (200, 200)
    assert seen == [(1, POST), (2, POST)]


def test_a_post_the_upstream_read_and_closed_on_is_a_502_and_never_sent_again() -> None:
    with (
        _upstream(drop_second=True) as (upstream, seen),
        proxy_to(upstream) as (url, captured),
        httpx.Client(base_url=url) as client,
    ):
        first = client.post("/v2/token/generate", content=b"AQID")
        second = client.post("/v2/token/generate", content=b"AQID")
        time.sleep(0.3)  # a replay, if there were one, would have reached it by now
    assert first.status_code == 200
    assert second.status_code == 502
    message = json.loads(second.content)["message"]
    assert "may have reached the upstream" in message
    assert "did not send it again" in message
    assert seen == [(1, POST), (1, POST)]
    assert captured[-1].http_status == 502


def test_an_idempotent_request_the_upstream_closed_on_is_sent_once_more() -> None:
    get = b"GET /ops/healthcheck HTTP/1.1"
    with (
        _upstream(drop_second=True) as (upstream, seen),
        proxy_to(upstream) as (url, _),
        httpx.Client(base_url=url) as client,
    ):
        first = client.get("/ops/healthcheck")
        second = client.get("/ops/healthcheck")
    assert (first.status_code, second.status_code) == (200, 200)
    assert seen == [(1, get), (1, get), (2, get)]

"""HTTP/1.1 framing through the proxy, on raw sockets: what a client may send, what comes back.

The client side is a plain socket writing bytes by hand (chunked bodies, ``Expect:
100-continue``, pipelined keep-alive requests, ``Connection: close``, HTTP/1.0); the upstream
is a small Starlette app that echoes what it received, served by uvicorn, or a raw socket
server that answers with the framing under test (chunked, close-delimited, 204).
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.proxy.support import StalledSink, proxy_to, raw_server
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream


async def _echo(request: Request) -> Response:
    body = await request.body()
    document = {
        "sha256": hashlib.sha256(body).hexdigest(),
        "length": len(body),
        "headers": {k: v for k, v in request.headers.items()},
        "query": str(request.url.query),
    }
    return Response(json.dumps(document), media_type="application/json")


ECHO = Starlette(routes=[Route("/v2/token/generate", _echo, methods=["POST"])])


def _ask(url: str, raw: bytes, *, replies: int = 1) -> bytes:
    """Send ``raw`` to the proxy and read until ``replies`` replies (or the close) came back."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(raw)
        got = b""
        while got.count(b"HTTP/1.1 ") - got.count(b"HTTP/1.1 100") < replies or not _complete(got):
            chunk = sock.recv(65536)
            if not chunk:
                break
            got += chunk
        return got


def _complete(got: bytes) -> bool:
    head, sep, body = got.rpartition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return True


def _body(reply: bytes) -> dict[str, object]:
    document: dict[str, object] = json.loads(reply.rpartition(b"\r\n\r\n")[2])
    return document


def test_a_chunked_request_reaches_the_upstream_as_the_same_bytes() -> None:
    payload = b"AQID" * 500
    chunks = b"".join(
        f"{len(payload[i : i + 700]):x}\r\n".encode() + payload[i : i + 700] + b"\r\n"
        for i in range(0, len(payload), 700)
    )
    raw = (
        b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n" + chunks + b"0\r\nX-Trailer: dropped\r\n\r\n"
    )
    with LoopbackServer(ECHO) as upstream, proxy_to(upstream.base_url) as (url, captured):
        reply = _ask(url, raw)
    seen = _body(reply)
    assert seen["sha256"] == hashlib.sha256(payload).hexdigest()
    assert "transfer-encoding" not in seen["headers"]  # type: ignore[operator]
    assert captured[0].request_body == payload


def test_expect_100_continue_gets_its_interim_reply_before_the_body_is_sent() -> None:
    with LoopbackServer(ECHO) as upstream, proxy_to(upstream.base_url) as (url, _):
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                b"Expect: 100-continue\r\nConnection: close\r\n\r\n"
            )
            interim = sock.recv(100)
            assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
            sock.sendall(b"AQID")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 ")
    seen = _body(reply)
    assert seen["length"] == 4
    assert "expect" not in seen["headers"]  # type: ignore[operator]


def test_pipelined_keep_alive_requests_are_answered_in_order_and_close_is_honoured() -> None:
    one = (
        b"POST /v2/token/generate?client=js-sdk-4.1 HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: 3\r\n\r\nabc"
    )
    two = (
        b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        b"X-UID2-Client-Version: py-2.6\r\nConnection: close\r\n\r\nvwxyz"
    )
    with LoopbackServer(ECHO) as upstream, proxy_to(upstream.base_url) as (url, captured):
        reply = _ask(url, one + two, replies=2)
    first, second = reply.split(b"HTTP/1.1 200 OK\r\n")[1:]
    assert b'"length": 3' in first
    assert b'"query": "client=js-sdk-4.1"' in first
    assert b'"length": 5' in second
    assert b"connection: close" in second.lower()
    versions = [CapturedClient.of(e).client_version for e in captured]  # type: ignore[union-attr]
    assert versions == ["js-sdk-4.1", "py-2.6"]  # the header wins; ?client= when there is none


def test_http_1_0_without_keep_alive_is_closed_after_its_reply() -> None:
    raw = b"POST /v2/token/generate HTTP/1.0\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
    with LoopbackServer(ECHO) as upstream, proxy_to(upstream.base_url) as (url, _):
        reply = _ask(url, raw)
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"connection: close" in reply.lower()
    assert _body(reply)["length"] == 2


@contextmanager
def _raw_upstream(answer: Callable[[bytes], bytes]) -> Iterator[str]:
    """A server that reads one request per connection and writes ``answer``."""

    def handle(conn: socket.socket, _number: int) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(65536)
        conn.sendall(answer(request))

    with raw_server(handle) as url:
        yield url


def test_chunked_and_close_delimited_replies_reach_the_client_as_the_same_bytes() -> None:
    envelope = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
    chunked = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"10\r\n" + envelope[:16] + b"\r\n" + f"{len(envelope) - 16:x}".encode() + b"\r\n"
        + envelope[16:] + b"\r\n0\r\n\r\n"
    )  # fmt: skip
    close_delimited = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + envelope
    request = b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    for answer in (chunked, close_delimited):
        with (
            _raw_upstream(lambda _, a=answer: a) as upstream,
            proxy_to(upstream) as (url, captured),
        ):
            reply = _ask(url, request)
        head, _, body = reply.partition(b"\r\n\r\n")
        assert body == envelope
        assert f"content-length: {len(envelope)}".encode() in head.lower()
        assert b"transfer-encoding" not in head.lower()
        assert captured[0].response_body == envelope


def test_a_204_reply_has_no_body_and_the_connection_stays_usable() -> None:
    request = b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    # The raw upstream closes every connection after one reply, and says so: a POST sent on
    # a connection it closed unannounced would be a 502, never a silent replay.
    answer = b"HTTP/1.1 204 No Content\r\nX-Kept: yes\r\nConnection: close\r\n\r\n"
    with _raw_upstream(lambda _: answer) as upstream, proxy_to(upstream) as (url, _):
        reply = _ask(url, request + request, replies=2)
    assert reply.count(b"HTTP/1.1 204 No Content\r\n") == 2
    assert b"x-kept: yes" in reply.lower()


def test_a_malformed_request_gets_a_400_and_the_proxy_keeps_serving() -> None:
    with LoopbackServer(ECHO) as upstream, proxy_to(upstream.base_url) as (url, _):
        bad = _ask(url, b"POST /v2/token/generate HTTP/1.1\r\nno colon here\r\n\r\n")
        good = _ask(
            url,
            b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
            b"Connection: close\r\n\r\nz",
        )
    assert bad.startswith(b"HTTP/1.1 400 Bad Request")
    assert good.startswith(b"HTTP/1.1 200 OK")


def test_a_stalled_capture_never_holds_a_reply_back_and_catches_up_after() -> None:
    sink = StalledSink()
    request = (
        b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
        b"Connection: close\r\n\r\nz"
    )
    with LoopbackServer(ECHO) as upstream:
        app = ProxyApp(Upstream("t", upstream.base_url, "CUSTOM"), ClientSecrets(), sink=sink)
        with ProxyServer(app) as proxy:
            started = time.perf_counter()
            replies = [_ask(proxy.base_url, request) for _ in range(5)]
            elapsed = time.perf_counter() - started
            assert not sink.taken
            sink.release.set()
    assert all(r.startswith(b"HTTP/1.1 200 OK") for r in replies)
    assert elapsed < 5  # the replies did not wait for the stalled capture
    assert len(sink.taken) == 5  # stopping the server let the capture finish what it held


def test_an_upstream_behind_a_gateway_path_is_asked_under_that_path() -> None:
    from starlette.routing import Mount

    gateway = Starlette(routes=[Mount("/uid2", app=ECHO)])
    raw = b"POST /v2/token/generate?client=x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
    raw += b"Connection: close\r\n\r\nAB"
    with LoopbackServer(gateway) as upstream, proxy_to(upstream.base_url + "/uid2/") as (url, got):
        reply = _ask(url, raw)
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert _body(reply)["query"] == "client=x"
    assert got[0].url == upstream.base_url + "/uid2/v2/token/generate?client=x"


def test_a_client_that_half_closes_after_its_request_still_gets_the_reply() -> None:
    # Some clients shut their sending side once the request is out; the reply must come back.
    with LoopbackServer(ECHO) as upstream, proxy_to(upstream.base_url) as (url, _):
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nz"
            )
            sock.shutdown(socket.SHUT_WR)
            got = b""
            while chunk := sock.recv(65536):
                got += chunk
    assert got.startswith(b"HTTP/1.1 200 OK")
    assert _body(got)["length"] == 1


def test_a_content_length_of_non_ascii_digits_gets_a_400_not_a_crash() -> None:
    # "²" counts as a digit to str.isdigit() but not to int().
    with LoopbackServer(ECHO) as upstream, proxy_to(upstream.base_url) as (url, _):
        # b"\xb2" is "²" in Latin-1, the charset header bytes are read in.
        bad = _ask(url, b"POST /v2/token/generate HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n")
        good = _ask(
            url,
            b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
            b"Connection: close\r\n\r\nz",
        )
    assert bad.startswith(b"HTTP/1.1 400 Bad Request")
    assert b"Content-Length" in bad
    assert good.startswith(b"HTTP/1.1 200 OK")

"""A client that pipelines requests but does not read its replies: the proxy stops reading it.

The upstream is the real local operator; the client is a raw socket with a small receive
buffer that writes many identity maps back to back (each reply several times its request)
from a thread, half-closes, and reads nothing until told. While it does not read, what the
proxy holds for it (requests read ahead, replies not yet sent) stays under a bound, however
much it sends; once it reads, every reply arrives, in order, and opens with its own
request's nonce.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.proxy.support import read_replies
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.envelope import open_response, seal_request, to_base64
from uid2_desk.proxy import connection
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream
from uid2_desk.proxy.upstream_link import RECV_BYTES

#: The read-ahead under test: small, so a few hundred kilobytes show what is held.
READ_AHEAD = 64 * 1024
#: What the proxy reads off a socket at most at once.
ONE_READ = RECV_BYTES
REQUESTS = 150
EMAILS = 500


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[tuple[str, str, bytes]]:
    """The local operator on a loopback port: its URL, the publisher's key and secret."""
    with LocalOperator.open(tmp_path / "remote", lifetimes=Lifetimes.local()) as operator:
        block = operator.credentials.to_json("https://unused")["publisher"]
        assert isinstance(block, dict)
        with LoopbackServer(operator.asgi_app) as server:
            yield server.base_url, str(block["api_key"]), base64.b64decode(block["secret"])


def _maps(api_key: str, secret: bytes) -> list[tuple[bytes, bytes]]:
    """``REQUESTS`` sealed identity maps: each one's bytes and its nonce."""
    built = []
    for i in range(REQUESTS):
        emails = [f"u{i}-{j}@example.com" for j in range(EMAILS)]
        sealed = seal_request(
            secret, json.dumps({"email": emails}).encode(), timestamp_ms=int(time.time() * 1000)
        )
        body = to_base64(sealed.raw).encode()
        head = (
            f"POST /v2/identity/map HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {api_key}\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        built.append((head.encode() + body, sealed.nonce))
    return built


def _settled(app: ProxyApp, sender: threading.Thread) -> int:
    """What the proxy holds once it stopped changing (or the client sent everything), and
    the most it held on the way."""
    most, last, since = 0, -1, time.monotonic()
    deadline = since + 20
    while time.monotonic() < deadline:
        held = app.buffered()
        most = max(most, held)
        if held != last:
            last, since = held, time.monotonic()
        elif time.monotonic() - since > 0.5 or not sender.is_alive():
            break
        time.sleep(0.01)
    return most


def test_a_client_that_does_not_read_is_not_read_from_and_gets_every_reply_once_it_does(
    remote: tuple[str, str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream, api_key, secret = remote
    monkeypatch.setattr(connection, "_READ_AHEAD", READ_AHEAD)
    maps = _maps(api_key, secret)
    sent = sum(len(raw) for raw, _ in maps)
    app = ProxyApp(Upstream("t", upstream, "CUSTOM"), ClientSecrets())
    with ProxyServer(app) as proxy, socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # backs up replies soon
        sock.settimeout(30)
        sock.connect(("127.0.0.1", proxy.port))

        def send_all_then_half_close() -> None:
            sock.sendall(b"".join(raw for raw, _ in maps))
            sock.shutdown(socket.SHUT_WR)  # done sending: it still waits for every reply

        sender = threading.Thread(target=send_all_then_half_close)
        sender.start()
        most = _settled(app, sender)
        replies = read_replies(sock, REQUESTS)
        sender.join(10)
        closed_after = sock.recv(1)  # answered it all: the proxy closes the connection
    one_reply = max(len(body) for _, body in replies)
    # It reads ahead while under READ_AHEAD (one read may take it over), and holds the reply
    # it is writing until the client takes it.
    assert sent > 4 * (READ_AHEAD + ONE_READ + one_reply)  # far more than it may hold
    assert most <= READ_AHEAD + ONE_READ + one_reply
    assert all(status == b"HTTP/1.1 200 OK" for status, _ in replies)
    assert closed_after == b""
    for i, ((_, body), (_, nonce)) in enumerate(zip(replies, maps, strict=True)):
        opened = open_response(secret, base64.b64decode(body), expected_nonce=nonce)
        mapped = json.loads(opened.payload)["body"]["mapped"]
        assert [m["identifier"] for m in (mapped[0], mapped[-1])] == [
            f"u{i}-0@example.com",
            f"u{i}-{EMAILS - 1}@example.com",
        ]

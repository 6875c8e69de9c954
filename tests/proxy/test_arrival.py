"""A request arrives when its first bytes do: a slow upload moves neither its start nor its skew.

The proxy runs on a clock the test moves by hand; the upstream is the real local operator.
A generate is sent in two parts: the head and half the sealed body, then (the proxy's clock
seven seconds later, and a real pause) the rest. The capture starts the exchange at the first
part, its clock-skew fact compares the envelope's timestamp with that moment (0 ms here, the
envelope being sealed at the same clock time), and its total covers the upload. A request
pipelined behind one the operator holds is dated when it came, not when its turn came.
"""

from __future__ import annotations

import base64
import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.proxy.support import read_replies
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.admin.faults import Fault, FaultKind
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.capture import SKEW_FACT, extra_value
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.envelope import seal_request, to_base64
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream

#: How far the proxy's clock moves while the body is still on its way.
UPLOAD_MS = 7_000
#: The real pause between the two parts.
PAUSE_S = 0.3
GENERATE = "/v2/token/generate"


@dataclass
class Remote:
    """The local operator on a loopback port, its URL and the publisher's key and secret."""

    operator: LocalOperator
    url: str
    api_key: str
    secret: bytes

    def generate(self, email: str, timestamp_ms: int) -> bytes:
        """A sealed generate for ``email``, keep-alive, its envelope dated ``timestamp_ms``."""
        payload = json.dumps({"email": email, "optout_check": 1}).encode()
        body = to_base64(seal_request(self.secret, payload, timestamp_ms=timestamp_ms).raw)
        return (
            f"POST {GENERATE} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {self.api_key}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}"
        ).encode()


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[Remote]:
    """The local operator on a loopback port, with the publisher's credentials."""
    with LocalOperator.open(tmp_path / "remote", lifetimes=Lifetimes.local()) as operator:
        block = operator.credentials.to_json("https://unused")["publisher"]
        assert isinstance(block, dict)
        with LoopbackServer(operator.asgi_app) as server:
            secret = base64.b64decode(block["secret"])
            yield Remote(operator, server.base_url, str(block["api_key"]), secret)


def _proxy(remote: Remote, clock: ManualClock, captured: list[Exchange]) -> ProxyApp:
    return ProxyApp(
        Upstream("t", remote.url, "CUSTOM"),
        ClientSecrets({remote.api_key: remote.secret}),
        sink=captured.append,
        clock=clock,
    )


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert condition(), what


def test_a_body_sent_in_two_parts_is_dated_from_its_first_bytes(remote: Remote) -> None:
    clock = ManualClock(int(time.time() * 1000))
    first_bytes_ms = clock.now
    captured: list[Exchange] = []
    app = _proxy(remote, clock, captured)
    # The envelope is sealed at the proxy's clock time: the client's clock agrees with it.
    request = remote.generate("slow.upload@example.com", first_bytes_ms)
    half = len(request) - len(request.partition(b"\r\n\r\n")[2]) // 2
    with ProxyServer(app) as proxy, socket.create_connection(("127.0.0.1", proxy.port)) as sock:
        sock.settimeout(10)
        sock.sendall(request[:half])
        _wait_until(lambda: app.buffered() > 0, "the proxy holds the first half of the body")
        clock.advance(UPLOAD_MS)
        time.sleep(PAUSE_S)
        sock.sendall(request[half:])
        ((status, _),) = read_replies(sock, 1)
    assert status == b"HTTP/1.1 200 OK"
    (exchange,) = captured
    assert exchange.request_plaintext is not None  # opened: its envelope's timestamp is known
    assert exchange.started_ms == first_bytes_ms  # not UPLOAD_MS later, when the body ended
    assert extra_value(exchange, SKEW_FACT) == "0"
    assert exchange.timings.total_ms >= PAUSE_S * 1000  # from the first bytes to the reply


def test_a_request_pipelined_behind_one_in_flight_is_dated_when_it_came_not_when_its_turn_did(
    remote: Remote,
) -> None:
    clock = ManualClock(int(time.time() * 1000))
    captured: list[Exchange] = []
    app = _proxy(remote, clock, captured)
    remote.operator.admin.set_fault(Fault(FaultKind.LATENCY, GENERATE, times=1, latency_ms=500))
    with ProxyServer(app) as proxy, socket.create_connection(("127.0.0.1", proxy.port)) as sock:
        sock.settimeout(10)
        first_at = clock.now
        sock.sendall(remote.generate("first@example.com", first_at))
        # The first reached the operator (its fault lapsed): the second waits behind it.
        _wait_until(lambda: not remote.operator.admin.faults(), "the first is at the operator")
        clock.advance(UPLOAD_MS)
        second_at = clock.now
        sock.sendall(remote.generate("second@example.com", second_at))
        _wait_until(lambda: app.buffered() > 0, "the proxy holds the second")
        clock.advance(UPLOAD_MS)  # its turn comes when the first is answered, later
        replies = read_replies(sock, 2)
    assert [status for status, _ in replies] == [b"HTTP/1.1 200 OK"] * 2
    first, second = captured
    assert first.started_ms == first_at
    assert second.started_ms == second_at
    assert extra_value(second, SKEW_FACT) == "0"

"""Stopping the proxy while a request waits for the upstream: said as a stop, not a failure.

The upstream is the real local operator with a latency fault on generate, so a request is
still on its way when the proxy stops. The client gets the proxy's own 503 saying it was
stopped (not a dropped connection); the capture records the same, never "the upstream could
not be reached"; a kept-alive upstream connection and an idle client connection closing on
the way journal nothing. A request whose upstream connection is still opening (a silent
TLS peer) is answered and captured the same way.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.admin.faults import Fault, FaultKind
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.capture import FIX, WHY, WHY_CODE, extra_value
from uid2_desk.protocol.envelope import seal_request, to_base64
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.proxy.app import ProxyApp
from uid2_desk.proxy.keys import ClientSecrets
from uid2_desk.proxy.server import ProxyServer
from uid2_desk.proxy.upstream import Upstream

GENERATE = "/v2/token/generate"


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[tuple[LocalOperator, str]]:
    """The local operator on a loopback port, and its URL."""
    with (
        LocalOperator.open(tmp_path / "remote", lifetimes=Lifetimes.local()) as operator,
        LoopbackServer(operator.asgi_app) as server,
    ):
        yield operator, server.base_url


def _generate(api_key: str, secret: bytes, email: str) -> tuple[bytes, dict[str, str]]:
    sealed = seal_request(
        secret,
        json.dumps({"email": email, "optout_check": 1}).encode(),
        timestamp_ms=int(time.time() * 1000),
    )
    return to_base64(sealed.raw).encode(), {"Authorization": f"Bearer {api_key}"}


def test_a_request_in_flight_when_the_proxy_stops_is_answered_and_journaled_as_a_stop(
    remote: tuple[LocalOperator, str],
) -> None:
    operator, upstream = remote
    block = operator.credentials.to_json("https://unused")["publisher"]
    assert isinstance(block, dict)
    api_key, secret = str(block["api_key"]), base64.b64decode(block["secret"])
    captured: list[Exchange] = []
    app = ProxyApp(
        Upstream("t", upstream, "CUSTOM"), ClientSecrets({api_key: secret}), sink=captured.append
    )
    proxy = ProxyServer(app)
    url = proxy.start() + GENERATE
    got: list[httpx.Response | Exception] = []
    with httpx.Client() as idle:
        # Answered before the stop: its upstream connection and this client's idle in the pool.
        body, headers = _generate(api_key, secret, "first@example.com")
        assert idle.post(url, content=body, headers=headers).status_code == 200
        # Two slow ones: one goes on the kept-alive upstream connection, one on a new one.
        operator.admin.set_fault(Fault(FaultKind.LATENCY, GENERATE, times=2, latency_ms=5000))

        def slow_call(email: str) -> None:
            body, headers = _generate(api_key, secret, email)
            try:
                got.append(httpx.post(url, content=body, headers=headers, timeout=10))
            except httpx.HTTPError as exc:
                got.append(exc)

        callers = [
            threading.Thread(target=slow_call, args=(f"slow{i}@example.com",)) for i in (1, 2)
        ]
        for caller in callers:
            caller.start()
        deadline = time.monotonic() + 10
        while operator.admin.faults() and time.monotonic() < deadline:
            time.sleep(0.01)  # the fault lapses when both requests reached the operator
        assert not operator.admin.faults()
        started = time.monotonic()
        proxy.stop()
        stopped_in = time.monotonic() - started
        for caller in callers:
            caller.join(10)
    assert stopped_in < 2.5  # the stop did not wait for the upstream's 5 s
    assert len(got) == 2
    for reply in got:
        assert isinstance(reply, httpx.Response), reply
        assert reply.status_code == 503
        assert reply.headers["connection"] == "close"
        message = reply.json()["message"]
        assert message.startswith("UID2 Desk proxy was stopped before the upstream operator")
        assert "could not reach" not in message
    first, *slow_ones = captured
    assert first.http_status == 200
    assert extra_value(first, WHY_CODE) is None
    assert len(slow_ones) == 2
    for slow in slow_ones:
        _journaled_as_a_stop(slow, upstream)


def _journaled_as_a_stop(slow: Exchange, upstream: str) -> None:
    assert slow.http_status == 503
    assert extra_value(slow, WHY_CODE) == "proxy_stopped"
    why = extra_value(slow, WHY) or ""
    assert "The proxy was stopped while this request waited for the upstream operator" in why
    assert upstream in why
    assert "may have reached the upstream" in why
    assert "could not reach" not in why
    assert "start the proxy again" in (extra_value(slow, FIX) or "")
    assert slow.request_plaintext is not None  # opened like any other capture
    assert '"email"' in slow.request_plaintext


def test_a_request_whose_upstream_connection_is_still_opening_is_answered_as_a_stop() -> None:
    # An HTTPS upstream that accepts the connection and never says a word: the TLS
    # handshake, part of opening the connection, waits until the proxy stops.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        upstream = f"https://127.0.0.1:{silent.getsockname()[1]}"
        captured: list[Exchange] = []
        app = ProxyApp(Upstream("t", upstream, "CUSTOM"), ClientSecrets(), sink=captured.append)
        proxy = ProxyServer(app)
        url = proxy.start() + GENERATE
        got: list[httpx.Response] = []
        caller = threading.Thread(target=lambda: got.append(httpx.post(url, content=b"AQID")))
        caller.start()
        silent.settimeout(10)
        opening, _ = silent.accept()  # the proxy is connecting: its handshake waits
        with opening:
            proxy.stop()
            caller.join(10)
    (reply,) = got
    assert reply.status_code == 503
    assert reply.json()["message"].startswith("UID2 Desk proxy was stopped")
    (exchange,) = captured
    assert extra_value(exchange, WHY_CODE) == "proxy_stopped"

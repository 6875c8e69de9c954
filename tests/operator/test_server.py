"""The loopback server runner: free ports, clean stops, async use, and no Nagle stalls."""

from __future__ import annotations

import logging
import socket
import statistics
import time

import httpx
import pytest

from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.operator.http.asgi_types import Receive, Scope, Send
from uid2_desk.operator.http.quiet_stop import UVICORN_ERROR
from uid2_desk.operator.http.server import LoopbackServer


def test_port_zero_picks_a_free_port_and_the_url_names_it(live_operator: LocalOperator) -> None:
    with OperatorServer(live_operator) as server:
        response = httpx.get(f"{server.base_url}/ops/healthcheck")

    assert server.base_url == f"http://127.0.0.1:{server.port}"
    assert server.port > 0
    assert response.text == "OK"


def test_a_port_in_use_fails_at_start(live_operator: LocalOperator) -> None:
    with OperatorServer(live_operator) as first:
        second = OperatorServer(live_operator, port=first.port)
        with pytest.raises(OSError, match="in use"):
            second.start()


def test_after_stop_nothing_listens(live_operator: LocalOperator) -> None:
    server = OperatorServer(live_operator)
    server.start()
    url = server.base_url
    server.stop()
    server.stop()

    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/ops/healthcheck")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com"])
def test_non_loopback_hosts_need_allow_remote(live_operator: LocalOperator, host: str) -> None:
    with pytest.raises(ValueError, match="allow-remote"):
        OperatorServer(live_operator, host=host)


@pytest.mark.asyncio
async def test_async_start_and_stop_do_not_block_the_event_loop(
    live_operator: LocalOperator,
) -> None:
    server = OperatorServer(live_operator)

    url = await server.start_async()
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/ops/healthcheck")
    await server.stop_async()

    assert response.status_code == 200
    assert not server.running


def test_replies_are_not_held_back_by_nagle_and_delayed_acks(
    operator_server: OperatorServer,
) -> None:
    # uvicorn writes headers and body separately; with Nagle on, each reply would stall
    # for a delayed ACK (about 40 ms on Linux). A client with TCP_NODELAY isolates the server.
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    latencies = []
    with httpx.Client(base_url=operator_server.base_url, transport=transport) as client:
        for _ in range(25):
            started = time.perf_counter()
            client.post("/v2/token/refresh", content=b"x")
            latencies.append(time.perf_counter() - started)

    assert statistics.median(latencies) < 0.02


def test_a_server_never_started_has_no_port_and_stops_quietly(live_operator: LocalOperator) -> None:
    server = OperatorServer(live_operator)

    with pytest.raises(RuntimeError, match="not started"):
        _ = server.port
    server.stop()
    assert not server.running


def test_starting_a_running_server_again_is_refused(live_operator: LocalOperator) -> None:
    with OperatorServer(live_operator) as server:
        with pytest.raises(RuntimeError, match="already started"):
            server.start()
        assert httpx.get(f"{server.base_url}/ops/healthcheck").text == "OK"


async def _refuse_to_start(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app whose lifespan startup fails, as an app that cannot open its state would."""
    await receive()
    await send({"type": "lifespan.startup.failed", "message": "no state"})


def test_an_app_that_fails_to_start_is_reported_and_frees_its_port(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = LoopbackServer(_refuse_to_start, lifespan="on")

    with (
        caplog.at_level(logging.ERROR, logger=UVICORN_ERROR),
        pytest.raises(RuntimeError, match="did not start"),
    ):
        server.start()
    port = server.port

    assert not server.running
    assert "no state" in caplog.text  # uvicorn's own record, kept: the server was not stopping
    with socket.create_server(("127.0.0.1", port)):
        pass  # the port is free again

"""An idle operator server hardly wakes up, and still stops at once when asked."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from uid2_desk.operator import LocalOperator, OperatorServer
from uid2_desk.operator.http.server import IDLE_TICK_S, QuietServer


def test_an_idle_server_wakes_about_once_a_second_not_ten_times(tmp_path: Path) -> None:
    with LocalOperator.open(tmp_path) as operator:
        server = OperatorServer(operator)
        server.start()
        try:
            quiet = server._server
            assert isinstance(quiet, QuietServer)
            before = quiet.ticks
            time.sleep(2.5)
            woke = quiet.ticks - before
        finally:
            server.stop()
    # uvicorn's own loop would have woken ~25 times in 2.5 s.
    assert woke <= 2.5 / IDLE_TICK_S + 1


def test_stop_is_immediate_although_the_loop_sleeps_a_second(tmp_path: Path) -> None:
    with LocalOperator.open(tmp_path) as operator:
        server = OperatorServer(operator)
        url = server.start()
        assert httpx.get(f"{url}/ops/healthcheck").text == "OK"
        time.sleep(0.2)  # the loop is now inside its one-second wait
        started = time.monotonic()
        server.stop()
        took = time.monotonic() - started
    assert took < 0.5 * IDLE_TICK_S

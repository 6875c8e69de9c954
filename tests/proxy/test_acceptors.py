"""The proxy's accepting threads: the thread that accepts a connection serves it, a spare one
waits meanwhile, a connection per call reuses the same few threads, and idle extra threads end.

The listener is a real loopback socket and the connections real clients; ``serve`` records
which thread served each connection.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from uid2_desk.proxy import acceptors
from uid2_desk.proxy.acceptors import Acceptors


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert condition(), what


@contextmanager
def _accepting(
    serve: Callable[[socket.socket, object], None],
) -> Iterator[tuple[Acceptors, tuple[str, int]]]:
    listener = socket.create_server(("127.0.0.1", 0))
    running = Acceptors(listener, serve)
    running.start()
    try:
        yield running, listener.getsockname()
    finally:
        running.stop()
        _wait_until(lambda: running.threads == 0, "every thread ended after the stop")
        listener.close()


def _echo_once(served_by: list[str]) -> Callable[[socket.socket, object], None]:
    def serve(sock: socket.socket, _: object) -> None:
        served_by.append(threading.current_thread().name)
        with sock:
            sock.sendall(sock.recv(100))

    return serve


def test_connections_one_after_another_are_served_by_the_same_few_threads() -> None:
    served_by: list[str] = []
    with _accepting(_echo_once(served_by)) as (running, address):
        for i in range(40):
            with socket.create_connection(address, timeout=5) as client:
                client.sendall(b"call %d" % i)
                assert client.recv(100) == b"call %d" % i
        assert len(served_by) == 40
        assert running.started <= 3  # not a thread per connection
        assert running.threads <= 3


def test_while_one_connection_is_served_another_is_accepted_at_once() -> None:
    release = threading.Event()

    def serve(sock: socket.socket, _: object) -> None:
        with sock:
            data = sock.recv(100)
            if data == b"hold":
                release.wait(10)
            sock.sendall(data)

    with (
        _accepting(serve) as (_, address),
        socket.create_connection(address, timeout=5) as held,
        socket.create_connection(address, timeout=5) as other,
    ):
        held.sendall(b"hold")
        other.sendall(b"other")
        assert other.recv(100) == b"other"  # not queued behind the one still served
        release.set()
        assert held.recv(100) == b"hold"


def test_threads_done_serving_beyond_the_spare_ones_end_and_one_still_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(acceptors, "SPARE", 1)
    release = threading.Event()

    def serve(sock: socket.socket, _: object) -> None:
        with sock:
            release.wait(10)
            sock.sendall(b"served")

    with _accepting(serve) as (running, address):
        clients = [socket.create_connection(address, timeout=5) for _ in range(6)]
        _wait_until(lambda: running.threads == 7, "six served and one waiting")
        release.set()
        for client in clients:
            client.close()
        _wait_until(lambda: running.threads == 1, "the extra threads ended")
        with socket.create_connection(address, timeout=5) as late:  # the last one still accepts
            assert late.recv(100) == b"served"


def test_stopping_wakes_the_waiting_threads_at_once() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    running = Acceptors(listener, _echo_once([]))
    running.start()
    _wait_until(lambda: running.threads == 1, "one thread waits")
    started = time.monotonic()
    running.stop()
    _wait_until(lambda: running.threads == 0, "it ended")
    assert time.monotonic() - started < 0.5  # woken, not waiting out a timeout
    listener.close()

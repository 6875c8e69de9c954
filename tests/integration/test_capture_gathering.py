"""The capture worker journals a burst in few commits, and a lone request without delay."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from multiprocessing import Pipe
from multiprocessing.connection import Connection

import pytest

from uid2_desk.cli import capture_process
from uid2_desk.cli.capture_worker import GATHER_S, LULL_S, MOST_MESSAGES, gathered_messages


@pytest.fixture
def pipe() -> Iterator[tuple[Connection, Connection]]:
    """The worker's end and the shipper's end of a pipe."""
    reader, writer = Pipe(duplex=False)
    yield reader, writer
    reader.close()
    writer.close()


def test_a_pause_longer_than_the_shippers_cadence_ends_the_gathering() -> None:
    assert capture_process.GATHER_S < LULL_S < GATHER_S


def test_a_lone_message_is_journaled_after_a_lull_not_the_whole_gathering(
    pipe: tuple[Connection, Connection],
) -> None:
    reader, writer = pipe
    writer.send_bytes(b"one")
    started = time.monotonic()

    messages, ended = gathered_messages(reader)

    assert (messages, ended) == ([b"one"], False)
    assert LULL_S <= time.monotonic() - started < GATHER_S


def test_a_steady_stream_is_gathered_for_a_quarter_second_at_most(
    pipe: tuple[Connection, Connection],
) -> None:
    reader, writer = pipe
    stop = threading.Event()

    def ship_every_20_ms() -> None:
        while not stop.is_set():
            writer.send_bytes(b"batch")
            time.sleep(0.02)

    shipper = threading.Thread(target=ship_every_20_ms)
    shipper.start()
    try:
        started = time.monotonic()
        messages, ended = gathered_messages(reader)
        took = time.monotonic() - started
    finally:
        stop.set()
        shipper.join()

    assert not ended
    assert took < GATHER_S + LULL_S
    assert 5 <= len(messages) < MOST_MESSAGES  # many batches, one commit


def test_a_gathering_stops_at_its_message_limit(pipe: tuple[Connection, Connection]) -> None:
    reader, writer = pipe
    for i in range(MOST_MESSAGES + 5):
        writer.send_bytes(b"%d" % i)

    messages, ended = gathered_messages(reader)

    assert (len(messages), ended) == (MOST_MESSAGES, False)
    assert gathered_messages(reader) == (
        [b"%d" % i for i in range(MOST_MESSAGES, MOST_MESSAGES + 5)],
        False,
    )


def test_the_stop_message_ends_the_gathering_at_once(pipe: tuple[Connection, Connection]) -> None:
    reader, writer = pipe
    writer.send_bytes(b"last")
    writer.send_bytes(b"")
    started = time.monotonic()

    assert gathered_messages(reader) == ([b"last"], True)
    assert time.monotonic() - started < LULL_S


def test_a_parent_that_died_mid_burst_leaves_what_it_sent(
    pipe: tuple[Connection, Connection],
) -> None:
    reader, writer = pipe
    writer.send_bytes(b"sent")
    writer.close()

    assert gathered_messages(reader) == ([b"sent"], True)


def test_the_gathering_is_measured_on_the_clock_it_is_given(
    pipe: tuple[Connection, Connection],
) -> None:
    reader, writer = pipe
    for _ in range(3):
        writer.send_bytes(b"x")
    late = iter([0.0, GATHER_S])  # the deadline is already past at the first look

    assert gathered_messages(reader, clock=lambda: next(late)) == ([b"x"], False)

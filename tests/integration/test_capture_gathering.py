"""The capture worker journals a burst in few commits, and a lone request without delay."""

from __future__ import annotations

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


def test_the_lull_outlasts_the_shippers_cadence_and_is_shorter_than_the_gathering() -> None:
    # Longer than the shipper's cadence: a pause that long means the burst is over.
    assert capture_process.GATHER_S < LULL_S < GATHER_S


def test_a_lone_message_is_journaled_after_a_lull_however_long_the_gathering(
    pipe: tuple[Connection, Connection],
) -> None:
    reader, writer = pipe
    writer.send_bytes(b"one")
    started = time.monotonic()

    # A clock that never moves: the gathering time is never up, only the lull can end it.
    messages, ended = gathered_messages(reader, clock=lambda: 0.0)

    assert (messages, ended) == ([b"one"], False)
    assert time.monotonic() - started >= LULL_S


def test_a_stream_is_gathered_until_the_gathering_time_is_up(
    pipe: tuple[Connection, Connection],
) -> None:
    reader, writer = pipe
    for i in range(20):
        writer.send_bytes(b"%d" % i)
    readings = iter(i * GATHER_S / 5 for i in range(100))  # a fifth of it passes per message

    messages, ended = gathered_messages(reader, clock=lambda: next(readings))

    assert (messages, ended) == ([b"%d" % i for i in range(5)], False)
    assert gathered_messages(reader, clock=lambda: 0.0)[0][0] == b"5"  # the rest: next commit


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
    writer.send_bytes(b"never read")  # nothing follows a stop; were it read, it would show

    assert gathered_messages(reader, clock=lambda: 0.0) == ([b"last"], True)


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

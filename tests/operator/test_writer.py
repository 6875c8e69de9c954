"""The operator's background writer (uid2_desk.operator.state.writer): one broken flush never
stops the others, in the thread or at close. Flushes here are plain callables that record
their calls; nothing sleeps: the tests wait on events."""

from __future__ import annotations

import threading

import pytest

from uid2_desk.operator.state.writer import BackgroundWriter

WAIT_S = 5.0


class _Flush:
    """A flush that counts its calls and fails while ``broken``."""

    def __init__(self, broken: bool = False) -> None:
        self.broken = broken
        self.calls = 0
        self.called_twice = threading.Event()

    def __call__(self) -> None:
        self.calls += 1
        if self.calls >= 2:
            self.called_twice.set()
        if self.broken:
            raise OSError(f"disk full (call {self.calls})")


def test_a_failing_flush_is_retried_and_the_others_still_run_in_the_thread() -> None:
    broken, healthy = _Flush(broken=True), _Flush()
    writer = BackgroundWriter([broken, healthy], interval_s=0.01)

    assert broken.called_twice.wait(WAIT_S)  # failed once, tried again
    assert healthy.called_twice.wait(WAIT_S)
    broken.broken = False
    writer.close()


def test_close_flushes_every_table_and_raises_the_first_failure() -> None:
    first, second, healthy = _Flush(broken=True), _Flush(broken=True), _Flush()
    writer = BackgroundWriter([first, second, healthy], interval_s=3600)

    with pytest.raises(OSError, match="disk full") as raised:
        writer.close()

    assert raised.value.args[0] == f"disk full (call {first.calls})"
    assert (first.calls, second.calls, healthy.calls) == (1, 1, 1)


def test_a_second_close_flushes_again_without_a_thread() -> None:
    healthy = _Flush()
    writer = BackgroundWriter([healthy], interval_s=3600)
    writer.close()
    writer.close()

    assert healthy.calls == 2

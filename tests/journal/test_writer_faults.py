"""The journal's writer thread answers every job of a group, whatever one of them raises."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from uid2_desk.journal import Journal
from uid2_desk.journal.writer_thread import GROUP_LIMIT, JournalWriter


def _event(n: int):  # type: ignore[no-untyped-def]
    def append(journal: Journal) -> int:
        entry = journal.append_event(
            "tick", at_ms=n, session="s", user=None, environment="local", step=None
        )
        return entry.seq

    return append


def test_a_job_raising_any_error_fails_alone_and_the_writer_keeps_writing(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "j.sqlite3")
    try:
        gate = threading.Event()
        held = writer.submit(lambda _journal: gate.wait(10))  # the next jobs queue as one group
        before = writer.submit(_event(1))

        def broken(_journal: Journal) -> None:
            raise TypeError("a job's own bug")

        bad = writer.submit(broken)
        after = writer.submit(_event(2))
        gate.set()
        assert held.result(10) is True
        assert before.result(10) == 1
        with pytest.raises(TypeError, match="a job's own bug"):
            bad.result(10)
        assert after.result(10) == 2
        assert writer.submit(_event(3)).result(10) == 3  # still writing
        assert writer.submit(lambda j: j.count()).result(10) == 3
    finally:
        writer.close()


def _hold_writer(writer: JournalWriter) -> threading.Event:
    """Block the writer in a job of its own until the returned event is set."""
    running, gate = threading.Event(), threading.Event()

    def hold(_journal: Journal) -> None:
        running.set()
        gate.wait(10)

    writer.submit(hold)
    assert running.wait(10)  # what is submitted from now on queues behind it
    return gate


def test_more_jobs_than_one_group_holds_commit_in_order_over_several_groups(
    tmp_path: Path,
) -> None:
    writer = JournalWriter(tmp_path / "j.sqlite3")
    try:
        gate = _hold_writer(writer)
        queued = [writer.submit(_event(n)) for n in range(GROUP_LIMIT + 8)]
        gate.set()
        assert [f.result(10) for f in queued] == list(range(1, GROUP_LIMIT + 9))
    finally:
        writer.close()


def test_close_behind_queued_jobs_finishes_them_before_the_writer_stops(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "j.sqlite3")
    gate = _hold_writer(writer)
    queued = [writer.submit(_event(n)) for n in range(3)]
    closing = threading.Thread(target=writer.close)
    closing.start()
    deadline = time.monotonic() + 5
    while writer._jobs.qsize() < 4 and time.monotonic() < deadline:  # the close is queued too
        time.sleep(0.001)
    gate.set()
    closing.join(10)
    assert not closing.is_alive()
    assert [f.result(0) for f in queued] == [1, 2, 3]
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        assert journal.count() == 3

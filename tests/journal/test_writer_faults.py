"""The journal's writer thread answers every job of a group, whatever one of them raises."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from uid2_desk.journal import Journal
from uid2_desk.journal.writer_thread import JournalWriter


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

"""An append returns a future: queued when called, resolved once its group is committed.

``AsyncJournal.append_exchange`` and ``append_event`` are not coroutines any more (no task per
append under a burst); these tests check what that changes for a caller and what it must not:
the entry is queued at the call, its future resolves only after the commit, listeners hear
first, a cancelled future's entry still commits, and errors still surface at the ``await``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.journal.recorded import Recorded
from uid2_desk.journal import AsyncJournal, JournalEntry, async_appends


def _stored(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        (n,) = db.execute("SELECT count(*) FROM entry").fetchone()
        return int(n)
    finally:
        db.close()


@pytest.mark.asyncio
async def test_an_append_is_queued_when_called_and_resolves_after_its_commit(
    tmp_path: Path, recorded: Recorded
) -> None:
    path = tmp_path / "j.db"
    heard: list[tuple[int, bool, int]] = []
    async with await AsyncJournal.open(path) as journal:
        future = journal.append_exchange(
            recorded.generate, session="s", user="u", environment="e", step="1-d"
        )
        journal.add_listener(lambda e: heard.append((e.seq, future.done(), _stored(path))))
        assert isinstance(future, asyncio.Future)
        entry = await future  # nothing else awaited it: it was queued by the call
        assert entry.seq == 1
        assert heard == [(1, False, 1)]  # the listener ran after the commit, before the result
        assert _stored(path) == 1


@pytest.mark.asyncio
async def test_a_cancelled_append_future_still_commits_and_is_heard(
    tmp_path: Path, recorded: Recorded
) -> None:
    heard = asyncio.Event()
    seqs: list[int] = []

    def listener(entry: JournalEntry) -> None:
        seqs.append(entry.seq)
        heard.set()

    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        journal.add_listener(listener)
        future = journal.append_event(
            "tick", at_ms=1, session="s", user=None, environment="e", step=None
        )
        future.cancel()
        await asyncio.wait_for(heard.wait(), timeout=10)
        assert seqs == [1]
        assert await journal.count() == 1


@pytest.mark.asyncio
async def test_an_append_that_cannot_be_made_ready_fails_at_the_await(tmp_path: Path) -> None:
    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        future = journal.append_event(
            "tick", at_ms=1, session="s", user=None, environment="e", step=None,
            detail=[("only one part",)],  # type: ignore[list-item]
        )  # fmt: skip
        with pytest.raises(ValueError, match="not enough values"):
            await future
        ok = await journal.append_event(
            "tick", at_ms=2, session="s", user=None, environment="e", step=None
        )
        assert ok.seq == 1  # the refused append took no seq and did not stop the writer


@pytest.mark.asyncio
async def test_appends_from_a_burst_are_committed_in_groups_and_resolve_in_order(
    tmp_path: Path, recorded: Recorded
) -> None:
    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        futures = [
            journal.append_exchange(
                recorded.generate, session="s", user=f"u{i}", environment="e", step="1-d"
            )
            for i in range(700)  # more than one group (GROUP_LIMIT is 512)
        ]
        entries = await asyncio.gather(*futures)
        assert [e.seq for e in entries] == list(range(1, 701))
        assert [e.user for e in entries] == [f"u{i}" for i in range(700)]
        stored = await journal.get(700)
        assert stored == entries[-1]


@pytest.mark.asyncio
async def test_a_prune_on_the_writer_gives_the_freed_pages_back(
    tmp_path: Path, recorded: Recorded
) -> None:
    """A lone job runs as it would alone, not in a group's block (which keeps freed pages)."""
    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        await asyncio.gather(
            *(
                journal.append_exchange(
                    recorded.generate, session="old", user=None, environment="e", step="1-d"
                )
                for _ in range(300)
            )
        )
        await journal.append_event(
            "x", at_ms=1, session="new", user=None, environment="e", step=None
        )
        assert await journal.prune(keep_sessions=1) == 300
        db = sqlite3.connect(tmp_path / "j.db")
        try:
            assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
        finally:
            db.close()


class _Clock:
    """Stands in for the ``time`` module of async_appends: a clock moved by hand, naps counted."""

    def __init__(self) -> None:
        self.now = 100.0
        self.naps = 0

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds == 0
        self.naps += 1


@pytest.mark.asyncio
async def test_appends_hand_the_writer_the_gil_at_most_once_a_millisecond_while_it_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock()
    monkeypatch.setattr(async_appends, "time", clock)
    async with await AsyncJournal.open(tmp_path / "j.db") as journal:

        def tick() -> asyncio.Future[JournalEntry]:
            return journal.append_event(
                "tick", at_ms=1, session="s", user=None, environment="e", step=None
            )

        await tick()
        assert clock.naps == 0  # the writer was not writing when it was queued
        running, gate = threading.Event(), threading.Event()

        def hold(_journal: object) -> None:
            running.set()
            gate.wait(10)

        held = journal._writer.submit(hold)  # nothing is written until the gate opens
        assert running.wait(10)
        journal._writer.writing = True  # as while a group is written
        futures = [tick() for _ in range(5)]  # the same instant: one hand-over
        clock.now += async_appends.HAND_OVER_EVERY_S / 2
        futures.append(tick())
        assert clock.naps == 1
        clock.now += async_appends.HAND_OVER_EVERY_S / 2
        futures.append(tick())
        assert clock.naps == 2
        journal._writer.writing = False
        clock.now += 1.0
        futures.append(tick())
        assert clock.naps == 2  # the writer no longer waits for anything
        gate.set()
        held.result(10)
        assert [e.seq for e in await asyncio.gather(*futures)] == list(range(2, 10))

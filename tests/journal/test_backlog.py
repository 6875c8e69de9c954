"""The journal backlog holds what the journal refuses, retries it in order, and stays bounded."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from uid2_desk.journal import AsyncJournal
from uid2_desk.journal.backlog import Append, JournalBacklog


def _event(i: int) -> Append:
    return lambda j: j.append_event(
        "tick", at_ms=i, session="s", user=None, environment="e", step=None
    )


@pytest.mark.asyncio
async def test_refused_entries_wait_in_order_up_to_the_limit_and_are_counted_when_dropped(
    tmp_path: Path,
) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    heard: list[tuple[int, int]] = []
    backlog = JournalBacklog(
        journal, limit=3, wait_s=0.2, retry_s=0.05, on_change=lambda w, d: heard.append((w, d))
    )
    other = sqlite3.connect(tmp_path / "j.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        results = [await backlog.append(_event(i)) for i in range(5)]
        assert results == [None] * 5
        assert (backlog.behind, backlog.dropped) == (3, 2)
        assert heard[-1] == (3, 2)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert await backlog.flush(timeout_s=15)
    assert [e.at_ms for e in await journal.entries()] == [0, 1, 2]
    assert heard[-1] == (0, 2)
    entry = await backlog.append(_event(9))  # caught up: appends go straight through again
    assert entry is not None
    assert entry.at_ms == 9
    await journal.close()


@pytest.mark.asyncio
async def test_an_append_the_closed_journal_refuses_waits_and_is_retried_not_lost(
    tmp_path: Path,
) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    await journal.close()
    backlog = JournalBacklog(journal, wait_s=0.2, retry_s=0.01)  # no on_change listener
    assert await backlog.append(_event(1)) is None
    assert backlog.behind == 1
    assert not await backlog.flush(timeout_s=0.05)  # retried for a while, still refused
    assert (backlog.behind, backlog.dropped) == (1, 0)


@pytest.mark.asyncio
async def test_a_timed_out_append_past_the_limit_is_counted_dropped_and_may_still_commit(
    tmp_path: Path,
) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    backlog = JournalBacklog(journal, limit=0, wait_s=0.05, retry_s=0.05)
    other = sqlite3.connect(tmp_path / "j.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert await backlog.append(_event(1)) is None
        assert (backlog.behind, backlog.dropped) == (0, 1)
    finally:
        other.execute("ROLLBACK")
        other.close()
    for _ in range(200):  # the writer's attempt was already queued: it commits on its own
        if await journal.count() == 1:
            break
        await asyncio.sleep(0.01)
    assert [e.at_ms for e in await journal.entries()] == [1]
    await journal.close()

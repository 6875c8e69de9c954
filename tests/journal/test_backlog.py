"""The journal backlog holds what the journal refuses, retries it in order, and stays bounded."""

from __future__ import annotations

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

"""The journal under load: appends never wait behind readers, bursts commit in groups, text
filters use the full-text index, and exports stream."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from uid2_desk.journal import AsyncJournal, Journal, JournalEntry, JournalFilter
from uid2_desk.journal.queries import filter_sql


async def _event(journal: AsyncJournal, i: int, session: str = "s") -> JournalEntry:
    return await journal.append_event(
        "tick",
        at_ms=i,
        session=session,
        user=f"u{i % 7}",
        environment="e",
        step=None,
        summary=f"tick number {i}",
    )


@pytest.mark.asyncio
async def test_an_append_does_not_wait_behind_an_export_that_is_still_reading(
    tmp_path: Path,
) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    try:
        for i in range(50):
            await _event(journal, i)
        reading, release = threading.Event(), threading.Event()

        def slow_export(entries: Iterator[JournalEntry]) -> int:
            first = next(entries)
            reading.set()
            release.wait(10)  # an export stuck half-way through the session
            return 1 + sum(1 for _ in entries) if first else 0

        export = asyncio.create_task(journal.stream(JournalFilter(session="s"), slow_export))
        await asyncio.to_thread(reading.wait, 10)
        started = time.perf_counter()
        appended = await asyncio.wait_for(_event(journal, 99), timeout=5)
        waited = time.perf_counter() - started
        assert not export.done()
        release.set()
        # The export read one snapshot: the entry appended meanwhile is not in it.
        assert await export == 50
        assert appended.seq == 51
        assert waited < 1.0
    finally:
        await journal.close()


@pytest.mark.asyncio
async def test_a_burst_of_appends_commits_every_entry_in_submission_order(tmp_path: Path) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    heard: list[int] = []
    journal.add_listener(lambda e: heard.append(e.seq))
    try:
        entries = await asyncio.gather(*(_event(journal, i) for i in range(300)))
        assert [e.seq for e in entries] == list(range(1, 301))
        assert [e.at_ms for e in entries] == list(range(300))
        assert heard == list(range(1, 301))
    finally:
        await journal.close()
    with Journal.open(tmp_path / "j.db") as reopened:
        assert reopened.count() == 300


@pytest.mark.asyncio
async def test_a_failing_write_in_a_group_fails_alone(tmp_path: Path) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    try:
        results = await asyncio.gather(
            _event(journal, 1),
            journal.prune(keep_sessions=-1),
            _event(journal, 2),
            return_exceptions=True,
        )
        assert isinstance(results[1], ValueError)
        assert [r.at_ms for r in (results[0], results[2]) if isinstance(r, JournalEntry)] == [1, 2]
        assert await journal.count() == 2
    finally:
        await journal.close()


def test_a_text_filter_is_answered_by_the_full_text_index(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as journal:
        for i in range(20):
            journal.append_event(
                "tick",
                at_ms=i,
                session="s",
                user=f"refresh-optout{i}@example.com",
                environment="e",
                step=None,
                summary="x",
            )
    conds, params = filter_sql(JournalFilter(text="optout3 example"))
    db = sqlite3.connect(tmp_path / "j.db")
    try:
        plan = db.execute(
            f"EXPLAIN QUERY PLAN SELECT seq FROM entry e WHERE {' AND '.join(conds)}", params
        ).fetchall()
        hits = db.execute(
            f"SELECT e.user FROM entry e WHERE {' AND '.join(conds)}", params
        ).fetchall()
    finally:
        db.close()
    assert any("entry_fts" in str(step) and "VIRTUAL TABLE" in str(step) for step in plan)
    assert not any(step[3] == "SCAN e" for step in plan)  # no scan of the entry table
    assert hits == [("refresh-optout3@example.com",)]


def test_the_full_text_index_follows_pruning(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as journal:
        for session in ("old", "new"):
            journal.append_event(
                "tick",
                at_ms=1,
                session=session,
                user=None,
                environment="e",
                step=None,
                summary=f"{session} marker",
            )
        journal.prune(keep_sessions=1)
        assert journal.count(JournalFilter(text="marker")) == 1
        assert journal.count(JournalFilter(text="old marker")) == 0
        db = sqlite3.connect(tmp_path / "j.db")
        try:
            db.execute("INSERT INTO entry_fts (entry_fts) VALUES ('integrity-check')")
        finally:
            db.close()


def test_streaming_reads_the_session_in_batches(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as journal:
        with journal.bulk():
            for i in range(1_234):
                journal.append_event(
                    "tick",
                    at_ms=i,
                    session="s" if i % 2 else "t",
                    user=None,
                    environment="e",
                    step=None,
                )
        streamed = journal.iter_entries(JournalFilter(session="s"))
        first = next(streamed)
        assert first.at_ms == 1
        assert [e.at_ms for e in streamed] == list(range(3, 1_234, 2))


@pytest.mark.asyncio
async def test_a_jsonl_export_streams_the_session_from_a_reader(tmp_path: Path) -> None:
    from uid2_desk.journal.export_jsonl import write_jsonl

    journal = await AsyncJournal.open(tmp_path / "j.db")
    try:
        for i in range(1_100):
            await _event(journal, i, session="s" if i % 2 else "t")
        out = tmp_path / "s.jsonl"
        await journal.stream(JournalFilter(session="s"), lambda it: write_jsonl(out, it))
    finally:
        await journal.close()
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["at_ms"] for line in lines] == list(range(1, 1_100, 2))

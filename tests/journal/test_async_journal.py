"""AsyncJournal runs the journal on one worker thread and tells listeners after each commit."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.journal.recorded import Recorded
from uid2_desk.journal import AsyncJournal, JournalEntry, JournalFilter
from uid2_desk.journal.reader_pool import read_only_journal
from uid2_desk.protocol.errors import StorageError


def _journal_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("uid2-journal")]


def _committed(path: Path, seq: int) -> bool:
    """Whether another connection (another reader) already sees entry ``seq``."""
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT 1 FROM entry WHERE seq = ?", (seq,)).fetchone() is not None
    finally:
        db.close()


@pytest.mark.asyncio
async def test_listeners_hear_of_an_entry_on_the_loop_after_it_is_committed(
    tmp_path: Path, recorded: Recorded
) -> None:
    path = tmp_path / "journal.db"
    loop_thread = threading.get_ident()
    heard: list[tuple[int, bool, bool]] = []

    def listener(entry: JournalEntry) -> None:
        heard.append((entry.seq, threading.get_ident() == loop_thread, _committed(path, entry.seq)))

    async with await AsyncJournal.open(path) as journal:
        journal.add_listener(listener)
        entry = await journal.append_exchange(
            recorded.generate,
            session="s",
            user="jane@example.com",
            environment="local",
            step="1-d",
        )
        event = await journal.append_event(
            "identity_set", at_ms=1, session="s", user=None, environment="local", step="1-f"
        )
    assert heard == [(entry.seq, True, True), (event.seq, True, True)]
    assert entry.exchange is not None  # appends return full entries


@pytest.mark.asyncio
async def test_concurrent_appends_are_heard_in_commit_order(tmp_path: Path) -> None:
    heard: list[int] = []
    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        journal.add_listener(lambda e: heard.append(e.seq))
        entries = await asyncio.gather(
            *(
                journal.append_event(
                    f"e{i}", at_ms=i, session="s", user=None, environment="e", step=None
                )
                for i in range(25)
            )
        )
        assert await journal.count() == 25
    assert heard == list(range(1, 26))
    assert sorted(e.seq for e in entries) == heard


@pytest.mark.asyncio
async def test_a_failing_listener_neither_fails_the_append_nor_silences_the_others(
    tmp_path: Path,
) -> None:
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    heard: list[int] = []

    def broken(entry: JournalEntry) -> None:
        raise ValueError("a panel that was closed")

    try:
        async with await AsyncJournal.open(tmp_path / "j.db") as journal:
            journal.add_listener(broken)
            journal.add_listener(lambda e: heard.append(e.seq))
            entry = await journal.append_event(
                "x", at_ms=1, session="s", user=None, environment="e", step=None
            )
    finally:
        loop.set_exception_handler(None)
    assert heard == [entry.seq]
    assert len(reported) == 1
    assert isinstance(reported[0]["exception"], ValueError)


@pytest.mark.asyncio
async def test_a_removed_listener_is_no_longer_called(tmp_path: Path) -> None:
    heard: list[int] = []

    def listener(entry: JournalEntry) -> None:
        heard.append(entry.seq)

    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        journal.add_listener(listener)
        await journal.append_event("a", at_ms=1, session="s", user=None, environment="e", step=None)
        journal.remove_listener(listener)
        journal.remove_listener(listener)  # harmless
        await journal.append_event("b", at_ms=2, session="s", user=None, environment="e", step=None)
    assert heard == [1]


@pytest.mark.asyncio
async def test_an_append_whose_caller_was_cancelled_is_still_reported(
    tmp_path: Path, recorded: Recorded
) -> None:
    heard = asyncio.Event()
    seen: list[int] = []

    def listener(entry: JournalEntry) -> None:
        seen.append(entry.seq)
        heard.set()

    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        journal.add_listener(listener)

        async def append() -> JournalEntry:
            return await journal.append_exchange(
                recorded.generate, session="s", user=None, environment="e", step="1-d"
            )

        task = asyncio.create_task(append())
        await asyncio.sleep(0)  # the append is now submitted to the worker
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(heard.wait(), timeout=10)
        assert seen == [1]
        assert await journal.get(1) is not None


@pytest.mark.asyncio
async def test_every_journal_method_is_available_as_a_coroutine(
    tmp_path: Path, recorded: Recorded
) -> None:
    async with await AsyncJournal.open(tmp_path / "j.db") as journal:
        a = await journal.append_exchange(
            recorded.generate, session="s1", user="u", environment="e", step="1-d"
        )
        await journal.append_event(
            "x", at_ms=1, session="s2", user="u", environment="e", step=None, detail={"k": "v"}
        )
        assert await journal.last_seq() == 2
        assert await journal.sessions() == ["s1", "s2"]
        assert [e.seq for e in await journal.entries(JournalFilter(session="s2"))] == [2]
        assert (await journal.entries(with_exchanges=True))[0] == a
        assert await journal.exchange(1) == a.exchange
        assert await journal.count(JournalFilter(user="u")) == 2
        assert await journal.prune(keep_sessions=1) == 1
        assert journal.path == tmp_path / "j.db"


@pytest.mark.asyncio
async def test_closing_leaves_no_thread_behind_and_refuses_further_calls(tmp_path: Path) -> None:
    before = _journal_threads()
    journal = await AsyncJournal.open(tmp_path / "j.db")
    assert len(_journal_threads()) == len(before) + 1
    await journal.append_event("x", at_ms=1, session="s", user=None, environment="e", step=None)
    await journal.close()
    await journal.close()  # idempotent
    assert _journal_threads() == before
    assert journal.closed
    with pytest.raises(RuntimeError, match="closed"):
        await journal.count()


@pytest.mark.asyncio
async def test_a_failed_open_leaves_no_thread_behind(tmp_path: Path) -> None:
    before = _journal_threads()
    bad = tmp_path / "j.db"
    bad.write_bytes(b"not a database at all" * 50)
    with pytest.raises(StorageError):
        await AsyncJournal.open(bad)
    assert _journal_threads() == before


@pytest.mark.asyncio
async def test_a_text_filter_is_answered_by_the_reader_threads_which_cannot_write(
    tmp_path: Path,
) -> None:
    # The log's filter box asks the async journal: its FTS lookup keeps hits in a temp table.
    journal = await AsyncJournal.open(tmp_path / "j.sqlite3")
    try:
        for n, user in enumerate(["user4321@example.com", "jane@example.com"]):
            await journal.append_event(
                "sign_in_requested", at_ms=n, session="s", user=user, environment="local", step=None
            )
        text = JournalFilter(text="user4321")
        assert await journal.count(text) == 1
        assert [e.user for e in await journal.entries(text)] == ["user4321@example.com"]

        def write(j: Any) -> None:
            j._db.execute("DELETE FROM entry")

        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await journal.read(write)
        assert await journal.count(JournalFilter()) == 2
    finally:
        await journal.close()


@pytest.mark.asyncio
async def test_a_closed_journal_refuses_reads_writes_and_appends_clearly(tmp_path: Path) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    await journal.close()
    with pytest.raises(RuntimeError, match="closed"):
        await journal.count()
    with pytest.raises(RuntimeError, match="closed"):
        await journal.prune(keep_sessions=1)
    with pytest.raises(RuntimeError, match="closed"):
        await journal.append_event(
            "tick", at_ms=1, session="s", user=None, environment="e", step=None
        )


def test_a_reader_of_a_missing_journal_is_refused_with_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="Could not read the journal"):
        read_only_journal(tmp_path / "never-made.db")


@pytest.mark.asyncio
async def test_an_append_the_file_refuses_fails_for_its_caller_and_no_listener_hears_it(
    tmp_path: Path,
) -> None:
    journal = await AsyncJournal.open(tmp_path / "j.db")
    heard: list[JournalEntry] = []
    journal.add_listener(heard.append)
    other = sqlite3.connect(tmp_path / "j.db", isolation_level=None)
    other.execute("DROP TABLE entry")  # another program damaged the journal's schema
    other.close()
    try:
        with pytest.raises(StorageError, match="Could not record an entry"):
            await journal.append_event(
                "tick", at_ms=1, session="s", user=None, environment="e", step=None
            )
        assert heard == []
    finally:
        await journal.close()

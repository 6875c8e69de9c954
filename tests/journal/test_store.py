"""The journal stores every exchange and event durably, in order, without secrets."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.journal.conftest import JANE, OPTOUT, Walkthrough, append_walkthrough
from tests.journal.recorded import T0, Recorded
from uid2_desk.journal import EntryKind, Journal, JournalFilter, Outcome
from uid2_desk.journal.prepare import without_secrets
from uid2_desk.journal.reader_pool import read_only_journal
from uid2_desk.journal.schema import SCHEMA_VERSION
from uid2_desk.journal.storage_advice import advice
from uid2_desk.protocol.errors import StorageError
from uid2_desk.protocol.exchange import Exchange


def _raw_bytes(path: Path) -> bytes:
    """Everything SQLite has written: the database file and its WAL."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_appends_get_increasing_sequence_numbers_and_keep_their_context(
    walkthrough: Walkthrough, recorded: Recorded
) -> None:
    seqs = [e.seq for e in walkthrough.all]
    assert seqs == list(range(1, len(seqs) + 1))
    g = walkthrough.generate
    assert (g.kind, g.session, g.user, g.environment, g.step) == (
        EntryKind.EXCHANGE,
        "s1",
        JANE,
        "local",
        "1-d",
    )
    assert (g.name, g.method, g.http_status, g.duration_ms) == (
        "/v2/token/generate",
        "POST",
        200,
        recorded.generate.timings.total_ms,
    )
    assert g.at_ms == T0 + 1 == recorded.generate.started_ms
    # Stored as sent and received, but for the reply's refresh_response_key: no secret is kept.
    assert g.exchange == _kept(recorded.generate)
    assert "[masked]" in (g.exchange.response_plaintext or "")


def test_get_returns_every_byte_of_the_exchange(journal: Journal, walkthrough: Walkthrough) -> None:
    for appended in walkthrough.all:
        loaded = journal.get(appended.seq)
        assert loaded == appended
    assert journal.get(999) is None


def test_entries_are_light_unless_exchanges_are_asked_for(
    journal: Journal, walkthrough: Walkthrough
) -> None:
    light = journal.entries()
    assert [e.seq for e in light] == [e.seq for e in walkthrough.all]
    assert all(e.exchange is None for e in light)
    assert light[1].summary == walkthrough.generate.summary
    full = journal.entries(with_exchanges=True)
    assert full == walkthrough.all
    assert journal.exchange(walkthrough.refresh.seq) == walkthrough.refresh.exchange
    assert journal.exchange(walkthrough.logout.seq) is None


def test_outcomes_are_classified_from_the_operator_answer(
    walkthrough: Walkthrough, recorded: Recorded
) -> None:
    assert walkthrough.generate.outcome == Outcome.SUCCESS
    assert walkthrough.optout_generate.outcome == Outcome.OPTOUT
    assert walkthrough.refresh_expired.outcome == Outcome.ERROR
    assert walkthrough.refresh_expired.http_status == 400
    assert walkthrough.timeout.outcome == Outcome.ERROR
    assert walkthrough.timeout.http_status is None
    assert "no answer" in walkthrough.timeout.summary
    took = round(recorded.generate.timings.total_ms)
    assert walkthrough.generate.summary == f"POST /v2/token/generate → 200 success in {took} ms"


def test_a_caller_given_outcome_and_summary_win(journal: Journal, recorded: Recorded) -> None:
    entry = journal.append_exchange(
        recorded.generate,
        session="s",
        user=None,
        environment="integ",
        step=None,
        outcome="custom",
        summary="hand written",
    )
    again = journal.get(entry.seq)
    assert again is not None
    assert (again.outcome, again.summary) == ("custom", "hand written")


def test_an_unmasked_authorization_header_never_reaches_the_disk(
    journal: Journal, tmp_path: Path, recorded: Recorded
) -> None:
    canary = recorded.publisher_api_key
    entry = journal.append_exchange(
        recorded.with_authorization(recorded.generate, f"Bearer {canary}"),
        session="s",
        user=None,
        environment="local",
        step="1-d",
    )
    assert entry.exchange is not None
    assert dict(entry.exchange.request_headers)["authorization"] == "Bearer [masked]"
    stored = journal.exchange(entry.seq)
    assert stored is not None
    assert canary not in repr(stored)
    assert canary.encode() not in _raw_bytes(tmp_path / "journal.db")
    # Nor its secret part alone (the masked form keeps the key's public prefix).
    assert canary.removeprefix("UID2-C-L-999-").encode() not in _raw_bytes(tmp_path / "journal.db")


def test_an_authorization_header_masked_by_the_client_is_kept(
    journal: Journal, recorded: Recorded
) -> None:
    entry = journal.append_exchange(
        recorded.generate,
        session="s",
        user=None,
        environment="local",
        step="1-d",
    )
    stored = journal.exchange(entry.seq)
    assert stored is not None
    assert dict(stored.request_headers)["authorization"] == "Bearer UID2-C-L-999-***"


def test_a_long_credential_with_a_star_is_not_taken_for_masked(
    journal: Journal, recorded: Recorded
) -> None:
    entry = journal.append_exchange(
        recorded.with_authorization(recorded.generate, f"Bearer {recorded.publisher_api_key}***"),
        session="s",
        user=None,
        environment="local",
        step="1-d",
    )
    assert entry.exchange is not None
    assert dict(entry.exchange.request_headers)["authorization"] == "Bearer [masked]"


def test_event_details_keep_their_order_and_mask_secret_named_keys(
    journal: Journal, tmp_path: Path
) -> None:
    entry = journal.append_event(
        "credentials_saved",
        at_ms=1,
        session="s",
        user=None,
        environment="integ",
        step=None,
        detail=(("z", "1"), ("client_secret", "CANARY-secret-VALUE"), ("a", "2"), ("apiKey", "k")),
    )
    assert entry.detail == (
        ("z", "1"),
        ("client_secret", "[masked]"),
        ("a", "2"),
        ("apiKey", "[masked]"),
    )
    assert journal.get(entry.seq) == entry
    assert entry.detail_value("a") == "2"
    assert b"CANARY-secret-VALUE" not in _raw_bytes(tmp_path / "journal.db")


def test_paging_forward_visits_every_entry_once(journal: Journal) -> None:
    with journal.bulk():
        for i in range(1234):
            journal.append_event(
                "tick", at_ms=i, session="s", user=None, environment="e", step=None
            )
    seen: list[int] = []
    after = 0
    while page := journal.entries(after_seq=after, limit=100):
        seen += [e.seq for e in page]
        after = page[-1].seq
    assert seen == list(range(1, 1235))


def test_paging_backward_returns_the_newest_entries_in_ascending_order(journal: Journal) -> None:
    for i in range(30):
        journal.append_event("tick", at_ms=i, session="s", user=None, environment="e", step=None)
    tail = journal.entries(before_seq=journal.last_seq() + 1, limit=10)
    assert [e.seq for e in tail] == list(range(21, 31))
    previous = journal.entries(before_seq=tail[0].seq, limit=10)
    assert [e.seq for e in previous] == list(range(11, 21))
    window = journal.entries(after_seq=5, before_seq=9)
    assert [e.seq for e in window] == [6, 7, 8]
    assert len(journal.entries(limit=None)) == 30


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (JournalFilter(user=OPTOUT), ["optout_generate", "timeout"]),
        (JournalFilter(endpoint="/v2/token/refresh"), ["refresh", "refresh_expired"]),
        (JournalFilter(outcome="optout"), ["optout_generate"]),
        (JournalFilter(outcome="error"), ["refresh_expired", "timeout"]),
        (JournalFilter(session="s2"), ["optout_generate", "timeout"]),
        (
            JournalFilter(kind=EntryKind.EVENT),
            ["sign_in", "identity_set", "state_changed", "logout"],
        ),
        (JournalFilter(text="EXPIRED_token"), ["refresh_expired"]),
        (JournalFilter(text="no answer"), ["timeout"]),
        (JournalFilter(text="refresh 200"), ["refresh"]),
        (JournalFilter(text="established"), ["state_changed"]),
        (JournalFilter(text="optout@"), ["optout_generate", "timeout"]),
        (JournalFilter(text="generate", session="s1"), ["generate"]),
        (JournalFilter(text="nothing-like-this"), []),
        (
            JournalFilter(user=JANE, kind=EntryKind.EXCHANGE, outcome="success"),
            ["generate", "refresh"],
        ),
    ],
)
def test_each_filter_dimension_narrows_the_entries(
    journal: Journal, walkthrough: Walkthrough, f: JournalFilter, expected: list[str]
) -> None:
    want = [getattr(walkthrough, name).seq for name in expected]
    assert [e.seq for e in journal.entries(f)] == want
    assert journal.count(f) == len(want)


def test_text_search_treats_percent_and_underscore_literally(journal: Journal) -> None:
    journal.append_event(
        "e", at_ms=1, session="s", user=None, environment="e", step=None, summary="100% done"
    )
    journal.append_event(
        "e", at_ms=2, session="s", user=None, environment="e", step=None, summary="1000 done"
    )
    assert [e.summary for e in journal.entries(JournalFilter(text="0%"))] == ["100% done"]
    assert journal.count(JournalFilter(text="_")) == 0


def test_sessions_are_listed_oldest_first(journal: Journal, walkthrough: Walkthrough) -> None:
    journal.append_event("x", at_ms=1, session="s0", user=None, environment="e", step=None)
    assert journal.sessions() == ["s1", "s2", "s0"]


def test_prune_keeps_the_most_recently_active_sessions(
    journal: Journal, walkthrough: Walkthrough
) -> None:
    # s1 started first but is the most recently active after this append.
    journal.append_event("x", at_ms=1, session="s1", user=None, environment="e", step=None)
    journal.append_event("x", at_ms=1, session="s3", user=None, environment="e", step=None)
    journal.append_event("x", at_ms=1, session="s1", user=None, environment="e", step=None)
    before = journal.count()
    deleted = journal.prune(keep_sessions=2)
    assert deleted == 2  # the two s2 entries
    assert journal.count() == before - deleted
    assert journal.sessions() == ["s1", "s3"]
    assert journal.exchange(walkthrough.optout_generate.seq) is None
    assert journal.prune(keep_sessions=2) == 0


def test_prune_gives_the_freed_pages_back(journal: Journal, recorded: Recorded) -> None:
    with journal.bulk():
        for _ in range(300):
            journal.append_exchange(
                recorded.generate, session="old", user=None, environment="e", step="1-d"
            )
    journal.append_event("x", at_ms=1, session="new", user=None, environment="e", step=None)
    pages_before = journal._db.execute("PRAGMA page_count").fetchone()[0]
    assert journal.prune(keep_sessions=1) == 300
    assert journal._db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert journal._db.execute("PRAGMA page_count").fetchone()[0] < pages_before / 4


def test_prune_never_lets_a_sequence_number_be_reused(journal: Journal) -> None:
    for session in ("a", "b"):
        journal.append_event("x", at_ms=1, session=session, user=None, environment="e", step=None)
    last = journal.last_seq()
    assert journal.prune(keep_sessions=0) == 2
    assert journal.last_seq() == 0
    entry = journal.append_event("x", at_ms=1, session="c", user=None, environment="e", step=None)
    assert entry.seq == last + 1


def test_reopening_finds_everything_and_the_durable_settings(
    tmp_path: Path, recorded: Recorded
) -> None:
    path = tmp_path / "journal.db"
    with Journal.open(path) as j:
        appended = append_walkthrough(j, recorded).all
    with Journal.open(path) as j:
        assert j.entries(with_exchanges=True) == appended
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        db.close()
    with Journal.open(path) as j:
        settings = {
            name: j._db.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("synchronous", "auto_vacuum", "page_size")
        }
    assert settings == {"synchronous": 2, "auto_vacuum": 2, "page_size": 8192}  # FULL, INCREMENTAL


def test_a_bulk_block_commits_together_or_not_at_all(journal: Journal) -> None:
    with journal.bulk():
        journal.append_event("a", at_ms=1, session="s", user=None, environment="e", step=None)
        journal.append_event("b", at_ms=2, session="s", user=None, environment="e", step=None)

    def abandon() -> None:
        with journal.bulk():
            journal.append_event("c", at_ms=3, session="s", user=None, environment="e", step=None)
            raise KeyError("abandon")

    with pytest.raises(KeyError):
        abandon()
    assert [e.name for e in journal.entries()] == ["a", "b"]


def test_a_file_that_is_not_a_database_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    path.write_bytes(b"this is a text file, not SQLite" * 100)
    with pytest.raises(StorageError, match="Move it aside"):
        Journal.open(path)


def test_a_journal_from_a_newer_desk_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StorageError, match="newer UID2 Desk"):
        Journal.open(path)


def test_a_journal_is_only_usable_from_the_thread_that_opened_it(journal: Journal) -> None:
    errors: list[BaseException] = []

    def use() -> None:
        try:
            journal.count()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=use)
    worker.start()
    worker.join()
    assert len(errors) == 1
    assert isinstance(errors[0], RuntimeError)
    assert "AsyncJournal" in str(errors[0])


def test_a_closed_journal_refuses_calls(tmp_path: Path) -> None:
    j = Journal.open(tmp_path / "j.db")
    j.close()
    j.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        j.count()


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_journal_and_its_side_files_are_readable_by_their_owner_only(
    tmp_path: Path, recorded: Recorded
) -> None:
    path = tmp_path / "journal.sqlite3"
    previous = os.umask(0o022)  # the usual umask, which alone would give 0644
    try:
        with Journal.open(path) as j:
            j.append_exchange(recorded.generate, session="s", user=JANE, environment="e", step=None)
            side = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
            assert all(f.exists() for f in side)  # WAL mode: both exist while it is open
            assert [_mode(f) for f in (path, *side)] == [0o600, 0o600, 0o600]
    finally:
        os.umask(previous)


def test_a_journal_left_readable_by_an_older_desk_is_narrowed_when_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")  # an empty WAL left behind: SQLite ignores it
    for f in (path, wal):
        f.chmod(0o644)
    with Journal.open(path):
        assert _mode(path) == 0o600
        assert _mode(wal) == 0o600


def _kept(exchange: Exchange) -> Exchange:
    """What the journal keeps of ``exchange``: its decrypted bodies without secret fields."""
    return dataclasses.replace(
        exchange,
        request_plaintext=without_secrets(exchange.request_plaintext),
        response_plaintext=without_secrets(exchange.response_plaintext),
    )


def test_closed_says_whether_the_journal_was_closed(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "j.db")
    assert not journal.closed
    journal.close()
    assert journal.closed


def test_a_bulk_block_inside_another_is_refused_and_the_outer_one_still_commits(
    journal: Journal,
) -> None:
    with journal.bulk():
        journal.append_event("a", at_ms=T0, session="s", user=None, environment="e", step=None)
        with pytest.raises(RuntimeError, match="do not nest"), journal.bulk():
            pass
    assert journal.count() == 1


def test_a_group_inside_a_bulk_block_joins_it_and_commits_with_it(journal: Journal) -> None:
    def group_then_fail() -> None:
        with journal.bulk():
            with journal.group():
                journal.append_event(
                    "a", at_ms=T0, session="s", user=None, environment="e", step=None
                )
            raise LookupError("the bulk block fails after the group ended")

    with pytest.raises(LookupError):
        group_then_fail()
    assert journal.count() == 0  # the group's entry went with the bulk block's rollback
    with journal.bulk(), journal.group():
        journal.append_event("b", at_ms=T0, session="s", user=None, environment="e", step=None)
    assert [e.name for e in journal.entries()] == ["b"]


def test_a_journal_whose_folder_cannot_be_made_is_refused_with_a_storage_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StorageError, match=r"Could not open the journal at .*a-file"):
        Journal.open(tmp_path / "a-file" / "journal.db")


def test_an_append_the_database_refuses_is_a_storage_error_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.db"
    Journal.open(path).close()
    reader = read_only_journal(path)  # the database itself refuses every write on it
    try:
        with pytest.raises(StorageError, match="Could not record an entry in the journal"):
            reader.append_event("a", at_ms=T0, session="s", user=None, environment="e", step=None)
        assert reader.count() == 0
    finally:
        reader.close()


def test_a_journal_that_lost_a_table_is_called_damaged_not_full_or_locked(
    tmp_path: Path, recorded: Recorded
) -> None:
    path = tmp_path / "j.db"
    Journal.open(path).close()
    db = sqlite3.connect(path)
    db.execute("DROP TABLE exchange")  # what a hand edit or a half-restored backup leaves
    db.close()
    with Journal.open(path) as journal, pytest.raises(StorageError) as refused:
        journal.append_exchange(
            recorded.generate, session="s", user="u", environment="e", step="1-d"
        )
    message = str(refused.value)
    assert "no such table: exchange" in message
    assert "damaged or is not a UID2 Desk journal: move it aside" in message
    assert "free space" not in message


def test_a_journal_another_program_holds_says_so(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    Journal.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing, as long as it likes
    waiting = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as busy:
            waiting.execute("BEGIN IMMEDIATE")
    finally:
        waiting.close()
        holder.execute("ROLLBACK")
        holder.close()
    assert advice(busy.value).startswith(
        "Another program holds the file (another desk on the same folder?)"
    )

"""Appends inside ``Journal.bulk()`` are queued and written together: nothing about them changes.

Inside a bulk block the journal hands out sequence numbers itself and writes the queued rows
with one statement per table at the end (or as soon as anything else touches the connection). These
tests check what a caller can observe: the seqs, reads and prunes inside the block, the rows on
disk, and a block that fails.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.journal.recorded import Recorded
from tests.journal.stored_rows import stored_rows
from uid2_desk.journal import Journal, JournalFilter, group_insert, writing


def _event(j: Journal, n: int, session: str = "s") -> int:
    return j.append_event(
        "tick", at_ms=n, session=session, user="u@example.com", environment="e", step=None
    ).seq


def test_seqs_given_in_a_block_are_the_ones_stored_and_continue_the_single_appends(
    journal: Journal, recorded: Recorded
) -> None:
    first = _event(journal, 0)
    with journal.bulk():
        given = [_event(journal, i) for i in range(1, 4)]
        exchange = journal.append_exchange(
            recorded.generate, session="s", user="u", environment="e", step="1-d"
        )
    assert given == [first + 1, first + 2, first + 3]
    assert exchange.seq == first + 4
    stored = journal.get(exchange.seq)
    assert stored is not None
    assert stored.exchange == exchange.exchange
    assert [e.seq for e in journal.entries()] == [first, *given, exchange.seq]
    assert _event(journal, 9) == exchange.seq + 1


def test_a_read_inside_the_block_sees_the_queued_appends(journal: Journal) -> None:
    with journal.bulk():
        seq = _event(journal, 1)
        assert journal.count() == 1
        got = journal.get(seq)
        assert got is not None
        assert got.name == "tick"
        assert journal.count(JournalFilter(text="tick")) == 1  # the FTS triggers ran


def test_a_prune_inside_the_block_acts_on_the_queued_appends(journal: Journal) -> None:
    with journal.bulk():
        old = _event(journal, 1, session="old")
        journal.prune(keep_sessions=0)
        new = _event(journal, 2, session="new")
    assert journal.get(old) is None
    assert new > old  # a pruned seq is never given again
    assert [e.seq for e in journal.entries()] == [new]


def test_a_block_that_fails_leaves_nothing_and_the_next_seq_is_not_skipped_wrongly(
    journal: Journal,
) -> None:
    before = _event(journal, 0)

    def fail_inside_a_block() -> None:
        with journal.bulk():
            _event(journal, 1)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_inside_a_block()
    assert journal.count() == 1
    after = _event(journal, 2)
    assert after == before + 1  # the rolled-back block took no seq


def test_a_block_is_durable_once_it_exits(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with Journal.open(path) as j, j.bulk():
        seqs = [_event(j, i) for i in range(50)]
    with Journal.open(path) as again:
        assert [e.seq for e in again.entries(limit=None)] == seqs


def _fill_mixed(path: Path, recorded: Recorded) -> None:
    with Journal.open(path) as j, j.bulk():
        for i, x in enumerate((recorded.generate, recorded.timeout, recorded.refresh)):
            j.append_exchange(x, session="s", user=f"ü{i}", environment="e", step="1-d")
            j.append_event(
                "tick", at_ms=i, session="s", user=None, environment="e", step=None,
                summary='quote " and \\ backslash', detail={"note": "é 😀", "api_key": "k"},
            )  # fmt: skip


def test_a_block_written_in_one_statement_stores_what_row_by_row_writing_stores(
    tmp_path: Path, recorded: Recorded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-statement group insert (JSON rows, one blob of exchanges) against executemany."""
    assert group_insert.ONE_STATEMENT_GROUPS  # this machine's SQLite has ->>: the path under test
    _fill_mixed(tmp_path / "one.db", recorded)
    monkeypatch.setattr(group_insert, "ONE_STATEMENT_GROUPS", False)
    _fill_mixed(tmp_path / "rows.db", recorded)
    one, rows = stored_rows(tmp_path / "one.db"), stored_rows(tmp_path / "rows.db")
    assert len(one) == 6
    assert one == rows
    assert [r[-1] for r in one] == ["blob", "null"] * 3
    with Journal.open(tmp_path / "one.db") as j:
        stored = [e.exchange for e in j.entries(with_exchanges=True) if e.exchange is not None]
        # Each exchange cut out of the one blob whole (bodies byte for byte, key masked).
        assert [x.response_body for x in stored] == [
            recorded.generate.response_body,
            recorded.timeout.response_body,
            recorded.refresh.response_body,
        ]
        assert '"refresh_response_key":"[masked]"' in (stored[0].response_plaintext or "")
        assert j.count(JournalFilter(text="backslash")) == 3  # the FTS triggers ran for each


def test_a_long_block_is_written_as_it_goes_and_still_rolls_back_whole(tmp_path: Path) -> None:
    count = writing.FLUSH_ROWS * 2 + 50
    with Journal.open(tmp_path / "j.db") as j:

        def fail_late() -> None:
            with j.bulk():
                for i in range(count):
                    _event(j, i)
                raise RuntimeError("late failure")

        with pytest.raises(RuntimeError, match="late failure"):
            fail_late()
        assert j.count() == 0  # the rows written early went with the rolled-back transaction
        with j.bulk():
            seqs = [_event(j, i) for i in range(count)]
        assert j.count() == count
        assert [e.seq for e in j.entries(limit=None)] == seqs
        assert seqs == list(range(seqs[0], seqs[0] + count))


def test_a_nul_character_in_a_block_is_stored_whole(tmp_path: Path) -> None:
    """SQLite's JSON text stops at a NUL, so such rows are bound as they are."""
    texts = ["nul\x00inside", "a \\u0000 spelled out", "plain"]
    with Journal.open(tmp_path / "j.db") as j:
        with j.bulk():
            for text in texts:
                j.append_event(
                    "tick", at_ms=1, session="s", user=text, environment="e", step=None,
                    summary=text,
                )  # fmt: skip
        assert [(e.user, e.summary) for e in j.entries()] == [(t, t) for t in texts]


def test_a_duration_json_cannot_hold_is_stored_as_row_by_row_writing_stores_it(
    tmp_path: Path, recorded: Recorded
) -> None:
    x = recorded.generate
    odd = [
        dataclasses.replace(x, timings=dataclasses.replace(x.timings, total_ms=v))
        for v in (float("inf"), 12.5)
    ]
    with Journal.open(tmp_path / "j.db") as j:
        with j.bulk():
            for exchange in odd:
                j.append_exchange(exchange, session="s", user="u", environment="e", step=None)
        assert [e.duration_ms for e in j.entries()] == [float("inf"), 12.5]

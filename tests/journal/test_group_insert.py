"""A writer's group in one statement: the seqs it gives, what it stores, when it steps aside.

:meth:`Journal.append_group` writes a group with one statement in its own transaction and
guesses the first seq (the one after the last it wrote). These tests check what a caller can
observe: the seqs when another connection wrote in between or entries were pruned, the rows
next to the same entries written one by one, and the groups it hands to a bulk block.
"""

from __future__ import annotations

from pathlib import Path

from tests.journal.recorded import Recorded
from tests.journal.stored_rows import stored_rows
from uid2_desk.journal import Journal, JournalFilter
from uid2_desk.journal.prepare import PreparedEntry, prepare_event, prepare_exchange


def _events(n: int, session: str = "s", text: str = "tick") -> list[PreparedEntry]:
    return [
        prepare_event(
            text, at_ms=i, session=session, user=f"u{i}", environment="e", step=None,
            summary=f"{text} {i}", detail={"n": str(i), "api_key": "k"},
        )
        for i in range(n)
    ]  # fmt: skip


def test_a_group_stores_what_appending_its_entries_one_by_one_stores(
    tmp_path: Path, recorded: Recorded
) -> None:
    def mixed() -> list[PreparedEntry]:
        out = []
        for i, x in enumerate((recorded.generate, recorded.timeout, recorded.refresh)):
            out.append(prepare_exchange(x, session="s", user=f"ü{i}", environment="e", step="1"))
            out += _events(1, text='quote " and \\ backslash é 😀')
        return out

    with Journal.open(tmp_path / "group.db") as j:
        entries = j.append_group(mixed())
        assert [e.seq for e in entries] == list(range(1, 7))
        assert j.count(JournalFilter(text="backslash")) == 3  # the FTS triggers ran
    with Journal.open(tmp_path / "one.db") as j:
        for prepared in mixed():
            j.append_prepared(prepared)
    group, one = stored_rows(tmp_path / "group.db"), stored_rows(tmp_path / "one.db")
    assert len(group) == 6
    assert group == one
    with Journal.open(tmp_path / "group.db") as j:
        stored = j.get(1)
        assert stored is not None
        assert stored == entries[0]  # the exchange cut out of the group's blob whole


def test_a_group_after_another_connection_wrote_continues_after_its_entries(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.db"
    with Journal.open(path) as writer, Journal.open(path) as other:
        first = writer.append_group(_events(3))
        assert [e.seq for e in first] == [1, 2, 3]
        between = other.append_event(
            "elsewhere", at_ms=9, session="o", user=None, environment="e", step=None
        )
        assert between.seq == 4
        second = writer.append_group(_events(2, session="t"))
        assert [e.seq for e in second] == [5, 6]  # the guessed seq 4 was taken: read again
        assert [e.seq for e in writer.entries(limit=None)] == [1, 2, 3, 4, 5, 6]
        assert [e.name for e in writer.entries(limit=None)] == ["tick"] * 3 + ["elsewhere"] + [
            "tick"
        ] * 2


def test_a_group_never_reuses_the_seq_of_a_pruned_entry(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as j:
        j.append_group(_events(3, session="old"))
        assert j.prune(keep_sessions=0) == 3
        again = j.append_group(_events(2, session="new"))
        assert [e.seq for e in again] == [4, 5]


def test_a_single_append_between_groups_is_not_overwritten(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as j:
        j.append_group(_events(2))
        single = j.append_prepared(_events(1, text="single")[0])
        later = j.append_group(_events(2, text="later"))
        assert single.seq == 3
        assert [e.seq for e in later] == [4, 5]
        assert [e.name for e in j.entries(limit=None)] == ["tick", "tick", "single"] + ["later"] * 2


def test_a_group_json_cannot_carry_is_written_in_a_bulk_block(tmp_path: Path) -> None:
    group = _events(2)
    group.insert(1, _events(1, text="nul\x00inside")[0])
    with Journal.open(tmp_path / "j.db") as j:
        entries = j.append_group(group)
        assert [e.seq for e in entries] == [1, 2, 3]
        assert [e.name for e in j.entries()] == ["tick", "nul\x00inside", "tick"]
        assert [e.seq for e in j.append_group(_events(1))] == [4]


def test_an_empty_group_writes_nothing(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as j:
        assert j.append_group([]) == []
        assert j.count() == 0


def test_a_group_inside_a_bulk_block_joins_it(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as j:
        with j.bulk():
            j.append_prepared(_events(1)[0])
            entries = j.append_group(_events(2))
            assert [e.seq for e in entries] == [2, 3]
        assert j.count() == 3


def test_detail_secrets_are_masked_in_a_group(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.db") as j:
        (entry,) = j.append_group(_events(1))
        stored = j.get(entry.seq)
        assert stored is not None
        assert stored.detail == (("n", "0"), ("api_key", "[masked]"))

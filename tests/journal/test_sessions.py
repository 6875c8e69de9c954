"""The journal's sessions at a glance, and one session's entry numbers for a paged view."""

from __future__ import annotations

from tests.journal.conftest import Walkthrough
from uid2_desk.journal import EntryKind, Journal, JournalFilter
from uid2_desk.journal.sessions import producer_of


def test_session_infos_lists_each_session_newest_first_with_its_counts(
    journal: Journal, walkthrough: Walkthrough
) -> None:
    infos = journal.session_infos()
    assert [i.session for i in infos] == ["s2", "s1"]
    for info in infos:
        entries = [e for e in walkthrough.all if e.session == info.session]
        assert info.entries == len(entries)
        assert info.exchanges == sum(1 for e in entries if e.kind is EntryKind.EXCHANGE)
        assert info.started_ms == min(e.at_ms for e in entries)
        assert info.first_seq == entries[0].seq


def test_seqs_lists_one_sessions_entries_and_pages_fetch_them_by_seq(
    journal: Journal, walkthrough: Walkthrough
) -> None:
    seqs = journal.seqs(JournalFilter(session="s1"))
    assert seqs == [e.seq for e in walkthrough.all if e.session == "s1"]
    page = journal.entries(JournalFilter(session="s1"), after_seq=seqs[2] - 1, limit=2)
    assert [e.seq for e in page] == seqs[2:4]
    assert journal.seqs(JournalFilter(session="s1", text="bye")) == [walkthrough.logout.seq]


def test_the_producer_is_read_from_the_session_id() -> None:
    assert producer_of("20261206T190000Z-operator1a2b") == "uid2-desk operator"
    assert producer_of("20261206T190000Z-proxyffee") == "uid2-desk proxy"
    assert producer_of("20261206T190000Z-kiosk0001") == "kiosk"
    assert producer_of("20261206T190000Z-scenario9a9a") == "scenario"
    assert producer_of("20261206T190000Z-a1b2") == "desk"
    assert producer_of("s1") == "desk"

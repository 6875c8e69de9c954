"""Text filters through a selective window and kept matches: the same answers as a plain scan.

:class:`~uid2_desk.journal.fts_hits.FtsHits` changes how a filter is looked up, never what it
finds. Each test compares the journal's answer with Python's own substring check over every
entry's search text, and checks that kept matches are dropped when the journal changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from uid2_desk.journal import Journal, JournalFilter, fts_hits

OUTCOMES = ("success", "refreshed", "optout", "error", "expired")


def _fill(j: Journal, count: int, start: int = 0) -> None:
    with j.bulk():
        for i in range(start, start + count):
            j.append_event(
                "state_changed",
                at_ms=i,
                session=f"s{i // 500}",
                user=f"user{i % 300}@example.com",
                environment="local",
                step=None,
                outcome=OUTCOMES[i % 5],
                summary=f"user{i % 300}@example.com: step {i % 97} {OUTCOMES[i % 5]} request {i}",
            )


@pytest.fixture
def big(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "j.db") as j:
        _fill(j, 3_000)
        yield j


def _expected(j: Journal, text: str) -> list[int]:
    words = text.lower().split()
    with Journal.open(j.path) as other:
        every = other.entries(limit=None)
    found = []
    for e in every:
        haystack = " ".join(p for p in (e.name, e.outcome, e.user, e.summary) if p).lower()
        if all(w in haystack for w in words):
            found.append(e.seq)
    return found


QUERIES = [
    "user42@example.com",  # a selective window ("er42@") exists
    "user4",  # short: one window, the word itself
    "request 2999",  # two words, one selective
    "example.com expired",  # every window common: the full phrases
    "user7@ optout",
    "no-such-thing",
    "st 1",  # a short word answered by instr()
]


@pytest.mark.parametrize("text", QUERIES)
def test_count_and_pages_match_a_plain_scan(big: Journal, text: str) -> None:
    expected = _expected(big, text)
    f = JournalFilter(text=text)
    assert big.count(f) == len(expected)
    assert [e.seq for e in big.entries(f, limit=None)] == expected
    newest = big.entries(f, before_seq=big.last_seq() + 1, limit=50)
    assert [e.seq for e in newest] == expected[-50:]


def test_kept_matches_are_dropped_when_this_connection_appends(big: Journal) -> None:
    f = JournalFilter(text="user42@example.com")
    before = big.count(f)
    _fill(big, 300, start=3_000)  # user42 once more
    assert big.count(f) == before + 1


def test_kept_matches_are_dropped_when_another_connection_appends(big: Journal) -> None:
    f = JournalFilter(text="user42@example.com")
    before = big.count(f)
    with Journal.open(big.path) as writer:
        _fill(writer, 300, start=3_000)
    assert big.count(f) == before + 1
    assert len(big.entries(f, limit=None)) == before + 1


def test_more_matches_than_are_kept_are_still_all_found(
    big: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fts_hits, "MAX_KEPT", 100)
    f = JournalFilter(text="example.com")
    assert big.count(f) == 3_000
    assert len(big.entries(f, limit=None)) == 3_000

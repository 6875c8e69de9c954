"""Fixtures: a fresh journal, and one holding a small two-session walkthrough."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.journal import exchanges as records
from uid2_desk.journal import Journal, JournalEntry

JANE = "jane.doe@example.com"
OPTOUT = "optout@example.com"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    """An empty journal in a temporary directory, closed after the test."""
    j = Journal.open(tmp_path / "journal.db")
    yield j
    j.close()


@dataclass(frozen=True)
class Walkthrough:
    """The entries appended by :func:`walkthrough`, by role."""

    sign_in: JournalEntry
    generate: JournalEntry
    identity_set: JournalEntry
    state_changed: JournalEntry
    refresh: JournalEntry
    refresh_expired: JournalEntry
    logout: JournalEntry
    optout_generate: JournalEntry
    timeout: JournalEntry

    @property
    def all(self) -> list[JournalEntry]:
        """Every entry in append order."""
        return sorted(vars(self).values(), key=lambda e: e.seq)


def append_walkthrough(j: Journal) -> Walkthrough:
    """Session ``s1``: Jane signs in, is refreshed, fails a refresh, logs out.
    Session ``s2``: the opt-out test user signs in, then a generate times out."""
    t0 = records.T0
    sign_in = j.append_event(
        "sign_in_requested",
        at_ms=t0,
        session="s1",
        user=JANE,
        step="1-b",
        summary=f"{JANE} signs in",
        detail={"kind": "email", "sent": "email"},
        environment="local",
    )
    generate = j.append_exchange(
        records.generate(started_ms=t0 + 1, email=JANE),
        session="s1",
        user=JANE,
        step="1-d",
        environment="local",
    )
    identity_set = j.append_event(
        "identity_set",
        at_ms=t0 + 60,
        session="s1",
        user=JANE,
        step="1-f",
        outcome="success",
        summary="The publisher stores the identity",
        environment="local",
    )
    state_changed = j.append_event(
        "state_changed",
        at_ms=t0 + 61,
        session="s1",
        user=JANE,
        step=None,
        outcome="established",
        summary="No identity → Established",
        detail=(("from", "no_identity"), ("to", "established")),
        environment="local",
    )
    refresh = j.append_exchange(
        records.refresh(started_ms=t0 + 60_000),
        session="s1",
        user=JANE,
        step="3-b",
        environment="local",
    )
    refresh_expired = j.append_exchange(
        records.client_error(started_ms=t0 + 90_000),
        session="s1",
        user=JANE,
        step="3-b",
        environment="local",
    )
    logout = j.append_event(
        "logout",
        at_ms=t0 + 100_000,
        session="s1",
        user=JANE,
        step="4-a",
        summary="bye",
        environment="local",
    )
    optout_generate = j.append_exchange(
        records.generate(started_ms=t0 + 200_000, email=OPTOUT, status="optout", seed=3),
        session="s2",
        user=OPTOUT,
        step="1-d",
        environment="local",
    )
    timeout = j.append_exchange(
        records.no_answer(started_ms=t0 + 300_000),
        session="s2",
        user=OPTOUT,
        step=None,
        environment="local",
    )
    return Walkthrough(
        sign_in,
        generate,
        identity_set,
        state_changed,
        refresh,
        refresh_expired,
        logout,
        optout_generate,
        timeout,
    )


@pytest.fixture
def walkthrough(journal: Journal) -> Walkthrough:
    """The walkthrough of :func:`append_walkthrough`, appended to ``journal``."""
    return append_walkthrough(journal)

"""Fixtures: a fresh journal, and one holding a small two-session walkthrough.

The walkthrough's exchanges are the real operator's, recorded once per test session by
:mod:`tests.journal.recorded`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.journal.recorded import JANE, OPTOUT, T0, Recorded, recorded
from uid2_desk.journal import Journal, JournalEntry

__all__ = ["JANE", "OPTOUT", "Walkthrough", "append_walkthrough", "journal", "recorded"]


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


def append_walkthrough(j: Journal, r: Recorded) -> Walkthrough:
    """Session ``s1``: Jane signs in, is refreshed, fails a refresh too late, logs out.
    Session ``s2``: the opt-out test user signs in and is refused, then a generate times out.

    The exchanges are those of the recorded session ``r``, at the times they were recorded.
    """
    sign_in = j.append_event(
        "sign_in_requested",
        at_ms=T0,
        session="s1",
        user=JANE,
        step="1-b",
        summary=f"{JANE} signs in",
        detail={"kind": "email", "sent": "email"},
        environment="local",
    )
    generate = j.append_exchange(
        r.generate, session="s1", user=JANE, step="1-d", environment="local"
    )
    identity_set = j.append_event(
        "identity_set",
        at_ms=T0 + 60,
        session="s1",
        user=JANE,
        step="1-f",
        outcome="success",
        summary="The publisher stores the identity",
        environment="local",
    )
    state_changed = j.append_event(
        "state_changed",
        at_ms=T0 + 61,
        session="s1",
        user=JANE,
        step=None,
        outcome="established",
        summary="No identity → Established",
        detail=(("from", "no_identity"), ("to", "established")),
        environment="local",
    )
    refresh = j.append_exchange(r.refresh, session="s1", user=JANE, step="3-b", environment="local")
    refresh_expired = j.append_exchange(
        r.expired_refresh, session="s1", user=JANE, step="3-b", environment="local"
    )
    logout = j.append_event(
        "logout",
        at_ms=T0 + 410_000,
        session="s1",
        user=JANE,
        step="4-a",
        summary="bye",
        environment="local",
    )
    optout_generate = j.append_exchange(
        r.optout_generate, session="s2", user=OPTOUT, step="1-d", environment="local"
    )
    timeout = j.append_exchange(
        r.timeout, session="s2", user=OPTOUT, step=None, environment="local"
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
def walkthrough(journal: Journal, recorded: Recorded) -> Walkthrough:
    """The walkthrough of :func:`append_walkthrough`, appended to ``journal``."""
    return append_walkthrough(journal, recorded)

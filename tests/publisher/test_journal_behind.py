"""A journal that stalls or fails never costs the user the operator's answer (issue 18)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from tests.publisher.conftest import Desk
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import JournalBehind, UserState

pytestmark = pytest.mark.asyncio


async def _until(condition: object, timeout_s: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_locked_journal_does_not_lose_the_identity_and_catches_up_later(
    desk: Desk,
) -> None:
    other = sqlite3.connect(desk.services.journal.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the journal's write lock
    try:
        started = asyncio.get_running_loop().time()
        snap = await desk.publisher.sign_in(DiiKind.EMAIL, "locked@example.com")
        took = asyncio.get_running_loop().time() - started
        assert snap.state is UserState.ESTABLISHED
        assert snap.identity is not None
        assert took < 3.0  # not the 10 s the journal would wait for its lock
        assert desk.publisher.journal_behind >= 3
        behind = [e for e in desk.events if isinstance(e, JournalBehind)]
        assert behind
        assert behind[-1].waiting == desk.publisher.journal_behind
        assert desk.entries() == []
    finally:
        other.execute("ROLLBACK")
        other.close()
    await _until(lambda: desk.publisher.journal_behind == 0)
    assert [e for e in desk.events if isinstance(e, JournalBehind)][-1] == JournalBehind(0, 0)
    names = [e.name for e in desk.entries()]
    assert names == ["sign_in_requested", "/v2/token/generate", "identity_set", "state_changed"]
    # The stored identity survives a restart of the user store: it was stored regardless.
    assert desk.publisher.users()[0].identity == snap.identity

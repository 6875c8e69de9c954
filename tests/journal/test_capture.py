"""Captured traffic into the journal: the feed's bounds, who an exchange is about, and failures.

The exchanges are the real operator's (``tests.journal.recorded``); the feed and the pump
are the real ones, on journals in a temporary directory.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.journal.recorded import Recorded
from uid2_desk.journal import AsyncJournal
from uid2_desk.journal.capture_feed import CaptureFeed, CaptureSession
from uid2_desk.journal.capture_pump import CapturePump
from uid2_desk.journal.capture_users import ChainUsers
from uid2_desk.protocol.exchange import Exchange

_TARGET = CaptureSession(
    session="cap", environment="local", step_of=lambda _e: None, user_of=lambda _e: None
)


def _generate(r: Recorded, request: str, reply: str) -> Exchange:
    return dataclasses.replace(r.generate, request_plaintext=request, response_plaintext=reply)


def _refresh(r: Recorded, token: str) -> Exchange:
    return dataclasses.replace(r.refresh, request_plaintext=token)


def test_the_oldest_refresh_token_is_forgotten_past_the_limit(recorded: Recorded) -> None:
    users = ChainUsers(limit=1)
    assert users(_generate(recorded, '{"email": "a@x.test"}', '{"body": {"refresh_token": "T1"}}'))
    assert users(_generate(recorded, '{"email": "b@x.test"}', '{"body": {"refresh_token": "T2"}}'))
    assert users(_refresh(recorded, "T1")) is None
    assert users(_refresh(recorded, "T2")) == "b@x.test"


@pytest.mark.parametrize(
    "request_text", ['{"optout_check": 1}', '{"email": ""}', '{"email": "a@x.test"', "[1]"]
)
def test_a_request_naming_no_dii_or_not_a_json_object_names_no_user(
    recorded: Recorded, request_text: str
) -> None:
    assert ChainUsers()(_generate(recorded, request_text, "{}")) is None


def test_a_feed_that_keeps_the_desks_own_calls_counts_what_it_drops_when_full(
    recorded: Recorded,
) -> None:
    feed = CaptureFeed(limit=2, skip_desk=False)
    for exchange in (recorded.generate, recorded.refresh, recorded.key_sharing):
        feed(exchange)
    assert (len(feed), feed.dropped) == (2, 1)
    assert feed.take(5, timeout=0) == [recorded.generate, recorded.refresh]
    assert len(feed) == 0


@pytest.mark.asyncio
async def test_a_pump_counts_what_a_closed_journal_refused_and_keeps_nothing_back(
    recorded: Recorded, tmp_path: Path
) -> None:
    feed = CaptureFeed(skip_desk=False)
    journal = await AsyncJournal.open(tmp_path / "j.db")
    await journal.close()
    pump = CapturePump(feed, journal, _TARGET)
    pump.start()
    feed(recorded.generate)
    feed(recorded.refresh)
    await pump.stop()
    assert (pump.written, pump.failed) == (0, 2)
    assert len(feed) == 0

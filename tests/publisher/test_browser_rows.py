"""The browser's refreshes of a handed-off identity name the desk user in the log.

A captured refresh carries no DII: the rows name the user because the desk follows the chain
(:meth:`~uid2_desk.publisher.handoff.HandOffs.user_of` labels them before they are journaled),
live and in the journal (exports, earlier sessions).
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import httpx
import pytest

from tests.publisher.conftest import START_MS, assert_no_other_tasks
from tests.publisher.test_browser_held import _browser_refresh, _followed, _open
from uid2_desk.journal import JOURNAL_FILE, Journal
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.envelope import decode_base64_body, open_refresh_reply
from uid2_desk.protocol.normalize import DiiKind


@pytest.mark.asyncio
async def test_the_browsers_refresh_rows_name_the_user_whose_chain_they_continue(
    tmp_path: Path,
) -> None:
    clock = ManualClock(START_MS)
    desk = await _open(tmp_path / "desk", clock)
    try:
        pub = desk.publisher
        jane = await pub.sign_in(DiiKind.EMAIL, "jane.rows@example.com")
        other = await pub.sign_in(DiiKind.EMAIL, "someone.else@example.com")
        handed = await pub.handoffs.hand_off(jane.user_id)
        clock.advance(1000)
        await _browser_refresh(desk, handed.refresh_token)
        first = await _followed(desk, jane.user_id, handed.advertising_token)
        shown = pub.snapshot(jane.user_id).identity
        assert shown is not None
        clock.advance(1000)
        await _browser_refresh(desk, shown.refresh_token)  # the next link of the chain
        await _followed(desk, jane.user_id, first)
        # A browser refreshing a chain nobody handed off names no desk user.
        kept = pub.snapshot(other.user_id).identity
        assert kept is not None
        await _browser_refresh(desk, kept.refresh_token)
        for _ in range(100):
            if len(desk.exchanges("/v2/token/refresh")) == 3:
                break
            await asyncio.sleep(0.02)
        live = desk.exchanges("/v2/token/refresh")
        assert [e.user for e in live] == [jane.user.label, jane.user.label, None]
    finally:
        await desk.services.aclose()
    await assert_no_other_tasks()
    # The journal keeps the name: an export, or the log of an earlier session, shows it.
    with Journal.open(tmp_path / "desk" / JOURNAL_FILE) as journal:
        rows = [e for e in journal.entries(limit=None) if e.name == "/v2/token/refresh"]
    assert [e.user for e in rows] == [jane.user.label, jane.user.label, None]


def _refresh_now(base_url: str, refresh_token: str, key: bytes) -> tuple[str, bytes]:
    """The page's client refreshes, blocking the desk's loop; returns the next token and key."""
    with httpx.Client(timeout=10) as browser:
        reply = browser.post(
            f"{base_url}/v2/token/refresh",
            content=refresh_token,
            headers={"Origin": "http://localhost:8080", "Content-Type": "text/plain"},
        )
    plaintext, _ = open_refresh_reply(key, decode_base64_body(reply.content))
    body = json.loads(plaintext)["body"]
    return str(body["refresh_token"]), base64.b64decode(body["refresh_response_key"])


@pytest.mark.asyncio
async def test_refreshes_captured_in_one_burst_all_name_the_user(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    desk = await _open(tmp_path / "desk", clock)
    try:
        pub = desk.publisher
        jane = await pub.sign_in(DiiKind.EMAIL, "jane.burst@example.com")
        handed = await pub.handoffs.hand_off(jane.user_id)
        assert handed.refresh_response_key is not None
        assert desk.services.server is not None
        base_url = desk.services.server.base_url
        # Both refreshes are captured before the desk's loop runs again: the capture labels
        # them in one batch, before the desk has followed the first.
        clock.advance(1000)
        following = _refresh_now(base_url, handed.refresh_token, handed.refresh_response_key)
        _refresh_now(base_url, *following)
        for _ in range(100):
            if len(desk.exchanges("/v2/token/refresh")) == 2:
                break
            await asyncio.sleep(0.02)
        rows = desk.exchanges("/v2/token/refresh")
        assert [e.user for e in rows] == [jane.user.label, jane.user.label]
    finally:
        await desk.services.aclose()
    await assert_no_other_tasks()

"""A browser-held identity: kept across a restart, never refreshed by the desk, taken back.

The browser is played by a plain HTTP client POSTing the refresh token to the loopback
operator, as a web page's UID2 client does (no API key, the reply sealed with the identity's
``refresh_response_key``): the operator captures it as an outside client's refresh, which is
what the desk follows.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.publisher.conftest import START_MS, Desk, assert_no_other_tasks, open_desk
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import PolicyKind, UserState
from uid2_desk.publisher.handoff import HELD_REFRESH
from uid2_desk.publisher.store import STORE_FILE
from uid2_desk.services import OperatorMode


async def _browser_refresh(desk: Desk, refresh_token: str) -> None:
    """The page's client refreshes: the refresh token, as text, to the operator."""
    assert desk.services.server is not None
    async with httpx.AsyncClient() as browser:
        reply = await browser.post(
            f"{desk.services.server.base_url}/v2/token/refresh",
            content=refresh_token,
            headers={"Origin": "http://localhost:8080", "Content-Type": "text/plain"},
        )
    assert reply.status_code == 200


async def _followed(desk: Desk, user_id: str, before: str) -> str:
    """Wait until the desk's copy moved past the token ``before``; returns the new token."""
    for _ in range(200):
        await desk.publisher.handoffs.settled()
        identity = desk.publisher.snapshot(user_id).identity
        if identity is not None and identity.advertising_token != before:
            return identity.advertising_token
        await asyncio.sleep(0.02)  # the captured exchange reaches the journal, then the desk
    raise AssertionError("the desk never followed the browser's refresh")


async def _open(data_dir: Path, clock: ManualClock) -> Desk:
    return await open_desk(data_dir, clock, mode=OperatorMode.LOOPBACK)


@pytest.mark.asyncio
async def test_the_mark_survives_a_restart_and_the_desk_follows_again(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    first = await _open(tmp_path / "desk", clock)
    jane = await first.publisher.sign_in(DiiKind.EMAIL, "jane.held@example.com")
    handed = await first.publisher.handoffs.hand_off(jane.user_id)
    assert first.publisher.snapshot(jane.user_id).browser_held
    clock.advance(1000)
    await _browser_refresh(first, handed.refresh_token)
    token = await _followed(first, jane.user_id, handed.advertising_token)
    held = first.publisher.snapshot(jane.user_id).identity
    assert held is not None
    assert held.refresh_response_key is None
    await first.services.aclose()

    with sqlite3.connect(tmp_path / "desk" / STORE_FILE) as db:
        assert db.execute("SELECT browser_held FROM users").fetchall() == [(1,)]
    second = await _open(tmp_path / "desk", clock)
    try:
        restored = second.publisher.snapshot(jane.user_id)
        assert restored.browser_held
        assert second.publisher.handoffs.is_browser_held(jane.user_id)
        assert restored.next_refresh_ms is None
        # The browser refreshes again with the token it holds: the reopened desk follows.
        clock.advance(1000)
        await _browser_refresh(second, held.refresh_token)
        assert await _followed(second, jane.user_id, token) != token
        assert second.publisher.snapshot(jane.user_id).state is UserState.REFRESHED
    finally:
        await second.services.aclose()
    await assert_no_other_tasks()


@pytest.mark.asyncio
async def test_the_desk_sends_no_refresh_of_its_own_until_taken_back(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    desk = await _open(tmp_path / "desk", clock)
    try:
        pub = desk.publisher
        jane = await pub.sign_in(DiiKind.EMAIL, "jane.keep@example.com")
        await pub.handoffs.hand_off(jane.user_id)
        with pytest.raises(InputError) as refused:
            await pub.refresh(jane.user_id)
        assert str(refused.value) == HELD_REFRESH
        assert str(refused.value).startswith("Refresh not sent: the browser holds this identity")
        with pytest.raises(InputError, match="Refresh policy not changed"):
            await pub.set_policy(jane.user_id, PolicyKind.AUTOMATIC)
        with pytest.raises(InputError, match="already held by the browser"):
            await pub.handoffs.hand_off(jane.user_id)
        desk.advance(20 * 60_000)  # past refresh_from: a desk-held identity would be due
        await pub.tick()
        await pub.user_returns(jane.user_id)
        assert desk.exchanges("/v2/token/refresh") == []

        await pub.handoffs.take_back(jane.user_id)
        back = pub.snapshot(jane.user_id)
        assert not back.browser_held
        assert not pub.handoffs.is_browser_held(jane.user_id)
        taken = desk.events_named("taken_back")
        assert len(taken) == 1
        assert "takes" in taken[0].summary
        # Nobody refreshed in the browser: the desk's copy still has its key, and refreshes.
        assert (await pub.refresh(jane.user_id)).state is UserState.REFRESHED
        with pytest.raises(InputError, match="not held by the browser"):
            await pub.handoffs.take_back(jane.user_id)
    finally:
        await desk.services.aclose()
    await assert_no_other_tasks()


@pytest.mark.asyncio
async def test_taking_back_a_browser_refreshed_identity_says_sign_in_again(
    tmp_path: Path,
) -> None:
    clock = ManualClock(START_MS)
    desk = await _open(tmp_path / "desk", clock)
    try:
        pub = desk.publisher
        jane = await pub.sign_in(DiiKind.EMAIL, "jane.back@example.com")
        handed = await pub.handoffs.hand_off(jane.user_id)
        clock.advance(1000)
        await _browser_refresh(desk, handed.refresh_token)
        await _followed(desk, jane.user_id, handed.advertising_token)
        await pub.handoffs.take_back(jane.user_id)
        back = pub.snapshot(jane.user_id)
        assert not back.browser_held
        assert back.last_error is not None
        assert "sign in again" in back.last_error
        assert back.identity is not None  # still shown: the desk forgets nothing on its own
    finally:
        await desk.services.aclose()
    await assert_no_other_tasks()


@pytest.mark.asyncio
async def test_a_logout_on_the_desk_ends_the_following(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    desk = await _open(tmp_path / "desk", clock)
    try:
        pub = desk.publisher
        jane = await pub.sign_in(DiiKind.EMAIL, "jane.out@example.com")
        handed = await pub.handoffs.hand_off(jane.user_id)
        await pub.log_out(jane.user_id)
        assert not pub.snapshot(jane.user_id).browser_held
        clock.advance(1000)
        await _browser_refresh(desk, handed.refresh_token)
        await asyncio.sleep(0.3)  # time for the captured refresh to reach the desk
        await pub.handoffs.settled()
        assert pub.snapshot(jane.user_id).identity is None
        assert not pub.handoffs.is_browser_held(jane.user_id)
    finally:
        await desk.services.aclose()
    await assert_no_other_tasks()


def test_a_store_from_before_the_hand_off_gains_the_column(tmp_path: Path) -> None:
    from uid2_desk.publisher.store import UserStore

    path = tmp_path / STORE_FILE
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE users (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL"
            " UNIQUE, kind TEXT NOT NULL, entered TEXT NOT NULL, normalized TEXT, hash_b64 TEXT"
            " NOT NULL, environment TEXT NOT NULL, label TEXT NOT NULL, send_raw INTEGER NOT"
            " NULL, policy TEXT NOT NULL, interval_ms INTEGER NOT NULL, state TEXT NOT NULL,"
            " identity_json TEXT, identity_set_ms INTEGER, attempts INTEGER NOT NULL,"
            " last_attempt_ms INTEGER, last_error TEXT)"
        )
        db.execute(
            "INSERT INTO users (id, kind, entered, hash_b64, environment, label, send_raw,"
            " policy, interval_ms, state, attempts) VALUES ('u1', 'email', 'a@example.com',"
            " 'aGFzaA==', 'local', 'a@example.com', 0, 'manual', 60000, 'no_identity', 0)"
        )
    store = UserStore(path)
    try:
        (record,) = store.load()
        assert record.browser_held is False
        store.save(type(record)(**{**record.__dict__, "browser_held": True}))
        assert store.load()[0].browser_held is True
    finally:
        store.close()


@pytest.mark.asyncio
async def test_a_second_tab_refreshing_an_older_token_is_followed_too(tmp_path: Path) -> None:
    clock = ManualClock(START_MS)
    desk = await _open(tmp_path / "desk", clock)
    try:
        pub = desk.publisher
        jane = await pub.sign_in(DiiKind.EMAIL, "jane.tabs@example.com")
        handed = await pub.handoffs.hand_off(jane.user_id)
        clock.advance(1000)
        await _browser_refresh(desk, handed.refresh_token)  # the first tab
        first = await _followed(desk, jane.user_id, handed.advertising_token)
        clock.advance(1000)
        await _browser_refresh(desk, handed.refresh_token)  # a second tab, same old token
        second = await _followed(desk, jane.user_id, first)
        assert second not in (first, handed.advertising_token)
        # Either tab goes on from what it holds: the desk still follows.
        shown = pub.snapshot(jane.user_id).identity
        assert shown is not None
        clock.advance(1000)
        await _browser_refresh(desk, shown.refresh_token)
        assert await _followed(desk, jane.user_id, second) != second
        assert len([e for e in desk.transitions() if "browser" in e[2]]) == 3
    finally:
        await desk.services.aclose()
    await assert_no_other_tasks()

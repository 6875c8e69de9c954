"""The client-server flow with a real web client: Prebid.js refreshes a handed identity.

The desk (publisher server, real operator on loopback) signs a user in and hands the identity
to its hand-off page; the page loads Prebid.js (built from npm, uid2 module) in headless
Debian Chromium. From then on the browser refreshes: the refresh reaches the operator from
the page's origin, the desk journals it as the browser's, and the desk's user follows the
identity the operator issued. ``refresh-optout@example.com`` ends in ``optout`` in the page
and on the desk, and the page's logout is the guide's 4-b.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from playwright.async_api import Browser, Page

from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.capture import CapturedClient, lane_label
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher.model import UserState
from uid2_desk.services.desk import DeskServices

STORAGE_KEY = "__uid2_advertising_token"


async def _until(what: str, check: Callable[[], object], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def _page_text(page: Page, element: str) -> str:
    return await page.inner_text(f"#{element}")


async def _entries(desk: DeskServices) -> list[JournalEntry]:
    return await desk.journal.entries(limit=None, with_exchanges=True)


@pytest.mark.asyncio
@pytest.mark.slow
async def test_prebid_refreshes_the_handed_identity_and_the_desk_follows(
    desk: DeskServices, browser: Browser
) -> None:
    assert desk.handoff is not None
    jane = await desk.publisher.sign_in(DiiKind.EMAIL, "jane.handoff@example.com")
    handed = jane.identity
    assert handed is not None
    url = await desk.handoff.hand_off(jane.user_id)
    assert desk.publisher.handoffs.is_browser_held(jane.user_id)

    context = await browser.new_context()
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    await page.goto(url)
    try:
        # The browser refreshes once refresh_from passed; the desk's copy follows.
        await _until(
            "the desk to follow the browser's refresh",
            lambda: (
                (desk.publisher.snapshot(jane.user_id).identity or handed).advertising_token
                != handed.advertising_token
            ),
        )
        await desk.publisher.handoffs.settled()
        followed = desk.publisher.snapshot(jane.user_id)
        assert followed.identity is not None
        await _until_page_token(page, followed.identity.advertising_token)
    except AssertionError as exc:
        raise AssertionError(f"the page said: {console[-15:]}") from exc

    # The page's client holds the identity the desk now shows (display only: no response key).
    stored = await page.evaluate(f"() => JSON.parse(localStorage.getItem('{STORAGE_KEY}'))")
    assert stored["latestToken"]["advertising_token"] == followed.identity.advertising_token
    assert followed.identity.refresh_response_key is None
    assert followed.state is UserState.REFRESHED
    assert followed.chain[-1].action == "refresh"

    # The refresh is journaled as the browser's: Prebid's client version (the CORS preflight
    # before it carries none).
    refreshes = [
        e
        for e in await _entries(desk)
        if e.exchange and e.endpoint == "/v2/token/refresh" and e.method == "POST"
    ]
    assert refreshes, "the browser's refresh was not journaled"
    client = CapturedClient.of(refreshes[0].exchange)  # type: ignore[arg-type]
    assert client is not None
    assert lane_label(client).startswith("Browser: Prebid.js 11.36")
    # The desk itself never refreshed this user: its policy is manual once handed off.
    assert all(
        not (client_ := CapturedClient.of(e.exchange)) or not client_.is_desk
        for e in refreshes
        if e.exchange
    )

    # Logout in the page clears the identity: the guide's 4-b, and the desk's copy goes too.
    await page.click("button")
    await _until(
        "the desk to clear the identity",
        lambda: desk.publisher.snapshot(jane.user_id).state is UserState.NO_IDENTITY,
    )
    cleared = [e for e in await _entries(desk) if e.step == "4-b"]
    assert any("logout" in e.summary for e in cleared)
    await context.close()


@pytest.mark.asyncio
@pytest.mark.slow
async def test_refresh_optout_ends_in_optout_in_the_page_and_on_the_desk(
    desk: DeskServices, browser: Browser
) -> None:
    assert desk.handoff is not None
    user = await desk.publisher.sign_in(DiiKind.EMAIL, "refresh-optout@example.com")
    url = await desk.handoff.hand_off(user.user_id)
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url)
    await _until(
        "the desk to see the optout",
        lambda: desk.publisher.snapshot(user.user_id).state is UserState.OPTED_OUT,
    )
    await _until_page_state(page, "optout")
    stored = await page.evaluate(f"() => JSON.parse(localStorage.getItem('{STORAGE_KEY}'))")
    assert stored["latestToken"] == "optout"
    assert await _page_text(page, "token") == "(none)"
    assert desk.publisher.snapshot(user.user_id).identity is None
    reports = [e for e in await _entries(desk) if e.name == "browser_report"]
    assert any("optout" in e.summary for e in reports)
    await context.close()


async def _until_page_token(page: Page, token: str) -> None:
    deadline = time.monotonic() + 10
    while await _page_text(page, "token") != token:
        if time.monotonic() > deadline:
            raise AssertionError("the page never showed the refreshed token")
        await asyncio.sleep(0.1)


async def _until_page_state(page: Page, state: str) -> None:
    deadline = time.monotonic() + 10
    while await _page_text(page, "state") != state:
        if time.monotonic() > deadline:
            raise AssertionError(f"the page never reached {state!r}")
        await asyncio.sleep(0.1)

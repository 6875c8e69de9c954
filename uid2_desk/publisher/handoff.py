"""Identities handed to a web page: the desk stops refreshing them and follows the browser.

In the client-server integration the publisher's server generates the identity (1-d, 1-e) and
hands it to the page (1-f); the browser's UID2 client refreshes it from then on. After
:meth:`HandOffs.hand_off` the desk's refresh policy for that user is *manual* (the browser owns
the identity) and every captured ``/v2/token/refresh`` that sends the browser's current
refresh token moves the desk's copy along: tokens and countdowns follow the newest identity
the operator issued on that chain, or the user opts out. The captured reply is masked (no
``refresh_response_key``), so the desk's copy is for display only: it is *browser-held*.
The mark is the user record's ``browser_held`` (kept in the user store, so following resumes
after a restart); while it is set the desk sends no refresh of its own, until
:meth:`HandOffs.take_back` returns the identity to the desk.

Matching happens synchronously, in journal order, as each captured entry arrives (the next
refresh sends the token the previous reply issued); applying it to the user is queued on the
user's lock.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace

from uid2_desk.journal import JournalEntry
from uid2_desk.protocol.capture import is_captured
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import InputError, PayloadError
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.protocol.identity import Identity
from uid2_desk.publisher.book import UserBook, snapshot
from uid2_desk.publisher.model import ChainLink, UserSnapshot, UserState
from uid2_desk.publisher.recorder import JournalRecorder, Step, automatic
from uid2_desk.publisher.refresh.policy import PolicyKind

REFRESH_ENDPOINT = "/v2/token/refresh"
#: How many of a handed chain's refresh tokens are recognised (the browser's, newest last).
_KEEP = 16
#: Journal event names of the hand-off.
HANDED_OFF = "handed_off"
BROWSER_REPORT = "browser_report"
TAKEN_BACK = "taken_back"
#: What the desk says instead of refreshing a browser-held identity.
HELD_REFRESH = (
    "Refresh not sent: the browser holds this identity (its web page's UID2 client refreshes "
    "it). User ▸ Take back from the browser returns it to the desk."
)


@dataclass(frozen=True)
class _Followed:
    """What one captured refresh on a handed-off chain said."""

    user_id: str
    status: str
    identity: Identity | None
    seq: int


class HandOffs:
    """Which users' identities a web page holds, and the desk's following of them."""

    def __init__(self, book: UserBook, rec: JournalRecorder, clock: Clock) -> None:
        self._book = book
        self._rec = rec
        self._clock = clock
        #: user id -> the refresh tokens issued on the handed chain, newest last (restored from
        #: the store: the desk's copy carries the browser's latest refresh token).
        self._held: dict[str, list[str]] = {
            uid: [r.identity.refresh_token]
            for uid, r in book.records.items()
            if r.browser_held and r.identity is not None
        }
        self._tasks: set[asyncio.Task[None]] = set()

    def is_browser_held(self, user_id: str) -> bool:
        """Whether the user's identity was handed to a web page (the browser refreshes it)."""
        record = self._book.records.get(user_id)
        return record is not None and record.browser_held

    async def hand_off(self, user_id: str, *, browser: bool = True) -> Identity:
        """Hand the user's identity to a web page (1-f); returns the identity to hand over.

        The desk's policy becomes manual: two refreshers of one chain would race each other.
        With ``browser`` the user is *browser-held*: the desk follows and never refreshes it;
        without (a scenario in which the desk plays the browser's client) it is not marked.
        """
        async with self._book.lock(user_id):
            record = self._book.get(user_id)
            identity = record.identity
            if record.browser_held:
                raise InputError(
                    f"{record.user.label}'s identity is already held by the browser: take it "
                    "back first (User ▸ Take back from the browser)."
                )
            if identity is None or not record.state.has_usable_token:
                raise InputError(
                    f"{record.user.label} has no usable identity to hand off: sign in first."
                )
            await self._rec.event(
                HANDED_OFF,
                record.user,
                step=Step.IDENTITY_SET,
                summary=(
                    f"The publisher hands {record.user.label}'s identity to the web page; "
                    "the browser's UID2 client refreshes it from now on"
                ),
            )
            if browser:
                self._held[user_id] = [identity.refresh_token]
            await self._book.commit(replace(record, policy=PolicyKind.MANUAL, browser_held=browser))
            return identity

    def release(self, user_id: str) -> None:
        """Stop following the user (it is being removed)."""
        self._held.pop(user_id, None)

    async def take_back(self, user_id: str) -> UserSnapshot:
        """The desk owns the user's identity again: it stops following and may refresh it."""
        async with self._book.lock(user_id):
            record = self._book.get(user_id)
            if not record.browser_held:
                raise InputError(f"{record.user.label}'s identity is not held by the browser.")
            self._held.pop(user_id, None)
            keyless = record.identity is not None and record.identity.refresh_response_key is None
            note = (
                " The browser refreshed it since the hand-off, so the desk's copy has no "
                "refresh_response_key to read a refresh reply with: sign in again to refresh "
                "from the desk."
                if keyless
                else ""
            )
            await self._rec.event(
                TAKEN_BACK,
                record.user,
                summary=f"The desk takes {record.user.label}'s identity back from the browser."
                + note,
            )
            record = replace(record, browser_held=False, last_error=note.strip() or None)
            return snapshot(await self._book.commit(record))

    async def page_report(self, user_id: str, kind: str, summary: str) -> None:
        """Journal what the page's client reported; a cleared identity is the logout (4-b)."""
        if user_id not in self._book.records:
            return
        async with self._book.lock(user_id):
            record = self._book.get(user_id)
            cleared = kind == "cleared"
            await self._rec.event(
                BROWSER_REPORT,
                record.user,
                step=Step.IDENTITY_CLEARED if cleared else None,
                summary=f"Browser: {summary}",
                detail={"report": kind},
            )
            if not cleared or user_id not in self._held:
                return
            self._held.pop(user_id, None)
            record = replace(
                record, identity=None, identity_set_ms=None, attempts=0, browser_held=False
            )
            if record.state is not UserState.OPTED_OUT:
                record = await self._book.move(
                    record, UserState.NO_IDENTITY, "the page's client cleared the identity"
                )
            await self._book.commit(record)

    async def settled(self) -> None:
        """Wait until every captured refresh seen so far was applied (tests, closing)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))

    # -- following --------------------------------------------------------------------

    def user_of(self, exchange: Exchange) -> str | None:
        """The label of the user whose handed-off chain a captured refresh continues.

        Asked before the exchange is journaled (the capture's labelling), so the browser's
        refresh row names the user as the desk's own rows do. The reply's refresh token is
        noted at once: the next refresh may be labelled in the same batch, before
        :meth:`on_entry` sees this one.
        """
        user_id = self._chain_of(exchange)
        record = self._book.records.get(user_id) if user_id is not None else None
        if user_id is None or record is None or not record.browser_held:
            return None
        _, identity = _reply(exchange.response_plaintext)
        if identity is not None:
            self._note(user_id, identity.refresh_token)
        return record.user.label

    def _chain_of(self, exchange: Exchange) -> str | None:
        """The user whose handed chain a captured refresh presents a token of."""
        if not exchange.endpoint.endswith(REFRESH_ENDPOINT) or not is_captured(exchange):
            return None  # the desk's own refresh (a scenario playing the browser) is its own
        token = (exchange.request_plaintext or "").strip()
        # Any token of the chain, not only the newest: a second tab, or a retry racing a
        # refresh, presents an older one, and the operator answers it all the same.
        return next((u for u, held in self._held.items() if token in held), None)

    def _note(self, user_id: str, token: str) -> None:
        held = self._held.get(user_id)
        if held is not None and token not in held:
            self._held[user_id] = [*held, token][-_KEEP:]

    def on_entry(self, entry: JournalEntry) -> None:
        """Follow ``entry`` if it is a captured refresh on a handed-off chain (the publisher
        passes on every journal entry, on the loop, in journal order)."""
        followed = self._match(entry)
        if followed is None:
            return
        task = asyncio.get_running_loop().create_task(self._follow(followed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _match(self, entry: JournalEntry) -> _Followed | None:
        exchange = entry.exchange
        user_id = None if exchange is None else self._chain_of(exchange)
        if exchange is None or user_id is None:
            return None
        record = self._book.records.get(user_id)
        if record is None or not record.browser_held:
            # Removed, logged out or signed in again on the desk: no longer the browser's.
            self._held.pop(user_id, None)
            return None
        status, identity = _reply(exchange.response_plaintext)
        if identity is not None:
            self._note(user_id, identity.refresh_token)
        elif status == "optout":
            self._held.pop(user_id, None)
        return _Followed(user_id, status, identity, entry.seq)

    async def _follow(self, followed: _Followed) -> None:
        why = "Automatic: followed the web page's own refresh of the handed-off identity"
        with automatic(why):
            await self._apply(followed)

    async def _apply(self, followed: _Followed) -> None:
        if followed.user_id not in self._book.records:
            self._held.pop(followed.user_id, None)  # the user was removed meanwhile
            return
        if followed.status == "":
            return
        async with self._book.lock(followed.user_id):
            record = self._book.get(followed.user_id)
            if not record.browser_held:
                return  # logged out or signed in again on the desk meanwhile
            if followed.identity is not None:
                record = replace(
                    record,
                    identity=followed.identity,
                    identity_set_ms=self._clock.now_ms(),
                    last_error=None,
                )
                record = await self._book.move(
                    record,
                    UserState.REFRESHED,
                    "the browser's refresh answered success",
                    force=True,
                )
            elif followed.status == "optout":
                record = replace(record, identity=None, identity_set_ms=None, browser_held=False)
                record = await self._book.move(
                    record,
                    UserState.OPTED_OUT,
                    "the browser's refresh answered optout",
                    step=Step.REFRESHED_IDENTITY_SET,
                )
            else:
                return  # a failed browser refresh changes nothing the desk holds
            token = followed.identity.advertising_token if followed.identity else None
            link = ChainLink(self._clock.now_ms(), "refresh", followed.status, token, followed.seq)
            record = await self._book.add_link(record, link)
            await self._book.commit(record)


def _reply(text: str | None) -> tuple[str, Identity | None]:
    """The status and (masked, display-only) identity of a captured refresh reply."""
    try:
        document = json.loads(text or "")
    except ValueError:
        return "", None
    if not isinstance(document, dict):
        return "", None
    status = str(document.get("status", ""))
    body = document.get("body")
    if status != "success" or not isinstance(body, dict):
        return status, None
    shown = {k: v for k, v in body.items() if k != "refresh_response_key"}
    try:
        return status, Identity.from_body(shown)
    except PayloadError:
        return "", None

"""The time-driven side of the publisher: the clock moves states, due policies refresh.

:class:`PolicyRunner` does what happens without anyone clicking: on every ``tick()`` it moves
each user's state on by the clock (refresh due, expired...) and refreshes the users whose
policy is due (:func:`~uid2_desk.publisher.book.due`); it also handles a user coming back to
the site, the moment the on-return policy refreshes. Failures of automatic refreshes become
notices, never exceptions: the next tick goes on. Every entry these make says why
(:func:`~uid2_desk.publisher.recorder.automatic`): the clock, a policy that was due, or the
desk reopening.
"""

from __future__ import annotations

import asyncio

from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import Uid2DeskError
from uid2_desk.publisher import book
from uid2_desk.publisher.book import UserBook
from uid2_desk.publisher.calls import OperatorCalls
from uid2_desk.publisher.model import UserSnapshot, UserState
from uid2_desk.publisher.outcomes import is_rate_limited
from uid2_desk.publisher.recorder import Event, JournalRecorder, Step, automatic
from uid2_desk.publisher.refresh.policy import PolicyKind, retry_delay_ms, returning_user_refreshes
from uid2_desk.publisher.user_record import UserRecord

#: Why the entries of a user coming back when the desk reopens were made.
RESTORED_AT_START = "Automatic: restored at start-up from the data folder"
#: Why a state moved on in a tick.
CLOCK_MOVED = "Automatic: the desk's clock passed one of the identity's times"


class PolicyRunner:
    """Moves states by the clock, runs due refresh policies, and lets users return."""

    def __init__(
        self, user_book: UserBook, recorder: JournalRecorder, calls: OperatorCalls, clock: Clock
    ) -> None:
        self._book = user_book
        self._rec = recorder
        self._calls = calls
        self._clock = clock
        self._tick_lock = asyncio.Lock()

    def next_wakeup_ms(self) -> int | None:
        """The earliest future moment something time-driven happens (a state or a policy)."""
        now = self._clock.now_ms()
        moments: list[int] = []
        for record in self._book.records.values():
            if record.identity is not None and record.state in book.REFRESHABLE:
                i = record.identity
                edges = (i.refresh_from_ms, i.identity_expires_ms, i.refresh_expires_ms)
                moments += [t for t in edges if t > now]
            due = book.due(record)
            if due is not None:
                moments.append(max(due, now))
        return min(moments, default=None)

    async def tick(self) -> None:
        """Move states on by the clock and run the policies that are due, at ``clock.now_ms()``."""
        async with self._tick_lock:
            for user_id in list(self._book.records):
                lock = self._book.lock(user_id)
                if lock.locked():
                    continue  # an operation is in flight; the next tick sees its result
                async with lock:
                    record = self._book.records.get(user_id)
                    if record is None:
                        continue
                    with automatic(CLOCK_MOVED):
                        record = await self._book.apply_time(record)
                    due = book.due(record)
                    if due is None or due > self._clock.now_ms():
                        continue
                    if not self._calls.same_realm(record):
                        continue
                    try:
                        with automatic(policy_why(record)):
                            trigger = f"policy {record.policy.value}"
                            await self._calls.refresh(record, trigger=trigger)
                    except Uid2DeskError as exc:
                        self._auto_failure_notice(user_id, exc)

    async def user_returns(self, user_id: str) -> UserSnapshot:
        """The user comes back to the site (3-a); the on-return policy refreshes if due."""
        async with self._book.lock(user_id):
            record = self._book.get(user_id)
            await self._rec.event(
                Event.USER_RETURNS,
                record.user,
                step=Step.USER_RETURNS,
                summary=f"{record.user.label} comes back to the site",
            )
            record = await self._book.apply_time(record)
            if (
                record.policy is PolicyKind.ON_RETURN
                and not record.browser_held
                and record.identity is not None
                and record.state in book.REFRESHABLE
                and returning_user_refreshes(book.timing(record), self._clock.now_ms())
            ):
                record = await self._calls.refresh(record, trigger="user returned")
            elif record.state is UserState.REFRESH_EXPIRED:
                self._book.notice(
                    "info",
                    f"{record.user.label} must sign in again: the refresh token has expired.",
                    record,
                )
            return book.snapshot(record)

    async def all_users_return(self) -> None:
        """Every user of this environment with an identity comes back (the desk reopened)."""
        env_id = self._calls.environment.id
        with automatic(RESTORED_AT_START):
            await self._return_all(env_id)

    async def _return_all(self, env_id: str) -> None:
        for user_id, record in list(self._book.records.items()):
            if record.identity is None or record.user.environment != env_id:
                continue
            try:
                await self.user_returns(user_id)
            except Uid2DeskError as exc:
                self._book.notice("warning", f"{record.user.label} returned, but: {exc}", record)

    def _auto_failure_notice(self, user_id: str, exc: Uid2DeskError) -> None:
        record = self._book.records.get(user_id)
        if record is None:
            return
        then = " No more automatic attempts."
        if is_rate_limited(exc):
            then = ""  # the message already says when the desk retries
        elif book.due(record) is not None:
            then = " Retrying later."
            if record.policy is PolicyKind.AUTOMATIC and record.attempts:
                then = f" Retrying in {retry_delay_ms(record.attempts) // 1000} s."
        label = record.user.label
        self._book.notice("warning", f"Automatic refresh of {label} failed: {exc}{then}", record)


def policy_why(record: UserRecord) -> str:
    """Why a due policy refreshes ``record`` now, in words (the ``why`` of its entries)."""
    label = record.policy.label
    if record.policy is PolicyKind.INTERVAL:
        return f"Automatic: the {label} policy refreshes every {record.interval_ms // 1000} s"
    if record.attempts:
        tries = f"{record.attempts} failed attempt{'s' if record.attempts != 1 else ''}"
        return f"Automatic: the {label} policy retries after {tries}"
    return f"Automatic: the {label} policy refreshes at refresh_from"

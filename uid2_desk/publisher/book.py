"""The publisher's users in memory, mirrored to the store, with journaled state moves.

:class:`UserBook` is the one place a user's record changes: every change is written to the
store, published to subscribers as :class:`~uid2_desk.publisher.model.UserChanged`, and every
state change is journaled with its cause. The :class:`~uid2_desk.publisher.publisher.Publisher`
decides *what* changes; the book makes it durable and visible.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from uid2_desk.client.results import TokenResult
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import InputError, Uid2DeskError
from uid2_desk.protocol.tokens import IdentityType
from uid2_desk.publisher.async_user_store import AsyncUserStore
from uid2_desk.publisher.events import EventHub
from uid2_desk.publisher.lifecycle import state_at
from uid2_desk.publisher.model import (
    ChainLink,
    DeskEvent,
    Notice,
    NoticeLevel,
    UserChanged,
    UserRemoved,
    UserSnapshot,
    UserState,
)
from uid2_desk.publisher.recorder import JournalRecorder
from uid2_desk.publisher.refresh.policy import RefreshTiming, due_at
from uid2_desk.publisher.user_record import UserRecord

#: States in which a refresh may be attempted by a policy.
REFRESHABLE = frozenset(
    {UserState.ESTABLISHED, UserState.REFRESHED, UserState.REFRESH_DUE, UserState.EXPIRED}
)


def timing(record: UserRecord) -> RefreshTiming:
    """The policy inputs of a record that holds an identity."""
    assert record.identity is not None
    return RefreshTiming(
        refresh_from=record.identity.refresh_from_ms,
        refresh_expires=record.identity.refresh_expires_ms,
        identity_set_ms=record.identity_set_ms or 0,
        attempts=record.attempts,
        last_attempt_ms=record.last_attempt_ms,
    )


def due(record: UserRecord) -> int | None:
    """When the record's policy refreshes on its own next, if ever (never while a web page's
    client holds the identity: two refreshers of one chain would race each other)."""
    if record.identity is None or record.state not in REFRESHABLE or record.browser_held:
        return None
    return due_at(record.policy, timing(record), record.interval_ms)


def snapshot(record: UserRecord) -> UserSnapshot:
    """The public view of a record."""
    return UserSnapshot(
        user=record.user,
        state=record.state,
        identity=record.identity,
        policy=record.policy,
        next_refresh_ms=due(record),
        attempts=record.attempts,
        last_error=record.last_error,
        chain=record.chain,
        identity_set_ms=record.identity_set_ms,
        interval_ms=record.interval_ms,
        browser_held=record.browser_held,
    )


class UserBook:
    """Records by user id, in the order users were added, with one lock per user.

    Attributes:
        records: the current record of every user (read-only for callers).
    """

    def __init__(
        self,
        store: AsyncUserStore,
        recorder: JournalRecorder,
        hub: EventHub[DeskEvent],
        clock: Clock,
        records: list[UserRecord],
    ) -> None:
        self.records = {r.user.id: r for r in records}
        self._store = store
        self._rec = recorder
        self._hub = hub
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}

    def get(self, user_id: str) -> UserRecord:
        """The user's record, or an error saying they are not on the desk."""
        try:
            return self.records[user_id]
        except KeyError:
            raise InputError(
                f"There is no test user {user_id!r} on this desk (was it removed?)."
            ) from None

    def find(
        self, hash_b64: str, identity_type: IdentityType, environment: str
    ) -> UserRecord | None:
        """The user with this DII on this environment, if already on the desk."""
        for record in self.records.values():
            u = record.user
            if (u.hash_b64, u.kind.identity_type, u.environment) == (
                hash_b64,
                identity_type,
                environment,
            ):
                return record
        return None

    def lock(self, user_id: str) -> asyncio.Lock:
        """The lock that serialises operations on one user."""
        return self._locks.setdefault(user_id, asyncio.Lock())

    async def commit(self, record: UserRecord) -> UserRecord:
        """Store the record and tell subscribers."""
        await self._store.save(record)
        self.records[record.user.id] = record
        self._hub.emit(UserChanged(snapshot(record)))
        return record

    def notice(self, level: NoticeLevel, message: str, record: UserRecord | None = None) -> None:
        """Tell subscribers something a person should read (about ``record``'s user, if any)."""
        self._hub.emit(Notice(level, message, record.user.id if record else None))

    async def remove(self, user_id: str) -> None:
        """Delete the user everywhere and tell subscribers."""
        await self._store.remove(user_id)
        del self.records[user_id]
        self._locks.pop(user_id, None)
        self._hub.emit(UserRemoved(user_id))

    async def move(
        self,
        record: UserRecord,
        state: UserState,
        cause: str,
        *,
        step: str | None = None,
        force: bool = False,
    ) -> UserRecord:
        """Change the state, journaling it (``force``: journal even if the state is unchanged).

        Returns the changed record without committing it: callers usually change more.
        """
        if state is record.state and not force:
            return record
        await self._rec.state_changed(record.user, record.state, state, cause, step=step)
        return replace(record, state=state)

    async def apply_time(self, record: UserRecord) -> UserRecord:
        """Move the state on by the clock, journal and commit it if it moved."""
        moved = state_at(record.state, record.identity, self._clock.now_ms())
        if moved is None:
            return record
        return await self.commit(await self.move(record, moved.state, moved.cause))

    async def link(
        self,
        record: UserRecord,
        action: str,
        result: TokenResult | None,
        error: Uid2DeskError | None,
        seq: int,
    ) -> UserRecord:
        """Append a generate/refresh to the user's chain (stored at once)."""
        if error is not None:
            outcome = getattr(error, "status", None) or type(error).__name__
        else:
            assert result is not None
            outcome = result.status.value
        token = result.identity.advertising_token if result and result.identity else None
        link = ChainLink(self._clock.now_ms(), action, outcome, token, seq)
        await self._store.add_link(record.user.id, link)
        return replace(record, chain=(*record.chain, link))

    async def add_link(self, record: UserRecord, link: ChainLink) -> UserRecord:
        """Append ``link`` to the user's chain (stored at once); e.g. a browser's refresh."""
        await self._store.add_link(record.user.id, link)
        return replace(record, chain=(*record.chain, link))

    async def close(self) -> None:
        """Close the store."""
        await self._store.close()

"""The publisher server of the desk: test users, their identities, refresh policies.

One :class:`Publisher` per desk. It does what a publisher's server does in a server-only UID2
integration (sign in, store the identity, refresh it, validate it, forget it on logout),
journals every exchange and state change, and notifies subscribers. It holds no Qt and does
no blocking I/O on the event loop: the operator calls go through the async client, the
identity store and the journal run on worker threads.

Errors raise :class:`~uid2_desk.protocol.errors.Uid2DeskError` subclasses with messages for a
person; the user's identity is never lost on an error and the failed exchange is journaled.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from uid2_desk.client.environments import Environment, ensure_same_environment
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.client.results import TokenResult
from uid2_desk.journal import AsyncJournal, JournalEntry, new_session_id
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import CredentialsError, InputError, OperatorError, Uid2DeskError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import Dii, DiiKind, parse_dii
from uid2_desk.publisher import book
from uid2_desk.publisher.book import UserBook
from uid2_desk.publisher.events import EventHub
from uid2_desk.publisher.model import (
    DeskEvent,
    EntryAppended,
    Notice,
    NoticeLevel,
    TestUser,
    UserSnapshot,
    UserState,
)
from uid2_desk.publisher.outcomes import is_rate_limited, rate_limited, refresh_failure
from uid2_desk.publisher.policy import PolicyKind, retry_delay_ms, returning_user_refreshes
from uid2_desk.publisher.recorder import Event, JournalRecorder, Step
from uid2_desk.publisher.store import AsyncUserStore, UserRecord


class Publisher:
    """Owns the test users, their identities, the journal writes and the refresh policies.

    Attributes:
        journal: the journal every exchange and event goes to.
        environment: where this desk session talks to.
        clock: the desk clock (shared with the local operator for time warp).
        session: this desk session's id, written on every journal entry.
        client: the operator client, or ``None`` until credentials are known.
    """

    def __init__(
        self,
        *,
        store: AsyncUserStore,
        journal: AsyncJournal,
        environment: Environment,
        clock: Clock,
        client: OperatorClient | None,
        session: str,
        records: list[UserRecord],
    ) -> None:
        self.journal = journal
        self.environment = environment
        self.clock = clock
        self.session = session
        self.client = client
        self._hub: EventHub[DeskEvent] = EventHub()
        self._rec = JournalRecorder(
            journal, session=session, environment=environment.id, clock=clock
        )
        self._book = UserBook(store, self._rec, self._hub, clock, records)
        self._tick_lock = asyncio.Lock()
        journal.add_listener(self._on_entry)

    @classmethod
    async def open(
        cls,
        data_dir: Path,
        *,
        journal: AsyncJournal,
        environment: Environment,
        clock: Clock,
        client: OperatorClient | None,
        session: str | None = None,
        returning: bool = True,
    ) -> Publisher:
        """Open the user store in ``data_dir``; with ``returning``, every user comes back."""
        store = await AsyncUserStore.open(data_dir)
        publisher = cls(
            store=store,
            journal=journal,
            environment=environment,
            clock=clock,
            client=client,
            session=session or new_session_id(clock.now_ms(), secrets.token_hex(2)),
            records=await store.load(),
        )
        if returning:
            await publisher.all_users_return()
        return publisher

    async def close(self) -> None:
        """Stop listening to the journal and close the user store (the journal stays open)."""
        self.journal.remove_listener(self._on_entry)
        await self._book.close()

    # -- queries --------------------------------------------------------------------------

    def users(self) -> list[UserSnapshot]:
        """Every user, in the order they were added."""
        return [book.snapshot(r) for r in self._book.records.values()]

    def snapshot(self, user_id: str) -> UserSnapshot:
        """One user's current snapshot."""
        return book.snapshot(self._book.get(user_id))

    def subscribe(self, callback: Callable[[DeskEvent], None]) -> Callable[[], None]:
        """Call ``callback`` with every :data:`DeskEvent`; returns the unsubscribe function."""
        return self._hub.subscribe(callback)

    def next_wakeup_ms(self) -> int | None:
        """The earliest future moment something time-driven happens (a state or a policy)."""
        now = self.clock.now_ms()
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

    # -- operations -----------------------------------------------------------------------

    async def record_event(
        self,
        name: str,
        *,
        user_id: str | None = None,
        summary: str,
        outcome: str | None = None,
        detail: Mapping[str, str] | None = None,
    ) -> JournalEntry:
        """Journal something another part of the desk did (an admin opt-out, a fault...).

        The entry carries this session and environment, like the publisher's own.
        """
        user = None if user_id is None else self._book.get(user_id).user
        return await self._rec.event(name, user, summary=summary, outcome=outcome, detail=detail)

    def use_client(self, client: OperatorClient) -> None:
        """Talk through ``client`` from now on (e.g. once credentials were entered)."""
        if client.environment.id != self.environment.id:
            raise InputError(
                f"That client talks to {client.environment.display_name}, but this desk session "
                f"is on {self.environment.display_name}; restart the desk with --env to switch."
            )
        self.client = client

    async def sign_in(
        self, kind: DiiKind, raw: str, *, send_raw: bool = False, label: str | None = None
    ) -> UserSnapshot:
        """Sign a test user in: ``/v2/token/generate``, and store what comes back (1-b…1-f)."""
        dii = parse_dii(kind, raw)
        client = self._require_client()
        existing = self._book.find(dii.hash_b64, dii.identity_type, self.environment.id)
        if existing is None:
            user = self._new_user(dii, send_raw, label)
            await self._book.commit(UserRecord(user=user, state=UserState.NO_IDENTITY))
        else:
            user = replace(
                existing.user,
                kind=dii.kind,
                entered=dii.entered,
                normalized=dii.normalized,
                send_raw=send_raw,
                label=label or existing.user.label,
            )
        async with self._book.lock(user.id):
            record = replace(self._book.get(user.id), user=user)
            await self._rec.event(
                Event.SIGN_IN_REQUESTED,
                user,
                step=Step.LOGIN_REQUEST,
                summary=f"{user.label} signs in; the publisher asks the operator for a token",
                detail={"kind": str(dii.kind), "sent": dii.request_field(send_raw=send_raw)[0]},
            )
            outcome = await client.generate(dii, send_raw=send_raw)
            entry = await self._rec.exchange(outcome.exchange, user, Step.GENERATE)
            record = await self._book.link(
                record, "generate", outcome.value, outcome.error, entry.seq
            )
            if outcome.error is not None:
                await self._book.commit(replace(record, last_error=str(outcome.error)))
                raise outcome.error
            assert outcome.value is not None
            record = await self._apply_token_result(record, outcome.value, generated=True)
            return book.snapshot(record)

    async def refresh(self, user_id: str) -> UserSnapshot:
        """Refresh the user's identity now (``/v2/token/refresh``, 3-b…3-d)."""
        async with self._book.lock(user_id):
            record = await self._refresh(self._book.get(user_id), trigger="manual")
            return book.snapshot(record)

    async def validate(self, user_id: str) -> bool:
        """Ask the operator whether the user's advertising token belongs to their DII."""
        async with self._book.lock(user_id):
            record = self._book.get(user_id)
            identity = _require_identity(record, "validate")
            client = await self._checked_client(record)
            user = record.user
            dii = parse_dii(user.kind, user.entered)
            outcome = await client.validate(identity.advertising_token, dii, send_raw=user.send_raw)
            await self._rec.exchange(outcome.exchange, user, None)
            if outcome.error is not None:
                await self._book.commit(replace(record, last_error=str(outcome.error)))
                raise outcome.error
            if record.last_error is not None:
                await self._book.commit(replace(record, last_error=None))
            return bool(outcome.value)

    async def log_out(self, user_id: str) -> UserSnapshot:
        """The user logs out: forget the identity. No operator call (4-a, 4-b)."""
        async with self._book.lock(user_id):
            record = self._book.get(user_id)
            await self._rec.event(
                Event.LOGOUT,
                record.user,
                step=Step.LOGOUT,
                summary=f"{record.user.label} logs out; the publisher deletes the identity",
            )
            record = replace(
                record,
                identity=None,
                identity_set_ms=None,
                attempts=0,
                last_attempt_ms=None,
                last_error=None,
            )
            record = await self._book.move(
                record,
                UserState.NO_IDENTITY,
                "user logged out",
                step=Step.IDENTITY_CLEARED,
                force=True,
            )
            return book.snapshot(await self._book.commit(record))

    async def set_policy(
        self, user_id: str, policy: PolicyKind, *, interval_ms: int | None = None
    ) -> UserSnapshot:
        """Choose how the user's identity is refreshed from now on."""
        if interval_ms is not None and interval_ms < 1000:
            raise InputError("A refresh interval must be at least one second.")
        async with self._book.lock(user_id):
            record = self._book.get(user_id)
            new = replace(record, policy=policy, interval_ms=interval_ms or record.interval_ms)
            await self._rec.event(
                Event.POLICY,
                record.user,
                summary=f"{record.user.label}: refresh {record.policy.label} → {policy.label}",
                detail={
                    "from": record.policy.value,
                    "to": policy.value,
                    "interval_ms": str(new.interval_ms),
                },
            )
            return book.snapshot(await self._book.commit(new))

    async def remove_user(self, user_id: str) -> None:
        """Remove the user and their identity from the desk."""
        async with self._book.lock(user_id):
            self._book.get(user_id)
            await self._book.remove(user_id)

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
                and record.identity is not None
                and record.state in book.REFRESHABLE
                and returning_user_refreshes(book.timing(record), self.clock.now_ms())
            ):
                record = await self._refresh(record, trigger="user returned")
            elif record.state is UserState.REFRESH_EXPIRED:
                self._notice(
                    "info",
                    f"{record.user.label} must sign in again: the refresh token has expired.",
                    record,
                )
            return book.snapshot(record)

    async def all_users_return(self) -> None:
        """Every user of this environment with an identity comes back (the desk reopened)."""
        for user_id, record in list(self._book.records.items()):
            if record.identity is None or record.user.environment != self.environment.id:
                continue
            try:
                await self.user_returns(user_id)
            except Uid2DeskError as exc:
                self._notice("warning", f"{record.user.label} returned, but: {exc}", record)

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
                    record = await self._book.apply_time(record)
                    due = book.due(record)
                    if due is None or due > self.clock.now_ms() or not self._same_realm(record):
                        continue
                    try:
                        await self._refresh(record, trigger=f"policy {record.policy.value}")
                    except Uid2DeskError as exc:
                        self._auto_failure_notice(user_id, exc)

    # -- internals ------------------------------------------------------------------------

    async def _refresh(self, record: UserRecord, *, trigger: str) -> UserRecord:
        identity = _require_identity(record, "refresh")
        client = await self._checked_client(record)
        outcome = await client.refresh(identity)
        entry = await self._rec.exchange(outcome.exchange, record.user, Step.REFRESH)
        record = await self._book.link(record, "refresh", outcome.value, outcome.error, entry.seq)
        if outcome.error is not None:
            now = self.clock.now_ms()
            error = outcome.error
            failure = refresh_failure(
                error, now_ms=now, refresh_expires_ms=identity.refresh_expires_ms
            )
            record = replace(record, attempts=record.attempts + 1, last_attempt_ms=now)
            if failure.state is not None:
                cause = f"{failure.cause} ({trigger})"
                record = await self._book.move(record, failure.state, cause)
            if isinstance(error, OperatorError) and is_rate_limited(error):
                due = book.due(record)
                error = rate_limited(error, retry_in_ms=None if due is None else due - now)
            await self._book.commit(replace(record, last_error=str(error)))
            if error is not outcome.error:
                raise error from outcome.error
            raise error
        assert outcome.value is not None
        return await self._apply_token_result(record, outcome.value, generated=False)

    async def _apply_token_result(
        self, record: UserRecord, result: TokenResult, *, generated: bool
    ) -> UserRecord:
        call = "generate" if generated else "refresh"
        base = replace(record, attempts=0, last_attempt_ms=None, last_error=None)
        if result.identity is not None:
            record = replace(base, identity=result.identity, identity_set_ms=self.clock.now_ms())
            await self._rec.event(
                Event.IDENTITY_SET,
                record.user,
                step=Step.IDENTITY_SET if generated else Step.REFRESHED_IDENTITY_SET,
                outcome="success",
                summary=f"The publisher stores {record.user.label}'s new identity",
            )
            new_state = UserState.ESTABLISHED if generated else UserState.REFRESHED
            record = await self._book.move(
                record, new_state, f"{call} answered success", force=True
            )
        elif result.is_optout:
            record = replace(base, identity=None, identity_set_ms=None)
            record = await self._book.move(record, UserState.OPTED_OUT, f"{call} answered optout")
        else:
            message = (
                f"The operator answered {result.status.value} for {record.user.label}: no token "
                "without the user's consent (EUID needs a TCF string granting it)."
            )
            record = replace(record, last_error=message)
            self._notice("warning", message, record)
        return await self._book.commit(record)

    async def _checked_client(self, record: UserRecord) -> OperatorClient:
        try:
            ensure_same_environment(record.user.environment, self.environment)
        except Uid2DeskError as exc:
            await self._rec.event(
                Event.REFUSED,
                record.user,
                outcome="error",
                summary=str(exc),
                detail={"issued_by": record.user.environment, "using": self.environment.id},
            )
            await self._book.commit(replace(record, last_error=str(exc)))
            raise
        return self._require_client()

    def _require_client(self) -> OperatorClient:
        if self.client is None:
            raise CredentialsError(
                f"No credentials for {self.environment.display_name} yet: enter an API key and "
                "secret (or set UID2_API_KEY and UID2_SECRET) before calling the operator."
            )
        return self.client

    def _same_realm(self, record: UserRecord) -> bool:
        try:
            ensure_same_environment(record.user.environment, self.environment)
        except Uid2DeskError:
            return False
        return True

    def _new_user(self, dii: Dii, send_raw: bool, label: str | None) -> TestUser:
        return TestUser(
            id=secrets.token_hex(6),
            kind=dii.kind,
            entered=dii.entered,
            normalized=dii.normalized,
            hash_b64=dii.hash_b64,
            environment=self.environment.id,
            label=label or dii.normalized or dii.entered,
            send_raw=send_raw,
        )

    def _on_entry(self, entry: JournalEntry) -> None:
        self._hub.emit(EntryAppended(entry))

    def _notice(self, level: NoticeLevel, message: str, record: UserRecord | None = None) -> None:
        self._hub.emit(Notice(level, message, record.user.id if record else None))

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
        self._notice("warning", f"Automatic refresh of {label} failed: {exc}{then}", record)


def _require_identity(record: UserRecord, what: str) -> Identity:
    if record.identity is None:
        why = "has opted out" if record.state is UserState.OPTED_OUT else "is not signed in"
        raise InputError(
            f"{record.user.label} {why}, so there is no identity to {what}; sign them in first."
        )
    return record.identity

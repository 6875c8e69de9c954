"""The publisher server of the desk: test users, their identities, refresh policies.

One :class:`Publisher` per desk does what a publisher's server does in a server-only UID2
integration (sign in, store, refresh, validate, forget on logout), journals every exchange and
state change, and notifies subscribers. No Qt, no blocking I/O on the loop (threads do it).

Errors raise :class:`~uid2_desk.protocol.errors.Uid2DeskError` subclasses, for a person; the
identity is never lost on an error and the failed exchange is journaled.

The :class:`Publisher` is the one entry point; behind it, :class:`~.calls.OperatorCalls` calls
the operator, :class:`~.policy_runner.PolicyRunner` runs the policies, :class:`~.handoff.HandOffs`
follows handed-off identities, :class:`~.book.UserBook` keeps it all.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from uid2_desk.client.cstg_client import CstgClient
from uid2_desk.client.cstg_site import DESK_ORIGIN
from uid2_desk.client.environments import Environment
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.journal import AsyncJournal, JournalEntry, new_session_id
from uid2_desk.protocol.cancel_safe import undone_on_failure
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import InputError
from uid2_desk.protocol.normalize import DiiKind, parse_dii
from uid2_desk.publisher import book
from uid2_desk.publisher.async_user_store import AsyncUserStore
from uid2_desk.publisher.book import UserBook
from uid2_desk.publisher.calls import OperatorCalls
from uid2_desk.publisher.events import EventHub
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.handoff import HandOffs
from uid2_desk.publisher.model import (
    DeskEvent,
    EntryAppended,
    JournalBehind,
    SignInMode,
    UserSnapshot,
    UserState,
)
from uid2_desk.publisher.policy_change import change_policy
from uid2_desk.publisher.recorder import ClientStep, Event, JournalRecorder, Step
from uid2_desk.publisher.refresh.policy import PolicyKind
from uid2_desk.publisher.refresh.runner import PolicyRunner
from uid2_desk.publisher.sign_in_user import signing_in
from uid2_desk.publisher.user_record import UserRecord

#: Who asks the operator for the first token, by sign-in mode.
_ASKER = {SignInMode.SERVER: "the publisher", SignInMode.CLIENT: "the app's UID2 SDK"}


class Publisher:
    """Owns the test users, their identities, the journal writes and the refresh policies.

    Attributes:
        journal: the journal every exchange and event goes to.
        environment: where this desk session talks to.
        clock: the desk clock (shared with the local operator for time warp).
        session: this desk session's id, written on every journal entry.
        client: the operator client, or ``None`` until credentials are known.
        guide: the integration guide played (its API and step numbers).
        handoffs: the identities handed to a web page, which the desk follows.
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
        guide: Guide = Guide.SERVER_ONLY,
    ) -> None:
        self.journal = journal
        self.guide = guide
        self.environment = environment
        self.clock = clock
        self.session = session
        self.client = client
        self._hub: EventHub[DeskEvent] = EventHub()
        self._rec = JournalRecorder(
            journal, session=session, environment=environment.id, clock=clock, guide=guide
        )
        self._rec.backlog.on_change = lambda *behind: self._hub.emit(JournalBehind(*behind))
        self._book = UserBook(store, self._rec, self._hub, clock, records)
        self.device: CstgClient | None = None
        self._calls = OperatorCalls(
            self._book,
            self._rec,
            clock,
            environment,
            lambda: self.client,
            device=lambda: self.device,
        )
        self._policies = PolicyRunner(self._book, self._rec, self._calls, clock)
        self._finding_user = asyncio.Lock()
        self.handoffs = HandOffs(self._book, self._rec, clock)
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
        guide: Guide = Guide.SERVER_ONLY,
    ) -> Publisher:
        """Open the user store in ``data_dir``; with ``returning``, every user comes back."""
        store, records = await AsyncUserStore.open_loaded(data_dir)
        publisher = cls(
            store=store,
            journal=journal,
            environment=environment,
            clock=clock,
            client=client,
            session=session or new_session_id(clock.now_ms(), secrets.token_hex(2)),
            records=records,
            guide=guide,
        )
        if returning:  # failed or cancelled: the store's thread must not outlive the opening
            await undone_on_failure(publisher.all_users_return(), publisher.close)
        return publisher

    async def close(self) -> None:
        """Journal what waits (briefly), stop listening, close the user store (not the journal)."""
        await self._rec.backlog.flush(timeout_s=2.0)
        self.journal.remove_listener(self._on_entry)
        await self._book.close()

    def users(self) -> list[UserSnapshot]:
        """Every user, in the order they were added."""
        return [book.snapshot(r) for r in self._book.records.values()]

    def snapshot(self, user_id: str) -> UserSnapshot:
        """One user's current snapshot."""
        return book.snapshot(self._book.get(user_id))

    def subscribe(self, callback: Callable[[DeskEvent], None]) -> Callable[[], None]:
        """Call ``callback`` with every :data:`DeskEvent`; returns the unsubscribe function."""
        return self._hub.subscribe(callback)

    @property
    def journal_behind(self) -> int:
        """How many entries wait for the journal (a :class:`JournalBehind` tells each change)."""
        return self._rec.backlog.behind

    def next_wakeup_ms(self) -> int | None:
        """The earliest future moment something time-driven happens (a state or a policy)."""
        return self._policies.next_wakeup_ms()

    # -- operations -----------------------------------------------------------------------

    async def record_event(
        self,
        name: str,
        *,
        user_id: str | None = None,
        summary: str,
        outcome: str | None = None,
        detail: Mapping[str, str] | None = None,
    ) -> JournalEntry | None:
        """Journal something another part of the desk did (an admin opt-out, a fault...).

        The entry carries this session and environment; ``None`` if it waits for the journal.
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

    def use_device(self, device: CstgClient | None) -> None:
        """Sign users in client-side through ``device`` (the site's CSTG settings) from now on."""
        self.device = device

    async def sign_in(
        self,
        kind: DiiKind,
        raw: str,
        *,
        send_raw: bool = False,
        label: str | None = None,
        mode: SignInMode = SignInMode.SERVER,
        app_name: str | None = None,
        origin: str | None = None,
    ) -> UserSnapshot:
        """Sign a test user in and store what comes back (1-b…1-f).

        Server-side: the publisher's ``/v2/token/generate``. Client-side: the device's SDK
        seals the DII hash for ``/v2/token/client-generate`` as an app (``app_name``) or a web
        page (``origin``), as :class:`~uid2_desk.client.cstg_client.CstgClient` does.
        """
        dii = parse_dii(kind, raw)
        on_device = mode is SignInMode.CLIENT
        self._calls.require_for(mode)  # before a new user is listed: no credentials, no user
        device = (app_name or origin or DESK_ORIGIN) if on_device else ""
        # One lock over lookup and creation: two sign-ins of one address at once make one user.
        async with self._finding_user:
            existing = self._book.find(dii.hash_b64, dii.identity_type, self.environment.id)
            user = signing_in(
                existing.user if existing is not None else None,
                dii,
                environment=self.environment.id,
                send_raw=send_raw,
                label=label,
                mode=mode,
                device=device,
            )
            if existing is None:
                await self._book.commit(UserRecord(user=user, state=UserState.NO_IDENTITY))
        async with self._book.lock(user.id):
            record = replace(self._book.get(user.id), user=user, browser_held=False)  # desk's own
            await self._rec.event(
                Event.SIGN_IN_REQUESTED,
                user,
                step=ClientStep.ON_DEVICE if on_device else Step.LOGIN_REQUEST,
                summary=f"{user.label} signs in; {_ASKER[mode]} asks the operator for a token",
                detail={"kind": str(dii.kind), "sent": dii.request_field(send_raw=send_raw)[0]}
                | {"mode": mode.value},
            )
            if on_device:
                record = await self._calls.generate_on_device(record, dii, app_name, origin)
            else:
                record = await self._calls.generate(record, dii, send_raw=send_raw)
            return book.snapshot(record)

    async def refresh(self, user_id: str) -> UserSnapshot:
        """Refresh the user's identity now (``/v2/token/refresh``, 3-b…3-d)."""
        async with self._book.lock(user_id):
            record = await self._calls.refresh(self._book.get(user_id), trigger="manual")
            return book.snapshot(record)

    async def validate(self, user_id: str) -> bool:
        """Ask the operator whether the user's advertising token belongs to their DII."""
        async with self._book.lock(user_id):
            return await self._calls.validate(self._book.get(user_id))

    async def log_out(self, user_id: str) -> UserSnapshot:
        """The user logs out: forget the identity. No operator call (4-a, 4-b).

        A user who opted out stays *Opted out*: logging out forgets an identity, not the
        user's choice (the badge and the user's history keep it).
        """
        async with self._book.lock(user_id):
            return book.snapshot(await self._calls.forget(self._book.get(user_id)))

    async def set_policy(
        self, user_id: str, policy: PolicyKind, *, interval_ms: int | None = None
    ) -> UserSnapshot:
        """Choose how the user's identity is refreshed from now on (not while browser-held)."""
        if interval_ms is not None and interval_ms < 1000:
            raise InputError("A refresh interval must be at least one second.")
        async with self._book.lock(user_id):
            record = await change_policy(self._rec, self._book.get(user_id), policy, interval_ms)
            return book.snapshot(await self._book.commit(record))

    async def remove_user(self, user_id: str) -> None:
        """Remove the user and their identity from the desk."""
        async with self._book.lock(user_id):
            self._book.get(user_id)
            self.handoffs.release(user_id)
            await self._book.remove(user_id)

    async def user_returns(self, user_id: str) -> UserSnapshot:
        """The user comes back to the site (3-a); the on-return policy refreshes if due."""
        return await self._policies.user_returns(user_id)

    async def all_users_return(self) -> None:
        """Every user of this environment with an identity comes back (the desk reopened)."""
        await self._policies.all_users_return()

    async def tick(self) -> None:
        """Move states on by the clock and run the policies that are due, at ``clock.now_ms()``."""
        await self._policies.tick()

    # -- internals ------------------------------------------------------------------------

    def _on_entry(self, entry: JournalEntry) -> None:
        self.handoffs.on_entry(entry)
        self._hub.emit(EntryAppended(entry))

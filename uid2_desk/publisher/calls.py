"""The publisher's calls to the operator for one user: generate, refresh, validate.

A client-side user's generate and refreshes are the device's (:class:`CstgClient`, no API
key), as the UID2 SDKs make them; the record and the journal are kept the same way.

Each call journals its exchange, links generates and refreshes into the user's chain and
applies the answer to the user's record (identity, state, attempts, last error) through the
:class:`~uid2_desk.publisher.book.UserBook`. Callers hold the user's lock. A failed call
commits the record (the identity kept unless the answer ended it) and raises the error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from uid2_desk.client.cstg_client import CstgClient
from uid2_desk.client.environments import Environment, ensure_same_environment
from uid2_desk.client.operator_client import OperatorClient
from uid2_desk.client.results import Outcome, TokenResult
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.errors import CredentialsError, InputError, OperatorError, Uid2DeskError
from uid2_desk.protocol.identity import Identity
from uid2_desk.protocol.normalize import Dii, parse_dii
from uid2_desk.publisher import book
from uid2_desk.publisher.book import UserBook
from uid2_desk.publisher.handoff import HELD_REFRESH
from uid2_desk.publisher.model import SignInMode, UserState
from uid2_desk.publisher.outcomes import is_rate_limited, rate_limited, refresh_failure
from uid2_desk.publisher.recorder import ClientStep, Event, JournalRecorder, Step
from uid2_desk.publisher.user_record import UserRecord


class OperatorCalls:
    """Generate, refresh and validate for a user record, journaled, their answers applied.

    Attributes:
        environment: the desk session's environment; identities of another are refused.
    """

    def __init__(
        self,
        user_book: UserBook,
        recorder: JournalRecorder,
        clock: Clock,
        environment: Environment,
        client: Callable[[], OperatorClient | None],
        *,
        device: Callable[[], CstgClient | None] = lambda: None,
    ) -> None:
        self.environment = environment
        self._book = user_book
        self._rec = recorder
        self._clock = clock
        self._client = client  # read at each call: credentials may arrive (or change) later
        self._device = device  # the same for the client-side site settings

    async def generate(self, record: UserRecord, dii: Dii, *, send_raw: bool) -> UserRecord:
        """``/v2/token/generate`` for the user's DII; store what comes back (1-d…1-f)."""
        outcome = await self.require_client().generate(dii, send_raw=send_raw)
        return await self._generated(record, outcome)

    async def generate_on_device(
        self, record: UserRecord, dii: Dii, app_name: str | None, origin: str | None
    ) -> UserRecord:
        """``/v2/token/client-generate`` from the user's device (CSTG); store what comes back."""
        outcome = await self.require_device().generate(dii, app_name=app_name, origin=origin)
        return await self._generated(record, outcome)

    async def _generated(self, record: UserRecord, outcome: Outcome[TokenResult]) -> UserRecord:
        step = ClientStep.GENERATE if _on_device(record) else Step.GENERATE
        entry = await self._rec.exchange(outcome.exchange, record.user, step)
        seq = 0 if entry is None else entry.seq  # 0: the journal was behind (see recorder)
        record = await self._book.link(record, "generate", outcome.value, outcome.error, seq)
        if outcome.error is not None:
            await self._book.commit(replace(record, last_error=str(outcome.error)))
            raise outcome.error
        assert outcome.value is not None
        return await self._apply_token_result(record, outcome.value, generated=True)

    async def refresh(self, record: UserRecord, *, trigger: str) -> UserRecord:
        """``/v2/token/refresh`` with the user's refresh token (3-b…3-d).

        A failure counts an attempt; only an answer about the token itself moves the state
        (see :func:`~uid2_desk.publisher.outcomes.refresh_failure`).
        """
        identity = require_identity(record, "refresh")
        if record.browser_held:
            raise InputError(HELD_REFRESH)  # the browser's client refreshes it; the desk follows
        client: OperatorClient | CstgClient
        if record.user.mode is SignInMode.CLIENT:
            # The device's SDK refreshes its own identity, without the publisher's API key.
            await self._checked_realm(record)
            client = self.require_device()
        else:
            client = await self._checked_client(record)
        outcome = await client.refresh(identity)
        step = ClientStep.REFRESH if _on_device(record) else Step.REFRESH
        entry = await self._rec.exchange(outcome.exchange, record.user, step)
        seq = 0 if entry is None else entry.seq
        record = await self._book.link(record, "refresh", outcome.value, outcome.error, seq)
        if outcome.error is None:
            assert outcome.value is not None
            return await self._apply_token_result(record, outcome.value, generated=False)
        now = self._clock.now_ms()
        error = outcome.error
        failure = refresh_failure(error, now_ms=now, refresh_expires_ms=identity.refresh_expires_ms)
        record = replace(record, attempts=record.attempts + 1, last_attempt_ms=now)
        if failure.state is not None:
            record = await self._book.move(record, failure.state, f"{failure.cause} ({trigger})")
        if isinstance(error, OperatorError) and is_rate_limited(error):
            due = book.due(record)
            error = rate_limited(error, retry_in_ms=None if due is None else due - now)
        await self._book.commit(replace(record, last_error=str(error)))
        if error is not outcome.error:
            raise error from outcome.error
        raise error

    async def validate(self, record: UserRecord) -> bool:
        """Ask the operator whether the user's advertising token belongs to their DII."""
        identity = require_identity(record, "validate")
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

    def require_client(self) -> OperatorClient:
        """The operator client, or an error saying credentials are needed first."""
        client = self._client()
        if client is None:
            raise CredentialsError(
                f"No credentials for {self.environment.display_name} yet: enter an API key and "
                "secret (or set UID2_API_KEY and UID2_SECRET) before calling the operator."
            )
        return client

    async def forget(self, record: UserRecord) -> UserRecord:
        """The user logs out: the publisher (or the app) deletes the identity (4-a, 4-b)."""
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
            browser_held=False,
        )
        if record.state is UserState.OPTED_OUT:  # opted out stays opted out: nothing to journal
            return await self._book.commit(record)
        record = await self._book.move(
            record, UserState.NO_IDENTITY, "user logged out", step=Step.IDENTITY_CLEARED, force=True
        )
        return await self._book.commit(record)

    def require_for(self, mode: SignInMode) -> None:
        """Raise what :meth:`require_client` or :meth:`require_device` raises for ``mode``."""
        if mode is SignInMode.CLIENT:
            self.require_device()
        else:
            self.require_client()

    def require_device(self) -> CstgClient:
        """The device's client-side client, or an error saying what it needs first."""
        device = self._device()
        if device is None:
            raise CredentialsError(
                f"No client-side settings for {self.environment.display_name} yet: enter the "
                "site's subscription id and server public key (Environments dialog, or set "
                "UID2_CSTG_SUBSCRIPTION_ID and UID2_CSTG_SERVER_PUBLIC_KEY) to sign in "
                "client-side."
            )
        return device

    def same_realm(self, record: UserRecord) -> bool:
        """Whether the user's identity was issued by this session's environment."""
        try:
            ensure_same_environment(record.user.environment, self.environment)
        except Uid2DeskError:
            return False
        return True

    async def _apply_token_result(
        self, record: UserRecord, result: TokenResult, *, generated: bool
    ) -> UserRecord:
        call = "generate" if generated else "refresh"
        base = replace(record, attempts=0, last_attempt_ms=None, last_error=None)
        step = Step.IDENTITY_SET if generated else Step.REFRESHED_IDENTITY_SET
        keeper = "The publisher"
        if _on_device(record):  # the SDK keeps the identity on the device: a note, no arrow
            step, keeper = ClientStep.ON_DEVICE, "The app's UID2 SDK"
        if result.identity is not None:
            record = replace(base, identity=result.identity, identity_set_ms=self._clock.now_ms())
            await self._rec.event(
                Event.IDENTITY_SET,
                record.user,
                step=step,
                outcome="success",
                summary=f"{keeper} stores {record.user.label}'s new identity",
            )
            new_state = UserState.ESTABLISHED if generated else UserState.REFRESHED
            record = await self._book.move(
                record, new_state, f"{call} answered success", force=True
            )
        elif result.is_optout:
            # The consequence of the optout answer is the guide's next step: no identity is
            # stored (1-f) or the stored one is dropped (3-d), and the device gets no UID2.
            record = replace(base, identity=None, identity_set_ms=None)
            record = await self._book.move(
                record, UserState.OPTED_OUT, f"{call} answered optout", step=step
            )
        else:
            message = (
                f"The operator answered {result.status.value} for {record.user.label}: no token "
                "without the user's consent (EUID needs a TCF string granting it)."
            )
            record = replace(record, last_error=message)
            self._book.notice("warning", message, record)
        return await self._book.commit(record)

    async def _checked_client(self, record: UserRecord) -> OperatorClient:
        await self._checked_realm(record)
        return self.require_client()

    async def _checked_realm(self, record: UserRecord) -> None:
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


def _on_device(record: UserRecord) -> bool:
    return record.user.mode is SignInMode.CLIENT


def require_identity(record: UserRecord, what: str) -> Identity:
    """The user's identity, or an error saying there is none to ``what``."""
    if record.identity is None:
        why = "has opted out" if record.state is UserState.OPTED_OUT else "is not signed in"
        raise InputError(
            f"{record.user.label} {why}, so there is no identity to {what}; sign them in first."
        )
    return record.identity

"""How the publisher writes to the journal: one place that knows step numbers and event names.

Step numbers follow the server-only guide (design.md §5) and event names are the ones
:mod:`uid2_desk.walkthrough.layout` draws: ``sign_in_requested`` at 1-b (drawn as 1-a…1-c),
the generate exchange at 1-d (its reply 1-e), ``identity_set`` at 1-f or 3-d, ``bid`` at 2-a
(drawn as 2-a…2-c), ``user_returns`` at 3-a, the refresh exchange at 3-b (reply 3-c),
``logout`` at 4-a and ``state_changed`` at 4-b for the identity being cleared. An ``optout``
answer is followed by ``state_changed`` to ``opted_out`` at 1-f (generate: no identity) or
3-d (refresh: the identity is dropped), drawn as that step in the opt-out colour. Other state
changes, policy changes and refusals carry no step and are drawn as notes, captioned by their
summary (a state change's cause, journaled in its ``cause`` detail, on a line of its own).
A legacy guide renumbers the steps as they are written (:mod:`~uid2_desk.publisher.guides`).

What the desk does on its own (users returning when it reopens, a refresh policy that is
due, the clock moving a state on, polling, following a browser) runs inside
:func:`automatic`, and every entry recorded meanwhile carries its reason in the ``why``
detail (:data:`~uid2_desk.journal.model.WHY_DETAIL`), e.g. ``Automatic: restored at start-up
from the data folder``: no row appears that nobody can account for.

Appends go through a :class:`~uid2_desk.journal.backlog.JournalBacklog`: a journal that
stalls or fails never holds up, or throws away, the operator answer being recorded; its entry
waits and is retried, and ``None`` is returned in place of the entry meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from uid2_desk.journal import AsyncJournal, JournalEntry
from uid2_desk.journal.backlog import ChangeListener, JournalBacklog
from uid2_desk.journal.model import WHY_DETAIL, summarize_exchange
from uid2_desk.protocol.clock import Clock
from uid2_desk.protocol.exchange import Exchange
from uid2_desk.publisher.guides import Guide
from uid2_desk.publisher.model import SignInMode, TestUser, UserState

#: Why the entries being recorded are made with no user action (``None``: a person acted).
_WHY: ContextVar[str | None] = ContextVar("uid2_desk_why", default=None)


@contextmanager
def automatic(why: str) -> Iterator[None]:
    """Record every entry made inside the block (this task and what it awaits) with ``why``.

    ``why`` says what set it off, starting ``Automatic:`` (see the module docstring). An
    inner block's reason wins: it is the closer cause.
    """
    token = _WHY.set(why)
    try:
        yield
    finally:
        _WHY.reset(token)


def _why_pairs() -> tuple[tuple[str, str], ...]:
    why = _WHY.get()
    return () if why is None else ((WHY_DETAIL, why),)


class Step:
    """Walkthrough step numbers (design.md §5)."""

    VISIT = "1-a"
    LOGIN_REQUEST = "1-b"
    AUTHENTICATE = "1-c"
    GENERATE = "1-d"
    TOKENS_RETURNED = "1-e"
    IDENTITY_SET = "1-f"
    TOKEN_TO_SSP = "2-a"
    ADS_RETURNED = "2-b"
    ADS_SHOWN = "2-c"
    USER_RETURNS = "3-a"
    REFRESH = "3-b"
    NEW_TOKENS = "3-c"
    REFRESHED_IDENTITY_SET = "3-d"
    LOGOUT = "4-a"
    IDENTITY_CLEARED = "4-b"


class ClientStep:
    """The client-side flow's step numbers (the walkthrough's ``client_side`` module draws them).

    A client-side user's calls are the device's: its generate is ``C3-a`` (reply ``C3-b``),
    its refreshes ``C3-c`` (``C3-d``), its token to the SSP ``C4-a``; what happens on the
    device alone (signing in, storing the identity) carries ``C3`` and is drawn as a note.
    """

    ON_DEVICE = "C3"
    GENERATE = "C3-a"
    REFRESH = "C3-c"
    TOKEN_TO_SSP = "C4-a"


def steps_of(user: TestUser) -> type[Step] | type[ClientStep]:
    """The step numbers of ``user``'s flow: the server-only guide's, or the client-side one's."""
    return ClientStep if user.mode is SignInMode.CLIENT else Step


class Event:
    """Journal event names."""

    SIGN_IN_REQUESTED = "sign_in_requested"
    IDENTITY_SET = "identity_set"
    LOGOUT = "logout"
    USER_RETURNS = "user_returns"
    STATE_CHANGED = "state_changed"
    POLICY = "policy"
    BID = "bid"
    REFUSED = "refused"
    USER_OPTED_OUT = "user_opted_out"
    OPERATOR_FAULT = "operator_fault"


class JournalRecorder:
    """Appends the publisher's exchanges and events with the session and environment filled in.

    Attributes:
        journal: where entries go.
        backlog: entries the journal has not taken yet (see the module docstring).
        session: the desk session id written on every entry.
        environment: the environment id written on every entry.
        guide: the guide played: it numbers the steps, and a v1 guide's exchanges are
            summarised by what v2 changed (:mod:`~uid2_desk.publisher.guides`).
    """

    def __init__(
        self,
        journal: AsyncJournal,
        *,
        session: str,
        environment: str,
        clock: Clock,
        guide: Guide = Guide.SERVER_ONLY,
        on_behind: ChangeListener | None = None,
    ) -> None:
        self.journal = journal
        self.backlog = JournalBacklog(journal, on_change=on_behind)
        self.session = session
        self.environment = environment
        self.guide = guide
        self._clock = clock

    async def exchange(
        self,
        exchange: Exchange,
        user: TestUser | None,
        step: str | None,
        summary: str | None = None,
    ) -> JournalEntry | None:
        """Record one operator exchange (its outcome is classified by the journal)."""
        who, session, environment = _who(user), self.session, self.environment
        journal_step = self.guide.journal_step(step)
        shown = summary or self._v1_summary(exchange)
        why = _why_pairs()
        return await self.backlog.append(
            lambda journal: journal.append_exchange(
                exchange,
                session=session,
                user=who,
                environment=environment,
                step=journal_step,
                summary=shown,
                detail=why,
            )
        )

    def _v1_summary(self, exchange: Exchange) -> str | None:
        """A v1 call's log line with what v2 changed after it (``None``: the journal's own)."""
        change = self.guide.v2_change(exchange.endpoint)
        return None if change is None else f"{summarize_exchange(exchange)} ({change})"

    async def event(
        self,
        name: str,
        user: TestUser | None,
        *,
        step: str | None = None,
        outcome: str | None = None,
        summary: str,
        detail: Mapping[str, str] | None = None,
    ) -> JournalEntry | None:
        """Record one lifecycle event at the current desk time.

        A client-side user's events without a step happen on the device (``C3``).
        """
        if step is None and user is not None and user.mode is SignInMode.CLIENT:
            step = ClientStep.ON_DEVICE
        at_ms, who = self._clock.now_ms(), _who(user)
        session, environment = self.session, self.environment
        journal_step = self.guide.journal_step(step)
        pairs = dict(detail or {}) | dict(_why_pairs())
        return await self.backlog.append(
            lambda journal: journal.append_event(
                name,
                at_ms=at_ms,
                session=session,
                user=who,
                environment=environment,
                step=journal_step,
                outcome=outcome,
                summary=summary,
                detail=pairs,
            )
        )

    async def state_changed(
        self,
        user: TestUser,
        old: UserState,
        new: UserState,
        cause: str,
        *,
        step: str | None = None,
    ) -> JournalEntry | None:
        """Record a state transition with its cause."""
        return await self.event(
            Event.STATE_CHANGED,
            user,
            step=step,
            outcome=new.value,
            summary=f"{user.label}: {old.label} → {new.label} ({cause})",
            detail={"from": old.value, "to": new.value, "cause": cause},
        )


def _who(user: TestUser | None) -> str | None:
    # The same name the users list shows, so a log row and its user read alike.
    return None if user is None else user.label

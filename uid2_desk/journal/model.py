"""The journal's values: what an entry is, how an exchange's outcome is classified, filters.

Entries come in two weights. A *light* entry (what :meth:`Journal.entries` returns by default)
carries everything a log row or the sequence diagram needs (``name``, ``method``,
``http_status``, ``duration_ms``, ``outcome``...) with ``exchange=None``; a *full* entry also
carries the :class:`~uid2_desk.protocol.exchange.Exchange` with all its bytes. Entries returned
by an append are always full (the exchange is already in memory); :meth:`Journal.get` and
``entries(..., with_exchanges=True)`` load full ones from disk. That keeps a 100,000-row log
cheap while the inspector and the exports still see every byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from uid2_desk.protocol.exchange import Exchange

#: The detail that says why the desk made an entry on its own (``Automatic: …``), when it did.
WHY_DETAIL = "why"


class EntryKind(StrEnum):
    """What a journal entry records."""

    EXCHANGE = "exchange"
    EVENT = "event"


class Outcome(StrEnum):
    """How an exchange (or an event, when the caller says so) ended, for colour and filters."""

    SUCCESS = "success"
    OPTOUT = "optout"
    ERROR = "error"


def classify_exchange(exchange: Exchange) -> Outcome:
    """Classify an exchange: ``success``, ``optout`` or ``error``.

    Anything but an HTTP 200 whose reply we could read and whose status is ``success`` or
    ``optout`` is an error (that includes EUID's ``insufficient_user_consent``: no identity came
    back, and the desk wants it to stand out). A browser's CORS preflight (``OPTIONS``) answered
    2xx has no status to read: it succeeded, or the browser would not send the request.
    """
    if exchange.method == "OPTIONS" and exchange.error is None:
        ok = exchange.http_status is not None and 200 <= exchange.http_status < 300
        return Outcome.SUCCESS if ok else Outcome.ERROR
    if exchange.error is not None or exchange.http_status != 200:
        return Outcome.ERROR
    if exchange.operator_status == Outcome.OPTOUT:
        return Outcome.OPTOUT
    if exchange.operator_status == Outcome.SUCCESS:
        return Outcome.SUCCESS
    return Outcome.ERROR


def summarize_exchange(exchange: Exchange) -> str:
    """One line for a log row, e.g. ``POST /v2/token/generate → 200 success in 42 ms``."""
    head = f"{exchange.method} {exchange.endpoint}"
    took = f" in {exchange.timings.total_ms:.0f} ms"
    if exchange.http_status is None:
        return f"{head} → no answer: {exchange.error or 'unknown failure'}"
    status = exchange.operator_status or ""
    text = f"{head} → {exchange.http_status} {status}".rstrip() + took
    if exchange.error:
        text += f": {exchange.error}"
    return text


@dataclass(frozen=True)
class JournalEntry:
    """One committed journal entry.

    Attributes:
        seq: the journal-wide sequence number; increases with every append, never reused.
        at_ms: when it happened (an exchange's ``started_ms``), epoch ms on the desk clock.
        kind: exchange or event.
        session: the desk session it belongs to (see :func:`new_session_id`).
        user: the test user (email or phone as typed), if any.
        environment: the environment name, e.g. ``local`` or ``integ``.
        step: the walkthrough step (``1-d`` ... ``4-b``), if the caller knew it.
        outcome: ``success``, ``optout``, ``error``... (classified for exchanges).
        summary: one human line for the log.
        exchange: the full exchange for full entries; ``None`` for events and light entries.
        detail: an event's key/value details, in the order given.
        name: the event name (``identity_set``...) or the exchange's endpoint path.
        method: the exchange's HTTP method (``None`` for events).
        http_status: the exchange's HTTP status (``None`` for events or when no answer came).
        duration_ms: the exchange's total time (``None`` for events).
    """

    seq: int
    at_ms: int
    kind: EntryKind
    session: str
    user: str | None
    environment: str
    step: str | None
    outcome: str | None
    summary: str
    exchange: Exchange | None
    detail: tuple[tuple[str, str], ...] = ()
    name: str = ""
    method: str | None = None
    http_status: int | None = None
    duration_ms: float | None = None

    @property
    def endpoint(self) -> str | None:
        """The exchange's endpoint path, or ``None`` for an event."""
        return self.name if self.kind is EntryKind.EXCHANGE else None

    def detail_value(self, key: str) -> str | None:
        """The first detail value named ``key``, if any."""
        return next((v for k, v in self.detail if k == key), None)


@dataclass(frozen=True)
class JournalFilter:
    """Which entries to list; every field set narrows the result (logical AND).

    Attributes:
        text: case-insensitive words that must all appear in the entry's searchable text
            (summary, user, endpoint or event name, step, outcome, HTTP status, operator
            status, error, detail values). Empty matches everything.
        user: exactly this test user.
        endpoint: exchanges with exactly this endpoint path.
        outcome: exactly this outcome.
        session: exactly this session.
        kind: only exchanges or only events.
    """

    text: str = ""
    user: str | None = None
    endpoint: str | None = None
    outcome: str | None = None
    session: str | None = None
    kind: EntryKind | None = None

    @property
    def words(self) -> tuple[str, ...]:
        """The lower-cased words of :attr:`text`."""
        return tuple(self.text.lower().split())


@dataclass(frozen=True)
class LabelledExchange:
    """An exchange about to be journaled, with the user and step it is filed under."""

    exchange: Exchange
    user: str | None
    step: str | None


def new_session_id(now_ms: int, suffix: str = "") -> str:
    """A sortable, readable session id such as ``20240101T000000Z-a1b2``.

    ``suffix`` tells sessions started in the same second apart (callers pass a few random
    hex digits, tests a fixed string).
    """
    stamp = datetime.fromtimestamp(now_ms / 1000, tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{suffix}" if suffix else stamp

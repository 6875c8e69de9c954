"""The rows of the exchange log and the filter over them (pure; no Qt).

Kept apart from the Qt model so that neither class is built before the window's first paint:
the log is empty then, and a frozen dataclass costs a millisecond and a half to create.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uid2_desk.journal import JournalEntry


@dataclass(frozen=True)
class LogRow:
    """One line of the log, derived from a journal entry.

    Attributes:
        seq: the journal sequence number (to fetch the full entry for the inspector).
        at_ms: when it happened, desk clock.
        user: the test user, or ``""``.
        step: the walkthrough step, or ``""``.
        endpoint: the endpoint path for exchanges, the event name for events.
        status: the outcome (``success``, ``optout``, ``error``) or ``""``.
        http: the HTTP status as text, ``""`` when none.
        latency_ms: the exchange's duration, if measured.
        is_exchange: exchange (``True``) or lifecycle event.
        summary: one human line (tooltip).
        haystack: lower-cased text the free-text filter searches.
    """

    seq: int
    at_ms: int
    user: str
    step: str
    endpoint: str
    status: str
    http: str
    latency_ms: float | None
    is_exchange: bool
    summary: str
    haystack: str

    @classmethod
    def from_entry(cls, entry: JournalEntry) -> LogRow:
        """Build the row for a (light or full) journal entry."""
        http = "" if entry.http_status is None else str(entry.http_status)
        user = entry.user or ""
        step = entry.step or ""
        status = entry.outcome or ""
        is_exchange = entry.kind == "exchange"
        details = " ".join(value for _, value in entry.detail)
        haystack = " ".join((entry.summary, user, entry.name, step, status, http, details))
        return cls(
            seq=entry.seq,
            at_ms=entry.at_ms,
            user=user,
            step=step,
            endpoint=entry.name,
            status=status,
            http=http,
            latency_ms=entry.duration_ms,
            is_exchange=is_exchange,
            summary=entry.summary,
            haystack=haystack.lower(),
        )


@dataclass(frozen=True)
class LogFilter:
    """What the log shows; every field set narrows it.

    Attributes:
        text: words that must all appear (case-insensitive) somewhere in the row.
        endpoint: exactly this endpoint or event name.
        status: exactly this outcome.
        user: exactly this test user.
    """

    text: str = ""
    endpoint: str | None = None
    status: str | None = None
    user: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered out."""
        return not self.text.strip() and not (self.endpoint or self.status or self.user)

    def accepts(self, row: LogRow) -> bool:
        """Whether ``row`` passes this filter."""
        return (
            (self.endpoint is None or row.endpoint == self.endpoint)
            and (self.status is None or row.status == self.status)
            and (self.user is None or row.user == self.user)
            and all(word in row.haystack for word in self.text.lower().split())
        )

"""The rows of the exchange log and the filter over them (pure; no Qt).

Kept apart from the Qt model so that neither class is built before the window's first paint:
the log is empty then, and a frozen dataclass costs a millisecond and a half to create.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from uid2_desk.journal.model import WHY_DETAIL

if TYPE_CHECKING:
    from uid2_desk.journal import JournalEntry

#: The *Client* of the desk's own exchanges and events (captured ones name their client).
DESK_CLIENT = "UID2 Desk"


@dataclass(frozen=True)
class LogRow:
    """One line of the log, derived from a journal entry.

    Attributes:
        seq: the journal sequence number (to fetch the full entry for the inspector).
        at_ms: when it happened, desk clock.
        user: the test user, or ``""``.
        client: who sent it: ``UID2 Desk`` for the desk's own, else the captured client's
            lane label (``Your backend``, ``Browser: Prebid.js 11.36``...).
        step: the walkthrough step, or ``""``.
        endpoint: the endpoint path for exchanges, the event name for events.
        status: the outcome (``success``, ``optout``, ``error``) or ``""``.
        http: the HTTP status as text, ``""`` when none.
        latency_ms: the exchange's duration, if measured.
        is_exchange: exchange (``True``) or lifecycle event.
        summary: one human line (tooltip).
        haystack: lower-cased text the free-text filter searches.
        why: why the desk made it on its own (``Automatic: …``), ``""`` when a person acted.
    """

    seq: int
    at_ms: int
    user: str
    client: str
    step: str
    endpoint: str
    status: str
    http: str
    latency_ms: float | None
    is_exchange: bool
    summary: str
    haystack: str
    why: str = ""

    @classmethod
    def from_entry(cls, entry: JournalEntry) -> LogRow:
        """Build the row for a (light or full) journal entry."""
        http = "" if entry.http_status is None else str(entry.http_status)
        user = entry.user or ""
        step = entry.step or ""
        status = entry.outcome or ""
        is_exchange = entry.kind == "exchange"
        details = " ".join(value for _, value in entry.detail)
        client = client_of(entry)
        haystack = " ".join((entry.summary, user, client, entry.name, step, status, http, details))
        return cls(
            seq=entry.seq,
            at_ms=entry.at_ms,
            user=user,
            client=client,
            step=step,
            endpoint=entry.name,
            status=status,
            http=http,
            latency_ms=entry.duration_ms,
            is_exchange=is_exchange,
            summary=entry.summary,
            haystack=haystack.lower(),
            why=entry.detail_value(WHY_DETAIL) or "",
        )


@dataclass(frozen=True)
class LogFilter:
    """What the log shows; every field set narrows it.

    Attributes:
        text: words that must all appear (case-insensitive) somewhere in the row.
        endpoint: exactly this endpoint or event name.
        status: exactly this outcome.
        user: exactly this test user.
        client: exactly this client (:attr:`LogRow.client`).
    """

    text: str = ""
    endpoint: str | None = None
    status: str | None = None
    user: str | None = None
    client: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered out."""
        narrowed = self.endpoint or self.status or self.user or self.client
        return not self.text.strip() and not narrowed

    def accepts(self, row: LogRow) -> bool:
        """Whether ``row`` passes this filter."""
        return (
            (self.endpoint is None or row.endpoint == self.endpoint)
            and (self.status is None or row.status == self.status)
            and (self.user is None or row.user == self.user)
            and (self.client is None or row.client == self.client)
            and all(word in row.haystack for word in self.text.lower().split())
        )


def client_of(entry: JournalEntry) -> str:
    """Who sent ``entry``: the captured client's lane label, else the desk.

    A light entry carries no exchange, so it reads as the desk's: the window is fed full
    entries (the journal's listeners), which is where captured ones come from.
    """
    if entry.exchange is None:
        return DESK_CLIENT
    from uid2_desk.protocol.capture import CapturedClient, lane_label

    client = CapturedClient.of(entry.exchange)
    return DESK_CLIENT if client is None else lane_label(client)


def matching_rows(rows: list[LogRow], log_filter: LogFilter) -> list[int]:
    """The indexes in ``rows`` of those ``log_filter`` accepts, ascending."""
    # Written as plain comprehensions over pre-computed keys: this is the hot loop.
    candidates: range | list[int] = range(len(rows))
    if log_filter.endpoint is not None:
        endpoint = log_filter.endpoint
        candidates = [i for i in candidates if rows[i].endpoint == endpoint]
    if log_filter.status is not None:
        status = log_filter.status
        candidates = [i for i in candidates if rows[i].status == status]
    if log_filter.user is not None:
        user = log_filter.user
        candidates = [i for i in candidates if rows[i].user == user]
    if log_filter.client is not None:
        client = log_filter.client
        candidates = [i for i in candidates if rows[i].client == client]
    for word in log_filter.text.lower().split():
        candidates = [i for i in candidates if word in rows[i].haystack]
    return list(candidates)

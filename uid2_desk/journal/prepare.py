"""Entries made ready to write, on any thread: the per-entry work of an append, without SQLite.

An append does two things: the Python work (mask credentials, classify, summarise, build the
search text, encode the exchange) and the SQLite work. :func:`prepare_exchange` and
:func:`prepare_event` do the first and touch no connection, so
:class:`~uid2_desk.journal.async_journal.AsyncJournal` runs them on the caller's side and its
writer thread only writes: under a burst the two halves run side by side (SQLite releases the
GIL while it works), which is what brings a burst near bare SQLite's rate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from uid2_desk.journal.codec import encode_exchange
from uid2_desk.journal.masking import (
    MASKED,
    is_secret_name,
    mask_secret_fields,
    mask_secret_fields_in_text,
    may_name_a_secret,
    scrub_headers,
)
from uid2_desk.journal.model import (
    EntryKind,
    JournalEntry,
    Outcome,
    classify_exchange,
    summarize_exchange,
)
from uid2_desk.journal.schema import search_text
from uid2_desk.protocol.exchange import Exchange

_NO_DETAIL = "[]"
#: ``codec.COMPACT_JSON``'s text; a parsed document holds no cycles to look for.
_MASKED_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
_Frozen = TypeVar("_Frozen")
#: Made once: ``json.dumps`` with options builds a new encoder on every call.
_EXCHANGE = EntryKind.EXCHANGE
_EVENT = EntryKind.EVENT
#: An enum's ``.value`` is a descriptor call (0.3 µs); the texts, read once.
_EXCHANGE_TEXT, _EVENT_TEXT = _EXCHANGE.value, _EVENT.value
_OUTCOME_TEXT = {outcome: outcome.value for outcome in Outcome}


@dataclass(frozen=True, slots=True)
class PreparedEntry:
    """An entry ready to write.

    Attributes:
        row: the ``entry`` row's values after ``seq``, in the journal's column order, then the
            length of ``doc`` (0 for an event): what one JSON row of a group holds (see
            :mod:`~uid2_desk.journal.group_insert`).
        doc: the stored exchange (``None`` for an event).
        entry: the entry to hand back once written (its ``seq`` is 0 until then).
    """

    row: tuple[object, ...]
    doc: bytes | None
    entry: JournalEntry


def prepare_exchange(
    exchange: Exchange,
    *,
    session: str,
    user: str | None,
    environment: str,
    step: str | None,
    outcome: str | None = None,
    summary: str | None = None,
    detail: Iterable[tuple[str, str]] = (),
) -> PreparedEntry:
    """An exchange made ready: credentials masked, outcome and summary defaulted, encoded.

    ``detail`` pairs are kept as an event's are (why the desk made it, say).
    """
    request_headers = scrub_headers(exchange.request_headers)
    response_headers = scrub_headers(exchange.response_headers)
    request_plaintext = without_secrets(exchange.request_plaintext)
    response_plaintext = without_secrets(exchange.response_plaintext)
    if (
        request_headers is not exchange.request_headers
        or response_headers is not exchange.response_headers
        or request_plaintext is not exchange.request_plaintext
        or response_plaintext is not exchange.response_plaintext
    ):
        # A copy on every reply that carries a refresh_response_key: see _frozen.
        exchange = _frozen(
            Exchange,
            {
                **vars(exchange),
                "request_headers": request_headers,
                "response_headers": response_headers,
                "request_plaintext": request_plaintext,
                "response_plaintext": response_plaintext,
            },
        )
    if outcome is None:
        outcome = _OUTCOME_TEXT[classify_exchange(exchange)]
    if summary is None:
        summary = summarize_exchange(exchange)
    name, http_status = exchange.endpoint, exchange.http_status
    pairs = _masked_pairs(detail)
    search = search_text(
        name=name,
        step=step,
        outcome=outcome,
        http_status=http_status,
        user=user,
        summary=summary,
        detail=pairs,
        operator_status=exchange.operator_status,
        error=exchange.error,
    )
    at_ms, method, duration_ms = exchange.started_ms, exchange.method, exchange.timings.total_ms
    row: tuple[object, ...] = (at_ms, _EXCHANGE_TEXT, name, session, user, environment)
    doc = encode_exchange(exchange)
    row += (step, outcome, summary, _detail_json(pairs), method, http_status, duration_ms, search)
    row += (len(doc),)
    entry = _frozen(
        JournalEntry,
        {
            "seq": 0,
            "at_ms": at_ms,
            "kind": _EXCHANGE,
            "session": session,
            "user": user,
            "environment": environment,
            "step": step,
            "outcome": outcome,
            "summary": summary,
            "exchange": exchange,
            "detail": pairs,
            "name": name,
            "method": method,
            "http_status": http_status,
            "duration_ms": duration_ms,
        },
    )
    return PreparedEntry(row, doc, entry)


def prepare_event(
    name: str,
    *,
    at_ms: int,
    session: str,
    user: str | None,
    environment: str,
    step: str | None,
    outcome: str | None = None,
    summary: str = "",
    detail: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
) -> PreparedEntry:
    """A lifecycle event made ready: secret-named detail values masked, details kept in order."""
    pairs = _masked_pairs(detail.items() if isinstance(detail, Mapping) else (detail or ()))
    search = search_text(
        name=name,
        step=step,
        outcome=outcome,
        http_status=None,
        user=user,
        summary=summary,
        detail=pairs,
    )
    row: tuple[object, ...] = (at_ms, _EVENT_TEXT, name, session, user, environment, step)
    row += (outcome, summary, _detail_json(pairs), None, None, None, search, 0)
    entry = _frozen(
        JournalEntry,
        {
            "seq": 0,
            "at_ms": at_ms,
            "kind": _EVENT,
            "session": session,
            "user": user,
            "environment": environment,
            "step": step,
            "outcome": outcome,
            "summary": summary,
            "exchange": None,
            "detail": pairs,
            "name": name,
            "method": None,
            "http_status": None,
            "duration_ms": None,
        },
    )
    return PreparedEntry(row, None, entry)


def _frozen(cls: type[_Frozen], fields: dict[str, Any]) -> _Frozen:
    """An instance of a frozen dataclass holding ``fields`` (all of them), without ``__init__``.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: 2.2 µs
    to copy an exchange and 1.6 to make an entry, on every append, against 0.6 and 0.5 here.
    Only for :class:`Exchange` and :class:`JournalEntry`, whose ``__init__`` does nothing
    else (no ``__post_init__``, no slots); ``tests/journal/test_prepare_fields.py`` checks
    that every field is given and that the result equals the one ``__init__`` makes.
    """
    made = object.__new__(cls)
    object.__setattr__(made, "__dict__", fields)
    return made


def _masked_pairs(items: Iterable[tuple[object, object]]) -> tuple[tuple[str, str], ...]:
    """Detail pairs in order, with the value of any secret-named key masked."""
    if items == ():  # an exchange's usual detail: none
        return ()
    return tuple((str(k), MASKED if is_secret_name(str(k)) else str(v)) for k, v in items)


def _detail_json(pairs: tuple[tuple[str, str], ...]) -> str:
    return json.dumps([list(p) for p in pairs], ensure_ascii=False) if pairs else _NO_DETAIL


def without_secrets(plaintext: str | None) -> str | None:
    """A decrypted JSON body with secret-named fields (``refresh_response_key``...) masked.

    The journal never keeps a secret, the desk's own replies included: the key that opens a
    refresh reply lives in the user store, never in the journal or what is exported from it.
    The text comes back unchanged (the same object) when there is nothing to mask.
    """
    if not plaintext or not may_name_a_secret(plaintext):
        return plaintext
    try:
        document = json.loads(plaintext)
    except ValueError:  # cut short or malformed: its fields are still named in the text
        text = mask_secret_fields_in_text(plaintext)
        return plaintext if text == plaintext else text
    masked = mask_secret_fields(document)
    if masked == document:
        return plaintext
    return _MASKED_JSON.encode(masked)

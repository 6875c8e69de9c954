"""Entries and masked exchange copies made without ``__init__``: whole, and equal to its result.

:mod:`uid2_desk.journal.prepare` makes a frozen :class:`JournalEntry` (and the copy of an
exchange whose secrets it masked) by handing it all its fields at once, which is a third of the
cost of their ``__init__``. Should a field be added to either class and not to prepare, these
tests fail rather than an entry lacking it.
"""

from __future__ import annotations

import dataclasses

from tests.journal.recorded import Recorded
from uid2_desk.journal.model import JournalEntry
from uid2_desk.journal.prepare import prepare_event, prepare_exchange
from uid2_desk.protocol.exchange import Exchange


def _same_as_init(value: object) -> None:
    cls = type(value)
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    assert set(vars(value)) == names  # every field given, nothing else
    again = cls(**{name: getattr(value, name) for name in names})
    assert again == value
    assert hash(again) == hash(value)


def test_an_exchange_entry_and_its_masked_copy_hold_every_field(recorded: Recorded) -> None:
    prepared = prepare_exchange(
        recorded.generate, session="s", user="u", environment="e", step="1-d"
    )
    entry, exchange = prepared.entry, prepared.entry.exchange
    assert isinstance(exchange, Exchange)
    assert exchange is not recorded.generate  # the reply's refresh_response_key was masked
    assert '"refresh_response_key":"[masked]"' in (exchange.response_plaintext or "")
    _same_as_init(entry)
    _same_as_init(exchange)
    assert dataclasses.replace(exchange, response_plaintext=None) == dataclasses.replace(
        recorded.generate, response_plaintext=None
    )


def test_an_event_entry_holds_every_field() -> None:
    entry = prepare_event(
        "tick", at_ms=1, session="s", user=None, environment="e", step=None, detail={"a": "b"}
    ).entry
    assert isinstance(entry, JournalEntry)
    _same_as_init(entry)
    assert (entry.method, entry.http_status, entry.duration_ms, entry.exchange) == (None,) * 4

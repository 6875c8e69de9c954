"""SQL for reading the journal: filter conditions and row-to-entry mapping."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from uid2_desk.journal.fts_hits import fts_subquery
from uid2_desk.journal.model import EntryKind, JournalEntry, JournalFilter
from uid2_desk.protocol.exchange import Exchange

#: The columns of a light entry, in the order :func:`row_to_entry` reads them.
LIGHT_COLUMNS = (
    "e.seq, e.at_ms, e.kind, e.name, e.session, e.user, e.environment, e.step, e.outcome,"
    " e.summary, e.detail, e.method, e.http_status, e.duration_ms"
)


#: Turns the words the trigram index can look up into an SQL condition on ``e`` and its
#: parameters.
FtsCondition = Callable[[tuple[str, ...]], tuple[str, list[object]]]


def filter_sql(
    f: JournalFilter, fts: FtsCondition = fts_subquery
) -> tuple[list[str], list[object]]:
    """SQL conditions (on alias ``e``) and their parameters for a filter.

    ``fts`` answers the words the trigram index can look up (see
    :class:`~uid2_desk.journal.fts_hits.FtsHits`, which keeps a lookup for the next call).
    """
    conds: list[str] = []
    params: list[object] = []
    if f.user is not None:
        conds.append("e.user = ?")
        params.append(f.user)
    if f.endpoint is not None:
        conds.append("e.name = ? AND e.kind = 'exchange'")
        params.append(f.endpoint)
    if f.outcome is not None:
        conds.append("e.outcome = ?")
        params.append(f.outcome)
    if f.session is not None:
        conds.append("e.session = ?")
        params.append(f.session)
    if f.kind is not None:
        conds.append("e.kind = ?")
        params.append(f.kind.value)
    long_words = [w for w in f.words if len(w) >= TRIGRAM]
    if long_words:
        # One FTS5 lookup for every word the trigram index can answer; each is a quoted phrase,
        # so the query language never sees the user's text as operators.
        cond, more = fts(tuple(long_words))
        conds.append(cond)
        params.extend(more)
    for word in f.words:
        if len(word) < TRIGRAM:  # too short for a trigram: a scan of the compact column
            conds.append("instr(e.search, ?) > 0")
            params.append(word)
    return conds, params


#: The shortest word the trigram index can look up.
TRIGRAM = 3


def row_to_entry(row: sqlite3.Row | tuple[Any, ...], exchange: Exchange | None) -> JournalEntry:
    """A :class:`JournalEntry` from a row of :data:`LIGHT_COLUMNS`."""
    (seq, at_ms, kind, name, session, user, env, step, outcome, summary, detail) = row[:11]
    method, http_status, duration_ms = row[11:14]
    return JournalEntry(
        seq=seq,
        at_ms=at_ms,
        kind=EntryKind(kind),
        session=session,
        user=user,
        environment=env,
        step=step,
        outcome=outcome,
        summary=summary,
        exchange=exchange,
        detail=tuple((str(k), str(v)) for k, v in json.loads(detail)),
        name=name,
        method=method,
        http_status=http_status,
        duration_ms=duration_ms,
    )

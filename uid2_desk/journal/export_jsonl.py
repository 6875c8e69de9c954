"""JSON Lines export: one JSON object per journal entry, in ``seq`` order.

Each line holds the entry's fields (``seq``, ``at_ms``, ``at`` in ISO 8601 UTC, ``kind``,
``session``, ``user``, ``environment``, ``step``, ``outcome``, ``summary``, ``name``,
``method``, ``http_status``, ``duration_ms``, ``detail`` as ``[key, value]`` pairs) and, for
exchanges, ``exchange`` in the journal's own JSON form (:mod:`uid2_desk.journal.codec`), so a
line can be read back with :func:`~uid2_desk.journal.codec.exchange_from_json`. Redaction as
for every export (:mod:`uid2_desk.journal.redaction`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from uid2_desk.journal.codec import exchange_to_json
from uid2_desk.journal.export_common import iso_ms, prepare, write_text_atomic
from uid2_desk.journal.model import JournalEntry
from uid2_desk.journal.redaction import Redaction

_NO_REDACTION = Redaction()


def entry_object(entry: JournalEntry) -> dict[str, Any]:
    """One (already redacted) entry as a JSON-ready dict."""
    return {
        "seq": entry.seq,
        "at_ms": entry.at_ms,
        "at": iso_ms(entry.at_ms),
        "kind": entry.kind.value,
        "session": entry.session,
        "user": entry.user,
        "environment": entry.environment,
        "step": entry.step,
        "outcome": entry.outcome,
        "summary": entry.summary,
        "name": entry.name,
        "method": entry.method,
        "http_status": entry.http_status,
        "duration_ms": entry.duration_ms,
        "detail": [list(pair) for pair in entry.detail],
        "exchange": None if entry.exchange is None else exchange_to_json(entry.exchange),
    }


#: Entries prepared at a time when streaming from an iterator.
_CHUNK = 500


def jsonl_lines(
    entries: Iterable[JournalEntry], *, redaction: Redaction = _NO_REDACTION
) -> Iterator[str]:
    """One compact JSON text per entry (no newline), redacted.

    A sequence is put in ``seq`` order first; an iterator (a streamed session,
    :meth:`~uid2_desk.journal.store.Journal.iter_entries`) must already be in order, and is
    read a chunk at a time, so memory stays bounded whatever its length.
    """
    chunks = [entries] if isinstance(entries, Sequence) else _chunks(iter(entries))
    for chunk in chunks:
        for entry in prepare(chunk, redaction):
            yield json.dumps(entry_object(entry), separators=(",", ":"), ensure_ascii=False)


def _chunks(entries: Iterator[JournalEntry]) -> Iterator[list[JournalEntry]]:
    while chunk := list(itertools.islice(entries, _CHUNK)):
        yield chunk


def write_jsonl(
    path: Path, entries: Iterable[JournalEntry], *, redaction: Redaction = _NO_REDACTION
) -> None:
    """Write the JSONL file atomically (streamed, see :func:`jsonl_lines`).

    Raises :class:`StorageError` if it cannot be written.
    """
    write_text_atomic(path, (f"{line}\n" for line in jsonl_lines(entries, redaction=redaction)))

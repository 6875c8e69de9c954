"""The durable, append-only record of exchanges and lifecycle events, and its exports.

- :class:`Journal` (synchronous, one thread) and :class:`AsyncJournal` (asyncio, one worker
  thread, listeners notified after commit): :mod:`uid2_desk.journal.store` (its halves in
  :mod:`~uid2_desk.journal.writing` and :mod:`~uid2_desk.journal.reading`),
  :mod:`uid2_desk.journal.async_journal`.
- Values: :class:`JournalEntry`, :class:`JournalFilter`, :class:`EntryKind`, :class:`Outcome`.
- Exports (import them from their modules; the Markdown report depends on
  :mod:`uid2_desk.walkthrough`): :mod:`~uid2_desk.journal.export_har`,
  :mod:`~uid2_desk.journal.export_jsonl`, :mod:`~uid2_desk.report.markdown`, with
  :class:`~uid2_desk.journal.redaction.Redaction`.
"""

from uid2_desk.journal.async_journal import AsyncJournal
from uid2_desk.journal.model import (
    EntryKind,
    JournalEntry,
    JournalFilter,
    Outcome,
    classify_exchange,
    new_session_id,
    summarize_exchange,
)
from uid2_desk.journal.store import Journal

#: The journal's file in a data directory (the desk's and ``uid2-desk operator``'s alike).
JOURNAL_FILE = "journal.sqlite3"

__all__ = [
    "JOURNAL_FILE",
    "AsyncJournal",
    "EntryKind",
    "Journal",
    "JournalEntry",
    "JournalFilter",
    "Outcome",
    "classify_exchange",
    "new_session_id",
    "summarize_exchange",
]

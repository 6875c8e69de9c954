"""Exporting the session: HAR, JSON Lines or the Markdown report, written off the GUI thread.

The journal layer writes the files (and masks the secrets every export masks); this module
only gathers the session's full entries and runs the writer in a worker thread, so a large
session never freezes the window.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uid2_desk.journal import AsyncJournal, JournalEntry
    from uid2_desk.journal.redaction import Redaction


@dataclass(frozen=True)
class ExportFormat:
    """One export format.

    Attributes:
        key: ``har``, ``jsonl`` or ``markdown``.
        title: what the file dialog calls it.
        suffix: the file name suffix.
        name_filter: the file dialog's filter.
    """

    key: str
    title: str
    suffix: str
    name_filter: str


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("har", "HAR 1.2 archive", ".har", "HAR files (*.har)"),
    ExportFormat("jsonl", "JSON Lines journal", ".jsonl", "JSON Lines (*.jsonl)"),
    ExportFormat("markdown", "Markdown report", ".md", "Markdown (*.md)"),
)


def export_format(key: str) -> ExportFormat:
    """The format called ``key``."""
    for fmt in FORMATS:
        if fmt.key == key:
            return fmt
    raise KeyError(key)


def _writer(key: str) -> Callable[..., None]:
    if key == "har":
        from uid2_desk.journal.export_har import write_har

        return write_har
    if key == "jsonl":
        from uid2_desk.journal.export_jsonl import write_jsonl

        return write_jsonl
    from uid2_desk.report.markdown import write_report

    return write_report


async def export_session(
    journal: AsyncJournal, session: str, key: str, path: Path, redaction: Redaction
) -> str:
    """Write the session's entries to ``path`` as ``key``; say what the file holds."""
    from uid2_desk.journal import JournalFilter

    entries: Sequence[JournalEntry] = await journal.entries(
        JournalFilter(session=session), limit=None, with_exchanges=True
    )
    writer = _writer(key)
    await asyncio.to_thread(writer, path, entries, redaction=redaction)
    return written_words(key, entries)


def written_words(key: str, entries: Sequence[JournalEntry]) -> str:
    """What an export of ``entries`` holds, in the file's own terms.

    A HAR file's entries are the exchanges (events travel in ``_uid2Events``); a JSON Lines
    file has one line per journal entry; the report one section per entry.
    """
    from uid2_desk.journal import EntryKind

    exchanges = sum(1 for e in entries if e.kind is EntryKind.EXCHANGE)
    events = len(entries) - exchanges
    if key == "har":
        return f"{exchanges} exchanges as HAR entries, {events} events in _uid2Events"
    return f"{len(entries)} journal entries ({exchanges} exchanges, {events} events)"


def default_export_folder(last: Path | None) -> Path:
    """Where the save dialog opens: the last folder used, else Documents, else home."""
    if last is not None and last.is_dir():
        return last
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()

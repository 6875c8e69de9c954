"""Exporting the session: HAR, JSON Lines or the Markdown report, written off the GUI thread.

The journal layer writes the files (and masks the secrets every export masks); this module
only gathers the session's full entries and runs the writer in a worker thread, so a large
session never freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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

    writer = _writer(key)

    def write(entries: Iterator[JournalEntry]) -> str:
        # On a journal reader thread: appends carry on meanwhile. JSONL streams the session;
        # the HAR and Markdown documents are built whole, off the loop.
        counted = _Counted(entries)
        writer(path, counted if key == "jsonl" else list(counted), redaction=redaction)
        return written_words(key, counted.exchanges, counted.n - counted.exchanges)

    return await journal.stream(JournalFilter(session=session), write)


def written_words(key: str, exchanges: int, events: int) -> str:
    """What an export holds, in the file's own terms.

    A HAR file's entries are the exchanges (events travel in ``_uid2Events``); a JSON Lines
    file has one line per journal entry; the report one section per entry.
    """
    if key == "har":
        return f"{exchanges} exchanges as HAR entries, {events} events in _uid2Events"
    return f"{exchanges + events} journal entries ({exchanges} exchanges, {events} events)"


def default_export_folder(last: Path | None) -> Path:
    """Where the save dialog opens: the last folder used, else Documents, else home."""
    if last is not None and last.is_dir():
        return last
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


class _Counted:
    """An iterator of entries that counts what went through it (and how many exchanges)."""

    def __init__(self, entries: Iterator[JournalEntry]) -> None:
        self._entries = entries
        self.n = 0
        self.exchanges = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> JournalEntry:
        entry = next(self._entries)
        self.n += 1
        self.exchanges += entry.kind.value == "exchange"
        return entry

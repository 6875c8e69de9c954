"""What every export shares: full entries, redaction, UTC timestamps, atomic file writes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from uid2_desk.journal.model import EntryKind, JournalEntry
from uid2_desk.journal.redaction import Redaction, redact_entry
from uid2_desk.output_files import refuse_unsafe_target, temporary_beside, write_failure_advice
from uid2_desk.protocol.errors import InputError, StorageError


def prepare(entries: Sequence[JournalEntry], redaction: Redaction) -> list[JournalEntry]:
    """Entries in ``seq`` order, redacted; exchange entries must carry their exchange.

    Raises ``ValueError`` for a light exchange entry: exports need the bytes, so load entries
    with ``Journal.entries(..., limit=None, with_exchanges=True)``.
    """
    light = [e.seq for e in entries if e.kind is EntryKind.EXCHANGE and e.exchange is None]
    if light:
        raise ValueError(
            f"entries {light[:5]} have no exchange loaded; pass with_exchanges=True when "
            "listing entries for an export"
        )
    return [redact_entry(e, redaction) for e in sorted(entries, key=lambda e: e.seq)]


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as ISO 8601 in UTC with milliseconds (HAR's date format)."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="milliseconds")


def human_ms(ms: int) -> str:
    """Epoch milliseconds as ``2024-01-01 00:00:00.000 UTC``."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def write_text_atomic(path: Path, text: str | Iterable[str]) -> None:
    """Write ``text`` to ``path`` through a temporary file, so a reader never sees half of it.

    ``text`` may be pieces, written as they come (a streamed export holds one at a time).

    Raises :class:`StorageError` with advice when the file cannot be written.
    """
    path = Path(path)
    try:
        refuse_unsafe_target(path)
    except InputError as refused:
        raise StorageError(str(refused)[0].upper() + str(refused)[1:] + ".") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temporary_beside(path)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                if isinstance(text, str):
                    fh.write(text)
                else:
                    fh.writelines(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError(
            f"Could not write {path} ({exc.strerror or exc}). "
            f"{write_failure_advice(exc).capitalize()}."
        ) from exc

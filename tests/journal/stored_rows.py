"""What a journal file holds, row by row, as SQLite stores it (types included)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def stored_rows(path: Path) -> list[tuple[object, ...]]:
    """Every entry joined with its exchange, with the storage types that matter, by seq."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute(
            "SELECT e.*, typeof(e.duration_ms), typeof(e.at_ms), x.doc, typeof(x.doc)"
            " FROM entry e LEFT JOIN exchange x USING (seq) ORDER BY seq"
        )
        return [tuple(r) for r in rows]
    finally:
        db.close()

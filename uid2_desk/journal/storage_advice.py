"""What a person can do about a SQLite failure of the journal, by what SQLite says it was.

One sentence for every failure ("check free space and locks") sent people with a damaged file
to look for free space. SQLite names each failure (``sqlite_errorname``); a damaged or foreign
file and a schema that lost a table are told apart from a full disk and a held lock.
"""

from __future__ import annotations

import sqlite3

_FULL = ("SQLITE_FULL",)
_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_READ_ONLY = ("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")
#: Words of SQLite's message when the file is a database but not a journal any more.
_SCHEMA_WORDS = ("no such table", "no such column", "has no column")


def advice(exc: sqlite3.Error) -> str:
    """One sentence on what to do about ``exc``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith(_DAMAGED) or any(word in text for word in _SCHEMA_WORDS):
        return (
            "The journal file is damaged or is not a UID2 Desk journal: move it aside (rename "
            "it) and the desk starts a new one; the old file stays for inspection."
        )
    if name.startswith(_BUSY):
        return (
            "Another program holds the file (another desk on the same folder?): close it, "
            "then try again."
        )
    if name.startswith(_FULL):
        return "The disk is full: free some space, then try again."
    if name.startswith(_READ_ONLY):
        return "The file or its folder cannot be written: check their permissions."
    return (
        "Check that the disk has free space and that no other program locks the file, then try "
        "again."
    )

"""Opening the journal's SQLite file: durable settings, schema migration, friendly errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from uid2_desk.journal.schema import migrate
from uid2_desk.journal.storage_advice import advice
from uid2_desk.owner_only import make_owner_only
from uid2_desk.protocol.errors import StorageError

#: Keep the WAL file from growing without bound on a kiosk that runs for days.
WAL_SIZE_LIMIT = 8 * 1024 * 1024
#: A stored exchange was about 2.2 KB when zlib-compressed (8 KB pages held three, 4 KB pages
#: one); larger pages saved little more space but slowed appends, since every page a commit
#: touches is written whole to the WAL (measured then: 4 KB 1,650 appends/s and 3.1 KB per
#: entry; 8 KB 1,440/s, 2.2 KB; 16 KB 1,130/s, 2.0 KB). Stored plain (codec format 2) a
#: generate is about 3.4 KB, two to a page.
PAGE_SIZE = 8192


def open_connection(path: Path) -> sqlite3.Connection:
    """Open (creating or migrating as needed) the journal database at ``path``.

    The connection is in autocommit mode (the journal issues ``BEGIN IMMEDIATE``/``COMMIT``
    itself), in WAL mode with ``synchronous=FULL``; the file and its side files are
    readable by their owner only (mode 0600). Raises :class:`StorageError` when the file
    cannot be opened, is not a journal, or was written by a newer version of the desk.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        make_owner_only(path)  # it holds DII and tokens
        db = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(
            f"Could not open the journal at {path} ({exc}). Check that the folder exists "
            "and is writable, or choose another one with --data-dir."
        ) from exc
    try:
        # page_size and auto_vacuum only take effect before the first table exists.
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        db.execute("PRAGMA journal_mode = WAL").fetchone()
        db.execute("PRAGMA synchronous = FULL")
        # On macOS fsync() only reaches the drive's cache; F_FULLFSYNC (these two pragmas) is
        # what makes a commit survive a power cut. Elsewhere SQLite ignores them, so they are
        # set everywhere rather than guessed per platform.
        db.execute("PRAGMA fullfsync = ON")
        db.execute("PRAGMA checkpoint_fullfsync = ON")
        db.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        migrate(db, path)
    except sqlite3.DatabaseError as exc:
        db.close()
        # A held lock or a full disk is not a foreign file: say what it is. (Not reached in
        # tests: another process must hold the file past the 10 s busy timeout; the advice
        # itself is specified in test_store.)
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL")):
            raise StorageError(
                f"Could not open the journal at {path} ({exc}). {advice(exc)}"
            ) from exc
        raise StorageError(
            f"The file {path} is not a journal UID2 Desk can read ({exc}). Move it aside "
            "to start a fresh journal, or choose another --data-dir."
        ) from exc
    except BaseException:
        db.close()
        raise
    return db

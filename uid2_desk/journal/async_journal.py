"""The journal for asyncio code: one writer thread, and reader threads beside it.

SQLite connections are bound to the thread that made them, and disk I/O must never run on the
GUI's event loop. :class:`AsyncJournal` writes through one
:class:`~uid2_desk.journal.writer_thread.JournalWriter` (its own thread and connection, appends
committed in groups, in submission order) and reads through a
:class:`~uid2_desk.journal.reader_pool.ReaderPool` of WAL reader connections, so an export or
a text filter never holds up an append. Its methods are coroutines that mirror
:class:`Journal`'s; an append's Python work (:mod:`~uid2_desk.journal.prepare`) runs on the
caller's side, so the writer thread only writes; :meth:`AsyncJournal.stream` hands a whole
session to a function in batches (``fetchmany``) rather than as one list.

Appends and listeners live in :mod:`~uid2_desk.journal.async_appends`: an append returns a
future that resolves once its entry is committed, and listeners hear of each committed entry
on the loop that appended, in append order.

Closing. ``await close()`` lets queued appends commit, closes every connection and joins the
threads (off the loop), so no thread outlives the journal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from uid2_desk.journal.async_appends import AsyncAppends, Listener
from uid2_desk.journal.model import JournalEntry, JournalFilter
from uid2_desk.journal.reader_pool import ReaderPool
from uid2_desk.journal.store import Journal
from uid2_desk.journal.writer_thread import JournalWriter
from uid2_desk.protocol.cancel_safe import open_cancel_safe
from uid2_desk.protocol.exchange import Exchange

_T = TypeVar("_T")
_NO_FILTER = JournalFilter()

__all__ = ["AsyncJournal", "Listener"]


class AsyncJournal(AsyncAppends):
    """Awaitable access to the journal: one writer thread, reader threads beside it.

    Attributes:
        path: the database file.
    """

    def __init__(self, writer: JournalWriter, readers: ReaderPool) -> None:
        """Use :meth:`open`."""
        super().__init__(writer)
        self._readers = readers
        self.path = writer.path
        self._closed = False

    @classmethod
    async def open(cls, path: Path) -> AsyncJournal:
        """Open the journal at ``path``: start its writer thread, then its readers.

        Raises :class:`~uid2_desk.protocol.errors.StorageError` like :meth:`Journal.open`
        (and leaves no thread behind). The open, and its clean-up on failure, run off the
        loop, so a failing open never blocks it. A caller cancelled while the file opens does
        not leave the writer thread running: it is closed once open, then the cancellation
        goes on.
        """
        writer = await open_cancel_safe(
            asyncio.to_thread(JournalWriter, Path(path)), lambda w: asyncio.to_thread(w.close)
        )
        return cls(writer, ReaderPool(writer.path))

    async def close(self) -> None:
        """Commit what is queued, close every connection and stop the threads (idempotent)."""
        if self._closed:
            return
        self._closed = True

        def close_all() -> None:
            try:
                self._readers.close()
            finally:
                self._writer.close()

        # Shielded: a cancelled caller must not leave the threads running.
        await asyncio.shield(asyncio.to_thread(close_all))

    async def __aenter__(self) -> AsyncJournal:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    async def _read(self, fn: Callable[[Journal], _T]) -> _T:
        if self._closed:
            raise RuntimeError("this AsyncJournal is closed")
        return await asyncio.wrap_future(self._readers.submit(fn))

    async def _write(self, fn: Callable[[Journal], _T]) -> _T:
        if self._closed:
            raise RuntimeError("this AsyncJournal is closed")
        return await asyncio.wrap_future(self._writer.submit(fn))

    # -- writing (appends: see AsyncAppends) ------------------------------------------------

    async def prune(self, keep_sessions: int) -> int:
        """:meth:`Journal.prune` on the writer."""
        return await self._write(lambda j: j.prune(keep_sessions))

    # -- reading ---------------------------------------------------------------------------

    async def read(self, fn: Callable[[Journal], _T]) -> _T:
        """Run ``fn(journal)`` on a reader thread (any read :class:`Journal` offers)."""
        return await self._read(fn)

    async def get(self, seq: int) -> JournalEntry | None:
        """:meth:`Journal.get` on a reader."""
        return await self._read(lambda j: j.get(seq))

    async def exchange(self, seq: int) -> Exchange | None:
        """:meth:`Journal.exchange` on a reader."""
        return await self._read(lambda j: j.exchange(seq))

    async def entries(
        self,
        f: JournalFilter = _NO_FILTER,
        *,
        after_seq: int = 0,
        before_seq: int | None = None,
        limit: int | None = 500,
        with_exchanges: bool = False,
    ) -> list[JournalEntry]:
        """:meth:`Journal.entries` on a reader."""
        return await self._read(
            lambda j: j.entries(
                f,
                after_seq=after_seq,
                before_seq=before_seq,
                limit=limit,
                with_exchanges=with_exchanges,
            )
        )

    async def stream(self, f: JournalFilter, consume: Callable[[Iterator[JournalEntry]], _T]) -> _T:
        """Run ``consume`` on a reader thread over the full entries matching ``f``.

        The entries arrive in batches (:meth:`Journal.iter_entries`), so an export of any size
        holds one batch in memory, and appends carry on meanwhile.
        """
        return await self._read(lambda j: consume(j.iter_entries(f, with_exchanges=True)))

    async def count(self, f: JournalFilter = _NO_FILTER) -> int:
        """:meth:`Journal.count` on a reader."""
        return await self._read(lambda j: j.count(f))

    async def last_seq(self) -> int:
        """:meth:`Journal.last_seq` on a reader."""
        return await self._read(lambda j: j.last_seq())

    async def sessions(self) -> list[str]:
        """:meth:`Journal.sessions` on a reader."""
        return await self._read(lambda j: j.sessions())

"""The journal for asyncio code: a :class:`Journal` on one dedicated worker thread.

SQLite connections are bound to the thread that made them, and disk I/O must never run on the
GUI's event loop, so :class:`AsyncJournal` opens its :class:`Journal` on a single worker thread
and runs every call there, one at a time, in submission order. Its methods are coroutines that
mirror :class:`Journal`'s.

Listeners. ``add_listener(cb)`` registers a callable that receives each appended
:class:`JournalEntry`. It is called on the event loop of the coroutine that appended, after the
worker has committed the entry (so a listener never sees an entry that could be lost), in
append order. A listener that raises does not fail the append: the exception goes to the
loop's exception handler.

Closing. ``await close()`` closes the connection on the worker and then joins the (by then
idle) worker thread, so no thread outlives the journal.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ParamSpec, TypeVar

from uid2_desk.journal.model import JournalEntry, JournalFilter, LabelledExchange
from uid2_desk.journal.store import Journal
from uid2_desk.protocol.exchange import Exchange

_P = ParamSpec("_P")
_T = TypeVar("_T")
_NO_FILTER = JournalFilter()

#: What a listener receives.
Listener = Callable[[JournalEntry], None]


class AsyncJournal:
    """Awaitable access to a :class:`Journal` owned by one worker thread.

    Attributes:
        path: the database file.
    """

    def __init__(self, executor: ThreadPoolExecutor, journal: Journal) -> None:
        """Use :meth:`open`: the journal must have been opened on ``executor``'s thread."""
        self._executor = executor
        self._journal = journal
        self.path = journal.path
        self._listeners: list[Listener] = []
        self._closed = False

    @classmethod
    async def open(cls, path: Path) -> AsyncJournal:
        """Open the journal at ``path`` on a new worker thread.

        Raises :class:`~uid2_desk.protocol.errors.StorageError` like :meth:`Journal.open`
        (and leaves no thread behind).
        """
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="uid2-journal")
        loop = asyncio.get_running_loop()
        try:
            journal = await loop.run_in_executor(executor, Journal.open, Path(path))
        except BaseException:
            executor.shutdown(wait=True)
            raise
        return cls(executor, journal)

    async def close(self) -> None:
        """Close the journal and stop its worker thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, self._journal.close)
        finally:
            # The worker is idle now: joining it takes microseconds, not a blocking wait.
            self._executor.shutdown(wait=True)

    async def __aenter__(self) -> AsyncJournal:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    # -- listeners -------------------------------------------------------------------------

    def add_listener(self, callback: Listener) -> None:
        """Call ``callback(entry)`` after each committed append (see the module docstring)."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        with contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    def _notify(self, entry: JournalEntry) -> None:
        loop = asyncio.get_running_loop()
        for callback in list(self._listeners):
            try:
                callback(entry)
            except Exception as exc:
                loop.call_exception_handler(
                    {
                        "message": f"journal listener {callback!r} failed on entry {entry.seq}",
                        "exception": exc,
                    }
                )

    async def _run(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        if self._closed:
            raise RuntimeError("this AsyncJournal is closed")
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    async def _append(
        self, fn: Callable[_P, JournalEntry], *args: _P.args, **kwargs: _P.kwargs
    ) -> JournalEntry:
        """Run an append; notify listeners from the future itself, not from the awaiting task.

        Once submitted, an append commits even if the caller is cancelled; hooking the
        notification to the future (and shielding it) means listeners still hear of it.
        """
        if self._closed:
            raise RuntimeError("this AsyncJournal is closed")
        call = functools.partial(fn, *args, **kwargs)
        future = asyncio.get_running_loop().run_in_executor(self._executor, call)
        future.add_done_callback(self._on_appended)
        return await asyncio.shield(future)

    def _on_appended(self, future: asyncio.Future[JournalEntry]) -> None:
        if not future.cancelled() and future.exception() is None:
            self._notify(future.result())

    # -- writing ---------------------------------------------------------------------------

    async def append_exchange(
        self,
        exchange: Exchange,
        *,
        session: str,
        user: str | None,
        environment: str,
        step: str | None,
        outcome: str | None = None,
        summary: str | None = None,
    ) -> JournalEntry:
        """:meth:`Journal.append_exchange` on the worker; listeners run after the commit."""
        return await self._append(
            self._journal.append_exchange,
            exchange,
            session=session,
            user=user,
            environment=environment,
            step=step,
            outcome=outcome,
            summary=summary,
        )

    async def append_exchanges(
        self, batch: Sequence[LabelledExchange], *, session: str, environment: str
    ) -> list[JournalEntry]:
        """Append many exchanges in one transaction (one fsync); listeners hear each one."""
        if self._closed:
            raise RuntimeError("this AsyncJournal is closed")
        journal = self._journal

        def append_all() -> list[JournalEntry]:
            with journal.bulk():
                return [
                    journal.append_exchange(
                        item.exchange,
                        session=session,
                        user=item.user,
                        environment=environment,
                        step=item.step,
                    )
                    for item in batch
                ]

        future = asyncio.get_running_loop().run_in_executor(self._executor, append_all)
        entries = await asyncio.shield(future)
        for entry in entries:
            self._notify(entry)
        return entries

    async def append_event(
        self,
        name: str,
        *,
        at_ms: int,
        session: str,
        user: str | None,
        environment: str,
        step: str | None,
        outcome: str | None = None,
        summary: str = "",
        detail: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
    ) -> JournalEntry:
        """:meth:`Journal.append_event` on the worker; listeners run after the commit."""
        return await self._append(
            self._journal.append_event,
            name,
            at_ms=at_ms,
            session=session,
            user=user,
            environment=environment,
            step=step,
            outcome=outcome,
            summary=summary,
            # Copied here so the caller may mutate its mapping while the worker writes.
            detail=tuple(detail.items() if isinstance(detail, Mapping) else (detail or ())),
        )

    async def prune(self, keep_sessions: int) -> int:
        """:meth:`Journal.prune` on the worker."""
        return await self._run(self._journal.prune, keep_sessions)

    # -- reading ---------------------------------------------------------------------------

    async def get(self, seq: int) -> JournalEntry | None:
        """:meth:`Journal.get` on the worker."""
        return await self._run(self._journal.get, seq)

    async def exchange(self, seq: int) -> Exchange | None:
        """:meth:`Journal.exchange` on the worker."""
        return await self._run(self._journal.exchange, seq)

    async def entries(
        self,
        f: JournalFilter = _NO_FILTER,
        *,
        after_seq: int = 0,
        before_seq: int | None = None,
        limit: int | None = 500,
        with_exchanges: bool = False,
    ) -> list[JournalEntry]:
        """:meth:`Journal.entries` on the worker."""
        return await self._run(
            self._journal.entries,
            f,
            after_seq=after_seq,
            before_seq=before_seq,
            limit=limit,
            with_exchanges=with_exchanges,
        )

    async def count(self, f: JournalFilter = _NO_FILTER) -> int:
        """:meth:`Journal.count` on the worker."""
        return await self._run(self._journal.count, f)

    async def last_seq(self) -> int:
        """:meth:`Journal.last_seq` on the worker."""
        return await self._run(self._journal.last_seq)

    async def sessions(self) -> list[str]:
        """:meth:`Journal.sessions` on the worker."""
        return await self._run(self._journal.sessions)

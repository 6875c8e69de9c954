"""The write half of :class:`~uid2_desk.journal.async_journal.AsyncJournal`: appends, listeners.

An append's Python work (:mod:`~uid2_desk.journal.prepare`) runs on the caller's side, so
the writer thread only writes. :meth:`AsyncAppends.append_exchange` and
:meth:`AsyncAppends.append_event` are plain methods that return an asyncio future: the entry
is made ready and queued when they are called, and the future resolves once its group has
committed (its ``await`` returns a durable entry, as before): no task per append and no
coroutine to step twice, Python the event loop spent on every append of a burst. A call
that cannot be queued (the journal is closed, the
arguments are wrong) returns a future holding that error, so it still surfaces at the
``await``.

Handing the GIL over. The writer thread runs SQLite without Python's lock (GIL) but needs it
back after each statement; while the loop makes appends ready without a pause, getting it
back takes Python's whole switch interval (5 ms), twice per group, and under a burst the
writer sat idle most of the time (a group of 300 entries: 25 ms for 10 ms of work). So while
the writer is writing a group, an append made at least :data:`HAND_OVER_EVERY_S` after the
last hand-over sleeps for an instant (``time.sleep(0)``, some 60 µs without the GIL), in
which the waiting writer takes it: a few percent of the loop's time during a burst, and the
writer's groups then take about their CPU time (measured side by side, 2,000 appends:
groups of about 200 entries written in 5-8 ms against 11-17 ms). The reader threads nap for the
same reason (:mod:`~uid2_desk.journal.reading`).

Listeners. ``add_listener(cb)`` registers a callable that receives each appended
:class:`JournalEntry`. It is called on the event loop that appended, after the writer has
committed the entry (so a listener never sees an entry that could be lost), in append order,
before the appender resumes. A listener that raises does not fail the append: the exception
goes to the loop's exception handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from uid2_desk.journal.model import JournalEntry, LabelledExchange
from uid2_desk.journal.prepare import PreparedEntry, prepare_event, prepare_exchange
from uid2_desk.journal.store import Journal
from uid2_desk.journal.writer_thread import JournalWriter, LoopTarget
from uid2_desk.protocol.exchange import Exchange

_T = TypeVar("_T")

#: While the writer writes a group, appends made on the loop hand it the GIL this often.
HAND_OVER_EVERY_S = 0.001

#: What a listener receives.
Listener = Callable[[JournalEntry], None]


class AsyncAppends:
    """Appends through a :class:`JournalWriter`, and the listeners that hear of them."""

    _closed: bool

    def __init__(self, writer: JournalWriter) -> None:
        """Append through ``writer``; its committed entries reach this object's listeners."""
        self._writer = writer
        self._listeners: list[Listener] = []
        self._handed_over = 0.0
        writer.on_committed = self._notify

    def add_listener(self, callback: Listener) -> None:
        """Call ``callback(entry)`` after each committed append (see the module docstring)."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Listener) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        with contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    def _notify(self, entry: JournalEntry) -> None:
        if not self._listeners:
            return
        for callback in list(self._listeners):
            try:
                callback(entry)
            except Exception as exc:
                asyncio.get_running_loop().call_exception_handler(
                    {
                        "message": f"journal listener {callback!r} failed on entry {entry.seq}",
                        "exception": exc,
                    }
                )

    def _notify_all(self, entries: list[JournalEntry]) -> None:
        for entry in entries:
            self._notify(entry)

    async def _append(self, fn: Callable[[Journal], _T], notify: Callable[[_T], None]) -> _T:
        """Queue a job that appends; listeners hear of it from the writer's hand-over.

        Once queued, it commits even if the caller is cancelled; ``notify`` runs on the loop
        when the writer hands the group over, in commit order and before the caller resumes.
        """
        if self._closed:
            raise RuntimeError("this AsyncJournal is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()

        def settle(result: _T, exc: BaseException | None) -> None:
            if exc is None:
                notify(result)
            if future.done():  # the caller was cancelled; the entry is committed all the same
                return
            if exc is None:
                future.set_result(result)
            else:
                future.set_exception(exc)

        self._writer.submit_to_loop(fn, LoopTarget(loop, settle))
        return await future

    def _queue(self, prepare: Callable[[], PreparedEntry]) -> asyncio.Future[JournalEntry]:
        """The future of one append: made ready now by ``prepare``, queued on the writer.

        A refusal (the journal closed, an entry that cannot be made) surfaces at the caller's
        await, as a coroutine's would.
        """
        if self._closed:
            return self._refused(RuntimeError("this AsyncJournal is closed"))
        try:
            prepared = prepare()
        except Exception as exc:
            return self._refused(exc)
        return self._queued(prepared)

    def _queued(self, prepared: PreparedEntry) -> asyncio.Future[JournalEntry]:
        """The future of an append made ready by the caller, now queued on the writer."""
        future: asyncio.Future[JournalEntry] = asyncio.get_running_loop().create_future()
        self._writer.submit_append(prepared, future)
        if self._writer.writing:
            now = time.perf_counter()
            if now - self._handed_over >= HAND_OVER_EVERY_S:
                self._handed_over = now
                time.sleep(0)  # an instant without the GIL: see the module docstring
        return future

    def _refused(self, exc: BaseException) -> asyncio.Future[JournalEntry]:
        """The future of an append that could not be queued: the error, at the caller's await."""
        future: asyncio.Future[JournalEntry] = asyncio.get_running_loop().create_future()
        future.set_exception(exc)
        return future

    def append_exchange(
        self,
        exchange: Exchange,
        *,
        session: str,
        user: str | None,
        environment: str,
        step: str | None,
        outcome: str | None = None,
        summary: str | None = None,
        detail: Iterable[tuple[str, str]] = (),
    ) -> asyncio.Future[JournalEntry]:
        """:meth:`Journal.append_exchange`: made ready now, written by the writer thread.

        Await the returned future for the committed entry; listeners hear of it first.
        """
        return self._queue(
            lambda: prepare_exchange(
                exchange,
                session=session,
                user=user,
                environment=environment,
                step=step,
                outcome=outcome,
                summary=summary,
                detail=detail,
            )
        )

    async def append_exchanges(
        self, batch: Sequence[LabelledExchange], *, session: str, environment: str
    ) -> list[JournalEntry]:
        """Append many exchanges in one transaction (one fsync); listeners hear each one.

        A batch (the capture's, up to hundreds) is made ready on the writer thread: on the
        GUI's loop it would stall the window for milliseconds per batch."""

        def append_all(journal: Journal) -> list[JournalEntry]:
            prepared = [
                prepare_exchange(
                    item.exchange, session=session, user=item.user, environment=environment,
                    step=item.step,
                )
                for item in batch
            ]  # fmt: skip
            with journal.group():
                return [journal.append_prepared(p) for p in prepared]

        return await self._append(append_all, self._notify_all)

    def append_event(
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
    ) -> asyncio.Future[JournalEntry]:
        """:meth:`Journal.append_event`: made ready now (the caller may then change its
        ``detail``), written by the writer thread; await the future for the committed entry."""
        return self._queue(
            lambda: prepare_event(
                name,
                at_ms=at_ms,
                session=session,
                user=user,
                environment=environment,
                step=step,
                outcome=outcome,
                summary=summary,
                detail=detail,
            )
        )

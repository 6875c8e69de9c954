"""The journal's one writer: its own thread and connection, committing appends in groups.

Every write (appends, prune, close) is a job put on one queue. The writer takes the first job
waiting and every other one already queued behind it (up to :data:`GROUP_LIMIT`) and runs
them in one transaction: one fsync for the whole group, which is what keeps durable appends
near bare SQLite's rate under a burst, while a lone append still commits at once (nothing
waits for a group to fill). If a group's transaction fails, each of its jobs is run again
alone, so one bad job fails only its own caller.

Appends made ready on an event loop (:meth:`JournalWriter.submit_append`) are jobs too, but
not callables: a group made only of them is handed to :meth:`Journal.append_group` whole
(one statement, see :mod:`~uid2_desk.journal.group_insert`), and each one's outcome goes to
its asyncio future, a whole group's to its loop in one call.

Readers never share this connection or thread (see
:mod:`~uid2_desk.journal.reader_pool`), so an export or a filter never delays an append.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from uid2_desk.journal.model import JournalEntry
from uid2_desk.journal.prepare import PreparedEntry
from uid2_desk.journal.store import Journal

_T = TypeVar("_T")

#: The most jobs one transaction holds: a bounded commit keeps the longest wait short.
GROUP_LIMIT = 512

#: Hears a job's outcome on the submitter's event loop: ``(result, None)`` or ``(None, exc)``.
Settle = Callable[[Any, BaseException | None], None]


class LoopTarget:
    """Where a job submitted from asyncio code reports: a callback run on its loop.

    After each group the writer hands every such outcome to its loop in one
    ``call_soon_threadsafe``: one wake-up of the loop per group, not one per append.
    """

    __slots__ = ("loop", "settle")

    def __init__(self, loop: asyncio.AbstractEventLoop, settle: Settle) -> None:
        self.loop = loop
        self.settle = settle


#: Where a job's outcome goes: a thread's future, a loop's callback, or an append's future.
_Target = Future[Any] | LoopTarget | asyncio.Future[JournalEntry]
#: A job: what to run on the writer's journal (or the entry to append), and where it reports.
_Job = tuple[Callable[[Journal], Any] | PreparedEntry, _Target]
#: A job's outcome: its target, its result, its exception.
_Outcome = tuple[_Target, Any, BaseException | None]
#: Hears each entry appended through :meth:`JournalWriter.submit_append`, on its loop, after
#: the commit and before the append's future is resolved.
Committed = Callable[[JournalEntry], None]


class JournalWriter:
    """Owns the writing :class:`Journal` on a thread of its own; see the module docstring."""

    def __init__(self, path: Path, *, name: str = "uid2-journal-writer") -> None:
        """Start the thread and open the journal on it.

        Raises :class:`StorageError` (leaving no thread behind) when the journal cannot be
        opened. Blocks while the file opens and migrates; call it off the event loop.
        """
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        #: Set by the owner; see :data:`Committed`.
        self.on_committed: Committed | None = None
        #: Whether a group is being written: its SQLite work runs without Python's GIL, which
        #: the writer then needs back (see :mod:`~uid2_desk.journal.async_appends`).
        self.writing = False
        opened: Future[Journal] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(Path(path), opened), name=name, daemon=True
        )
        self._thread.start()
        try:
            self._journal = opened.result()
        except BaseException:
            self._thread.join()
            raise
        self.path = self._journal.path

    def submit(self, fn: Callable[[Journal], _T]) -> Future[_T]:
        """Queue ``fn(journal)``; the future holds its result once committed."""
        future: Future[_T] = Future()
        self._jobs.put((fn, future))
        return future

    def submit_to_loop(self, fn: Callable[[Journal], Any], target: LoopTarget) -> None:
        """Queue ``fn(journal)``; once committed, ``target.settle`` runs on ``target.loop``.

        The job runs even if nobody awaits it any more (a queued append always commits).
        """
        self._jobs.put((fn, target))

    def submit_append(self, prepared: PreparedEntry, future: asyncio.Future[JournalEntry]) -> None:
        """Queue an append; once committed, its entry goes to ``future`` on the future's loop.

        :attr:`on_committed` hears it first. The append commits even if ``future`` has been
        cancelled meanwhile (a queued append always commits).
        """
        self._jobs.put((prepared, future))

    def close(self) -> None:
        """Finish every queued job, close the connection and join the thread (blocking)."""
        self._jobs.put(None)
        self._thread.join()

    def _run(self, path: Path, opened: Future[Journal]) -> None:
        try:
            journal = Journal.open(path)
        except BaseException as exc:  # handed to the opener, which re-raises
            opened.set_exception(exc)
            return
        opened.set_result(journal)
        try:
            while (group := self._take()) is not None:
                self._commit(journal, group)
        finally:
            journal.close()

    def _take(self) -> list[_Job] | None:
        """The next group: the first job (waiting for it) and whatever queued behind it."""
        first = self._jobs.get()
        if first is None:
            return None
        group = [first]
        while len(group) < GROUP_LIMIT:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is None:  # close after this group: put the sentinel back for _take
                self._jobs.put(None)
                break
            group.append(job)
        return group

    def _commit(self, journal: Journal, group: list[_Job]) -> None:
        live = [
            (fn, to)
            for fn, to in group
            if not isinstance(to, Future) or to.set_running_or_notify_cancel()
        ]
        appends = [fn for fn, _ in live if isinstance(fn, PreparedEntry)]
        if len(live) == 1 and not appends:  # a lone job (a prune) runs as it would alone
            self._deliver([_run_one(journal, *live[0])])
            return
        self.writing = True
        try:
            if len(appends) == len(live):
                results: list[Any] = journal.append_group(appends)
            else:
                with journal.bulk():
                    results = [_apply(journal, fn) for fn, _ in live]
        except Exception:  # any job's fault (a TypeError too): the others must still be answered
            # Rolled back whole: run each alone so only the faulty job fails its caller.
            self._deliver([_run_one(journal, fn, to) for fn, to in live])
            return
        finally:
            self.writing = False
        self._deliver([(to, result, None) for (_, to), result in zip(live, results, strict=True)])

    def _deliver(self, outcomes: list[_Outcome]) -> None:
        """Settle futures here; hand each loop its outcomes in one call, in commit order."""
        by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
        for outcome in outcomes:
            to, result, exc = outcome
            if isinstance(to, Future):
                if exc is None:
                    to.set_result(result)
                else:
                    to.set_exception(exc)
            else:
                loop = to.loop if isinstance(to, LoopTarget) else to.get_loop()
                by_loop.setdefault(loop, []).append(outcome)
        for loop, settles in by_loop.items():
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
                loop.call_soon_threadsafe(_settle_all, settles, self.on_committed)


def _apply(journal: Journal, fn: Callable[[Journal], Any] | PreparedEntry) -> Any:
    if isinstance(fn, PreparedEntry):
        return journal.append_prepared(fn)
    return fn(journal)


def _run_one(
    journal: Journal, fn: Callable[[Journal], Any] | PreparedEntry, to: _Target
) -> _Outcome:
    try:
        return (to, _apply(journal, fn), None)
    except BaseException as exc:  # delivered to the caller of this job
        return (to, None, exc)


def _settle_all(outcomes: list[_Outcome], on_committed: Committed | None) -> None:
    """On the loop: each outcome to its callback or future, in commit order."""
    for to, result, exc in outcomes:
        if isinstance(to, LoopTarget):
            to.settle(result, exc)
            continue
        assert isinstance(to, asyncio.Future)  # a thread's future was settled by the writer
        if exc is None and on_committed is not None:
            on_committed(result)
        if to.done():  # the caller was cancelled; the entry is committed all the same
            continue
        if exc is None:
            to.set_result(result)
        else:
            to.set_exception(exc)

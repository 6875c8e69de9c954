"""The journal's one writer: its own thread and connection, committing appends in groups.

Every write (appends, prune, close) is a job put on one queue. The writer takes the first job
waiting and every other one already queued behind it (up to :data:`GROUP_LIMIT`) and runs
them in one transaction: one fsync for the whole group, which is what keeps durable appends
near bare SQLite's rate under a burst, while a lone append still commits at once (nothing
waits for a group to fill). If a group's transaction fails, each of its jobs is run again
alone, so one bad job fails only its own caller.

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


#: A job: what to run on the writer's journal, and where its result goes.
_Job = tuple[Callable[[Journal], Any], "Future[Any] | LoopTarget"]
#: A job's outcome: its target, its result, its exception.
_Outcome = tuple["Future[Any] | LoopTarget", Any, BaseException | None]


class JournalWriter:
    """Owns the writing :class:`Journal` on a thread of its own; see the module docstring."""

    def __init__(self, path: Path, *, name: str = "uid2-journal-writer") -> None:
        """Start the thread and open the journal on it.

        Raises :class:`StorageError` (leaving no thread behind) when the journal cannot be
        opened. Blocks while the file opens and migrates; call it off the event loop.
        """
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
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
            if isinstance(to, LoopTarget) or to.set_running_or_notify_cancel()
        ]
        if len(live) == 1:
            _deliver([_run_one(journal, *live[0])])
            return
        try:
            with journal.bulk():
                results = [fn(journal) for fn, _ in live]
        except Exception:  # any job's fault (a TypeError too): the others must still be answered
            # Rolled back whole: run each alone so only the faulty job fails its caller.
            _deliver([_run_one(journal, fn, to) for fn, to in live])
            return
        _deliver([(to, result, None) for (_, to), result in zip(live, results, strict=True)])


def _run_one(
    journal: Journal, fn: Callable[[Journal], Any], to: Future[Any] | LoopTarget
) -> _Outcome:
    try:
        return (to, fn(journal), None)
    except BaseException as exc:  # delivered to the caller of this job
        return (to, None, exc)


def _deliver(outcomes: list[_Outcome]) -> None:
    """Settle futures here; hand each loop its outcomes in one call, in commit order."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Settle, Any, BaseException | None]]] = {}
    for to, result, exc in outcomes:
        if isinstance(to, LoopTarget):
            by_loop.setdefault(to.loop, []).append((to.settle, result, exc))
        elif exc is None:
            to.set_result(result)
        else:
            to.set_exception(exc)
    for loop, settles in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(_settle_all, settles)


def _settle_all(settles: list[tuple[Settle, Any, BaseException | None]]) -> None:
    for settle, result, exc in settles:
        settle(result, exc)

"""The checks over one session of a journal file, made to run in a process of their own.

The desk's *Checks* panel re-checks the session as entries arrive. Reading a session of
thousands of exchanges and running the checks over them is hundreds of milliseconds of Python
and hundreds of thousands of objects; in the desk's process that held the GIL against the
window and set off the cycle collector, whose passes stop every thread: under an outside
client at 200 requests/s it was the window's longest stall by far (``bench_gui_load``: 239 ms
with it, 30 ms without). :func:`check_session_file` needs only a path and a session id and
returns plain, picklable values, so the desk runs it in a worker process; the journal is in
WAL mode, so that process reads what the desk has committed while the desk goes on writing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from pathlib import Path

from uid2_desk.journal.model import JournalFilter
from uid2_desk.journal.reader_pool import read_only_journal
from uid2_desk.publisher.checks.findings import Finding
from uid2_desk.publisher.checks.run import run_checks

#: How much the worker process yields the CPU to the desk (``nice`` increment).
WORKER_NICENESS = 10


def lower_priority() -> None:
    """Run this process below the desk: on a busy machine its CPU goes to the window first.

    (The initializer of the checks' worker; where the platform has no ``nice`` it does
    nothing.)
    """
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)


def start_worker() -> None:
    """The initializer of the checks' worker: below the desk, and gone with it."""
    lower_priority()
    end_with_parent()


def end_with_parent() -> None:
    """End this process when the one that started it ends, however it ended (``kill -9``).

    A pool's worker otherwise waits for its next job for ever: it holds the writing end of
    its own job queue, so the queue never reports the parent's end. A process started by
    :mod:`multiprocessing` has its parent's sentinel, which is ready once the parent is gone.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(0)  # a job in flight has no one to return to


def check_session_file(path: str, session: str) -> tuple[list[Finding], int]:
    """Every finding over ``session`` of the journal at ``path``, and how many exchanges."""
    journal = read_only_journal(Path(path))
    try:
        entries = journal.entries(JournalFilter(session=session), limit=None, with_exchanges=True)
    finally:
        journal.release()
    exchanges = sum(1 for entry in entries if entry.exchange is not None)
    return run_checks(entries), exchanges

"""The server's side of the capture worker: a sink that ships what was served to it.

:class:`CaptureShipper` is the capture sink of ``uid2-desk operator`` and ``uid2-desk proxy``.
Called on the server's thread, it only appends the item to a bounded buffer (what does not
fit is counted as dropped, never waited for). A shipping thread wakes once per burst, lets it
gather for :data:`GATHER_S`, encodes the whole batch as one message and writes it to the
worker's pipe, so the server's interpreter does a few microseconds per request and no SQLite.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from types import ModuleType
from typing import Any

from uid2_desk.cli.capture_tally import CaptureTally
from uid2_desk.cli.capture_worker import CaptureJob, Shipped, encode_batch, run_worker
from uid2_desk.journal.capture_feed import DEFAULT_LIMIT
from uid2_desk.protocol.errors import StorageError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Not reached in tests: Windows, where the pipe keeps its size.
    fcntl = None

#: How long a burst gathers before it is shipped (one encoding and one write for many).
GATHER_S = 0.05
#: How long the worker may take to start and open the journal.
START_TIMEOUT_S = 60.0
#: How long a stop waits for the worker to journal what it was sent, in all.
STOP_TIMEOUT_S = 60.0
#: After this long a stop says what it is waiting for.
SLOW_STOP_S = 1.0
#: How much the pipe to the worker may hold (Linux's default unprivileged maximum).
PIPE_BYTES = 1 << 20


class CaptureShipper:
    """Ships captured items to a capture worker process (a capture sink; call :meth:`start`).

    Attributes:
        tally: what became of every item handed over.
    """

    def __init__(
        self,
        job: CaptureJob,
        on_lines: Callable[[list[str]], None] | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
    ) -> None:
        spawn = multiprocessing.get_context("spawn")
        self._child_requests, self._requests = spawn.Pipe(duplex=False)
        _widen(self._requests)
        self._replies, self._child_replies = spawn.Pipe(duplex=False)
        self._process = spawn.Process(
            target=run_worker,
            args=(self._child_requests, self._child_replies, job),
            name="uid2-capture-worker",
        )
        self._kind = job.kind
        self._on_lines = on_lines
        self._limit = limit
        self._items: deque[Shipped] = deque()
        self._waiting = threading.Event()
        self._stopping = self._closed = False
        self._shipper = threading.Thread(target=self._ship, name="uid2-capture-ship", daemon=True)
        self._listener = threading.Thread(
            target=self._listen, name="uid2-capture-listen", daemon=True
        )
        self.tally = CaptureTally()
        self._pid: int | None = None
        self._exitcode: int | None = None
        #: Why the ``--watch`` lines stopped being printed, if they did.
        self.watch_error: str | None = None

    @property
    def worker_pid(self) -> int | None:
        """The worker process's id, once started."""
        return self._pid

    def __call__(self, item: Shipped) -> None:
        """Take one item (on the server's thread: never blocks, never raises)."""
        if self._closed or len(self._items) >= self._limit:
            self.tally.dropped += 1
            return
        self._items.append(item)
        if not self._waiting.is_set():
            self._waiting.set()

    def start(self) -> None:
        """Start the worker and wait until it opened the journal (see :meth:`ready`)."""
        self.launch()
        self.ready()

    def launch(self) -> None:
        """Start the worker process, without waiting for it (it imports and opens meanwhile).

        Ctrl-C is held back while it starts: the worker inherits that and ignores the signal
        before anything can interrupt it (its parent decides when it ends).
        """
        with _interrupts_held():
            self._process.start()
        self._pid = self._process.pid
        # Our copies of the child's ends: closed, so a dead worker reads as EOF, not a hang.
        self._child_requests.close()
        self._child_replies.close()

    def ready(self) -> None:
        """Wait until the launched worker opened the journal, then start shipping.

        Raises :class:`~uid2_desk.protocol.errors.StorageError` with the worker's reason
        when it cannot open it (or does not start).
        """
        answer = self._first_answer()
        if answer != ("opened", ""):
            self._end_unready()
            reason = answer[1] if answer[0] == "refused" else "the capture worker did not start"
            raise StorageError(str(reason))
        self._shipper.start()
        self._listener.start()

    def stop(
        self,
        give_up: threading.Event | None = None,
        on_slow: Callable[[int], None] | None = None,
    ) -> None:
        """Ship what is waiting, let the worker journal it, and wait for it to end.

        Waits at most :data:`STOP_TIMEOUT_S`; calls ``on_slow`` with how many items are still
        waiting once it has waited :data:`SLOW_STOP_S`; stops waiting as soon as ``give_up``
        is set (a second Ctrl-C). What the worker did not journal by then is counted lost.
        """
        self._closed = True
        if self._pid is None or self._exitcode is not None:
            return  # never launched, or stopped already
        if not self._shipper.is_alive() and not self._listener.is_alive():
            self._end_unready()  # launched but never ready, or stopped already
            return
        self._stopping = True
        self._waiting.set()
        started = time.monotonic()
        told = False
        why: str | None = None
        while self._shipper.is_alive() or self._listener.is_alive():
            waited = time.monotonic() - started
            if give_up is not None and give_up.is_set():
                why = "left unjournaled when the stop was asked again"
            elif waited > STOP_TIMEOUT_S:
                why = f"the capture worker had not finished {STOP_TIMEOUT_S:.0f} s after the stop"
            if why is not None:
                self._process.kill()  # its pipes close: both threads see that and end
                self._shipper.join(STOP_TIMEOUT_S)
                self._listener.join(STOP_TIMEOUT_S)
                break
            if not told and waited > SLOW_STOP_S and on_slow is not None:
                told = True
                on_slow(len(self._items) + self.tally.unanswered())
            (self._listener if self._listener.is_alive() else self._shipper).join(0.1)
        self._end_process()
        self.tally.settle(why or _gone(self._exitcode))

    def _end_unready(self) -> None:
        self._requests.close()  # the worker reads the end of its pipe and ends
        self._end_process()

    def _end_process(self) -> None:
        self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():  # Not reached in tests: a worker deaf to its pipe's end.
            self._process.kill()
            self._process.join()
        self._exitcode = self._process.exitcode
        self._replies.close()
        self._process.close()

    def _first_answer(self) -> tuple[Any, ...]:
        try:
            if self._replies.poll(START_TIMEOUT_S):
                answer: tuple[Any, ...] = self._replies.recv()
                return answer
        except (EOFError, OSError):  # the worker died before it answered
            pass
        return ("failed", "")

    def _ship(self) -> None:
        while True:
            self._waiting.wait()
            if not self._stopping:
                time.sleep(GATHER_S)
            self._waiting.clear()
            batch = [self._items.popleft() for _ in range(len(self._items))]
            if batch:
                self._send(batch)
            if self._stopping and not self._items:
                self._send_end()
                return

    def _send(self, batch: list[Shipped]) -> None:
        tally = self.tally
        try:
            message = encode_batch(self._kind, batch)
        except Exception as exc:  # a bug of ours: say it, and keep shipping what follows
            tally.failed_here += len(batch)
            tally.last_error = f"captured requests could not be shipped ({exc!r})"
            return
        try:
            self._requests.send_bytes(message)
        except (OSError, ValueError):  # the worker is gone: these can no longer be journaled
            tally.failed_here += len(batch)
            tally.last_error = _gone(None)
            return
        tally.shipped += len(batch)

    def _send_end(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # the worker is gone already
            self._requests.send_bytes(b"")
        self._requests.close()

    def _listen(self) -> None:
        tally = self.tally
        while True:
            try:
                message = self._replies.recv()
            except (EOFError, OSError):  # the worker ended (or died): stop() settles
                return
            if message[0] == "journaled":
                tally.written += message[1]
                self._print(message[2])
            elif message[0] == "failed":
                tally.failed_there += message[1]
                tally.last_error = message[2]

    def _print(self, lines: list[str]) -> None:
        if not lines or self._on_lines is None:
            return
        try:
            self._on_lines(lines)
        except Exception as exc:  # a closed terminal or pipe: journaling goes on
            self._on_lines = None
            self.watch_error = f"{type(exc).__name__}: {exc}"


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Block SIGINT in this thread for the block (a process started here inherits that)."""
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is None:  # Not reached in tests: Windows, where a worker has no such mask.
        yield
        return
    previous = mask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        mask(signal.SIG_SETMASK, previous)


def _widen(connection: Connection) -> None:
    """Let the pipe hold a whole burst (Linux: 1 MiB instead of 64 KiB where allowed).

    A batch of a few hundred requests is a few hundred kilobytes; with the default size the
    shipping thread blocks several times per batch until the worker has read the rest.
    """
    if fcntl is None or not hasattr(fcntl, "F_SETPIPE_SZ"):
        return  # Not reached in tests: only Linux can resize a pipe.
    with contextlib.suppress(OSError):  # above the system's pipe-max-size: keep the default
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _gone(exitcode: int | None) -> str:
    how = f" (exit code {exitcode})" if exitcode is not None else ""
    return f"the capture worker stopped unexpectedly{how}"

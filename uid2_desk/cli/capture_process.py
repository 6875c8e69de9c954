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
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import ModuleType
from typing import Any

from uid2_desk.cli.capture_worker import Captured, CaptureJob, encode_batch, run_worker
from uid2_desk.journal.capture_feed import DEFAULT_LIMIT
from uid2_desk.protocol.errors import StorageError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # Not reached in tests: Windows, where the pipe keeps its size.
    fcntl = None

#: How long a burst gathers before it is shipped (one pickle and one write for many requests).
GATHER_S = 0.05
#: How long the worker may take to start and open the journal.
START_TIMEOUT_S = 60.0
#: How long the worker may take to journal what it was sent after the stop.
STOP_TIMEOUT_S = 60.0
#: How much the pipe to the worker may hold (Linux's default unprivileged maximum).
PIPE_BYTES = 1 << 20


class CaptureShipper:
    """Ships captured items to a capture worker process (a capture sink; call :meth:`start`).

    Attributes:
        dropped: items refused because the buffer was full (the worker fell behind).
        written: items the worker accounted for: journaled, or the desk's own calls skipped.
        failed: items the worker could not journal, or that never reached it.
        last_error: why the last of those failed.
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
        self._items: deque[Captured] = deque()
        self._waiting = threading.Event()
        self._stopping = False
        self._shipper = threading.Thread(target=self._ship, name="uid2-capture-ship", daemon=True)
        self._listener = threading.Thread(
            target=self._listen, name="uid2-capture-listen", daemon=True
        )
        self.dropped = 0
        self.shipped = 0
        self.written = 0
        self.failed = 0
        self.last_error: str | None = None

    @property
    def worker_pid(self) -> int | None:
        """The worker process's id, once started."""
        return self._process.pid

    def __call__(self, item: Captured) -> None:
        """Take one item (on the server's thread: never blocks, never raises)."""
        if len(self._items) >= self._limit:
            self.dropped += 1
            return
        self._items.append(item)
        if not self._waiting.is_set():
            self._waiting.set()

    def start(self) -> None:
        """Start the worker and wait until it opened the journal (see :meth:`ready`)."""
        self.launch()
        self.ready()

    def launch(self) -> None:
        """Start the worker process, without waiting for it (it imports and opens meanwhile)."""
        self._process.start()
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
            self._requests.close()
            self._process.join(STOP_TIMEOUT_S)
            reason = answer[1] if answer[0] == "refused" else "the capture worker did not start"
            raise StorageError(str(reason))
        self._shipper.start()
        self._listener.start()

    def stop(self) -> None:
        """Ship what is waiting, let the worker journal it, and wait for it to end."""
        if self._process.pid is not None and not self._shipper.is_alive():
            # Launched but never ready (the server could not start): end the worker.
            self._requests.close()
            self._process.join(STOP_TIMEOUT_S)
        if not self._shipper.is_alive() and not self._listener.is_alive():
            return
        self._stopping = True
        self._waiting.set()
        self._shipper.join()
        self._listener.join(STOP_TIMEOUT_S)
        self._process.join(STOP_TIMEOUT_S)
        if self._process.is_alive():  # Not reached in tests: a worker stuck past a minute.
            self._process.kill()
            self._process.join()
        self._replies.close()

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

    def _send(self, batch: list[Captured]) -> None:
        try:
            message = encode_batch(self._kind, batch)
        except Exception as exc:  # a bug of ours: say it, and keep shipping what follows
            self.failed += len(batch)
            self.last_error = f"captured requests could not be shipped ({exc!r})"
            return
        try:
            self._requests.send_bytes(message)
        except (OSError, ValueError):  # the worker is gone: these can no longer be journaled
            self.failed += len(batch)
            self.last_error = self.last_error or _gone(self._process.exitcode)
            return
        self.shipped += len(batch)

    def _send_end(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # the worker is gone already
            self._requests.send_bytes(b"")
        self._requests.close()

    def _listen(self) -> None:
        failed_there = 0
        while True:
            try:
                message = self._replies.recv()
            except (EOFError, OSError):
                # No "done": the worker died; what it held was never journaled. (Reading
                # ``shipped`` here races only with a shipper that is failing too.)
                self._process.join(STOP_TIMEOUT_S)
                self.failed += self.shipped - self.written - failed_there
                self.last_error = _gone(self._process.exitcode)
                return
            if message[0] == "journaled":
                self.written += message[1]
                if message[2] and self._on_lines is not None:
                    self._on_lines(message[2])
            elif message[0] == "failed":
                failed_there += message[1]
                self.failed += message[1]
                self.last_error = message[2]
            else:  # "done"
                return


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

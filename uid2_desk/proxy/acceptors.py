"""The threads that accept client connections and serve them: each serves what it accepted.

No thread hands a connection to another: the thread the kernel wakes in ``accept`` serves the
connection itself, so a new connection costs no wake-up beyond its own (a hand-over to a
worker would add one, and starting a thread per connection two). Before it serves, a thread
that was the last one waiting starts another to take its place; one that waited
:data:`IDLE_S` while enough others wait too ends. A backend opening a connection per call
(the official Python SDK does) thus reuses the same few threads.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable

#: How long a thread waits for a connection before it may end (when others wait as well).
IDLE_S = 2.0
#: How many threads may wait for connections at once; more end when idle.
SPARE = 4
#: How long accepting pauses when the process is out of descriptors (EMFILE).
_FULL_PAUSE_S = 0.05


class Acceptors:
    """Accept on ``listener`` (its timeout is set to :data:`IDLE_S`) and ``serve`` each
    connection in the thread that accepted it, until :meth:`stop`."""

    def __init__(
        self, listener: socket.socket, serve: Callable[[socket.socket, object], None]
    ) -> None:
        listener.settimeout(IDLE_S)
        self._listener = listener
        self._serve = serve
        self._lock = threading.Lock()
        self._waiting = 0
        self._threads = 0
        #: How many threads were started in all.
        self.started = 0
        self._name = f"uid2-proxy-{listener.getsockname()[1]}"
        self._stopping = False

    @property
    def threads(self) -> int:
        """How many threads are alive (waiting or serving)."""
        return self._threads

    def start(self) -> None:
        """Start the first thread."""
        self._stopping = False
        self._spawn()

    def _spawn(self) -> None:
        with self._lock:
            self._threads += 1
            self.started += 1
        threading.Thread(target=self._run, name=self._name, daemon=True).start()

    def _run(self) -> None:
        try:
            while not self._stopping:
                accepted = self._accept()
                if accepted is None:
                    return
                self._serve(*accepted)
        finally:
            with self._lock:
                self._threads -= 1

    def _accept(self) -> tuple[socket.socket, object] | None:
        """The next connection (another thread waits for the one after), or ``None`` to end."""
        while not self._stopping:
            with self._lock:
                self._waiting += 1
            try:
                sock, peer = self._listener.accept()
            except TimeoutError:
                with self._lock:
                    self._waiting -= 1
                    if self._waiting >= 1 and self._threads > SPARE:
                        return None  # enough others wait
                continue
            except OSError:  # stopped (the listener was shut down), or out of descriptors
                with self._lock:
                    self._waiting -= 1
                if not self._stopping:
                    time.sleep(_FULL_PAUSE_S)
                continue
            with self._lock:
                self._waiting -= 1
                last = self._waiting == 0
            if last:
                self._spawn()
            return sock, peer  # blocking: Python does not pass the listener's timeout on
        return None

    def stop(self) -> None:
        """Stop accepting: wake the waiting threads (those serving end with their clients)."""
        self._stopping = True
        with contextlib.suppress(OSError):  # never listened, or already shut
            self._listener.shutdown(socket.SHUT_RDWR)

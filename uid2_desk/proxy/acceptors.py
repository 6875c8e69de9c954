"""The threads that accept client connections and serve them: each serves what it accepted.

No thread hands a connection to another: the thread the kernel wakes in ``accept`` serves the
connection itself, so a new connection costs no wake-up beyond its own (a hand-over to a
worker would add one, and starting a thread per connection two). Before it serves, a thread
that was the last one waiting starts another to take its place; one done serving ends if
:data:`SPARE` others wait already. A backend opening a connection per call (the official
Python SDK does) thus reuses the same few threads.

On Linux ``accept`` blocks in the kernel (one system call a connection) and a stop wakes it
by shutting the listener down; elsewhere, where that may not wake it, the listener has a
timeout of :data:`IDLE_S` and each waiting thread looks at the stop that often.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable

#: Off Linux: how often a thread waiting for a connection looks whether the proxy stopped.
IDLE_S = 1.0
#: How many threads may wait for connections at once; one done serving ends beyond that.
SPARE = 4
#: Whether shutting a listener down wakes the threads in its ``accept``.
_SHUTDOWN_WAKES = sys.platform == "linux"
#: How long accepting pauses when the process is out of descriptors (EMFILE).
_FULL_PAUSE_S = 0.05


class Acceptors:
    """Accept on ``listener`` and ``serve`` each connection in the thread that accepted it,
    until :meth:`stop`."""

    def __init__(
        self, listener: socket.socket, serve: Callable[[socket.socket, object], None]
    ) -> None:
        listener.settimeout(None if _SHUTDOWN_WAKES else IDLE_S)
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
                with self._lock:
                    if self._waiting >= SPARE:
                        return  # enough wait: this one is not needed
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
            except TimeoutError:  # off Linux: time to look at the stop
                with self._lock:
                    self._waiting -= 1
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

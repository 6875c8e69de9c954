"""Waiting until sockets are readable: ``poll`` where the system has it, ``select`` elsewhere.

A forwarding thread waits on its upstream connection and, while a request is in flight, on
its client (to date what the client pipelines meanwhile). Only readability is asked for:
an error or a hang-up is reported with it, so the ``recv`` that follows never blocks.
"""

from __future__ import annotations

import select

#: A hang-up and an error are reported whether asked for or not (POSIX).
_READABLE = select.POLLIN if hasattr(select, "poll") else 0


class Readiness:
    """The descriptors one thread waits on (no wait is shared between threads)."""

    def __init__(self, fd: int) -> None:
        self._fds = [fd]
        self._poll = select.poll() if hasattr(select, "poll") else None  # Windows has none
        if self._poll is not None:
            self._poll.register(fd, _READABLE)

    def add(self, fd: int) -> None:
        """Wait on ``fd`` too."""
        self._fds.append(fd)
        if self._poll is not None:
            self._poll.register(fd, _READABLE)

    def remove(self, fd: int) -> None:
        """Stop waiting on ``fd``."""
        self._fds.remove(fd)
        if self._poll is not None:
            self._poll.unregister(fd)

    def ready(self, timeout_ms: int) -> list[int]:
        """The descriptors readable within ``timeout_ms`` (0: without waiting)."""
        if self._poll is not None:
            return [fd for fd, _ in self._poll.poll(timeout_ms)]
        readable, _, _ = select.select(self._fds, [], [], timeout_ms / 1000)
        return list(readable)

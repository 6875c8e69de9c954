"""Clocks: every component asks a :class:`Clock` for the time instead of calling ``time``.

That one seam lets tests fake time, and lets the desk and the embedded operator share a
:class:`WarpClock` so a whole identity lifecycle can be fast-forwarded in seconds ("time warp").
All times are integer epoch **milliseconds**, the unit of the UID2 wire protocol.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """Anything that can tell the current time in epoch milliseconds."""

    def now_ms(self) -> int:
        """Return the current time as integer epoch milliseconds."""
        ...


class SystemClock:
    """The machine's wall clock."""

    def now_ms(self) -> int:
        """Return wall-clock time in epoch milliseconds."""
        return time.time_ns() // 1_000_000


class ManualClock:
    """A clock that only moves when told to; for tests.

    Attributes:
        now: the current time in epoch milliseconds.
    """

    def __init__(self, start_ms: int = 1_704_067_200_000) -> None:
        self.now = start_ms

    def now_ms(self) -> int:
        """Return the time last set."""
        return self.now

    def advance(self, ms: int) -> None:
        """Move the clock forward by ``ms`` milliseconds."""
        if ms < 0:
            raise ValueError("a ManualClock never moves backwards; use set() for that")
        self.now += ms

    def set(self, now_ms: int) -> None:
        """Jump to an absolute time."""
        self.now = now_ms


class WarpClock:
    """Another clock plus an adjustable offset, safe to share between threads.

    The desk and the local operator hold the same instance, so warping it moves both
    together (time warp); giving the operator a separate one with an offset simulates
    server clock skew.
    """

    def __init__(self, base: Clock | None = None, offset_ms: int = 0) -> None:
        self._base: Clock = base if base is not None else SystemClock()
        self._offset_ms = offset_ms
        self._lock = threading.Lock()

    @property
    def offset_ms(self) -> int:
        """How far this clock runs ahead of its base (negative: behind)."""
        with self._lock:
            return self._offset_ms

    def now_ms(self) -> int:
        """Return the base time plus the offset."""
        with self._lock:
            offset = self._offset_ms
        return self._base.now_ms() + offset

    def warp(self, ms: int) -> None:
        """Move this clock forward by ``ms`` milliseconds (backwards if negative)."""
        with self._lock:
            self._offset_ms += ms

    def set_offset(self, offset_ms: int) -> None:
        """Set the offset from the base clock outright."""
        with self._lock:
            self._offset_ms = offset_ms

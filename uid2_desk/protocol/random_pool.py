"""Random bytes for IVs, nonces and keys, read from the OS a page at a time.

A generate draws six small random values (two token IVs, the refresh token's IV and its
wrapper's, the reply key, the reply's IV). As six ``getrandom`` calls they were a visible part
of the operator's time per request on a virtual machine, where a system call costs several
times what AES-GCM on a few hundred bytes does. :class:`RandomPool` reads
:data:`POOL_BYTES` from ``os.urandom`` at once and hands it out in order, each byte once.

The bytes are the kernel's CSPRNG output either way; buffering changes only how often we ask.
A forked child must not hand out its parent's remaining bytes again, so the pool forgets them
in the child (``os.register_at_fork``).
"""

from __future__ import annotations

import operator
import os
import threading

#: How many bytes one read from the OS holds (a page: about 80 generates' worth).
POOL_BYTES = 4096


class RandomPool:
    """Cryptographically random bytes, read from ``os.urandom`` :data:`POOL_BYTES` at a time.

    Thread-safe: every byte read from the OS is handed out once, to one caller.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer = b""
        self._offset = 0
        #: How many times the OS was asked (for tests and benchmarks).
        self.reads = 0

    def take(self, n: int) -> bytes:
        """``n`` random bytes nobody else was given.

        ``n`` is checked before the pool is touched: a negative count would move the
        offset back and hand out bytes again (an IV used twice), a float would break it.
        """
        n = operator.index(n)
        if n < 0:
            raise ValueError(f"cannot draw {n} random bytes")
        if n > POOL_BYTES:
            return os.urandom(n)  # rare (nothing in the protocol asks for this much)
        with self._lock:
            start = self._offset
            end = start + n
            if end > len(self._buffer):
                # The tail left over is dropped, never handed out later or twice.
                self._buffer = os.urandom(POOL_BYTES)
                self.reads += 1
                start, end = 0, n
            self._offset = end
            return self._buffer[start:end]

    def forget(self) -> None:
        """Drop what is buffered: a forked child's copy of its parent's pool.

        Runs in the child right after ``fork``, where another thread of the parent may have
        held the lock at that instant and will never release it here: a new lock, not that one.
        """
        self._lock = threading.Lock()
        self._buffer = b""
        self._offset = 0


#: The process's pool.
POOL = RandomPool()

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=POOL.forget)

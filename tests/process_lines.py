"""Reading a child process's output line by line, with waits that time out."""

from __future__ import annotations

import queue
import re
import subprocess
import threading
import time

START_TIMEOUT_S = 30.0


class Lines:
    """Stdout of a child process, line by line, read by a thread (so waits can time out)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        self._stream = proc.stdout
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self._stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout_s: float = START_TIMEOUT_S) -> re.Match[str]:
        """The first line (from now on) that matches ``pattern``."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matched {pattern!r}; stdout so far: {self.seen!r}")

    def rest(self) -> str:
        """Everything printed after the last line waited for (once the process ended)."""
        lines = []
        while (line := self._queue.get(timeout=10)) is not None:
            lines.append(line)
        return "".join(lines)

"""SIGTERM for the desk window and the kiosk: stop the way Quit does, then exit 143 and say so.

A booth's ``systemctl stop``, a desktop session ending or ``kill`` sends SIGTERM. Python's
default would end the process on the spot: the operator's server mid-request, captured
exchanges not yet journaled, the journal's last group not committed. :class:`SigtermWatch`
instead calls the same stop the window's Quit (or the kiosk's exit chord) calls, so the
services close in their one order (server, then the capture drains, then the journal), and the
caller exits with :data:`TERMINATED` after :meth:`SigtermWatch.say` printed one line.

Before the asyncio loop exists (the window's first seconds) :meth:`SigtermWatch.install_early`
sets a plain Python handler; once the loop runs, :meth:`SigtermWatch.install` hands the signal
to the loop (its wake-up socket makes Qt's loop run the handler at once).
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import asyncio
    from types import FrameType

#: The exit code of a program stopped by SIGTERM (128 + 15), as shells report it.
TERMINATED = 143


class SigtermWatch:
    """Turns SIGTERM into a call of ``stop``; a second SIGTERM only says closing is under way.

    Attributes:
        received: a SIGTERM arrived (the caller then exits with :data:`TERMINATED`).
        stop: what a SIGTERM calls; a start-up sets it once what it stops exists (a SIGTERM
            before then is only noted in ``received``, and start-up looks at it).
    """

    def __init__(
        self, stop: Callable[[], object] | None = None, *, err: TextIO | None = None
    ) -> None:
        self.received = False
        self.stop = stop
        self._err = err
        self._loop: asyncio.AbstractEventLoop | None = None

    def install_early(self) -> None:
        """Watch with a plain Python handler (no asyncio loop yet; main thread only)."""
        with contextlib.suppress(ValueError):  # not the main thread: keep the default
            signal.signal(signal.SIGTERM, self._on_python_signal)

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch through ``loop`` (replaces an early handler); no-op where it cannot."""
        try:
            loop.add_signal_handler(signal.SIGTERM, self._on_signal)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, another thread
            return
        self._loop = loop

    def remove(self) -> None:
        """Stop watching: SIGTERM ends the process again (the default)."""
        loop, self._loop = self._loop, None
        if loop is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGTERM)
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def say(self, what: str = "the desk") -> None:
        """The one line a person (or a service manager's log) sees once everything closed."""
        print(
            f"uid2-desk: terminated (SIGTERM); {what} stopped its services and closed the "
            "journal cleanly.",
            file=self._err or sys.stderr,
            flush=True,
        )

    def exit_code(self, what: str) -> int:
        """0, or :data:`TERMINATED` once :meth:`say` said that ``what`` stopped (a SIGTERM
        came)."""
        if not self.received:
            return 0
        self.say(what)
        return TERMINATED

    def _on_python_signal(self, signum: int, frame: FrameType | None) -> None:
        self._on_signal()

    def _on_signal(self) -> None:
        if self.received:
            print("uid2-desk: still closing, one moment…", file=self._err or sys.stderr, flush=True)
            return
        self.received = True
        if self.stop is not None:
            self.stop()

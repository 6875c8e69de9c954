"""Ctrl-C (or SIGTERM) for the headless ``run``: stop the scenario, still close the desk, say so.

``asyncio.run`` turns Ctrl-C into a cancellation of the main task and then a
``KeyboardInterrupt`` with a traceback; a second Ctrl-C interrupts whatever runs, the closing
of the desk included (the local operator's request log is then never written out). Here the
first Ctrl-C cancels only the scenario: its ``finally`` closes the desk undisturbed, further
presses just say that closing is under way, and the caller gets :data:`INTERRUPTED`.
SIGTERM (a CI job's timeout, ``systemctl stop``, ``kill``) is handled the same way and says
so, and the exit code is then :data:`TERMINATED`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any, TextIO

#: The exit code of a program stopped by SIGINT (128 + 2), as shells report it.
INTERRUPTED = 130
#: The exit code of a program stopped by SIGTERM (128 + 15).
TERMINATED = 143
_STOPPING_SIGNALS = {signal.SIGINT: INTERRUPTED, signal.SIGTERM: TERMINATED}

#: The embedded operator's server logger: it reports requests cut short as errors.
_SERVER_LOGGER = "uvicorn.error"


def say_interrupted(err: TextIO, signum: int = signal.SIGINT) -> None:
    """The one line a person sees after Ctrl-C (or SIGTERM)."""
    what = "terminated (SIGTERM)" if signum == signal.SIGTERM else "interrupted"
    print(f"uid2-desk: {what}; the run stopped and the desk closed cleanly.", file=err)


async def run_interruptibly(play: Coroutine[Any, Any, int], err: TextIO) -> int:
    """Await ``play``; the first Ctrl-C cancels it and returns :data:`INTERRUPTED`.

    Where the event loop cannot take over SIGINT (Windows, a thread that is not the main
    one), ``asyncio.run``'s own handling stays: the caller must catch ``KeyboardInterrupt``.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(play)
    presses = 0
    first_signal = signal.SIGINT

    def on_signal(signum: int) -> None:
        nonlocal presses, first_signal
        presses += 1
        if presses == 1:
            first_signal = signal.Signals(signum)
            # A request the operator was still serving is cut short: expected, not an error.
            logging.getLogger(_SERVER_LOGGER).setLevel(logging.CRITICAL)
            task.cancel()
        else:
            print("uid2-desk: still closing the desk, one moment…", file=err, flush=True)

    try:
        for signum in _STOPPING_SIGNALS:
            loop.add_signal_handler(signum, on_signal, signum)
    except (NotImplementedError, RuntimeError, ValueError):
        return await task
    try:
        return await task
    except asyncio.CancelledError:
        if presses == 0:
            raise  # cancelled by someone else: not ours to swallow
        say_interrupted(err, first_signal)
        return _STOPPING_SIGNALS[first_signal]
    finally:
        for signum in _STOPPING_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signum)

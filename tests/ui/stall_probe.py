"""How long the desk's GUI thread stops answering while the services start.

:data:`STALL_CHILD` starts the desk as ``uid2-desk`` does (``run_gui``, quitting once ready).
From the first paint until the window is ready, a 5 ms timer of the GUI thread's own event
loop ticks; the longest gap between two ticks, less the 5 ms, is the longest the GUI thread
could not answer (a key press would have waited as long), whether it was busy itself or
waiting for another thread to let go of the GIL. Used by a test (the window keeps answering
while the services start) and by the UI benchmark, which reports the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.ui.child_process import reported, run_child

if TYPE_CHECKING:
    from pathlib import Path

TICK_MS = 5

STALL_CHILD = """
import json, os, sys, time
os.environ["UID2_DESK_EXIT_WHEN"] = "ready"
from uid2_desk.app import run_gui
from uid2_desk.cli.main import build_parser
from uid2_desk.ui.window.main_window import DeskWindow

TICK_MS = int(sys.argv[2])
ticks, gaps_ms, timers = [], [], []

def tick(window):
    now = time.monotonic()
    if ticks:
        gaps_ms.append((now - ticks[-1]) * 1000.0 - TICK_MS)
    ticks.append(now)
    if window.ready:
        timers[0].stop()

announce = DeskWindow._announce_frame

def announce_and_start_ticking(window):
    from PySide6.QtCore import Qt, QTimer
    timer = QTimer(window)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: tick(window))
    timers.append(timer)
    timer.start()
    announce(window)

DeskWindow._announce_frame = announce_and_start_ticking
code = run_gui(build_parser().parse_args(["--data-dir", sys.argv[1]]))
gaps_ms.sort()
print("stalls " + json.dumps({
    "code": code, "ticks": len(ticks), "longest_ms": gaps_ms[-1],
    "p95_ms": gaps_ms[int(len(gaps_ms) * 0.95)],
}), flush=True)
"""


def measure_stalls(data_dir: Path, pycache: Path) -> dict[str, float]:
    """Start the desk until ready in a child process; return its GUI-thread stall figures.

    The child runs twice, with its bytecode cached in ``pycache`` by the first run, so the
    figures are those of an installed desk, not of one compiling its modules.
    """
    # An empty PYTHONDONTWRITEBYTECODE is as good as unset: the first run writes the cache.
    env = {"PYTHONPYCACHEPREFIX": str(pycache), "PYTHONDONTWRITEBYTECODE": ""}
    for _ in range(2):
        result = run_child(STALL_CHILD, str(data_dir), str(TICK_MS), env=env)
    return reported(result, "stalls")

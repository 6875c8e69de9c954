"""How long the desk's GUI thread stops answering while the services start.

:data:`STALL_CHILD` starts the desk as ``uid2-desk`` does (``run_gui``, quitting once ready).
From the first paint on, a plain thread posts a queued signal to an object of the GUI
thread every 5 ms; how late each arrives is how long the GUI thread was busy (a key press
would have waited as long). Used by a test (the window keeps answering while the services
start) and by the UI benchmark, which reports the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STALL_CHILD = """
import json, os, sys, threading, time
os.environ["UID2_DESK_EXIT_WHEN"] = "ready"
from PySide6.QtCore import QObject, Qt, Signal
from uid2_desk.app import run_gui
from uid2_desk.cli import build_parser
from uid2_desk.ui.main_window import DeskWindow

class Probe(QObject):
    ping = Signal(float)

    def __init__(self):
        super().__init__()
        self.delays_ms = []
        self.ping.connect(self.pong, Qt.ConnectionType.QueuedConnection)

    def pong(self, sent):
        self.delays_ms.append((time.monotonic() - sent) * 1000.0)

probes, stop = [], threading.Event()

def keep_pinging(probe):
    while not stop.is_set():
        probe.ping.emit(time.monotonic())
        time.sleep(0.005)

announce = DeskWindow._announce_frame

def announce_and_start_probing(window):
    probes.append(Probe())
    threading.Thread(target=keep_pinging, args=(probes[0],), daemon=True).start()
    announce(window)

DeskWindow._announce_frame = announce_and_start_probing
code = run_gui(build_parser().parse_args(["--data-dir", sys.argv[1]]))
stop.set()
delays = sorted(probes[0].delays_ms)
print("stalls " + json.dumps({
    "code": code, "longest_ms": delays[-1], "pings": len(delays),
    "p95_ms": delays[int(len(delays) * 0.95)],
}), flush=True)
"""


def measure_stalls(data_dir: Path, pycache: Path) -> dict[str, float]:
    """Start the desk until ready in a child process; return its GUI-thread stall figures.

    The child runs twice, with its bytecode cached in ``pycache`` by the first run, so the
    figures are those of an installed desk, not of one compiling its modules.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-c", STALL_CHILD, str(data_dir)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    line = next((x for x in result.stdout.splitlines() if x.startswith("stalls ")), None)
    if line is None:
        raise RuntimeError(f"the stall probe reported nothing: {result.stderr[-1500:]}")
    figures: dict[str, float] = json.loads(line[len("stalls ") :])
    return figures

"""Benchmark: the desk window while an outside client calls its embedded operator (issue 12).

The real desk (``run_gui``, offscreen) starts in a child process. Once its services are up,
an outside client in a process of its own (:mod:`tests.benchmarks.paced_client`) sends
``/v2/token/generate`` at 200 requests/s for 30 s (3 s in smoke mode) to the embedded
operator's loopback port; the desk captures each exchange into its journal and its window.
Meanwhile a 5 ms timer of the GUI thread ticks: the longest gap between two ticks, less the
5 ms, is the longest the window could not answer. Figures:

- the longest GUI-thread stall (target < 50 ms);
- lost exchanges: requests sent minus those in the journal, and minus those the window was
  handed (target 0 for both);
- the log's rows: the model's bound is lowered (2,000 rows, 500 let go at a time; 200 and 50
  in smoke mode) so that the run crosses it several times; the most rows it ever held must
  stay within the bound, with rows let go and no model reset.

Run alone: ``python -m tests.benchmarks.bench_gui_load [--smoke]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.ui.child_process import reported, run_child

RATE = 200
STALL_TARGET_MS = 50.0

LOAD_CHILD = """
import json, subprocess, sys, time
from PySide6.QtCore import Qt, QTimer
from uid2_desk.app import run_gui
from uid2_desk.cli.main import build_parser
from uid2_desk.journal import JOURNAL_FILE, Journal, JournalFilter
from uid2_desk.ui.log import log_model
from uid2_desk.ui.log.log_rows import DESK_CLIENT, client_of
from uid2_desk.ui.window.main_window import DeskWindow

data_dir, rate, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
log_model.MAX_ROWS, log_model.TRIM_ROWS = int(sys.argv[4]), int(sys.argv[5])
TICK_MS = 5
state = {"gaps": [], "last": None, "handed": 0, "most_rows": 0, "resets": 0, "client": None}

def tick(window):
    now = time.monotonic()
    if state["last"] is not None:
        state["gaps"].append((now - state["last"]) * 1000.0 - TICK_MS)
    state["last"] = now
    model = window.log_model
    state["most_rows"] = max(state["most_rows"], model.total)
    client = state["client"]
    if client is None or client.poll() is None:
        return
    if "report" not in state:
        state["report"] = json.loads(client.stdout.read())
        state["done_at"] = now
    # Let the captures still on their way arrive (at most 10 s), then close the window.
    if state["handed"] >= state["report"]["sent"] or now - state["done_at"] > 10:
        state["timer"].stop()
        window.close()

def handed(entry):
    if entry.exchange is not None and client_of(entry) != DESK_CLIENT:
        state["handed"] += 1

attach = DeskWindow.attach_services

def attach_and_load(window, services):
    attach(window, services)
    window.bridge.entries_appended.connect(lambda es: [handed(e) for e in es])
    window.log_model.modelReset.connect(lambda: state.__setitem__("resets", state["resets"] + 1))
    creds = services.operator.credentials.publisher
    job = {"url": services.server.base_url + "/v2/token/generate", "api_key": creds.api_key,
           "secret": creds.secret, "rate": rate, "seconds": seconds}
    client = subprocess.Popen([sys.executable, "-m", "tests.benchmarks.paced_client"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    client.stdin.write(json.dumps(job))
    client.stdin.close()
    state["client"] = client
    timer = QTimer(window)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: tick(window))
    state["timer"] = timer
    timer.start()

DeskWindow.attach_services = attach_and_load
code = run_gui(build_parser().parse_args(["--data-dir", data_dir]))
with Journal.open(__import__("pathlib").Path(data_dir) / JOURNAL_FILE) as journal:
    journaled = journal.count(JournalFilter(endpoint="/v2/token/generate"))
gaps = sorted(state["gaps"])
print("load " + json.dumps({
    "code": code, "client": state["report"], "journaled": journaled, "handed": state["handed"],
    "longest_ms": gaps[-1], "p99_ms": gaps[int(len(gaps) * 0.99)], "ticks": len(gaps),
    "most_rows": state["most_rows"], "resets": state["resets"],
}), flush=True)
"""


def _row(figure: str, ours: float, reference: float, target: str, ok: bool) -> dict[str, Any]:
    return {
        "figure": figure,
        "ours": round(ours, 2),
        "reference": round(reference, 2),
        "ratio": round(ours / reference, 3) if reference else None,
        "target": target,
        "passed": ok,
    }


def run(smoke: bool) -> list[dict[str, Any]]:
    """Run the desk under the outside client once; return the three rows."""
    seconds, cap, trim = (3, 200, 50) if smoke else (30, 2_000, 500)
    with tempfile.TemporaryDirectory(prefix="uid2-bench-gui-load-") as tmp:
        result = run_child(
            LOAD_CHILD, tmp, str(RATE), str(seconds), str(cap), str(trim), timeout=seconds + 120
        )
    r = reported(result, "load")
    sent, rate = r["client"]["sent"], r["client"]["sent"] / r["client"]["seconds"]
    where = f"an outside client at {rate:.0f} req/s for {seconds} s"
    lost = max(sent - r["journaled"], sent - r["handed"], sent - r["client"]["ok"])
    return [
        _row(
            f"desk window, {where}: longest GUI-thread stall, ms (p99 {r['p99_ms']:.1f})",
            r["longest_ms"],
            STALL_TARGET_MS,
            f"< {STALL_TARGET_MS:g} ms",
            r["longest_ms"] < STALL_TARGET_MS,
        ),
        _row(
            f"desk window, {where}: exchanges lost of {sent:,} (answered {r['client']['ok']:,},"
            f" journaled {r['journaled']:,}, in the window {r['handed']:,})",
            lost,
            0,
            "0",
            lost == 0,
        ),
        _row(
            f"desk window, {where}: most log rows held (bound {cap:,}; model resets {r['resets']})",
            r["most_rows"],
            cap,
            f"<= {cap:,}, no reset",
            r["most_rows"] <= cap and r["resets"] == 0 and sent > cap,
        ),
    ]


if __name__ == "__main__":
    from tests.benchmarks.__main__ import render

    print(render(run(smoke="--smoke" in sys.argv)))

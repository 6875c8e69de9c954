"""Interpreter settings that keep the desk window answering while other threads work.

In the desk's process the window shares one interpreter with the embedded operator's server
thread, the journal's writer and readers and the diagram's layout thread. With an outside
client calling the operator at 200 requests/s (``tests/benchmarks/bench_gui_load.py``), what
held the window up was not its own work but waiting:

- **for the GIL.** Every call into Qt that releases the GIL (a signal's emission, a queue's
  put) must take it back, and a thread that wants it waits up to the switch interval while a
  busy thread keeps it (5 ms by default). A slot that makes a dozen such calls waited tens of
  milliseconds. At 1 ms the window waits a fifth as long; the busy threads switch more often,
  which costs them little next to their work per request.
- **for the cycle collector.** A collection stops every thread. The default first threshold
  (700 new objects) made a full collection every second or two, each over everything the
  services hold (tens of milliseconds under load). Requests no longer leave reference cycles
  behind (``tests/operator/test_no_cycles.py``), so the objects they make are freed as soon as
  they are done with, and a collection pass seldom has anything to find: a higher threshold
  makes them rare, and freezing what start-up made takes it out of every later pass.
"""

from __future__ import annotations

import gc
import sys

#: How long a thread may keep the GIL while another waits for it, in seconds.
SWITCH_INTERVAL_S = 0.001
#: New container objects (net) before a young-generation collection; then every 20th of those
#: collects the middle generation, and every 20th of those everything.
COLLECT_THRESHOLDS = (20_000, 20, 20)


def tune_for_the_window() -> None:
    """Shorter GIL turns and rarer cycle collections (see the module docstring)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.set_threshold(*COLLECT_THRESHOLDS)


def keep_what_start_up_made() -> None:
    """Leave everything alive now out of every later collection (it lives as long as the app).

    Objects frozen here are still freed when their last reference goes; only the cycle
    collector stops looking at them.
    """
    gc.freeze()

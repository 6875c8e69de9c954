"""Run a short Python program that starts the desk, offscreen, and read what it reports.

Start-up is only whole in a fresh process (the desk's own ``run_gui``, its event loops, its
import hooks), so the start-up tests and the stall probe run theirs as a child and have it
print one line ``<tag> <json>``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_child(
    code: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with ``args`` in a fresh interpreter on the offscreen platform."""
    child_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def reported(result: subprocess.CompletedProcess[str], tag: str) -> dict[str, Any]:
    """The JSON the child printed after ``tag``; its stderr's end if it printed none."""
    line = next((x for x in result.stdout.splitlines() if x.startswith(tag + " ")), None)
    if line is None:
        raise AssertionError(f"the child reported no {tag!r}: {result.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(line[len(tag) + 1 :])
    return report

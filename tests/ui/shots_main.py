"""The entry point every screenshot driver shares: ``OUT_DIR REPORT.json``.

A driver (``watch_shots``, ``mask_shots``...) is a coroutine that drives real windows, saves
PNGs into ``OUT_DIR`` and returns what it saw; this runs it on a qasync loop in the desk's
own application and writes that report as JSON for the test to check.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from uid2_desk.ui.window.startup import desk_application


def run_driver(argv: list[str], drive: Callable[[Path], Awaitable[dict[str, Any]]]) -> int:
    """Run ``drive(OUT_DIR)`` and write its report to ``REPORT.json``; the exit code."""
    import qasync

    out_dir = Path(argv[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = desk_application(QApplication)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        report = loop.run_until_complete(drive(out_dir))
    Path(argv[1]).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0

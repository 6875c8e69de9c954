"""Screenshots of an earlier session reopened read-only, and of the rows a relaunch explains.

Run under Xvfb with ``QT_QPA_PLATFORM=xcb`` (see ``tests/ui/test_earlier_screens.py``): the
real desk on its embedded operator signs two users in (one refreshed when it returns), is
closed, and is opened again on the same data folder 40 s later. The live window then shows
the rows the relaunch made, each saying why; File ▸ Earlier sessions… lists both sessions
and the first is reopened in its own window (amber band, log, inspector, diagram). Writes
PNGs and a JSON report of what is on screen, with colours read back from the X server.

Usage: ``python -m tests.ui.earlier_shots OUT_DIR REPORT.json``
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.shots_main import run_driver
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.publisher import PolicyKind
from uid2_desk.services import open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.earlier.paged_model import LOADING
from uid2_desk.ui.log.log_model import LogColumn
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow
from uid2_desk.ui.window.startup import desk_application

SIZE = (1920, 1050)


def _grab(widget: QWidget, path: Path) -> None:
    screen = widget.screen()
    g = widget.frameGeometry()
    screen.grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(path))


def _colour_on_screen(widget: QWidget, x: int, y: int) -> str:
    """The colour the X server shows at ``(x, y)`` of ``widget``."""
    at = widget.mapToGlobal(QPoint(x, y))
    image = widget.screen().grabWindow(0, at.x(), at.y(), 1, 1).toImage()
    return str(image.pixelColor(0, 0).name())


async def _wait(until: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not until() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def _desk(app: QApplication, clock: ManualClock, data_dir: Path) -> tuple[DeskWindow, DeskApp]:
    bridge = DeskBridge()
    window = DeskWindow(bridge, clock, EnvironmentView.preview("local"))
    bridge.release()
    desk = DeskApp(
        app=app, window=window, bridge=bridge, clock=clock, env="local", data_dir=data_dir,
        drive_policies=False, open_services=open_services,
    )  # fmt: skip
    window.resize(*SIZE)
    window.move(0, 0)
    return window, desk


async def _first_run(app: QApplication, clock: ManualClock, data_dir: Path) -> str:
    window, desk = _desk(app, clock, data_dir)
    await desk.start_services()
    services = desk.services
    assert services is not None
    publisher = services.publisher
    jane = await publisher.sign_in(DiiKind.EMAIL, "jane@example.com")
    await publisher.validate(jane.user.id)
    clock.advance(31_000)
    await publisher.refresh(jane.user.id)
    await publisher.set_policy(jane.user.id, PolicyKind.ON_RETURN)
    await publisher.sign_in(DiiKind.PHONE, "+12345678901")
    session = publisher.session
    await desk.stop_services()
    window.close()
    return session


async def run(out_dir: Path) -> dict[str, Any]:
    """Drive the desk twice and record; returns the report."""
    app = desk_application(QApplication)
    clock = ManualClock(time.time_ns() // 1_000_000)
    data_dir = Path(tempfile.mkdtemp(prefix="uid2-desk-earlier-"))
    earlier = await _first_run(app, clock, data_dir)
    clock.advance(40_000)  # away past refresh_from: the on-return user is refreshed
    window, desk = _desk(app, clock, data_dir)
    window.show()
    await desk.start_services()
    live = window.log_model
    await _wait(lambda: (live.flush(), live.rowCount())[1] >= 4)
    await asyncio.sleep(0.5)
    live.flush()
    _grab(window, out_dir / "desk-relaunch-automatic-rows.png")
    report: dict[str, Any] = {
        "earlier": earlier,
        "live_rows": [
            str(live.index(r, LogColumn.ENDPOINT).data()) for r in range(live.rowCount())
        ],
    }
    dialog = window.earlier_sessions.open_list()
    dialog.move(160, 120)
    await _wait(lambda: bool(dialog.infos))
    await asyncio.sleep(0.4)
    _grab(dialog, out_dir / "desk-earlier-sessions-list.png")
    report["list"] = [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(dialog.table.rowCount())
    ]
    row = next(r for r, i in enumerate(dialog.infos) if i.session == earlier)
    dialog.table.selectRow(row)
    dialog.open_selected()
    dialog.close()
    shown = window.earlier_sessions.windows[earlier]
    shown.move(0, 0)
    shown.resize(1700, 1000)
    model = shown.model
    await _wait(lambda: model.rowCount() > 0 and model.index(0, 0).data() != LOADING)
    generate = next(
        r for r in range(model.rowCount())
        if model.index(r, LogColumn.ENDPOINT).data() == "/v2/token/generate"
    )  # fmt: skip
    shown.select_seq(model.seq_at(generate))
    await _wait(
        lambda: (
            shown.inspector.entry is not None
            and shown.inspector.entry.seq == model.seq_at(generate)
        )
    )
    await _wait(lambda: bool(shown.diagram.diagram.arrows))
    await asyncio.sleep(0.8)
    _grab(shown, out_dir / "desk-earlier-session.png")
    report |= {
        "title": shown.windowTitle(),
        "band_text": shown.band.label.text(),
        "band_colour": _colour_on_screen(shown.band, 4, 4),
        "back_text": shown.band.back.text(),
        "count": shown.count.text(),
        "rows": [
            [str(model.index(r, c).data()) for c in (LogColumn.USER, LogColumn.ENDPOINT)]
            for r in range(model.rowCount())
        ],
        "inspector_title": shown.inspector._title.text(),
        "arrows": len(shown.diagram.diagram.arrows),
        "caption": shown.diagram_caption.text(),
    }
    session = shown.info.session
    shown.band.back.click()
    await asyncio.sleep(0.2)
    # Back closes the earlier window for good: it is gone from the desk's reopened windows.
    report["back_hides"] = session not in window.earlier_sessions.windows
    await desk.stop_services()
    window.close()
    return report


def main(argv: list[str]) -> int:
    """Entry point: ``OUT_DIR REPORT.json``."""
    return run_driver(argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

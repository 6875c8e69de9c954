"""Screenshots of an outside client in the desk: its exchange decrypted and on its own lane.

Run under Xvfb with ``QT_QPA_PLATFORM=xcb`` (see ``tests/ui/test_watch_screens.py``): the real
desk on its embedded operator, the official ``uid2-client`` SDK as the team's backend (a
generate, a refresh, a wrong secret). The Walkthrough dock is docked beside the log so one
picture shows the log's *Client* column, the inspector on the outside generate and the
diagram's "Your backend" lane; then the Checks tab and the Connect dialog (secrets masked).
Writes PNGs and a JSON report of what is on screen.

Usage: ``python -m tests.ui.watch_shots OUT_DIR REPORT.json``
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.ui.shots_main import run_driver
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.services import open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.connect.snippets import SNIPPETS
from uid2_desk.ui.log.log_model import LogColumn
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow
from uid2_desk.ui.window.startup import desk_application

SIZE = (1920, 1050)


def _own_address() -> str:
    """A non-loopback address of this machine (no socket to another one), else 127.0.0.2."""
    import socket

    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    addresses = [str(info[4][0]) for info in infos]
    return next((a for a in addresses if not a.startswith("127.")), "127.0.0.2")


def _grab(widget: QWidget, path: Path) -> None:
    screen = widget.screen()
    g = widget.frameGeometry()
    screen.grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(path))


def _outside_traffic(base_url: str, api_key: str, secret: str) -> None:
    backend = Uid2PublisherClient(base_url, api_key, secret)
    first = backend.generate_token(TokenGenerateInput.from_email("qa.tester@example.com"))
    backend.refresh_token(first.get_identity())
    wrong = Uid2PublisherClient(base_url, api_key, base64.b64encode(b"x" * 32).decode())
    with contextlib.suppress(Exception):  # the 400 is the point: the desk explains it
        wrong.generate_token(TokenGenerateInput.from_email("qa.tester@example.com"))


async def _settle(window: DeskWindow, seconds: float = 0.6) -> None:
    window.log_model.flush()
    await asyncio.sleep(seconds)


async def run(out_dir: Path) -> dict[str, Any]:
    """Drive the desk and record; returns the report."""
    app = desk_application(QApplication)
    clock = ManualClock(time.time_ns() // 1_000_000)
    bridge = DeskBridge()
    window = DeskWindow(bridge, clock, EnvironmentView.preview("local"))
    bridge.release()
    desk = DeskApp(
        app=app, window=window, bridge=bridge, clock=clock, env="local",
        data_dir=Path(tempfile.mkdtemp(prefix="uid2-desk-watch-")), drive_policies=False,
        open_services=open_services,
    )  # fmt: skip
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    await desk.start_services()
    services = desk.services
    assert services is not None
    assert services.operator is not None
    assert services.server is not None
    creds = services.operator.credentials.publisher
    await asyncio.to_thread(_outside_traffic, services.server.base_url, creds.api_key, creds.secret)
    for _ in range(100):
        await _settle(window, 0.05)
        if window.log_model.rowCount() >= 3:
            break
    dock = window.walkthrough
    dock.setFloating(False)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.show()
    checks = window.deferred_walkthrough.checks
    checks.setFloating(False)
    window.tabifyDockWidget(dock, checks)
    checks.show()
    window.resizeDocks([dock], [900], Qt.Orientation.Horizontal)
    dock.raise_()
    model = window.log_model
    generate = next(
        i for i in range(model.rowCount())
        if model.row_at(i).client == "Your backend" and model.row_at(i).status == "success"
    )  # fmt: skip
    window.log_panel.table.selectRow(generate)
    await _settle(window, 1.0)
    panel = dock.ensure_panel()
    panel.view.zoom_to_fit()
    await _settle(window)
    _grab(window, out_dir / "desk-outside-client.png")
    lanes = [lane.title for lane in panel.view.diagram.lanes]
    inspector = window.inspector
    report: dict[str, Any] = {
        "clients": [model.index(i, LogColumn.CLIENT).data() for i in range(model.rowCount())],
        "inspector_title": inspector._title.text(),
        "summary": inspector.tab_text("Summary"),
        "request": inspector.tab_text("Request"),
        "lanes": lanes,
    }
    failed = next(i for i in range(model.rowCount()) if model.row_at(i).status == "error")
    window.log_panel.table.selectRow(failed)
    checks.raise_()
    for _ in range(60):
        await _settle(window, 0.1)
        if checks.panel.findings and inspector.why_text:
            break
    _grab(window, out_dir / "desk-outside-client-explained.png")
    report["why"] = inspector.why_text
    report["checks"] = checks.panel.lines()
    connect = window.connect_client
    connect.lan.host = _own_address()
    dialog = connect.open()
    assert dialog is not None
    dialog.move(200, 60)
    await _settle(window, 0.8)
    _grab(dialog, out_dir / "desk-connect-your-client.png")
    facts = dialog.facts
    on_screen = [dialog.field_text(label) for label, _, _ in facts.rows()]
    on_screen += [dialog.snippet_text(title) for title, _ in SNIPPETS]
    report["connect_secrets_on_screen"] = [
        s for s in facts.secrets() if any(s in t for t in on_screen)
    ]
    report["connect_base_url"] = dialog.field_text("Base URL")
    assert dialog.lan is not None
    dialog.lan.check.setChecked(True)
    for _ in range(50):
        await _settle(window, 0.1)
        if connect.lan.url is not None and not connect.lan.busy:
            break
    await _settle(window, 0.6)
    _grab(dialog, out_dir / "desk-connect-lan-on.png")
    _grab(window, out_dir / "desk-lan-band.png")
    report["lan_url"] = connect.lan.url
    report["band_shown"] = connect.band_shown
    report["band_text"] = connect.band.text()
    dialog.lan.check.setChecked(False)
    for _ in range(50):
        await _settle(window, 0.1)
        if connect.lan.url is None and not connect.lan.busy:
            break
    report["band_after_off"] = connect.band_shown
    dialog.close()
    await desk.stop_services()
    window.close()
    return report


def main(argv: list[str]) -> int:
    """Entry point: ``OUT_DIR REPORT.json``."""
    return run_driver(argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

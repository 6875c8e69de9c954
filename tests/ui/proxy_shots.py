"""Screenshots of the desk's proxy: the band says where it forwards, the log what passed.

Run under Xvfb with ``QT_QPA_PLATFORM=xcb`` (see ``tests/ui/test_proxy_screens.py``): the real
desk on its local environment; a real operator on its own loopback port stands in for the
remote one. Environment ▸ Proxy to … forwards to it and the official ``uid2-client`` SDK, as
the team's backend, generates through the proxy; then the proxy is pointed at the integration
environment (nothing is sent there) and the window is grabbed: the band must read
``PROXY → INTEG`` on integration blue. Writes the PNG and a JSON report of what is on screen,
with the band's colour read from the screen's pixels.

Usage: ``python -m tests.ui.proxy_shots OUT_DIR REPORT.json``
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication
from uid2_client import TokenGenerateInput, Uid2PublisherClient

from tests.ui.shots_main import run_driver
from uid2_desk.operator import Lifetimes, LocalOperator
from uid2_desk.operator.http.server import LoopbackServer
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.services import open_services
from uid2_desk.services.desk_proxy import ProxyRunning
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.log.log_model import LogColumn
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow
from uid2_desk.ui.window.startup import desk_application

SIZE = (1600, 900)


async def _until(window: DeskWindow, done: Any, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the desk did not get there in time")
        window.log_model.flush()
        await asyncio.sleep(0.05)


async def _started(window: DeskWindow, upstream: str) -> ProxyRunning:
    control = window.proxy_control
    control.start(upstream, 0)
    await _until(window, lambda: control.running is not None and not control.busy)
    running = control.running
    assert running is not None
    return running


async def run(out_dir: Path) -> dict[str, Any]:
    """Drive the desk and record; returns the report."""
    import os

    app = desk_application(QApplication)
    root = Path(tempfile.mkdtemp(prefix="uid2-desk-proxy-shots-"))
    remote = LocalOperator.open(root / "remote", lifetimes=Lifetimes.local())
    creds = remote.credentials.publisher
    os.environ["UID2_API_KEY"], os.environ["UID2_SECRET"] = creds.api_key, creds.secret
    clock = ManualClock(time.time_ns() // 1_000_000)
    bridge = DeskBridge()
    window = DeskWindow(bridge, clock, EnvironmentView.preview("local"))
    bridge.release()
    desk = DeskApp(
        app=app, window=window, bridge=bridge, clock=clock, env="local",
        data_dir=root / "desk", drive_policies=False, open_services=open_services,
    )  # fmt: skip
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    await desk.start_services()
    control = window.proxy_control
    with LoopbackServer(remote.asgi_app) as upstream:
        running = await _started(window, upstream.base_url)
        backend = Uid2PublisherClient(running.base_url, creds.api_key, creds.secret)
        await asyncio.to_thread(
            backend.generate_token, TokenGenerateInput.from_email("qa.tester@example.com")
        )
        await _until(window, lambda: window.log_model.rowCount() >= 1)
    model = window.log_model
    window.log_panel.table.selectRow(model.rowCount() - 1)
    control.start("integ", 0)
    await _until(
        window,
        lambda: (
            control.running is not None
            and control.running.environment.id == "integ"
            and not control.busy
        ),
    )
    await asyncio.sleep(1.0)
    strip = window.strip
    g = window.frameGeometry()
    shot = window.screen().grabWindow(0, g.x(), g.y(), g.width(), g.height())
    path = out_dir / "desk-proxy-integ-band.png"
    shot.save(str(path))
    image = shot.toImage()
    at = strip.mapToGlobal(QPoint(4, 2)) - g.topLeft()
    report: dict[str, Any] = {
        "chip": strip.chip_text,
        "band_pixel": image.pixelColor(at.x(), at.y()).name(),
        "title": strip.view.title,
        "strip_name": strip.accessibleName(),
        "detail": strip.detail_text,
        "clients": [model.index(i, LogColumn.CLIENT).data() for i in range(model.rowCount())],
        "request_tab": window.inspector.tab_text("Request"),
        "secret_on_screen": creds.secret in window.inspector.tab_text("Request"),
        "stop_enabled": control.stop_action.isEnabled(),
    }
    control.stop()
    await _until(window, lambda: control.running is None and not control.busy)
    report["chip_after_stop"] = strip.chip_text
    report.update(await _dropped(window, desk, remote, out_dir))
    await desk.stop_services()
    window.close()
    remote.close()
    return report


async def _dropped(
    window: DeskWindow, desk: DeskApp, remote: LocalOperator, out_dir: Path
) -> dict[str, Any]:
    """A capture with no room: three calls pass, none is kept, the banner says so on stop."""
    services = desk.services
    assert services is not None
    assert services.proxy is not None
    services.proxy.capture_limit = 0
    control = window.proxy_control
    with LoopbackServer(remote.asgi_app) as upstream:
        running = await _started(window, upstream.base_url)
        for _ in range(3):
            await asyncio.to_thread(
                httpx.post, f"{running.base_url}/v2/token/generate", content=b"AQID"
            )
        control.stop()
        await _until(window, lambda: control.running is None and not control.busy)
    await asyncio.sleep(0.5)
    g = window.frameGeometry()
    shot = window.screen().grabWindow(0, g.x(), g.y(), g.width(), g.height())
    shot.save(str(out_dir / "desk-proxy-dropped-banner.png"))
    return {"banner_after_dropped": window.banner.text, "banner_level": window.banner.level}


def main(argv: list[str]) -> int:
    """Entry point: ``OUT_DIR REPORT.json``."""
    return run_driver(argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

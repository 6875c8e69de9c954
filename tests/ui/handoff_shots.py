"""Screenshots of the desk following a browser-held identity, refreshed by a real web client.

Run under Xvfb with ``QT_QPA_PLATFORM=xcb`` (see ``tests/ui/test_handoff_screens.py``): the
real desk on its loopback operator (wall clock, refresh_from after 3 s) signs Jane in and
hands her identity off through the Hand off dialog; Prebid.js with the uid2 module (the
bundle tests/web builds from npm) loads the desk's hand-off page in headless Debian Chromium
and refreshes it there. The desk follows: the log lists the browser's refreshes under the
browser client, the diagram draws the client-server guide's browser lane, the identity panel
shows the newest identity with its "Held by the browser" badge. Writes PNGs and a JSON
report of what is on screen (words and pixel colours).

Usage: ``python -m tests.ui.handoff_shots OUT_DIR REPORT.json``
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from tests.ui.shots_main import run_driver
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.web.prebid_build import ensure_bundle
from uid2_desk.operator.state.lifetimes import Lifetimes
from uid2_desk.protocol.capture import CapturedClient
from uid2_desk.protocol.clock import SystemClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.services import DeskServices, open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.identity.users_panel import MODE_ROLE
from uid2_desk.ui.log.log_model import LogColumn
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow
from uid2_desk.ui.window.startup import desk_application

SIZE = (1920, 1050)
STORAGE_KEY = "__uid2_advertising_token"


def _grab(widget: QWidget, path: Path) -> QImage:
    g = widget.frameGeometry()
    pixmap = widget.screen().grabWindow(0, g.x(), g.y(), g.width(), g.height())
    pixmap.save(str(path))
    return pixmap.toImage()


def _colour(image: QImage, widget: QWidget, top: QWidget, where: QPoint) -> str:
    """The on-screen colour at ``where`` in ``widget`` (the image is ``top``'s frame)."""
    point = widget.mapTo(top, where) + (top.geometry().topLeft() - top.frameGeometry().topLeft())
    return QColor(image.pixel(point.x(), point.y())).name()


def _browse(url: str, refreshes: int) -> dict[str, Any]:
    """Open the hand-off page in Chromium; return once Prebid refreshed ``refreshes`` times."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        page = browser.new_page()
        page.goto(url)
        tokens: list[str] = []
        deadline = time.monotonic() + 60
        while len(tokens) < refreshes + 1 and time.monotonic() < deadline:
            token = page.inner_text("#token")
            if token.startswith("A") and (not tokens or tokens[-1] != token):
                tokens.append(token)
            time.sleep(0.1)
        stored = page.evaluate(f"() => JSON.parse(localStorage.getItem('{STORAGE_KEY}'))")
        client = page.inner_text("#client")
        browser.close()
    return {"tokens": tokens, "latest": stored["latestToken"], "client": client}


async def _issued_to_the_browser(services: DeskServices) -> list[str]:
    """The advertising tokens the operator's refresh replies gave the browser, in order."""
    tokens = []
    for entry in await services.journal.entries(limit=None, with_exchanges=True):
        exchange = entry.exchange
        if exchange is None or exchange.method != "POST" or entry.name != "/v2/token/refresh":
            continue
        client = CapturedClient.of(exchange)
        if client is None or client.is_desk:
            continue
        body = json.loads(exchange.response_plaintext or "{}").get("body") or {}
        if "advertising_token" in body:
            tokens.append(str(body["advertising_token"]))
    return tokens


async def _settle(window: DeskWindow, seconds: float = 0.5) -> None:
    window.log_model.flush()
    await asyncio.sleep(seconds)


async def _hand_off(window: DeskWindow, out_dir: Path, report: dict[str, Any]) -> str:
    """Open User ▸ Hand off, look at it, hand off; returns the page's URL."""
    window.update_actions()
    window.desk_actions.hand_off.trigger()
    dialog = window.handlers.handoff_dialog
    assert dialog is not None
    dialog.move(240, 40)
    await _settle(window, 0.8)
    _grab(dialog, out_dir / "handoff-dialog.png")
    report["dialog_title"] = dialog.windowTitle()
    views = dialog.findChildren(QPlainTextEdit, "handoff_snippet")
    report["dialog_snippets"] = [v.toPlainText() for v in views]
    report["dialog_snippet_fonts"] = [v.fontInfo().family() for v in views]
    dialog.findChild(QWidget, "handoff_go").click()  # type: ignore[union-attr]
    for _ in range(100):
        await _settle(window, 0.1)
        if getattr(dialog, "url", ""):
            break
    await _settle(window, 0.5)
    _grab(dialog, out_dir / "handoff-dialog-handed.png")
    report["dialog_go_enabled_after"] = dialog.findChild(QWidget, "handoff_go").isEnabled()  # type: ignore[union-attr]
    report["dialog_address"] = dialog.findChild(QWidget, "handoff_address").text()  # type: ignore[union-attr]
    url: str = dialog.url  # type: ignore[attr-defined]
    dialog.close()
    return url


def _held_badge_colour(window: DeskWindow, image: QImage) -> str:
    """The colour just inside the left edge of the users list's "Held by the browser" badge."""
    view = window.users.view
    index = window.users.model.index(0, 0)
    rect = view.visualRect(index)
    metrics = QFontMetrics(view.font())
    state_label = window.identity.badge_text
    badge_left = rect.right() - (metrics.horizontalAdvance(state_label) + 16) - 6
    mode_width = metrics.horizontalAdvance(str(index.data(MODE_ROLE))) + 12
    where = QPoint(badge_left - 4 - mode_width + 3, rect.center().y())
    return _colour(image, view.viewport(), window, where)


async def run(out_dir: Path) -> dict[str, Any]:
    """Drive the desk and the browser; returns the report."""
    app = desk_application(QApplication)
    clock = SystemClock()  # the browser refreshes by the wall clock: so does the operator
    bridge = DeskBridge()
    window = DeskWindow(bridge, clock, EnvironmentView.preview("local"))
    bridge.release()
    desk = DeskApp(
        app=app, window=window, bridge=bridge, clock=clock, env="local",
        data_dir=Path(tempfile.mkdtemp(prefix="uid2-desk-handoff-")), drive_policies=False,
        open_services=open_services,
    )  # fmt: skip
    desk.lifetimes = Lifetimes.local().with_overrides(refresh_from_s=3)  # type: ignore[assignment]
    window.handlers.open_browser = False  # Chromium opens the page instead
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    await desk.start_services()
    services = desk.services
    assert services is not None
    assert services.handoff is not None
    services.handoff.use_script(str(ensure_bundle()))
    jane = await services.publisher.sign_in(DiiKind.EMAIL, "jane.browser@example.com")
    handed = jane.identity
    assert handed is not None
    assert handed.refresh_response_key is not None
    await _settle(window)
    window.users.select_user(jane.user_id)
    report: dict[str, Any] = {}
    url = await _hand_off(window, out_dir, report)
    report["handed_key_on_screen"] = any(
        base64.b64encode(handed.refresh_response_key).decode() in s
        for s in report["dialog_snippets"]
    )
    page = await asyncio.to_thread(_browse, url, 2)
    report["page"] = {k: page[k] for k in ("tokens", "client")}
    latest = page["latest"]["advertising_token"]
    await _settle(window, 1.0)  # the last captured refresh reaches the journal and the desk
    await services.publisher.handoffs.settled()
    issued = await _issued_to_the_browser(services)
    for _ in range(100):
        await _settle(window, 0.1)
        shown = window.identity.snapshot
        if shown is not None and shown.identity and shown.identity.advertising_token == issued[-1]:
            break
    dock = window.walkthrough
    dock.setFloating(False)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.show()
    window.resizeDocks([dock], [820], Qt.Orientation.Horizontal)
    model = window.log_model
    browser_rows = [
        i for i in range(model.rowCount())
        if str(model.index(i, LogColumn.CLIENT).data() or "").startswith("Browser")
        and model.row_at(i).endpoint == "/v2/token/refresh" and model.row_at(i).status
    ]  # fmt: skip
    if browser_rows:
        window.log_panel.table.selectRow(browser_rows[-1])
    window.users.select_user(jane.user_id)
    await _settle(window, 1.0)
    panel = dock.ensure_panel()
    panel.view.zoom_to_fit()
    window.ticker.tick()  # the countdowns, at the newest identity
    await _settle(window, 0.8)
    image = _grab(window, out_dir / "desk-browser-held.png")
    identity = window.identity
    snapshot = identity.snapshot
    held_badge = identity.held_badge
    report |= {
        "clients": [str(model.index(i, LogColumn.CLIENT).data()) for i in range(model.rowCount())],
        "endpoints": [model.row_at(i).endpoint for i in range(model.rowCount())],
        "browser_rows": len(browser_rows),
        "lanes": [lane.title for lane in panel.view.diagram.lanes],
        "inspector_title": window.inspector._title.text(),
        "page_latest_token": latest,
        "issued_to_the_browser": issued,
        "panel_token": snapshot.identity.advertising_token
        if snapshot and snapshot.identity
        else "",
        "panel_state": identity.badge_text,
        "panel_policy": identity.policy_text,
        "panel_explanation": identity.explanation_text,
        "held_badge_text": held_badge.text(),
        "held_badge_visible": held_badge.isVisible(),
        "held_badge_pixel": _colour(image, held_badge, window, QPoint(3, held_badge.height() // 2)),
        "state_badge_pixel": _colour(
            image, identity.badge, window, QPoint(3, identity.badge.height() // 2)
        ),
        "users_mode_text": str(window.users.model.index(0, 0).data(MODE_ROLE)),
        "users_held_pixel": _held_badge_colour(window, image),
        "countdowns": [c.remaining_text for c in identity.countdowns],
        "refresh_enabled": window.desk_actions.refresh.isEnabled(),
        "take_back_enabled": window.desk_actions.take_back.isEnabled(),
    }
    window.desk_actions.refresh.trigger()
    await _settle(window, 0.5)
    _grab(window, out_dir / "desk-browser-held-refresh-not-sent.png")
    report["banner_title"] = window.banner.title
    report["banner_text"] = window.banner.text
    await desk.stop_services()
    window.close()
    return report


def main(argv: list[str]) -> int:
    """Entry point: ``OUT_DIR REPORT.json``."""
    return run_driver(argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Screenshots of the masked desk: View ▸ Mask tokens on, with every place a token is drawn.

Run under Xvfb with ``QT_QPA_PLATFORM=xcb`` (see ``tests/ui/test_masking_screens.py``): the
real desk on its embedded operator signs a user in and refreshes; Send to SSP is opened
*before* masking is switched on (so the picture proves an open dialog re-masks), the
inspector shows the generate's Reply tab; then Tools ▸ Inspect a token reads the pasted
advertising token; last, a banner, a toolbar tip and the docked walkthrough. Writes four
PNGs and a JSON report of every text on screen (labels, text views, table cells and
tooltips) and the user's real secrets, for the test to compare.

Usage: ``python -m tests.ui.mask_shots OUT_DIR REPORT.json``
"""

from __future__ import annotations

import asyncio
import base64
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QModelIndex
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from tests.ui.shots_main import run_driver
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.services import open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.common.qt_values import DISPLAY_ROLE, TOOLTIP_ROLE
from uid2_desk.ui.identity.ssp_dialog import SendToSspDialog
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow
from uid2_desk.ui.window.startup import desk_application

#: The window, and the dialog beside it (a 1920×1080 screen holds both, overlapping nothing).
SIZE = (1280, 900)


def _grab(widget: QWidget, path: Path) -> None:
    screen = widget.screen()
    g = widget.frameGeometry()
    screen.grabWindow(0, g.x(), g.y(), g.width(), g.height()).save(str(path))


def _model_texts(model: QAbstractItemModel) -> list[str]:
    texts = []
    for row in range(model.rowCount(QModelIndex())):
        column = 0
        # Columns counted by walking (a list model's columnCount is private in PySide6).
        while (index := model.index(row, column)).isValid():
            column += 1
            for role in (DISPLAY_ROLE, TOOLTIP_ROLE):
                value = index.data(role)
                if isinstance(value, str) and value:
                    texts.append(value)
    return texts


def on_screen(root: QWidget) -> list[str]:
    """Every text a visible widget under ``root`` draws, or shows as a tooltip."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        if widget.toolTip():
            texts.append(widget.toolTip())
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QTextEdit | QPlainTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts.extend(_model_texts(widget.model()))
    return [t for t in texts if t]


async def _settle(window: DeskWindow, seconds: float = 0.5) -> None:
    handlers = window.handlers
    for _ in range(200):
        if not handlers.runner.busy and not handlers.lookups.busy:
            break
        await asyncio.sleep(0.05)
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
        data_dir=Path(tempfile.mkdtemp(prefix="uid2-desk-mask-")), drive_policies=False,
        open_services=open_services,
    )  # fmt: skip
    window.resize(*SIZE)
    window.move(0, 0)
    window.show()
    await desk.start_services()
    window.ticker.start()
    services = desk.services
    assert services is not None
    first = await services.publisher.sign_in(DiiKind.EMAIL, "masked.demo@example.com")
    await _settle(window)
    window.users.select_user(first.user.id)
    await _settle(window)
    window.desk_actions.refresh.trigger()
    await _settle(window)
    secrets: list[str] = []
    for snapshot in (first, window.users.model.snapshot(first.user.id)):
        assert snapshot is not None
        assert snapshot.identity is not None
        identity = snapshot.identity
        secrets += [identity.advertising_token, identity.refresh_token]
        if identity.refresh_response_key is not None:
            secrets.append(base64.b64encode(identity.refresh_response_key).decode("ascii"))
    # Send to SSP opened unmasked, then masking switched on under it.
    window.desk_actions.send_to_ssp.trigger()
    await _settle(window, 1.0)
    dialog = window.findChild(SendToSspDialog, "ssp_dialog")
    assert dialog is not None
    raw_uid = dialog.buyer_text.split("Raw UID2", 1)[1].split()[0]
    secrets.append(raw_uid)
    unmasked_dialog = on_screen(dialog)
    window.desk_actions.mask_tokens.setChecked(True)
    model = window.log_model
    generate = next(
        model.row_at(i).seq
        for i in range(model.rowCount())
        if model.row_at(i).endpoint == "/v2/token/generate"
    )
    window.log_panel.select_seq(generate)
    await _settle(window)
    window.inspector.tabs.setCurrentIndex(3)  # Reply
    dialog.move(SIZE[0] + 1, 0)
    dialog.raise_()
    await _settle(window, 1.0)
    _grab(window, out_dir / "desk-masked-1280x900.png")
    _grab(dialog, out_dir / "desk-masked-ssp.png")
    report: dict[str, Any] = {
        "secrets": secrets,
        "raw_uid": raw_uid,
        "unmasked_dialog": unmasked_dialog,
        "window": on_screen(window),
        "dialog": on_screen(dialog),
        "reply": window.inspector.tab_text("Reply"),
        "snippet": dialog.snippet,
    }
    dialog.close()
    # Tools ▸ Inspect a token, masked: the header in full, the raw UID hidden.
    window.desk_actions.inspect_token.trigger()
    paste = window.handlers.paste_dialog
    assert paste is not None
    paste.move(SIZE[0] + 1, 0)
    paste.box.setPlainText(secrets[0])
    for _ in range(100):
        await _settle(window, 0.05)
        if "Decrypted" in paste.result_text:
            break
    await _settle(window, 0.6)
    _grab(paste, out_dir / "desk-inspect-token.png")
    report["inspect"] = paste.result_text
    report["inspect_on_screen"] = on_screen(paste)
    paste.close()
    # The looks: a banner over the panels, a toolbar tip beside the LOCAL chip, the
    # walkthrough docked on the right (masking still on).
    window.desk_actions.mask_tokens.setChecked(True)
    button = window.sign_in.button
    before = button.mapTo(window, button.rect().topLeft())
    window.banner.show_message("error", "refresh failed", "the operator answered 503.")
    QCoreApplication.sendEvent(window, QStatusTipEvent("Refresh the selected user's identity"))
    window.walkthrough.toggleViewAction().trigger()
    await _settle(window, 1.0)
    _grab(window, out_dir / "desk-looks-1280x900.png")
    chip = window.status.findChild(QWidget, "status_environment_chip")
    assert chip is not None
    report["looks"] = {
        "banner_title": window.banner.title,
        "button_moved": button.mapTo(window, button.rect().topLeft()) != before,
        "chip_visible": chip.isVisible(),
        "tip": window.status.tip_text,
        "dock_floating": window.walkthrough.isFloating(),
        "dock_left_of_window_right": window.walkthrough.geometry().right() <= window.width(),
        "window": on_screen(window),
    }
    window.ticker.stop()
    await desk.stop_services()
    window.close()
    return report


def main(argv: list[str]) -> int:
    """Entry point: ``OUT_DIR REPORT.json``."""
    return run_driver(argv, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

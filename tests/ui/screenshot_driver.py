"""Drives the real desk on a real X display and records what a person would see.

Run under Xvfb (``xvfb-run``) with ``QT_QPA_PLATFORM=xcb``: the window is a real X window,
and every screenshot is taken from the X server (``QScreen.grabWindow``), not rendered from
the widget tree. The desk runs on the real composition root and local operator; only the
clock is a ManualClock, so "refresh due" arrives on cue. For each state the driver saves a
PNG and reports, as JSON, what the tests check: badge words and the badge's pixel colour on
screen, the environment strip's colour, the banner, the countdown text, and any label whose
text does not fit its width (clipped).

Usage: ``python -m tests.ui.screenshot_driver WIDTHxHEIGHT OUT_DIR REPORT.json``
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from uid2_desk.operator import Fault, FaultKind
from uid2_desk.protocol.clock import ManualClock
from uid2_desk.protocol.normalize import DiiKind
from uid2_desk.services import open_services
from uid2_desk.ui.common.bridge import DeskBridge
from uid2_desk.ui.window.desk_app import DeskApp
from uid2_desk.ui.window.environment_view import EnvironmentView
from uid2_desk.ui.window.main_window import DeskWindow
from uid2_desk.ui.window.startup import desk_application


def _colour_at(image: QImage, widget: QWidget, window: QWidget, where: QPoint) -> str:
    """The on-screen colour at ``where`` inside ``widget`` (widget coordinates)."""
    point = widget.mapTo(window, where)
    return QColor(image.pixel(point.x(), point.y())).name()


def _clipped_labels(window: QWidget) -> list[str]:
    """Visible plain-text labels whose text is wider than the label (cut off on screen)."""
    clipped = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or label.wordWrap() or not label.text():
            continue
        if label.textFormat() == Qt.TextFormat.RichText or "<" in label.text():
            continue
        if label.objectName() == "token_text":
            continue  # elided on purpose, with the full token a click away
        shown = label.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        needed = label.fontMetrics().horizontalAdvance(shown)
        if needed > label.contentsRect().width() + 1:
            clipped.append(f"{label.objectName() or 'label'}: {label.text()!r}")
    return clipped


class Driver:
    """Puts the desk into each state, grabs the screen, and writes the report."""

    def __init__(self, size: tuple[int, int], out_dir: Path) -> None:
        self.size = size
        self.out_dir = out_dir
        self.app = desk_application(QApplication)
        self.clock = ManualClock(time.time_ns() // 1_000_000)
        self.bridge = DeskBridge()
        self.window = DeskWindow(self.bridge, self.clock, EnvironmentView.preview("local"))
        self.bridge.release()
        self.desk = DeskApp(
            app=self.app,
            window=self.window,
            bridge=self.bridge,
            clock=self.clock,
            env="local",
            data_dir=Path(tempfile.mkdtemp(prefix="uid2-desk-shots-")),
            drive_policies=False,
            open_services=open_services,
        )
        self.report: dict[str, Any] = {"size": list(size), "states": {}}

    async def settle(self, seconds: float = 0.4) -> None:
        """Let actions finish and the screen repaint."""
        handlers = self.window.handlers
        for _ in range(200):
            if not handlers.runner.busy and not handlers.lookups.busy:
                break
            await asyncio.sleep(0.05)
        else:  # a screenshot of a desk still working would show the wrong thing
            raise AssertionError("the desk's actions were still running after 10 s")
        self.window.log_model.flush()
        self.window.ticker.tick()
        await asyncio.sleep(seconds)

    def grab(self) -> QImage:
        """What the X server shows in the window's area."""
        screen = self.window.screen()
        geometry = self.window.geometry()
        pixmap = screen.grabWindow(
            0, geometry.x(), geometry.y(), geometry.width(), geometry.height()
        )
        return pixmap.toImage()

    def record(self, state: str) -> None:
        """Save the screenshot of ``state`` and what is on it."""
        image = self.grab()
        width, height = self.size
        path = self.out_dir / f"desk-{state}-{width}x{height}.png"
        image.save(str(path))
        w = self.window
        badge = w.identity.badge
        strip = w.strip
        banner = w.banner
        inset = QPoint(4, badge.height() // 2)
        self.report["states"][state] = {
            "png": str(path),
            "image_size": [image.width(), image.height()],
            "window_title": w.windowTitle(),
            "badge_text": badge.text(),
            "badge_visible": badge.isVisible(),
            "badge_pixel": _colour_at(image, badge, w, inset),
            "strip_text": strip.chip_text,
            "strip_pixel": _colour_at(image, strip, w, QPoint(strip.width() // 2, 2)),
            "banner_visible": banner.isVisible(),
            "banner_title": banner.title if banner.isVisible() else "",
            "banner_text": banner.text,
            "banner_pixel": (
                _colour_at(image, banner, w, QPoint(banner.width() - 60, 3))
                if banner.isVisible()
                else ""
            ),
            "countdown": [c.remaining_text for c in w.identity.countdowns],
            "users": w.users.model.rowCount(),
            "log_rows": w.log_model.rowCount(),
            "status": w.status.operator_text,
            "clipped": _clipped_labels(w),
        }

    def countdown_pixels(self) -> str:
        """The countdown label's pixels, to tell whether it visibly changes."""
        label = self.window.identity.countdowns[0].findChild(QWidget, "countdown_left")
        assert label is not None
        image = self.grab()
        top_left = label.mapTo(self.window, QPoint(0, 0))
        crop = image.copy(top_left.x(), top_left.y(), label.width(), label.height())
        return bytes(crop.constBits()).hex()[:4000]

    async def run(self) -> None:
        """Walk through the states."""
        w = self.window
        w.resize(*self.size)
        w.move(0, 0)
        w.show()
        await self.desk.start_services()
        w.ticker.start()
        await self.settle(0.8)
        w.sign_in.set_input(DiiKind.EMAIL, "Jane.Doe+news@gmail.com")
        self.record("no_identity")

        publisher = self.desk.services.publisher  # type: ignore[union-attr]
        jane = await publisher.sign_in(DiiKind.EMAIL, "jane.doe@example.com")
        await publisher.sign_in(DiiKind.PHONE, "+12345678901")
        await self.settle()
        w.users.select_user(jane.user.id)
        await self.settle()
        generate = next(
            w.log_model.row_at(i).seq
            for i in range(w.log_model.rowCount())
            if w.log_model.row_at(i).endpoint == "/v2/token/generate"
        )
        w.log_panel.select_seq(generate)
        await self.settle()
        before = self.countdown_pixels()
        self.clock.advance(1_000)
        await self.settle()
        after = self.countdown_pixels()
        self.report["countdown_changed_on_screen"] = before != after
        self.record("established")

        # The README's picture: a little later, with the envelope laid out byte by byte.
        self.clock.advance(11_000)
        w.inspector.tabs.setCurrentIndex(2)
        await self.settle()
        self.record("readme")
        w.inspector.tabs.setCurrentIndex(0)

        self.clock.advance(19_000)
        await publisher.tick()
        await self.settle()
        self.record("refresh_due")

        services = self.desk.services
        assert services is not None
        assert services.operator is not None
        services.operator.admin.set_fault(Fault(FaultKind.HTTP_503, "/v2/token/refresh", times=1))
        w.desk_actions.refresh.trigger()
        await self.settle()
        self.record("error_banner")

        w.banner.dismiss()
        opted = await publisher.sign_in(DiiKind.EMAIL, "refresh-optout@example.com")
        await self.settle()
        w.users.select_user(opted.user.id)
        await self.settle()
        w.desk_actions.refresh.trigger()
        await self.settle()
        w.banner.dismiss()
        await self.settle()
        self.record("opted_out")

        w.close()
        await self.desk.stop_services()


def main(argv: list[str]) -> int:
    """Entry point: size, output directory, report path."""
    width, height = (int(v) for v in argv[0].split("x"))
    out_dir = Path(argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    import qasync

    driver = Driver((width, height), out_dir)
    loop = qasync.QEventLoop(driver.app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(driver.run())
    Path(argv[2]).write_text(json.dumps(driver.report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Renders a kiosk or diagram scene on a real display and saves a screenshot plus a report.

Run by the screenshot tests in a child process under Xvfb (1920×1080, the xcb platform):

    python -m tests.ui.kiosk_shots SCENE OUT.png

SCENE is ``kiosk-mid-flow`` (the bid scenario just after the ad was bought), ``kiosk-optout``
(the refresh that answers optout) or ``diagram-server-only`` (the desk's sequence view after
the whole server-only flow). Everything is real: the kiosk window and shell, the local
operator (in process), the clock. The scene stops moving on the chosen step: the kiosk's rest
after it never ends. Next to the PNG a JSON report lists what a person sees: label texts, the
caption, the TV's lines, and each diagram arrow's label with the colour sampled on screen.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from uid2_desk.protocol.clock import SystemClock
from uid2_desk.publisher.scenario.loader import find_scenario
from uid2_desk.publisher.scenario.player import ScenarioPlayer
from uid2_desk.services import DeskServices, OperatorMode, open_services
from uid2_desk.ui.kiosk.kiosk_status import KioskPacing, KioskStatus
from uid2_desk.ui.kiosk.shell import KioskShell
from uid2_desk.ui.kiosk.window import KioskWindow
from uid2_desk.ui.walkthrough.sequence_view import SequenceFeed, SequenceView
from uid2_desk.walkthrough import Arrow

SCREEN = (1920, 1080)
_CAPTION_KEYS = ("user", "publisher", "operator", "why")
#: scene → (scenario, the step id the screen stops on)
KIOSK_SCENES = {"kiosk-mid-flow": ("bid", "bid"), "kiosk-optout": ("optout-on-refresh", "refresh")}


def _colour(image: QImage, point: QPoint) -> str:
    """The most saturated colour near ``point`` along the line (the ink, not the paper)."""
    best = QColor("#ffffff")
    for dx in range(-40, 41, 2):
        for dy in range(-3, 4):
            x, y = point.x() + dx, point.y() + dy
            if 0 <= x < image.width() and 0 <= y < image.height():
                c = image.pixelColor(x, y)
                if c.hsvSaturation() > best.hsvSaturation():
                    best = c
    return best.name()


def _arrows_on_screen(view: SequenceView, image: QImage) -> list[dict[str, Any]]:
    """Each visible arrow's label, outcome and the colour of its line as grabbed."""
    rows: list[dict[str, Any]] = []
    d = view.diagram
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for arrow in d.arrows:
        line_y = arrow.y + d.metrics.row_height / 2 * 0.45
        if not visible.top() <= line_y <= visible.bottom():
            continue
        point = view.viewport().mapTo(view.window(), view.mapFromScene(_mid(arrow), line_y))
        global_point = view.window().mapToGlobal(point)
        rows.append(
            {
                "label": arrow.label,
                "kind": arrow.kind.value,
                "outcome": arrow.outcome,
                "colour": _colour(image, global_point),
            }
        )
    return rows


def _mid(arrow: Arrow) -> float:
    return (arrow.x1 + arrow.x2) / 2 + 24


async def _kiosk_scene(
    app: QApplication, scene: str, out: Path, data: Path, size: tuple[int, int] = SCREEN
) -> dict[str, Any]:
    scenario_name, stop_at = KIOSK_SCENES[scene]
    services = await open_services(
        data, operator_mode=OperatorMode.IN_PROCESS, lifetimes="demo", returning=False
    )
    frozen = asyncio.Event()
    reached = asyncio.Event()

    async def sleep(seconds: float) -> None:
        if frozen.is_set():
            await asyncio.Event().wait()  # the rest after the chosen step never ends
        await asyncio.sleep(min(seconds, 0.3))

    try:
        window = KioskWindow(services.clock, SystemClock())
        shell = KioskShell(
            window,
            services,
            [find_scenario(scenario_name)],
            pacing=KioskPacing(step_pause_s=0.3, wait_cap_s=0.3, end_card_s=0.3),
            sleep=sleep,
        )

        def watch(status: KioskStatus) -> None:
            if status.result is not None and status.result.step.id == stop_at:
                frozen.set()
                reached.set()

        shell.autoplay._on_status = _chain(shell.autoplay._on_status, watch)
        if size == SCREEN:
            window.resize(*SCREEN)
            window.showFullScreen()
        else:  # a smaller screen: the window is given exactly that much room
            window.setGeometry(0, 0, *size)
            window.show()
        running = asyncio.ensure_future(shell.run())
        await asyncio.wait_for(reached.wait(), timeout=60)
        await asyncio.sleep(1.5)  # relayout timer, the ticker's next second, a repaint
        image = _grab(app, window)
        image.save(str(out))
        report = {
            "scene": scene,
            "size": [image.width(), image.height()],
            "scenario_line": window.scenario_label.full_text,
            "scenario_shown": window.scenario_label.text(),
            "phase_line": window.phase_label.text(),
            "keys": window.keys_label.text(),
            "keys_fit": window.keys_label.sizeHint().width() <= window.keys_label.width(),
            "caption_title": window.caption.heading.text(),
            "caption": {
                k: window.caption.line(k) for k in ("user", "publisher", "operator", "why")
            },
            "verdict": window.caption.verdict.text(),
            "verdict_colour": window.caption.verdict_colour,
            "device": {
                "who": window.device.state.who,
                "state": window.device.state.state,
                "ad_title": window.device.state.ad_title,
                "ad_text": window.device.state.ad_text,
            },
            "countdowns": [
                {"title": c.title, "left": c.remaining_text, "urgency": c.urgency.value}
                for c in window.countdowns
            ],
            "arrows": _arrows_on_screen(window.diagram, image),
            "ad_slot_colour": _ad_slot_colour(window, image),
            "clipped": _clipped_labels(window),
        }
        window.leaving = True
        window.exit_requested.emit()
        await asyncio.wait_for(running, timeout=20)
        window.close()
    finally:
        await services.aclose()
    return report


async def _diagram_scene(app: QApplication, out: Path, data: Path) -> dict[str, Any]:
    services: DeskServices = await open_services(
        data, operator_mode=OperatorMode.IN_PROCESS, lifetimes="demo", returning=False
    )
    try:
        player = ScenarioPlayer(find_scenario("server-only"), services.stage())
        await player.play()
        entries = await services.journal.entries(limit=None)
    finally:
        await services.aclose()
    feed = SequenceFeed()
    view = SequenceView()
    feed.diagram_changed.connect(view.set_diagram)
    view.setWindowTitle("UID2 Desk: sequence diagram")
    view.resize(1100, 1000)
    view.move(0, 0)
    feed.reset(entries)
    view.show()
    await asyncio.sleep(1.0)
    image = _grab(app, view)
    image.copy(0, 0, 1100, 1000).save(str(out))
    return {
        "scene": "diagram-server-only",
        "size": [1100, 1000],
        "passed": player.passed,
        "arrows": _arrows_on_screen(view, image),
        "notes": [n.text for n in view.diagram.notes],
    }


def _ad_slot_colour(window: KioskWindow, image: QImage) -> str:
    """The colour on screen a little inside the ad slot's bottom-left corner."""
    device = window.device
    corner = device.mapToGlobal(QPoint(60, round(device.height() * 0.92 * 0.8)))
    return image.pixelColor(corner).name()


def _clipped_labels(window: KioskWindow) -> list[str]:
    """Labels whose text does not fit their width (a person would see it cut)."""
    from PySide6.QtWidgets import QLabel

    clipped = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.wordWrap():
            continue
        needed = label.fontMetrics().horizontalAdvance(label.text())
        if needed > label.contentsRect().width() + 1:
            clipped.append(f"{label.objectName()}: {label.text()!r}")
    return clipped


def _grab(app: QApplication, widget: QWidget) -> QImage:
    app.processEvents()
    g = widget.geometry()  # the whole screen when full screen, else the window's own part
    image: QImage = widget.screen().grabWindow(0, g.x(), g.y(), g.width(), g.height()).toImage()
    return image


def _chain(*callbacks: Any) -> Any:
    def both(value: Any) -> None:
        for cb in callbacks:
            if cb is not None:
                cb(value)

    return both


def main(argv: list[str]) -> int:
    scene, out = argv[1], Path(argv[2])
    width, _, height = (argv[3] if len(argv) > 3 else f"{SCREEN[0]}x{SCREEN[1]}").partition("x")
    size = (int(width), int(height))
    app = QApplication(argv[:1])
    app.setStyle("Fusion")
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp, loop:
        if scene == "diagram-server-only":
            coro = _diagram_scene(app, out, Path(tmp))
        else:
            coro = _kiosk_scene(app, scene, out, Path(tmp), size)
        report = loop.run_until_complete(coro)
        QTimer.singleShot(0, app.quit)
    out.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

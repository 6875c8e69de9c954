"""The Walkthrough dock in the real desk window: drawn live, click an arrow to inspect it.

Uses the desk window on the real composition root and local operator (the ``desk`` fixture of
tests/ui/conftest.py); the dock is the one the window installs.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from tests.ui.desk_fixture import Desk
from uid2_desk.ui.walkthrough.walkthrough_panel import WalkthroughPanel
from uid2_desk.ui.window.walkthrough_dock import WalkthroughDock
from uid2_desk.walkthrough import ArrowKind

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")


def _panel(desk: Desk) -> WalkthroughPanel:
    dock = desk.window.findChild(WalkthroughDock, "walkthrough_dock")
    assert dock is not None, "the desk window has no Walkthrough dock"
    assert dock.panel is not None, "the dock was not built when the services started"
    return dock.panel


def test_the_walkthrough_opens_from_the_view_menu_beside_the_window(desk: Desk) -> None:
    dock = desk.window.walkthrough
    assert dock.isHidden()  # the desk keeps its own layout until asked
    view_menu = next(a.menu() for a in desk.window.menuBar().actions() if a.text() == "&View")
    assert isinstance(view_menu, QMenu)
    toggle = next(a for a in view_menu.actions() if a.text() == "&Walkthrough")
    assert toggle.shortcut().toString() == "Ctrl+Shift+W"
    window = desk.window
    window.resize(1366, 768)
    window.show()
    desk.qtbot.waitExposed(window)
    desk.qtbot.wait(50)
    size = window.size()
    toggle.trigger()
    assert dock.isVisible()
    # Docked on the window's right, beside the panels: never floating over the identity panel.
    assert not dock.isFloating()
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    desk.qtbot.waitUntil(lambda: dock.width() > 200, timeout=5000)
    central = window.centralWidget()
    assert dock.geometry().left() >= central.geometry().right()
    assert window.size() == size  # room made inside the window, not by growing it
    panel = dock.panel
    assert panel is not None
    tabs = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert tabs == ["Sequence diagram", "Scenario player", "Opt-out lab"]


def test_a_sign_in_in_the_window_is_drawn_on_the_diagram(desk: Desk) -> None:
    panel = _panel(desk)
    desk.sign_in("validate@example.com")
    desk.qtbot.waitUntil(lambda: any(a.step == "1-e" for a in panel.view.diagram.arrows))
    labels = [a.label for a in panel.view.diagram.arrows]
    assert "1-d POST /v2/token/generate" in labels
    assert "1-e 200 success" in labels
    assert panel.count.text().endswith("entries")


def test_clicking_an_arrow_selects_its_exchange_in_the_log_and_the_inspector(
    desk: Desk,
) -> None:
    panel = _panel(desk)
    desk.sign_in("validate@example.com")
    desk.qtbot.waitUntil(lambda: any(a.step == "1-e" for a in panel.view.diagram.arrows))
    reply = next(a for a in panel.view.diagram.arrows if a.kind is ArrowKind.REPLY)
    desk.window.show()
    desk.qtbot.waitExposed(desk.window)
    view = panel.view
    view.set_zoom(1.0)
    view.centerOn((reply.x1 + reply.x2) / 2, reply.y)
    point = view.mapFromScene((reply.x1 + reply.x2) / 2, reply.y)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert desk.window.log_panel.selected_seq() == reply.seq
    desk.qtbot.waitUntil(
        lambda: (
            desk.window.inspector.entry is not None and desk.window.inspector.entry.seq == reply.seq
        )
    )
    assert desk.window.inspector.entry is not None
    assert desk.window.inspector.entry.exchange is not None
    assert desk.window.inspector.entry.exchange.endpoint == "/v2/token/generate"


def test_the_player_in_the_window_plays_on_the_desk_and_its_user_shows_up(desk: Desk) -> None:
    panel = _panel(desk)
    player = panel.player
    player.step_pause_s = 0.01
    player.choose("server-only")
    with desk.qtbot.waitSignal(player.finished, timeout=20_000) as finished:
        player.play()
    assert finished.args == [True]
    desk.qtbot.waitUntil(lambda: not player.runner.busy)
    desk.qtbot.waitUntil(lambda: any(a.step == "4-b" for a in panel.view.diagram.arrows))
    steps = {a.step for a in panel.view.diagram.arrows}
    assert {"1-d", "1-e", "3-b", "3-c", "4-a", "4-b"} <= steps
    assert desk.window.users.model.rowCount() == 1

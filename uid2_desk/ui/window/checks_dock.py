"""The *Checks* dock of the desk window, added once the window has painted.

It tabs with the Walkthrough dock (View ▸ Checks, Ctrl+Shift+K), is refreshed after
journal entries (throttled, off the GUI thread: :mod:`~uid2_desk.ui.checks.checks_refresh`),
and a click on a finding selects its first entry in the log (the inspector follows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from uid2_desk.ui.checks.checks_panel import ChecksPanel
from uid2_desk.ui.checks.checks_refresh import ChecksRefresher

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices

#: A floating Checks dock's size: a dozen findings without scrolling.
FLOATING_SIZE = (720, 360)


class ChecksDock(QDockWidget):
    """The dock holding the :class:`ChecksPanel` and its refresher.

    Attributes:
        panel: the findings panel.
        refresher: what re-runs the checks.
    """

    def __init__(
        self,
        window: QMainWindow,
        services_of: Callable[[], DeskServices | None],
        open_entry: Callable[[int], None],
    ) -> None:
        super().__init__("Checks", window)
        self.setObjectName("checks_dock")
        self.panel = ChecksPanel(self)
        self.refresher = ChecksRefresher(services_of, self)
        self.setWidget(self.panel)
        self.refresher.findings_changed.connect(self.panel.show_findings)
        self.panel.entry_requested.connect(open_entry)
        self._placed = False

    def on_toggled(self, window: QMainWindow, shown: bool) -> None:
        """View ▸ Checks: check now, and the first time, put a floating dock by the window."""
        if not shown:
            return
        self.refresher.poke()
        if self.isFloating() and not self._placed:
            self._placed = True
            frame = window.frameGeometry()
            width, height = FLOATING_SIZE
            self.setGeometry(
                frame.right() - width - 24, frame.bottom() - height - 24, width, height
            )


def install_checks(
    window: QMainWindow,
    services_of: Callable[[], DeskServices | None],
    open_entry: Callable[[int], None],
) -> ChecksDock:
    """Add the Checks dock (hidden, tabbed with the Walkthrough dock if there is one).

    The window's :class:`~uid2_desk.ui.window.deferred_walkthrough.DeferredWalkthrough`
    pokes its refresher on each journal entry and when the services start, and cancels it
    when they stop.
    """
    dock = ChecksDock(window, services_of, open_entry)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    walkthrough = window.findChild(QDockWidget, "walkthrough_dock")
    if walkthrough is not None and not walkthrough.isFloating():
        window.tabifyDockWidget(walkthrough, dock)
    else:
        dock.setFloating(True)
        dock.resize(*FLOATING_SIZE)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setText("&Checks")
    toggle.setShortcut("Ctrl+Shift+K")
    toggle.triggered.connect(lambda shown: dock.on_toggled(window, shown))
    view_menu = next(
        (a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"),
        None,
    )
    if isinstance(view_menu, QMenu):
        view_menu.addAction(toggle)
    else:
        window.addAction(toggle)
    return dock

"""The "Walkthrough" dock of the desk window, built once the whole window has painted.

The window paints before the publisher layer is imported (start-up is measured against a bare
window), so this module imports only Qt at load time: the dock starts with a one-line
placeholder, and :class:`~uid2_desk.ui.walkthrough.walkthrough_panel.WalkthroughPanel` is built on
the first journal entry or when the services are ready, whichever comes first.

:func:`install_walkthrough` adds the dock to a desk window and wires it: a click on an arrow
selects that exchange in the log (the inspector follows) or, when the log's filter hides it,
opens it in the inspector directly; the panel's failures go to the window's banner. The
window hands it the bridge's entries and users
(:class:`~uid2_desk.ui.window.deferred_walkthrough.DeferredWalkthrough`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QWidget

from uid2_desk.ui.common.look import set_colours
from uid2_desk.ui.common.theme import HINT_TEXT

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtWidgets import QMainWindow

    from uid2_desk.journal import JournalEntry
    from uid2_desk.publisher.model import UserSnapshot
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.walkthrough.walkthrough_panel import WalkthroughPanel
    from uid2_desk.ui.window.walkthrough_links import WalkthroughLinks

#: The floating dock's first size: the diagram at zoom 1 plus room for the lanes' titles.
FLOATING_SIZE = (1040, 760)
#: The share of the window's width the docked walkthrough takes when it first opens.
DOCKED_SHARE = 0.42


class WalkthroughDock(QDockWidget):
    """The dock; :attr:`panel` exists once the services have started.

    Attributes:
        window_: the main window it docks into.
        links: the window's slots it calls.
        panel: the walkthrough panel, once built.
    """

    def __init__(self, window: QMainWindow, links: WalkthroughLinks) -> None:
        super().__init__("Walkthrough", window)
        self.setObjectName("walkthrough_dock")
        self.window_ = window
        self.links = links
        self.panel: WalkthroughPanel | None = None
        self._placed = False
        placeholder = QLabel("The walkthrough opens when the desk has started…", self)
        placeholder.setObjectName("panel_hint")
        set_colours(placeholder, text=HINT_TEXT)
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(placeholder)

    def ensure_panel(self) -> WalkthroughPanel:
        """Build the panel (first call only) and wire it to the window."""
        if self.panel is not None:
            return self.panel
        from uid2_desk.publisher.scenario.loader import load_all
        from uid2_desk.ui.walkthrough.walkthrough_panel import WalkthroughPanel

        panel = WalkthroughPanel(load_all(), self)
        self.panel = panel
        old = self.widget()
        self.setWidget(panel)
        if isinstance(old, QWidget):
            old.deleteLater()
        links = self.links
        panel.entry_clicked.connect(self.select_entry)
        panel.player.runner.failed.connect(links.show_failure)
        panel.lab.runner.failed.connect(links.show_failure)
        panel.lab.user_selected.connect(links.select_user)
        return panel

    def on_toggled(self, shown: bool) -> None:
        """View ▸ Walkthrough: the first time it opens, give it its room."""
        if not shown:
            return
        if self.isFloating():
            self.place_beside_window()
        elif not self._placed:
            self._placed = True
            w = self.window_
            w.resizeDocks([self], [int(w.width() * DOCKED_SHARE)], Qt.Orientation.Horizontal)

    def place_beside_window(self) -> None:
        """Give the floating dock a useful size, beside the window when the screen has room."""
        if not self.isFloating() or self._placed:
            return
        self._placed = True
        w = self.window_
        screen = w.screen()
        area = screen.availableGeometry() if screen is not None else None
        width, height = FLOATING_SIZE
        x, y = w.frameGeometry().right() + 1, w.frameGeometry().top()
        if area is not None:
            width, height = min(width, area.width()), min(height, area.height())
            if x + width > area.right():
                x = max(area.left(), area.right() - width)
            y = max(area.top(), min(y, area.bottom() - height))
        self.setGeometry(x, y, width, height)

    # -- slots (from the bridge and the window) -----------------------------------------

    def add_entries(self, entries: Sequence[JournalEntry]) -> None:
        """Draw journal entries, in order."""
        self.ensure_panel().add_entries(entries)

    def show_user(self, snapshot: UserSnapshot) -> None:
        """Follow a user's changes (the opt-out lab's user)."""
        if self.panel is not None:
            self.panel.show_user(snapshot)

    def attach(self, services: DeskServices) -> None:
        """The services are ready."""
        self.ensure_panel().attach(services)

    def detach(self) -> None:
        """The services stop (restart, another environment, close)."""
        if self.panel is not None:
            self.panel.detach()

    def select_entry(self, seq: int) -> None:
        """An arrow was clicked: the window shows its exchange."""
        self.links.open_entry(seq)


def install_walkthrough(window: QMainWindow, links: WalkthroughLinks) -> WalkthroughDock:
    """Add the Walkthrough dock to ``window`` and to its View menu.

    The dock starts hidden, docked on the window's right: View ▸ Walkthrough (Ctrl+Shift+W)
    opens it beside the panels, inside the window, whatever the window manager would have
    done with a floating one (without one, it opened over the identity panel). It can still
    be pulled out to float.
    The window feeds it the bridge's news
    (:class:`~uid2_desk.ui.window.deferred_walkthrough.DeferredWalkthrough`).
    """
    dock = WalkthroughDock(window, links)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setText("&Walkthrough")
    toggle.setShortcut("Ctrl+Shift+W")
    toggle.triggered.connect(dock.on_toggled)
    view_menu = next(
        (a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "View"),
        None,
    )
    if isinstance(view_menu, QMenu):
        view_menu.addSeparator()
        view_menu.addAction(toggle)
    else:
        window.addAction(toggle)
    return dock

"""Environment ▸ Integration guide: which guide the desk plays, a setting of the local operator.

Today's server-only guide calls the v2 API. The original server-only and custom publisher
guides call the v1 GET API, which real operators removed in July 2025: only the embedded local
operator, opened with ``legacy_v1``, still serves it. So the choice is offered on the local
environment only; elsewhere the items are disabled and say why. Picking one restarts the
desk's services (:meth:`~uid2_desk.ui.window.desk_app.DeskApp.restart`), like the lifetimes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow, QMenu

from uid2_desk.publisher.guides import Guide

#: The guides as the menu lists them, today's first.
GUIDE_ITEMS: tuple[tuple[Guide, str], ...] = (
    (Guide.SERVER_ONLY, "Server-only guide (v2 API, today's)"),
    (Guide.SERVER_ONLY_V1, "Original server-only guide (v1 GET API)"),
    (Guide.CUSTOM_V1, "Original custom publisher guide (v1 GET API, steps 1–6)"),
)
_REMOTE_TIP = (
    "Real operators removed the v1 API in July 2025: the original guides play on the local "
    "operator only."
)
_LOCAL_TIP = "The local operator serves GET /v1/token/* while a v1 guide is chosen."


class GuideMenu(QObject):
    """The Integration guide submenu of the Environment menu.

    Signals:
        chosen(str): the person picked the guide with this value (a :class:`Guide` value).

    Attributes:
        menu: the submenu.
        actions: one checkable action per guide, by guide.
    """

    chosen = Signal(str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        parent = _environment_menu(window)
        self.menu = parent.addMenu("Integration &guide")
        self.menu.setObjectName("guide_menu")
        self.menu.setToolTipsVisible(True)
        group = QActionGroup(self.menu)
        group.setExclusive(True)
        self.actions: dict[Guide, QAction] = {}
        for guide, label in GUIDE_ITEMS:
            action = QAction(label, self.menu)
            action.setObjectName(f"guide_{guide.value.replace('-', '_')}")
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, g=guide: self.chosen.emit(g.value))
            group.addAction(action)
            self.menu.addAction(action)
            self.actions[guide] = action
        self.show_state(Guide.SERVER_ONLY, local=True)

    def show_state(self, guide: Guide | str, *, local: bool) -> None:
        """Tick ``guide``; offer the v1 guides on the local environment only."""
        current = Guide(guide) if local else Guide.SERVER_ONLY
        for each, action in self.actions.items():
            action.setChecked(each is current)
            action.setEnabled(local or not each.legacy_v1)
            action.setToolTip(_LOCAL_TIP if local else _REMOTE_TIP)


def _environment_menu(window: QMainWindow) -> QMenu:
    """The window's Environment menu (built by ``build_menus``), or a new one."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "Environment":
            menu.addSeparator()
            return menu
    return window.menuBar().addMenu("&Environment")

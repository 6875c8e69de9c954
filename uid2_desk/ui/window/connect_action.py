"""Environment ▸ Connect your client…: the action, added to the menu once the window is whole.

Opens :class:`~uid2_desk.ui.connect.connect_dialog.ConnectDialog` for the running desk's
embedded operator; on another environment (or before the services are up) it says why there
is nothing to connect to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices
    from uid2_desk.ui.connect.connect_dialog import ConnectDialog

NOT_LOCAL = (
    "Connect your client needs the desk's own operator on a port: start the desk on the "
    "local environment (Environment ▸ Environments and credentials…, or uid2-desk --env local)."
)


def open_connect(window: QMainWindow, services: DeskServices | None) -> ConnectDialog | None:
    """Open the dialog for ``services`` (non-modal), or say why it cannot be opened."""
    from uid2_desk.ui.connect.connect_dialog import ConnectDialog
    from uid2_desk.ui.connect.connect_facts import ConnectFacts

    facts = None if services is None else ConnectFacts.of(services)
    if facts is None:
        QMessageBox.information(window, "Connect your client", NOT_LOCAL)
        return None
    dialog = ConnectDialog(facts, window)
    dialog.show()
    return dialog


def install_connect(window: QMainWindow, services_of: Callable[[], DeskServices | None]) -> QAction:
    """Add *Connect your client…* to the window's Environment menu (or the window)."""
    action = QAction("&Connect your client…", window)
    action.setObjectName("action_connect_client")
    # Through the property: setShortcut() would create the Qt enums before the first paint.
    action.setProperty("shortcut", "Ctrl+Shift+C")
    action.setStatusTip("Point your own backend, app or page at the desk's operator")
    action.triggered.connect(lambda: open_connect(window, services_of()))
    menu = next(
        (
            a.menu()
            for a in window.menuBar().actions()
            if a.text().replace("&", "") == "Environment"
        ),
        None,
    )
    if isinstance(menu, QMenu):
        menu.addAction(action)
    else:
        window.addAction(action)
    return action

"""Environment ▸ Connect your client…, the LAN switch and the red band while it is on.

:func:`install_connect` adds the action to the Environment menu once the window is complete.
It opens :class:`~uid2_desk.ui.connect.connect_dialog.ConnectDialog` for the running desk's
embedded operator; on another environment (or before the services are up) it says why there
is nothing to connect to. While *Allow devices on my network* is on, a red band across the
top of the window says so and where; new services (a restart) start with it off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QToolBar

from uid2_desk.ui.connect.lan_switch import LanSwitch

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from uid2_desk.services import DeskServices
    from uid2_desk.ui.connect.connect_dialog import ConnectDialog

NOT_LOCAL = (
    "Connect your client needs the desk's own operator on a port: start the desk on the "
    "local environment (Environment ▸ Environments and credentials…, or uid2-desk --env local)."
)
_BAND_STYLE = "QLabel{background:#b91c1c;color:white;font-weight:bold;padding:6px}"


def open_connect(
    window: QMainWindow, services: DeskServices | None, lan: LanSwitch | None = None
) -> ConnectDialog | None:
    """Open the dialog for ``services`` (non-modal), or say why it cannot be opened."""
    from uid2_desk.ui.connect.connect_dialog import ConnectDialog
    from uid2_desk.ui.connect.connect_facts import ConnectFacts

    facts = None if services is None else ConnectFacts.of(services)
    if facts is None:
        QMessageBox.information(window, "Connect your client", NOT_LOCAL)
        return None
    dialog = ConnectDialog(facts, window, lan)
    dialog.show()
    return dialog


class ConnectClient:
    """The window's *Connect your client* action, its LAN switch and the red band.

    Attributes:
        action: Environment ▸ Connect your client….
        lan: the *Allow devices on my network* switch.
        band: the red band shown while devices on the network can reach the operator.
    """

    def __init__(
        self,
        window: QMainWindow,
        services_of: Callable[[], DeskServices | None],
        services_ready: SignalInstance,
    ) -> None:
        self._window = window
        self._services_of = services_of
        self.lan = LanSwitch(services_of, window)
        self.action = QAction("&Connect your client…", window)
        self.action.setObjectName("action_connect_client")
        # Through the property: setShortcut() would create the Qt enums before first paint.
        self.action.setProperty("shortcut", "Ctrl+Shift+C")
        self.action.setStatusTip("Point your own backend, app or page at the desk's operator")
        self.action.triggered.connect(self.open)
        self.band = QLabel(window)
        self.band.setObjectName("lan_band")
        self.band.setStyleSheet(_BAND_STYLE)
        self._bar = QToolBar("Network", window)
        self._bar.setObjectName("lan_band_bar")
        self._bar.setMovable(False)
        self._bar.addWidget(self.band)
        self._bar.hide()
        window.addToolBarBreak()
        window.addToolBar(self._bar)
        self.lan.changed.connect(self.show_band)
        services_ready.connect(self.lan.services_changed)

    @property
    def band_shown(self) -> bool:
        """Whether the red band is up (devices on the network can reach the operator)."""
        return not self._bar.isHidden()

    def open(self) -> ConnectDialog | None:
        """Open the dialog for the running services."""
        return open_connect(self._window, self._services_of(), self.lan)

    def show_band(self, url: object) -> None:
        """Show the red band while the LAN URL is served; hide it otherwise."""
        if isinstance(url, str):
            self.band.setText(
                f"Devices on your network can reach this test operator at {url} "
                "(admin stays on this machine). Switch off: Environment ▸ Connect your client."
            )
            self._bar.show()
        else:
            self._bar.hide()


def install_connect(
    window: QMainWindow,
    services_of: Callable[[], DeskServices | None],
    services_ready: SignalInstance,
) -> ConnectClient:
    """Add *Connect your client…* to the window's Environment menu (or the window).

    ``services_ready`` (the bridge's) tells it new services started, with LAN serving off.
    """
    connect = ConnectClient(window, services_of, services_ready)
    menu = next(
        (
            a.menu()
            for a in window.menuBar().actions()
            if a.text().replace("&", "") == "Environment"
        ),
        None,
    )
    if isinstance(menu, QMenu):
        menu.addAction(connect.action)
    else:
        window.addAction(connect.action)
    return connect

"""The sign-in panel's mode switch: the publisher's server, or the device's UID2 SDK.

Server-side is today's sign-in (``/v2/token/generate`` with the API key). Client-side plays
the app's SDK (``/v2/token/client-generate``, CSTG): the field beside it names the device,
an app name (``com.uid2desk.app``, allowed on the desk's operator) or a page origin.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolButton, QWidget

#: (mode value, title) in the order the switch lists them.
MODES: tuple[tuple[str, str], ...] = (
    ("server", "Server-side"),
    ("client", "Client-side (app SDK)"),
)
#: What the device field suggests (the desk's own app name, see cstg_site.DESK_APP_NAME).
DEVICE_HINT = "com.uid2desk.app — or a page origin, e.g. http://localhost:8080"


class SignInModeBox(QWidget):
    """The mode switch and the app name / origin field, on one row.

    Signals:
        site_requested(): the person wants to see or edit the client-side site.

    Attributes:
        mode: the switch.
        device: the app name or origin (enabled in client-side mode only).
        site: the button that opens the client-side site dialog.
    """

    site_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = QComboBox(self)
        self.mode.setObjectName("sign_in_mode")
        self.mode.setAccessibleName("Who signs the user in")
        for value, title in MODES:
            self.mode.addItem(title, value)
        self.device = QLineEdit(self)
        self.device.setObjectName("sign_in_device")
        self.device.setAccessibleName("App name or page origin of the client-side device")
        self.device.setPlaceholderText(DEVICE_HINT)
        self.device.setToolTip(
            "As an app, the SDK sends app_name (it must be in the site's list); as a web "
            "page, the browser sends an Origin header (its domain must be in the list)."
        )
        self.device.setClearButtonEnabled(True)
        self.site = QToolButton(self)
        self.site.setObjectName("sign_in_cstg_site")
        self.site.setText("Site…")
        self.site.setToolTip("Subscription id, server public key and the allowed names")
        self.site.clicked.connect(self.site_requested.emit)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.mode)
        row.addWidget(self.device, 1)
        row.addWidget(self.site)
        self.mode.currentIndexChanged.connect(self._update)
        self._update()

    @property
    def client_side(self) -> bool:
        """Whether the client-side mode is chosen."""
        return bool(self.mode.currentData() == "client")

    def set_client_side(self, on: bool) -> None:
        """Choose the client-side mode (``True``) or the server-side one."""
        self.mode.setCurrentIndex(1 if on else 0)

    def _update(self) -> None:
        self.device.setEnabled(self.client_side)

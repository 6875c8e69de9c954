"""The Connect dialog's *Allow devices on my network* box: the switch, the LAN URL, its QR code.

Off by default and at every start. While on, the LAN base URL is shown with a Copy button
and as a QR code (a TV's or phone's camera, or a person typing it in); the admin surface is
not served there, and the window shows a red band (see
:mod:`~uid2_desk.ui.window.connect_action`).
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.connect.lan_switch import LanSwitch, qr_png

_HINT = (
    "A physical TV or phone cannot reach 127.0.0.1. Switched on, the desk also serves the UID2 "
    "endpoints on this machine's network address (never its admin surface). Anyone on your "
    "network can then call this test operator; it switches off when the desk restarts."
)


class LanPanel(QGroupBox):
    """The switch and, while on, the LAN base URL and its QR code.

    Attributes:
        switch: the window's :class:`LanSwitch`.
        check: the *Allow devices on my network* check box.
        qr: the QR code label (empty while off).
    """

    def __init__(self, switch: LanSwitch, parent: QWidget | None = None) -> None:
        super().__init__("Devices on your network", parent)
        self.switch = switch
        self.check = QCheckBox("Allow devices on my network", self)
        self.check.setObjectName("connect_lan")
        self.check.setEnabled(switch.available)
        hint = QLabel(_HINT, self)
        hint.setWordWrap(True)
        self.url = QLineEdit(self)
        self.url.setObjectName("connect_lan_url")
        self.url.setReadOnly(True)
        self.url.setAccessibleName("Base URL on your network")
        copy = QPushButton("Copy", self)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.url.text()))
        self.error = QLabel(self)
        self.error.setObjectName("connect_lan_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#b91c1c")
        self.qr = QLabel(self)
        self.qr.setObjectName("connect_lan_qr")
        row = QHBoxLayout()
        row.addWidget(self.url, 1)
        row.addWidget(copy)
        column = QVBoxLayout()
        column.addWidget(self.check)
        column.addWidget(hint)
        column.addLayout(row)
        column.addWidget(self.error)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(column, 1)
        layout.addWidget(self.qr)
        self.check.toggled.connect(self._toggled)
        switch.changed.connect(self.show_url)
        switch.failed.connect(self.error.setText)
        self.show_url(switch.url)

    def _toggled(self, on: bool) -> None:
        self.error.clear()
        if on != (self.switch.url is not None):
            self.switch.set_on(on)

    def show_url(self, url: object) -> None:
        """Show the state: the LAN URL and its QR code while on, nothing while off."""
        text = url if isinstance(url, str) else ""
        self.check.blockSignals(True)
        self.check.setChecked(bool(text))
        self.check.blockSignals(False)
        self.url.setText(text or "(off)")
        self.url.setEnabled(bool(text))
        pixmap = QPixmap()
        if text:
            pixmap.loadFromData(qr_png(text))
        self.qr.setPixmap(pixmap)
        self.qr.setVisible(bool(text))

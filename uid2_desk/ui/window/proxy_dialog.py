"""Where the desk's proxy forwards to, and on which port: the *Proxy to …* dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)


class ProxyDialog(QDialog):
    """Pick the upstream (a name or a URL) and the loopback port (0: any free one).

    Signals:
        chosen(str, int): Start was pressed with this upstream and port.
    """

    chosen = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Imported here, not at the top: the window's first paint must not load Qt's enums
        # (tests/ui/test_startup.py), and this dialog's module is imported with the window.
        from PySide6.QtCore import Qt

        from uid2_desk.client.environments import KNOWN_ENVIRONMENTS

        self.setObjectName("proxy_dialog")
        self.setWindowTitle("Proxy to …")
        self.upstream = QComboBox(self)
        self.upstream.setObjectName("proxy_upstream")
        self.upstream.setEditable(True)
        # Every named remote environment (any https:// URL may be typed instead); the item is
        # the name the command line takes, its tooltip the environment's full name.
        for env in KNOWN_ENVIRONMENTS:
            self.upstream.addItem(env.id)
            self.upstream.setItemData(
                self.upstream.count() - 1, env.display_name, Qt.ItemDataRole.ToolTipRole
            )
        self.upstream.setAccessibleName("Upstream operator")
        self.port = QSpinBox(self)
        self.port.setObjectName("proxy_port")
        self.port.setRange(0, 65535)
        self.port.setSpecialValueText("any free port")
        self.port.setAccessibleName("Port")
        hint = QLabel(
            "Point your backend or app at the proxy's address instead of the operator's. Every "
            "request is forwarded byte for byte; envelopes open with the secret stored for "
            "that environment (the keychain or UID2_API_KEY/UID2_SECRET).",
            self,
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Start")
        ok.setObjectName("proxy_start")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Upstream:", self.upstream)
        form.addRow("&Port on 127.0.0.1:", self.port)
        form.addRow(hint)
        form.addRow(buttons)

    def accept(self) -> None:
        """Start: say what was chosen, then close."""
        self.chosen.emit(self.upstream.currentText().strip(), self.port.value())
        super().accept()

"""The one question the desk asks before anything it sends reaches a production operator.

Asked before the desk's own first call on production, before a connection test there, and
before the proxy forwards a client's calls there (Environment ▸ Proxy to …): one dialog,
one title, so the answer means the same everywhere.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

TITLE = "Call a production operator?"


def confirm_production(parent: QWidget | None, situation: str, consequence: str) -> bool:
    """Ask; true when the person chose Yes (Cancel is the default button)."""
    answer = QMessageBox.warning(
        parent,
        TITLE,
        f"{situation}\n\n{consequence}\n\nContinue?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes

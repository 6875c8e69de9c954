"""The *Checks* panel: one line per finding, worst first; a click opens its first entry.

What ``uid2-desk check`` prints for a session, live in the desk: a refresh before
``refresh_from``, a refresh token used again, a generate instead of a refresh, failures by
cause, v1 calls, deprecated endpoints, clock skew. The findings come from
:class:`~uid2_desk.ui.checks.checks_refresh.ChecksRefresher`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from uid2_desk.ui.checks.checks_refresh import summary

if TYPE_CHECKING:
    from uid2_desk.publisher.checks import Finding

_COLOURS = {"FAIL": "#b91c1c", "WARN": "#b45309", "PASS": "#166534"}
_ORDER = {"FAIL": 0, "WARN": 1, "PASS": 2}
_SEQS_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class ChecksPanel(QWidget):
    """The findings list and a one-line summary.

    Signals:
        entry_requested(int): the journal ``seq`` of the clicked finding's first entry.

    Attributes:
        findings: what is shown, worst first.
        list: the list widget.
    """

    entry_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []
        self._summary = QLabel("Checks run as exchanges arrive.", self)
        self._summary.setObjectName("checks_summary")
        self._summary.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("checks_list")
        self.list.setAccessibleName("Integration checks")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._summary)
        layout.addWidget(self.list, 1)
        self.list.itemActivated.connect(self._open)
        self.list.itemClicked.connect(self._open)

    @property
    def summary_text(self) -> str:
        """The summary line."""
        return self._summary.text()

    def show_findings(self, findings: list[Finding], exchanges: int) -> None:
        """Show ``findings`` (from ``exchanges`` exchanges), worst first, in the checks' order."""
        ordered = sorted(findings, key=lambda f: _ORDER[f.severity.value])
        self.findings = ordered
        self._summary.setText(summary(ordered, exchanges))
        self.list.clear()
        for finding in ordered:
            item = QListWidgetItem(finding.line(), self.list)
            item.setForeground(QBrush(QColor(_COLOURS[finding.severity.value])))
            item.setData(_SEQS_ROLE, list(finding.seqs))
            if finding.seqs:
                item.setToolTip(f"Click to open entry #{finding.seqs[0]} in the log")

    def lines(self) -> list[str]:
        """The lines shown, top to bottom."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def click(self, row: int) -> None:
        """Act as a click on line ``row`` (tests, keyboard)."""
        self._open(self.list.item(row))

    def _open(self, item: QListWidgetItem) -> None:
        seqs = item.data(_SEQS_ROLE)
        if seqs:
            self.entry_requested.emit(int(seqs[0]))

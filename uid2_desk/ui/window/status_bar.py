"""The status bar: environment chip, the operator becoming ready, and what is in flight."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from uid2_desk.ui.common.look import Badge, set_colours
from uid2_desk.ui.common.qt_values import set_enum_properties
from uid2_desk.ui.common.theme import STATUS_BAR, environment_swatch
from uid2_desk.ui.window.environment_view import EnvironmentView


class DeskStatusBar(QStatusBar):
    """Environment chip on the left, operator state, then the action in flight.

    A menu or toolbar item's status tip is shown in the operator line's place, never over
    the environment chip: Qt's own ``showMessage`` would hide every widget, the chip too, so
    the bar takes the window's status-tip events itself.

    Attributes:
        operator_text: the operator line as shown (``Starting…``, ``Ready at …``).
        activity_text: the action in flight, or empty.
    """

    def __init__(self, view: EnvironmentView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("desk_status_bar")
        set_colours(self, window=STATUS_BAR, fill=True)
        self._chip = Badge(self, padding=(8, 1))
        self._chip.setObjectName("status_environment_chip")
        self._operator = QLabel(self)
        self._operator.setObjectName("status_operator")
        set_enum_properties(self._operator, textFormat="PlainText")
        self._tip = QLabel(self)
        self._tip.setObjectName("status_tip")
        set_enum_properties(self._tip, textFormat="PlainText")
        self._tip.hide()
        self._activity = QLabel(self)
        self._activity.setObjectName("status_activity")
        # Permanent: showMessage() (Qt's status tips, anyone's) never hides them.
        self.addPermanentWidget(self._chip)
        self.addPermanentWidget(self._operator, 1)
        self.addPermanentWidget(self._tip, 1)
        self.addPermanentWidget(self._activity)
        if parent is not None:
            parent.installEventFilter(self)
        self.set_environment(view)

    @property
    def tip_text(self) -> str:
        """The status tip shown in the operator line's place, or empty."""
        return "" if self._tip.isHidden() else self._tip.text()

    def show_tip(self, tip: str) -> None:
        """Show ``tip`` where the operator line is (empty: the operator line again)."""
        self._tip.setText(tip)
        self._tip.setVisible(bool(tip))
        self._operator.setVisible(not tip)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Take the window's status tips (see the class docstring)."""
        if isinstance(event, QStatusTipEvent):
            self.show_tip(event.tip())
            return True
        return super().eventFilter(watched, event)

    @property
    def chip_text(self) -> str:
        """The environment chip's words."""
        return self._chip.text()

    @property
    def operator_text(self) -> str:
        """The operator line."""
        return self._operator.text()

    @property
    def activity_text(self) -> str:
        """The action in flight."""
        return self._activity.text()

    def set_environment(self, view: EnvironmentView) -> None:
        """Colour the chip for ``view``."""
        swatch = environment_swatch(view.kind)
        self._chip.set_badge(swatch.label, swatch.background, swatch.foreground)
        self._chip.setToolTip(f"{view.title}: {swatch.explanation}")

    def set_operator(self, text: str) -> None:
        """Say how the operator is doing."""
        self._operator.setText(text)
        self._operator.setAccessibleName(f"Operator: {text}")

    def set_activity(self, text: str) -> None:
        """Say what is in flight (empty: nothing)."""
        self._activity.setText(text)

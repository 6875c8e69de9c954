"""The identity panel's clock-skew line: operator minus desk, amber near the limit, red beyond.

The client layer owns the thresholds (45 s warning, 60 s documented limit); this line only
says them in words and colours.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from uid2_desk.ui.common.look import set_colours
from uid2_desk.ui.common.theme import ERROR_TEXT, WARNING_TEXT
from uid2_desk.ui.common.timefmt import format_skew

NOT_MEASURED = "Clock skew to the operator: not measured yet"


class SkewLine(QLabel):
    """A word-wrapped label whose ``level`` property is ``ok``, ``warning`` or ``error``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(NOT_MEASURED, parent)
        self.setObjectName("skew_label")
        self.setWordWrap(True)
        self.setProperty("level", "ok")
        self._plain = self.palette()

    def set_skew(self, skew_ms: int | None, uncertainty_ms: int | None = None) -> None:
        """Show the latest measured clock skew (operator minus desk) ± how far to trust it."""
        if skew_ms is None:
            self.setText(NOT_MEASURED)
            level = "ok"
        else:
            from uid2_desk.client.skew import SkewLevel, assess_skew

            assessment = assess_skew(skew_ms)
            level = {SkewLevel.OK: "ok", SkewLevel.WARNING: "warning"}.get(
                assessment.level, "error"
            )
            text = f"Clock skew to the operator: {format_skew(skew_ms, uncertainty_ms)}"
            if assessment.message:
                text += f" — {assessment.message}"
            self.setText(text)
        self._show_level(level)

    def _show_level(self, level: str) -> None:
        """Amber and bold for a warning, red and bold beyond; plain when fine."""
        if level == self.property("level"):
            return
        self.setProperty("level", level)
        colour = {"warning": WARNING_TEXT, "error": ERROR_TEXT}.get(level)
        self.setPalette(self._plain)
        if colour is not None:
            set_colours(self, text=colour)
        font = self.font()
        font.setBold(colour is not None)
        self.setFont(font)

"""A wrapped label that keeps the room of the longest text it may show: no jumps."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QLabel, QWidget

from uid2_desk.ui.common.qt_values import set_enum_properties


class RoomyLabel(QLabel):
    """A word-wrapped label as tall as the tallest of ``texts`` would be at its width.

    Showing another of those texts (a scenario's summary, say) never changes its height, so
    nothing below it moves; only a change of width does, which the person caused.
    """

    def __init__(self, texts: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts = [t for t in texts if t]
        self.setWordWrap(True)
        set_enum_properties(self, alignment="AlignTop|AlignLeft")

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        """Always: even while empty it keeps its room (QLabel says no for no text)."""
        return bool(self._texts) or super().hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        """The tallest of the texts at ``width`` (and at least what is shown needs)."""
        own = super().heightForWidth(width)
        if not self._texts:
            return own
        from PySide6.QtCore import QRect, Qt

        margins = self.contentsMargins()
        inner = max(1, width - margins.left() - margins.right() - 2 * self.margin())
        metrics = self.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        tallest = max(
            metrics.boundingRect(QRect(0, 0, inner, 1 << 20), flags, text).height()
            for text in self._texts
        )
        return max(own, tallest + margins.top() + margins.bottom() + 2 * self.margin())

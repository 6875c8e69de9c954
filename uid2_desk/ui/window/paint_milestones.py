"""The two paints the desk's start-up is measured by: the frame's first, then the whole window's.

The window paints its frame first and builds its panels afterwards (paint first). This base
class of :class:`~uid2_desk.ui.window.main_window.DeskWindow` notices both moments, records
them for the benchmarks and announces them, and leaves what follows each to the window
(:meth:`PaintMilestones._after_first_paint`, :meth:`PaintMilestones._after_whole_paint`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QMainWindow, QWidget


class PaintMilestones(QMainWindow):
    """A main window that announces its frame's first paint and its whole first paint.

    Signals:
        first_painted(): the window's frame has been painted once.
        completed(): the whole window, panels included, has been painted.

    Attributes:
        is_complete: whether the window has built everything (set by the window).
        first_paint_at, completed_at: ``time.monotonic()`` when the frame, then the whole
            window, first painted (benchmarks).
    """

    first_painted = Signal()
    completed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.is_complete = False
        self.first_paint_at: float | None = None
        self.completed_at: float | None = None
        self._frame_awaited = True  # the first paint, announced by paintEvent()
        self._whole_awaited: QWidget | None = None  # the body whose paint is awaited

    def await_whole_paint(self, body: QWidget) -> None:
        """``body`` was shown again, complete: its next paint is the whole window's.

        Completed before the frame painted, the frame is whole, and nothing is awaited.
        """
        if self._frame_awaited:
            return
        self._whole_awaited = body
        body.installEventFilter(self)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """After the frame's first paint, announce it."""
        super().paintEvent(event)
        if self._frame_awaited:
            self._frame_awaited = False
            # The children paint after this returns; the timer fires once all is on screen.
            QTimer.singleShot(0, self, self._announce_frame)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """After the body's first paint once complete, announce the whole window."""
        body = self._whole_awaited
        if body is not None and watched is body and event.type() == QEvent.Type.Paint:
            self._whole_awaited = None
            body.removeEventFilter(self)
            QTimer.singleShot(0, self, self._announce_whole)
        return False

    def _announce_frame(self) -> None:
        self.first_paint_at = time.monotonic()
        self.first_painted.emit()
        if self.is_complete and self._whole_awaited is None:
            self._announce_whole()  # completed before it painted: the frame was all of it
        # What the first paint did not need, as soon as the loop is idle.
        QTimer.singleShot(0, self, self._after_first_paint)

    def _announce_whole(self) -> None:
        self.completed_at = time.monotonic()
        self.completed.emit()
        QTimer.singleShot(0, self, self._after_whole_paint)

    def _after_first_paint(self) -> None:
        """What the window does once its frame is on screen (nothing here)."""

    def _after_whole_paint(self) -> None:
        """What the window does once it is all on screen (nothing here)."""

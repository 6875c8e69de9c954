"""The live sequence diagram: a view that draws a :class:`Diagram`.

- :class:`~uid2_desk.ui.walkthrough.sequence_feed.SequenceFeed` (re-exported here) lays journal
  entries out, batched on a named timer.
- :class:`SequenceView` is a ``QGraphicsView`` over one item
  (:class:`~uid2_desk.ui.walkthrough.diagram_item.DiagramItem`) that paints the diagram with
  :class:`~uid2_desk.ui.walkthrough.sequence_paint.DiagramPainter`. It scrolls, zooms (buttons,
  Ctrl+wheel, zoom to fit, or fit-width for the kiosk), keeps the lane titles on screen, follows the
  newest row while the user is at the bottom (as the exchange log does), and turns a click
  into ``entry_clicked(seq)`` through the layout's own hit test (:func:`arrow_at`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QHelpEvent, QMouseEvent, QPainter, QResizeEvent, QShowEvent, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from uid2_desk.ui.walkthrough.diagram_item import DiagramItem
from uid2_desk.ui.walkthrough.sequence_feed import DESK_METRICS, RELAYOUT_DELAY_MS, SequenceFeed
from uid2_desk.ui.walkthrough.sequence_paint import DiagramPainter, DiagramStyle, band_rects
from uid2_desk.walkthrough import Diagram, arrow_at, layout, note_at

__all__ = ["DESK_METRICS", "RELAYOUT_DELAY_MS", "SequenceFeed", "SequenceView"]

MIN_ZOOM = 0.1
MAX_ZOOM = 4.0
ZOOM_STEP = 1.25
#: How close to the bottom (pixels) still counts as "at the bottom" for following.
FOLLOW_SLACK_PX = 6


class SequenceView(QGraphicsView):
    """Draws the live sequence diagram; click an arrow to select its exchange.

    Signals:
        entry_clicked(int): the journal entry (``seq``) of the arrow or note clicked.
        following_changed(bool): whether the view follows the newest row.

    Attributes:
        diagram: the diagram shown.
        following: whether new rows scroll into view.
        fit_width: whether the zoom always fits the diagram's width (the kiosk's mode).
        min_fit_zoom: fit-width never scales below this (labels stay legible; the view
            scrolls sideways instead).
    """

    entry_clicked = Signal(int)
    following_changed = Signal(bool)

    def __init__(self, style: DiagramStyle | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sequence_view")
        self.setAccessibleName("Sequence diagram")
        self._painter = DiagramPainter(style)
        self._item = DiagramItem(self._painter)
        self._item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self._scene = QGraphicsScene(self)
        self._scene.addItem(self._item)
        self.setScene(self._scene)
        self.diagram: Diagram = layout(())
        self.following = True
        self.fit_width = False
        self.min_fit_zoom = 0.0
        # The lane titles are painted in the foreground at the viewport's top: a scroll by
        # blitting would smear them, so every update repaints the (culled) viewport.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundBrush(Qt.GlobalColor.white)
        self._connect_signals()
        self.set_diagram(self.diagram)

    def _connect_signals(self) -> None:
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        # Only the user's own scrolling (wheel, keys, dragging the bar) changes following;
        # the view's own re-centring on show or resize must not.
        bar.actionTriggered.connect(self._on_user_scrolled)

    # -- data -----------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        """The current scale factor."""
        return self.transform().m11()

    @property
    def selected_seq(self) -> int | None:
        """The entry highlighted by the selection band."""
        return self._painter.selected

    def set_diagram(self, diagram: Diagram) -> None:
        """Show ``diagram`` (from :attr:`SequenceFeed.diagram_changed`)."""
        self.diagram = diagram
        seqs = [a.seq for a in diagram.arrows] + [n.seq for n in diagram.notes]
        self._painter.newest = max(seqs, default=None)
        self._item.set_diagram(diagram)
        self._scene.setSceneRect(QRectF(0, 0, diagram.width, diagram.height))
        if self.fit_width:
            self._apply_fit_width()
        if self.following:
            self.scroll_to_newest()
        self.viewport().update()

    def select_seq(self, seq: int | None) -> None:
        """Highlight entry ``seq``'s rows (``None`` clears) and bring them into view."""
        self._painter.selected = seq
        bands = band_rects(self.diagram, seq) if seq is not None else []
        if bands:
            top, bottom = bands[0].top(), bands[-1].bottom()
            self.ensureVisible(QRectF(0, top, 10, bottom - top))
        self.viewport().update()

    def selection_bands(self) -> list[QRectF]:
        """The selection band's rectangles (scene coordinates): one per row of the entry."""
        seq = self._painter.selected
        return [] if seq is None else band_rects(self.diagram, seq)

    def entry_at(self, scene_x: float, scene_y: float) -> int | None:
        """The entry drawn at a scene point (arrow or note), if any."""
        arrow = arrow_at(self.diagram, scene_x, scene_y)
        if arrow is not None:
            return arrow.seq
        note = note_at(self.diagram, scene_x, scene_y)
        return None if note is None else note.seq

    # -- zoom and follow ------------------------------------------------------------------

    def set_zoom(self, factor: float) -> None:
        """Scale to ``factor`` (clamped); manual zoom leaves fit-width mode."""
        factor = min(max(factor, MIN_ZOOM), MAX_ZOOM)
        self.resetTransform()
        self.scale(factor, factor)
        self.viewport().update()

    def zoom_in(self) -> None:
        """One step larger."""
        self.fit_width = False
        self.set_zoom(self.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        """One step smaller."""
        self.fit_width = False
        self.set_zoom(self.zoom / ZOOM_STEP)

    def zoom_to_fit(self) -> None:
        """Scale so the whole diagram is visible (within the zoom limits)."""
        self.fit_width = False
        view = self.viewport().rect()
        d = self.diagram
        factor = min(view.width() / max(d.width, 1.0), view.height() / max(d.height, 1.0))
        self.set_zoom(factor)

    def set_fit_width(self, on: bool, *, scroll_bars: bool = True) -> None:
        """Keep the diagram exactly as wide as the view, or stop doing so.

        While fitting, the vertical scroll bar is always shown (or, without ``scroll_bars``,
        as on the kiosk, never): a bar that came and went with the diagram's height would
        change the width to fit, hence the height, hence the bar, for ever.
        """
        self.fit_width = on
        always = Qt.ScrollBarPolicy.ScrollBarAlwaysOn
        never = Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        as_needed = Qt.ScrollBarPolicy.ScrollBarAsNeeded
        if on:
            self.setVerticalScrollBarPolicy(always if scroll_bars else never)
            sideways = scroll_bars and self.min_fit_zoom > 0
            self.setHorizontalScrollBarPolicy(as_needed if sideways else never)
            self._apply_fit_width()
        else:
            self.setVerticalScrollBarPolicy(as_needed)
            self.setHorizontalScrollBarPolicy(as_needed)

    def set_following(self, on: bool) -> None:
        """Follow the newest row (scrolling there now) or stop following."""
        if on != self.following:
            self.following = on
            self.following_changed.emit(on)
        if on:
            self.scroll_to_newest()

    def scroll_to_newest(self) -> None:
        """Scroll to the bottom of the diagram."""
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _apply_fit_width(self) -> None:
        width = self.viewport().width()
        if width > 0:
            factor = max(width / max(self.diagram.width, 1.0), self.min_fit_zoom)
            if abs(factor - self.zoom) > 1e-4:
                self.set_zoom(factor)

    def _on_range_changed(self, _minimum: int, _maximum: int) -> None:
        if self.following:
            self.scroll_to_newest()

    def _on_user_scrolled(self, _action: int) -> None:
        # Emitted before the value moves; sliderPosition already holds where it goes.
        bar = self.verticalScrollBar()
        at_bottom = bar.sliderPosition() >= bar.maximum() - FOLLOW_SLACK_PX
        if at_bottom != self.following:
            self.following = at_bottom
            self.following_changed.emit(at_bottom)

    # -- Qt overrides ---------------------------------------------------------------------

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:  # noqa: N802
        """Keep the lane titles at the top of the viewport while the rows scroll."""
        top = self.mapToScene(0, 0).y()
        self._painter.paint_header(painter, self.diagram, max(top, 0.0))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """A click on an arrow or a note selects its entry."""
        if event.button() == Qt.MouseButton.LeftButton:
            point = self.mapToScene(event.position().toPoint())
            seq = self.entry_at(point.x(), point.y())
            if seq is not None:
                self.select_seq(seq)
                self.entry_clicked.emit(seq)
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        """Ctrl+wheel zooms; the plain wheel scrolls."""
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            else:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Fit-width mode rescales with the window; a following view stays at the bottom."""
        super().resizeEvent(event)
        if self.fit_width:
            self._apply_fit_width()
        if self.following:
            self.scroll_to_newest()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Showing re-centres the scene; a following view goes back to the newest row."""
        super().showEvent(event)
        if self.following:
            self.scroll_to_newest()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Take left presses (the scene has no interactive items), so the release is ours."""
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        """Tooltips: the step's plain-words caption, or a note's lines in full."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            point: QPointF = self.mapToScene(event.pos())
            text = self._tooltip_at(point.x(), point.y())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def _tooltip_at(self, x: float, y: float) -> str | None:
        arrow = arrow_at(self.diagram, x, y)
        if arrow is not None:
            return f"{arrow.label}\n\n{arrow.caption}" if arrow.caption else arrow.label
        note = note_at(self.diagram, x, y)
        return None if note is None else "\n".join(note.lines)

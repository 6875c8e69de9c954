"""The one scene item of the sequence view: it paints the exposed part of the diagram."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from uid2_desk.ui.walkthrough.sequence_paint import DiagramPainter
from uid2_desk.walkthrough import Diagram


class DiagramItem(QGraphicsItem):
    """The one scene item: paints the exposed part of the diagram."""

    def __init__(self, painter: DiagramPainter) -> None:
        super().__init__()
        self.diagram: Diagram | None = None
        self.painter = painter

    def set_diagram(self, diagram: Diagram) -> None:
        """Paint ``diagram`` from now on (its size may differ from the last one's)."""
        self.prepareGeometryChange()
        self.diagram = diagram
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        """The whole diagram, from the origin."""
        d = self.diagram
        return QRectF(0, 0, d.width, d.height) if d is not None else QRectF()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        """Paint only the exposed part: a long session's diagram is tall."""
        if self.diagram is not None:
            self.painter.paint_body(painter, self.diagram, option.exposedRect)

"""Paints a laid-out sequence diagram with a QPainter: the view's only drawing code.

Everything positional comes from :class:`~uid2_desk.walkthrough.layout.Diagram` (computed in
the core); this module only turns rows into pixels, colours and text. It paints the rows that
intersect the exposed rectangle, found by bisection on ``y``, so a diagram of thousands of
arrows costs what the visible few dozen cost.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen, QPolygonF

from uid2_desk.walkthrough.client_lanes import ClientLane
from uid2_desk.walkthrough.diagram import NOTE_LINE_JOIN
from uid2_desk.walkthrough.layout import Arrow, ArrowKind, Diagram, Note

#: Arrow and label colours by outcome; anything else (requests, plain events) is neutral.
OUTCOME_COLOURS: dict[str, str] = {
    "success": "#15803d",
    "optout": "#7e22ce",
    "error": "#b91c1c",
}
NEUTRAL_COLOUR = "#1e3a8a"
LIFELINE_COLOUR = "#94a3b8"
HEADER_FILL = "#e2e8f0"
#: An outside client's lane title: set apart from the guide's participants.
CLIENT_HEADER_FILL = "#fef3c7"
HEADER_TEXT = "#0f172a"
NOTE_FILL = "#fef9c3"
NOTE_BORDER = "#ca8a04"
SELECTION_FILL = "#bfdbfe"
NEWEST_FILL = "#f1f5f9"


@dataclass(frozen=True)
class DiagramStyle:
    """Type sizes and pens; the kiosk uses a larger one than the window.

    Attributes:
        font_px: label text height in pixels (at zoom 1).
        header_font_px: lane title height in pixels.
        pen_px: arrow line width.
        head_px: arrow head length.
    """

    font_px: int = 12
    header_font_px: int = 13
    pen_px: float = 1.6
    head_px: float = 9.0


def arrow_colour(arrow: Arrow) -> str:
    """The colour an arrow is drawn in: its outcome's, except for requests (neutral).

    A request has not been answered when it leaves, so only the reply (and an event that
    states an outcome) carries the success/optout/error colour.
    """
    if arrow.kind is ArrowKind.REQUEST:
        return NEUTRAL_COLOUR
    return OUTCOME_COLOURS.get(arrow.outcome or "", NEUTRAL_COLOUR)


def _font(px: int, *, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def visible_rows(diagram: Diagram, top: float, bottom: float) -> tuple[list[Arrow], list[Note]]:
    """The arrows and notes whose rows intersect ``top``..``bottom`` (scene y)."""
    half = diagram.metrics.row_height / 2
    a0 = bisect.bisect_left(diagram.arrows, top - half, key=lambda a: a.y)
    a1 = bisect.bisect_right(diagram.arrows, bottom + half, key=lambda a: a.y)
    n0 = bisect.bisect_left(diagram.notes, top - half, key=lambda n: n.y)
    n1 = bisect.bisect_right(diagram.notes, bottom + half, key=lambda n: n.y)
    return list(diagram.arrows[a0:a1]), list(diagram.notes[n0:n1])


class DiagramPainter:
    """Draws a diagram's lifelines, rows and lane headers.

    Attributes:
        style: type sizes and pens.
        selected: the journal entry highlighted by a selection band, if any.
        newest: the latest entry, drawn bold on a faint band so the eye finds it.
    """

    def __init__(self, style: DiagramStyle | None = None) -> None:
        self.style = style or DiagramStyle()
        self.selected: int | None = None
        self.newest: int | None = None
        self._label_font = _font(self.style.font_px)
        self._bold_font = _font(self.style.font_px, bold=True)
        self._header_font = _font(self.style.header_font_px, bold=True)

    def paint_body(self, painter: QPainter, diagram: Diagram, exposed: QRectF) -> None:
        """Paint lifelines and every row intersecting ``exposed`` (scene coordinates)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        m = diagram.metrics
        arrows, notes = visible_rows(diagram, exposed.top(), exposed.bottom())
        for seq, fill in ((self.newest, NEWEST_FILL), (self.selected, SELECTION_FILL)):
            if seq is not None:
                self._band(painter, diagram, seq, fill)
        pen = QPen(QColor(LIFELINE_COLOUR), 1.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        bottom = max(diagram.height - m.footer_height / 2, m.header_height)
        for lane in diagram.lanes:
            painter.drawLine(QPointF(lane.x, m.header_height), QPointF(lane.x, bottom))
        for arrow in arrows:
            self._arrow(painter, diagram, arrow)
        for note in notes:
            self._note(painter, diagram, note)

    def paint_header(self, painter: QPainter, diagram: Diagram, top: float) -> None:
        """Paint the lane titles in a band starting at scene ``top`` (kept on screen)."""
        m = diagram.metrics
        band = QRectF(0, top, max(diagram.width, 1.0), m.header_height - 8)
        painter.fillRect(band, QColor("#ffffff"))
        painter.setFont(self._header_font)
        box_w = m.lane_spacing - 16
        for lane in diagram.lanes:
            box = QRectF(lane.x - box_w / 2, top + 8, box_w, m.header_height - 20)
            painter.setPen(QPen(QColor(LIFELINE_COLOUR), 1.0))
            outside = isinstance(lane.lane, ClientLane)
            painter.setBrush(QBrush(QColor(CLIENT_HEADER_FILL if outside else HEADER_FILL)))
            painter.drawRoundedRect(box, 6, 6)
            painter.setPen(QColor(HEADER_TEXT))
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(box, int(flags), lane.title)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _band(self, painter: QPainter, diagram: Diagram, seq: int, fill: str) -> None:
        for rect in band_rects(diagram, seq):
            painter.fillRect(rect, QColor(fill))

    def _arrow(self, painter: QPainter, diagram: Diagram, arrow: Arrow) -> None:
        colour = QColor(arrow_colour(arrow))
        emphasis = arrow.seq == self.newest
        width = self.style.pen_px * (1.8 if emphasis else 1.0)
        style = Qt.PenStyle.DashLine if arrow.kind is ArrowKind.REPLY else Qt.PenStyle.SolidLine
        pen = QPen(colour, width, style)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        half_row = diagram.metrics.row_height / 2
        line_y = arrow.y + half_row * 0.45
        head = self.style.head_px
        if arrow.x1 == arrow.x2:  # a self-message: a small loop to the right
            loop = QRectF(arrow.x1, line_y - half_row * 0.5, head * 3, half_row * 0.5)
            painter.drawRect(loop)
            label_rect = QRectF(arrow.x1 + head * 3.5, arrow.y - half_row, 400, half_row * 2)
            self._label(painter, arrow, label_rect, Qt.AlignmentFlag.AlignLeft, emphasis)
            return
        direction = 1.0 if arrow.x2 > arrow.x1 else -1.0
        tip = QPointF(arrow.x2, line_y)
        painter.drawLine(QPointF(arrow.x1, line_y), QPointF(arrow.x2 - direction * head, line_y))
        painter.setPen(QPen(colour, 1.0))
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(
            QPolygonF(
                [
                    tip,
                    QPointF(arrow.x2 - direction * head, line_y - head * 0.45),
                    QPointF(arrow.x2 - direction * head, line_y + head * 0.45),
                ]
            )
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        label_rect = QRectF(arrow.left + 4, arrow.y - half_row, arrow.right - arrow.left - 8, 0)
        label_rect.setBottom(line_y - 2)
        self._label(painter, arrow, label_rect, Qt.AlignmentFlag.AlignHCenter, emphasis)

    def _label(
        self,
        painter: QPainter,
        arrow: Arrow,
        rect: QRectF,
        align: Qt.AlignmentFlag,
        emphasis: bool,
    ) -> None:
        font = self._bold_font if emphasis else self._label_font
        painter.setFont(font)
        text = QFontMetricsF(font).elidedText(
            arrow.label, Qt.TextElideMode.ElideRight, max(rect.width(), 10.0)
        )
        painter.setPen(QColor(arrow_colour(arrow)))
        painter.drawText(rect, align | Qt.AlignmentFlag.AlignBottom, text)

    def note_lines(self, diagram: Diagram, note: Note) -> list[str]:
        """The lines painted in ``note``'s box: its own lines, each elided to the box's width.

        When two lines do not fit the row's height (a very small row), they are joined on
        one line, elided, rather than clipped.
        """
        inner = _note_inner(diagram, note)
        metrics = QFontMetricsF(self._label_font)
        lines = list(note.lines) or [""]
        if len(lines) > 1 and metrics.lineSpacing() * len(lines) > inner.height():
            lines = [NOTE_LINE_JOIN.join(lines)]
        width = max(inner.width(), 10.0)
        return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]

    def _note(self, painter: QPainter, diagram: Diagram, note: Note) -> None:
        inner = _note_inner(diagram, note)
        box = inner.adjusted(-8, -1, 8, 1)
        painter.setPen(QPen(QColor(NOTE_BORDER), 1.0))
        painter.setBrush(QBrush(QColor(NOTE_FILL)))
        painter.drawRoundedRect(box, 4, 4)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setFont(self._label_font)
        painter.setPen(QColor(HEADER_TEXT))
        painter.drawText(
            inner,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            "\n".join(self.note_lines(diagram, note)),
        )


def _note_inner(diagram: Diagram, note: Note) -> QRectF:
    """The text area of a note's box (the box less its padding)."""
    h = diagram.metrics.row_height - 6
    box = QRectF(note.x - note.width / 2, note.y - h / 2, note.width, h)
    return box.adjusted(8, 1, -8, -1)


def band_rects(diagram: Diagram, seq: int) -> list[QRectF]:
    """The highlight band of entry ``seq``: one full-width rectangle per row it draws.

    One per row, not one from its first row to its last: a bid's rows (2-a, then 2-b, 2-c)
    have the buyer's key fetch, another entry, drawn between them.
    """
    half = diagram.metrics.row_height / 2
    note = diagram.note_for(seq)
    rows = [a.y for a in diagram.arrows_for(seq)] + ([note.y] if note is not None else [])
    return [QRectF(0, y - half, diagram.width, 2 * half) for y in sorted(rows)]

"""The kiosk screen's sizes: the diagram's metrics and style for three metres, and its panels."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from uid2_desk.ui.walkthrough.sequence_paint import DiagramStyle
from uid2_desk.walkthrough import LayoutMetrics

#: The diagram's sizes on the kiosk: wide lanes and tall rows for 20-pixel labels.
KIOSK_METRICS = LayoutMetrics(
    margin=20.0,
    lane_spacing=330.0,
    header_height=84.0,
    row_height=58.0,
    footer_height=30.0,
    note_width=600.0,
    hit_tolerance=12.0,
    max_note_chars=160,
)
KIOSK_DIAGRAM_STYLE = DiagramStyle(font_px=21, header_font_px=22, pen_px=3.0, head_px=16.0)


def kiosk_panel(title: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    """A framed panel of the kiosk screen, with its ``title`` on top unless it is empty."""
    frame = QFrame(parent)
    frame.setObjectName("kiosk_panel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(18, 12, 18, 12)
    if title:
        heading = QLabel(title, frame)
        heading.setObjectName("kiosk_panel_title")
        layout.addWidget(heading)
    return frame, layout

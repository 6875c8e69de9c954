"""The kiosk screen's sizes: the diagram's metrics and style for three metres, and its panels."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

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
KIOSK_DIAGRAM_STYLE = DiagramStyle(font_px=21, header_font_px=19, pen_px=3.0, head_px=16.0)
#: The screen the kiosk's sizes are drawn for; other screens scale them.
DESIGN_SIZE = (1920, 1080)
#: The smallest and largest scale: 1280×720 is 2/3, a 4K screen twice the design.
MIN_SCALE, MAX_SCALE = 0.6, 2.0
_PIXELS = re.compile(r"(\d+)px")


def kiosk_scale(width: int, height: int) -> float:
    """How much larger (or smaller) than the design the screen is, the tighter side deciding."""
    scale = min(width / DESIGN_SIZE[0], height / DESIGN_SIZE[1])
    return max(MIN_SCALE, min(MAX_SCALE, scale))


def scaled_style_sheet(text: str, scale: float) -> str:
    """The kiosk's style sheet with every pixel size scaled (hairlines stay one pixel)."""

    def scaled(match: re.Match[str]) -> str:
        value = int(match.group(1))
        return f"{value if value <= 1 else max(1, round(value * scale))}px"

    return _PIXELS.sub(scaled, text)


def scale_grid(grid: QGridLayout, scale: float) -> None:
    """The screen grid's margins (24, 16, 24, 12) and spacing (20 by 12) at ``scale``."""
    left, top, right, bottom, across, down = (round(v * scale) for v in (24, 16, 24, 12, 20, 12))
    grid.setContentsMargins(left, top, right, bottom)
    grid.setHorizontalSpacing(across)
    grid.setVerticalSpacing(down)


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

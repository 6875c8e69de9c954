"""The earlier-session window's parts: the amber band that names it, and its log table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from uid2_desk.ui.common.look import set_colours, style_header
from uid2_desk.ui.common.theme import ROW_SELECTION, TEXT, WINDOW
from uid2_desk.ui.common.timefmt import format_timestamp
from uid2_desk.ui.log.log_panel import size_columns

if TYPE_CHECKING:
    from uid2_desk.journal.sessions import SessionInfo
    from uid2_desk.ui.earlier.paged_model import PagedLogModel

#: The band's colours: amber, unlike any environment's (green, blue, red) or the banners'.
BAND_BACKGROUND = "#fef3c7"
BAND_TEXT = "#78350f"
BAND_BORDER = "#d97706"
_ROW_HEIGHT = 22


def band_text(info: SessionInfo) -> str:
    """``EARLIER SESSION (read-only) · <id> · started … · produced by … · N exchanges``."""
    return (
        f"EARLIER SESSION (read-only) · {info.session} · started "
        f"{format_timestamp(info.started_ms)} · produced by {info.producer} · "
        f"{info.exchanges:,} exchanges, {info.entries:,} entries"
    )


class EarlierBand(QWidget):
    """The amber band across the top of an earlier session's window.

    Attributes:
        label: what it says (:func:`band_text`).
        back: *Back to the live session*.
    """

    def __init__(self, info: SessionInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("earlier_band")
        # A plain QWidget paints its style sheet's background only when asked to.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            f"QWidget#earlier_band{{background:{BAND_BACKGROUND};"
            f"border-bottom:2px solid {BAND_BORDER}}}"
            f"QLabel#earlier_band_text{{color:{BAND_TEXT};font-weight:bold}}"
        )
        self.label = QLabel(band_text(info), self)
        self.label.setObjectName("earlier_band_text")
        self.label.setWordWrap(True)
        self.back = QPushButton("Back to the live session", self)
        self.back.setObjectName("earlier_back")
        self.back.setAccessibleName("Close this earlier session and return to the live desk")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.back)


def log_table(model: PagedLogModel, parent: QWidget) -> QTableView:
    """The read-only log's table, laid out as the live log's."""
    table = QTableView(parent)
    table.setObjectName("earlier_log_table")
    table.setAccessibleName("Earlier session's exchange log")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setShowGrid(False)
    set_colours(table, Highlight=ROW_SELECTION, HighlightedText=TEXT, AlternateBase=WINDOW)
    table.verticalHeader().hide()
    # Fixed row heights: a 100,000-row table never measures its rows (nor asks their pages).
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(_ROW_HEIGHT)
    header = table.horizontalHeader()
    style_header(header)
    size_columns(table)
    return table

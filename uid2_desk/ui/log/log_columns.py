"""The exchange log's columns: their order, titles and cell text (no Qt)."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

from uid2_desk.ui.common.timefmt import format_clock

if TYPE_CHECKING:
    from uid2_desk.ui.log.log_rows import LogRow


class LogColumn(IntEnum):
    """The log's columns, in display order."""

    TIME = 0
    CLIENT = 1
    USER = 2
    STEP = 3
    ENDPOINT = 4
    STATUS = 5
    HTTP = 6
    LATENCY = 7

    @property
    def title(self) -> str:
        """The column header."""
        return _TITLES[self]


_TITLES = {
    LogColumn.TIME: "Time",
    LogColumn.CLIENT: "Client",
    LogColumn.USER: "User",
    LogColumn.STEP: "Step",
    LogColumn.ENDPOINT: "Endpoint / event",
    LogColumn.STATUS: "Status",
    LogColumn.HTTP: "HTTP",
    LogColumn.LATENCY: "Latency",
}


def display_text(row: LogRow, column: LogColumn) -> str:
    """What a cell of ``column`` shows for ``row``."""
    if column is LogColumn.TIME:
        return format_clock(row.at_ms)
    if column is LogColumn.CLIENT:
        return row.client
    if column is LogColumn.USER:
        return row.user
    if column is LogColumn.STEP:
        return row.step
    if column is LogColumn.ENDPOINT:
        shown = row.endpoint if row.is_exchange else f"· {row.endpoint}"
        # A row the desk made on its own says why, where the eye reads what it was.
        return f"{shown} — {row.why}" if row.why else shown
    if column is LogColumn.STATUS:
        return row.status
    if column is LogColumn.HTTP:
        return row.http
    return "" if row.latency_ms is None else f"{row.latency_ms:.0f} ms"

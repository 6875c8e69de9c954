"""The refresh chain of the selected user: one row per generate or refresh."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject

from uid2_desk.protocol.screen_mask import SCREEN_MASK
from uid2_desk.ui.common.qt_values import DISPLAY_ROLE, TOOLTIP_ROLE, USER_ROLE
from uid2_desk.ui.common.timefmt import format_clock

if TYPE_CHECKING:
    from PySide6.QtCore import QPersistentModelIndex

    ModelIndex = QModelIndex | QPersistentModelIndex
    from PySide6.QtCore import Qt

    from uid2_desk.publisher.model import ChainLink


#: Returns the row's journal seq (int).
SEQ_ROLE = USER_ROLE + 1


class ChainColumn(IntEnum):
    """The chain table's columns."""

    TIME = 0
    ACTION = 1
    OUTCOME = 2
    TOKEN = 3


_TITLES = ("Time", "Action", "Outcome", "Advertising token")


class ChainModel(QAbstractTableModel):
    """The frozen ``ChainLink`` rows of one user's identity chain, oldest first.

    A chain only grows while a user is shown, so new links are inserted; showing another
    user replaces the rows (a reset, which is what changing the subject means).

    Attributes:
        masked: whether tokens are hidden.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._links: tuple[ChainLink, ...] = ()
        self._owner: str | None = None
        self.masked = False

    def set_chain(self, owner: str | None, links: tuple[ChainLink, ...]) -> None:
        """Show ``links`` of user ``owner``; appended links are inserted, not reset."""
        extends = owner == self._owner and links[: len(self._links)] == self._links
        if extends and len(links) > len(self._links):
            first = len(self._links)
            self.beginInsertRows(QModelIndex(), first, len(links) - 1)
            self._links = links
            self.endInsertRows()
        elif not extends:
            self.beginResetModel()
            self._owner = owner
            self._links = links
            self.endResetModel()

    def set_masked(self, masked: bool) -> None:
        """Hide or show the token column."""
        self.masked = masked
        if self._links:
            top = self.index(0, ChainColumn.TOKEN)
            bottom = self.index(len(self._links) - 1, ChainColumn.TOKEN)
            self.dataChanged.emit(top, bottom)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """One row per link."""
        return 0 if parent.isValid() else len(self._links)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """One column per :class:`ChainColumn`."""
        return 0 if parent.isValid() else len(ChainColumn)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = DISPLAY_ROLE,
    ) -> Any:
        """Column titles."""
        from PySide6.QtCore import Qt

        if (
            orientation == Qt.Orientation.Horizontal
            and role == DISPLAY_ROLE
            and 0 <= section < len(_TITLES)
        ):
            return _TITLES[section]
        return None

    def data(self, index: ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Cell text; the journal seq under :data:`SEQ_ROLE`."""
        if not index.isValid() or not 0 <= index.row() < len(self._links):
            return None
        link = self._links[index.row()]
        if role == SEQ_ROLE:
            return link.journal_seq
        if role not in (DISPLAY_ROLE, TOOLTIP_ROLE):
            return None
        column = ChainColumn(index.column())
        if column is ChainColumn.TIME:
            return format_clock(link.at_ms)
        if column is ChainColumn.ACTION:
            return link.action
        if column is ChainColumn.OUTCOME:
            return link.outcome
        if link.advertising_token is None:
            return "—"
        if self.masked:
            return SCREEN_MASK
        token = link.advertising_token
        return token if role == TOOLTIP_ROLE else f"{token[:12]}…{token[-6:]}"

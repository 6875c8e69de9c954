"""The test users: several at once, each with its state badge; selecting one shows it.

The model holds the publisher's frozen ``UserSnapshot`` rows as they come from the bridge:
a new user is inserted, a changed one is replaced in place (``dataChanged``), a removed one
is removed; never a reset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QRect,
    QSize,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from uid2_desk.ui.common.look import set_colours
from uid2_desk.ui.common.qt_values import (
    ACCESSIBLE_TEXT_ROLE,
    DISPLAY_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)
from uid2_desk.ui.common.theme import (
    BROWSER_HELD,
    BROWSER_HELD_LABEL,
    BROWSER_HELD_TEXT,
    ROW_SELECTION,
    TEXT,
    state_swatch,
)

#: The mode badge's outline and text colour (slate, readable on white and on the selection).
MODE_BADGE = "#475569"

if TYPE_CHECKING:
    from PySide6.QtCore import QItemSelection, QPersistentModelIndex

    ModelIndex = QModelIndex | QPersistentModelIndex
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyleOptionViewItem

    from uid2_desk.publisher.model import UserSnapshot


#: Returns the row's ``UserSnapshot``.
SNAPSHOT_ROLE = USER_ROLE + 1
#: Returns the row's state value (``established``...).
STATE_ROLE = USER_ROLE + 2
#: Returns the user's id.
USER_ID_ROLE = USER_ROLE + 3
#: Returns the mode badge's text: who signed the user in (``Server-side``, ``Client-side (SDK)``),
#: or who holds the identity now (``Held by the browser``).
MODE_ROLE = USER_ROLE + 4
#: Returns whether a web page's client holds the identity (the mode badge is filled then).
HELD_ROLE = USER_ROLE + 5


class UsersModel(QAbstractListModel):
    """One row per test user, in the order they were added.

    Signals: the standard model signals only.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[UserSnapshot] = []

    def upsert(self, snapshot: UserSnapshot) -> int:
        """Insert a new user or replace a known one; return its row."""
        row = self.row_of(snapshot.user.id)
        if row is None:
            row = len(self._rows)
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.append(snapshot)
            self.endInsertRows()
        else:
            self._rows[row] = snapshot
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)
        return row

    def remove(self, user_id: str) -> None:
        """Remove a user (nothing happens for an unknown id)."""
        row = self.row_of(user_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()

    def row_of(self, user_id: str) -> int | None:
        """The row of ``user_id``, if present."""
        return next((i for i, s in enumerate(self._rows) if s.user.id == user_id), None)

    def snapshot(self, user_id: str) -> UserSnapshot | None:
        """The latest snapshot of ``user_id``, if present."""
        row = self.row_of(user_id)
        return None if row is None else self._rows[row]

    def snapshots(self) -> list[UserSnapshot]:
        """Every row, in order."""
        return list(self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """How many users (a flat list: none under a valid parent)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = DISPLAY_ROLE) -> Any:
        """Label, badge state, tooltip and the snapshot itself."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        snapshot = self._rows[index.row()]
        swatch = state_swatch(snapshot.state)
        if role == DISPLAY_ROLE:
            return snapshot.user.label
        if role == TOOLTIP_ROLE:
            mode = mode_sentence(snapshot)
            return f"{snapshot.user.label}: {swatch.label}. {swatch.explanation} {mode}"
        if role == ACCESSIBLE_TEXT_ROLE:
            return f"{snapshot.user.label}, {swatch.label}"
        if role == SNAPSHOT_ROLE:
            return snapshot
        if role == STATE_ROLE:
            return str(snapshot.state)
        if role == USER_ID_ROLE:
            return snapshot.user.id
        if role == MODE_ROLE:
            return BROWSER_HELD_LABEL if snapshot.browser_held else snapshot.user.mode.badge
        if role == HELD_ROLE:
            return snapshot.browser_held
        return None


def mode_sentence(snapshot: UserSnapshot) -> str:
    """Who made the user's identity (and who holds it), for the tooltip."""
    user = snapshot.user
    if snapshot.browser_held:
        return "Held by the browser: a web page's UID2 client refreshes it; the desk follows."
    if user.mode.value == "client":
        return f"Signed in client-side by the app's UID2 SDK as {user.device} (CSTG)."
    return "Signed in server-side by the publisher's server."


class BadgeDelegate(QStyledItemDelegate):
    """Paints each user as its label with a coloured state badge on the right."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        """Label (elided) on the left, badge on the right."""
        # Imported on the first row painted: QStyle's and Qt's enums take ~50 ms to create,
        # and the list is empty when the window starts.
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QColor, QFontMetrics, QPainter
        from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

        state = index.data(STATE_ROLE)
        swatch = state_swatch(state if isinstance(state, str) else "")
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        metrics = QFontMetrics(opt.font)
        badge_width = metrics.horizontalAdvance(swatch.label) + 16
        rect = opt.rect
        badge = QRect(
            rect.right() - badge_width - 6, rect.top() + 4, badge_width, rect.height() - 8
        )
        mode = str(index.data(MODE_ROLE) or "")
        mode_width = metrics.horizontalAdvance(mode) + 12 if mode else 0
        mode_badge = QRect(
            badge.left() - mode_width - 4, rect.top() + 4, mode_width, rect.height() - 8
        )
        text_rect = QRect(
            rect.left() + 8, rect.top(), mode_badge.left() - rect.left() - 14, rect.height()
        )
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        label = metrics.elidedText(
            str(index.data()), Qt.TextElideMode.ElideMiddle, text_rect.width()
        )
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.setPen(opt.palette.highlightedText().color() if selected else QColor("#0f172a"))
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), label
        )
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if index.data(HELD_ROLE):  # a web page holds the identity: filled, as loud as a state
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(BROWSER_HELD))
            painter.drawRoundedRect(mode_badge, 4, 4)
            painter.setPen(QColor(BROWSER_HELD_TEXT))
            painter.drawText(mode_badge, int(Qt.AlignmentFlag.AlignCenter), mode)
        elif mode:  # who made the identity: an outlined badge, quieter than the state's
            painter.setPen(QColor(MODE_BADGE))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(mode_badge, 4, 4)
            painter.drawText(mode_badge, int(Qt.AlignmentFlag.AlignCenter), mode)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(swatch.background))
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(QColor(swatch.foreground))
        bold = opt.font
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), swatch.label)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        """Rows tall enough for the badge."""
        from PySide6.QtGui import QFontMetrics

        base = super().sizeHint(option, index)
        return QSize(base.width(), max(base.height(), QFontMetrics(option.font).height() + 12))


#: Users the list shows without scrolling, at the smallest window.
MIN_ROWS = 5


class UsersPanel(QWidget):
    """The list of test users.

    Signals:
        user_selected(object): the selected user's id (str), or ``None``.

    Attributes:
        model: the users model.
        view: the list view.
    """

    user_selected = Signal(object)

    def __init__(self, model: UsersModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = QListView(self)
        self.view.setObjectName("users_list")
        set_colours(self.view, Highlight=ROW_SELECTION, HighlightedText=TEXT)
        self.view.setAccessibleName("Test users")
        self.view.setModel(model)
        self.view.setItemDelegate(BadgeDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setUniformItemSizes(True)
        # Room for at least MIN_ROWS users (rows are the badge delegate's height).
        row = self.view.fontMetrics().height() + 12
        self.view.setMinimumHeight(row * MIN_ROWS + 2 * self.view.frameWidth() + 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)

    def selected_user_id(self) -> str | None:
        """The selected user's id, if any."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(USER_ID_ROLE)
        return value if isinstance(value, str) else None

    def select_user(self, user_id: str) -> None:
        """Select ``user_id`` (when present)."""
        row = self.model.row_of(user_id)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.user_selected.emit(self.selected_user_id())

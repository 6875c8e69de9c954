"""The scenario player's list of steps: one row per step, its mark turning green or red.

Rows are frozen :class:`StepRow` values derived from the scenario and the player's results
(pure :func:`step_rows`); the model only shows them. A new result changes one row in place
(``dataChanged``); only choosing another scenario resets the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from uid2_desk.publisher.scenario.model import Scenario
from uid2_desk.publisher.scenario.results import StepResult

ModelIndex = QModelIndex | QPersistentModelIndex


class RowState(StrEnum):
    """Where a step stands."""

    PENDING = "pending"
    RUNNING = "running"
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


#: (mark, text colour) per state: green for held expectations, red for failed ones.
ROW_LOOKS: dict[RowState, tuple[str, str]] = {
    RowState.PENDING: ("·", "#64748b"),
    RowState.RUNNING: ("▶", "#1d4ed8"),
    RowState.PASSED: ("✓", "#15803d"),
    RowState.FAILED: ("✗", "#b91c1c"),
    RowState.SKIPPED: ("–", "#64748b"),
}


class StepColumn(IntEnum):
    """The columns of the step list."""

    MARK = 0
    STEP = 1
    OUTCOME = 2


_TITLES = {StepColumn.MARK: "", StepColumn.STEP: "Step", StepColumn.OUTCOME: "Outcome"}


@dataclass(frozen=True)
class StepRow:
    """One step as listed.

    Attributes:
        index: position in the scenario, from 0.
        step_id: the scenario's id for it.
        title: the caption's one-line title.
        state: pending, running, passed, failed or skipped.
        outcome: what happened, in a few words (empty until played).
        reason: why it failed or was skipped.
    """

    index: int
    step_id: str
    title: str
    state: RowState
    outcome: str = ""
    reason: str | None = None

    @property
    def mark(self) -> str:
        """✓, ✗, ▶, – or ·."""
        return ROW_LOOKS[self.state][0]

    @property
    def colour(self) -> str:
        """The row's text colour."""
        return ROW_LOOKS[self.state][1]


def step_rows(
    scenario: Scenario, results: Sequence[StepResult], running: int | None = None
) -> list[StepRow]:
    """The rows for ``scenario`` after ``results``, with step ``running`` in progress."""
    rows = []
    for index, step in enumerate(scenario.steps):
        if index < len(results):
            result = results[index]
            state = RowState(result.status.value)
            rows.append(
                StepRow(index, step.id, step.caption.title, state, result.outcome, result.reason)
            )
        else:
            state = RowState.RUNNING if index == running else RowState.PENDING
            rows.append(StepRow(index, step.id, step.caption.title, state))
    return rows


class PlayerStepsModel(QAbstractTableModel):
    """The steps of the scenario being played.

    Attributes:
        rows: the rows shown.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[StepRow] = []

    def set_rows(self, rows: list[StepRow]) -> None:
        """Show ``rows``: in place when only states changed, else a reset (new scenario)."""
        same_steps = [r.step_id for r in rows] == [r.step_id for r in self.rows]
        if not same_steps:
            self.beginResetModel()
            self.rows = list(rows)
            self.endResetModel()
            return
        changed = [
            i for i, (old, new) in enumerate(zip(self.rows, rows, strict=True)) if old != new
        ]
        self.rows = list(rows)
        if changed:
            last = len(StepColumn) - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of steps (0 under any parent: a flat table)."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Number of columns."""
        return 0 if parent.isValid() else len(StepColumn)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(StepColumn)
        ):
            return _TITLES[StepColumn(section)]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, colour and tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = StepColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is StepColumn.MARK:
                return row.mark
            if column is StepColumn.STEP:
                return f"{row.index + 1}. {row.title}"
            return row.outcome
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(row.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.reason or row.outcome or row.title
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"step {row.index + 1} {row.state.value}: {row.title}"
        return None

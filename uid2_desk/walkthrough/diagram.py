"""The laid-out sequence diagram as values: lanes, arrows, notes, their sizes.

Produced by :func:`~uid2_desk.walkthrough.layout.layout`; painted by the Qt view and written
by :func:`~uid2_desk.walkthrough.mermaid.to_mermaid`. Coordinates are device-independent
pixels, ``x`` to the right and ``y`` down.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import StrEnum

from uid2_desk.walkthrough.steps import Lane, step


class ArrowKind(StrEnum):
    """What an arrow stands for."""

    REQUEST = "request"
    REPLY = "reply"
    EVENT = "event"


@dataclass(frozen=True)
class LayoutMetrics:
    """Sizes in device-independent pixels.

    Attributes:
        margin: left and right margin.
        lane_spacing: distance between two lanes' centres.
        header_height: room above the first row for the lane titles.
        row_height: vertical distance between two rows.
        footer_height: room below the last row.
        note_width: width of a note box.
        hit_tolerance: how far outside an arrow's ends a click still selects it.
        max_note_chars: longer note texts are cut with an ellipsis.
    """

    margin: float = 40.0
    lane_spacing: float = 220.0
    header_height: float = 64.0
    row_height: float = 36.0
    footer_height: float = 24.0
    note_width: float = 200.0
    hit_tolerance: float = 8.0
    max_note_chars: int = 80

    def lane_x(self, lane: Lane) -> float:
        """The x of a lane's life line."""
        return self.margin + self.lane_spacing * (lane.value + 0.5)

    def row_y(self, row: int) -> float:
        """The y of a row's centre."""
        return self.header_height + self.row_height * (row + 0.5)


@dataclass(frozen=True)
class LaneColumn:
    """A lane and where its life line is."""

    lane: Lane
    title: str
    x: float


@dataclass(frozen=True)
class Arrow:
    """One arrow of the diagram.

    Attributes:
        seq: the journal entry it comes from.
        kind: request, reply or event.
        step: the guide's step id, if known.
        source, target: the lanes it joins.
        x1, x2: the x of its tail and head.
        y: its row's centre.
        label: the text on it, e.g. ``1-d POST /v2/token/generate``.
        outcome: ``success``, ``optout``, ``error`` (or the event's outcome), if any.
        http_status: the reply's HTTP status, for exchanges that got one.
    """

    seq: int
    kind: ArrowKind
    step: str | None
    source: Lane
    target: Lane
    x1: float
    x2: float
    y: float
    label: str
    outcome: str | None
    http_status: int | None

    @property
    def left(self) -> float:
        """The smaller x of its two ends."""
        return min(self.x1, self.x2)

    @property
    def right(self) -> float:
        """The larger x of its two ends."""
        return max(self.x1, self.x2)

    @property
    def caption(self) -> str | None:
        """The step's plain-words explanation, for a tooltip."""
        found = step(self.step) if self.step else None
        return found.caption if found else None


@dataclass(frozen=True)
class Note:
    """A note box for an event that is not a step (state change, policy, unknown)."""

    seq: int
    lane: Lane
    x: float
    y: float
    width: float
    text: str
    outcome: str | None


@dataclass(frozen=True)
class Diagram:
    """A laid-out sequence diagram: lanes, arrows and notes in row order, and its size."""

    lanes: tuple[LaneColumn, ...]
    arrows: tuple[Arrow, ...]
    notes: tuple[Note, ...]
    width: float
    height: float
    metrics: LayoutMetrics

    def arrows_for(self, seq: int) -> tuple[Arrow, ...]:
        """The arrows drawn for entry ``seq`` (empty if it became a note or is absent)."""
        # Rows follow seq, so the arrows are sorted by seq: a binary search keeps a report
        # of thousands of entries linear.
        start = bisect.bisect_left(self.arrows, seq, key=lambda a: a.seq)
        end = bisect.bisect_right(self.arrows, seq, lo=start, key=lambda a: a.seq)
        return self.arrows[start:end]

    def note_for(self, seq: int) -> Note | None:
        """The note drawn for entry ``seq``, if it became one."""
        i = bisect.bisect_left(self.notes, seq, key=lambda n: n.seq)
        return self.notes[i] if i < len(self.notes) and self.notes[i].seq == seq else None

    def rows(self) -> tuple[Arrow | Note, ...]:
        """Arrows and notes together, top to bottom."""
        return tuple(sorted((*self.arrows, *self.notes), key=lambda item: item.y))

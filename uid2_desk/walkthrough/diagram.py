"""The laid-out sequence diagram as values: lanes, arrows, notes, their sizes.

Produced by :func:`~uid2_desk.walkthrough.layout.layout`; painted by the Qt view and written
by :func:`~uid2_desk.walkthrough.mermaid.to_mermaid`. Coordinates are device-independent
pixels, ``x`` to the right and ``y`` down.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum

from uid2_desk.walkthrough.client_lanes import ClientLane
from uid2_desk.walkthrough.client_server_steps import client_server_step
from uid2_desk.walkthrough.custom_guide import guide_step as step
from uid2_desk.walkthrough.steps import Lane

#: A guide's participant, or an outside client's lane (:mod:`.client_lanes`).
AnyLane = Lane | ClientLane


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

    def lane_x(self, lane: AnyLane) -> float:
        """The x of a lane's life line."""
        return self.margin + self.lane_spacing * (lane.value + 0.5)

    def row_y(self, row: int) -> float:
        """The y of a row's centre."""
        return self.header_height + self.row_height * (row + 0.5)


@dataclass(frozen=True)
class LaneColumn:
    """A lane and where its life line is."""

    lane: AnyLane
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
        legacy_v1: drawn for a call to the v1 API (its caption is the original guide's).
        client_server: drawn for the client-server guide (its captions are that guide's).
    """

    seq: int
    kind: ArrowKind
    step: str | None
    source: AnyLane
    target: AnyLane
    x1: float
    x2: float
    y: float
    label: str
    outcome: str | None
    http_status: int | None
    legacy_v1: bool = False
    client_server: bool = False

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
        if self.step and self.client_server:
            found = client_server_step(self.step)
        else:
            found = step(self.step, v1=self.legacy_v1) if self.step else None
        return found.caption if found else None


@dataclass(frozen=True)
class Note:
    """A note box for an event that is not a step (state change, policy, unknown).

    Attributes:
        seq: the journal entry it comes from.
        lane: the lane it sits on.
        x, y: its centre.
        width: its width.
        lines: one or two lines of caption: what happened, then why (e.g.
            ``Jane: No identity → Established`` over ``generate answered success``); see
            :func:`~uid2_desk.walkthrough.notes.note_lines`.
        outcome: the event's outcome, if any.
    """

    seq: int
    lane: Lane
    x: float
    y: float
    width: float
    lines: tuple[str, ...]
    outcome: str | None

    @property
    def text(self) -> str:
        """The lines on one line (``what — why``), for a single-line label or a search."""
        return NOTE_LINE_JOIN.join(self.lines)


#: How :attr:`Note.text` joins a note's lines.
NOTE_LINE_JOIN = " — "


@dataclass(frozen=True)
class Diagram:
    """A laid-out sequence diagram: lanes, arrows and notes in row order, and its size.

    Rows follow ``seq``, with one exception: a buyer's key fetch is drawn after the 2-a
    arrow of the bid that follows it (see :data:`~uid2_desk.walkthrough.rules.SIDE_EXCHANGES`),
    so :attr:`arrows` is sorted by ``y`` but not always by ``seq``; :meth:`arrows_for` finds
    an entry's arrows either way.
    """

    lanes: tuple[LaneColumn, ...]
    arrows: tuple[Arrow, ...]
    notes: tuple[Note, ...]
    width: float
    height: float
    metrics: LayoutMetrics
    _by_seq: dict[int, tuple[Arrow, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        # An index built once keeps a report of thousands of entries linear.
        by_seq: dict[int, list[Arrow]] = {}
        for arrow in self.arrows:
            by_seq.setdefault(arrow.seq, []).append(arrow)
        self._by_seq.update((seq, tuple(arrows)) for seq, arrows in by_seq.items())

    def arrows_for(self, seq: int) -> tuple[Arrow, ...]:
        """The arrows drawn for entry ``seq``, top to bottom (empty if it became a note)."""
        return self._by_seq.get(seq, ())

    def note_for(self, seq: int) -> Note | None:
        """The note drawn for entry ``seq``, if it became one."""
        i = bisect.bisect_left(self.notes, seq, key=lambda n: n.seq)
        return self.notes[i] if i < len(self.notes) and self.notes[i].seq == seq else None

    def rows(self) -> tuple[Arrow | Note, ...]:
        """Arrows and notes together, top to bottom."""
        return tuple(sorted((*self.arrows, *self.notes), key=lambda item: item.y))

"""Lay journal entries out as a sequence diagram: a pure function, no Qt, no I/O.

:func:`layout` turns entries (light ones are enough) into a :class:`Diagram` of lanes, arrows
and notes with coordinates; the Qt view paints it and :func:`to_mermaid` writes the same
diagram for the Markdown report, so screen and report cannot disagree.

Rows. Entries are taken in ``seq`` order; every arrow and every note gets its own row, so
``y`` strictly increases with ``seq`` (and within one entry, request before reply).

Exchanges. One exchange gives a request arrow and a reply arrow. Their steps come from the
entry's ``step`` (``1-d`` → reply ``1-e``, ``3-b`` → ``3-c``; a reply step given alone finds
its request), else from the endpoint (generate → 1-d/1-e, refresh → 3-b/3-c), else none: the
arrows then run publisher ↔ operator labelled with the endpoint only (validate, keys...).
The reply is labelled with the HTTP status and the outcome (``1-e 200 success``,
``3-c 200 optout``, ``3-c 400 error``) or ``no answer``.

Events (table-driven, :data:`EVENT_STEPS`):

- an event whose name has a group of steps and whose ``step`` is in that group, or is
  absent, draws the whole group (``sign_in_requested`` at ``1-b`` draws 1-a, 1-b, 1-c);
- an event with any other known ``step`` draws that one step (``identity_set`` at ``3-d``,
  ``state_changed`` at ``4-b``);
- anything else (``state_changed`` or ``policy`` without a step, unknown names) becomes a
  note on the lane :data:`NOTE_LANES` gives (the publisher by default).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from uid2_desk.journal.model import EntryKind, JournalEntry
from uid2_desk.walkthrough.diagram import (
    Arrow,
    ArrowKind,
    Diagram,
    LaneColumn,
    LayoutMetrics,
    Note,
)
from uid2_desk.walkthrough.steps import Lane, Step, step

__all__ = [  # the diagram values stay importable from here, where they were first defined
    "ENDPOINT_STEPS",
    "EVENT_STEPS",
    "NOTE_LANES",
    "REPLY_STEPS",
    "Arrow",
    "ArrowKind",
    "Diagram",
    "LaneColumn",
    "LayoutMetrics",
    "Note",
    "arrow_at",
    "layout",
    "note_at",
]

#: Default steps of each event name (names are compared lower-case, ``-``/space as ``_``).
EVENT_STEPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "sign_in_requested": ("1-a", "1-b", "1-c"),
        "sign_in": ("1-a", "1-b", "1-c"),
        "identity_set": ("1-f",),
        "bid": ("2-a", "2-b", "2-c"),
        "ad_request": ("2-a", "2-b", "2-c"),
        "user_returns": ("3-a",),
        "user_returned": ("3-a",),
        "logout": ("4-a",),
        "identity_cleared": ("4-b",),
    }
)
#: The request step of each endpoint when the entry names none.
ENDPOINT_STEPS: Mapping[str, str] = MappingProxyType(
    {"/v2/token/generate": "1-d", "/v2/token/refresh": "3-b"}
)
#: The reply step that answers a request step.
REPLY_STEPS: Mapping[str, str] = MappingProxyType({"1-d": "1-e", "3-b": "3-c"})
_REQUEST_STEPS: Mapping[str, str] = MappingProxyType({v: k for k, v in REPLY_STEPS.items()})
#: Where notes of a given event name sit (default: the publisher's lane).
NOTE_LANES: Mapping[str, Lane] = MappingProxyType(
    {"user_opted_out": Lane.OPERATOR, "operator_fault": Lane.OPERATOR}
)


def _event_key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _exchange_steps(entry: JournalEntry) -> tuple[Step | None, Step | None]:
    """The (request, reply) steps of an exchange entry."""
    given = entry.step or ENDPOINT_STEPS.get(entry.name)
    if given is None:
        return None, None
    if given in REPLY_STEPS:
        return step(given), step(REPLY_STEPS[given])
    if given in _REQUEST_STEPS:
        return step(_REQUEST_STEPS[given]), step(given)
    found = step(given)
    return found, found


def _event_steps(entry: JournalEntry) -> tuple[Step, ...]:
    group = EVENT_STEPS.get(_event_key(entry.name), ())
    if entry.step is None or entry.step in group:
        ids = group
    else:
        ids = (entry.step,) if step(entry.step) else ()
    return tuple(s for s in (step(i) for i in ids) if s is not None)


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _reply_text(entry: JournalEntry) -> str:
    if entry.http_status is None:
        return "no answer"
    return _join(str(entry.http_status), entry.outcome)


class _Builder:
    """Accumulates rows; one instance per :func:`layout` call."""

    def __init__(self, metrics: LayoutMetrics) -> None:
        self.m = metrics
        self.arrows: list[Arrow] = []
        self.notes: list[Note] = []
        self.row = 0

    def arrow(
        self,
        entry: JournalEntry,
        kind: ArrowKind,
        step_id: str | None,
        lanes: tuple[Lane, Lane],
        *,
        label: str,
    ) -> None:
        source, target = lanes
        self.arrows.append(
            Arrow(
                seq=entry.seq,
                kind=kind,
                step=step_id,
                source=source,
                target=target,
                x1=self.m.lane_x(source),
                x2=self.m.lane_x(target),
                y=self.m.row_y(self.row),
                label=label,
                outcome=entry.outcome,
                http_status=entry.http_status,
            )
        )
        self.row += 1

    def note(self, entry: JournalEntry) -> None:
        lane = NOTE_LANES.get(_event_key(entry.name), Lane.PUBLISHER)
        text = f"{entry.name}: {entry.summary}" if entry.summary else entry.name
        if len(text) > self.m.max_note_chars:
            text = text[: self.m.max_note_chars - 1].rstrip() + "…"
        x = self.m.lane_x(lane)
        self.notes.append(
            Note(entry.seq, lane, x, self.m.row_y(self.row), self.m.note_width, text, entry.outcome)
        )
        self.row += 1

    def exchange(self, entry: JournalEntry) -> None:
        request, reply = _exchange_steps(entry)
        source = request.source if request else Lane.PUBLISHER
        target = request.target if request else Lane.OPERATOR
        label = _join(request.id if request else None, entry.method, entry.name)
        self.arrow(
            entry, ArrowKind.REQUEST, request.id if request else None, (source, target), label=label
        )
        reply_id = reply.id if reply else None
        reply_source, reply_target = (reply.source, reply.target) if reply else (target, source)
        if reply is request:  # a one-step exchange (e.g. to the SSP): answer along the same pair
            reply_source, reply_target = target, source
        self.arrow(
            entry,
            ArrowKind.REPLY,
            reply_id,
            (reply_source, reply_target),
            label=_join(reply_id, _reply_text(entry)),
        )

    def event(self, entry: JournalEntry) -> None:
        steps = _event_steps(entry)
        if not steps:
            self.note(entry)
        for s in steps:
            self.arrow(
                entry, ArrowKind.EVENT, s.id, (s.source, s.target), label=f"{s.id} {s.title}"
            )


def layout(entries: Sequence[JournalEntry], *, metrics: LayoutMetrics | None = None) -> Diagram:
    """Lay ``entries`` out (in ``seq`` order) as a :class:`Diagram`; see the module docstring."""
    m = metrics or LayoutMetrics()
    builder = _Builder(m)
    for entry in sorted(entries, key=lambda e: e.seq):
        if entry.kind is EntryKind.EXCHANGE:
            builder.exchange(entry)
        else:
            builder.event(entry)
    lanes = tuple(LaneColumn(lane, lane.title, m.lane_x(lane)) for lane in Lane)
    return Diagram(
        lanes=lanes,
        arrows=tuple(builder.arrows),
        notes=tuple(builder.notes),
        width=2 * m.margin + m.lane_spacing * len(Lane),
        height=m.header_height + m.row_height * builder.row + m.footer_height,
        metrics=m,
    )


def arrow_at(diagram: Diagram, x: float, y: float) -> Arrow | None:
    """The arrow whose row contains ``y`` and whose span (± tolerance) contains ``x``."""
    half = diagram.metrics.row_height / 2
    tol = diagram.metrics.hit_tolerance
    i = bisect.bisect_left(diagram.arrows, y - half, key=lambda a: a.y)
    for arrow in diagram.arrows[i:]:
        if arrow.y - half > y:
            break
        if abs(arrow.y - y) <= half and arrow.left - tol <= x <= arrow.right + tol:
            return arrow
    return None


def note_at(diagram: Diagram, x: float, y: float) -> Note | None:
    """The note whose box contains the point."""
    half = diagram.metrics.row_height / 2
    i = bisect.bisect_left(diagram.notes, y - half, key=lambda n: n.y)
    for note in diagram.notes[i:]:
        if note.y - half > y:
            break
        if abs(note.y - y) <= half and abs(note.x - x) <= note.width / 2:
            return note
    return None

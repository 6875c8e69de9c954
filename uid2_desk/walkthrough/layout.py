"""Lay journal entries out as a sequence diagram: a pure function, no Qt, no I/O.

:func:`layout` turns entries (light ones are enough) into a :class:`Diagram` of lanes, arrows
and notes with coordinates; the Qt view paints it and :func:`to_mermaid` writes the same
diagram for the Markdown report, so screen and report cannot disagree. What is drawn for
which entry comes from the tables of :mod:`~uid2_desk.walkthrough.rules`, read entry by entry
in :mod:`~uid2_desk.walkthrough.entry_steps`; :mod:`~uid2_desk.walkthrough.hit_test` finds what
a point of the diagram falls on.

Rows. Entries are taken in ``seq`` order; every arrow and every note gets its own row, so
``y`` increases with ``seq`` (and within one entry, request before reply), with one exception:
a side exchange with an ``after_step`` (the buyer's key fetch) that comes right before an
entry drawing that step (the bid, 2-a…2-c) is drawn just after that step's arrow, where the
guide's story has it: the token reaches the SSP, then the buyer fetches keys to decrypt it.

Exchanges. One exchange gives a request arrow and a reply arrow. Their steps come from the
entry's ``step`` (``1-d`` → reply ``1-e``, ``3-b`` → ``3-c``; a reply step given alone finds
its request), else from the endpoint (generate → 1-d/1-e, refresh → 3-b/3-c). A side
exchange (:data:`SIDE_EXCHANGES`: ``/v2/key/bidstream``, ``/v2/key/sharing``) runs between
its caller's lane and the operator, labelled plainly (``buyer keys: POST /v2/key/bidstream``).
Anything else runs publisher ↔ operator labelled with the endpoint only (validate...). The
reply is labelled with the HTTP status and the outcome (``1-e 200 success``,
``3-c 200 optout``, ``3-c 400 error``) or ``no answer``.

Events:

- an event in :data:`EVENT_ARROWS` (by name, outcome and step, the step read from its
  ``cause`` when absent) is that step with its own words: the opted-out ``state_changed``
  after an ``optout`` answer is ``1-f No identity (opted out)`` or
  ``3-d Identity cleared (opted out)``, in the opt-out colour;
- an event whose name has a group of steps (:data:`EVENT_STEPS`) and whose ``step`` is in
  that group, or is absent, draws the whole group (``sign_in_requested`` at ``1-b`` draws
  1-a, 1-b, 1-c);
- an event with any other known ``step`` draws that one step (``identity_set`` at ``3-d``,
  ``state_changed`` at ``4-b``);
- anything else (``state_changed`` or ``policy`` without a step, unknown names) becomes a
  note on the lane :data:`NOTE_LANES` gives (the publisher by default), captioned by
  :func:`~uid2_desk.walkthrough.notes.note_lines`.
"""

from __future__ import annotations

from collections.abc import Sequence

from uid2_desk.journal.model import EntryKind, JournalEntry
from uid2_desk.walkthrough.client_lanes import ClientLane, ClientLanes
from uid2_desk.walkthrough.client_server import client_server_layout, is_client_server
from uid2_desk.walkthrough.custom_guide import CUSTOM_AFTER_STEPS
from uid2_desk.walkthrough.diagram import (
    AnyLane,
    Arrow,
    ArrowKind,
    Diagram,
    LaneColumn,
    LayoutMetrics,
    Note,
)
from uid2_desk.walkthrough.entry_steps import (
    drawn_steps,
    event_arrow,
    event_steps,
    exchange_steps,
    join_words,
    reply_text,
)
from uid2_desk.walkthrough.notes import note_lines
from uid2_desk.walkthrough.rules import (
    ENDPOINT_STEPS,
    EVENT_ARROWS,
    EVENT_STEPS,
    NOTE_LANES,
    REPLY_STEPS,
    SIDE_EXCHANGES,
    STEP_NOTE_LANES,
    event_key,
)
from uid2_desk.walkthrough.steps import Lane

__all__ = [  # the diagram values and the tables stay importable from here, as before
    "ENDPOINT_STEPS",
    "EVENT_ARROWS",
    "EVENT_STEPS",
    "NOTE_LANES",
    "REPLY_STEPS",
    "SIDE_EXCHANGES",
    "Arrow",
    "ArrowKind",
    "Diagram",
    "LaneColumn",
    "LayoutMetrics",
    "Note",
    "layout",
]


class _Builder:
    """Accumulates rows; one instance per :func:`layout` call.

    ``held`` keeps side exchanges waiting for the step they are drawn after (:meth:`hold`).
    """

    def __init__(self, metrics: LayoutMetrics) -> None:
        self.m = metrics
        self.arrows: list[Arrow] = []
        self.notes: list[Note] = []
        self.row = 0
        self.held: list[JournalEntry] = []
        self._held_after: str | None = None
        self.clients = ClientLanes(first=len(Lane))

    def arrow(
        self,
        entry: JournalEntry,
        kind: ArrowKind,
        step_id: str | None,
        lanes: tuple[AnyLane, AnyLane],
        *,
        label: str,
        outcome: str | None = None,
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
                outcome=outcome if outcome is not None else entry.outcome,
                http_status=entry.http_status,
                legacy_v1=entry.name.startswith("/v1/"),
            )
        )
        self.row += 1
        if step_id is not None and step_id == self._held_after:
            self.release()

    def hold(self, entry: JournalEntry, after_step: str) -> None:
        """Draw the side exchange ``entry`` right after the next arrow of ``after_step``."""
        self.held.append(entry)
        self._held_after = after_step

    def release(self) -> None:
        """Draw the held side exchanges now."""
        held, self.held, self._held_after = self.held, [], None
        for entry in held:
            self.exchange(entry)

    def note(self, entry: JournalEntry) -> None:
        lane = NOTE_LANES.get(event_key(entry.name)) or STEP_NOTE_LANES.get(
            entry.step or "", Lane.PUBLISHER
        )
        lines = note_lines(entry, self.m.max_note_chars)
        x = self.m.lane_x(lane)
        self.notes.append(
            Note(
                entry.seq, lane, x, self.m.row_y(self.row), self.m.note_width, lines, entry.outcome
            )
        )
        self.row += 1

    def exchange(self, entry: JournalEntry) -> None:
        client = self.clients.lane_of(entry)
        if client is not None:
            self._client_exchange(entry, client)
            return
        side = SIDE_EXCHANGES.get(entry.name) if entry.step is None else None
        if side is not None:
            self._side_exchange(entry, side.who, side.source)
            return
        request, reply = exchange_steps(entry)
        source = request.source if request else Lane.PUBLISHER
        target = request.target if request else Lane.OPERATOR
        label = join_words(request.id if request else None, entry.method, entry.name)
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
            label=join_words(reply_id, reply_text(entry)),
        )

    def _client_exchange(self, entry: JournalEntry, client: ClientLane) -> None:
        """An outside client's request: its own lane ↔ the operator, with the guide's steps."""
        request, reply = exchange_steps(entry)
        request_id = request.id if request else None
        label = join_words(request_id, entry.method, entry.name)
        lanes: tuple[AnyLane, AnyLane] = (client, Lane.OPERATOR)
        self.arrow(entry, ArrowKind.REQUEST, request_id, lanes, label=label)
        reply_id = reply.id if reply and reply is not request else None
        label = join_words(reply_id, reply_text(entry))
        self.arrow(entry, ArrowKind.REPLY, reply_id, lanes[::-1], label=label)

    def _side_exchange(self, entry: JournalEntry, who: str, source: Lane) -> None:
        lanes = (source, Lane.OPERATOR)
        self.arrow(
            entry, ArrowKind.REQUEST, None, lanes, label=f"{who}: {entry.method} {entry.name}"
        )
        self.arrow(entry, ArrowKind.REPLY, None, lanes[::-1], label=f"{who}: {reply_text(entry)}")

    def event(self, entry: JournalEntry) -> None:
        special = event_arrow(entry)
        if special is not None:
            s, spec = special
            lanes = (s.source, s.target)
            label = f"{s.id} {spec.title}"
            self.arrow(entry, ArrowKind.EVENT, s.id, lanes, label=label, outcome=spec.outcome)
            return
        steps = event_steps(entry)
        if not steps:
            self.note(entry)
        for s in steps:
            self.arrow(
                entry, ArrowKind.EVENT, s.id, (s.source, s.target), label=f"{s.id} {s.title}"
            )


def _held_until(entry: JournalEntry, following: JournalEntry | None) -> str | None:
    """The step a side exchange waits for: the one the next entry (same session) draws."""
    side = SIDE_EXCHANGES.get(entry.name) if entry.kind is EntryKind.EXCHANGE else None
    if side is None or side.after_step is None or entry.step is not None or following is None:
        return None
    if following.session != entry.session:
        return None
    drawn = drawn_steps(following)  # the step, or its number in the custom guide
    after = (side.after_step, CUSTOM_AFTER_STEPS.get(side.after_step))
    return next((a for a in after if a is not None and a in drawn), None)


def layout(entries: Sequence[JournalEntry], *, metrics: LayoutMetrics | None = None) -> Diagram:
    """Lay ``entries`` out (in ``seq`` order) as a :class:`Diagram`; see the module docstring."""
    m = metrics or LayoutMetrics()
    if is_client_server(entries):  # an identity was handed to a web page: that guide's lanes
        return client_server_layout(entries, metrics=m)
    builder = _Builder(m)
    ordered = sorted(entries, key=lambda e: e.seq)
    for i, entry in enumerate(ordered):
        following = ordered[i + 1] if i + 1 < len(ordered) else None
        after = _held_until(entry, following)
        if after is not None:
            builder.hold(entry, after)
        elif entry.kind is EntryKind.EXCHANGE:
            builder.exchange(entry)
        else:
            builder.event(entry)
        if builder.held and after is None:
            builder.release()  # the step it waited for was not drawn: draw it late, not never
    every: tuple[AnyLane, ...] = (*Lane, *builder.clients.lanes())
    lanes = tuple(LaneColumn(lane, lane.title, m.lane_x(lane)) for lane in every)
    return Diagram(
        lanes=lanes,
        arrows=tuple(builder.arrows),
        notes=tuple(builder.notes),
        width=2 * m.margin + m.lane_spacing * len(every),
        height=m.header_height + m.row_height * builder.row + m.footer_height,
        metrics=m,
    )

"""The client-server guide (UID2 SDK for JavaScript): its lanes, steps and diagram (pure).

The publisher's server generates the identity (1-d, 1-e) and hands it to the page (1-f);
the browser's UID2 client takes it and tells the page (1-g), refreshes it with the operator
on its own (3-a, 3-b) and clears it at logout (4-a, 4-b). The desk draws this guide once it
handed an identity to a web page (a ``handed_off`` event in the entries): from then on the
refreshes in the log are the browser's (the desk stops refreshing a handed-off user).
The lanes are the guide's: Browser: UID2 client, Publisher server, UID2 operator, SSP.
"""

from __future__ import annotations

from collections.abc import Sequence

from uid2_desk.journal.model import EntryKind, JournalEntry
from uid2_desk.walkthrough.client_server_steps import LANE_TITLES, client_server_step
from uid2_desk.walkthrough.diagram import Arrow, ArrowKind, Diagram, LaneColumn, LayoutMetrics
from uid2_desk.walkthrough.diagram import Note as NoteBox
from uid2_desk.walkthrough.entry_steps import reply_text
from uid2_desk.walkthrough.notes import note_lines
from uid2_desk.walkthrough.steps import Lane

#: The event that turns a session's diagram into this guide's.
HANDED_OFF = "handed_off"
_P = Lane.PUBLISHER


def is_client_server(entries: Sequence[JournalEntry]) -> bool:
    """Whether these entries play the client-server guide (an identity was handed off)."""
    return any(e.kind is EntryKind.EVENT and e.name == HANDED_OFF for e in entries)


def _steps_of(entry: JournalEntry) -> tuple[str, ...]:
    """The steps an entry draws in this guide (empty: a note, or nothing for preflights)."""
    if entry.kind is EntryKind.EXCHANGE:
        if entry.method == "OPTIONS":
            return ("skip",)  # a CORS preflight: part of the browser's 3-a, not a step
        if entry.name.endswith("/token/generate"):
            return ("1-d", "1-e")
        if entry.name.endswith("/token/refresh"):
            return ("3-a", "3-b")
        return ()
    if entry.name == HANDED_OFF:
        return ("1-f",)
    if entry.name == "browser_report":
        if entry.step == "4-b":
            return ("4-a", "4-b")
        return ("1-g",) if entry.detail_value("report") == "identity" else ()
    if entry.name == "bid":
        return ("2-a",)
    if entry.name == "logout":
        return ("4-a",)
    if entry.name == "state_changed" and entry.step == "4-b":
        return ("4-b",)
    return ()


def client_server_layout(
    entries: Sequence[JournalEntry], *, metrics: LayoutMetrics | None = None
) -> Diagram:
    """Lay ``entries`` out with this guide's lanes and numbers."""
    m = metrics or LayoutMetrics()
    arrows: list[Arrow] = []
    notes: list[NoteBox] = []
    row = 0
    for entry in sorted(entries, key=lambda e: e.seq):
        ids = _steps_of(entry)
        if ids == ("skip",):
            continue
        if not ids:
            if entry.kind is EntryKind.EVENT:
                lines = note_lines(entry, m.max_note_chars)
                x, y = m.lane_x(_P), m.row_y(row)
                notes.append(NoteBox(entry.seq, _P, x, y, m.note_width, lines, entry.outcome))
                row += 1
            continue
        for i, step_id in enumerate(ids):
            s = client_server_step(step_id)
            assert s is not None  # every id above is in the catalogue
            kind = ArrowKind.EVENT
            label = f"{s.id} {s.title}"
            if entry.kind is EntryKind.EXCHANGE:
                kind = ArrowKind.REQUEST if i == 0 else ArrowKind.REPLY
                label = (
                    f"{s.id} {entry.method} {entry.name}"
                    if i == 0
                    else (f"{s.id} {reply_text(entry)}")
                )
            arrows.append(
                Arrow(
                    seq=entry.seq, kind=kind, step=s.id, source=s.source, target=s.target,
                    x1=m.lane_x(s.source), x2=m.lane_x(s.target), y=m.row_y(row), label=label,
                    outcome=entry.outcome, http_status=entry.http_status, client_server=True,
                )
            )  # fmt: skip
            row += 1
    lanes = tuple(LaneColumn(lane, LANE_TITLES[lane], m.lane_x(lane)) for lane in Lane)
    return Diagram(
        lanes=lanes,
        arrows=tuple(arrows),
        notes=tuple(notes),
        width=2 * m.margin + m.lane_spacing * len(Lane),
        height=m.header_height + m.row_height * row + m.footer_height,
        metrics=m,
    )

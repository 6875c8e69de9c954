"""What a point of a laid-out diagram falls on: an arrow's row and span, or a note's box.

Rows are sorted by ``y``, so both searches start with a bisection: a click on a long
session's diagram stays instant.
"""

from __future__ import annotations

import bisect

from uid2_desk.walkthrough.diagram import Arrow, Diagram, Note


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

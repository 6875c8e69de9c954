"""The walkthrough: the guide's steps and the pure layout of the sequence diagram (no Qt).

- :mod:`~uid2_desk.walkthrough.steps`: :class:`Lane`, :class:`Step`, :data:`STEPS`;
  :mod:`~uid2_desk.walkthrough.client_side`: the client-side (CSTG) flow's steps.
- :mod:`~uid2_desk.walkthrough.layout`: :func:`layout` → :class:`Diagram`
  (:mod:`~uid2_desk.walkthrough.diagram`); hit-testing in :mod:`~uid2_desk.walkthrough.hit_test`.
- :mod:`~uid2_desk.walkthrough.rules`: the tables of what each entry draws.
- :mod:`~uid2_desk.walkthrough.notes`: :func:`note_lines`, a note's caption.
- :mod:`~uid2_desk.walkthrough.mermaid`: :func:`to_mermaid`, the report's copy of the diagram.
"""

from uid2_desk.walkthrough import client_side  # noqa: F401  (its steps join the catalogue)
from uid2_desk.walkthrough.diagram import (
    Arrow,
    ArrowKind,
    Diagram,
    LaneColumn,
    LayoutMetrics,
    Note,
)
from uid2_desk.walkthrough.hit_test import arrow_at, note_at
from uid2_desk.walkthrough.layout import layout
from uid2_desk.walkthrough.mermaid import mermaid_text, to_mermaid
from uid2_desk.walkthrough.notes import note_lines
from uid2_desk.walkthrough.steps import PHASE_TITLES, STEPS, Lane, Step, step

__all__ = [
    "PHASE_TITLES",
    "STEPS",
    "Arrow",
    "ArrowKind",
    "Diagram",
    "Lane",
    "LaneColumn",
    "LayoutMetrics",
    "Note",
    "Step",
    "arrow_at",
    "layout",
    "mermaid_text",
    "note_at",
    "note_lines",
    "step",
    "to_mermaid",
]

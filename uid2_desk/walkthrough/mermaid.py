"""Write a laid-out :class:`~uid2_desk.walkthrough.layout.Diagram` as a Mermaid sequence diagram.

The text follows Mermaid's ``sequenceDiagram`` grammar (``sequenceDiagram.jison``): every
participant is declared first, in lane order, with ``participant Id as Title``; every arrow is
``From<arrow>To: text``; notes are ``Note over Id: text``. In Mermaid's lexer message text is
``[^#\\n;]+`` (``#`` starts a comment or an entity code, ``;`` ends a statement), so labels
never contain those; ``<``/``>`` would be read as HTML and ``%%`` as a comment, so they are
replaced too (:func:`mermaid_text`).

Arrows: requests and events are solid (``->>``), replies dotted (``-->>``); an exchange that
failed ends its reply with a cross (``--x``), a failed event too (``-x``).

Notes keep their two lines (what happened, then why): Mermaid breaks a note's text at
``<br/>`` (:data:`LINE_BREAK`), the one piece of markup the desk writes on purpose.
"""

from __future__ import annotations

from uid2_desk.journal.model import Outcome
from uid2_desk.walkthrough.diagram import Arrow, ArrowKind, Diagram

#: Mermaid's line break inside a message or note.
LINE_BREAK = "<br/>"

_REPLACEMENTS = (
    ("\r\n", " "),
    ("\n", " "),
    ("\r", " "),
    ("#", "No."),
    (";", ","),
    ("<", "‹"),
    (">", "›"),
)


def mermaid_text(text: str) -> str:
    """``text`` made safe as a Mermaid message, note or participant title."""
    for old, new in _REPLACEMENTS:
        text = text.replace(old, new)
    while "%%" in text:
        text = text.replace("%%", "%")
    text = " ".join(text.split())
    return text or "(no label)"


def _arrow_syntax(arrow: Arrow) -> str:
    failed = arrow.outcome == Outcome.ERROR
    if arrow.kind is ArrowKind.REPLY:
        return "--x" if failed else "-->>"
    return "-x" if failed and arrow.kind is ArrowKind.EVENT else "->>"


def to_mermaid(diagram: Diagram) -> str:
    """The diagram as Mermaid ``sequenceDiagram`` source (no code fence), ending in a newline."""
    lines = ["sequenceDiagram"]
    lines += [
        f"    participant {c.lane.mermaid_id} as {mermaid_text(c.title)}" for c in diagram.lanes
    ]
    for item in diagram.rows():
        if isinstance(item, Arrow):
            lines.append(
                f"    {item.source.mermaid_id}{_arrow_syntax(item)}{item.target.mermaid_id}: "
                f"{mermaid_text(item.label)}"
            )
        else:
            text = LINE_BREAK.join(mermaid_text(line) for line in item.lines or ("",))
            lines.append(f"    Note over {item.lane.mermaid_id}: {text}")
    return "\n".join(lines) + "\n"

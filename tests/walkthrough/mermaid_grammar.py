"""A checker for the subset of Mermaid ``sequenceDiagram`` syntax the desk writes.

Rules taken from Mermaid's grammar (``packages/mermaid/src/diagrams/sequence/parser/
sequenceDiagram.jison``):

- the first statement is ``sequenceDiagram``;
- ``participant ID as TEXT``: the alias is ``restOfLine`` = ``[^#\\n;]*``;
- a message is ``ACTOR SIGNALTYPE ACTOR TXT`` where the signal types are ``->>``, ``-->>``,
  ``->``, ``-->``, ``-x``, ``--x``, ``-)``, ``--)`` and ``TXT`` is ``":"[^#\\n;]+``: ``#`` starts
  a comment or an entity code and ``;`` ends a statement, so neither may appear in text;
- ``Note (left of|right of|over) ACTOR[,ACTOR] TXT``;
- actor names are ``[^+\\->:\\n,;]+`` and, the lexer being case-insensitive and first-match,
  must not begin with a keyword (``end``, ``note``, ``opt``, ``par``...).

Beyond the grammar, rendering: ``<`` and ``>`` are read as HTML and ``%%`` as a comment, so
the desk never writes them in text either, except Mermaid's line break ``<br/>`` in a note
(the note's second line), exactly so spelled. Every actor used must have been declared.
"""

from __future__ import annotations

import re

ARROWS = ("-->>", "->>", "-->", "->", "--x", "-x", "--)", "-)")
_KEYWORDS = (
    "participant", "actor", "create", "destroy", "box", "loop", "rect", "opt", "alt", "else",
    "par", "par_over", "and", "critical", "option", "break", "end", "left of", "right of",
    "links", "link", "properties", "details", "over", "note", "activate", "deactivate", "title",
    "accTitle", "accDescr", "sequenceDiagram", "autonumber", "off",
)  # fmt: skip
_ID = r"[A-Za-z][A-Za-z0-9_]*"
_PARTICIPANT = re.compile(rf"^participant ({_ID}) as ([^#\n;]*)$")
_ARROW_RE = "|".join(re.escape(a) for a in ARROWS)
_MESSAGE = re.compile(rf"^({_ID})({_ARROW_RE})({_ID}): ([^#\n;]+)$")
_NOTE = re.compile(rf"^Note (left of|right of|over) ({_ID})(?:,({_ID}))?: ([^#\n;]+)$")
_UNSAFE_TEXT = ("<", ">", "%%")
#: The one piece of markup a note may carry: Mermaid's line break.
LINE_BREAK = "<br/>"


def _text_problems(text: str, where: str) -> list[str]:
    return [f"{where}: text contains {bad!r}" for bad in _UNSAFE_TEXT if bad in text]


def _id_problems(actor: str, where: str) -> list[str]:
    lowered = actor.lower()
    return [
        f"{where}: actor {actor!r} starts with the keyword {k!r}"
        for k in _KEYWORDS
        if lowered.startswith(k.lower())
    ]


def mermaid_problems(source: str) -> list[str]:
    """Every violation of the rules above (empty when the diagram is well formed)."""
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    if not lines or lines[0] != "sequenceDiagram":
        return ["the first line must be sequenceDiagram"]
    problems: list[str] = []
    declared: set[str] = set()
    for n, line in enumerate(lines[1:], start=2):
        where = f"line {n} ({line!r})"
        if m := _PARTICIPANT.match(line):
            actor, alias = m.groups()
            if not alias.strip():
                problems.append(f"{where}: empty alias")
            problems += _id_problems(actor, where) + _text_problems(alias, where)
            declared.add(actor)
        elif m := _MESSAGE.match(line):
            source_actor, _, target, text = m.groups()
            problems += _text_problems(text, where)
            problems += [
                f"{where}: {a} is not declared" for a in (source_actor, target) if a not in declared
            ]
        elif m := _NOTE.match(line):
            _, first, second, text = m.groups()
            parts = text.split(LINE_BREAK)
            if any(not part.strip() for part in parts):
                problems.append(f"{where}: an empty line in a note")
            problems += _text_problems("".join(parts), where)
            problems += [
                f"{where}: {a} is not declared" for a in (first, second) if a and a not in declared
            ]
        else:
            problems.append(f"{where}: not a participant, message or note")
    return problems

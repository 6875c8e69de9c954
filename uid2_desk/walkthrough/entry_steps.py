"""Which of the guide's steps one journal entry draws: the tables of the rules, read (pure).

An exchange draws a request step and a reply step (from its ``step``, else its endpoint); an
event draws a step of its own words (:data:`~uid2_desk.walkthrough.rules.EVENT_ARROWS`), a
group of steps, one step, or nothing (then it is a note).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from uid2_desk.journal.model import EntryKind, JournalEntry
from uid2_desk.walkthrough.custom_guide import CUSTOM_EVENT_STEPS, CUSTOM_REPLY_STEPS
from uid2_desk.walkthrough.custom_guide import guide_step as step
from uid2_desk.walkthrough.rules import (
    CAUSE_STEPS,
    ENDPOINT_STEPS,
    EVENT_ARROWS,
    EVENT_STEPS,
    REPLY_STEPS,
    EventArrow,
    event_key,
)
from uid2_desk.walkthrough.steps import Step

# Both guides' request → reply steps (the custom guide's numbers differ from the server-only's).
_REPLY_STEPS: Mapping[str, str] = MappingProxyType({**REPLY_STEPS, **CUSTOM_REPLY_STEPS})
_REQUEST_STEPS: Mapping[str, str] = MappingProxyType({v: k for k, v in _REPLY_STEPS.items()})


def exchange_steps(entry: JournalEntry) -> tuple[Step | None, Step | None]:
    """The (request, reply) steps of an exchange entry."""
    given = entry.step or ENDPOINT_STEPS.get(entry.name)
    if given is None:
        return None, None
    if given in _REPLY_STEPS:
        return step(given), step(_REPLY_STEPS[given])
    if given in _REQUEST_STEPS:
        return step(_REQUEST_STEPS[given]), step(given)
    found = step(given)
    return found, found


def event_steps(entry: JournalEntry) -> tuple[Step, ...]:
    """The steps an event draws as a group (:data:`EVENT_STEPS`), or its own known step."""
    custom = CUSTOM_EVENT_STEPS.get((event_key(entry.name), entry.step or ""))
    group = EVENT_STEPS.get(event_key(entry.name), ()) if custom is None else custom
    if custom is not None or entry.step is None or entry.step in group:
        ids = group
    else:
        ids = (entry.step,) if step(entry.step) else ()
    return tuple(s for s in (step(i) for i in ids) if s is not None)


def event_arrow(entry: JournalEntry) -> tuple[Step, EventArrow] | None:
    """The step and words of an event drawn as a step of its own (:data:`EVENT_ARROWS`)."""
    step_id = entry.step
    if step_id is None:
        cause = entry.detail_value("cause") or ""
        step_id = CAUSE_STEPS.get(cause.split(" ", 1)[0])
    spec = EVENT_ARROWS.get((event_key(entry.name), entry.outcome or "", step_id or ""))
    found = step(step_id) if spec is not None and step_id else None
    return None if found is None or spec is None else (found, spec)


def drawn_steps(entry: JournalEntry) -> tuple[str, ...]:
    """The step ids an entry's arrows carry (for placing a side exchange after one)."""
    if entry.kind is EntryKind.EXCHANGE:
        return tuple(s.id for s in exchange_steps(entry) if s is not None)
    special = event_arrow(entry)
    return (special[0].id,) if special else tuple(s.id for s in event_steps(entry))


def join_words(*parts: str | None) -> str:
    """The parts that are present, separated by spaces."""
    return " ".join(p for p in parts if p)


def reply_text(entry: JournalEntry) -> str:
    """A reply's label after its step: the HTTP status and the outcome, or ``no answer``."""
    if entry.http_status is None:
        return "no answer"
    return join_words(str(entry.http_status), entry.outcome)

"""The tables that turn journal entries into the guide's arrows (pure data, no logic).

:mod:`~uid2_desk.walkthrough.layout` reads them; a new event name or endpoint is drawn by
adding a row here, not a branch there. Event names are compared lower-case with ``-`` and
spaces as ``_`` (:func:`event_key`). The publisher writes these names and steps in
:mod:`uid2_desk.publisher.recorder`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from uid2_desk.journal.model import Outcome
from uid2_desk.walkthrough.steps import Lane

#: Default steps of each event name: an event whose ``step`` is in its group, or absent,
#: draws the whole group (``sign_in_requested`` at ``1-b`` draws 1-a, 1-b, 1-c).
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
    {"/v2/token/generate": "1-d", "/v2/token/refresh": "3-b", "/v2/token/client-generate": "C3-a"}
)
#: The reply step that answers a request step.
REPLY_STEPS: Mapping[str, str] = MappingProxyType(
    {"1-d": "1-e", "3-b": "3-c", "C3-a": "C3-b", "C3-c": "C3-d"}
)
#: Where notes of a given event name sit (default: the publisher's lane).
NOTE_LANES: Mapping[str, Lane] = MappingProxyType(
    {"user_opted_out": Lane.OPERATOR, "operator_fault": Lane.OPERATOR}
)

#: Where notes of events with a given step sit, when their name has no lane of its own:
#: the client-side flow's device events (``C3``) sit on the device.
STEP_NOTE_LANES: Mapping[str, Lane] = MappingProxyType({"C3": Lane.DEVICE})


@dataclass(frozen=True)
class EventArrow:
    """An event drawn as a step with words of its own instead of the step's title.

    Attributes:
        title: the words after the step number, e.g. ``Identity cleared (opted out)``.
        outcome: the arrow's outcome (its colour), whatever the event's own outcome says.
    """

    title: str
    outcome: str


#: Events that are a step with their own words, by (event name, event outcome, step).
#: After an ``optout`` answer the publisher journals ``state_changed`` to ``opted_out`` at
#: 1-f (generate) or 3-d (refresh): it stores no identity, or drops the one it had, and the
#: device gets no UID2. The guide draws that consequence as the step's arrow.
EVENT_ARROWS: Mapping[tuple[str, str, str], EventArrow] = MappingProxyType(
    {
        ("state_changed", "opted_out", "1-f"): EventArrow(
            "No identity (opted out)", Outcome.OPTOUT
        ),
        ("state_changed", "opted_out", "3-d"): EventArrow(
            "Identity cleared (opted out)", Outcome.OPTOUT
        ),
    }
)
#: The step of an :data:`EVENT_ARROWS` event journaled without one (by desks before the
#: publisher recorded it), from the first word of its ``cause`` detail:
#: ``generate answered optout`` → 1-f, ``refresh answered optout`` → 3-d.
CAUSE_STEPS: Mapping[str, str] = MappingProxyType({"generate": "1-f", "refresh": "3-d"})


@dataclass(frozen=True)
class SideExchange:
    """An exchange that is none of the guide's numbered steps, drawn between other lanes.

    Attributes:
        who: who makes it, the label's prefix (``buyer keys``).
        source: the lane that calls the operator.
        after_step: when the entry right after it draws this step, the exchange is drawn
            just after that step's arrow (the buyer decrypts the token it was sent at 2-a).
    """

    who: str
    source: Lane
    after_step: str | None = None


#: Exchanges made by someone other than the publisher, by endpoint. The buyer (a DSP behind
#: the SSP) fetches the keys that decrypt the advertising token; the guide numbers no step
#: for it, so its arrows are labelled plainly and drawn after 2-a, the token reaching the SSP.
SIDE_EXCHANGES: Mapping[str, SideExchange] = MappingProxyType(
    {
        "/v2/key/bidstream": SideExchange("buyer keys", Lane.SSP, after_step="2-a"),
        "/v2/key/sharing": SideExchange("buyer keys", Lane.SSP, after_step="2-a"),
    }
)

#: A first line for notes whose summary is a long sentence (the summary goes on line two).
NOTE_HEADINGS: Mapping[str, str] = MappingProxyType({"refused": "Call refused"})


def event_key(name: str) -> str:
    """An event name as the tables spell it: lower-case, ``_`` for ``-`` and spaces."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")

"""Lanes of their own for the outside clients the desk's operator captured.

The guide's participants are fixed (:class:`~uid2_desk.walkthrough.steps.Lane`). A request
another client sent the embedded operator (the team's backend, a page running Prebid.js, a
CTV app) is drawn from a lane named after that client (:func:`~uid2_desk.protocol.capture.
lane_label`), added to the right of the guide's lanes in the order the clients first
appear, with the guide's step numbers the entry carries (``1-d``, ``3-b``).
"""

from __future__ import annotations

from dataclasses import dataclass
from string import ascii_uppercase

from uid2_desk.journal.model import JournalEntry
from uid2_desk.protocol.capture import CAPTURED_BY, CapturedClient, lane_label
from uid2_desk.protocol.exchange import Exchange, Timings
from uid2_desk.walkthrough.steps import Lane


@dataclass(frozen=True)
class ClientLane:
    """An outside client's lane: duck-typed like a :class:`Lane` (``value``, ``title``...).

    Attributes:
        value: the lane's column, counted from the diagram's left (after the guide's lanes).
        title: the client's name (``Your backend``, ``Browser: Prebid.js 11.36``).
    """

    value: int
    title: str

    @property
    def mermaid_id(self) -> str:
        """A Mermaid participant id, letters only: ``ClientA``, ``ClientB``… ``ClientAA``."""
        number, letters = self.value - len(Lane), ""
        while True:
            number, digit = divmod(number, len(ascii_uppercase))
            letters = ascii_uppercase[digit] + letters
            if number == 0:
                return "Client" + letters
            number -= 1


class ClientLanes:
    """The client lanes of one layout, numbered from ``first`` as clients appear."""

    def __init__(self, first: int) -> None:
        self._first = first
        self._lanes: dict[str, ClientLane] = {}

    def lane_of(self, entry: JournalEntry) -> ClientLane | None:
        """The lane of the client that sent ``entry``; ``None`` for the desk's own."""
        label = client_label(entry)
        if label is None:
            return None
        lane = self._lanes.get(label)
        if lane is None:
            lane = ClientLane(self._first + len(self._lanes), label)
            self._lanes[label] = lane
        return lane

    def lanes(self) -> tuple[ClientLane, ...]:
        """Every client lane, left to right."""
        return tuple(self._lanes.values())


def client_label(entry: JournalEntry) -> str | None:
    """The captured client's name, or ``None`` for the desk's own entries."""
    if entry.exchange is None:
        return None
    client = CapturedClient.of(entry.exchange)
    return None if client is None else lane_label(client)


def keep_client_only(exchange: Exchange) -> Exchange | None:
    """What a diagram needs of an exchange: its client, if captured; no bytes, no DII.

    The diagram feed holds light entries; a captured one keeps a bare exchange carrying only
    the ``client.`` facts, so the layout can still give it its client's lane.
    """
    client = CapturedClient.of(exchange)
    if client is None:
        return None
    return Exchange(
        endpoint=exchange.endpoint,
        url="",
        started_ms=exchange.started_ms,
        timings=Timings(total_ms=exchange.timings.total_ms),
        extra=((CAPTURED_BY, "operator"), *client.pairs()),
    )

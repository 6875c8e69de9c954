"""The guide step of an exchange the desk captured from another client.

A captured request is a request step (the client asks the operator); the diagram draws its
reply step beside it, as for the desk's own exchanges (:data:`~.rules.REPLY_STEPS`).
"""

from __future__ import annotations

from uid2_desk.protocol.exchange import Exchange
from uid2_desk.walkthrough.rules import ENDPOINT_STEPS


def captured_step(exchange: Exchange) -> str | None:
    """The step a captured exchange is (``1-d`` for generate, ``3-b`` for refresh...)."""
    return ENDPOINT_STEPS.get(exchange.endpoint)

"""What the kiosk plays: the shipped scenarios that can run again and again, in story order."""

from __future__ import annotations

from collections.abc import Sequence

from uid2_desk.publisher.scenario.model import Action, Scenario

#: The story order of the shipped scenarios; others follow by name.
PLAYLIST_ORDER = (
    "server-only",
    "bid",
    "client-side",
    "automatic",
    "optout-on-refresh",
    "refresh-recovers",
    "client-server",
    "on-return",
    "optout-on-generate",
    "expiry",
    "phone",
)


def repeatable(scenario: Scenario) -> bool:
    """Whether a scenario can play again and again on one operator.

    A scenario that opts a user out through the operator's admin surface cannot: the opt-out
    is permanent, so its next run would get ``optout`` at sign-in.
    """
    return not any(step.action is Action.OPT_OUT for step in scenario.steps)


def kiosk_playlist(scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The repeatable scenarios of today's guide, in story order (the kiosk's desk is v2)."""
    rank = {name: i for i, name in enumerate(PLAYLIST_ORDER)}
    chosen = [s for s in scenarios if repeatable(s) and not s.guide.legacy_v1]
    return sorted(chosen, key=lambda s: (rank.get(s.name, len(rank)), s.name))

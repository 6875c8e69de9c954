"""What a scenario plays on: the publisher, plus what the environment allows besides.

A :class:`Stage` holds the desk's publisher and, on the local environment, a time warp, the
local operator's admin surface (:class:`LocalAdmin`: opt-outs, faults) and a buyer. Its
admin actions journal what they did, so a scenario's report shows why the operator changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from uid2_desk.protocol.errors import ScenarioError
from uid2_desk.publisher.bid import Buyer
from uid2_desk.publisher.model import TestUser
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.publisher.recorder import Event
from uid2_desk.publisher.scenario.model import LocalFeature

#: Scenario ``endpoint`` names → operator paths (``any`` means every endpoint).
FAULT_ENDPOINTS = {
    "generate": "/v2/token/generate",
    "refresh": "/v2/token/refresh",
    "validate": "/v2/token/validate",
    "key_bidstream": "/v2/key/bidstream",
    "any": None,
}


class LocalAdmin(Protocol):
    """The local operator's admin surface, as scenarios use it."""

    async def opt_out(self, user: TestUser) -> None:
        """Record an opt-out for the user's DII now, as the opt-out portal would."""
        ...

    async def add_fault(
        self, fault: str, endpoint: str | None, count: int | None, latency_ms: int = 0
    ) -> None:
        """Make the operator fail (``http_500``...) on ``endpoint`` for ``count`` requests."""
        ...

    async def clear_faults(self) -> None:
        """Remove every injected fault."""
        ...


@dataclass
class Stage:
    """What a scenario plays on.

    Attributes:
        publisher: the desk's publisher.
        warp: moves the clock shared by the desk and the operator forward by N ms, or ``None``
            when time cannot be warped (a remote operator keeps its own time).
        admin: the local operator's admin surface, or ``None`` on a remote environment.
        buyer: a buyer with DSP credentials, or ``None`` when there are none.
    """

    publisher: Publisher
    warp: Callable[[int], None] | None = None
    admin: LocalAdmin | None = None
    buyer: Buyer | None = None

    def missing(self, feature: LocalFeature) -> bool:
        """Whether this stage lacks ``feature``."""
        have = {
            LocalFeature.TIME_WARP: self.warp,
            LocalFeature.ADMIN_OPT_OUT: self.admin,
            LocalFeature.FAULTS: self.admin,
            LocalFeature.BUYER_KEYS: self.buyer,
        }
        return have[feature] is None

    async def inject_fault(
        self, fault: str, endpoint: str, count: int | None, latency_ms: int = 0
    ) -> None:
        """Make the local operator answer ``fault`` on ``endpoint`` (a scenario name), journaled."""
        path = FAULT_ENDPOINTS[endpoint]
        await self._admin(LocalFeature.FAULTS).add_fault(fault, path, count, latency_ms)
        times = "until cleared" if count is None else f"for {count} request(s)"
        await self.publisher.record_event(
            Event.OPERATOR_FAULT,
            summary=f"The local operator will answer {fault} on {path or 'every endpoint'} {times}",
            detail={"fault": fault, "endpoint": path or "any", "times": str(count)},
        )

    async def clear_faults(self) -> None:
        """The local operator answers normally again, journaled."""
        await self._admin(LocalFeature.FAULTS).clear_faults()
        await self.publisher.record_event(
            Event.OPERATOR_FAULT, summary="The local operator answers normally again"
        )

    async def opt_out(self, user_id: str) -> None:
        """The user opts out of UID2 now (the local operator records it), journaled."""
        user = self.publisher.snapshot(user_id).user
        await self._admin(LocalFeature.ADMIN_OPT_OUT).opt_out(user)
        await self.publisher.record_event(
            Event.USER_OPTED_OUT,
            user_id=user_id,
            summary=f"{user.label} opts out of UID2 (the operator records it now)",
        )

    def _admin(self, feature: LocalFeature) -> LocalAdmin:
        if self.admin is None:
            env = self.publisher.environment.display_name
            raise ScenarioError(f"This step needs the local operator ({feature.value}), not {env}.")
        return self.admin

"""Where the kiosk's runs play: one journal session and one publisher per run, rotated out.

A booth runs all day. Each scenario run gets a fresh session id and a publisher of its own
(its test users kept in ``<services data dir>/runs``), sharing the services' journal, HTTP
client, clock and local operator. The kiosk's services live in a data directory of their own
(see :mod:`.shell`): pruning never touches the desk's journal. When the run ends its users
are removed, its publisher closed, and the journal pruned to the last
:attr:`KioskHost.keep_sessions` sessions, so neither memory nor the journal grows without
bound. No Qt here.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from uid2_desk.journal import new_session_id
from uid2_desk.protocol.errors import EnvironmentMismatchError
from uid2_desk.publisher.bid import Buyer
from uid2_desk.publisher.publisher import Publisher
from uid2_desk.publisher.scenario.player import Stage

if TYPE_CHECKING:
    from uid2_desk.services import DeskServices

RUNS_DIR = "runs"
#: Sessions kept in the journal: the run on screen and a couple before it.
KEEP_SESSIONS = 3


def refuse_unless_local(services: DeskServices) -> None:
    """Raise unless the desk runs on the embedded local operator (the kiosk's only stage)."""
    env = services.environment
    if env.is_production:
        raise EnvironmentMismatchError(
            f"The kiosk refuses {env.display_name}: an unattended demo loop must never send "
            "requests to a production operator. Start it without --env (the local operator)."
        )
    if env.is_remote or services.operator is None or services.warp_clock is None:
        raise EnvironmentMismatchError(
            f"The kiosk plays only on the embedded local operator, not on {env.display_name}: "
            "its scenarios opt users out, inject faults and warp time. Start it without --env."
        )


class KioskHost:
    """Opens and closes the per-run stage.

    Attributes:
        services: the desk's running services (local operator).
        keep_sessions: journal sessions kept after each run.
        stage: the stage of the run in progress, if any.
    """

    def __init__(self, services: DeskServices, *, keep_sessions: int = KEEP_SESSIONS) -> None:
        refuse_unless_local(services)
        self.services = services
        self.keep_sessions = keep_sessions
        self.stage: Stage | None = None
        self.runs = 0

    async def begin(self) -> Stage:
        """A fresh session and publisher for the next run (closing any left open)."""
        await self.end()
        svc = self.services
        self.runs += 1
        session = new_session_id(svc.clock.now_ms(), f"kiosk{secrets.token_hex(2)}")
        publisher = await Publisher.open(
            svc.data_dir / RUNS_DIR,
            journal=svc.journal,
            environment=svc.environment,
            clock=svc.clock,
            client=svc.publisher.client,
            session=session,
            returning=False,
        )
        base = svc.stage()
        buyer = None if svc.buyer is None else Buyer(svc.buyer.client, publisher)
        self.stage = Stage(publisher=publisher, warp=base.warp, admin=base.admin, buyer=buyer)
        return self.stage

    async def end(self) -> None:
        """Close the run's publisher and rotate old sessions out of the journal."""
        stage, self.stage = self.stage, None
        if stage is None:
            return
        try:
            for snapshot in stage.publisher.users():
                await stage.publisher.remove_user(snapshot.user.id)
        finally:
            await stage.publisher.close()
            await self.services.journal.prune(self.keep_sessions)
